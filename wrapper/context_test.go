package polar_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// context_DeadlineExceeded keeps retry_test.go free of a context import.
var context_DeadlineExceeded = context.DeadlineExceeded

func TestContext_cancelDuringBackoffReturnsPromptly(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	s := newScript(t, status(503, "", "Retry-After", "8"))
	mux.Handle("/v1/checkouts/{id}", s)
	url := newServer(t, mux.ServeHTTP)
	c, err := polar.NewClient(polar.WithBaseURL(url), polar.WithAccessToken(testToken)) // real sleeps
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.Checkouts.Get(ctx, testUUID)
	took := time.Since(start)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	var apiErr *polar.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Errorf("err = %v, want the last 503 kept in the chain", err)
	}
	// The backoff was 8 s; returning within 2 s proves the wait was cut.
	if took > 2*time.Second {
		t.Errorf("returned after %s, want promptly after the cancel", took)
	}
}

func TestContext_deadlineShorterThanBackoffReturnsAtOnce(t *testing.T) {
	t.Parallel()
	c, mux, sl := setup(t)
	s := newScript(t, status(503, "", "Retry-After", "5"))
	mux.Handle("/v1/checkouts/{id}", s)
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	_, err := c.Checkouts.Get(ctx, testUUID)
	var apiErr *polar.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("err = %v, want the 503", err)
	}
	if s.count() != 1 || len(sl.all()) != 0 {
		t.Errorf("attempts = %d, waits = %v; want 1 attempt and no wait past the deadline", s.count(), sl.all())
	}
}
