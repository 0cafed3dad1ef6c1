package polartest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gopolar/checkouts/polartest"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createOf(polartest.ProductOneTimeID)
	tokenPath := "/v1/checkouts/" + c.ID.String()
	clientPath := "/v1/checkouts/client/" + c.ClientSecret
	tests := []struct {
		name, path, auth string
		status           int
		code             string
	}{
		{"token op, no header", tokenPath, "", http.StatusUnauthorized, "Unauthorized"},
		{"token op, other scheme", tokenPath, "Basic dXNlcjpwYXNz", http.StatusUnauthorized, "Unauthorized"},
		{"token op, empty bearer", tokenPath, "Bearer ", http.StatusUnauthorized, "Unauthorized"},
		{"token op, wrong token", tokenPath, "Bearer polar_oat_wrong", http.StatusUnauthorized, "invalid_token"},
		{"token op, right token", tokenPath, "Bearer " + polartest.Token, http.StatusOK, ""},
		{"token op, lower-case scheme", tokenPath, "bearer " + polartest.Token, http.StatusOK, ""},
		{"client op, no header", clientPath, "", http.StatusOK, ""},
		{"client op, right token", clientPath, "Bearer " + polartest.Token, http.StatusOK, ""},
		{"client op, wrong token", clientPath, "Bearer polar_oat_wrong", http.StatusUnauthorized, "invalid_token"},
		{"list, wrong token", "/v1/checkouts/", "Bearer nope", http.StatusUnauthorized, "invalid_token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var hdr []string
			if tc.auth != "" {
				hdr = []string{"Authorization", tc.auth}
			}
			r := e.do(http.MethodGet, tc.path, nil, hdr...)
			if r.status != tc.status {
				t.Fatalf("%d %s", r.status, r.raw)
			}
			if tc.code == "" {
				return
			}
			m := r.obj(t)
			if m["error"] != tc.code || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%v, WWW-Authenticate %q", m, r.header.Get("WWW-Authenticate"))
			}
			switch tc.code {
			case "Unauthorized":
				if m["detail"] != "Unauthorized" {
					t.Errorf("detail %v", m["detail"])
				}
			case "invalid_token":
				if m["error_description"] == nil || m["detail"] != nil {
					t.Errorf("not the OAuth2 shape: %v", m)
				}
			}
		})
	}
	// Confirm accepts no token, and rejects a wrong one.
	d := e.createOf(polartest.ProductFreeID)
	r := e.do(http.MethodPost, confirmPath(d.ClientSecret), map[string]any{"customer_email": "a@example.com"}, "Authorization", "Bearer nope")
	wantError(t, r, http.StatusUnauthorized, "invalid_token", "", "")
	if got, _ := e.h.Checkout(d.ID.String()); got.Status != "open" {
		t.Error("a rejected token confirmed the checkout")
	}
}

func TestTokenOptions(t *testing.T) {
	t.Parallel()
	custom := newEnv(t, polartest.WithToken("polar_oat_mine"))
	if r := custom.do(http.MethodGet, "/v1/checkouts/", nil, "Authorization", "Bearer polar_oat_mine"); r.status != http.StatusOK {
		t.Errorf("own token: %d", r.status)
	}
	if r := custom.do(http.MethodGet, "/v1/checkouts/", nil, token...); r.status != http.StatusUnauthorized {
		t.Errorf("default token still accepted: %d", r.status)
	}
	anyTok := newEnv(t, polartest.WithAnyToken())
	if r := anyTok.do(http.MethodGet, "/v1/checkouts/", nil, "Authorization", "Bearer whatever"); r.status != http.StatusOK {
		t.Errorf("any token: %d", r.status)
	}
	if r := anyTok.do(http.MethodGet, "/v1/checkouts/", nil); r.status != http.StatusUnauthorized {
		t.Errorf("no token with WithAnyToken: %d", r.status)
	}
}

