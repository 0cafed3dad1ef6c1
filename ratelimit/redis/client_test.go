package redislimit

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// TestClient429HoldsOtherProcesses: when Polar answers one process's
// client with 429 and Retry-After, polar.Client holds its limiter, and the
// limiter of another process sharing the key waits too.
func TestClient429HoldsOtherProcesses(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	var hits atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(api.Close)

	first := newTestLimiter(t, srv, 6000)
	c, err := polar.NewClient(polar.WithBaseURL(api.URL), polar.WithAccessToken(testToken),
		polar.WithHTTPClient(api.Client()), polar.WithRateLimiter(first),
		polar.WithRetryPolicy(polar.RetryPolicy{MaxRetries: 0}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Checkouts.Get(context.Background(), polar.MustParseUUID("00000000-0000-4000-8000-000000000000"))
	if !errors.Is(err, polar.ErrRateLimited) {
		t.Fatalf("Get = %v, want polar.ErrRateLimited", err)
	}

	second := newTestLimiter(t, srv, 6000)
	ctx := waitCtx(t, 3*time.Second)
	if err := second.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("another process after the 429: Wait = %v, want context.DeadlineExceeded (held)", err)
	}
	if left := second.rdb.PTTL(context.Background(), second.holdKey).Val(); left < 20*time.Second || left > 30*time.Second {
		t.Errorf("hold has %s left, want about the 30 s of Retry-After", left)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("the server was hit %d times, want 1", n)
	}
}
