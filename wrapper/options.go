package polar

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Option configures a [Client] when passed to [NewClient], or a single call
// when passed to an operation; call options apply on top of the client's.
// An option that cannot apply makes NewClient or the call fail with an
// error matching [ErrInvalidArgument], instead of panicking.
//
// Most options work in both places. These are client options only, and a
// call given one fails with [ErrInvalidArgument] (create another client
// instead): [WithServer], [WithBaseURL], [WithInsecureHTTP] (where the
// credentials go) and [WithRetryBudget] (a budget shared by every call).
// [WithResponseInto] is a call option only.
type Option func(*config) error

// optionScope says where options are being applied.
type optionScope int

const (
	clientScope optionScope = iota // NewClient
	callScope                      // one call
)

// clientOnly refuses an option that only makes sense for a whole client.
func (c *config) clientOnly(name string) error {
	if c.scope == callScope {
		return invalidOption(name, "a client option: pass it to NewClient, not to a call")
	}
	return nil
}

// callOnly refuses an option that only makes sense for one call.
func (c *config) callOnly(name string) error {
	if c.scope == clientScope {
		return invalidOption(name, "a call option: pass it to one call, not to NewClient")
	}
	return nil
}

// Doer sends HTTP requests. *http.Client implements it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Defaults, documented on the options that change them.
const (
	defaultAttemptTimeout   = 30 * time.Second
	defaultMaxResponseBytes = 10 << 20
	defaultRetryBudget      = 500
)

// config is the resolved configuration of a client or of one call.
type config struct {
	scope optionScope

	server       string // base URL with a trailing slash, as the generated builders need
	serverKind   Server // Production, Sandbox, or "" for a custom URL
	insecureHTTP bool

	token       string
	tokenSource func(context.Context) (string, error)

	apiVersion   string // Polar-Version
	organization string // Polar-Organization, "" for none

	doer             Doer
	retry            RetryPolicy
	budget           *retryBudget
	limiter          *limiter
	logger           *slog.Logger
	middleware       []Middleware
	userAgent        string
	header           http.Header
	attemptTimeout   time.Duration
	callTimeout      time.Duration
	maxResponseBytes int64
	responseInto     **http.Response
	sleep            func(context.Context, time.Duration) error
	lookahead        int
}

// clone returns a copy that call options can change without touching the
// client's configuration.
func (c *config) clone() *config {
	cp := *c
	cp.middleware = slices.Clone(c.middleware)
	cp.header = c.header.Clone()
	return &cp
}

// WithAccessToken sets the organization or personal access token sent as
// `Authorization: Bearer` to the operations that need one. Without this
// option the client reads POLAR_ACCESS_TOKEN.
func WithAccessToken(token string) Option {
	token = strings.TrimSpace(token)
	return func(c *config) error {
		if token == "" {
			return &InvalidArgumentError{Op: "WithAccessToken", Arg: "option", Reason: "empty token", Err: ErrNoAccessToken}
		}
		if strings.ContainsAny(token, "\r\n") {
			return invalidOption("WithAccessToken", "token contains a line break")
		}
		c.token, c.tokenSource = token, nil
		return nil
	}
}

// WithTokenSource sets a function that returns the access token for each
// request, for tokens that rotate (OAuth2). It replaces WithAccessToken.
func WithTokenSource(source func(context.Context) (string, error)) Option {
	return func(c *config) error {
		if source == nil {
			return invalidOption("WithTokenSource", "nil source")
		}
		c.tokenSource, c.token = source, ""
		return nil
	}
}

// WithServer selects [Production] (the default) or [Sandbox].
func WithServer(s Server) Option {
	return func(c *config) error {
		if err := c.clientOnly("WithServer"); err != nil {
			return err
		}
		if s != Production && s != Sandbox {
			return invalidOption("WithServer", fmt.Sprintf("unknown server %s (use WithBaseURL for others)", describeInput(string(s))))
		}
		c.server, c.serverKind = string(s)+"/", s
		return nil
	}
}

