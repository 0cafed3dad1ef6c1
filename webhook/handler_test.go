package webhook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// testTime is the clock of every handler test.
var testTime = time.Unix(1778432700, 0)

// signedRequest builds a POST delivery of body signed with secret.
func signedRequest(t testing.TB, url, secret, id string, body []byte) *http.Request {
	t.Helper()
	h, err := Sign(secret, id, testTime, body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}

func newTestHandler(t testing.TB, fn HandlerFunc, vopts []Option, hopts ...HandlerOption) *Handler {
	t.Helper()
	v := mustVerifier(t, []string{testSecret}, append([]Option{WithClock(func() time.Time { return testTime })}, vopts...)...)
	h, err := NewHandler(v, fn, hopts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func do(t testing.TB, srv *httptest.Server, req *http.Request) *http.Response {
	t.Helper()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// statusOf sends req from any goroutine; -1 (and a test error) if it fails.
func statusOf(t testing.TB, srv *httptest.Server, req *http.Request) int {
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Error(err)
		return -1
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestHandler_statuses(t *testing.T) {
	t.Parallel()
	checkout := payload(t, "checkout_updated_succeeded.json")
	var got atomic.Pointer[Event]
	fn := func(ctx context.Context, ev Event) error {
		got.Store(&ev)
		if ev.Meta().ID == "msg_fail" {
			return errors.New("database is down")
		}
		return nil
	}
	h := newTestHandler(t, fn, []Option{WithMaxBodySize(4096)})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		called bool
	}{
		{"valid checkout event", func() *http.Request { return signedRequest(t, srv.URL, testSecret, "msg_ok", checkout) }, http.StatusNoContent, true},
		{"unknown event type", func() *http.Request {
			return signedRequest(t, srv.URL, testSecret, "msg_unknown", payload(t, "unknown_customer_created.json"))
		}, http.StatusNoContent, true},
		{"function fails", func() *http.Request { return signedRequest(t, srv.URL, testSecret, "msg_fail", checkout) }, http.StatusInternalServerError, true},
		{"wrong secret", func() *http.Request { return signedRequest(t, srv.URL, "polar_whs_other", "msg_x", checkout) }, http.StatusForbidden, false},
		{"missing headers", func() *http.Request {
			req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(checkout))
			return req
		}, http.StatusForbidden, false},
		{"stale timestamp", func() *http.Request {
			req := signedRequest(t, srv.URL, testSecret, "msg_old", checkout)
			h, _ := Sign(testSecret, "msg_old", testTime.Add(-time.Hour), checkout)
			req.Header.Set(HeaderTimestamp, h.Get(HeaderTimestamp))
			req.Header.Set(HeaderSignature, h.Get(HeaderSignature))
			return req
		}, http.StatusForbidden, false},
		{"tampered body", func() *http.Request {
			req := signedRequest(t, srv.URL, testSecret, "msg_t", checkout)
			req.Body = io.NopCloser(bytes.NewReader(bytes.Replace(checkout, []byte("5880"), []byte("0000"), 1)))
			return req
		}, http.StatusForbidden, false},
		{"signed but not a payload", func() *http.Request {
			return signedRequest(t, srv.URL, testSecret, "msg_bad", []byte(`{"type":"checkout.updated"}`))
		}, http.StatusBadRequest, false},
		{"signed but not JSON", func() *http.Request { return signedRequest(t, srv.URL, testSecret, "msg_bad2", []byte(`hello`)) }, http.StatusBadRequest, false},
		{"body over the limit, known length", func() *http.Request {
			return signedRequest(t, srv.URL, testSecret, "msg_big", append(bytes.Repeat([]byte(" "), 4097-len(checkout)), checkout...))
		}, http.StatusRequestEntityTooLarge, false},
		{"body over the limit, chunked", func() *http.Request {
			req := signedRequest(t, srv.URL, testSecret, "msg_big2", append(bytes.Repeat([]byte(" "), 5000), checkout...))
			req.Body = io.NopCloser(io.MultiReader(req.Body)) // hides the length
			req.ContentLength = -1
			return req
		}, http.StatusRequestEntityTooLarge, false},
		{"body at the limit", func() *http.Request {
			return signedRequest(t, srv.URL, testSecret, "msg_limit", append(bytes.Repeat([]byte(" "), 4096-len(checkout)), checkout...))
		}, http.StatusNoContent, true},
		{"GET", func() *http.Request { req, _ := http.NewRequest(http.MethodGet, srv.URL, nil); return req }, http.StatusMethodNotAllowed, false},
		{"PUT with a valid signature", func() *http.Request {
			req := signedRequest(t, srv.URL, testSecret, "msg_put", checkout)
			req.Method = http.MethodPut
			return req
		}, http.StatusMethodNotAllowed, false},
	}
	for _, tt := range tests {
		// Sequential: got is shared.
		got.Store(nil)
		resp := do(t, srv, tt.req())
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.status)
		}
		if called := got.Load() != nil; called != tt.called {
			t.Errorf("%s: function called = %v, want %v", tt.name, called, tt.called)
		}
		if tt.status == http.StatusMethodNotAllowed && resp.Header.Get("Allow") != http.MethodPost {
			t.Errorf("%s: Allow = %q", tt.name, resp.Header.Get("Allow"))
		}
	}
}

func TestHandler_eventReachesFunction(t *testing.T) {
	t.Parallel()
	var got *CheckoutUpdated
	h := newTestHandler(t, func(ctx context.Context, ev Event) error {
		got, _ = ev.(*CheckoutUpdated)
		return nil
	}, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, signedRequest(t, "http://x/", testSecret, "msg_42", payload(t, "checkout_updated_succeeded.json")))
	if rec.Code != http.StatusNoContent || got == nil || got.ID != "msg_42" || !IsPaid(&got.Checkout) {
		t.Fatalf("status %d, event %+v", rec.Code, got)
	}
}

func TestNewHandler_errors(t *testing.T) {
	t.Parallel()
	v := mustVerifier(t, []string{testSecret})
	fn := func(context.Context, Event) error { return nil }
	if _, err := NewHandler(nil, fn); err == nil {
		t.Error("nil verifier accepted")
	}
	if _, err := NewHandler(v, nil); err == nil {
		t.Error("nil function accepted")
	}
	if _, err := NewHandler(v, fn, WithDedup(0)); err == nil {
		t.Error("WithDedup(0) accepted")
	}
}

func TestHandler_dedup(t *testing.T) {
	t.Parallel()
	body := payload(t, "order_paid.json")
	var calls atomic.Int32
	var failNext atomic.Bool
	h := newTestHandler(t, func(ctx context.Context, ev Event) error {
		calls.Add(1)
		if failNext.Swap(false) {
			return errors.New("try again")
		}
		return nil
	}, nil, WithDedup(2))
	deliver := func(id string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, signedRequest(t, "http://x/", testSecret, id, body))
		return rec.Code
	}
	steps := []struct {
		id        string
		fail      bool
		status    int
		callsThen int32
	}{
		{"msg_a", true, 500, 1},  // failed: not remembered
		{"msg_a", false, 204, 2}, // the retry is processed
		{"msg_a", false, 204, 2}, // now a duplicate
		{"msg_b", false, 204, 3},
		{"msg_a", false, 204, 3}, // still remembered (size 2)
		{"msg_c", false, 204, 4}, // evicts msg_a, the oldest
		{"msg_a", false, 204, 5}, // forgotten: processed again
		{"msg_c", false, 204, 5},
	}
	for i, s := range steps {
		failNext.Store(s.fail)
		if got := deliver(s.id); got != s.status {
			t.Fatalf("step %d (%s): status %d, want %d", i, s.id, got, s.status)
		}
		if got := calls.Load(); got != s.callsThen {
			t.Fatalf("step %d (%s): %d calls, want %d", i, s.id, got, s.callsThen)
		}
	}
}

