package redislimit

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	polar "github.com/gopolar/checkouts/wrapper"
)

// holdScript sets the hold key to expire ARGV[1] milliseconds from now,
// unless it already lasts longer: a later, shorter Retry-After must not cut
// a longer hold short. The hold is kept as a time to live, not a time of
// day, so the clocks of the processes do not matter.
var holdScript = redis.NewScript(`
if redis.call("PTTL", KEYS[1]) < tonumber(ARGV[1]) then
  redis.call("SET", KEYS[1], "1", "PX", ARGV[1])
  return 1
end
return 0
`)

// HoldUntil makes every caller of every process sharing the key wait until
// t before it may send: polar.Client calls it after a 429 with Retry-After.
// The hold is written to Redis within the Redis timeout; if that fails it
// still holds this process (and the fallback limiter, if it is a
// [polar.RateLimitHolder]). It reports no error: the callers then meet the
// 429 again and the client retries.
func (l *Limiter) HoldUntil(t time.Time) {
	l.raiseLocalHold(t)
	if h, ok := l.fallback.(polar.RateLimitHolder); ok {
		h.HoldUntil(t)
	}
	d := time.Until(t)
	if d <= 0 || !l.health.useRedis(time.Now()) {
		return
	}
	ctx, cancel := l.redisContext(context.Background())
	defer cancel()
	ms := (d + time.Millisecond - 1) / time.Millisecond
	if err := holdScript.Run(ctx, l.rdb, []string{l.holdKey}, int64(ms)).Err(); err != nil {
		l.redisFailed(ctx, err)
		return
	}
	l.redisAnswered(ctx)
}

// raiseLocalHold moves the local hold to t unless it already lasts longer.
func (l *Limiter) raiseLocalHold(t time.Time) {
	until := t.UnixNano()
	for {
		cur := l.localHold.Load()
		if until <= cur || l.localHold.CompareAndSwap(cur, until) {
			return
		}
	}
}
