package polartest_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/polartest"
)

func TestExactlyOneConfirmWins(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const rounds, racers = 5, 16
	for round := range rounds {
		c := e.createOf(polartest.ProductOneTimeID)
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			statuses = map[int]int{}
		)
		for i := range racers {
			wg.Go(func() {
				r := e.do(http.MethodPost, confirmPath(c.ClientSecret), payer(map[string]any{"customer_name": fmt.Sprintf("racer %d", i)}))
				mu.Lock()
				statuses[r.status]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if statuses[http.StatusOK] != 1 || statuses[http.StatusForbidden] != racers-1 {
			t.Errorf("round %d: %v, want one 200 and %d 403", round, statuses, racers-1)
		}
		if n := e.h.ConfirmCount(c.ID.String()); n != 1 {
			t.Errorf("round %d: %d confirmations applied", round, n)
		}
	}
	if n := e.h.Stats().Applied[polartest.OpClientConfirm]; n != rounds {
		t.Errorf("%d confirmations applied in all, want %d", n, rounds)
	}
}

func TestConcurrentUpdatesAreNotTorn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createOf(polartest.ProductPayWhatYouWantID)
	const writers = 24
	type write struct {
		name   string
		amount int64
	}
	results := make([]client.Checkout, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			// Each write sets several properties that must travel together.
			w := write{name: fmt.Sprintf("writer-%02d", i), amount: int64(1000 + i)}
			path := "/v1/checkouts/" + c.ID.String()
			body := map[string]any{"customer_name": w.name, "amount": w.amount, "metadata": map[string]any{"writer": w.name, "amount": w.amount}}
			if i%2 == 1 {
				path = "/v1/checkouts/client/" + c.ClientSecret
				delete(body, "metadata")
			}
			r := e.do(http.MethodPatch, path, body, token...)
			if r.status != http.StatusOK {
				t.Errorf("writer %d: %d %s", i, r.status, r.raw)
				return
			}
			var got client.Checkout
			if err := jsonUnmarshal(r.raw, &got); err != nil {
				t.Error(err)
				return
			}
			results[i] = got
		})
	}
	wg.Wait()
	consistent := func(c client.Checkout) (string, bool) {
		name := c.CustomerName.MustGet()
		var i int
		if _, err := fmt.Sscanf(name, "writer-%d", &i); err != nil {
			return name, false
		}
		return name, c.Amount == int64(1000+i) && c.NetAmount == c.Amount && c.TotalAmount == c.Amount
	}
	for i, got := range results {
		if got.ID != c.ID {
			continue // reported above
		}
		if name, ok := consistent(got); !ok || name != fmt.Sprintf("writer-%02d", i) {
			t.Errorf("writer %d got a torn answer: name %q amount %d", i, name, got.Amount)
		}
		if i%2 == 0 && got.Metadata["writer"] != fmt.Sprintf("writer-%02d", i) {
			t.Errorf("writer %d: metadata %v", i, got.Metadata)
		}
	}
	final, _ := e.h.Checkout(c.ID.String())
	if name, ok := consistent(final); !ok {
		t.Errorf("final state is torn: %q %d", name, final.Amount)
	}
	if n := e.h.Stats().Applied; n[polartest.OpUpdate]+n[polartest.OpClientUpdate] != writers {
		t.Errorf("applied %v, want %d updates", n, writers)
	}
}

func TestUpdateAndConfirmSerialize(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for round := range 20 {
		c := e.createOf(polartest.ProductOneTimeID)
		var (
			wg             sync.WaitGroup
			update, conf   *result
			marker         = fmt.Sprintf("late-%d", round)
			updatePath     = "/v1/checkouts/" + c.ID.String()
			confirmRequest = payer(nil)
		)
		wg.Go(func() { update = e.do(http.MethodPatch, updatePath, map[string]any{"locale": marker}, token...) })
		wg.Go(func() { conf = e.do(http.MethodPost, confirmPath(c.ClientSecret), confirmRequest) })
		wg.Wait()
		if conf.status != http.StatusOK {
			t.Fatalf("round %d: confirm %d %s", round, conf.status, conf.raw)
		}
		final, _ := e.h.Checkout(c.ID.String())
		switch update.status {
		case http.StatusOK:
			// The update came first: it saw an open checkout, and the
			// confirmation kept its change.
			if update.checkout(t).Status != client.CheckoutStatusOpen || nullOr[string](t, final.Locale) != marker {
				t.Errorf("round %d: update before confirm, but final locale %v", round, final.Locale)
			}
		case http.StatusForbidden:
			if !final.Locale.IsNull() {
				t.Errorf("round %d: refused update left %v", round, final.Locale)
			}
		default:
			t.Errorf("round %d: update %d %s", round, update.status, update.raw)
		}
	}
}

func TestConcurrentCreatesAndReads(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const n = 40
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		secrets = map[string]bool{}
	)
	for i := range n {
		wg.Go(func() {
			r := e.do(http.MethodPost, "/v1/checkouts/", map[string]any{"products": []string{polartest.ProductSeatsID}, "seats": 1 + i%20}, token...)
			if r.status != http.StatusCreated {
				t.Errorf("%d %s", r.status, r.raw)
				return
			}
			c := r.checkout(t)
			mu.Lock()
			secrets[c.ClientSecret] = true
			mu.Unlock()
		})
		wg.Go(func() { e.do(http.MethodGet, "/v1/checkouts/?limit=100", nil, token...) })
		wg.Go(func() { e.h.Stats(); e.h.CheckoutCount() })
	}
	wg.Wait()
	if len(secrets) != n || e.h.CheckoutCount() != n {
		t.Errorf("%d distinct secrets, %d checkouts, want %d", len(secrets), e.h.CheckoutCount(), n)
	}
}
