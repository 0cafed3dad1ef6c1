package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/gopolar/checkouts/tests/contract"
)

const (
	specFile    = "../../openapi/checkouts.yaml"
	fixturesDir = "../../client/testdata"

	tinyToken  = "polar_oat_tinyhandler0123456789"
	tinySecret = "polar_c_TinyHandlerSecret0123456789abcdefghijkl"

	// The tiny handler answers GET /v1/checkouts/{id} according to the id.
	idValid      = "172f80c9-33d9-41b3-945a-aa4e11f252c9"
	idWrongType  = "00000000-0000-4000-8000-000000000002"
	idMissing    = "00000000-0000-4000-8000-000000000003"
	idUndeclared = "00000000-0000-4000-8000-000000000004"
	idRateLimit  = "00000000-0000-4000-8000-000000000005"
	idTruncated  = "00000000-0000-4000-8000-000000000006"
)

// sharedDoc is the document, loaded and validated once; every test server
// gets its own router over it (contract.NewRouter).
var sharedDoc = sync.OnceValues(func() (*openapi3.T, error) {
	doc, _, err := contract.LoadSpec(context.Background(), specFile, "")
	return doc, err
})

// routerFor returns a router whose server is baseURL.
func routerFor(t testing.TB, baseURL string) routers.Router {
	t.Helper()
	doc, err := sharedDoc()
	if err != nil {
		t.Fatal(err)
	}
	r, err := contract.NewRouter(doc, baseURL)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// fixture reads a file of client/testdata.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edit decodes a JSON object, lets f change it, and encodes it again.
func edit(t testing.TB, raw []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// tinyAPI is a hand-written handler for a few operations; GET by id picks
// a valid or a broken answer by the id. It records the request bodies.
type tinyAPI struct {
	t      testing.TB
	mu     sync.Mutex
	bodies []string
	hits   int
}

func (a *tinyAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	a.mu.Lock()
	a.bodies = append(a.bodies, string(b))
	a.hits++
	a.mu.Unlock()
	t := a.t
	path := strings.TrimPrefix(r.URL.Path, "/base")
	switch {
	case r.Method == http.MethodGet && path == "/v1/checkouts/":
		writeJSON(w, 200, fixture(t, "list_checkouts.json"))
	case r.Method == http.MethodPatch && strings.HasPrefix(path, "/v1/checkouts/client/"):
		writeJSON(w, 200, fixture(t, "checkout_public.json"))
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/v1/checkouts/client/"):
		writeJSON(w, 200, fixture(t, "checkout_public.json"))
	case r.Method == http.MethodPost && strings.HasSuffix(path, "/confirm"):
		writeJSON(w, 200, fixture(t, "checkout_public_confirmed.json"))
	case r.Method == http.MethodPatch:
		writeJSON(w, 200, fixture(t, "checkout.json"))
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/v1/checkouts/"):
		switch strings.TrimPrefix(path, "/v1/checkouts/") {
		case idWrongType:
			writeJSON(w, 200, edit(t, fixture(t, "checkout.json"), func(m map[string]any) { m["amount"] = "2500" }))
		case idMissing:
			writeJSON(w, 200, edit(t, fixture(t, "checkout.json"), func(m map[string]any) { delete(m, "status") }))
		case idUndeclared:
			writeJSON(w, http.StatusTeapot, []byte(`{"error":"Teapot","detail":"I'm a teapot"}`))
		case idRateLimit:
			w.Header().Set("Retry-After", "soon")
			w.WriteHeader(http.StatusTooManyRequests)
		case idTruncated:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "5000")
			w.WriteHeader(200)
			_, _ = w.Write(fixture(t, "checkout.json")[:100])
		default:
			writeJSON(w, 200, fixture(t, "checkout.json"))
		}
	default:
		writeJSON(w, 404, []byte(`{"detail":"Not Found"}`))
	}
}

// transportEnv is a tiny server behind a ValidatingTransport.
type transportEnv struct {
	api  *tinyAPI
	base string // server URL with its base path
	vt   *contract.ValidatingTransport
	hc   *http.Client
}

func newTransportEnv(t *testing.T) *transportEnv {
	t.Helper()
	api := &tinyAPI{t: t}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	base := srv.URL + "/base"
	vt := &contract.ValidatingTransport{Router: routerFor(t, base), Next: srv.Client().Transport}
	return &transportEnv{api: api, base: base, vt: vt, hc: &http.Client{Transport: vt}}
}

// do sends one request and returns the status and the body as read.
func (e *transportEnv) do(t *testing.T, method, path, auth string, body io.Reader) (int, []byte, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, e.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := e.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// wantViolation fails unless vs has exactly one violation, of operation
// op, whose location and message together mention every word of want.
func wantViolation(t *testing.T, vs []contract.Violation, op string, status int, location string, want ...string) {
	t.Helper()
	if len(vs) != 1 {
		t.Fatalf("got %d violations, want 1:\n%s", len(vs), render(vs))
	}
	v := vs[0]
	t.Log(v)
	if v.Operation != op || v.Status != status || !strings.HasPrefix(v.Location, location) {
		t.Errorf("violation = %s\nwant operation %q, status %d, location %q…", v, op, status, location)
	}
	text := v.Location + " " + v.Message
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("violation %q does not mention %q", v, w)
		}
	}
	if s := v.String(); strings.ContainsAny(s, "\r\n") || !strings.Contains(s, op) {
		t.Errorf("String() = %q: want one line naming the operation", s)
	}
}

