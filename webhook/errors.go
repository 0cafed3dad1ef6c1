package webhook

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Errors of verification and parsing; match them with errors.Is. No error
// of this package contains a secret, a signature, a header value or any
// part of the body: they are safe to log and to return to callers.
var (
	// ErrInvalidSecret: a secret given to [NewVerifier] or [Sign] is empty
	// or unusable.
	ErrInvalidSecret = errors.New("webhook: invalid secret")
	// ErrMissingHeader: a delivery lacks webhook-id, webhook-timestamp or
	// webhook-signature; errors.As with [*MissingHeaderError] says which.
	ErrMissingHeader = errors.New("webhook: missing header")
	// ErrInvalidTimestamp: webhook-timestamp is not an integer number of
	// seconds since the Unix epoch.
	ErrInvalidTimestamp = errors.New("webhook: invalid webhook-timestamp header")
	// ErrTimestampTooOld: the delivery was signed longer ago than the
	// tolerance allows (a replay, or a clock far behind).
	ErrTimestampTooOld = errors.New("webhook: timestamp too old")
	// ErrTimestampTooNew: the delivery claims to be signed further in the
	// future than the tolerance allows.
	ErrTimestampTooNew = errors.New("webhook: timestamp too new")
	// ErrNoMatchingSignature: no v1 entry of webhook-signature matches any
	// key of any secret (a wrong secret, a forged or altered delivery).
	ErrNoMatchingSignature = errors.New("webhook: no matching signature")
	// ErrBodyTooLarge: the body exceeds the verifier's size limit.
	ErrBodyTooLarge = errors.New("webhook: body too large")
	// ErrInvalidPayload: the body is not a webhook payload of the expected
	// shape; errors.As with [*ParseError] gives the detail.
	ErrInvalidPayload = errors.New("webhook: invalid payload")
	// ErrAPIVersionMismatch: the payload's api_version is not the one set
	// with [WithAPIVersion]; errors.As with [*APIVersionError] gives both.
	ErrAPIVersionMismatch = errors.New("webhook: API version mismatch")
)

// isVerificationError reports whether err means the delivery is not
// authentic (as opposed to too large or badly shaped).
func isVerificationError(err error) bool {
	for _, target := range []error{ErrMissingHeader, ErrInvalidTimestamp, ErrTimestampTooOld, ErrTimestampTooNew, ErrNoMatchingSignature} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// MissingHeaderError names the signature headers a delivery lacks. It
// matches [ErrMissingHeader].
type MissingHeaderError struct {
	// Headers are the missing names, such as "webhook-signature".
	Headers []string
}

// Error lists the missing header names.
func (e *MissingHeaderError) Error() string {
	return "webhook: missing header " + strings.Join(e.Headers, ", ")
}

// Is makes errors.Is(err, ErrMissingHeader) true.
func (e *MissingHeaderError) Is(target error) bool { return target == ErrMissingHeader }

// TimestampError says how far webhook-timestamp is from the verifier's
// clock. It matches [ErrTimestampTooOld] or [ErrTimestampTooNew].
type TimestampError struct {
	// Skew is the delivery's timestamp minus the verifier's clock:
	// negative when it is in the past.
	Skew time.Duration
	// Tolerance is the largest skew the verifier accepts either way.
	Tolerance time.Duration
}

// Error gives the skew and the tolerance.
func (e *TimestampError) Error() string {
	if e.Skew < 0 {
		return fmt.Sprintf("%v: signed %v ago, tolerance %v", ErrTimestampTooOld, -e.Skew, e.Tolerance)
	}
	return fmt.Sprintf("%v: signed %v in the future, tolerance %v", ErrTimestampTooNew, e.Skew, e.Tolerance)
}

// Is makes errors.Is match [ErrTimestampTooOld] for a timestamp in the
// past and [ErrTimestampTooNew] for one in the future.
func (e *TimestampError) Is(target error) bool {
	if e.Skew < 0 {
		return target == ErrTimestampTooOld
	}
	return target == ErrTimestampTooNew
}

// ParseError describes why a verified body is not a payload this package
// can decode. It matches [ErrInvalidPayload].
type ParseError struct {
	// Type is the payload's event type, when it could be read.
	Type string
	// Field is the JSON path of the offending member, such as "data" or
	// "data.status", when known.
	Field string
	// Reason says what is wrong, without quoting the payload.
	Reason string
	// Offset is the byte offset of a JSON syntax error, or -1.
	Offset int64
}

// Error describes the problem; it never quotes the payload.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("webhook: invalid payload")
	if e.Type != "" {
		b.WriteString(" of type ")
		b.WriteString(e.Type)
	}
	if e.Field != "" {
		b.WriteString(": field ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	if e.Offset >= 0 {
		fmt.Fprintf(&b, " (at byte %d)", e.Offset)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalidPayload) true.
func (e *ParseError) Is(target error) bool { return target == ErrInvalidPayload }

// APIVersionError reports a payload of another API version than the one
// the verifier expects. It matches [ErrAPIVersionMismatch].
type APIVersionError struct {
	// Got is the payload's api_version ("" when it has none).
	Got string
	// Want is the version set with [WithAPIVersion].
	Want string
}

// versionShape is what an API version looks like; anything else is not
// quoted in an error message (it came from the body).
var versionShape = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$`)

// Error names both versions; a received value that does not look like a
// version is not quoted.
func (e *APIVersionError) Error() string {
	got := "none"
	switch {
	case versionShape.MatchString(e.Got):
		got = e.Got
	case e.Got != "":
		got = "a value that is not a version"
	}
	return fmt.Sprintf("%v: payload has %s, want %s", ErrAPIVersionMismatch, got, e.Want)
}

// Is makes errors.Is(err, ErrAPIVersionMismatch) true.
func (e *APIVersionError) Is(target error) bool { return target == ErrAPIVersionMismatch }
