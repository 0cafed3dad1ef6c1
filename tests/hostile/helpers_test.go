// Package hostile attacks the SDK from the caller's side (path injection
// through IDs, client secrets and raw paths) and from the network's side
// (redirects to other hosts, servers and failures that try to make
// credentials show up in logs or errors).
package hostile

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

const (
	testToken  = "polar_oat_HostileToken0123456789abcdefXYZ"
	testSecret = "polar_c_HostileSecret0123456789abcdefghijklmnopqrs"
	testID     = "6f1e9d6a-3f4e-4c1a-9a57-2f1f6a7b8c9d"
)

// testUUID is testID as the SDK hands IDs out.
var testUUID = polar.MustParseUUID(testID)

// Complete bodies (every required property of the model, as the SDK's
// shape check wants), made from the client's test fixtures with the
// values above.
var (
	checkoutJSON  = fixture("checkout.json", map[string]any{"id": testID, "status": "open", "amount": 2500, "currency": "usd", "client_secret": testSecret})
	publicJSON    = fixture("checkout_public.json", map[string]any{"id": testID, "status": "open", "amount": 2500, "currency": "usd", "client_secret": testSecret})
	confirmedJSON = fixture("checkout_public_confirmed.json", map[string]any{"id": testID, "status": "confirmed", "client_secret": testSecret, "customer_session_token": "polar_cst_HostileSession0123456789"})
	listJSON      = `{"items":[` + checkoutJSON + `],"pagination":{"total_count":1,"max_page":1}}`
)

// fixture returns the JSON of client/testdata/name with the properties of
// set replaced.
func fixture(name string, set map[string]any) string {
	raw, err := os.ReadFile(filepath.Join("..", "..", "client", "testdata", name))
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

// countingTransport counts the requests that reach the transport.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// env is a test server and a client pointed at it.
type env struct {
	mux  *http.ServeMux
	srv  *httptest.Server
	hits atomic.Int32 // requests the server saw
	rt   *countingTransport
	c    *polar.Client
}

func newEnv(t *testing.T, opts ...polar.Option) *env {
	t.Helper()
	e := &env{mux: http.NewServeMux()}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.hits.Add(1)
		e.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)
	e.rt = &countingTransport{next: e.srv.Client().Transport}
	c, err := polar.NewClient(append([]polar.Option{
		polar.WithBaseURL(e.srv.URL),
		polar.WithAccessToken(testToken),
		polar.WithHTTPClient(&http.Client{Transport: e.rt}),
		polar.WithSleep(noSleep),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// answer returns a handler with a fixed answer; header pairs go first.
func answer(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if body == "" {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, body)
	}
}

// script answers the n-th request with steps[n]; the last step repeats.
func script(steps ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := min(n, len(steps)-1)
		n++
		mu.Unlock()
		if steps[i] == nil {
			// nil means success, if the writer knows how to give one.
			if s, ok := w.(interface{ success() }); ok {
				s.success()
			}
			return
		}
		steps[i](w, r)
	}
}

// reset drops the connection with a TCP reset instead of answering.
func reset(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = conn.Close()
	}
}

// hang waits until the client gives up. The body is read first: net/http
// only notices a client going away once the request body is consumed.
func hang(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

// syncBuffer is a bytes.Buffer for concurrent log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// closedURL returns the URL of a port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

// oneLine reports whether s is printable on one line.
func oneLine(s string) bool { return !strings.ContainsAny(s, "\r\n") }