func render(vs []contract.Violation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString("  ")
		b.WriteString(v.String())
		b.WriteString("\n")
	}
	return b.String()
}

func TestValidatingTransport_validExchangesHaveNoViolations(t *testing.T) {
	t.Parallel()
	e := newTransportEnv(t)
	bearer := "Bearer " + tinyToken
	calls := []struct {
		method, path, auth, body string
	}{
		{"GET", "/v1/checkouts/" + idValid, bearer, ""},
		{"GET", "/v1/checkouts/?organization_id=1dbfc517-0bbf-4301-9ba8-555ca42b9737&organization_id=9f4f4a2e-6c1e-4f4d-9b8e-0c5f2f7d9a10&status=open&status=expired&sorting=-created_at&sorting=status&page=2&limit=50&query=ada", bearer, ""},
		{"PATCH", "/v1/checkouts/" + idValid, bearer, `{"customer_email":"ada@example.com","discount_id":null,"metadata":{"order":"42","n":3}}`},
		{"GET", "/v1/checkouts/client/" + tinySecret, "", ""},
		{"PATCH", "/v1/checkouts/client/" + tinySecret, "", `{"customer_name":"Ada","allow_trial":false}`},
		// confirm's security is `{}` or bearer: both anonymous and with a token are fine.
		{"POST", "/v1/checkouts/client/" + tinySecret + "/confirm", "", `{"confirmation_token_id":"ctoken_123"}`},
		{"POST", "/v1/checkouts/client/" + tinySecret + "/confirm", "bearer " + tinyToken, `{}`},
	}
	for _, c := range calls {
		var body io.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
		}
		status, got, err := e.do(t, c.method, c.path, c.auth, body)
		if err != nil || status != 200 {
			t.Fatalf("%s %s: status %d, err %v", c.method, c.path, status, err)
		}
		if len(got) == 0 {
			t.Errorf("%s %s: empty body after validation", c.method, c.path)
		}
	}
	if vs := e.vt.Violations(); len(vs) != 0 {
		t.Errorf("valid exchanges gave %d violations:\n%s", len(vs), render(vs))
	}
	if n := e.vt.Exchanges(); n != len(calls) {
		t.Errorf("Exchanges() = %d, want %d", n, len(calls))
	}
}

