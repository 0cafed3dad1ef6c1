package webhooks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	"github.com/gopolar/checkouts/webhook"
	polar "github.com/gopolar/checkouts/wrapper"
)

const secret = "whsec_ZW5kLXRvLWVuZC13ZWJob29rLXNlY3JldA=="

// counter is the merchant's handler function: it counts the calls per
// webhook-id and keeps the newest state of each checkout. Arrival order
// proves nothing (retries and reordering), so newest means the latest
// modified_at, and at equal times a final state over one that is not.
type counter struct {
	mu     sync.Mutex
	byID   map[string]int
	status map[string]*polar.Checkout
}

func (c *counter) handle(_ context.Context, ev webhook.Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byID[ev.Meta().ID]++
	if co, ok := webhook.CheckoutOf(ev); ok {
		if old := c.status[co.ID.String()]; old == nil || newer(co, old) {
			c.status[co.ID.String()] = co
		}
	}
	return nil
}

// newer reports whether a is a later state of a checkout than b.
func newer(a, b *polar.Checkout) bool {
	ta, tb := a.ModifiedAt.GetOrEmpty(), b.ModifiedAt.GetOrEmpty()
	if !ta.Equal(tb) {
		return ta.After(tb)
	}
	return webhook.StateOf(a).Final() && !webhook.StateOf(b).Final()
}

// TestDeliveriesUnderLoad: 8 clients pay 40 checkouts concurrently while
// the fake duplicates some deliveries, fails some attempts with 503 and
// reorders others. With WithDedup, the handler function runs exactly once
// per webhook-id, and the newest state of every checkout is succeeded.
func TestDeliveriesUnderLoad(t *testing.T) {
	v, err := webhook.NewVerifier([]string{secret})
	if err != nil {
		t.Fatal(err)
	}
	cnt := &counter{byID: map[string]int{}, status: map[string]*polar.Checkout{}}
	vh, err := webhook.NewHandler(v, cnt.handle, webhook.WithDedup(10_000))
	if err != nil {
		t.Fatal(err)
	}
	var flaky sync.Mutex
	n := 0
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		flaky.Lock()
		n++
		fail := n%7 == 0 // a CDN in front of the endpoint, failing now and then
		flaky.Unlock()
		if fail {
			http.Error(w, "<html>503 Service Unavailable</html>", http.StatusServiceUnavailable)
			return
		}
		vh.ServeHTTP(w, r)
	}))
	defer endpoint.Close()

	srv := polartest.NewServer(polartest.WithWebhook(endpoint.URL, secret),
		polartest.WithWebhookRetryDelays(time.Millisecond, 5*time.Millisecond, 10*time.Millisecond, 20*time.Millisecond))
	defer srv.Close()
	h := srv.Handler()
	for i := range 30 {
		kinds := []polartest.WebhookFaultKind{polartest.WebhookDuplicate, polartest.WebhookReorder, polartest.WebhookDuplicate}
		h.InjectWebhookFault(polartest.WebhookFault{Kind: kinds[i%3], Delay: 50 * time.Millisecond})
	}
	c, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}

	const workers, each = 8, 5
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				if err := pay(t.Context(), c); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second) // a guard against a hang
	defer cancel()
	if err := h.WaitWebhooks(ctx); err != nil {
		t.Fatal(err)
	}

	ds := h.Deliveries()
	events := map[string]bool{}
	for _, d := range ds {
		if d.State != polartest.DeliveryDelivered {
			t.Errorf("%s %s: %v %v", d.ID, d.Type, d.State, d.Err)
		}
		events[d.ID] = true
	}
	// create, client update, confirmed, succeeded
	if want := workers * each * 4; len(events) != want {
		t.Fatalf("%d distinct events, want %d", len(events), want)
	}
	if len(ds) <= len(events) {
		t.Errorf("no duplicate was sent (%d deliveries)", len(ds))
	}
	cnt.mu.Lock()
	defer cnt.mu.Unlock()
	for id := range events {
		if cnt.byID[id] != 1 {
			t.Errorf("handler ran %d times for %s", cnt.byID[id], id)
		}
	}
	if len(cnt.status) != workers*each {
		t.Errorf("%d checkouts seen, want %d", len(cnt.status), workers*each)
	}
	for id, co := range cnt.status {
		if co.Status != polar.CheckoutStatusSucceeded {
			t.Errorf("checkout %s: newest state %q", id, co.Status)
		}
	}
}

// pay creates a checkout and pays it as a customer would.
func pay(ctx context.Context, c *polar.Client) error {
	co, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)}})
	if err != nil {
		return err
	}
	if _, err := c.Checkouts.ClientUpdate(ctx, co.ClientSecret, &polar.CheckoutUpdatePublic{
		CustomerEmail:          polar.Value[polar.Email]("ada@example.com"),
		CustomerName:           polar.Value("Ada"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "NL"}),
	}); err != nil {
		return err
	}
	_, err = c.Checkouts.ClientConfirm(ctx, co.ClientSecret, &polar.CheckoutConfirmStripe{ConfirmationTokenID: polar.Value(polartest.TokenSuccess)})
	return err
}
