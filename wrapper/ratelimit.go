package polar

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// RateLimiter decides when the client may send a request: Wait blocks
// until it may, or returns an error (typically ctx.Err()) when it must not.
// Every attempt, retries included, waits for it.
//
// *rate.Limiter of golang.org/x/time/rate satisfies it, as do
// [*LocalRateLimiter] and the Redis limiter of
// github.com/gopolar/checkouts/ratelimit/redis, which shares one limit
// between processes. A limiter that gives up waiting must give its slot
// back, so that cancelled callers do not slow down the ones after them.
type RateLimiter interface {
	Wait(ctx context.Context) error
}

// RateLimitHolder is implemented by limiters that can hold back every one
// of their callers until a given time. After a 429 with Retry-After the
// client calls HoldUntil, so that every caller sharing the limiter waits,
// not only the one that met the 429. For a limiter without it, the client
// holds the callers that use the limiter through the same option.
type RateLimitHolder interface {
	HoldUntil(t time.Time)
}

// LocalRateLimiter is an in-process limiter: at most perMinute requests
// per minute, with bursts of up to burst requests after a quiet period. A
// caller whose context ends while it waits gives its slot back, and a
// caller whose deadline cannot be met fails at once without taking one.
// It implements [RateLimiter] and [RateLimitHolder], and is safe for
// concurrent use.
type LocalRateLimiter struct {
	interval time.Duration // time one request takes of the budget
	burst    time.Duration // how far ahead of the schedule a burst may run
	now      func() time.Time

	mu        sync.Mutex
	tat       time.Time // theoretical arrival time (GCRA): when the budget is fully used
	holdUntil time.Time
	waiting   []*rateWaiter // in arrival order
	changed   chan struct{} // closed when waiters may start earlier
}

// rateWaiter is one caller queued in a LocalRateLimiter.
type rateWaiter struct{}

// NewRateLimiter returns a [LocalRateLimiter] allowing perMinute requests
// per minute with bursts of up to burst requests (1: evenly spaced).
func NewRateLimiter(perMinute, burst int) (*LocalRateLimiter, error) {
	if perMinute <= 0 || burst <= 0 {
		return nil, invalidOption("NewRateLimiter", "rate and burst must be positive")
	}
	return newLocalRateLimiter(perMinute, burst, time.Now), nil
}

func newLocalRateLimiter(perMinute, burst int, now func() time.Time) *LocalRateLimiter {
	interval := time.Minute / time.Duration(perMinute)
	return &LocalRateLimiter{
		interval: interval,
		burst:    time.Duration(burst-1) * interval,
		now:      now,
		changed:  make(chan struct{}),
	}
}

// errRateWaitPastDeadline is returned when the wait for a slot would
// outlast the context's deadline; it matches context.DeadlineExceeded.
var errRateWaitPastDeadline = fmt.Errorf("polar: rate limit: the wait would pass the context deadline: %w", context.DeadlineExceeded)

