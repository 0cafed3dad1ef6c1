// Generates vectors.json: signatures made by an implementation independent
// of package webhook, the npm package standardwebhooks 1.1.1 (Standard
// Webhooks' own TypeScript library). It is documentation of how the
// fixture was made; tests and CI only read vectors.json.
//
//   mkdir /tmp/sw && cd /tmp/sw && npm install standardwebhooks@1.1.1
//   NODE_PATH=/tmp/sw/node_modules node gen-vectors.mjs > vectors.json
//   python3 check-vectors.py vectors.json   # recomputes each with Python's hmac
//
// Run from this directory (it reads payloads/).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
const require = createRequire(import.meta.url);
const { Webhook } = require("standardwebhooks");

// Secrets of each kind (made up for these tests).
const whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // base64 of 24 bytes
const whsecNew = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"; // the rotation's new secret
const legacy = "polar_whs_kX4r9TqL2mWb7Zc1Vn8Hy3Pd6Fs0Ga5J"; // '_' is not base64: raw only
const legacyB64 = "bGVnYWN5LXJhdy1zZWNyZXQtMDE="; // no prefix, but valid base64
const whsecBad = "whsec_not*valid/base64!"; // prefix, rest not base64: raw only
const unicode = "clé-secrète-ünïcødé-2026"; // raw, non-ASCII: UTF-8 bytes
const other = "whsec_dGhpcyBpcyBub3QgdGhlIHNlY3JldA=="; // a wrong secret

const decoded = (s) => new Webhook(s); // strips whsec_, base64-decodes
const raw = (s) => new Webhook(Buffer.from(s, "utf8"), { format: "raw" });

const ts = 1778432700; // 2026-05-10T17:05:00Z
const checkout = readFileSync("payloads/checkout_updated_succeeded.json", "utf8");
const small = '{"type":"checkout.created","timestamp":"2026-05-10T17:05:00Z","data":{}}';
const utf8Body = '{"type":"x.y","timestamp":"2026-05-10T17:05:00Z","data":{"name":"Zoë — 支払い ✓"}}';

const sig = (wh, id, body, t = ts) => wh.sign(id, new Date(t * 1000), body);

const vectors = [];
function add(name, { signer, signWith, scheme, verify, id = "msg_2x7Kq9Lm", body = small, t = ts, header, valid }) {
  const signature = header ?? sig(signer, id, body, t);
  vectors.push({ name, sign_secret: signWith, scheme, verify_secrets: verify, id, timestamp: t, body, signature, valid });
}

add("whsec secret, decoded key", { signer: decoded(whsec), signWith: whsec, scheme: "decoded", verify: [whsec], valid: true });
add("whsec secret, raw key (both schemes accepted)", { signer: raw(whsec), signWith: whsec, scheme: "raw", verify: [whsec], valid: true });
add("legacy secret, raw key", { signer: raw(legacy), signWith: legacy, scheme: "raw", verify: [legacy], valid: true });
add("legacy secret that is valid base64, raw key", { signer: raw(legacyB64), signWith: legacyB64, scheme: "raw", verify: [legacyB64], valid: true });
add("legacy secret that is valid base64, decoded key", { signer: decoded(legacyB64), signWith: legacyB64, scheme: "decoded", verify: [legacyB64], valid: true });
add("whsec prefix, rest not base64, raw key", { signer: raw(whsecBad), signWith: whsecBad, scheme: "raw", verify: [whsecBad], valid: true });
add("non-ASCII raw secret, UTF-8 bytes", { signer: raw(unicode), signWith: unicode, scheme: "raw", verify: [unicode], valid: true });
add("checkout payload, whsec decoded", { signer: decoded(whsec), signWith: whsec, scheme: "decoded", verify: [whsec], body: checkout, id: "msg_31pQx0Zr4", valid: true });
add("checkout payload, legacy raw", { signer: raw(legacy), signWith: legacy, scheme: "raw", verify: [legacy], body: checkout, id: "msg_31pQx0Zr4", valid: true });
add("UTF-8 body", { signer: decoded(whsec), signWith: whsec, scheme: "decoded", verify: [whsec], body: utf8Body, valid: true });
add("rotation: signed with the new secret", { signer: decoded(whsecNew), signWith: whsecNew, scheme: "decoded", verify: [whsec, whsecNew], valid: true });
add("rotation: signed with the old legacy secret", { signer: raw(legacy), signWith: legacy, scheme: "raw", verify: [whsecNew, legacy], valid: true });
add("rotation: old and new signatures in one header", {
  signWith: whsecNew, scheme: "decoded", verify: [whsecNew],
  header: `${sig(decoded(whsec), "msg_2x7Kq9Lm", small)} ${sig(decoded(whsecNew), "msg_2x7Kq9Lm", small)}`, valid: true,
});
add("v2 entry then a bad v1 then the good v1", {
  signWith: whsec, scheme: "decoded", verify: [whsec],
  header: `v2,${sig(decoded(whsec), "msg_2x7Kq9Lm", small).slice(3)} v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ${sig(decoded(whsec), "msg_2x7Kq9Lm", small)}`, valid: true,
});
add("only a v2 entry with the right value", {
  signWith: whsec, scheme: "decoded", verify: [whsec],
  header: `v2,${sig(decoded(whsec), "msg_2x7Kq9Lm", small).slice(3)}`, valid: false,
});
add("wrong secret", { signer: decoded(other), signWith: other, scheme: "decoded", verify: [whsec, legacy], valid: false });
add("rotation list without the signing secret", { signer: decoded(whsecNew), signWith: whsecNew, scheme: "decoded", verify: [whsec, legacy], valid: false });
add("signed for another id", { signWith: whsec, scheme: "decoded", verify: [whsec], header: sig(decoded(whsec), "msg_other", small), valid: false });
add("signed for another timestamp", { signWith: whsec, scheme: "decoded", verify: [whsec], header: sig(decoded(whsec), "msg_2x7Kq9Lm", small, ts - 1), valid: false });
add("signed for another body", { signWith: whsec, scheme: "decoded", verify: [whsec], header: sig(decoded(whsec), "msg_2x7Kq9Lm", small + " "), valid: false });

process.stdout.write(JSON.stringify({
  generator: "standardwebhooks 1.1.1 (npm) via gen-vectors.mjs; every signature recomputed with Python hmac by check-vectors.py",
  vectors,
}, null, 1) + "\n");
