package polar

import (
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// maxClientSecretLen bounds a client secret; real ones are about 50 bytes.
const maxClientSecretLen = 256

// opParseUUID names ParseUUID in its errors.
const opParseUUID = "ParseUUID"

// ParseUUID parses a Polar ID (checkout, product, organization, customer,
// discount) written in canonical form (8-4-4-4-12 hex digits), for
// [CheckoutsService.Get] and Update, request bodies and list filters.
// Anything else, including the other forms uuid.Parse accepts (braces,
// "urn:uuid:", no dashes), gives an [*InvalidArgumentError] matching
// [ErrInvalidArgument]. The error quotes the input only when it cannot be
// a credential (a client secret or token passed by mistake).
func ParseUUID(s string) (UUID, error) { return parseID(opParseUUID, s) }

// MustParseUUID is ParseUUID for constants known to be valid; it panics
// otherwise. Do not use it on input.
func MustParseUUID(s string) UUID {
	id, err := ParseUUID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// checkCheckoutID refuses the zero UUID, which no session has: it is what
// an unset ID field holds, so sending it would hide a caller's bug behind
// a 404.
func checkCheckoutID(op string, id UUID) (UUID, error) {
	if id == (UUID{}) {
		return UUID{}, &InvalidArgumentError{Op: op, Arg: "id", Reason: "the zero UUID (an unset ID?)"}
	}
	return id, nil
}

// parseID checks an ID given as a string: it must be a UUID in canonical
// form, which also rules out empty, ".", ".." and "/" (values that would
// turn into a different URL).
func parseID(op, id string) (uuid.UUID, error) {
	switch {
	case id == "":
		return uuid.UUID{}, &InvalidArgumentError{Op: op, Arg: "id", Reason: "empty"}
	case id == "." || id == "..":
		return uuid.UUID{}, &InvalidArgumentError{Op: op, Arg: "id", Reason: "dot segment " + describeInput(id)}
	case strings.ContainsAny(id, "/\\?#%"):
		return uuid.UUID{}, &InvalidArgumentError{Op: op, Arg: "id", Reason: "contains a URL delimiter: " + describeInput(id)}
	}
	u, err := uuid.Parse(id)
	if err != nil || len(id) != 36 {
		return uuid.UUID{}, &InvalidArgumentError{Op: op, Arg: "id", Reason: "not a UUID in canonical form: " + describeInput(id)}
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

// describeInput shows the caller's input in an error message only when it
// cannot be a credential: made of hex digits and dashes alone (a mistyped
// UUID), at most 40 bytes. Anything else is described by its length, so
// that a client secret or token passed by mistake (whole, in a URL, after
// "Bearer " or a space) never reaches an error or a log.
func describeInput(s string) string {
	if len(s) <= 40 && isHexOrDash(s) {
		return strconv.Quote(s)
	}
	return "(" + strconv.Itoa(len(s)) + " bytes, not shown)"
}

func isHexOrDash(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '-') {
			return false
		}
	}
	return true
}
