// Package redislimit shares one Polar rate limit between processes through
// Redis.
//
// Polar counts requests per organization (or customer, or OAuth2 client),
// not per process: 500 per minute in production, 100 in the sandbox. Three
// replicas that each use polar.WithRateLimit(500) can send 1500 per minute
// between them and meet 429s. A [Limiter] keeps the count in Redis, so every
// process that uses the same Redis and the same key shares one limit:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379", ContextTimeoutEnabled: true})
//	lim, err := redislimit.New(rdb, 500, redislimit.WithKey(organizationID), redislimit.WithReplicas(3))
//	client, err := polar.NewClient(polar.WithAccessToken(token), polar.WithRateLimiter(lim))
//
// # Installing
//
// It is a module of its own, so that Redis never reaches the build of a
// program that only uses the SDK:
//
//	go get github.com/gopolar/checkouts/ratelimit/redis
//
// # How it limits
//
// The limit is a GCRA (generic cell rate algorithm) in Redis, computed by
// github.com/go-redis/redis_rate on Redis's clock, so the clocks of the
// processes do not matter. perMinute requests are spread evenly over the
// minute; [WithBurst] lets up to that many go at once after a quiet
// period. A caller takes its slot only when it may send at once: while it
// waits it holds nothing, so a caller that gives up (its context ends)
// costs the others nothing, and a caller whose deadline comes before the
// next free slot fails at once with an error that matches
// context.DeadlineExceeded.
//
// After a 429 with Retry-After the SDK calls [Limiter.HoldUntil]: the hold
// is written to Redis, and every process sharing the key waits until it
// ends.
//
// # Keys
//
// The Redis keys are named by a hash (SHA-256, the first 16 bytes in hex)
// of the organization ID given to [WithKey] or of the access token given
// to [WithKeyFromToken]: the token itself is never stored, sent to Redis or
// logged. Every process must use the same key option with the same value
// and the same perMinute and burst.
//
// # When Redis is unreachable
//
// The limiter fails open: while Redis does not answer within the timeout
// of [WithRedisTimeout], each caller waits for an in-process fallback
// limiter instead, by default perMinute/replicas requests per minute (see
// [WithReplicas]), so that the replicas together stay near the shared
// limit; Polar still enforces its own limit and the SDK retries 429s. A
// Redis outage therefore slows nothing down and fails no payment; it only
// makes the limit approximate. Redis is tried again after a short interval
// that doubles up to a bound (see [WithReconnectInterval]), by one caller
// at a time; when it answers, the limit is shared again. To fail closed
// instead, pass [WithFallback] a limiter whose Wait returns an error.
//
// The limiter starts no goroutines and holds no resources of its own; close
// the Redis client when done. Give the client ContextTimeoutEnabled (or a
// short ReadTimeout): without it go-redis ignores the context's deadline
// when it reads, and a Redis that accepts connections but does not answer
// holds each caller for the client's ReadTimeout instead of the limiter's.
package redislimit
