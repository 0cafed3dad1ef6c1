package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
// [ErrInvalidSecret] or [ErrMissingHeader]; an id with control
// characters (a line break would end the header line) or surrounding
// spaces, or a timestamp before 1970, is an error too.
func Sign(secret, id string, timestamp time.Time, body []byte) (http.Header, error) {
	if err := checkSecret(0, secret); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, &MissingHeaderError{Headers: []string{HeaderID}}
	}
	if !isHeaderToken(id) {
		return nil, errors.New("webhook: Sign: the id has control characters or surrounding spaces")
	}
	if timestamp.Unix() < 0 {
		return nil, fmt.Errorf("%w: Sign needs a time from 1970 on", ErrInvalidTimestamp)
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

// isHeaderToken reports whether s can be a header value as it is: no
// control characters, which could break the header line, and no
// surrounding spaces, which HTTP strips.
func isHeaderToken(s string) bool {
	if strings.TrimSpace(s) != s {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return false
		}
	}
	return true
}
