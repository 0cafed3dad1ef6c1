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
		if ue == err {
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
