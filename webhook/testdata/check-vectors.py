"""Recomputes the signatures of vectors.json with Python's hmac, as a
second implementation independent of package webhook and of the npm
library that wrote the file. Documentation: CI does not run it.

    python3 check-vectors.py vectors.json
"""
import base64, hashlib, hmac, json, sys

def key(secret, scheme):
    if scheme == "raw":
        return secret.encode("utf-8")
    return base64.b64decode(secret.removeprefix("whsec_"), validate=True)

def sign(k, msg_id, ts, body):
    mac = hmac.new(k, f"{msg_id}.{ts}.".encode() + body.encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()

doc = json.load(open(sys.argv[1], encoding="utf-8"))
bad = 0
for v in doc["vectors"]:
    entries = [e[3:] for e in v["signature"].split(" ") if e.startswith("v1,")]
    want = sign(key(v["sign_secret"], v["scheme"]), v["id"], v["timestamp"], v["body"])
    # A valid vector must carry the signature of its signing secret; an
    # invalid one must not verify with any key of any verify secret.
    keys = []
    for s in v["verify_secrets"]:
        keys.append(s.encode("utf-8"))
        try:
            d = base64.b64decode(s.removeprefix("whsec_"), validate=True)
            if d and d != s.encode("utf-8"):
                keys.append(d)
        except Exception:
            pass
    matches = any(sign(k, v["id"], v["timestamp"], v["body"]) in entries for k in keys)
    ok = (want in entries and matches) if v["valid"] else not matches
    print(("ok  " if ok else "BAD ") + v["name"])
    bad += not ok
sys.exit(1 if bad else 0)
