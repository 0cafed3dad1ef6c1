package hostile

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	polar "github.com/gopolar/checkouts/wrapper"
)

// hostileArgs are IDs and client secrets that would change the request's
// URL (another path, a query, a fragment, an encoded traversal), break
// the request line, or are just too long or not text.
var hostileArgs = []string{
	"", ".", "..", "...", "/", "//", "a/b", "\\", `..\..\admin`,
	"%2e%2e", "%2E%2E", "%2e", "%2F", "..%2F..%2Fv1", "%252e%252e", "%00",
	"?x=1", "#x", "&x=1", ";x=1", "x y", "\t", " ",
	strings.Repeat("a", 257), strings.Repeat("polar_c_", 2000),
	"\xff\xfe", "\x00", "polar_c_ok\x00", "polar_c_ok\n", "polar_c_ok\r\nX-Injected: 1",
	"polar_c_ok/../../v1/checkouts/", "polar_c_ok/confirm", "polar_c_ok%2Fconfirm",
	"polar_c_ok?status=open", "polar_c_ok#frag", "polar_c_ok\u00a0",
	"\u202epolar_c_ok", "polar_c_ok\u2215confirm", "ｐｏｌａｒ＿ｃ＿ok",
	testID + "/../" + testID, testID + "?x", testID + "#", testID + "%00", " " + testID, testID + "\n",
}

// TestInjection_refusedBeforeAnyRequest: every operation that puts an ID
// or a client secret into the path refuses the hostile ones with an
// *InvalidArgumentError, before anything reaches the transport or the
// server; the error is one line and never quotes a secret.
func TestInjection_refusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mux.HandleFunc("/", answer(200, checkoutJSON))
	ctx := t.Context()
	ops := []struct {
		name, arg string
		call      func(v string) error
	}{
		{"ParseUUID", "id", func(v string) error { _, err := polar.ParseUUID(v); return err }},
		{"ClientGet", "client_secret", func(v string) error { _, err := e.c.Checkouts.ClientGet(ctx, v); return err }},
		{"ClientUpdate", "client_secret", func(v string) error {
			_, err := e.c.Checkouts.ClientUpdate(ctx, v, &polar.CheckoutUpdatePublic{})
			return err
		}},
		{"ClientConfirm", "client_secret", func(v string) error {
			_, err := e.c.Checkouts.ClientConfirm(ctx, v, &polar.CheckoutConfirmStripe{})
			return err
		}},
	}
	for _, op := range ops {
		for _, v := range hostileArgs {
			err := op.call(v)
			var ia *polar.InvalidArgumentError
			if !errors.As(err, &ia) || !errors.Is(err, polar.ErrInvalidArgument) {
				t.Errorf("%s(%q): err = %v, want an *InvalidArgumentError", op.name, v, err)
				continue
			}
			if ia.Arg != op.arg {
				t.Errorf("%s(%q): Arg = %q, want %q", op.name, v, ia.Arg, op.arg)
			}
			msg := err.Error()
			if !utf8.ValidString(msg) {
				t.Errorf("%s(%q): Error() is not valid UTF-8: %q", op.name, v, msg)
			}
			if op.arg == "client_secret" && len(v) >= 4 && strings.Contains(msg, v) {
				t.Errorf("%s: Error() quotes the secret: %q", op.name, msg)
			}
		}
	}
	if n := e.rt.n.Load(); n != 0 {
		t.Errorf("%d requests reached the transport", n)
	}
	if n := e.hits.Load(); n != 0 {
		t.Errorf("the server saw %d requests", n)
	}
}

// TestInjection_errorIsOneLine: the refusal of a hostile ID is one line.
func TestInjection_errorIsOneLine(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"polar_c_ok\n", testID + "\n", "a\r\nX-Forged: 1"} {
		_, err := polar.ParseUUID(v)
		if err == nil {
			t.Fatalf("ParseUUID(%q) succeeded", v)
		}
		if !oneLine(err.Error()) {
			t.Fatalf("regression (fixed bug): the *InvalidArgumentError of Get/Update for an ID with a line break spans lines: parseCheckoutID quotes the value with quoteShort, which only fixes UTF-8 and does not escape control characters (got %q); use strconv.Quote or replace control characters", err.Error())
		}
	}
}

// TestInjection_secretPassedAsIDIsNotQuoted: a client secret passed where
// a checkout ID is expected (an easy mix-up) is refused without quoting
// it into the error.
func TestInjection_secretPassedAsIDIsNotQuoted(t *testing.T) {
	t.Parallel()
	_, err := polar.ParseUUID(testSecret)
	if !errors.Is(err, polar.ErrInvalidArgument) {
		t.Fatalf("err = %v, want ErrInvalidArgument", err)
	}
	if strings.Contains(err.Error(), testSecret[:20]) {
		t.Fatalf("regression (fixed bug): Get/Update quote up to 40 bytes of an invalid ID in the error, so a client secret passed as ID by mistake lands in errors and logs (got %q); parseCheckoutID should not quote values that look like credentials (looksLikeCredential in redact.go)", err.Error())
	}
}

// TestInjection_badRawPaths: Client.Do refuses paths that leave the API
// base (absolute URLs, scheme-relative, dot segments, encoded dot
// segments) or cannot be a request target, before sending anything.
func TestInjection_badRawPaths(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mux.HandleFunc("/", answer(200, `{}`))
	for _, p := range []string{
		"", " ", "v1/checkouts/", " /v1/checkouts/", "\\v1", "\\\\evil.example\\x",
		"//evil.example/v1", "///evil.example/v1", "http://evil.example/v1", "https://evil.example/v1", "javascript:alert(1)",
		"/v1/../admin", "/v1/./x", "/..", "/.", "/v1/checkouts/..", "/v1/checkouts/.",
		"/v1/%2e%2e/admin", "/v1/%2E%2e/admin", "/v1/.%2e/admin", "/v1/%2e/x", "/v1/..%2fadmin", "/v1/checkouts/client/x/%2e%2e/%2e%2e/admin",
		"/\x00", "/v1/x\r\nHost: evil.example", "/v1/x\nX: y", "/v1/\x7f",
	} {
		for _, method := range []string{"GET", "POST"} {
			if err := e.c.Do(t.Context(), method, p, nil, nil); !errors.Is(err, polar.ErrInvalidArgument) {
				t.Errorf("Do(%s %q): err = %v, want ErrInvalidArgument", method, p, err)
			}
		}
	}
	if n := e.rt.n.Load(); n != 0 {
		t.Errorf("%d requests reached the transport", n)
	}
	if n := e.hits.Load(); n != 0 {
		t.Errorf("the server saw %d requests", n)
	}
}

// TestInjection_rawPathKeepsEscapedSlash: a path segment escaped by the
// caller (url.PathEscape of a value with '/') must reach the server as
// one segment, not be decoded into a different route.
func TestInjection_rawPathKeepsEscapedSlash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var got string
	e.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
		writeJSON(w, 200, publicJSON)
	})
	p := "/v1/checkouts/client/" + url.PathEscape("polar_c_ok/confirm")
	err := e.c.Do(t.Context(), "POST", p, map[string]any{}, nil)
	if errors.Is(err, polar.ErrInvalidArgument) {
		return // refusing it is fine too
	}
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if got != p {
		t.Fatalf("regression (fixed bug): Client.Do decodes escaped slashes: %s %q reached the server as %q, another route (here a confirmation); Do builds the target from url.URL.Path and drops RawPath, so %%2F becomes '/'; it should keep ref.RawPath (or refuse %%2F)", "POST", p, got)
	}
}