// Wait blocks until the caller may send, or ctx ends.
func (l *LocalRateLimiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	now := l.now()
	if len(l.waiting) == 0 && l.takeLocked(now) {
		l.mu.Unlock()
		return nil
	}
	w := &rateWaiter{}
	l.waiting = append(l.waiting, w)
	for {
		due := l.dueLocked(w)
		if !due.After(now) && l.takeLocked(now) {
			l.leaveLocked(w, false)
			l.mu.Unlock()
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && due.After(dl) {
			l.leaveLocked(w, true)
			l.mu.Unlock()
			return errRateWaitPastDeadline
		}
		changed := l.changed
		l.mu.Unlock()
		if err := waitUntil(ctx, due.Sub(now), changed); err != nil {
			l.mu.Lock()
			l.leaveLocked(w, true)
			l.mu.Unlock()
			return err
		}
		l.mu.Lock()
		now = l.now()
	}
}

// HoldUntil makes every caller wait until t before it may send.
func (l *LocalRateLimiter) HoldUntil(t time.Time) {
	l.mu.Lock()
	if t.After(l.holdUntil) {
		l.holdUntil = t
	}
	l.mu.Unlock()
}

// takeLocked uses one request of the budget if the schedule allows one
// now (GCRA: the theoretical arrival time may run ahead of now by at most
// the burst).
func (l *LocalRateLimiter) takeLocked(now time.Time) bool {
	if now.Before(l.holdUntil) {
		return false
	}
	tat := l.tat
	if tat.Before(now) {
		tat = now
	}
	if tat.Sub(now) > l.burst {
		return false
	}
	l.tat = tat.Add(l.interval)
	return true
}

// dueLocked estimates when w may send: one interval per waiter ahead of it
// after the first free slot, and not before a hold ends.
func (l *LocalRateLimiter) dueLocked(w *rateWaiter) time.Time {
	ahead := slices.Index(l.waiting, w)
	first := l.tat.Add(-l.burst)
	if first.Before(l.holdUntil) {
		first = l.holdUntil
	}
	return first.Add(time.Duration(ahead) * l.interval)
}

// leaveLocked removes w from the queue. A waiter that gives up frees a
// place in the queue, so the ones behind it are told to look again.
func (l *LocalRateLimiter) leaveLocked(w *rateWaiter, gaveUp bool) {
	if i := slices.Index(l.waiting, w); i >= 0 {
		l.waiting = slices.Delete(l.waiting, i, i+1)
		if gaveUp && i < len(l.waiting) {
			close(l.changed)
			l.changed = make(chan struct{})
		}
	}
}

// waitUntil waits for d, for changed to close, or for ctx to end (then it
// returns ctx.Err()).
func waitUntil(ctx context.Context, d time.Duration, changed <-chan struct{}) error {
	if d <= 0 {
		d = time.Millisecond // the slot is due but another caller took it: look again soon
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-changed:
	case <-t.C:
	}
	return nil
}

// limiter is the rate limit of a client or call: the configured
// [RateLimiter], and a hold shared by every caller of the option that set
// it, for limiters that cannot hold their callers themselves.
type limiter struct {
	l RateLimiter

	mu        sync.Mutex
	holdUntil time.Time
}

func newLimiter(l RateLimiter) *limiter { return &limiter{l: l} }

// wait blocks until a hold has passed and the limiter lets the caller
// send. A nil limiter never blocks.
func (s *limiter) wait(ctx context.Context) error {
	if s == nil {
		return nil
	}
	if _, holds := s.l.(RateLimitHolder); !holds {
		s.mu.Lock()
		until := s.holdUntil
		s.mu.Unlock()
		if d := time.Until(until); d > 0 {
			if err := sleepContext(ctx, d); err != nil {
				return err
			}
		}
	}
	if err := s.l.Wait(ctx); err != nil {
		return &rateWaitError{err: err}
	}
	return nil
}

// hold makes every caller of the limiter wait until t.
func (s *limiter) hold(t time.Time) {
	if s == nil {
		return
	}
	if h, ok := s.l.(RateLimitHolder); ok {
		h.HoldUntil(t)
		return
	}
	s.mu.Lock()
	if t.After(s.holdUntil) {
		s.holdUntil = t
	}
	s.mu.Unlock()
}

// rateWaitError is a RateLimiter's refusal to let a request go. It keeps
// the limiter's error in the chain (often a context error).
type rateWaitError struct{ err error }

func (e *rateWaitError) Error() string {
	if e == nil || e.err == nil {
		return "polar: rate limiter refused the request"
	}
	return "polar: waiting for the rate limiter: " + e.err.Error()
}

func (e *rateWaitError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.err
}

// errNilRateLimiter is WithRateLimiter's refusal of a nil limiter.
var errNilRateLimiter = invalidOption("WithRateLimiter", "nil limiter")
