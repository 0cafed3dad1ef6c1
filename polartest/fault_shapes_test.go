package polartest_test

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gopolar/checkouts/polartest"
)

// shapeCheck checks one answer of an injected fault.
type shapeCheck func(t *testing.T, resp *http.Response, body []byte)

// wantAnswer checks the status, the Content-Type and whether the answer
// carries Polar-Version (only answers of the API itself do).
func wantAnswer(status int, contentType string, polarVersion bool) shapeCheck {
	return func(t *testing.T, resp *http.Response, _ []byte) {
		t.Helper()
		if resp.StatusCode != status {
			t.Errorf("status %d, want %d", resp.StatusCode, status)
		}
		if got := resp.Header.Get("Content-Type"); got != contentType {
			t.Errorf("Content-Type %q, want %q", got, contentType)
		}
		if got := resp.Header.Get("Polar-Version") != ""; got != polarVersion {
			t.Errorf("Polar-Version %q; want one: %v", resp.Header.Get("Polar-Version"), polarVersion)
		}
	}
}

// wantBody checks the body byte for byte.
func wantBody(want string) shapeCheck {
	return func(t *testing.T, _ *http.Response, body []byte) {
		t.Helper()
		if string(body) != want {
			t.Errorf("body %q, want %q", body, want)
		}
	}
}

// wantContains checks that the body holds every part.
func wantContains(parts ...string) shapeCheck {
	return func(t *testing.T, _ *http.Response, body []byte) {
		t.Helper()
		for _, p := range parts {
			if !strings.Contains(string(body), p) {
				t.Errorf("body lacks %q: %q", p, body)
			}
		}
	}
}

// wantHeader checks every value of a response header.
func wantHeader(key string, values ...string) shapeCheck {
	return func(t *testing.T, resp *http.Response, _ []byte) {
		t.Helper()
		if got := resp.Header.Values(key); !slices.Equal(got, values) {
			t.Errorf("%s: %q, want %q", key, got, values)
		}
	}
}

var cfRay = regexp.MustCompile(`^[0-9a-f]{16}-FRA$`)

// wantCDNPage checks Cloudflare's page for status and title.
func wantCDNPage(status int, title string) shapeCheck {
	return func(t *testing.T, resp *http.Response, body []byte) {
		t.Helper()
		wantAnswer(status, "text/html; charset=UTF-8", false)(t, resp, body)
		wantHeader("Server", "cloudflare")(t, resp, body)
		if ray := resp.Header.Get("CF-RAY"); !cfRay.MatchString(ray) {
			t.Errorf("CF-RAY %q", ray)
		}
		wantContains("<title>", title+"</title>", "Error code "+strconv.Itoa(status), "Cloudflare Ray ID: <strong class=\"font-semibold\">"+resp.Header.Get("CF-RAY")[:16])(t, resp, body)
		if len(body) <= 1024 {
			t.Errorf("page of %d bytes, want more than 1 KB", len(body))
		}
	}
}

