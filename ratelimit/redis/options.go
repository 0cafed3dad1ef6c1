package redislimit

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// Defaults of the options below.
const (
	// DefaultRedisTimeout bounds each Redis command of the limiter.
	DefaultRedisTimeout = 250 * time.Millisecond
	// DefaultReconnectMin is the first wait before Redis is tried again
	// after it failed; the wait doubles up to DefaultReconnectMax.
	DefaultReconnectMin = 100 * time.Millisecond
	// DefaultReconnectMax bounds the wait before Redis is tried again.
	DefaultReconnectMax = 5 * time.Second
)

// Option configures a [Limiter].
type Option func(*config) error

// config is the resolved configuration of a Limiter.
type config struct {
	key          string // already hashed
	prefix       string
	burst        int
	fallback     polar.RateLimiter
	replicas     int
	timeout      time.Duration
	reconnectMin time.Duration
	reconnectMax time.Duration
	logger       *slog.Logger
}

func defaultConfig() config {
	return config{
		prefix:       DefaultPrefix,
		burst:        1,
		replicas:     1,
		timeout:      DefaultRedisTimeout,
		reconnectMin: DefaultReconnectMin,
		reconnectMax: DefaultReconnectMax,
		logger:       slog.New(slog.DiscardHandler),
	}
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("redislimit: "+format+": %w", append(args, polar.ErrInvalidArgument)...)
}

// WithKey names the shared limit after the organization whose token the
// clients use (or any other stable name of the credentials). Only a hash of
// it reaches Redis. Every process sharing the limit must give the same
// value. A [Limiter] needs WithKey or [WithKeyFromToken].
func WithKey(organizationID string) Option {
	return func(c *config) error {
		if strings.TrimSpace(organizationID) == "" {
			return invalid("WithKey: empty key")
		}
		c.key = hashKey(organizationID)
		return nil
	}
}

// WithKeyFromToken names the shared limit after the access token the
// clients use, for when the organization ID is not at hand. Only a hash of
// the token reaches Redis; the token is not kept. A rotated token starts a
// new limit, so prefer [WithKey] where the organization is known.
func WithKeyFromToken(token string) Option {
	token = strings.TrimSpace(token)
	return func(c *config) error {
		if token == "" {
			return invalid("WithKeyFromToken: empty token")
		}
		c.key = hashKey(token)
		return nil
	}
}

// WithPrefix sets what the names of the Redis keys start with
// ([DefaultPrefix] unless set), to keep applications that share a Redis
// apart.
func WithPrefix(prefix string) Option {
	return func(c *config) error {
		if strings.ContainsAny(prefix, " \r\n\t") {
			return invalid("WithPrefix: %q contains white space", prefix)
		}
		c.prefix = prefix
		return nil
	}
}

// WithBurst lets up to n requests go at once after a quiet period (the
// default, 1, spaces every request evenly). Over any stretch of time the
// limit lets through at most n requests more than the rate.
func WithBurst(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return invalid("WithBurst: must be positive, not %d", n)
		}
		c.burst = n
		return nil
	}
}

// WithReplicas tells how many processes share the limit, so that the
// default fallback, used while Redis is unreachable, lets each of them
// send perMinute/n requests per minute (at least 1). The default is 1.
func WithReplicas(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return invalid("WithReplicas: must be positive, not %d", n)
		}
		c.replicas = n
		return nil
	}
}

// WithFallback sets the limiter callers wait for while Redis is
// unreachable, instead of a [polar.LocalRateLimiter] of perMinute/replicas.
// If it implements [polar.RateLimitHolder] it is also held after a 429. A
// limiter whose Wait always returns an error makes the limiter fail closed.
func WithFallback(l polar.RateLimiter) Option {
	return func(c *config) error {
		if l == nil {
			return invalid("WithFallback: nil limiter")
		}
		c.fallback = l
		return nil
	}
}

// WithRedisTimeout bounds each Redis command of the limiter
// ([DefaultRedisTimeout] unless set); one that takes longer counts as Redis
// being unreachable. See the package documentation about
// ContextTimeoutEnabled.
func WithRedisTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return invalid("WithRedisTimeout: must be positive, not %s", d)
		}
		c.timeout = d
		return nil
	}
}

// WithReconnectInterval sets how long the limiter uses its fallback after
// Redis failed before it tries Redis again: first at first, doubling after
// each failed try up to limit ([DefaultReconnectMin], [DefaultReconnectMax]).
func WithReconnectInterval(first, limit time.Duration) Option {
	return func(c *config) error {
		if first <= 0 || limit < first {
			return invalid("WithReconnectInterval: need 0 < first <= limit, not %s and %s", first, limit)
		}
		c.reconnectMin, c.reconnectMax = first, limit
		return nil
	}
}

// WithLogger logs when Redis becomes unreachable (warning) and when it
// answers again (info), once per change, without keys or tokens. The
// default logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return invalid("WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}