func TestValidatingTransport_violations(t *testing.T) {
	t.Parallel()
	bearer := "Bearer " + tinyToken
	tests := []struct {
		name, method, path, auth, body string
		op                             string
		status                         int
		location                       string
		want                           []string
	}{
		{"response: wrong type", "GET", "/v1/checkouts/" + idWrongType, bearer, "", "getCheckout", 200, "response body /amount", []string{"integer"}},
		{"response: missing required field", "GET", "/v1/checkouts/" + idMissing, bearer, "", "getCheckout", 200, "response body", []string{"status", "missing"}},
		{"response: undeclared status", "GET", "/v1/checkouts/" + idUndeclared, bearer, "", "getCheckout", 418, "response status", []string{"not supported"}},
		{"response: malformed header", "GET", "/v1/checkouts/" + idRateLimit, bearer, "", "getCheckout", 429, `response header "Retry-After"`, nil},
		{"request: no bearer on a token operation", "GET", "/v1/checkouts/" + idValid, "", "", "getCheckout", 0, "request security", []string{"bearer", "no Authorization"}},
		{"request: empty bearer token", "GET", "/v1/checkouts/" + idValid, "Bearer ", "", "getCheckout", 0, "request security", []string{"bearer", "empty"}},
		{"request: basic instead of bearer", "GET", "/v1/checkouts/", "Basic dXNlcjpwYXNz", "", "listCheckouts", 0, "request security", []string{"Bearer <token>"}},
		{"request: token sent to a client-secret operation", "GET", "/v1/checkouts/client/" + tinySecret, bearer, "", "clientGetCheckout", 0, `request header "Authorization"`, nil},
		{"request: malformed path parameter", "GET", "/v1/checkouts/not-a-uuid", bearer, "", "getCheckout", 0, `request path parameter "id"`, nil},
		{"request: unknown enum in query", "GET", "/v1/checkouts/?status=archived", bearer, "", "listCheckouts", 0, `request query parameter "status"`, []string{"allowed values"}},
		{"request: body field of the wrong type", "PATCH", "/v1/checkouts/" + idValid, bearer, `{"customer_email":5}`, "updateCheckout", 0, "request body /customer_email", []string{"string"}},
		{"request: body field out of range", "PATCH", "/v1/checkouts/client/" + tinySecret, "", `{"seats":0}`, "clientUpdateCheckout", 0, "request body /seats", []string{"1"}},
		{"request: unknown route", "DELETE", "/v1/checkouts/" + idValid, bearer, "", "", 0, "route", []string{"no operation"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newTransportEnv(t)
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			if _, _, err := e.do(t, tt.method, tt.path, tt.auth, body); err != nil {
				t.Fatal(err)
			}
			wantViolation(t, e.vt.Violations(), tt.op, tt.status, tt.location, tt.want...)
		})
	}
}

// TestValidatingTransport_doesNotChangeTheExchange: the request reaches the
// server with its body intact (rewindable or not), and the caller reads
// the response as the server sent it, including a body that breaks off.
func TestValidatingTransport_doesNotChangeTheExchange(t *testing.T) {
	t.Parallel()
	e := newTransportEnv(t)
	const body = `{"customer_email":"ada@example.com","metadata":{"order":"42"}}`

	// http.NewRequest sets GetBody for a *strings.Reader; a bare reader has none.
	for _, rdr := range []io.Reader{strings.NewReader(body), io.MultiReader(strings.NewReader(body))} {
		req, err := http.NewRequestWithContext(t.Context(), "PATCH", e.base+"/v1/checkouts/"+idValid, rdr)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tinyToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := e.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil || !bytes.Equal(got, fixture(t, "checkout.json")) {
			t.Errorf("response body changed by the transport (err %v)", err)
		}
	}
	e.api.mu.Lock()
	bodies := append([]string(nil), e.api.bodies...)
	e.api.mu.Unlock()
	for i, b := range bodies {
		if b != body {
			t.Errorf("request %d reached the server with body %q, want %q", i+1, b, body)
		}
	}

	// A body that breaks off reaches the caller the same way, and is not judged.
	status, got, err := e.do(t, "GET", "/v1/checkouts/"+idTruncated, "Bearer "+tinyToken, nil)
	if status != 200 || !errors.Is(err, io.ErrUnexpectedEOF) || len(got) != 100 {
		t.Errorf("truncated body: status %d, %d bytes, err %v; want 200, 100 bytes, unexpected EOF", status, len(got), err)
	}
	if vs := e.vt.Violations(); len(vs) != 0 {
		t.Errorf("violations:\n%s", render(vs))
	}
}

