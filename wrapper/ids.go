package polar

import (
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// maxClientSecretLen bounds a client secret; real ones are about 50 bytes.
const maxClientSecretLen = 256

// parseCheckoutID checks a checkout ID before any request is made: it must
// be a UUID, which also rules out empty, ".", ".." and "/" (values the
// generated client would turn into a different URL).
func parseCheckoutID(op, id string) (uuid.UUID, error) {
	switch {
	case id == "":
		return uuid.UUID{}, &InvalidArgumentError{Op: op, Arg: "id", Reason: "empty"}
	case id == "." || id == "..":
		return uuid.UUID{}, &InvalidArgumentError{Op: op, Arg: "id", Reason: "dot segment " + quoteShort(id)}
	case strings.ContainsAny(id, "/\\?#%"):
		return uuid.UUID{}, &InvalidArgumentError{Op: op, Arg: "id", Reason: "contains a URL delimiter: " + quoteShort(id)}
	}
	u, err := uuid.Parse(id)
	if err != nil || len(id) != 36 {
		return uuid.UUID{}, &InvalidArgumentError{Op: op, Arg: "id", Reason: "not a UUID in canonical form: " + quoteShort(id)}
	}
	return u, nil
}

// checkClientSecret checks a client secret before any request is made. It
// may only hold the characters of Polar's secrets (letters, digits, '_'
// and '-'), which rules out empty, ".", "..", "/" and percent-escapes. The
// error never quotes the secret.
func checkClientSecret(op, secret string) error {
	switch {
	case secret == "":
		return &InvalidArgumentError{Op: op, Arg: "client_secret", Reason: "empty"}
	case len(secret) > maxClientSecretLen:
		return &InvalidArgumentError{Op: op, Arg: "client_secret", Reason: "longer than 256 bytes"}
	}
	for i := 0; i < len(secret); i++ {
		c := secret[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return &InvalidArgumentError{Op: op, Arg: "client_secret", Reason: "has a character outside letters, digits, '_' and '-'"}
		}
	}
	return nil
}

// quoteShort quotes s for an error message: cut to 40 bytes, control
// characters and invalid UTF-8 escaped, and not at all if it looks like a
// credential (a client secret passed as an ID by mistake).
func quoteShort(s string) string {
	if looksLikeCredential(s) {
		return "(a value that looks like a credential)"
	}
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "…"
	}
	return strconv.Quote(s)
}