func TestFaultShapes(t *testing.T) {
	t.Parallel()
	twoRetryAfter := http.Header{"Retry-After": {"1", "30"}}
	tests := []struct {
		name    string
		fault   polartest.Fault
		applied bool
		checks  []shapeCheck
	}{
		{"Envoy's text", polartest.ProxyText(503, polartest.EnvoyUpstreamReset), false,
			[]shapeCheck{wantAnswer(503, "text/plain", false), wantBody(polartest.EnvoyUpstreamReset)}},
		{"Envoy's text after applying", polartest.ProxyText(503, polartest.EnvoyUpstreamReset).AfterApplying(), true,
			[]shapeCheck{wantAnswer(503, "text/plain", false), wantBody(polartest.EnvoyUpstreamReset)}},
		{"proxy text 502", polartest.ProxyText(502, "Bad Gateway"), false,
			[]shapeCheck{wantAnswer(502, "text/plain", false), wantBody("Bad Gateway")}},
		{"CDN 530, generic title", polartest.CDNError(530), false, []shapeCheck{wantCDNPage(530, "Something went wrong")}},
		{"CDN 522 after applying", polartest.CDNError(522).AfterApplying(), true, []shapeCheck{wantCDNPage(522, "Connection timed out")}},
		{"wrong shape {}", polartest.WrongShape(200, `{}`), true, []shapeCheck{wantAnswer(200, "application/json", true), wantBody(`{}`)}},
		{"wrong shape null", polartest.WrongShape(201, `null`), true, []shapeCheck{wantAnswer(201, "application/json", true), wantBody(`null`)}},
		{"wrong shape status ok", polartest.WrongShape(200, `{"status":"ok"}`), true, []shapeCheck{wantAnswer(200, "application/json", true), wantBody(`{"status":"ok"}`)}},
		{"wrong shape []", polartest.WrongShape(201, `[]`), true, []shapeCheck{wantAnswer(201, "application/json", true), wantBody(`[]`)}},
		{"error envelope under 200", polartest.WrongShape(200, `{"error":"X","detail":"y"}`), true,
			[]shapeCheck{wantAnswer(200, "application/json", true), wantBody(`{"error":"X","detail":"y"}`)}},
		{"error envelope under 201", polartest.WrongShape(201, `{"error":"X","detail":"y"}`), true,
			[]shapeCheck{wantAnswer(201, "application/json", true), wantBody(`{"error":"X","detail":"y"}`)}},
		{"empty 200", polartest.WrongShape(200, ""), true, []shapeCheck{wantAnswer(200, "application/json", true), wantBody("")}},
		{"empty 200 without applying", polartest.Respond(200, ""), false, []shapeCheck{wantBody("")}},
		{"503 after applying", polartest.Respond(503, "").AfterApplying(), true, []shapeCheck{wantAnswer(503, "", true), wantBody("")}},
		{"500 after applying", polartest.Respond(500, "").AfterApplying(), true,
			[]shapeCheck{wantAnswer(500, "application/json", true), wantContains(`"error":"InternalServerError"`)}},
		{"HTML 502 after applying", polartest.HTMLError(502).AfterApplying(), true,
			[]shapeCheck{wantAnswer(502, "text/html", false), wantContains("502 Bad Gateway")}},
		{"two Retry-After headers", polartest.Fault{Kind: polartest.FaultRespond, Status: 429, Header: twoRetryAfter}, false,
			[]shapeCheck{wantAnswer(429, "", true), wantHeader("Retry-After", "1", "30"), wantBody("")}},
		{"Header replaces RetryAfter", polartest.Fault{Kind: polartest.FaultRespond, Status: 503, RetryAfter: "5", Header: twoRetryAfter}, false,
			[]shapeCheck{wantHeader("Retry-After", "1", "30")}},
		{"Header on a proxy's text", polartest.Fault{Kind: polartest.FaultProxyText, Body: "no healthy upstream", Header: http.Header{"server": {"envoy"}}}, false,
			[]shapeCheck{wantAnswer(503, "text/plain", false), wantHeader("Server", "envoy"), wantBody("no healthy upstream")}},
		{"Header replaces Content-Type", polartest.Fault{Kind: polartest.FaultHTMLError, Status: 504, Header: http.Header{"Content-Type": {"text/html; charset=iso-8859-1"}}}, false,
			[]shapeCheck{wantAnswer(504, "text/html; charset=iso-8859-1", false)}},
		{"Header on a garbage body", polartest.Fault{Kind: polartest.FaultGarbageBody, Header: http.Header{"X-Portal": {"a", "b"}}}, true,
			[]shapeCheck{wantAnswer(200, "text/html", true), wantHeader("X-Portal", "a", "b")}},
		{"Retry-After on a CDN page", polartest.Fault{Kind: polartest.FaultCDNError, Status: 521, RetryAfter: "120"}, false,
			[]shapeCheck{wantCDNPage(521, "Web server is down"), wantHeader("Retry-After", "120")}},
	}
	for status, title := range map[int]string{
		520: "Web server is returning an unknown error", 521: "Web server is down", 522: "Connection timed out",
		523: "Origin is unreachable", 524: "A timeout occurred", 525: "SSL handshake failed",
		526: "Invalid SSL certificate", 527: "Railgun Listener to origin error",
	} {
		tests = append(tests, struct {
			name    string
			fault   polartest.Fault
			applied bool
			checks  []shapeCheck
		}{"CDN " + strconv.Itoa(status), polartest.CDNError(status), false, []shapeCheck{wantCDNPage(status, title)}})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.h.InjectFault(polartest.OpCreate, 1, tc.fault)
			resp, body, err := e.send(http.MethodPost, "/v1/checkouts/", createBody)
			if err != nil {
				t.Fatal(err)
			}
			for _, check := range tc.checks {
				check(t, resp, body)
			}
			want := 0
			if tc.applied {
				want = 1
			}
			if s := e.h.Stats(); e.h.CheckoutCount() != want || s.Applied[polartest.OpCreate] != want || s.Requests[polartest.OpCreate] != 1 {
				t.Errorf("checkouts %d, stats %v; applied should be %v", e.h.CheckoutCount(), s, tc.applied)
			}
			if resp, _, err := e.send(http.MethodPost, "/v1/checkouts/", createBody); err != nil || resp.StatusCode != 201 {
				t.Errorf("next request: %v %v", resp, err)
			}
		})
	}
}

