package polar

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Do sends a request the SDK does not model yet, through the same
// authentication, retries, error mapping, logging and middleware as the
// modelled operations. path is relative to the server, such as
// "/v1/checkouts/?limit=5". body (if not nil) is sent as JSON ([]byte and
// json.RawMessage as they are); a 2xx JSON answer is decoded into out (if
// not nil).
//
// The access token is sent if one is configured, except to
// /v1/checkouts/client/ paths. GET, PUT, PATCH and DELETE get the full
// retry policy; POST is treated like Create: never repeated once it may
// have reached Polar, failing with [ErrMaybeApplied] when unsure.
func (c *Client) Do(ctx context.Context, method, path string, body, out any, opts ...Option) error {
	const op = "raw"
	ref, err := url.Parse(path)
	if err != nil || !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") || ref.Scheme != "" || ref.Host != "" {
		return &InvalidArgumentError{Op: op, Arg: "path", Reason: "must be an absolute path such as /v1/checkouts/"}
	}
	for _, seg := range strings.Split(ref.Path, "/") {
		if seg == "." || seg == ".." {
			return &InvalidArgumentError{Op: op, Arg: "path", Reason: "dot segments are not allowed"}
		}
	}
	method = strings.ToUpper(method)
	var payload []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		payload = b
	case json.RawMessage:
		payload = b
	default:
		if err := checkUTF8(op, "body", b); err != nil {
			return err
		}
		if payload, err = json.Marshal(b); err != nil {
			return &InvalidArgumentError{Op: op, Arg: "body", Reason: err.Error()}
		}
	}
	if !utf8.Valid(payload) || !utf8.ValidString(path) {
		return &InvalidArgumentError{Op: op, Arg: "body or path", Reason: "not valid UTF-8"}
	}
	cfg, err := c.callConfig(opts)
	if err != nil {
		return err
	}
	auth, safe := authOptional, idempotent
	if strings.HasPrefix(ref.Path, "/v1/checkouts/client/") {
		auth = authNever
	}
	if method == http.MethodPost {
		safe = unsafePost
	}
	r := &request{cfg: cfg, op: op, method: method, path: sanitizePath(ref.Path), auth: auth, safety: safe,
		build: func(server string) (*http.Request, error) {
			base, err := url.Parse(server)
			if err != nil {
				return nil, err
			}
			// Resolve the escaped path: %2F must stay inside its segment.
			rel, err := url.Parse("." + ref.EscapedPath())
			if err != nil {
				return nil, err
			}
			rel.RawQuery = ref.RawQuery
			target := base.ResolveReference(rel)
			var rdr *bytes.Reader
			if payload != nil {
				rdr = bytes.NewReader(payload)
			}
			var req *http.Request
			if rdr != nil {
				req, err = http.NewRequest(method, target.String(), rdr)
				if err == nil {
					req.Header.Set("Content-Type", "application/json")
				}
			} else {
				req, err = http.NewRequest(method, target.String(), nil)
			}
			return req, err
		}}
	for _, seg := range strings.Split(ref.Path, "/") {
		if looksLikeCredential(seg) {
			r.redact = append(r.redact, seg)
		}
	}
	resp, err := r.send(ctx)
	if err != nil {
		return maybeApplied(op, err)
	}
	if out == nil || len(bytes.TrimSpace(resp.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return r.decodeError(resp, r.redact.redactDecodeError(err))
	}
	return nil
}
