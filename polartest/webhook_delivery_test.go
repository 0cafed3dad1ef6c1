package polartest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/polartest"
	"github.com/gopolar/checkouts/webhook"
	polar "github.com/gopolar/checkouts/wrapper"
)

// The secrets of the two key schemes.
const (
	hookSecretB64 = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" // decoded base64 is the key
	hookSecretRaw = "polar_whs_legacy-raw-secret"            // the bytes of the string are the key
)

// seen is one event a receiver verified.
type seen struct {
	id, typ string
	status  client.CheckoutStatus
	co      string
}

// receiver is a webhook endpoint built from package webhook: it verifies
// with the server's clock and records what it accepted. answer, if set,
// chooses the status of each delivery before it is verified.
type receiver struct {
	mu     sync.Mutex
	events []seen
	answer func(n int) int // n counts requests from 1; 0 means verify
	calls  int
	http.Handler
}

func newReceiver(t *testing.T, clock *polartest.Clock, secret string) *receiver {
	t.Helper()
	v, err := webhook.NewVerifier([]string{secret}, webhook.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{}
	vh, err := webhook.NewHandler(v, func(_ context.Context, ev webhook.Event) error {
		co, ok := webhook.CheckoutOf(ev)
		if !ok {
			return errors.New("not a checkout event")
		}
		r.mu.Lock()
		r.events = append(r.events, seen{ev.Meta().ID, ev.Meta().Type, co.Status, co.ID.String()})
		r.mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r.Handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.calls++
		n := r.calls
		r.mu.Unlock()
		if r.answer != nil {
			if code := r.answer(n); code != 0 {
				w.WriteHeader(code)
				return
			}
		}
		vh.ServeHTTP(w, req)
	})
	return r
}

func (r *receiver) seen() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// hookEnv is a server delivering to a receiver.
type hookEnv struct {
	*env
	rcv *receiver
	c   *polar.Client
}

func newHookEnv(t *testing.T, answer func(int) int, opts ...polartest.Option) *hookEnv {
	t.Helper()
	clock := polartest.NewClock(t0)
	rcv := newReceiver(t, clock, hookSecretB64)
	rcv.answer = answer
	base := []polartest.Option{
		polartest.WithClock(clock.Now),
		polartest.WithWebhookHandler(rcv, hookSecretB64),
		polartest.WithWebhookRetryDelays(time.Millisecond, 2*time.Millisecond, 4*time.Millisecond),
	}
	srv := polartest.NewServer(append(base, opts...)...)
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	return &hookEnv{env: &env{t: t, srv: srv, h: srv.Handler(), clock: clock}, rcv: rcv, c: c}
}

func (e *hookEnv) wait() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.h.WaitWebhooks(ctx); err != nil {
		e.t.Fatalf("WaitWebhooks: %v; deliveries %+v", err, e.h.Deliveries())
	}
}

// create makes a paid-product checkout.
func (e *hookEnv) create() *polar.Checkout {
	e.t.Helper()
	co, err := e.c.Checkouts.Create(context.Background(), &polar.CheckoutCreate{
		Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return co
}

// pay fills in and confirms co with token.
func (e *hookEnv) pay(co *polar.Checkout, token string) error {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.c.Checkouts.ClientUpdate(ctx, co.ClientSecret, &polar.CheckoutUpdatePublic{
		CustomerEmail:          polar.Value[polar.Email]("ada@example.com"),
		CustomerName:           polar.Value("Ada"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "NL"}),
	}); err != nil {
		e.t.Fatal(err)
	}
	_, err := e.c.Checkouts.ClientConfirm(ctx, co.ClientSecret, &polar.CheckoutConfirmStripe{ConfirmationTokenID: polar.Value(token)})
	return err
}

func kinds(events []seen) []string {
	out := make([]string, len(events))
	for i, ev := range events {
		out[i] = ev.typ + ":" + string(ev.status)
	}
	return out
}

// TestWebhookLifecycle follows two checkouts through every event: one is
// paid, the other expires on the fake clock without any request.
func TestWebhookLifecycle(t *testing.T) {
	t.Parallel()
	e := newHookEnv(t, nil, polartest.WithConfirmDelay(time.Minute))
	co := e.create()
	if _, err := e.c.Checkouts.Update(context.Background(), co.ID, &polar.CheckoutUpdate{Metadata: &polar.MetadataInput{"order": "A-1"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.pay(co, polartest.TokenSuccess); err != nil {
		t.Fatal(err)
	}
	e.wait()
	e.clock.Advance(time.Minute) // the payment settles: no request needed
	e.wait()
	other := e.create()
	e.clock.Advance(2 * time.Hour) // other expires; co is succeeded and stays
	e.wait()

	got := e.rcv.seen()
	want := []string{
		"checkout.created:open", "checkout.updated:open", "checkout.updated:open",
		"checkout.updated:confirmed", "checkout.updated:succeeded",
		"checkout.created:open", "checkout.expired:expired",
	}
	if !slices.Equal(kinds(got), want) {
		t.Fatalf("events\n got %v\nwant %v", kinds(got), want)
	}
	ids := map[string]bool{}
	for i, ev := range got {
		wantCo := co.ID.String()
		if i >= 5 {
			wantCo = other.ID.String()
		}
		if ev.co != wantCo {
			t.Errorf("event %d is about %s, want %s", i, ev.co, wantCo)
		}
		if ids[ev.id] {
			t.Errorf("webhook-id %q used by two events", ev.id)
		}
		ids[ev.id] = true
	}
	for _, d := range e.h.Deliveries() {
		if d.State != polartest.DeliveryDelivered || len(d.Attempts) != 1 || d.Attempts[0].StatusCode != http.StatusNoContent {
			t.Errorf("delivery %s %s: %v after %+v", d.ID, d.Type, d.State, d.Attempts)
		}
	}
}

// TestWebhookSetStatusAndDeclinedPayment: a declined confirmation changes
// nothing and sends nothing; a status forced by the test is an update.
func TestWebhookSetStatusAndDeclinedPayment(t *testing.T) {
	t.Parallel()
	e := newHookEnv(t, nil)
	co := e.create()
	if err := e.pay(co, polartest.TokenDeclined); err == nil {
		t.Fatal("declined token confirmed")
	}
	e.h.SetStatus(co.ID.String(), client.CheckoutStatusFailed)
	e.wait()
	want := []string{"checkout.created:open", "checkout.updated:open", "checkout.updated:failed"}
	if got := kinds(e.rcv.seen()); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
}

// TestWebhookDeclinedAfterConfirm: a payment declined after the confirm
// answered takes the checkout from confirmed back to open, with an
// update, when it settles; the customer can then pay again.
func TestWebhookDeclinedAfterConfirm(t *testing.T) {
	t.Parallel()
	e := newHookEnv(t, nil, polartest.WithConfirmDelay(time.Minute))
	co := e.create()
	if err := e.pay(co, polartest.TokenDeclinedLater); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	e.wait()
	if got, _ := e.h.Checkout(co.ID.String()); got.Status != client.CheckoutStatusConfirmed {
		t.Fatalf("before settling: %s, want confirmed", got.Status)
	}
	e.clock.Advance(time.Minute) // the bank declines: no request needed
	e.wait()
	got, _ := e.h.Checkout(co.ID.String())
	if got.Status != client.CheckoutStatusOpen {
		t.Fatalf("after the decline: %s, want open", got.Status)
	}
	if err := e.pay(co, polartest.TokenSuccess); err != nil {
		t.Fatalf("paying again: %v", err)
	}
	e.clock.Advance(time.Minute)
	e.wait()
	want := []string{
		"checkout.created:open", "checkout.updated:open",
		"checkout.updated:confirmed", "checkout.updated:open",
		"checkout.updated:open", "checkout.updated:confirmed", "checkout.updated:succeeded",
	}
	if got := kinds(e.rcv.seen()); !slices.Equal(got, want) {
		t.Fatalf("events\n got %v\nwant %v", got, want)
	}
	if n := e.h.ConfirmCount(co.ID.String()); n != 2 {
		t.Errorf("ConfirmCount = %d, want 2", n)
	}
}

// TestWebhookFreeCheckoutSucceeds: with no confirm delay the checkout
// succeeds right after confirm, and that is sent without a read.
func TestWebhookFreeCheckoutSucceeds(t *testing.T) {
	t.Parallel()
	e := newHookEnv(t, nil)
	co, err := e.c.Checkouts.Create(context.Background(), &polar.CheckoutCreate{
		Products: []polar.UUID{polar.MustParseUUID(polartest.ProductFreeID)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Checkouts.ClientConfirm(context.Background(), co.ClientSecret, &polar.CheckoutConfirmStripe{
		CustomerEmail: polar.Value[polar.Email]("ada@example.com"),
	}); err != nil {
		t.Fatal(err)
	}
	e.wait()
	want := []string{"checkout.created:open", "checkout.updated:confirmed", "checkout.updated:succeeded"}
	if got := kinds(e.rcv.seen()); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
}

// TestWebhookRetries: failed attempts are retried with the same
// webhook-id until one is answered 2xx or the retries run out.
func TestWebhookRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		answer   func(n int) int
		state    polartest.DeliveryState
		attempts int
		codes    []int
	}{
		{"5xx twice then ok", func(n int) int { return map[int]int{1: 500, 2: 503}[n] }, polartest.DeliveryDelivered, 3, []int{500, 503, 204}},
		{"redirect is not success", func(n int) int { return map[int]int{1: 302}[n] }, polartest.DeliveryDelivered, 2, []int{302, 204}},
		{"4xx is retried too", func(n int) int { return map[int]int{1: 400, 2: 404}[n] }, polartest.DeliveryDelivered, 3, []int{400, 404, 204}},
		{"always failing", func(int) int { return 502 }, polartest.DeliveryFailed, 4, []int{502, 502, 502, 502}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newHookEnv(t, tt.answer)
			e.create()
			e.wait()
			ds := e.h.Deliveries()
			if len(ds) != 1 {
				t.Fatalf("%d deliveries", len(ds))
			}
			d := ds[0]
			if d.State != tt.state || len(d.Attempts) != tt.attempts {
				t.Fatalf("state %v after %d attempts, want %v after %d", d.State, len(d.Attempts), tt.state, tt.attempts)
			}
			for i, a := range d.Attempts {
				if a.StatusCode != tt.codes[i] || (a.Err == nil) != (a.StatusCode/100 == 2) {
					t.Errorf("attempt %d: %d %v, want %d", i, a.StatusCode, a.Err, tt.codes[i])
				}
			}
			if tt.state == polartest.DeliveryFailed && d.Err == nil {
				t.Error("failed delivery without an error")
			}
			if tt.state == polartest.DeliveryDelivered {
				if ev := e.rcv.seen(); len(ev) != 1 || ev[0].id != d.ID {
					t.Errorf("receiver saw %+v, want one event %s", ev, d.ID)
				}
			}
		})
	}
}

// TestWebhookRetriesKeepTheID checks the webhook-id header of every
// attempt, and a fresh signature on each.
func TestWebhookRetriesKeepTheID(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var ids, sigs []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		ids = append(ids, r.Header.Get("webhook-id"))
		sigs = append(sigs, r.Header.Get("webhook-timestamp")+" "+r.Header.Get("webhook-signature"))
		if len(ids) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	clock := polartest.NewClock(t0)
	srv := polartest.NewServer(polartest.WithClock(clock.Now), polartest.WithWebhookHandler(h, hookSecretRaw),
		polartest.WithWebhookRetryDelays(time.Millisecond, time.Millisecond))
	t.Cleanup(srv.Close)
	clock.Advance(time.Second)
	if rec := createRaw(t, srv); rec != http.StatusCreated {
		t.Fatalf("create: %d", rec)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Handler().WaitWebhooks(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ids) != 3 || ids[0] == "" || ids[1] != ids[0] || ids[2] != ids[0] {
		t.Fatalf("webhook-ids of the attempts: %q", ids)
	}
	if sigs[0] == "" {
		t.Fatal("no signature")
	}
}

// createRaw creates a checkout with a plain request and returns the status.
func createRaw(t *testing.T, srv *polartest.Server) int {
	t.Helper()
	c, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Checkouts.Create(context.Background(), &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)}})
	if err != nil {
		t.Fatal(err)
	}
	return http.StatusCreated
}

// TestWebhookTimeoutAndPanic: an attempt that takes too long, or an
// in-process handler that panics, fails and is retried.
func TestWebhookTimeoutAndPanic(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	var mu sync.Mutex
	n := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		switch k {
		case 1:
			<-release // outlives the attempt's timeout
		case 2:
			panic("receiver bug")
		}
	})
	srv := polartest.NewServer(polartest.WithWebhookHandler(h, hookSecretRaw),
		polartest.WithWebhookTimeout(20*time.Millisecond), polartest.WithWebhookRetryDelays(time.Millisecond, time.Millisecond))
	t.Cleanup(srv.Close)
	createRaw(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Handler().WaitWebhooks(ctx); err != nil {
		t.Fatal(err)
	}
	d := srv.Handler().Deliveries()[0]
	if d.State != polartest.DeliveryDelivered || len(d.Attempts) != 3 {
		t.Fatalf("%v after %+v", d.State, d.Attempts)
	}
	if !errors.Is(d.Attempts[0].Err, context.DeadlineExceeded) {
		t.Errorf("attempt 1: %v, want a deadline", d.Attempts[0].Err)
	}
	if d.Attempts[1].Err == nil || d.Attempts[1].StatusCode != 0 {
		t.Errorf("attempt 2 (panic): %d %v", d.Attempts[1].StatusCode, d.Attempts[1].Err)
	}
}

// TestWebhookOverHTTP delivers to a real HTTP endpoint built with package
// webhook, for both key schemes, and checks the payload is the checkout
// the API shows.
func TestWebhookOverHTTP(t *testing.T) {
	t.Parallel()
	for _, secret := range []string{hookSecretB64, hookSecretRaw} {
		t.Run(secret[:6], func(t *testing.T) {
			t.Parallel()
			clock := polartest.NewClock(t0)
			rcv := newReceiver(t, clock, secret)
			var mu sync.Mutex
			var bodies [][]byte
			endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				bodies = append(bodies, body)
				mu.Unlock()
				r.Body = io.NopCloser(bytes.NewReader(body))
				rcv.ServeHTTP(w, r)
			}))
			t.Cleanup(endpoint.Close)
			srv := polartest.NewServer(polartest.WithClock(clock.Now), polartest.WithWebhook(endpoint.URL+"/hooks/polar", secret),
				polartest.WithWebhookAPIVersion("2026-10"))
			t.Cleanup(srv.Close)
			c, _ := srv.Client()
			co, err := c.Checkouts.Create(context.Background(), &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)}})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.Handler().WaitWebhooks(ctx); err != nil {
				t.Fatal(err)
			}
			if got := kinds(rcv.seen()); !slices.Equal(got, []string{"checkout.created:open"}) {
				t.Fatalf("events %v; deliveries %+v", got, srv.Handler().Deliveries())
			}
			var p struct {
				Type       string          `json:"type"`
				APIVersion string          `json:"api_version"`
				Data       json.RawMessage `json:"data"`
			}
			mu.Lock()
			defer mu.Unlock()
			if err := json.Unmarshal(bodies[0], &p); err != nil || p.Type != "checkout.created" || p.APIVersion != "2026-10" {
				t.Fatalf("payload %s: %v", bodies[0], err)
			}
			var data polar.Checkout
			if err := json.Unmarshal(p.Data, &data); err != nil || data.ID != co.ID || data.ClientSecret != co.ClientSecret {
				t.Fatalf("data is not the created checkout: %v", err)
			}
		})
	}
}

// TestWebhookAPIVersionDefault: 2026-04 payloads carry no api_version.
func TestWebhookAPIVersionDefault(t *testing.T) {
	t.Parallel()
	e := newHookEnv(t, nil)
	e.create()
	e.wait()
	var p map[string]json.RawMessage
	if err := json.Unmarshal(e.h.Deliveries()[0].Payload, &p); err != nil {
		t.Fatal(err)
	}
	if _, ok := p["api_version"]; ok || len(p) != 3 {
		t.Fatalf("payload keys %v, want type, timestamp, data", slices.Collect(maps.Keys(p)))
	}
}

// TestWebhookFaults injects each delivery fault and checks what the
// receiver sees.
func TestWebhookFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault polartest.WebhookFault
		want  []string // receiver's events, for create + update + update
		state []polartest.DeliveryState
	}{
		{"drop", polartest.WebhookFault{Kind: polartest.WebhookDrop, Type: polartest.EventCheckoutUpdated},
			[]string{"created", "u2"}, []polartest.DeliveryState{polartest.DeliveryDelivered, polartest.DeliveryDropped, polartest.DeliveryDelivered}},
		{"duplicate", polartest.WebhookFault{Kind: polartest.WebhookDuplicate},
			[]string{"created", "created", "u1", "u2"}, nil},
		{"reorder", polartest.WebhookFault{Kind: polartest.WebhookReorder, Delay: 5 * time.Second},
			[]string{"u1", "created", "u2"}, nil},
		{"delay", polartest.WebhookFault{Kind: polartest.WebhookDelay, Delay: time.Second},
			[]string{"u1", "u2", "created"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newHookEnv(t, nil)
			e.h.InjectWebhookFault(tt.fault)
			co := e.create()
			for _, v := range []string{"u1", "u2"} {
				if _, err := e.c.Checkouts.Update(context.Background(), co.ID, &polar.CheckoutUpdate{Metadata: &polar.MetadataInput{"n": v}}); err != nil {
					t.Fatal(err)
				}
			}
			e.wait()
			names := map[string]string{} // webhook-id → created, u1 or u2
			got := e.rcv.seen()
			ds := e.h.Deliveries()
			for _, d := range ds {
				var p struct {
					Type string `json:"type"`
					Data struct {
						Metadata map[string]string `json:"metadata"`
					} `json:"data"`
				}
				if err := json.Unmarshal(d.Payload, &p); err != nil {
					t.Fatal(err)
				}
				names[d.ID] = "created"
				if n := p.Data.Metadata["n"]; n != "" {
					names[d.ID] = n
				}
			}
			var order []string
			for _, ev := range got {
				order = append(order, names[ev.id])
			}
			if !slices.Equal(order, tt.want) {
				t.Errorf("receiver saw %v, want %v", order, tt.want)
			}
			if tt.state != nil {
				var states []polartest.DeliveryState
				for _, d := range ds {
					states = append(states, d.State)
				}
				if !slices.Equal(states, tt.state) {
					t.Errorf("states %v, want %v", states, tt.state)
				}
			}
			if ds[0].Fault.Kind == 0 && tt.fault.Type == "" {
				t.Errorf("first delivery does not show the fault: %+v", ds[0].Fault)
			}
		})
	}
}

// TestWebhookNeverBlocksAPI: with the endpoint stuck, the API still
// answers every request, and the events go out once it is released.
func TestWebhookNeverBlocksAPI(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	t.Cleanup(unblock)
	stuck := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release })
	srv := polartest.NewServer(polartest.WithWebhookHandler(stuck, hookSecretRaw), polartest.WithWebhookTimeout(time.Minute))
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	// A request held up by delivery would run into this deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const n = 20
	for range n {
		co, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)}})
		if err != nil {
			t.Fatalf("create while the endpoint is stuck: %v", err)
		}
		if _, err := c.Checkouts.Get(ctx, co.ID); err != nil {
			t.Fatal(err)
		}
	}
	unblock()
	if err := srv.Handler().WaitWebhooks(ctx); err != nil {
		t.Fatal(err)
	}
	ds := srv.Handler().Deliveries()
	if len(ds) != n {
		t.Fatalf("%d deliveries, want %d", len(ds), n)
	}
	for _, d := range ds {
		if d.State != polartest.DeliveryDelivered {
			t.Errorf("%s: %v %v", d.ID, d.State, d.Err)
		}
	}
}

// TestWebhookClose: Close cuts pending deliveries short with ErrClosed and
// returns although the endpoint never answers.
func TestWebhookClose(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	stuck := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release })
	srv := polartest.NewServer(polartest.WithWebhookHandler(stuck, hookSecretRaw), polartest.WithWebhookTimeout(time.Minute))
	createRaw(t, srv)
	createRaw(t, srv)
	srv.Close()
	srv.Close() // idempotent
	ds := srv.Handler().Deliveries()
	if len(ds) != 2 {
		t.Fatalf("%d deliveries", len(ds))
	}
	for _, d := range ds {
		if d.State != polartest.DeliveryFailed || !errors.Is(d.Err, polartest.ErrClosed) {
			t.Errorf("%s: %v %v, want failed with ErrClosed", d.ID, d.State, d.Err)
		}
	}
	if err := srv.Handler().WaitWebhooks(context.Background()); err != nil {
		t.Fatalf("WaitWebhooks after Close: %v", err)
	}
}

