package polar

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Client talks to the Polar API. It is safe for concurrent use; create one
// and share it.
type Client struct {
	cfg *config

	pagingOnce    sync.Once
	pagingLimiter *limiter

	// Checkouts holds the seven checkout-session operations.
	Checkouts *CheckoutsService
}

// NewClient returns a client for Polar production, configured by opts.
// Without [WithAccessToken] or [WithTokenSource] it reads the token from
// the POLAR_ACCESS_TOKEN environment variable; operations that need a
// token then fail with [ErrNoAccessToken] before sending anything.
//
// Defaults: 2 retries with exponential backoff (safe for payments: see
// [RetryPolicy]), a retry budget of 500 tokens, 30 s per attempt, 10 MiB
// response cap, no logging.
func NewClient(opts ...Option) (*Client, error) {
	cfg := &config{
		server:           string(Production) + "/",
		serverKind:       Production,
		token:            strings.TrimSpace(os.Getenv("POLAR_ACCESS_TOKEN")),
		doer:             &http.Client{Transport: newTransport(), CheckRedirect: checkRedirect},
		retry:            DefaultRetryPolicy(),
		budget:           newRetryBudget(defaultRetryBudget),
		logger:           discardLogger,
		userAgent:        defaultUserAgent,
		attemptTimeout:   defaultAttemptTimeout,
		maxResponseBytes: defaultMaxResponseBytes,
		sleep:            sleepContext,
	}
	if err := cfg.apply(opts); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg}
	c.Checkouts = &CheckoutsService{client: c}
	return c, nil
}

// callConfig applies call options on top of the client's configuration.
// Without options it returns the client's configuration itself (no copy).
func (c *Client) callConfig(opts []Option) (*config, error) {
	if len(opts) == 0 {
		return c.cfg, nil
	}
	cfg := c.cfg.clone()
	if err := cfg.apply(opts); err != nil {
		return nil, err
	}
	return cfg, nil
}

// BaseURL returns the server the client sends requests to.
func (c *Client) BaseURL() string { return strings.TrimSuffix(c.cfg.server, "/") }

// newTransport returns a transport of the client's own, with the defaults
// of http.DefaultTransport: sharing the global one would let any code that
// closes its idle connections (httptest.Server.Close does) break requests
// of this client in flight.
func newTransport() http.RoundTripper {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return http.DefaultTransport
}

// checkRedirect is the redirect policy of the default HTTP client: Go's
// (at most 10 redirects, Authorization dropped on another host), and no
// Referer, which would carry the previous URL and with it a client secret.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	req.Header.Del("Referer")
	return nil
}

// discardLogger is the default: it drops every record without formatting it.
var discardLogger = slog.New(slog.DiscardHandler)

// sleepContext waits for d or until ctx ends, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
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