// WithBaseURL sends requests to another server, such as a [polartest]
// fake or a proxy. Plain http:// is refused unless the host is a loopback
// address or [WithInsecureHTTP] is also given: the access token must not
// travel in clear text by accident.
//
// [polartest]: https://pkg.go.dev/github.com/gopolar/checkouts/polartest
func WithBaseURL(base string) Option {
	return func(c *config) error {
		if err := c.clientOnly("WithBaseURL"); err != nil {
			return err
		}
		u, err := url.Parse(base)
		if err != nil {
			return invalidOption("WithBaseURL", "not a URL")
		}
		if u.Scheme != "https" && u.Scheme != "http" {
			return invalidOption("WithBaseURL", fmt.Sprintf("scheme must be https or http, not %s", describeInput(u.Scheme)))
		}
		if u.Host == "" {
			return invalidOption("WithBaseURL", "no host")
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return invalidOption("WithBaseURL", "credentials, query and fragment are not allowed")
		}
		u.Path = strings.TrimSuffix(u.Path, "/") + "/"
		u.RawPath = ""
		c.server, c.serverKind = u.String(), ""
		return nil
	}
}

// WithInsecureHTTP allows a plain http:// base URL on a non-loopback host.
// Only for servers on a trusted network: the access token is sent in clear.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		if err := c.clientOnly("WithInsecureHTTP"); err != nil {
			return err
		}
		c.insecureHTTP = true
		return nil
	}
}

// WithHTTPClient sends requests through d, typically an *http.Client with
// its own transport, proxy or TLS settings. The default is a fresh
// *http.Client without a global timeout (see [WithAttemptTimeout]).
//
// Redirects never carry credentials to another host or over plain http,
// and never a Referer (it would hold the client secret of the URL): the
// SDK refuses such a redirect with [ErrRedirectRefused]. For an
// *http.Client of yours the SDK uses a copy (same transport, jar and
// timeout) whose CheckRedirect applies that rule before yours. Another
// Doer must apply it itself.
func WithHTTPClient(d Doer) Option {
	if hc, ok := d.(*http.Client); ok && hc != nil {
		d = withRedirectGuard(hc)
	}
	return func(c *config) error {
		if d == nil {
			return invalidOption("WithHTTPClient", "nil client")
		}
		if hc, ok := d.(*http.Client); ok && hc == nil {
			return invalidOption("WithHTTPClient", "nil *http.Client")
		}
		c.doer = d
		return nil
	}
}

// WithLogger logs requests at debug level and retries at warn level to l.
// Bodies, tokens and client secrets are never logged. The default logs
// nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return invalidOption("WithLogger", "nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithMiddleware adds middleware that runs on every attempt, in order,
// client-level middleware before call-level middleware.
func WithMiddleware(m ...Middleware) Option {
	return func(c *config) error {
		for _, mw := range m {
			if mw == nil {
				return invalidOption("WithMiddleware", "nil middleware")
			}
		}
		c.middleware = append(c.middleware, m...)
		return nil
	}
}

// WithAppInfo appends your application's name and version to the
// User-Agent header, so Polar can tell your traffic apart.
func WithAppInfo(name, version string) Option {
	return func(c *config) error {
		if name == "" || strings.ContainsAny(name+version, " /\r\n") {
			return invalidOption("WithAppInfo", fmt.Sprintf("invalid name or version %s/%s", describeInput(name), describeInput(version)))
		}
		token := name
		if version != "" {
			token += "/" + version
		}
		c.userAgent += " " + token
		return nil
	}
}

// WithUserAgent replaces the User-Agent header entirely.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if ua == "" || strings.ContainsAny(ua, "\r\n") {
			return invalidOption("WithUserAgent", "empty or multi-line user agent")
		}
		c.userAgent = ua
		return nil
	}
}

// WithHeader sets an extra request header. It cannot override the
// Authorization header: use WithAccessToken or WithTokenSource.
func WithHeader(key, value string) Option {
	return func(c *config) error {
		if key == "" || strings.ContainsAny(key+value, "\r\n") {
			return invalidOption("WithHeader", fmt.Sprintf("invalid header name %s", describeInput(key)))
		}
		switch http.CanonicalHeaderKey(key) {
		case "Authorization":
			return invalidOption("WithHeader", "set the token with WithAccessToken")
		case "Polar-Version":
			return invalidOption("WithHeader", "set the API version with WithAPIVersion")
		case "Polar-Organization":
			return invalidOption("WithHeader", "set the organization with WithOrganization")
		}
		if c.header == nil {
			c.header = make(http.Header)
		}
		c.header.Set(key, value)
		return nil
	}
}

// WithAttemptTimeout bounds each attempt (a retry gets a fresh timeout).
// The default is 30 seconds; 0 means no per-attempt bound. The caller's
// context always bounds the whole call, retries included.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return invalidOption("WithAttemptTimeout", "negative duration")
		}
		c.attemptTimeout = d
		return nil
	}
}