func TestValidatingTransport_concurrentUse(t *testing.T) {
	t.Parallel()
	e := newTransportEnv(t)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			id := idValid
			if i%4 == 0 {
				id = idWrongType
			}
			if _, _, err := e.do(t, "GET", "/v1/checkouts/"+id, "Bearer "+tinyToken, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(e.vt.Violations()); n != 4 {
		t.Errorf("%d violations, want 4:\n%s", n, render(e.vt.Violations()))
	}
	e.vt.Reset()
	if len(e.vt.Violations()) != 0 || e.vt.Exchanges() != 0 {
		t.Error("Reset kept state")
	}
}

// middlewareEnv is the tiny handler wrapped in ValidatingMiddleware.
type middlewareEnv struct {
	api  *tinyAPI
	base string
	mu   sync.Mutex
	vs   []contract.Violation
}

func newMiddlewareEnv(t *testing.T) *middlewareEnv {
	t.Helper()
	e := &middlewareEnv{api: &tinyAPI{t: t}}
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	e.base = srv.URL + "/base"
	srv.Config.Handler = contract.ValidatingMiddleware(routerFor(t, e.base), func(v contract.Violation) {
		e.mu.Lock()
		e.vs = append(e.vs, v)
		e.mu.Unlock()
	})(e.api)
	return e
}

func (e *middlewareEnv) violations() []contract.Violation {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]contract.Violation(nil), e.vs...)
}

func TestValidatingMiddleware(t *testing.T) {
	t.Parallel()
	bearer := "Bearer " + tinyToken
	tests := []struct {
		name, method, path, auth, body string
		wantStatus                     int
		op                             string
		status                         int
		location                       string
		want                           []string
	}{
		{"valid", "GET", "/v1/checkouts/" + idValid, bearer, "", 200, "", 0, "", nil},
		{"valid anonymous confirm", "POST", "/v1/checkouts/client/" + tinySecret + "/confirm", "", `{}`, 200, "", 0, "", nil},
		{"response: wrong type", "GET", "/v1/checkouts/" + idWrongType, bearer, "", 200, "getCheckout", 200, "response body /amount", []string{"integer"}},
		{"response: missing required field", "GET", "/v1/checkouts/" + idMissing, bearer, "", 200, "getCheckout", 200, "response body", []string{"status"}},
		{"response: undeclared status", "GET", "/v1/checkouts/" + idUndeclared, bearer, "", 418, "getCheckout", 418, "response status", nil},
		{"request: no bearer on a token operation", "GET", "/v1/checkouts/" + idValid, "", "", 200, "getCheckout", 0, "request security", []string{"bearer"}},
		{"request: body field of the wrong type", "PATCH", "/v1/checkouts/" + idValid, bearer, `{"customer_email":5}`, 200, "updateCheckout", 0, "request body /customer_email", nil},
		{"request: unknown route", "GET", "/v2/other", bearer, "", 404, "", 0, "route", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newMiddlewareEnv(t)
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequestWithContext(t.Context(), tt.method, e.base+tt.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			// Nothing is rewritten: the handler's own answer comes back.
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want the handler's %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus == 200 && len(got) < 100 {
				t.Errorf("body = %q, want the handler's", got)
			}
			if e.api.hits != 1 {
				t.Errorf("handler ran %d times, want 1 (invalid requests reach it too)", e.api.hits)
			}
			vs := e.violations()
			if tt.location == "" {
				if len(vs) != 0 {
					t.Errorf("violations:\n%s", render(vs))
				}
				return
			}
			wantViolation(t, vs, tt.op, tt.status, tt.location, tt.want...)
		})
	}
}

// TestValidatingMiddleware_passesTheBodyOn: the handler reads the request
// body the validator already read.
func TestValidatingMiddleware_passesTheBodyOn(t *testing.T) {
	t.Parallel()
	e := newMiddlewareEnv(t)
	const body = `{"customer_name":"Ada","allow_trial":false}`
	req, _ := http.NewRequestWithContext(t.Context(), "PATCH", e.base+"/v1/checkouts/client/"+tinySecret, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if got := e.api.bodies; len(got) != 1 || got[0] != body {
		t.Errorf("handler read %q, want %q", got, body)
	}
	if vs := e.violations(); len(vs) != 0 {
		t.Errorf("violations:\n%s", render(vs))
	}
}
