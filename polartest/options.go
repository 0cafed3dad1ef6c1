package polartest

import (
	"fmt"
	"time"
)

// Token is the bearer token a [Handler] accepts on the token operations
// unless [WithToken] or [WithAnyToken] says otherwise.
const Token = "polar_oat_polartest"

// Defaults of the options below.
const (
	// DefaultExpiry is how long a new checkout session stays open, as on
	// Polar.
	DefaultExpiry = time.Hour
	// DefaultTaxRate is the tax rate in basis points applied once a billing
	// country is known: 0, so total_amount equals net_amount unless a test
	// asks for tax with [WithTaxRate].
	DefaultTaxRate = 0
)

// Option configures a [Handler] or [Server].
type Option func(*config)

// config is the resolved configuration of a Handler.
type config struct {
	token        string
	anyToken     bool
	clock        func() time.Time
	seeded       bool
	seed         int64
	products     []Product
	discounts    []Discount
	confirmDelay time.Duration
	rateLimit    bool
	taxRate      int
	expiry       time.Duration
	baseURL      string
	perMinute    int           // WithRateLimit; 0: off
	webhook      webhookConfig // webhook_options.go
}

func defaultConfig() config {
	return config{
		token:   Token,
		clock:   time.Now,
		taxRate: DefaultTaxRate,
		expiry:  DefaultExpiry,
		webhook: webhookConfig{
			delays:  append([]time.Duration{}, DefaultWebhookRetryDelays...),
			timeout: DefaultWebhookTimeout,
		},
	}
}

// WithToken sets the bearer token the token operations (list, create, get,
// update) require. Any other bearer token, on any route, is answered with
// 401 invalid_token, as Polar does. It panics on an empty token.
func WithToken(token string) Option {
	if token == "" {
		panic("polartest: WithToken: empty token")
	}
	return func(c *config) { c.token, c.anyToken = token, false }
}

// WithAnyToken accepts any non-empty bearer token. A request without one
// is still answered with 401 Unauthorized on the token operations.
func WithAnyToken() Option {
	return func(c *config) { c.anyToken = true }
}

// WithClock makes the server read the time from now instead of time.Now:
// created_at, expires_at, expiry, confirmation delays and the confirm rate
// limit all follow it. [Clock] is a ready-made settable clock.
func WithClock(now func() time.Time) Option {
	if now == nil {
		panic("polartest: WithClock: nil function")
	}
	return func(c *config) { c.clock = now }
}

// WithDeterministicIDs draws checkout IDs, client secrets, customer IDs and
// customer session tokens from a pseudo-random source seeded with seed, so
// that the same sequence of requests yields the same values: for golden
// files. [Handler.Reset] restarts the sequence. The default is
// crypto/rand.
func WithDeterministicIDs(seed int64) Option {
	return func(c *config) { c.seeded, c.seed = true, seed }
}

// WithProducts adds products to the catalogue, next to the fixtures (see
// [Fixtures]). A product with the ID of a fixture replaces it. It panics on
// a product that cannot be valid (no ID, no name, a seat-based price
// without tiers, ...): that is a bug in the test, not input.
func WithProducts(products ...Product) Option {
	for _, p := range products {
		if err := p.validate(); err != nil {
			panic("polartest: WithProducts: " + err.Error())
		}
	}
	return func(c *config) { c.products = append(c.products, products...) }
}

// WithDiscounts adds discounts next to the fixtures (see [Fixtures]). A
// discount with the ID of a fixture replaces it. It panics on a discount
// that cannot be valid.
func WithDiscounts(discounts ...Discount) Option {
	for _, d := range discounts {
		if err := d.validate(); err != nil {
			panic("polartest: WithDiscounts: " + err.Error())
		}
	}
	return func(c *config) { c.discounts = append(c.discounts, discounts...) }
}

// WithConfirmDelay sets how long a confirmed checkout stays confirmed
// before it succeeds, measured on the server's clock. The default, 0,
// makes it succeed right after the confirm response: the next read shows
// succeeded.
func WithConfirmDelay(d time.Duration) Option {
	if d < 0 {
		panic("polartest: WithConfirmDelay: negative duration")
	}
	return func(c *config) { c.confirmDelay = d }
}

// WithConfirmRateLimit enforces Polar's limit on confirmations: 6 per
// minute and 20 per hour per client IP address. A request over the minute
// limit gets 429 with an empty body and Retry-After in seconds; passing
// the hourly limit blocks the address for 1800 seconds. Off by default.
func WithConfirmRateLimit() Option {
	return func(c *config) { c.rateLimit = true }
}

// WithTaxRate sets the tax rate in basis points (2000 is 20%), applied on
// net_amount once the checkout has a billing address; tax_amount is null
// before that, and 0 when nothing is charged. The default is
// [DefaultTaxRate]. It panics outside 0..10000.
func WithTaxRate(basisPoints int) Option {
	if basisPoints < 0 || basisPoints > 10000 {
		panic(fmt.Sprintf("polartest: WithTaxRate: %d basis points is outside 0..10000", basisPoints))
	}
	return func(c *config) { c.taxRate = basisPoints }
}

// WithExpiry sets how long a new checkout stays open (default
// [DefaultExpiry]). It panics on a duration that is not positive.
func WithExpiry(d time.Duration) Option {
	if d <= 0 {
		panic("polartest: WithExpiry: duration must be positive")
	}
	return func(c *config) { c.expiry = d }
}

// WithBaseURL sets the origin used in the url and default success_url of
// checkouts, such as "https://polar.test". By default it is the origin the
// request was sent to ([NewServer] sets its own URL). Set it for golden
// files, whose content must not depend on a random port.
func WithBaseURL(origin string) Option {
	return func(c *config) { c.baseURL = trimSlash(origin) }
}

// trimSlash removes trailing slashes.
func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