// WithTimeout bounds a whole call, retries and backoff included. It is in
// addition to the caller's context; 0 (the default) means no extra bound.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return invalidOption("WithTimeout", "negative duration")
		}
		c.callTimeout = d
		return nil
	}
}

// WithMaxResponseBytes caps how much of a response body is read (default
// 10 MiB). A longer body fails the call with [ErrResponseTooLarge].
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return invalidOption("WithMaxResponseBytes", "must be positive")
		}
		c.maxResponseBytes = n
		return nil
	}
}

// WithResponseInto stores the last HTTP response of the call in *dst (its
// body already read and closed), for headers and status. Use it per call.
func WithResponseInto(dst **http.Response) Option {
	return func(c *config) error {
		if err := c.callOnly("WithResponseInto"); err != nil {
			return err
		}
		if dst == nil {
			return invalidOption("WithResponseInto", "nil destination")
		}
		c.responseInto = dst
		return nil
	}
}

// WithRateLimit keeps the client at or below perMinute requests per minute
// (every attempt counts), waiting before a request when needed. It is a
// shortcut for WithRateLimiter with a [LocalRateLimiter] of burst 1. Polar
// allows 500 per minute in production and 100 in the sandbox per
// organization; to share that limit between processes use
// [WithRateLimiter] with a limiter they all reach. Off by default for
// single calls; iterators with look-ahead use a default below Polar's
// limit (see [WithLookahead]).
//
// The limit belongs to the Option value: every client or call it is passed
// to shares it. As a call option of [CheckoutsService.All] or
// [CheckoutsService.Pages] it therefore holds across all the pages of the
// walk.
func WithRateLimit(perMinute int) Option {
	l, err := NewRateLimiter(perMinute, 1)
	if err != nil {
		return func(*config) error {
			return invalidOption("WithRateLimit", "must be positive")
		}
	}
	return WithRateLimiter(l)
}

// WithRateLimiter makes every attempt wait for l before it is sent, and
// holds every caller of l after a 429 with Retry-After (through
// [RateLimitHolder] if l implements it). A caller whose context ends while
// it waits returns with the context's error; l decides whether its slot is
// given back ([LocalRateLimiter] and golang.org/x/time/rate do).
//
// Like WithRateLimit, the limit belongs to the Option value: clients and
// calls given the same Option share its hold.
func WithRateLimiter(l RateLimiter) Option {
	if l == nil {
		return func(*config) error { return errNilRateLimiter }
	}
	shared := newLimiter(l)
	return func(c *config) error {
		c.limiter = shared
		return nil
	}
}

// WithLookahead makes [CheckoutsService.All] and [CheckoutsService.Pages]
// fetch up to pages pages ahead while the caller consumes the current one.
// Requests stay under the client's [WithRateLimit], or 400 per minute
// (80 on the sandbox) when none is set. 0 (the default) fetches one page
// at a time.
func WithLookahead(pages int) Option {
	return func(c *config) error {
		if pages < 0 || pages > 32 {
			return invalidOption("WithLookahead", "between 0 and 32 pages")
		}
		c.lookahead = pages
		return nil
	}
}

// WithSleep replaces how the client waits between attempts, for tests
// that must not sleep. sleep must return ctx.Err() if ctx ends first.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *config) error {
		if sleep == nil {
			return invalidOption("WithSleep", "nil function")
		}
		c.sleep = sleep
		return nil
	}
}

// invalidOption is the error of an option that cannot apply: an
// [*InvalidArgumentError], matching [ErrInvalidArgument].
func invalidOption(name, reason string) error {
	return &InvalidArgumentError{Op: name, Arg: "option", Reason: reason}
}

// apply applies opts in order (nil ones are skipped), then checks the
// result.
func (c *config) apply(opts []Option) error {
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return err
		}
	}
	return c.validate()
}

// validate checks the combination of options once all are applied.
func (c *config) validate() error {
	u, err := url.Parse(c.server)
	if err != nil {
		return invalidOption("WithBaseURL", "not a URL")
	}
	if u.Scheme == "http" && !c.insecureHTTP && !isLoopback(u.Hostname()) {
		return invalidOption("WithBaseURL", "refusing plain http:// to "+u.Host+": credentials would travel in clear text; use https, a loopback host, or WithInsecureHTTP")
	}
	return nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