// The CDN page names the host the request was sent to and draws a new
// ray ID per answer.
func TestCDNErrorHostAndRay(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.h.InjectFault(polartest.OpCreate, 2, polartest.CDNError(524))
	r1, b1, err := e.send(http.MethodPost, "/v1/checkouts/", createBody)
	if err != nil {
		t.Fatal(err)
	}
	r2, _, err := e.send(http.MethodPost, "/v1/checkouts/", createBody)
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(e.srv.URL, "http://")
	if !strings.Contains(string(b1), "<title>"+host+" | 524: A timeout occurred</title>") {
		t.Errorf("title does not name %s: %.300s", host, b1)
	}
	if r1.Header.Get("CF-RAY") == r2.Header.Get("CF-RAY") {
		t.Errorf("the same ray ID twice: %s", r1.Header.Get("CF-RAY"))
	}
}

func TestEchoRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		op      polartest.Op
		method  string
		path    func(secret string) string
		body    string
		fault   polartest.Fault
		applied bool
		status  int
	}{
		{"client get", polartest.OpClientGet, http.MethodGet, func(s string) string { return "/v1/checkouts/client/" + s }, "", polartest.EchoRequest(502), false, 502},
		{"confirm, status unset", polartest.OpClientConfirm, http.MethodPost, confirmPath, `{}`, polartest.Fault{Kind: polartest.FaultEchoRequest}, false, 502},
		{"client update after applying", polartest.OpClientUpdate, http.MethodPatch, func(s string) string { return "/v1/checkouts/client/" + s + "?debug=1" },
			`{"customer_name":"Jane"}`, polartest.EchoRequest(500).AfterApplying(), true, 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			co := e.createOf(polartest.ProductOneTimeID)
			e.h.InjectFault(tc.op, 1, tc.fault)
			path := tc.path(co.ClientSecret)
			resp, body, err := e.send(tc.method, path, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != "text/html" {
				t.Errorf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if len(body) <= 600 {
				t.Errorf("body of %d bytes, want more than 600", len(body))
			}
			for _, secret := range []string{tc.method + " " + path + " HTTP/1.1", co.ClientSecret, "Bearer " + polartest.Token} {
				i := strings.Index(string(body), secret)
				switch {
				case i < 0:
					t.Errorf("body does not echo %q: %s", secret, body)
				case i <= 200:
					t.Errorf("%q at byte %d, want past byte 200", secret, i)
				}
			}
			wantContains("<th>Authorization</th>", "<th>Host</th>", "<th>User-Agent</th>")(t, resp, body)
			want := 0
			if tc.applied {
				want = 1
			}
			if got := e.h.Stats().Applied[tc.op]; got != want {
				t.Errorf("applied %d, want %d", got, want)
			}
		})
	}
}

func TestFaultKindString(t *testing.T) {
	t.Parallel()
	tests := map[polartest.FaultKind]string{
		polartest.FaultRespond: "respond", polartest.FaultHTMLError: "html-error",
		polartest.FaultCDNError: "cdn-error", polartest.FaultEchoRequest: "echo-request",
		polartest.FaultProxyText: "proxy-text", polartest.FaultKind(99): "FaultKind(99)",
	}
	for k, want := range tests {
		if got := k.String(); got != want {
			t.Errorf("%d: %q, want %q", int(k), got, want)
		}
	}
	for _, f := range []polartest.Fault{polartest.ProxyText(503, ""), polartest.CDNError(520), polartest.EchoRequest(502), polartest.WrongShape(200, "{}")} {
		if strings.HasPrefix(f.Kind.String(), "FaultKind(") {
			t.Errorf("%d has no name", int(f.Kind))
		}
	}
}

// AfterApplying copies: the fault it is called on is unchanged.
func TestAfterApplyingCopies(t *testing.T) {
	t.Parallel()
	f := polartest.Respond(503, "")
	g := f.AfterApplying()
	if f.AfterApply || !g.AfterApply || g.Status != 503 || g.Kind != polartest.FaultRespond {
		t.Errorf("f %+v, g %+v", f, g)
	}
	if !polartest.WrongShape(200, "{}").AfterApply {
		t.Error("WrongShape does not apply first")
	}
}
