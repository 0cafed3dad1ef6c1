package polar_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
)

// resetConn drops the connection of w with a TCP reset: the client sees
// "connection reset by peer" instead of a response.
func resetConn(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Fatal("response writer cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Fatalf("hijack: %v", err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// script answers the n-th request with steps[n] (the last step repeats)
// and records every request body.
type script struct {
	t     *testing.T
	mu    sync.Mutex
	steps []http.HandlerFunc
	n     int
	body  []string
}

func newScript(t *testing.T, steps ...http.HandlerFunc) *script {
	return &script{t: t, steps: steps}
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	i := min(s.n, len(s.steps)-1)
	s.n++
	s.body = append(s.body, string(b))
	s.mu.Unlock()
	s.steps[i](w, r)
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func (s *script) bodies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.body...)
}

// status answers with a status and a body; header pairs go first.
func status(code int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if body == "" {
			w.WriteHeader(code)
			return
		}
		writeJSON(w, code, body)
	}
}

// reset drops the connection after the request body was read.
func reset(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { resetConn(t, w) }
}

// hang waits until the client gives up on the attempt.
func hang(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

// refusingDialer returns a transport whose first n dials go to a closed
// port (a real "connection refused"), and later dials to the real address.
func refusingDialer(t *testing.T, n int) *http.Transport {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	_ = l.Close()
	var mu sync.Mutex
	dials := 0
	var d net.Dialer
	return &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		dials++
		refuse := dials <= n
		mu.Unlock()
		if refuse {
			return d.DialContext(ctx, network, closed)
		}
		return d.DialContext(ctx, network, addr)
	}}
}
