package polar

import (
	"context"
	"fmt"
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
		apiVersion:       DefaultAPIVersion,
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
	cfg.scope = callScope
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

// maxRedirects is how many redirects a request may follow, as in net/http.
const maxRedirects = 10

// checkRedirect is the redirect policy of the default HTTP client: at
// most 10 redirects, none that would carry credentials to another host or
// over plain http, and no Referer (it would carry the previous URL and
// with it a client secret).
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	return guardRedirect(req, via)
}

// guardRedirect refuses a redirect that downgrades https to http or
// changes the host while the request carries credentials (the access
// token, or a client secret in the path), and removes the Referer.
func guardRedirect(req *http.Request, via []*http.Request) error {
	if len(via) == 0 {
		return nil
	}
	first, prev := via[0], via[len(via)-1]
	if carriesCredentials(first) {
		switch {
		case prev.URL.Scheme == "https" && req.URL.Scheme != "https":
			return fmt.Errorf("%w: from https to %s", ErrRedirectRefused, req.URL.Scheme)
		case !strings.EqualFold(req.URL.Host, first.URL.Host):
			return fmt.Errorf("%w: to another host", ErrRedirectRefused)
		}
	}
	if req.Method != prev.Method {
		// net/http follows a 301/302/303 to a POST or PATCH as a GET and
		// would hand back what that GET read as the change's answer. The
		// server may have applied the change before redirecting: the 3xx
		// itself is the answer, and for a POST an ambiguous one. (307 and
		// 308 keep the method; a POST is not resent, its body cannot be
		// rewound.)
		return http.ErrUseLastResponse
	}
	req.Header.Del("Referer")
	return nil
}

// carriesCredentials reports whether req holds the access token or a
// client secret.
func carriesCredentials(req *http.Request) bool {
	return req.Header.Get("Authorization") != "" || strings.Contains(req.URL.Path, "/checkouts/client/")
}

// withRedirectGuard returns a copy of hc (sharing its transport, jar and
// timeout) whose redirects also pass guardRedirect, before hc's own
// policy (or net/http's default of 10 redirects when it has none).
func withRedirectGuard(hc *http.Client) *http.Client {
	cp := *hc
	own := hc.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := guardRedirect(req, via); err != nil {
			return err
		}
		if own != nil {
			return own(req, via)
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return nil
	}
	return &cp
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
