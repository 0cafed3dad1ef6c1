package polartest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

func TestWithRateLimit_fixedWindowPerToken(t *testing.T) {
	t.Parallel()
	const other = "polar_oat_other"
	e := newEnv(t, polartest.WithRateLimit(3), polartest.WithAnyToken())
	auth := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
	steps := []struct {
		name       string
		advance    time.Duration
		header     []string
		status     int
		retryAfter string
	}{
		{"first", 0, auth(polartest.Token), 200, ""},
		{"second", time.Second, auth(polartest.Token), 200, ""},
		{"third", time.Second, auth(polartest.Token), 200, ""},
		{"over the limit", 0, auth(polartest.Token), 429, "58"},
		{"another token has its own window", 0, auth(other), 200, ""},
		{"still over, near the end", 57 * time.Second, auth(polartest.Token), 429, "1"},
		{"a new window", time.Second, auth(polartest.Token), 200, ""},
	}
	for _, s := range steps {
		e.clock.Advance(s.advance)
		r := e.do(http.MethodGet, "/v1/checkouts/", nil, s.header...)
		if r.status != s.status || r.header.Get("Retry-After") != s.retryAfter {
			t.Fatalf("%s: %d Retry-After %q, want %d %q", s.name, r.status, r.header.Get("Retry-After"), s.status, s.retryAfter)
		}
		if r.status == 429 && len(r.raw) != 0 {
			t.Errorf("%s: 429 body %q, want empty as Polar's", s.name, r.raw)
		}
	}
	if got := e.h.Stats().Requests[polartest.OpList]; got != len(steps) {
		t.Errorf("Stats counted %d list requests, want %d (limited ones included)", got, len(steps))
	}
}

// Anonymous requests (the client-secret routes) count per client address,
// and a limited request never reaches the store.
func TestWithRateLimit_anonymousByAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithRateLimit(2))
	co := e.createOf(polartest.ProductOneTimeID) // 1 (token)
	path := "/v1/checkouts/client/" + co.ClientSecret
	for i, want := range []int{200, 200, 429} {
		if r := e.do(http.MethodGet, path, nil); r.status != want {
			t.Fatalf("anonymous request %d: %d, want %d", i+1, r.status, want)
		}
	}
	before := e.h.Stats().Applied[polartest.OpClientUpdate]
	if r := e.do(http.MethodPatch, path, `{"customer_name":"x"}`); r.status != 429 {
		t.Fatalf("limited update: %d", r.status)
	}
	if got := e.h.Stats().Applied[polartest.OpClientUpdate]; got != before {
		t.Errorf("a limited update was applied")
	}
}

func TestWithRateLimit_offByDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := range 600 {
		if r := e.do(http.MethodGet, "/v1/checkouts/", nil, token...); r.status != 200 {
			t.Fatalf("request %d: %d without WithRateLimit", i+1, r.status)
		}
	}
}

// The SDK sees the limit as Polar's: a *RateLimitError with the wait.
func TestWithRateLimit_throughTheSDK(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithRateLimit(1))
	c, err := e.srv.Client(polar.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Checkouts.List(ctx, nil); err != nil {
		t.Fatal(err)
	}
	_, err = c.Checkouts.List(ctx, nil)
	var rl *polar.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Minute {
		t.Fatalf("second call: %v, want a *RateLimitError with RetryAfter 1m", err)
	}
}
