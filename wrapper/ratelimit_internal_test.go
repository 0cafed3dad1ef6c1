package polar

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestLocalRateLimiter_cancelledCallersGiveBack: 40 callers that give up
// while waiting leave no debt: a fresh caller gets the next slot.
func TestLocalRateLimiter_cancelledCallersGiveBack(t *testing.T) {
	t.Parallel()
	l, err := NewRateLimiter(600, 1) // one every 100 ms
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(t.Context()); err != nil {
		t.Fatalf("first Wait: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	var mu sync.Mutex
	passed := 0
	for range 40 {
		wg.Go(func() {
			if l.Wait(ctx) == nil {
				mu.Lock()
				passed++
				mu.Unlock()
			}
		})
	}
	// Let them queue, then give up (before the 40th slot, 4 s away).
	time.Sleep(20 * time.Millisecond)
	cancel()
	wg.Wait()
	if passed > 1 {
		t.Errorf("%d cancelled callers went through, want at most 1", passed)
	}
	fresh, cancelFresh := context.WithTimeout(t.Context(), time.Second)
	defer cancelFresh()
	if err := l.Wait(fresh); err != nil {
		t.Errorf("a fresh call after the cancelled ones: %v (the slots were not given back)", err)
	}
}

// TestLocalRateLimiter_deadlineThatCannotBeMet fails at once, taking no slot.
func TestLocalRateLimiter_deadlineThatCannotBeMet(t *testing.T) {
	t.Parallel()
	l, _ := NewRateLimiter(60, 1) // one a second
	if err := l.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	err := l.Wait(ctx)
	if !errors.Is(err, errRateWaitPastDeadline) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline refusal", err)
	}
	if len(l.waiting) != 0 {
		t.Errorf("%d waiters left in the queue", len(l.waiting))
	}
}

func TestLocalRateLimiter_burst(t *testing.T) {
	t.Parallel()
	l, _ := NewRateLimiter(60, 3)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	for i := range 3 {
		if err := l.Wait(ctx); err != nil {
			t.Fatalf("Wait %d of the burst: %v", i+1, err)
		}
	}
	if err := l.Wait(ctx); !errors.Is(err, errRateWaitPastDeadline) {
		t.Errorf("fourth Wait: %v, want a refusal (the burst is used)", err)
	}
}

func TestLocalRateLimiter_holdUntil(t *testing.T) {
	t.Parallel()
	l, _ := NewRateLimiter(60000, 10)
	start := time.Now()
	l.HoldUntil(start.Add(150 * time.Millisecond))
	if err := l.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Errorf("Wait returned after %s, during the hold", took)
	}
}

func TestNewRateLimiter_refusesNonPositive(t *testing.T) {
	t.Parallel()
	for _, c := range [][2]int{{0, 1}, {1, 0}, {-5, 1}} {
		if _, err := NewRateLimiter(c[0], c[1]); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("NewRateLimiter(%d, %d): %v", c[0], c[1], err)
		}
	}
}
