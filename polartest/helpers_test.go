package polartest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/polartest"
)

// t0 is the time every test's clock starts at.
var t0 = time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)

// env is one fake server with a settable clock and a plain HTTP client.
type env struct {
	t     *testing.T
	srv   *polartest.Server
	h     *polartest.Handler
	clock *polartest.Clock
	hc    *http.Client
}

// newEnv starts a server on a clock at t0; opts come after the clock, so
// a test can replace it.
func newEnv(t *testing.T, opts ...polartest.Option) *env {
	t.Helper()
	clock := polartest.NewClock(t0)
	srv := polartest.NewServer(append([]polartest.Option{polartest.WithClock(clock.Now)}, opts...)...)
	t.Cleanup(srv.Close)
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &env{t: t, srv: srv, h: srv.Handler(), clock: clock, hc: &http.Client{Transport: tr, Timeout: 10 * time.Second}}
}

// result is a response with its body read.
type result struct {
	status int
	header http.Header
	raw    []byte
}

// obj decodes the body as a JSON object.
func (r *result) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.raw, &m); err != nil {
		t.Fatalf("%d body is not a JSON object: %v: %q", r.status, err, r.raw)
	}
	return m
}

// checkout decodes the body as a Checkout.
func (r *result) checkout(t *testing.T) client.Checkout {
	t.Helper()
	var c client.Checkout
	if err := json.Unmarshal(r.raw, &c); err != nil {
		t.Fatalf("%d body is not a Checkout: %v: %q", r.status, err, r.raw)
	}
	return c
}

// token is the Authorization header of the token operations.
var token = []string{"Authorization", "Bearer " + polartest.Token}

// do sends a request; body is a string (sent as is) or a value (sent as
// JSON); header is key, value, key, value...
func (e *env) do(method, path string, body any, header ...string) *result {
	e.t.Helper()
	var rdr io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rdr = strings.NewReader(b)
	case []byte:
		rdr = bytes.NewReader(b)
	default:
		payload, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rdr = bytes.NewReader(payload)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rdr)
	if err != nil {
		e.t.Fatal(err)
	}
	if rdr != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.hc.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return &result{status: resp.StatusCode, header: resp.Header, raw: raw}
}

// create creates a checkout from body and fails the test unless it is 201.
func (e *env) create(body map[string]any) client.Checkout {
	e.t.Helper()
	r := e.do(http.MethodPost, "/v1/checkouts/", body, token...)
	if r.status != http.StatusCreated {
		e.t.Fatalf("create: %d %s", r.status, r.raw)
	}
	return r.checkout(e.t)
}

// createOf creates a checkout of the products.
func (e *env) createOf(products ...string) client.Checkout {
	e.t.Helper()
	return e.create(map[string]any{"products": products})
}

// payer is the confirm body of a customer who can pay: email, name,
// billing address and the success token.
func payer(extra map[string]any) map[string]any {
	b := map[string]any{
		"customer_email":           "jane@example.com",
		"customer_name":            "Jane Doe",
		"customer_billing_address": map[string]any{"country": "FR"},
		"confirmation_token_id":    polartest.TokenSuccess,
	}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

// confirmPath is the confirm route of a secret.
func confirmPath(secret string) string { return "/v1/checkouts/client/" + secret + "/confirm" }

// wantError checks an error answer: status, "error" and, for a 422 with
// a list, the location and type of the first entry.
func wantError(t *testing.T, r *result, status int, code string, loc string, typ string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	m := r.obj(t)
	if m["error"] != code {
		t.Errorf("error %v, want %s: %s", m["error"], code, r.raw)
	}
	if loc == "" && typ == "" {
		return
	}
	list, ok := m["detail"].([]any)
	if !ok || len(list) == 0 {
		t.Fatalf("detail is not a non-empty list: %s", r.raw)
	}
	first := list[0].(map[string]any)
	if got := joinLoc(first["loc"]); loc != "" && got != loc {
		t.Errorf("loc %s, want %s: %s", got, loc, r.raw)
	}
	if typ != "" && first["type"] != typ {
		t.Errorf("type %v, want %s: %s", first["type"], typ, r.raw)
	}
	for _, k := range []string{"loc", "msg", "type"} {
		if _, ok := first[k]; !ok {
			t.Errorf("detail entry without %q: %s", k, r.raw)
		}
	}
}

// joinLoc renders a loc array as "body.products.0".
func joinLoc(v any) string {
	list, _ := v.([]any)
	parts := make([]string, len(list))
	for i, p := range list {
		switch x := p.(type) {
		case string:
			parts[i] = x
		case float64:
			parts[i] = strings.TrimSuffix(strings.TrimSuffix(jsonNumber(x), ".0"), ".")
		}
	}
	return strings.Join(parts, ".")
}

func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// nullOr returns the value of a nullable field, or "null".
func nullOr[T any](t *testing.T, f interface {
	IsNull() bool
	IsSpecified() bool
	Get() (T, error)
}) any {
	t.Helper()
	if !f.IsSpecified() {
		t.Fatal("nullable field not in the JSON")
	}
	if f.IsNull() {
		return "null"
	}
	v, _ := f.Get()
	return v
}

// jsonUnmarshal decodes raw into v.
func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }
