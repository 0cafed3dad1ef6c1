// Package faults checks the SDK's retry and money-safety rules against the
// polartest fake server: every operation under every fault (matrix_test.go,
// which also writes OUTCOMES.md), that creates and confirmations are
// applied exactly as often as the caller is told (money_test.go), and that
// cancellation and deadlines cut retries short (context_test.go).
package faults

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// The secrets that must never show in an error message: the server's
// access token (every test client sends it) and the client secret of the
// checkout at hand.
const accessToken = polartest.Token

// rig is one fake server and a plain client for setting up state. Every
// test builds its own, so stats and queued faults never mix.
type rig struct {
	t     *testing.T
	srv   *polartest.Server
	h     *polartest.Handler
	setup *polar.Client

	closeOnce sync.Once
}

func newRig(t *testing.T, opts ...polartest.Option) *rig {
	t.Helper()
	srv := polartest.NewServer(opts...)
	r := &rig{t: t, srv: srv, h: srv.Handler()}
	t.Cleanup(r.close)
	c, err := srv.Client(polar.WithSleep(noSleep))
	if err != nil {
		t.Fatalf("setup client: %v", err)
	}
	r.setup = c
	return r
}

// close shuts the server down and waits for every handler to finish, so
// that Stats is final (a delayed handler has either applied or given up).
func (r *rig) close() { r.closeOnce.Do(r.srv.Close) }

// checkout creates a one-time ($25) checkout through the setup client.
func (r *rig) checkout() *polar.Checkout {
	r.t.Helper()
	return r.checkoutFor("setup")
}

// checkoutFor creates a one-time checkout for an external customer ID.
// Each checkout to be confirmed in a rig needs its own ID: the fake
// cannot confirm a second checkout of a customer it knows (see
// TestFakeReturningCustomerCannotConfirm).
func (r *rig) checkoutFor(external string) *polar.Checkout {
	r.t.Helper()
	co, err := r.setup.Checkouts.Create(context.Background(), createBody(external))
	if err != nil {
		r.t.Fatalf("setup create: %v", err)
	}
	return co
}

// noSleep is a WithSleep that does not wait.
func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// createBody is the body of every create: the one-time product.
func createBody(external string) *polar.CheckoutCreate {
	return &polar.CheckoutCreate{
		Products:           []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)},
		ExternalCustomerID: polar.Value(external),
	}
}

// payer is a confirmation that pays: email, name, billing country and the
// fake's success token (see polartest/confirm.go for what a paid checkout
// needs).
func payer(token string) *polar.CheckoutConfirmStripe {
	return &polar.CheckoutConfirmStripe{
		CustomerEmail:          polar.Value[polar.Email]("jane@example.com"),
		CustomerName:           polar.Value("Jane Doe"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR"}),
		ConfirmationTokenID:    polar.Value(token),
	}
}

// probe records what a client did: attempts per operation (through a
// middleware, so also those that never reached the server), the waits
// between attempts (through WithSleep, without sleeping) and its dials.
type probe struct {
	mu      sync.Mutex
	sent    map[polartest.Op]int
	waits   []time.Duration
	dials   int
	refused int
	before  func(op polartest.Op, n int) // optional hook, called before an attempt is sent
}

func newProbe() *probe { return &probe{sent: make(map[polartest.Op]int)} }

func (p *probe) middleware(req *http.Request, next polar.MiddlewareNext) (*http.Response, error) {
	op := opOf(req)
	p.mu.Lock()
	p.sent[op]++
	n := p.sent[op]
	hook := p.before
	p.mu.Unlock()
	if hook != nil {
		hook(op, n)
	}
	return next(req)
}

func (p *probe) sleep(ctx context.Context, d time.Duration) error {
	p.mu.Lock()
	p.waits = append(p.waits, d)
	p.mu.Unlock()
	return ctx.Err()
}

func (p *probe) attempts(op polartest.Op) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent[op]
}

func (p *probe) recordedWaits() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Duration(nil), p.waits...)
}

func (p *probe) refusedDials() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refused
}

// opOf names the operation of a request by its method and path.
func opOf(req *http.Request) polartest.Op {
	path := strings.TrimPrefix(req.URL.Path, "/v1/checkouts/")
	segs := strings.Split(path, "/")
	switch {
	case path == "" && req.Method == http.MethodGet:
		return polartest.OpList
	case path == "":
		return polartest.OpCreate
	case segs[0] == "client" && len(segs) == 3:
		return polartest.OpClientConfirm
	case segs[0] == "client" && req.Method == http.MethodGet:
		return polartest.OpClientGet
	case segs[0] == "client":
		return polartest.OpClientUpdate
	case req.Method == http.MethodGet:
		return polartest.OpGet
	}
	return polartest.OpUpdate
}

// refuseMode says which dials of a transport go to a closed port.
type refuseMode int

const (
	refuseNone  refuseMode = iota
	refuseFirst            // the first dial is refused, later ones connect
	refuseAll              // the server is down: every dial is refused
)

// transport returns a transport without keep-alive, so that every attempt
// has its own connection: net/http then never resends a request on its
// own (it does so only on a reused connection), and the server's request
// counts are exactly the SDK's attempts. Its dials are counted in p and
// refused as mode says.
func transport(t *testing.T, p *probe, mode refuseMode) *http.Transport {
	t.Helper()
	return newTransport(t, p, mode, false)
}

// newTransport is transport, with keep-alive if asked: connections are
// then reused as in production, and net/http may resend a GET that fails
// on a reused connection on its own.
func newTransport(t *testing.T, p *probe, mode refuseMode, keepAlive bool) *http.Transport {
	t.Helper()
	var closed string
	if mode != refuseNone {
		closed = closedAddr(t)
	}
	var d net.Dialer
	tr := &http.Transport{
		DisableKeepAlives: !keepAlive,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			p.mu.Lock()
			p.dials++
			refuse := mode == refuseAll || (mode == refuseFirst && p.dials == 1)
			if refuse {
				p.refused++
			}
			p.mu.Unlock()
			if refuse {
				return d.DialContext(ctx, network, closed)
			}
			return d.DialContext(ctx, network, addr)
		},
	}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// client returns a client of r's server that records into p and sends
// through tr; opts come last.
func (r *rig) client(p *probe, tr http.RoundTripper, opts ...polar.Option) *polar.Client {
	r.t.Helper()
	all := append([]polar.Option{
		polar.WithBaseURL(r.srv.URL),
		polar.WithAccessToken(accessToken),
		polar.WithHTTPClient(&http.Client{Transport: tr}),
		polar.WithSleep(p.sleep),
		polar.WithMiddleware(p.middleware),
	}, opts...)
	c, err := polar.NewClient(all...)
	if err != nil {
		r.t.Fatalf("NewClient: %v", err)
	}
	return c
}

// opSpec is one of the seven operations, called on a checkout made by the
// setup client.
type opSpec struct {
	name    string
	op      polartest.Op
	mutates bool // counted in Stats().Applied
	call    func(ctx context.Context, c *polar.Client, co *polar.Checkout) (status string, err error)
}

// ops are the seven operations, in the order of the OpenAPI document.
var ops = []opSpec{
	{"list", polartest.OpList, false, func(ctx context.Context, c *polar.Client, co *polar.Checkout) (string, error) {
		p, err := c.Checkouts.List(ctx, nil)
		if err != nil {
			return "", err
		}
		if len(p.Items) == 0 {
			return "empty", nil
		}
		return string(p.Items[0].Status), nil
	}},
	{"create", polartest.OpCreate, true, func(ctx context.Context, c *polar.Client, co *polar.Checkout) (string, error) {
		got, err := c.Checkouts.Create(ctx, createBody("cell"))
		if err != nil {
			return "", err
		}
		return string(got.Status), nil
	}},
	{"get", polartest.OpGet, false, func(ctx context.Context, c *polar.Client, co *polar.Checkout) (string, error) {
		got, err := c.Checkouts.Get(ctx, co.ID)
		if err != nil {
			return "", err
		}
		return string(got.Status), nil
	}},
	{"update", polartest.OpUpdate, true, func(ctx context.Context, c *polar.Client, co *polar.Checkout) (string, error) {
		got, err := c.Checkouts.Update(ctx, co.ID, &polar.CheckoutUpdate{
			CustomerName: polar.Value("Ada Lovelace"),
			Metadata:     &polar.MetadataInput{"order": "A-1"},
		})
		if err != nil {
			return "", err
		}
		if n, _ := got.CustomerName.Get(); n != "Ada Lovelace" {
			return "update not reflected", nil
		}
		return string(got.Status), nil
	}},
	{"clientGet", polartest.OpClientGet, false, func(ctx context.Context, c *polar.Client, co *polar.Checkout) (string, error) {
		got, err := c.Checkouts.ClientGet(ctx, co.ClientSecret)
		if err != nil {
			return "", err
		}
		return string(got.Status), nil
	}},
	{"clientUpdate", polartest.OpClientUpdate, true, func(ctx context.Context, c *polar.Client, co *polar.Checkout) (string, error) {
		got, err := c.Checkouts.ClientUpdate(ctx, co.ClientSecret, &polar.CheckoutUpdatePublic{
			CustomerName:           polar.Value("Grace Hopper"),
			CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR"}),
		})
		if err != nil {
			return "", err
		}
		if n, _ := got.CustomerName.Get(); n != "Grace Hopper" {
			return "update not reflected", nil
		}
		return string(got.Status), nil
	}},
	{"clientConfirm", polartest.OpClientConfirm, true, func(ctx context.Context, c *polar.Client, co *polar.Checkout) (string, error) {
		got, err := c.Checkouts.ClientConfirm(ctx, co.ClientSecret, payer(polartest.TokenSuccess))
		if err != nil {
			return "", err
		}
		return string(got.Status), nil
	}},
}

// wantStatus is the status a successful call must return.
func wantStatus(op polartest.Op) []string {
	switch op {
	case polartest.OpClientConfirm:
		// Read back after a lost answer, the payment may have settled.
		return []string{"confirmed", "succeeded"}
	}
	return []string{"open"}
}

// leaks reports the secrets s contains.
func leaks(s string, secrets ...string) []string {
	var out []string
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			out = append(out, sec)
		}
	}
	return out
}
