package polar

import (
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says when and how long the client waits before sending a
// failed request again.
//
// What is retried depends on the operation, because money is involved and
// Polar has no idempotency keys:
//
//   - List, Get, ClientGet (GET) and Update, ClientUpdate (PATCH, which sets
//     absolute values): retried on connection errors (except TLS and DNS
//     not-found), timeouts, and 408, 429, 500, 502, 503, 504.
//   - Create and ClientConfirm (POST): retried only when the request
//     provably never took effect: the connection could not be opened, or
//     Polar answered 429 or 503. Any other failure is ambiguous. Create
//     then returns a [MaybeAppliedError]; ClientConfirm reconciles by
//     reading the session (see [CheckoutsService.ClientConfirm]).
//
// Waits grow exponentially from BaseDelay (RateLimitBaseDelay after a 429
// without Retry-After) up to MaxDelay, with jitter. A Retry-After hint up to
// MaxRetryAfter is honoured (the wait is the longer of hint and backoff); a
// longer hint is not waited for: the call returns a [*RateLimitError] at
// once. No wait ever outlasts the caller's context deadline.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt; 0
	// disables retries.
	MaxRetries int
	// BaseDelay is the first backoff (500 ms by default).
	BaseDelay time.Duration
	// RateLimitBaseDelay is the first backoff after a 429 without a usable
	// Retry-After (1 s by default).
	RateLimitBaseDelay time.Duration
	// MaxDelay caps the backoff (8 s by default).
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for (8 s by
	// default).
	MaxRetryAfter time.Duration
	// Backoff, if set, replaces the exponential backoff: it returns the wait
	// before retry number retry (1-based), given the base delay.
	Backoff func(retry int, base time.Duration) time.Duration
}

// DefaultRetryPolicy returns the policy a new client uses: 2 retries,
// backoff from 500 ms (1 s after a 429) to 8 s with jitter, Retry-After
// honoured up to 8 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxRetries:         2,
		BaseDelay:          500 * time.Millisecond,
		RateLimitBaseDelay: time.Second,
		MaxDelay:           8 * time.Second,
		MaxRetryAfter:      8 * time.Second,
	}
}

// WithRetryPolicy replaces the retry policy. Zero durations take their
// default values.
func WithRetryPolicy(p RetryPolicy) Option {
	// Resolve the policy once, here: the option may be applied by many
	// goroutines at once and must not change what it captured.
	if p.MaxRetries < 0 || p.BaseDelay < 0 || p.RateLimitBaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0 {
		return func(*config) error { return errors.New("polar: WithRetryPolicy: negative value") }
	}
	def := DefaultRetryPolicy()
	if p.BaseDelay == 0 {
		p.BaseDelay = def.BaseDelay
	}
	if p.RateLimitBaseDelay == 0 {
		p.RateLimitBaseDelay = def.RateLimitBaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = def.MaxDelay
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = def.MaxRetryAfter
	}
	return func(c *config) error {
		c.retry = p
		return nil
	}
}

// WithMaxRetries sets the number of retries (0 disables them), keeping the
// rest of the policy.
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return errors.New("polar: WithMaxRetries: negative")
		}
		c.retry.MaxRetries = n
		return nil
	}
}

// WithRetryBudget sets the client-wide retry budget: a bucket of tokens
// from which every retry takes 5 (10 after a timeout); a call that
// succeeds gives back what its retries took, or 1 if it needed none. When it is empty, failures are returned at once instead of
// retried, so an outage does not multiply the load. The default is 500;
// 0 disables the budget. A client option only.
func WithRetryBudget(tokens int) Option {
	return func(c *config) error {
		if tokens < 0 {
			return errors.New("polar: WithRetryBudget: negative")
		}
		if tokens == 0 {
			c.budget = nil
			return nil
		}
		c.budget = newRetryBudget(tokens)
		return nil
	}
}

// delay returns the wait before retry number retry (1-based).
func (p *RetryPolicy) delay(retry int, base time.Duration) time.Duration {
	if p.Backoff != nil {
		return p.Backoff(retry, base)
	}
	d := base
	for i := 1; i < retry && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	// Jitter: subtract up to a quarter, so concurrent clients spread out.
	return d - time.Duration(rand.Int64N(int64(d)/4+1))
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP
// date. Invalid, negative or past values give 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if !(secs > 0 && secs <= 1e9) { // also false for NaN
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// failure classifies why an attempt failed, in the order the retry
// decision needs.
type failure int

const (
	// notSent: the request provably never reached Polar (dial failed, or
	// Polar rejected it before processing: 429, 503).
	notSent failure = iota
	// ambiguous: Polar may have processed it (reset after sending, timeout,
	// 408, 500, 502, 504, a success body that could not be read).
	ambiguous
	// final: retrying cannot help (4xx, TLS, DNS not found, oversize body).
	final
)

// classifyStatus says how a non-2xx status fails.
func classifyStatus(status int) failure {
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return notSent
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return ambiguous
	}
	return final
}

// classifyTransport says how a transport error fails. Errors of the
// caller's own context are handled before this is called.
func classifyTransport(err error) failure {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return final
	}
	var certErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	if errors.As(err, &certErr) || errors.As(err, &recordErr) {
		return final
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return notSent
	}
	if errors.Is(err, errBodyTooLarge) {
		return final
	}
	// net/http does not type these; stripe-go matches them the same way.
	if msg := err.Error(); strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "stopped after") {
		return final
	}
	return ambiguous
}

// isTimeout reports whether err is a timeout (it costs more retry budget).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
