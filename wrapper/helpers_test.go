package polar_test

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// Test fixtures shared by the tests of this package.
const (
	testToken  = "polar_oat_testtoken1234567890"
	testSecret = "polar_c_TestSecret0123456789abcdefghijklmnopqrstuv"
	testID     = "6f1e9d6a-3f4e-4c1a-9a57-2f1f6a7b8c9d"
	basePath   = "/api-base"
)

// Complete answers (every required property, as the shape check wants),
// made from the client's fixtures with the values above.
// testUUID is testID as the SDK hands IDs out.
var testUUID = polar.MustParseUUID(testID)

var (
	checkoutJSON = fixture("checkout.json", map[string]any{"id": testID, "status": "open", "amount": 2500, "currency": "usd", "client_secret": testSecret, "customer_email": nil, "metadata": map[string]any{"order": "42"}})
	publicJSON   = fixture("checkout_public.json", map[string]any{"id": testID, "status": "open", "amount": 2500, "currency": "usd", "client_secret": testSecret})
)

// fixture returns the JSON of client/testdata/name with the properties of
// set replaced.
func fixture(name string, set map[string]any) string {
	raw, err := os.ReadFile(filepath.Join("..", "client", "testdata", name))
	if err != nil {
		panic(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		panic(err)
	}
	maps.Copy(v, set)
	out, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(out)
}

// sleeps records the waits of a client instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// setup starts a server whose API lives under basePath (so a request built
// with an absolute path fails) and a client pointed at it, with the
// recorded sleeper. Handlers go on mux, under paths such as
// "/v1/checkouts/".
func setup(t *testing.T, opts ...polar.Option) (*polar.Client, *http.ServeMux, *sleeps) {
	t.Helper()
	mux := http.NewServeMux()
	api := http.NewServeMux()
	api.Handle(basePath+"/", http.StripPrefix(basePath, mux))
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL.Path)
		http.Error(w, "outside base path", http.StatusBadGateway)
	})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	sl := &sleeps{}
	all := append([]polar.Option{
		polar.WithBaseURL(srv.URL + basePath),
		polar.WithAccessToken(testToken),
		polar.WithSleep(sl.sleep),
	}, opts...)
	c, err := polar.NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, mux, sl
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s, want %s", r.Method, want)
	}
}

func testHeader(t *testing.T, r *http.Request, key, want string) {
	t.Helper()
	if got := r.Header.Get(key); got != want {
		t.Errorf("header %s = %q, want %q", key, got, want)
	}
}

// testJSONBody checks that the request body is the JSON want, compared as
// JSON values.
func testJSONBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	var got, exp any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("body %q is not JSON: %v", b, err)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("bad expectation %q: %v", want, err)
	}
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("body = %s, want %s", b, want)
	}
}

// writeJSON answers status with body.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// noSecrets fails if s contains the token or the client secret.
func noSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range []string{testToken, testSecret} {
		if strings.Contains(s, secret) {
			t.Errorf("%s leaks a secret: %q", what, s)
		}
	}
}

// newServer starts a plain test server with one handler and returns its URL.
func newServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
