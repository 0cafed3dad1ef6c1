package polar

import (
	"errors"
	"net/url"
	"strings"
)

// secretPlaceholder replaces a client secret wherever a path is shown.
const secretPlaceholder = "{client_secret}"

// sanitizePath returns the URL path with client secrets replaced: the
// segment after ".../checkouts/client/" and any segment that looks like a
// Polar credential (polar_c_…, polar_cst_…, polar_oat_…, polar_pat_…).
func sanitizePath(p string) string {
	if !strings.Contains(p, "/client/") && !strings.Contains(p, "polar_") {
		return p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if (i > 0 && segs[i-1] == "client" && s != "") || looksLikeCredential(s) {
			segs[i] = secretPlaceholder
		}
	}
	return strings.Join(segs, "/")
}

// looksLikeCredential reports whether s (raw or percent-encoded) starts
// with one of Polar's credential prefixes.
func looksLikeCredential(s string) bool {
	for _, prefix := range [...]string{"polar_c_", "polar_cst_", "polar_oat_", "polar_pat_", "polar_at_"} {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// redactor removes known secrets from text: the client secret of the call
// and the access token.
type redactor []string

func (r redactor) apply(s string) string {
	for _, secret := range r {
		if len(secret) >= 4 && strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, "[REDACTED]")
		}
		if esc := url.PathEscape(secret); esc != secret && len(esc) >= 4 && strings.Contains(s, esc) {
			s = strings.ReplaceAll(s, esc, "[REDACTED]")
		}
	}
	return s
}

// cleanPrefixLen bounds how much of a body is cleaned before it is cut to
// an excerpt: well past the excerpt, so that no secret that starts inside
// the excerpt can end past the cleaned part.
const cleanPrefixLen = 16 << 10

// clean makes server text fit for an error message or a log line: one
// line, with the known secrets and anything that looks like a credential
// removed.
func (r redactor) clean(s string) string {
	return scrubCredentials(r.apply(oneLine(s)))
}

// excerpt returns the start of a body for an error message: cleaned first,
// then cut, so that a secret cut by the limit cannot leak its first part.
func (r redactor) excerpt(b []byte) string {
	if len(b) > cleanPrefixLen {
		b = b[:cleanPrefixLen]
	}
	return cut(r.trimSecretTail(r.clean(string(b))), bodyExcerptLen)
}

// trimSecretTail removes the end of s when it is the start of a known
// secret (at least 4 bytes): a body the server cut in the middle of one.
func (r redactor) trimSecretTail(s string) string {
	for _, secret := range r {
		for n := min(len(secret)-1, len(s)); n >= 4; n-- {
			if strings.HasSuffix(s, secret[:n]) {
				return s[:len(s)-n] + "[REDACTED]"
			}
		}
	}
	return s
}

// credentialPrefixes start the credentials Polar issues, and webhook
// secrets.
var credentialPrefixes = [...]string{"polar_", "whsec_"}

// scrubCredentials replaces every word that starts like a Polar credential
// (polar_c_…, polar_oat_…, whsec_…) or follows "Bearer ", known to this
// client or not, with [REDACTED].
func scrubCredentials(s string) string {
	if !strings.Contains(s, "polar_") && !strings.Contains(s, "whsec_") && !containsFold(s, "bearer ") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if n := credentialAt(s, i); n > 0 {
			b.WriteString("[REDACTED]")
			i += n
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// credentialAt returns the length of the credential that starts at s[i],
// or 0. A match must start a word, so "xpolar_" is left alone.
func credentialAt(s string, i int) int {
	if i > 0 && isWordByte(s[i-1]) {
		return 0
	}
	rest := s[i:]
	if len(rest) > 7 && strings.EqualFold(rest[:7], "bearer ") {
		j := 7
		for j < len(rest) && rest[j] == ' ' {
			j++
		}
		if k := credentialRun(rest[j:]); k > 0 {
			return j + k
		}
		return 0
	}
	for _, p := range credentialPrefixes {
		if strings.HasPrefix(rest, p) {
			return credentialRun(rest)
		}
	}
	return 0
}

// credentialRun is the length of the run of token characters at the start
// of s (letters, digits and the punctuation of base64 and of Polar's IDs).
func credentialRun(s string) int {
	n := 0
	for n < len(s) && isCredentialByte(s[n]) {
		n++
	}
	return n
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func isCredentialByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '+' || c == '/' || c == '=' || c == '.' || c == '~'
}

// containsFold reports whether s contains substr, ignoring ASCII case.
func containsFold(s, substr string) bool {
	for i := 0; i+len(substr) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(substr)], substr) {
			return true
		}
	}
	return false
}

// redactedError keeps the chain of err for errors.Is and errors.As while
// its message has the secrets removed.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError returns err with secrets removed from its message and from
// the URL of a top-level *url.Error.
func (r redactor) redactError(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		cp := *ue
		cp.URL = r.apply(sanitizeURL(ue.URL))
		if any(ue) == any(err) { // the top of the chain itself (identity, not errors.Is): a nested URL is redacted in the message
			err = &cp
		}
	}
	msg := err.Error()
	clean := r.apply(msg)
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

// sanitizeURL applies sanitizePath to the path of a URL string.
func sanitizeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable URL]"
	}
	u.Path = sanitizePath(u.Path)
	u.RawPath = ""
	u.RawQuery = ""
	return u.String()
}

// redactDecodeError returns err with a message fit for an error string:
// quoted values (decoders quote what they reject: `parsing time "…"`)
// are replaced by "…", and secrets are removed. errors.Is and errors.As
// still reach the original.
func (r redactor) redactDecodeError(err error) error {
	msg := err.Error()
	clean := r.clean(unquoteValues(msg))
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

// unquoteValues replaces the content of every double-quoted part of s
// with "…", keeping the quotes.
func unquoteValues(s string) string {
	if !strings.Contains(s, `"`) {
		return s
	}
	var b strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			if in {
				b.WriteString("…")
			}
			in = !in
			b.WriteByte(c)
		case c == '\\' && in:
			i++ // an escaped character stays inside the quotes
		case !in:
			b.WriteByte(c)
		}
	}
	return b.String()
}
