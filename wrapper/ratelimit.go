package polar

import (
	"context"
	"sync"
	"time"
)

// rateLimiter spaces requests so that no more than perMinute start in any
// minute: each request reserves the next free slot, one interval after
// the previous one, with a burst of one.
type rateLimiter struct {
	interval time.Duration
	now      func() time.Time

	mu   sync.Mutex
	next time.Time
}

func newRateLimiter(perMinute int, now func() time.Time) *rateLimiter {
	return &rateLimiter{interval: time.Minute / time.Duration(perMinute), now: now}
}

// wait blocks until the caller may send, or ctx ends. A nil limiter never
// blocks.
func (l *rateLimiter) wait(ctx context.Context, sleep func(context.Context, time.Duration) error) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	now := l.now()
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	l.next = slot.Add(l.interval)
	l.mu.Unlock()
	if d := slot.Sub(now); d > 0 {
		return sleep(ctx, d)
	}
	return ctx.Err()
}