func TestVersionHeader(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createOf(polartest.ProductOneTimeID)
	paths := []string{"/v1/checkouts/", "/v1/checkouts/" + c.ID.String(), "/v1/checkouts/client/" + c.ClientSecret, "/v1/checkouts/nope/nope"}
	for _, path := range paths {
		for _, tc := range []struct {
			sent, echo string
			ok         bool
		}{{"", "2026-04", true}, {"2026-04", "2026-04", true}, {"2026-10", "2026-10", true}, {"2027-01", "2027-01", true}, {"2025-01", "", false}, {"2027-02", "", false}, {"latest", "", false}} {
			hdr := append([]string{}, token...)
			if tc.sent != "" {
				hdr = append(hdr, "Polar-Version", tc.sent)
			}
			r := e.do(http.MethodGet, path, nil, hdr...)
			if !tc.ok {
				if r.status != http.StatusNotFound || strings.TrimSpace(string(r.raw)) != `{"detail":"Not Found"}` {
					t.Errorf("%s with %q: %d %s", path, tc.sent, r.status, r.raw)
				}
				continue
			}
			if r.header.Get("Polar-Version") != tc.echo {
				t.Errorf("%s with %q: echoed %q", path, tc.sent, r.header.Get("Polar-Version"))
			}
		}
	}
}

func TestRouting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createOf(polartest.ProductOneTimeID)
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/", http.StatusNotFound, ""},
		{http.MethodGet, "/v1/checkouts", http.StatusNotFound, ""},
		{http.MethodGet, "/v1/checkout/", http.StatusNotFound, ""},
		{http.MethodGet, "/v1/checkouts/" + c.ID.String() + "/", http.StatusNotFound, ""},
		{http.MethodGet, "/v1/checkouts/client/", http.StatusNotFound, ""},
		{http.MethodGet, "/v1/checkouts/client/x/y", http.StatusNotFound, ""},
		{http.MethodDelete, "/v1/checkouts/", http.StatusMethodNotAllowed, "GET, POST"},
		{http.MethodPut, "/v1/checkouts/" + c.ID.String(), http.StatusMethodNotAllowed, "GET, PATCH"},
		{http.MethodPost, "/v1/checkouts/client/" + c.ClientSecret, http.StatusMethodNotAllowed, "GET, PATCH"},
		{http.MethodGet, confirmPath(c.ClientSecret), http.StatusMethodNotAllowed, "POST"},
		{http.MethodHead, "/v1/checkouts/", http.StatusMethodNotAllowed, "GET, POST"},
	}
	for _, tc := range tests {
		r := e.do(tc.method, tc.path, nil, token...)
		if r.status != tc.status || r.header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want %d %q", tc.method, tc.path, r.status, r.header.Get("Allow"), tc.status, tc.allow)
		}
		if tc.method == http.MethodHead {
			continue
		}
		want := map[int]string{404: `{"detail":"Not Found"}`, 405: `{"detail":"Method Not Allowed"}`}[tc.status]
		if string(r.raw) != want || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: body %s type %q", tc.method, tc.path, r.raw, r.header.Get("Content-Type"))
		}
	}
	// Escaped secrets route like plain ones.
	if r := e.do(http.MethodGet, "/v1/checkouts/client/"+strings.Replace(c.ClientSecret, "_", "%5F", 1), nil); r.status != http.StatusOK {
		t.Errorf("escaped secret: %d", r.status)
	}
}

func TestStatsCountRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createOf(polartest.ProductOneTimeID)
	e.do(http.MethodGet, "/v1/checkouts/"+c.ID.String(), nil)                                       // 401
	e.do(http.MethodPatch, "/v1/checkouts/"+c.ID.String(), map[string]any{"locale": "x"}, token...) // applied
	e.do(http.MethodPatch, "/v1/checkouts/"+c.ID.String(), map[string]any{"amount": -1}, token...)  // 422
	e.do(http.MethodGet, "/v1/checkouts/", nil, token...)
	e.do(http.MethodGet, "/nowhere", nil, token...) // not an operation
	s := e.h.Stats()
	want := map[polartest.Op]int{polartest.OpCreate: 1, polartest.OpGet: 1, polartest.OpUpdate: 2, polartest.OpList: 1}
	for op, n := range want {
		if s.Requests[op] != n {
			t.Errorf("requests[%s] = %d, want %d", op, s.Requests[op], n)
		}
	}
	if s.Applied[polartest.OpCreate] != 1 || s.Applied[polartest.OpUpdate] != 1 || len(s.Applied) != 2 {
		t.Errorf("applied %v", s.Applied)
	}
	// Stats is a copy.
	s.Requests[polartest.OpList] = 99
	if e.h.Stats().Requests[polartest.OpList] != 1 {
		t.Error("Stats shares its maps")
	}
	e.h.Reset()
	if e.h.CheckoutCount() != 0 || len(e.h.Stats().Requests) != 0 {
		t.Error("Reset kept state")
	}
}