// TestWebhookConcurrentChanges: under concurrent API calls, every change
// is delivered exactly once, and the events of each checkout arrive in
// the order of its changes.
func TestWebhookConcurrentChanges(t *testing.T) {
	t.Parallel()
	e := newHookEnv(t, nil)
	const workers, each = 8, 5
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				co, err := e.c.Checkouts.Create(context.Background(), &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)}})
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := e.c.Checkouts.Update(context.Background(), co.ID, &polar.CheckoutUpdate{Metadata: &polar.MetadataInput{"k": "v"}}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	e.wait()
	got := e.rcv.seen()
	if len(got) != 2*workers*each {
		t.Fatalf("%d events, want %d", len(got), 2*workers*each)
	}
	first := map[string]string{}
	ids := map[string]bool{}
	for _, ev := range got {
		if ids[ev.id] {
			t.Errorf("webhook-id %s delivered twice", ev.id)
		}
		ids[ev.id] = true
		if _, ok := first[ev.co]; !ok {
			first[ev.co] = ev.typ
		}
	}
	for co, typ := range first {
		if typ != polartest.EventCheckoutCreated {
			t.Errorf("checkout %s: first event %s", co, typ)
		}
	}
}

// TestWebhookResetAndNoWebhooks: Reset forgets ended deliveries; without
// WithWebhook nothing is recorded and WaitWebhooks returns at once.
func TestWebhookResetAndNoWebhooks(t *testing.T) {
	t.Parallel()
	e := newHookEnv(t, nil)
	e.create()
	e.wait()
	if len(e.h.Deliveries()) != 1 {
		t.Fatal("no delivery")
	}
	e.h.Reset()
	if ds := e.h.Deliveries(); len(ds) != 0 {
		t.Fatalf("after Reset: %d deliveries", len(ds))
	}

	plain := polartest.NewServer()
	t.Cleanup(plain.Close)
	createRaw(t, plain)
	if ds := plain.Handler().Deliveries(); ds != nil {
		t.Fatalf("deliveries without webhooks: %+v", ds)
	}
	if err := plain.Handler().WaitWebhooks(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("InjectWebhookFault without webhooks did not panic")
		}
	}()
	plain.Handler().InjectWebhookFault(polartest.WebhookFault{Kind: polartest.WebhookDrop})
}

// TestWebhookOptionsRefuseBugs: options panic on values that are test
// bugs, and the message never shows a secret.
func TestWebhookOptionsRefuseBugs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  func()
	}{
		{"relative URL", func() { polartest.WithWebhook("/hooks", hookSecretRaw) }},
		{"ftp URL", func() { polartest.WithWebhook("ftp://x/", hookSecretRaw) }},
		{"empty secret", func() { polartest.WithWebhook("http://127.0.0.1:1/", "") }},
		{"nil handler", func() { polartest.WithWebhookHandler(nil, hookSecretRaw) }},
		{"negative delay", func() { polartest.WithWebhookRetryDelays(-time.Second) }},
		{"zero timeout", func() { polartest.WithWebhookTimeout(0) }},
		{"unknown version", func() { polartest.WithWebhookAPIVersion("1999-01") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("no panic")
				}
				if msg, _ := r.(string); msg == "" || containsAny(msg, hookSecretRaw, "legacy-raw") {
					t.Fatalf("panic %v", r)
				}
			}()
			tt.opt()
		})
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if sub != "" && bytes.Contains([]byte(s), []byte(sub)) {
			return true
		}
	}
	return false
}
