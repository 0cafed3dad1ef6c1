package webhook

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
)

// secretPrefix marks a Standard Webhooks secret: the rest is the base64
// of the HMAC key.
const secretPrefix = "whsec_"

// keysOf returns the HMAC keys worth trying for one secret, most likely
// first, as Polar's TypeScript SDK 1.0.1 derives them: the UTF-8 bytes of
// the whole string, and the base64 decoding (standard alphabet) of the
// part after an optional "whsec_" prefix when that decodes to something
// else. A whsec_ secret is most likely used decoded (the Standard Webhooks
// convention, and how Polar signs with secrets created since 2026-09-08),
// a secret without the prefix raw (older secrets, `polar listen`), so in
// the common case the first key matches and a delivery costs one HMAC.
func keysOf(secret string) [][]byte {
	raw := []byte(secret)
	decoded, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil || len(decoded) == 0 || bytes.Equal(decoded, raw) {
		return [][]byte{raw}
	}
	if strings.HasPrefix(secret, secretPrefix) {
		return [][]byte{decoded, raw}
	}
	return [][]byte{raw, decoded}
}

// checkSecret refuses secrets that cannot be what Polar gave: empty, or
// with surrounding white space (a newline copied from a file or a shell
// is the usual cause, and would fail every delivery). The message says
// which secret by position, never its content.
func checkSecret(i int, secret string) error {
	if secret == "" {
		return fmt.Errorf("%w: secret %d is empty", ErrInvalidSecret, i)
	}
	if strings.TrimSpace(secret) != secret {
		return fmt.Errorf("%w: secret %d has leading or trailing white space", ErrInvalidSecret, i)
	}
	if secret == secretPrefix {
		// The prefix alone is a public key: anyone could sign with it.
		// An unset variable after "whsec_" in a config is the usual cause.
		return fmt.Errorf("%w: secret %d is a bare prefix, with no key after it", ErrInvalidSecret, i)
	}
	return nil
}

// signingKey is the key Polar signs with for a secret: the decoded base64
// for "whsec_<base64>", the raw bytes of the whole string otherwise
// (including a whsec_ secret whose rest is not valid base64).
func signingKey(secret string) []byte {
	if rest, ok := strings.CutPrefix(secret, secretPrefix); ok {
		if decoded, err := base64.StdEncoding.DecodeString(rest); err == nil && len(decoded) > 0 {
			return decoded
		}
	}
	return []byte(secret)
}
