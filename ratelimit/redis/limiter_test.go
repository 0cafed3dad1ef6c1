package redislimit

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	polar "github.com/gopolar/checkouts/wrapper"
)

func TestNewRejectsBadArguments(t *testing.T) {
	t.Parallel()
	rdb := newClient("127.0.0.1:1") // New sends nothing
	t.Cleanup(func() { _ = rdb.Close() })
	key := WithKey("org")
	tests := []struct {
		name      string
		rdb       redis.UniversalClient
		perMinute int
		opts      []Option
	}{
		{"nil client", nil, 100, []Option{key}},
		{"typed nil client", (*redis.Client)(nil), 100, []Option{key}},
		{"zero rate", rdb, 0, []Option{key}},
		{"negative rate", rdb, -5, []Option{key}},
		{"no key", rdb, 100, nil},
		{"empty key", rdb, 100, []Option{WithKey(" ")}},
		{"empty token", rdb, 100, []Option{WithKeyFromToken("")}},
		{"nil option", rdb, 100, []Option{key, nil}},
		{"zero burst", rdb, 100, []Option{key, WithBurst(0)}},
		{"zero replicas", rdb, 100, []Option{key, WithReplicas(0)}},
		{"nil fallback", rdb, 100, []Option{key, WithFallback(nil)}},
		{"zero timeout", rdb, 100, []Option{key, WithRedisTimeout(0)}},
		{"reconnect max below min", rdb, 100, []Option{key, WithReconnectInterval(time.Second, time.Millisecond)}},
		{"reconnect zero", rdb, 100, []Option{key, WithReconnectInterval(0, time.Second)}},
		{"nil logger", rdb, 100, []Option{key, WithLogger(nil)}},
		{"prefix with space", rdb, 100, []Option{key, WithPrefix("a b")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := New(tt.rdb, tt.perMinute, tt.opts...)
			if !errors.Is(err, polar.ErrInvalidArgument) {
				t.Fatalf("New = %v, %v; want an error matching polar.ErrInvalidArgument", l, err)
			}
		})
	}
}

