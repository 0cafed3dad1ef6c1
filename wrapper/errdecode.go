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
	if header == nil {
		header = http.Header{}
	}
	e := &Error{
		Op:         op,
		Method:     method,
		Path:       path,
		StatusCode: status,
		Header:     cleanHeader(header, redact),
		Attempts:   attempts,
		RetryAfter: retryAfter(header, now),
	}
	decodeErrorBody(e, body, redact)
	// The server's text goes into messages and logs: one line, and never a
	// credential it echoed back.
	e.Code = redact.clean(e.Code)
	e.Detail = redact.clean(e.Detail)
	for i := range e.Fields {
		cleanField(&e.Fields[i], redact)
	}
	switch {
	case status == http.StatusTooManyRequests, status == http.StatusServiceUnavailable && e.RetryAfter > 0:
		return &RateLimitError{APIError: e, RetryAfter: e.RetryAfter}
	case status == http.StatusUnprocessableEntity:
		return &ValidationError{APIError: e, Fields: e.Fields}
	}
	return e
}

// decodeErrorBody fills Code, Detail and Fields from a Polar error body, or
// Body with a redacted excerpt when the body is not one.
func decodeErrorBody(e *Error, body []byte, redact redactor) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return
	}
	var pe client.PolarError
	if trimmed[0] != '{' || json.Unmarshal(trimmed, &pe) != nil || (pe.Error == nil && pe.Detail == nil && pe.ErrorDescription == nil) {
		e.Body = redact.excerpt(trimmed)
		return
	}
	e.envelope = true
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
			e.envelope = false
			e.Body = redact.excerpt(trimmed)
		}
	default:
		e.envelope = false
		e.Body = redact.excerpt(trimmed)
	}
}

// statusText names a status, Cloudflare's 52x included.
func statusText(status int) string {
	if text := http.StatusText(status); text != "" {
		return text
	}
	switch status {
	case 520:
		return "Web Server Returned an Unknown Error"
	case 521:
		return "Web Server Is Down"
	case 522:
		return "Connection Timed Out"
	case 523:
		return "Origin Is Unreachable"
	case 524:
		return "A Timeout Occurred"
	case 525:
		return "SSL Handshake Failed"
	case 526:
		return "Invalid SSL Certificate"
	case 527:
		return "Railgun Error"
	}
	return ""
}

// oneLine replaces control characters (line breaks included) with spaces,
// so a server's message cannot forge log lines.
func oneLine(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, isControl) < 0 {
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

// cut returns at most the first n bytes of s, not splitting a UTF-8
// sequence.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// cleanField removes credentials from every part of a 422 entry that
// reaches a message, a log or a %#v: FastAPI echoes the offending input,
// and a path segment or a value can be a client secret or a token.
func cleanField(f *FieldError, redact redactor) {
	f.Msg = redact.clean(f.Msg)
	f.Type = redact.clean(f.Type)
	for i, part := range f.Loc {
		f.Loc[i] = cleanValue(part, redact)
	}
	if v, err := f.Input.Get(); err == nil {
		f.Input.Set(cleanValue(v, redact))
	}
	if f.Ctx != nil {
		for k, v := range *f.Ctx {
			(*f.Ctx)[k] = cleanValue(v, redact)
		}
	}
}

// cleanValue returns v with every string in it cleaned, however deep.
func cleanValue(v any, redact redactor) any {
	switch v := v.(type) {
	case string:
		return redact.clean(v)
	case []any:
		for i := range v {
			v[i] = cleanValue(v[i], redact)
		}
	case map[string]any:
		for k, x := range v {
			v[k] = cleanValue(x, redact)
		}
	}
	return v
}

// cleanHeader returns the response's header with credentials removed
// from the values (a proxy's error may echo Authorization or the path);
// the header is copied only when a value changes.
func cleanHeader(h http.Header, redact redactor) http.Header {
	var out http.Header
	for name, values := range h {
		for i, v := range values {
			if c := scrubCredentials(redact.apply(v)); c != v {
				if out == nil {
					out = h.Clone()
				}
				out[name][i] = c
			}
		}
	}
	if out == nil {
		return h
	}
	return out
}