// TestHandler_concurrentDuplicates: deliveries of one webhook-id that
// overlap run the function once when it succeeds; when it fails, a
// waiting duplicate processes the event.
func TestHandler_concurrentDuplicates(t *testing.T) {
	t.Parallel()
	for _, firstFails := range []bool{false, true} {
		body := payload(t, "checkout_updated_succeeded.json")
		entered := make(chan struct{})
		release := make(chan struct{})
		var calls atomic.Int32
		h := newTestHandler(t, func(ctx context.Context, ev Event) error {
			if calls.Add(1) == 1 {
				close(entered)
				<-release
				if firstFails {
					return errors.New("fail once")
				}
			}
			return nil
		}, nil, WithDedup(100))
		srv := httptest.NewServer(h)
		const n = 8
		statuses := make(chan int, n)
		var wg sync.WaitGroup
		first := signedRequest(t, srv.URL, testSecret, "msg_same", body)
		wg.Go(func() { statuses <- statusOf(t, srv, first) })
		<-entered // the first one is in the function
		for range n - 1 {
			req := signedRequest(t, srv.URL, testSecret, "msg_same", body)
			wg.Go(func() { statuses <- statusOf(t, srv, req) })
		}
		// The others are blocked on the first; let it finish. (Whether they
		// arrived yet or not, the outcome is the same.)
		close(release)
		wg.Wait()
		srv.Close()
		close(statuses)
		count := map[int]int{}
		for s := range statuses {
			count[s]++
		}
		wantCalls, want := int32(1), map[int]int{204: n}
		if firstFails {
			wantCalls, want = 2, map[int]int{500: 1, 204: n - 1}
		}
		if calls.Load() != wantCalls || count[204] != want[204] || count[500] != want[500] {
			t.Errorf("first fails %v: %d calls, statuses %v; want %d calls, %v", firstFails, calls.Load(), count, wantCalls, want)
		}
	}
}