// newTestLimiter returns a limiter on a fresh Redis client of srv (another
// "process" for each call), with a key of the test's own.
func newTestLimiter(t *testing.T, srv *redisServer, perMinute int, opts ...Option) *Limiter {
	t.Helper()
	l, err := New(srv.Client(t), perMinute, append([]Option{WithKey(t.Name())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// gcraState is the limiter's GCRA state in Redis: it changes exactly when
// a slot is taken.
func gcraState(t *testing.T, l *Limiter) string {
	t.Helper()
	v, err := l.rdb.Get(context.Background(), "rate:"+l.rateKey).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		t.Fatal(err)
	}
	return v
}

// waitCtx is a context with a deadline far beyond any wait these tests
// expect to succeed, and far below any they expect to fail.
func waitCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// TestBurstThenDeadlineFailsFast: 6/min is one slot per 10 s; a burst of 3
// goes at once, the 4th caller's 2 s deadline cannot be met, so it fails at
// once (before its deadline) and takes no slot.
func TestBurstThenDeadlineFailsFast(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	l := newTestLimiter(t, srv, 6, WithBurst(3))
	for i := range 3 {
		if err := l.Wait(waitCtx(t, 5*time.Second)); err != nil {
			t.Fatalf("call %d of the burst: %v", i+1, err)
		}
	}
	before := gcraState(t, l)
	ctx := waitCtx(t, 2*time.Second)
	err := l.Wait(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("4th call: %v, want an error matching context.DeadlineExceeded", err)
	}
	if ctx.Err() != nil {
		t.Errorf("4th call waited until its deadline; it should have failed at once")
	}
	if after := gcraState(t, l); after != before {
		t.Errorf("the failed call took a slot: GCRA state %s -> %s", before, after)
	}
	// Another process sharing the key sees the same exhausted burst.
	other := newTestLimiter(t, srv, 6, WithBurst(3))
	if err := other.Wait(waitCtx(t, 2*time.Second)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("another process after the burst: %v, want context.DeadlineExceeded", err)
	}
}

// TestCancelledWaitTakesNoSlot: a caller waiting for a slot 10 s away
// returns context.Canceled when its context is cancelled, and the shared
// state is as before it came.
func TestCancelledWaitTakesNoSlot(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	l := newTestLimiter(t, srv, 6)
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := gcraState(t, l)
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(100*time.Millisecond, cancel) // the stimulus, not a synchronisation
	defer timer.Stop()
	if err := l.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	if after := gcraState(t, l); after != before {
		t.Errorf("the cancelled call took a slot: GCRA state %s -> %s", before, after)
	}
	done, stop := context.WithCancel(context.Background())
	stop()
	if err := l.Wait(done); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait with a context already done = %v, want context.Canceled", err)
	}
}

// TestHoldUntilHoldsEveryProcess: a hold set by one limiter holds another
// with its own Redis client, is not cut short by a shorter one, and leaves
// other keys alone.
func TestHoldUntilHoldsEveryProcess(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	a := newTestLimiter(t, srv, 6000)
	b := newTestLimiter(t, srv, 6000)
	a.HoldUntil(time.Now().Add(30 * time.Second))
	a.HoldUntil(time.Now().Add(time.Second)) // shorter: must not shorten the hold

	ctx := waitCtx(t, 3*time.Second)
	if err := b.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("other process during a 30 s hold: %v, want context.DeadlineExceeded", err)
	}
	if ctx.Err() != nil {
		t.Errorf("other process waited for its deadline; a hold past it should fail at once")
	}
	if left := b.rdb.PTTL(context.Background(), b.holdKey).Val(); left < 20*time.Second {
		t.Errorf("hold has %s left, want the 30 s one kept", left)
	}
	unrelated, err := New(srv.Client(t), 6000, WithKey(t.Name()+"-other-org"))
	if err != nil {
		t.Fatal(err)
	}
	if err := unrelated.Wait(waitCtx(t, 3*time.Second)); err != nil {
		t.Errorf("a limiter of another key is held: %v", err)
	}
}

// TestHoldEnds: a caller of another process waits out a short hold and
// then goes.
func TestHoldEnds(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	a := newTestLimiter(t, srv, 6000)
	b := newTestLimiter(t, srv, 6000)
	const hold = 300 * time.Millisecond
	start := time.Now()
	a.HoldUntil(start.Add(hold))
	if err := b.Wait(waitCtx(t, 10*time.Second)); err != nil {
		t.Fatalf("Wait after a short hold: %v", err)
	}
	if waited := time.Since(start); waited < hold-20*time.Millisecond { // Redis expires on its own clock, to the millisecond
		t.Errorf("other process went after %s, before the %s hold ended", waited, hold)
	}
}

// TestFallbackWhenRedisUnreachable: with nothing listening, Wait uses the
// fallback of perMinute/replicas (600/4 = 150/min: one slot per 400 ms),
// reports it once in the log and through Degraded, and never fails.
func TestFallbackWhenRedisUnreachable(t *testing.T) {
	t.Parallel()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	rdb := newClient("127.0.0.1:" + itoa(port))
	t.Cleanup(func() { _ = rdb.Close() })
	logs := &recordingHandler{}
	l, err := New(rdb, 600, WithKey("org"), WithReplicas(4), WithLogger(newLogger(logs)))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(waitCtx(t, 5*time.Second)); err != nil {
		t.Fatalf("first Wait with Redis unreachable: %v", err)
	}
	if !l.Degraded() {
		t.Errorf("Degraded() = false with Redis unreachable")
	}
	// The fallback's next slot is 400 ms away: a 100 ms deadline fails at once.
	if err := l.Wait(waitCtx(t, 100*time.Millisecond)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second Wait within the fallback's interval: %v, want context.DeadlineExceeded", err)
	}
	if err := l.Wait(waitCtx(t, 5*time.Second)); err != nil {
		t.Errorf("third Wait: %v", err)
	}
	if n := logs.count("unreachable"); n != 1 {
		t.Errorf("logged the outage %d times, want once", n)
	}
}

// errClosed is what a fail-closed fallback answers.
var errClosed = errors.New("rate limit unavailable")

type refusingLimiter struct{}

func (refusingLimiter) Wait(context.Context) error { return errClosed }

// TestFailClosed: a fallback that refuses makes Wait refuse while Redis is
// unreachable.
func TestFailClosed(t *testing.T) {
	t.Parallel()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	rdb := newClient("127.0.0.1:" + itoa(port))
	t.Cleanup(func() { _ = rdb.Close() })
	l, err := New(rdb, 600, WithKey("org"), WithFallback(refusingLimiter{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(context.Background()); !errors.Is(err, errClosed) {
		t.Fatalf("Wait = %v, want the fallback's refusal", err)
	}
}

// TestReconnect: Redis goes away and comes back on the same address; the
// limiter falls back meanwhile and shares the limit again afterwards.
func TestReconnect(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	logs := &recordingHandler{}
	l := newTestLimiter(t, srv, 60000, WithReconnectInterval(20*time.Millisecond, 100*time.Millisecond), WithLogger(newLogger(logs)))
	ctx := waitCtx(t, 30*time.Second)
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	if err := l.Wait(ctx); err != nil {
		t.Fatalf("Wait while Redis is down: %v", err)
	}
	if !l.Degraded() {
		t.Fatalf("Degraded() = false while Redis is down")
	}
	srv.Restart() // empty: no GCRA state
	for l.Degraded() {
		if err := l.Wait(ctx); err != nil {
			t.Fatalf("Wait while reconnecting: %v (Redis came back: %d records logged)", err, len(logs.messages()))
		}
	}
	if gcraState(t, l) == "" {
		t.Errorf("the limiter says it is back on Redis, but Redis has no state for it")
	}
	if logs.count("unreachable") != 1 || logs.count("answers again") != 1 {
		t.Errorf("log records %q, want one outage and one recovery", logs.messages())
	}
}

type permissiveLimiter struct{}

func (permissiveLimiter) Wait(context.Context) error { return nil }

// TestHoldWhileRedisDown: a hold asked for while Redis is unreachable
// still holds this process's callers, even with a fallback that cannot
// hold.
func TestHoldWhileRedisDown(t *testing.T) {
	t.Parallel()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	rdb := newClient("127.0.0.1:" + itoa(port))
	t.Cleanup(func() { _ = rdb.Close() })
	l, err := New(rdb, 600, WithKey("org"), WithFallback(permissiveLimiter{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(context.Background()); err != nil || !l.Degraded() {
		t.Fatalf("Wait = %v, Degraded = %v; want the fallback in use", err, l.Degraded())
	}
	l.HoldUntil(time.Now().Add(30 * time.Second))
	ctx := waitCtx(t, 2*time.Second)
	if err := l.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Errorf("Wait during the hold = %v (context done: %v), want an immediate context.DeadlineExceeded", err, ctx.Err())
	}
}
