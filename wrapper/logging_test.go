package polar_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	polar "github.com/gopolar/checkouts/wrapper"
)

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
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

func TestLogging_debugAndRetriesWithoutSecrets(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mux, _ := setup(t, polar.WithLogger(logger))
	mux.Handle("/v1/checkouts/client/{secret}", newScript(t, status(503, ""), status(502, ""), status(200, publicJSON)))
	mux.Handle("/v1/checkouts/{id}", newScript(t, status(500, `{"error":"x","detail":"`+testToken+`"}`), status(200, checkoutJSON)))
	if _, err := c.Checkouts.ClientGet(t.Context(), testSecret); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Checkouts.Get(t.Context(), testUUID); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`"level":"DEBUG","msg":"polar request","op":"checkouts.clientGet","method":"GET","path":"/v1/checkouts/client/{client_secret}","attempt":1`,
		`"level":"WARN","msg":"polar retry","op":"checkouts.clientGet"`,
		`"msg":"polar response","op":"checkouts.clientGet","method":"GET","path":"/v1/checkouts/client/{client_secret}","attempt":3,"status":200`,
		`"msg":"polar retry","op":"checkouts.get"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s\n%s", want, out)
		}
	}
	noSecrets(t, "log", out)
}

func TestLogging_silentByDefault(t *testing.T) {
	var buf syncBuffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(old)
	c, mux, _ := setup(t)
	mux.Handle("/v1/checkouts/{id}", newScript(t, status(500, ""), status(200, checkoutJSON)))
	if _, err := c.Checkouts.Get(t.Context(), testUUID); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "" {
		t.Errorf("the default client logged: %s", buf.String())
	}
}

func TestMiddleware_runsInOrderOnEveryAttempt(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var trace []string
	mw := func(name string) polar.Middleware {
		return func(req *http.Request, next polar.MiddlewareNext) (*http.Response, error) {
			mu.Lock()
			trace = append(trace, name)
			mu.Unlock()
			req.Header.Add("X-Trace", name)
			return next(req)
		}
	}
	c, mux, _ := setup(t, polar.WithMiddleware(mw("client1"), mw("client2")))
	var headers []string
	mux.Handle("/v1/checkouts/{id}", newScript(t,
		func(w http.ResponseWriter, r *http.Request) {
			headers = append(headers, strings.Join(r.Header.Values("X-Trace"), ","))
			status(502, "")(w, r)
		},
		func(w http.ResponseWriter, r *http.Request) {
			headers = append(headers, strings.Join(r.Header.Values("X-Trace"), ","))
			status(200, checkoutJSON)(w, r)
		}))
	if _, err := c.Checkouts.Get(t.Context(), testUUID, polar.WithMiddleware(mw("call"))); err != nil {
		t.Fatal(err)
	}
	want := "client1,client2,call,client1,client2,call"
	if got := strings.Join(trace, ","); got != want {
		t.Errorf("middleware order = %s, want %s", got, want)
	}
	for i, h := range headers {
		if h != "client1,client2,call" {
			t.Errorf("attempt %d saw X-Trace %q: headers set by one attempt leaked into the next", i+1, h)
		}
	}
}
