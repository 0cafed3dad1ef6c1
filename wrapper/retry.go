package polar

import (
	"crypto/tls"
	"errors"
	"math"
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
//     not-found), timeouts, and 408, 429, 500, 502, 503, 504, 520–527.
//   - Create and ClientConfirm (POST): retried only when the request
//     provably never took effect: the connection could not be opened, or
//     the answer was a 429. A 4xx in Polar's own error envelope is a
//     definitive rejection (a typed [*Error], nothing applied). Any other
//     failure is ambiguous: 5xx (503 included, as proxies such as Envoy
//     send it after the request went upstream), Cloudflare's 520–527,
//     HTML or text answers, resets after the request was written,
//     timeouts, and 2xx answers that are cut off, too large or of the
//     wrong shape. Create then returns a [MaybeAppliedError];
//     ClientConfirm reconciles by reading the session (see
//     [CheckoutsService.ClientConfirm]).
//
// The SDK also makes sure Go's http.Transport cannot resend a POST on its
// own (it does so on a reused connection for requests it deems
// idempotent, including any request with an Idempotency-Key or
// X-Idempotency-Key header, which Polar ignores): a POST is sent without
// GetBody, whatever headers or middleware you add.
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
		return func(*config) error { return invalidOption("WithRetryPolicy", "negative value") }
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
			return invalidOption("WithMaxRetries", "negative")
		}
		c.retry.MaxRetries = n
		return nil
	}
}

// WithRetryBudget sets the client-wide retry budget: a bucket of tokens
// from which every retry takes 5 (10 after a timeout); a call that
// succeeds gives back what its retries took, or 1 if it needed none. When it is empty, failures are returned at once instead of
// retried, so an outage does not multiply the load. The default is 500;
// 0 disables the budget. A client option only: a call given it fails.
func WithRetryBudget(tokens int) Option {
	return func(c *config) error {
		if err := c.clientOnly("WithRetryBudget"); err != nil {
			return err
		}
		if tokens < 0 {
			return invalidOption("WithRetryBudget", "negative")
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

// MaxRetryAfterHint caps a Retry-After hint: a value too large to
// represent (or longer than about 31 years) is read as this, "very long",
// never as "absent".
const MaxRetryAfterHint = time.Duration(1e9) * time.Second

// retryAfter reads every Retry-After header of a response and returns the
// longest wait they ask for.
func retryAfter(h http.Header, now time.Time) time.Duration {
	var longest time.Duration
	for _, v := range h.Values("Retry-After") {
		d := parseRetryAfter(v, now)
		if d == 0 && strings.Contains(v, ",") {
			// Proxies fold repeated header lines into one, comma-separated
			// ("5, 120"); an HTTP date has a comma of its own, so the
			// whole value is tried first.
			for _, part := range foldedValues(v) {
				d = max(d, parseRetryAfter(part, now))
			}
		}
		longest = max(longest, d)
	}
	return longest
}

// foldedValues splits a comma-folded header value into its values,
// keeping each HTTP date whole: a part that is a day name ("Sun", or
// "Sunday" in the obsolete RFC 850 form) is the start of a date and is
// joined with the part after it.
func foldedValues(v string) []string {
	parts := strings.Split(v, ",")
	var out []string
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		if isDayName(strings.TrimSpace(p)) && i+1 < len(parts) {
			p += "," + parts[i+1]
			i++
		}
		out = append(out, p)
	}
	return out
}

func isDayName(s string) bool {
	for _, day := range [...]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"} {
		if s == day || s == day[:3] {
			return true
		}
	}
	return false
}

// parseRetryAfter reads one Retry-After value: delay-seconds or an HTTP
// date. Invalid, negative, NaN or past values give 0; values too large
// to represent give MaxRetryAfterHint.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if allDigits(v) { // delay-seconds, RFC 9110: 1*DIGIT, of any length
		secs, err := strconv.ParseUint(v, 10, 64)
		if err != nil || secs >= uint64(MaxRetryAfterHint/time.Second) {
			return MaxRetryAfterHint
		}
		return time.Duration(secs) * time.Second
	}
	// ParseFloat reports a value past float64's range (1e400) as ErrRange
	// with ±Inf: very long, not absent.
	if secs, err := strconv.ParseFloat(v, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		switch {
		case math.IsInf(secs, 1) || secs >= MaxRetryAfterHint.Seconds():
			return MaxRetryAfterHint
		case secs > 0: // false for NaN
			return time.Duration(secs * float64(time.Second))
		}
		return 0
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d, MaxRetryAfterHint)
		}
	}
	return 0
}

// allDigits reports whether s is a non-empty run of ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// failure classifies why an attempt failed, in the order the retry
// decision needs.
type failure int

const (
	// notSent: the request provably never took effect (the dial failed,
	// or the answer was a 429).
	notSent failure = iota
	// ambiguous: Polar may have processed it (reset after sending,
	// timeout, 5xx, 408, a CDN error, an answer that is not Polar's, a
	// success body that could not be read).
	ambiguous
	// final: retrying cannot help, and the request was not applied
	// (Polar's own rejection, TLS, DNS not found).
	final
)

// isCDNStatus reports whether status is one of Cloudflare's origin errors
// (520–527): the CDN got no usable answer from Polar, which may still
// have processed the request.
func isCDNStatus(status int) bool { return status >= 520 && status <= 527 }

// transientStatus reports whether a status says "try again later".
func transientStatus(status int) bool {
	switch status {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return isCDNStatus(status)
}

// classifyStatus says how an error answer fails. A request that must not
// run twice is definitively rejected only by a 429, or by a 4xx in
// Polar's own error envelope; anything else (5xx, CDN and proxy pages,
// bodies that are not Polar's) may come after Polar applied it.
func classifyStatus(apiErr *Error, safe safety) failure {
	status := apiErr.StatusCode
	if safe == unsafePost {
		switch {
		case status == http.StatusTooManyRequests:
			return notSent
		case status >= 400 && status < 500 && status != http.StatusRequestTimeout && apiErr.envelope:
			return final
		}
		return ambiguous
	}
	switch {
	case status == http.StatusTooManyRequests:
		return notSent
	case transientStatus(status):
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
	if errors.Is(err, errBodyTooLarge) || errors.Is(err, ErrRedirectRefused) {
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