// TestHandler_waitingDuplicateGivesUp: a duplicate whose own request ends
// while it waits answers 503 and does not call the function.
func TestHandler_waitingDuplicateGivesUp(t *testing.T) {
	t.Parallel()
	body := payload(t, "order_paid.json")
	entered := make(chan struct{})
	release := make(chan struct{})
	var calls atomic.Int32
	h := newTestHandler(t, func(ctx context.Context, ev Event) error {
		calls.Add(1)
		close(entered)
		<-release
		return nil
	}, nil, WithDedup(10))
	done := make(chan int)
	first := signedRequest(t, "http://x/", testSecret, "msg_w", body)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, first)
		done <- rec.Code
	}()
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, signedRequest(t, "http://x/", testSecret, "msg_w", body).WithContext(ctx))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("waiting duplicate: status %d, want 503", rec.Code)
	}
	close(release)
	if code := <-done; code != http.StatusNoContent || calls.Load() != 1 {
		t.Errorf("first: status %d, %d calls", code, calls.Load())
	}
}

// TestHandler_panicDoesNotMarkSeen: a function that panics gets a 500,
// not a crash, and leaves the id unremembered, so the retry is processed.
func TestHandler_panicDoesNotMarkSeen(t *testing.T) {
	t.Parallel()
	body := payload(t, "order_paid.json")
	var calls atomic.Int32
	h := newTestHandler(t, func(ctx context.Context, ev Event) error {
		if calls.Add(1) == 1 {
			panic("bug in the user's function")
		}
		return nil
	}, nil, WithDedup(10))
	first := httptest.NewRecorder()
	h.ServeHTTP(first, signedRequest(t, "http://x/", testSecret, "msg_p", body))
	if first.Code != http.StatusInternalServerError {
		t.Fatalf("panicking function: status %d, want 500", first.Code)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, signedRequest(t, "http://x/", testSecret, "msg_p", body))
	if rec.Code != http.StatusNoContent || calls.Load() != 2 {
		t.Fatalf("retry after panic: status %d, %d calls", rec.Code, calls.Load())
	}
}

func TestHandler_logs(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newTestHandler(t, func(ctx context.Context, ev Event) error {
		if ev.Meta().ID == "msg_fail" {
			return errors.New("insert failed")
		}
		return nil
	}, nil, WithLogger(logger), WithDedup(10))
	body := payload(t, "order_paid.json")
	for _, id := range []string{"msg_ok", "msg_ok", "msg_fail"} {
		h.ServeHTTP(httptest.NewRecorder(), signedRequest(t, "http://x/", testSecret, id, body))
	}
	h.ServeHTTP(httptest.NewRecorder(), signedRequest(t, "http://x/", "polar_whs_wrong", "msg_forged", body))
	out := buf.String()
	for _, want := range []string{
		`"level":"DEBUG","msg":"webhook: delivery processed","webhook_id":"msg_ok","type":"order.paid"`,
		`"level":"INFO","msg":"webhook: duplicate delivery ignored","webhook_id":"msg_ok"`,
		`"level":"ERROR","msg":"webhook: handler failed; Polar will retry","webhook_id":"msg_fail","type":"order.paid","error":"insert failed"`,
		`"level":"WARN","msg":"webhook: delivery refused","status":403,"error":"webhook: no matching signature`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s\n%s", want, out)
		}
	}
	if strings.Contains(out, "msg_forged") || strings.Contains(out, "0f6d2b8e") {
		t.Errorf("log has an unverified id or body content:\n%s", out)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
