package polar

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gopolar/checkouts/client"
)

// bodyExcerptLen bounds the part of an undecodable body kept in an error.
const bodyExcerptLen = 256

// newAPIError builds the error for a non-2xx response. It never fails:
// whatever the body holds (a Polar error, an OAuth2 error, a 422 list or
// string, HTML from a proxy, nothing), the status code is kept.
func newAPIError(op, method, path string, status int, header http.Header, body []byte, attempts int, now time.Time, redact redactor) error {
	e := &Error{
		Op:         op,
		Method:     method,
		Path:       path,
		StatusCode: status,
		Header:     header,
		Attempts:   attempts,
		RetryAfter: parseRetryAfter(header.Get("Retry-After"), now),
	}
	decodeErrorBody(e, body)
	// The server's text goes into messages and logs: one line, and never a
	// credential it echoed back.
	e.Code = redact.apply(oneLine(e.Code))
	e.Detail = redact.apply(oneLine(e.Detail))
	e.Body = redact.apply(e.Body)
	for i := range e.Fields {
		e.Fields[i].Msg = redact.apply(oneLine(e.Fields[i].Msg))
	}
	switch status {
	case http.StatusTooManyRequests:
		return &RateLimitError{APIError: e, RetryAfter: e.RetryAfter}
	case http.StatusUnprocessableEntity:
		return &ValidationError{APIError: e, Fields: e.Fields}
	}
	return e
}

// decodeErrorBody fills Code, Detail and Fields from a Polar error body, or
// Body with an excerpt when the body is not one.
func decodeErrorBody(e *Error, body []byte) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return
	}
	var pe client.PolarError
	if trimmed[0] != '{' || json.Unmarshal(trimmed, &pe) != nil || (pe.Error == nil && pe.Detail == nil && pe.ErrorDescription == nil) {
		e.Body = excerpt(trimmed)
		return
	}
	if pe.Error != nil {
		e.Code = *pe.Error
	}
	if pe.ErrorDescription != nil {
		e.Detail = *pe.ErrorDescription
	}
	if pe.Detail == nil {
		return
	}
	raw := bytes.TrimSpace(*pe.Detail)
	switch {
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			e.Detail = s
		}
	case len(raw) > 0 && raw[0] == '[':
		var fields []FieldError
		if json.Unmarshal(raw, &fields) == nil {
			e.Fields = fields
			if len(fields) > 0 {
				e.Detail = fields[0].Msg
			}
		} else {
			e.Body = excerpt(trimmed)
		}
	default:
		e.Body = excerpt(trimmed)
	}
}

// oneLine replaces control characters (line breaks included) with spaces,
// so a server's message cannot forge log lines.
func oneLine(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029'
}

// excerpt returns the start of b as printable, valid UTF-8 text.
func excerpt(b []byte) string {
	if len(b) > bodyExcerptLen {
		b = b[:bodyExcerptLen]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
	}
	return oneLine(strings.ToValidUTF8(string(b), "\uFFFD"))
}
