package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"time"
)

// Sign returns the headers Polar would send with body signed with secret,
// for tests of your handler and for tools that replay deliveries: the
// three of [HeaderID] (id), [HeaderTimestamp] (timestamp in Unix seconds)
// and [HeaderSignature] (one "v1,<base64>" entry).
//
// The key is the one Polar signs with: for "whsec_<base64>" the decoded
// base64, for any other secret (including a whsec_ secret whose rest is
// not valid base64) the bytes of the whole string. A [Verifier] given the
// same secret accepts the result. An empty secret or id is an
// [ErrInvalidSecret] or [ErrMissingHeader].
func Sign(secret, id string, timestamp time.Time, body []byte) (http.Header, error) {
	if err := checkSecret(0, secret); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, &MissingHeaderError{Headers: []string{HeaderID}}
	}
	ts := strconv.FormatInt(timestamp.Unix(), 10)
	h := make(http.Header, 3)
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, "v1,"+signature(signingKey(secret), id, ts, body))
	return h, nil
}

// signature is base64(HMAC-SHA256(key, "<id>.<ts>.<body>")).
func signature(key []byte, id, ts string, body []byte) string {
	mac := hmac.New(sha256.New, key)
	writeSigned(mac, id, ts, body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
