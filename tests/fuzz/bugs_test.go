package fuzz

import (
	"context"
	"errors"
	"math"
	"net/http"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// The bugs the fuzz targets found, now fixed, as plain regression tests.

func TestBug_NaNRetryAfter(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"NaN", "nan", "+NaN"} {
		c := newClient(t, &stub{status: http.StatusTooManyRequests, header: http.Header{"Retry-After": {v}}}, polar.WithMaxRetries(0))
		_, err := c.Checkouts.ClientGet(t.Context(), fuzzSecret)
		var rl *polar.RateLimitError
		if !errors.As(err, &rl) {
			t.Fatalf("Retry-After %q: err = %v, want a *RateLimitError", v, err)
		}
		if rl.RetryAfter != 0 || rl.APIError.RetryAfter != 0 {
			t.Fatal(bugNaNRetryAfter)
		}
	}
}

func TestBug_lookaheadOverflowHang(t *testing.T) {
	body := []byte(`{"items":[{}],"pagination":{"total_count":1,"max_page":9223372036854775807}}`)
	c := newClient(t, &stub{status: 200, body: body, after: maxServedPages}, polar.WithLookahead(2), polar.WithRateLimit(1<<30))
	start := math.MaxInt - 1
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, err := range c.Checkouts.All(ctx, &polar.ListParams{Page: &start}) {
			if err != nil {
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal(bugLookaheadOverflow)
	}
}
