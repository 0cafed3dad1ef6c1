package polartest

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// Defaults of the webhook options.
var (
	// DefaultWebhookRetryDelays are the waits before each retry of a
	// delivery that failed: ten attempts in all, with exponential backoff
	// as on Polar (whose delays grow to about 20 minutes; these stop at 4
	// minutes, a fake being used for minutes, not days).
	DefaultWebhookRetryDelays = []time.Duration{
		time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second,
		16 * time.Second, 32 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute,
	}
)

const (
	// DefaultWebhookTimeout is how long one delivery attempt may take
	// before it counts as failed, as on Polar.
	DefaultWebhookTimeout = 10 * time.Second
	// SweepInterval is how often, in real time, a Handler with webhooks
	// applies the transitions that time makes (see [Handler.Sweep]).
	SweepInterval = 100 * time.Millisecond
)

// webhookConfig is the resolved webhook configuration; endpoint or
// handler is set when webhooks are on.
type webhookConfig struct {
	endpoint   string
	handler    http.Handler
	secret     string
	delays     []time.Duration
	timeout    time.Duration
	apiVersion string
	httpClient *http.Client
	logger     *slog.Logger
}

func (w *webhookConfig) enabled() bool { return w.endpoint != "" || w.handler != nil }

// WithWebhook makes the server deliver signed checkout events to
// endpoint, an http or https URL, as Polar does: checkout.created on
// create, checkout.updated on every later change (update, client update,
// confirm → confirmed → succeeded, [Handler.SetStatus]) and
// checkout.expired when a checkout expires. Each delivery is a POST of
// {"type","timestamp","data"} with data the checkout as the token
// operations show it, and the headers webhook-id, webhook-timestamp and
// webhook-signature of the Standard Webhooks scheme, signed with secret:
// for a "whsec_<base64>" secret the key is the decoded base64, for any
// other the bytes of the string, as Polar signs. The timestamp is read
// from the server's clock ([WithClock]): give your verifier the same
// clock when it is not the real one.
//
// A delivery answered with anything but 2xx, or not answered within
// [DefaultWebhookTimeout] ([WithWebhookTimeout]), is retried after each
// of [DefaultWebhookRetryDelays] ([WithWebhookRetryDelays]) with the same
// webhook-id. Deliveries run in the background, in the order of the
// changes, and never hold up an API response; see [Handler.Deliveries],
// [Handler.WaitWebhooks] and [Handler.InjectWebhookFault]. A Handler with
// webhooks runs goroutines: [Handler.Close] (or [Server.Close]) stops
// them.
//
// It panics on an empty secret or an endpoint that is not an absolute
// http or https URL: a bug in the test, not input.
func WithWebhook(endpoint, secret string) Option {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		panic("polartest: WithWebhook: the endpoint must be an absolute http or https URL")
	}
	checkWebhookSecret("WithWebhook", secret)
	return func(c *config) {
		c.webhook.endpoint, c.webhook.handler, c.webhook.secret = endpoint, nil, secret
	}
}

// WithWebhookHandler is [WithWebhook] delivering to an in-process handler
// instead of a URL: each attempt calls h.ServeHTTP with a request to
// http://polartest.webhook/ and reads the status it writes. A handler
// that panics fails the attempt. The request's context ends at the
// attempt's timeout and at [Handler.Close]; a handler that ignores it is
// not waited for, and its goroutine lives until it returns. It panics on
// a nil handler or an empty secret.
func WithWebhookHandler(h http.Handler, secret string) Option {
	if h == nil {
		panic("polartest: WithWebhookHandler: nil handler")
	}
	checkWebhookSecret("WithWebhookHandler", secret)
	return func(c *config) {
		c.webhook.endpoint, c.webhook.handler, c.webhook.secret = "", h, secret
	}
}

// WithWebhookRetryDelays sets the waits before each retry of a failed
// delivery: len(delays) retries, so none without arguments. Tests use
// short ones, such as 10*time.Millisecond. It panics on a negative delay.
func WithWebhookRetryDelays(delays ...time.Duration) Option {
	for _, d := range delays {
		if d < 0 {
			panic("polartest: WithWebhookRetryDelays: negative delay")
		}
	}
	delays = append([]time.Duration{}, delays...)
	return func(c *config) { c.webhook.delays = delays }
}

// WithWebhookTimeout sets how long one delivery attempt may take (default
// [DefaultWebhookTimeout]). It panics on a duration that is not positive.
func WithWebhookTimeout(d time.Duration) Option {
	if d <= 0 {
		panic("polartest: WithWebhookTimeout: duration must be positive")
	}
	return func(c *config) { c.webhook.timeout = d }
}

// WithWebhookAPIVersion sets the API version of the webhook payloads, as
// a Polar webhook endpoint has one. Payloads of 2026-10 and later carry
// it as "api_version"; those of 2026-04, the default, carry none, as on
// Polar. It panics on a version the server does not accept.
func WithWebhookAPIVersion(version string) Option {
	if _, ok := apiVersion(version); !ok || version == "" {
		panic("polartest: WithWebhookAPIVersion: unknown version " + version)
	}
	return func(c *config) { c.webhook.apiVersion = version }
}

// WithWebhookHTTPClient sets the client that delivers to a [WithWebhook]
// URL, e.g. one trusting a test server's certificate. By default it is a
// client of its own that follows no redirects, as Polar's does not.
func WithWebhookHTTPClient(hc *http.Client) Option {
	if hc == nil {
		panic("polartest: WithWebhookHTTPClient: nil client")
	}
	return func(c *config) { c.webhook.httpClient = hc }
}

// WithWebhookLogger logs each delivery attempt to l: at Info when it
// succeeded, at Warn when it failed, with the webhook-id, event type,
// checkout ID, attempt number, status and error. Headers and secrets are
// never logged. Off by default.
func WithWebhookLogger(l *slog.Logger) Option {
	return func(c *config) { c.webhook.logger = l }
}

// checkWebhookSecret panics on an empty secret; the message never shows
// the secret.
func checkWebhookSecret(option, secret string) {
	if secret == "" {
		panic("polartest: " + option + ": empty secret")
	}
}
