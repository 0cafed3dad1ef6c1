package redislimit

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	polar "github.com/gopolar/checkouts/wrapper"
)

// Limiter is a rate limit shared through Redis by every process that uses
// the same Redis, key and rate. It implements [polar.RateLimiter] and
// [polar.RateLimitHolder]; pass it to polar.WithRateLimiter. It is safe for
// concurrent use and starts no goroutines.
type Limiter struct {
	rdb     redis.UniversalClient
	gcra    *redis_rate.Limiter
	limit   redis_rate.Limit
	rateKey string // redis_rate puts "rate:" in front of it
	holdKey string
	timeout time.Duration
	logger  *slog.Logger

	fallback polar.RateLimiter
	health   *health

	// localHold is the end of the latest hold this process was asked for
	// (Unix nanoseconds): it holds this process's callers even when
	// writing the hold to Redis failed.
	localHold atomic.Int64
}

var (
	_ polar.RateLimiter     = (*Limiter)(nil)
	_ polar.RateLimitHolder = (*Limiter)(nil)
)

// New returns a limiter of perMinute requests per minute shared through
// rdb. It needs [WithKey] or [WithKeyFromToken]; see the package
// documentation for what happens while Redis is unreachable. New sends
// nothing to Redis.
func New(rdb redis.UniversalClient, perMinute int, opts ...Option) (*Limiter, error) {
	if rdb == nil {
		return nil, invalid("New: nil Redis client")
	}
	if c, ok := rdb.(*redis.Client); ok && c == nil {
		return nil, invalid("New: nil Redis client")
	}
	if perMinute <= 0 {
		return nil, invalid("New: the rate must be positive, not %d", perMinute)
	}
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt == nil {
			return nil, invalid("New: nil option")
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.key == "" {
		return nil, invalid("New: no key: use WithKey or WithKeyFromToken")
	}
	if cfg.fallback == nil {
		local, err := polar.NewRateLimiter(max(perMinute/cfg.replicas, 1), cfg.burst)
		if err != nil {
			return nil, fmt.Errorf("redislimit: New: fallback: %w", err)
		}
		cfg.fallback = local
	}
	name := cfg.prefix + cfg.key
	return &Limiter{
		rdb:      rdb,
		gcra:     redis_rate.NewLimiter(rdb),
		limit:    redis_rate.Limit{Rate: perMinute, Period: time.Minute, Burst: cfg.burst},
		rateKey:  name,
		holdKey:  name + ":hold",
		timeout:  cfg.timeout,
		logger:   cfg.logger,
		fallback: cfg.fallback,
		health:   newHealth(cfg.reconnectMin, cfg.reconnectMax),
	}, nil
}

// errWaitPastDeadline is returned when the next free slot comes after the
// context's deadline; it matches context.DeadlineExceeded.
var errWaitPastDeadline = fmt.Errorf("redislimit: the wait for the rate limit would pass the context deadline: %w", context.DeadlineExceeded)

// Wait blocks until the caller may send a request, and takes its slot
// then. It returns ctx.Err() if ctx ends first, and at once an error
// matching context.DeadlineExceeded if the next free slot (or the end of a
// hold) comes after ctx's deadline. While Redis is unreachable it waits for
// the fallback limiter instead.
func (l *Limiter) Wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if d := l.localHoldLeft(); d > 0 {
			if err := sleepUnlessPastDeadline(ctx, d); err != nil {
				return err
			}
			continue
		}
		if !l.health.useRedis(time.Now()) {
			return l.fallback.Wait(ctx)
		}
		wait, err := l.take(ctx)
		if err != nil {
			l.redisFailed(ctx, err)
			return l.fallback.Wait(ctx)
		}
		l.redisAnswered(ctx)
		if wait <= 0 {
			return nil
		}
		if err := sleepUnlessPastDeadline(ctx, wait); err != nil {
			return err
		}
	}
}

// take asks Redis for a slot: it returns 0 when the caller has one, or
// how long to wait before asking again. It takes a slot only when the
// caller may send at once, so a caller that then gives up has nothing to
// give back.
//
// The hold is a key of its own, read before the GCRA, because redis_rate
// has no notion of a hold; a hold set between the two commands lets one
// request through that would have been sent at the same moment anyway.
func (l *Limiter) take(ctx context.Context) (time.Duration, error) {
	opCtx, cancel := l.redisContext(ctx)
	defer cancel()
	hold, err := l.rdb.PTTL(opCtx, l.holdKey).Result()
	if err != nil {
		return 0, err
	}
	if hold > 0 { // -2: no hold, -1 cannot happen (the hold always expires)
		return hold, nil
	}
	res, err := l.gcra.Allow(opCtx, l.rateKey, l.limit)
	if err != nil {
		return 0, err
	}
	if res.Allowed > 0 {
		return 0, nil
	}
	return max(res.RetryAfter, time.Millisecond), nil
}

// redisContext bounds one exchange with Redis. It keeps ctx's values but
// not its cancellation: a command cut off half way would leave unknown
// whether it took a slot, and the exchange is short.
func (l *Limiter) redisContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), l.timeout)
}

func (l *Limiter) redisFailed(ctx context.Context, err error) {
	if l.health.failed(time.Now()) {
		l.logger.LogAttrs(ctx, slog.LevelWarn, "redislimit: Redis unreachable; using the in-process fallback limit",
			slog.String("error", err.Error()))
	}
}

func (l *Limiter) redisAnswered(ctx context.Context) {
	if l.health.succeeded() {
		l.logger.LogAttrs(ctx, slog.LevelInfo, "redislimit: Redis answers again; the limit is shared")
	}
}

// Degraded reports whether the limiter is using its fallback because the
// last try of Redis failed, for health checks and metrics.
func (l *Limiter) Degraded() bool { return l.health.degraded() }

// localHoldLeft is how long the latest hold of this process lasts.
func (l *Limiter) localHoldLeft() time.Duration {
	return time.Until(time.Unix(0, l.localHold.Load()))
}

// sleepUnlessPastDeadline waits for d, or fails at once if d outlasts
// ctx's deadline, or returns ctx.Err() if ctx ends first.
func sleepUnlessPastDeadline(ctx context.Context, d time.Duration) error {
	if dl, ok := ctx.Deadline(); ok && time.Now().Add(d).After(dl) {
		return errWaitPastDeadline
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
