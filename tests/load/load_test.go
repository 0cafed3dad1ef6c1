// Package load runs the SDK under concurrency against the polartest fake:
// a thousand goroutines sharing one client, iterators abandoned halfway,
// and many writers on one checkout. Every test that checks for leaked
// goroutines runs sequentially (goleak sees the whole process); the
// others run in parallel after them.
package load

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// env is a fake server and a client whose transport the test owns, so
// that it can close every connection before looking for leaks.
type env struct {
	srv *polartest.Server
	h   *polartest.Handler
	tr  *http.Transport
	c   *polar.Client
}

func newEnv(t *testing.T, serverOpts []polartest.Option, opts ...polar.Option) *env {
	t.Helper()
	srv := polartest.NewServer(serverOpts...)
	tr := &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}
	all := append([]polar.Option{
		polar.WithBaseURL(srv.URL),
		polar.WithAccessToken(polartest.Token),
		polar.WithHTTPClient(&http.Client{Transport: tr}),
	}, opts...)
	c, err := polar.NewClient(all...)
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	e := &env{srv: srv, h: srv.Handler(), tr: tr, c: c}
	t.Cleanup(e.close)
	return e
}

// close shuts the server down (waiting for its handlers) and closes the
// client's idle connections. It may be called more than once.
func (e *env) close() {
	e.srv.Close()
	e.tr.CloseIdleConnections()
}

func one(product string) []polar.UUID { return []polar.UUID{polar.MustParseUUID(product)} }

func payer(name, email string) *polar.CheckoutConfirmStripe {
	return &polar.CheckoutConfirmStripe{
		CustomerEmail:          polar.Value[polar.Email](polar.Email(email)),
		CustomerName:           polar.Value(name),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR"}),
		ConfirmationTokenID:    polar.Value(polartest.TokenSuccess),
	}
}

// loadOps are the operations of the load test; worker i creates its own
// checkout, then runs loadOps[i%len(loadOps)] on it.
var loadOps = []struct {
	name string
	op   polartest.Op
	run  func(ctx context.Context, c *polar.Client, co *polar.Checkout, i int) error
}{
	{"create", polartest.OpCreate, func(context.Context, *polar.Client, *polar.Checkout, int) error { return nil }},
	{"get", polartest.OpGet, func(ctx context.Context, c *polar.Client, co *polar.Checkout, i int) error {
		got, err := c.Checkouts.Get(ctx, co.ID)
		if err == nil && (got.ID != co.ID || got.ClientSecret != co.ClientSecret) {
			err = fmt.Errorf("got checkout %s", got.ID)
		}
		return err
	}},
	{"update", polartest.OpUpdate, func(ctx context.Context, c *polar.Client, co *polar.Checkout, i int) error {
		name := fmt.Sprintf("worker %d", i)
		got, err := c.Checkouts.Update(ctx, co.ID, &polar.CheckoutUpdate{
			CustomerName: polar.Value(name),
			Metadata:     &polar.MetadataInput{"worker": i},
		})
		if err == nil {
			if n, _ := got.CustomerName.Get(); n != name || fmt.Sprint(got.Metadata["worker"]) != fmt.Sprint(i) {
				err = fmt.Errorf("update not reflected: %q %v", n, got.Metadata)
			}
		}
		return err
	}},
	{"list", polartest.OpList, func(ctx context.Context, c *polar.Client, co *polar.Checkout, i int) error {
		page, err := c.Checkouts.List(ctx, &polar.ListParams{ExternalCustomerID: &[]string{external(i)}})
		if err == nil && (page.TotalCount != 1 || len(page.Items) != 1 || page.Items[0].ID != co.ID) {
			err = fmt.Errorf("list by external id: %d items of %d", len(page.Items), page.TotalCount)
		}
		return err
	}},
	{"clientGet", polartest.OpClientGet, func(ctx context.Context, c *polar.Client, co *polar.Checkout, i int) error {
		got, err := c.Checkouts.ClientGet(ctx, co.ClientSecret)
		if err == nil && got.ID != co.ID {
			err = fmt.Errorf("got checkout %s", got.ID)
		}
		return err
	}},
	{"clientUpdate", polartest.OpClientUpdate, func(ctx context.Context, c *polar.Client, co *polar.Checkout, i int) error {
		got, err := c.Checkouts.ClientUpdate(ctx, co.ClientSecret, &polar.CheckoutUpdatePublic{
			CustomerName:           polar.Value(fmt.Sprintf("customer %d", i)),
			CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "DE"}),
		})
		if err == nil {
			if n, _ := got.CustomerName.Get(); n != fmt.Sprintf("customer %d", i) {
				err = fmt.Errorf("client update not reflected: %q", n)
			}
		}
		return err
	}},
	{"clientConfirm", polartest.OpClientConfirm, func(ctx context.Context, c *polar.Client, co *polar.Checkout, i int) error {
		got, err := c.Checkouts.ClientConfirm(ctx, co.ClientSecret, payer(fmt.Sprintf("payer %d", i), fmt.Sprintf("payer%d@example.com", i)))
		if err == nil && got.Status != "confirmed" {
			err = fmt.Errorf("confirmed with status %q", got.Status)
		}
		return err
	}},
}

func external(i int) string { return fmt.Sprintf("load-%d", i) }

// TestLoadMixedOperations: 1000 goroutines share one client; each creates
// a checkout of its own and runs one more operation on it. No call may
// fail, the server's counters must add up, and no goroutine may outlive
// the test once the server and the idle connections are closed.
func TestLoadMixedOperations(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	const workers = 1000
	e := newEnv(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	start := make(chan struct{})
	errs := make([]error, workers)
	ids := make([]string, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			<-start
			co, err := e.c.Checkouts.Create(ctx, &polar.CheckoutCreate{
				Products:           one(polartest.ProductOneTimeID),
				ExternalCustomerID: polar.Value(external(i)),
			})
			if err != nil {
				errs[i] = fmt.Errorf("worker %d: create: %w", i, err)
				return
			}
			ids[i] = co.ID.String()
			op := loadOps[i%len(loadOps)]
			if err := op.run(ctx, e.c, co, i); err != nil {
				errs[i] = fmt.Errorf("worker %d: %s: %w", i, op.name, err)
			}
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	t.Logf("%d workers done in %s", workers, time.Since(began))
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
			if failed <= 10 {
				t.Error(err)
			}
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d workers failed", failed, workers)
	}

	// The server saw exactly the calls made, and applied each mutation once.
	st := e.h.Stats()
	per := make(map[polartest.Op]int)
	for i := range workers {
		if op := loadOps[i%len(loadOps)].op; op != polartest.OpCreate { // every worker creates
			per[op]++
		}
	}
	per[polartest.OpCreate] = workers
	for op, n := range per {
		if st.Requests[op] != n {
			t.Errorf("server saw %d %s requests, want %d", st.Requests[op], op, n)
		}
	}
	for _, op := range []polartest.Op{polartest.OpCreate, polartest.OpUpdate, polartest.OpClientUpdate, polartest.OpClientConfirm} {
		if st.Applied[op] != per[op] {
			t.Errorf("server applied %d %s, want %d", st.Applied[op], op, per[op])
		}
	}
	if n := e.h.CheckoutCount(); n != workers {
		t.Errorf("%d checkouts, want %d", n, workers)
	}
	for i, id := range ids {
		want := 0
		if loadOps[i%len(loadOps)].op == polartest.OpClientConfirm {
			want = 1
		}
		if n := e.h.ConfirmCount(id); n != want {
			t.Errorf("worker %d: checkout confirmed %d times, want %d", i, n, want)
		}
	}

	e.close()
	goleak.VerifyNone(t, ignore)
}

// TestIteratorsDoNotLeak walks All and Pages with and without look-ahead
// and leaves early in every way a caller can: break, a cancelled context,
// an error. Nothing may be left running once the loop is over and the
// connections are closed.
func TestIteratorsDoNotLeak(t *testing.T) {
	const (
		total = 23 // checkouts: pages of 5 → 5 pages, the last one short
		limit = 5
	)
	type stop int
	const (
		runToEnd stop = iota
		breakAt
		cancelAt
		failAfterFirstPage
	)
	cases := []struct {
		name  string
		pages bool // Pages instead of All
		stop  stop
		at    int // item (All) or page (Pages) at which to stop, 1-based
	}{
		{"all to the end", false, runToEnd, 0},
		{"break in the first page", false, breakAt, 3},
		{"break in the third page", false, breakAt, 12},
		{"break on the last item", false, breakAt, total},
		{"cancel in the second page", false, cancelAt, 7},
		{"cancel in the first page", false, cancelAt, 1},
		{"error after the first page", false, failAfterFirstPage, 1},
		{"pages: break after two", true, breakAt, 2},
		{"pages: cancel after one", true, cancelAt, 1},
	}
	for _, lookahead := range []int{0, 4} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("lookahead %d/%s", lookahead, tc.name), func(t *testing.T) {
				ignore := goleak.IgnoreCurrent()
				// Real waits, short ones: 10 ms between requests, 1 ms
				// between attempts.
				opts := []polar.Option{
					polar.WithRateLimit(6000),
					polar.WithRetryPolicy(polar.RetryPolicy{MaxRetries: 2, BaseDelay: time.Millisecond, RateLimitBaseDelay: time.Millisecond, MaxDelay: time.Millisecond}),
				}
				if lookahead > 0 {
					opts = append(opts, polar.WithLookahead(lookahead))
				}
				e := newEnv(t, nil, opts...)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				for i := range total {
					if _, err := e.c.Checkouts.Create(ctx, &polar.CheckoutCreate{Products: one(polartest.ProductOneTimeID), ExternalCustomerID: polar.Value(fmt.Sprintf("it-%d", i))}); err != nil {
						t.Fatal(err)
					}
				}
				params := &polar.ListParams{Limit: polar.Ptr(limit), Sorting: &[]polar.CheckoutSortProperty{"created_at"}}

				seen := 0
				var loopErr error
				stopHere := func() bool {
					switch tc.stop {
					case breakAt:
						return seen == tc.at
					case cancelAt:
						if seen == tc.at {
							cancel()
						}
					case failAfterFirstPage:
						if seen == tc.at {
							// Every later page fails 3 times: out of retries.
							e.h.InjectFault(polartest.OpList, 3*total, polartest.Respond(500, ""))
						}
					}
					return false
				}
				if tc.pages {
					for page, err := range e.c.Checkouts.Pages(ctx, params) {
						if err != nil {
							loopErr = err
							break
						}
						seen++
						if len(page.Items) == 0 {
							t.Errorf("empty page %d", page.Page)
						}
						if stopHere() {
							break
						}
					}
				} else {
					for co, err := range e.c.Checkouts.All(ctx, params) {
						if err != nil {
							loopErr = err
							break
						}
						seen++
						if co.ID == (polar.UUID{}) {
							t.Errorf("item %d has no ID", seen)
						}
						if stopHere() {
							break
						}
					}
				}

				switch tc.stop {
				case runToEnd:
					if loopErr != nil || seen != total {
						t.Errorf("saw %d items, error %v; want %d, none", seen, loopErr, total)
					}
				case breakAt:
					if loopErr != nil || seen != tc.at {
						t.Errorf("stopped after %d, error %v; want %d, none", seen, loopErr, tc.at)
					}
				case cancelAt:
					// Items already fetched may still come; a fetch after the
					// cancel must fail with the context's error.
					if loopErr != nil && !errors.Is(loopErr, context.Canceled) {
						t.Errorf("error %v, want context.Canceled", loopErr)
					}
				case failAfterFirstPage:
					var apiErr *polar.Error
					if !errors.As(loopErr, &apiErr) || apiErr.StatusCode != 500 {
						t.Errorf("error %v, want the 500", loopErr)
					}
				}

				cancel()
				e.close()
				goleak.VerifyNone(t, ignore)
			})
		}
	}
}

// seatAmount is the price of n seats of the seat-based fixture (volume
// tiers: $20 each up to 9 seats, $15 each from 10).
func seatAmount(n int) int64 {
	if n < 10 {
		return int64(n) * 2000
	}
	return int64(n) * 1500
}

// discountOf is the discount writer i sets: 10% (TENOFF), $5 (SAVE5) or none.
func discountOf(i int) (id, code string) {
	switch i % 3 {
	case 0:
		return polartest.DiscountPercentID, polartest.DiscountPercentCode
	case 1:
		return polartest.DiscountFixedID, polartest.DiscountFixedCode
	}
	return "", ""
}

// amounts are the figures of a checkout that must add up.
type amounts struct {
	seats                             int
	amount, discount, net, tax, total int64
	taxKnown                          bool
	name                              string
}

func (a amounts) String() string {
	return fmt.Sprintf("%q seats %d: amount %d - discount %d = net %d, + tax %d = total %d", a.name, a.seats, a.amount, a.discount, a.net, a.tax, a.total)
}

// expected returns the figures writer i's values give, with a 20% tax.
func expected(i int) amounts {
	a := amounts{seats: i + 1, name: fmt.Sprintf("writer %d", i), taxKnown: true}
	a.amount = seatAmount(a.seats)
	switch i % 3 {
	case 0:
		a.discount = (a.amount*1000 + 5000) / 10000
	case 1:
		a.discount = min(500, a.amount)
	}
	a.net = a.amount - a.discount
	a.tax = (a.net*2000 + 5000) / 10000
	a.total = a.net + a.tax
	return a
}

// consistent reports what does not add up in a.
func (a amounts) consistent() error {
	switch {
	case a.net != a.amount-a.discount:
		return fmt.Errorf("net %d != amount %d - discount %d", a.net, a.amount, a.discount)
	case !a.taxKnown:
		return errors.New("tax unknown although a billing address is set")
	case a.total != a.net+a.tax:
		return fmt.Errorf("total %d != net %d + tax %d", a.total, a.net, a.tax)
	case a.tax != (a.net*2000+5000)/10000:
		return fmt.Errorf("tax %d is not 20%% of net %d", a.tax, a.net)
	}
	return nil
}

func amountsOf(c *polar.Checkout) amounts {
	seats, _ := c.Seats.Get()
	tax, err := c.TaxAmount.Get()
	name, _ := c.CustomerName.Get()
	return amounts{seats: seats, amount: c.Amount, discount: c.DiscountAmount, net: c.NetAmount, tax: tax, total: c.TotalAmount, taxKnown: err == nil, name: name}
}

func amountsOfPublic(c *polar.CheckoutPublic) amounts {
	seats, _ := c.Seats.Get()
	tax, err := c.TaxAmount.Get()
	name, _ := c.CustomerName.Get()
	return amounts{seats: seats, amount: c.Amount, discount: c.DiscountAmount, net: c.NetAmount, tax: tax, total: c.TotalAmount, taxKnown: err == nil, name: name}
}

// TestFakeConcurrentWritersStayConsistent: 40 goroutines update the same
// seat-based checkout at once, half with the token and half with the
// client secret, each with its own seats, discount and name. Every answer
// must show exactly its writer's values with amounts that add up, and the
// final state must be one writer's, whole. Then 20 confirmations race 20
// more updates: exactly one confirmation wins, and the final state carries
// the winner's name.
func TestFakeConcurrentWritersStayConsistent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, []polartest.Option{polartest.WithTaxRate(2000)})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	co, err := e.c.Checkouts.Create(ctx, &polar.CheckoutCreate{
		Products:               one(polartest.ProductSeatsID),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	id := co.ID

	// write sends writer i's values and returns the figures of the answer.
	write := func(i int) (amounts, error) {
		want := expected(i)
		discountID, code := discountOf(i)
		if i%2 == 0 {
			upd := &polar.CheckoutUpdate{
				Seats:        polar.Value(want.seats),
				CustomerName: polar.Value(want.name),
				Metadata:     &polar.MetadataInput{"writer": i},
				DiscountID:   polar.Null[polar.UUID](),
			}
			if discountID != "" {
				upd.DiscountID = polar.Value(polar.MustParseUUID(discountID))
			}
			got, err := e.c.Checkouts.Update(ctx, id, upd)
			if err != nil {
				return amounts{}, err
			}
			if fmt.Sprint(got.Metadata["writer"]) != fmt.Sprint(i) {
				return amountsOf(got), fmt.Errorf("metadata %v", got.Metadata)
			}
			return amountsOf(got), nil
		}
		upd := &polar.CheckoutUpdatePublic{
			Seats:        polar.Value(want.seats),
			CustomerName: polar.Value(want.name),
			DiscountCode: polar.Null[string](),
		}
		if code != "" {
			upd.DiscountCode = polar.Value(code)
		}
		got, err := e.c.Checkouts.ClientUpdate(ctx, co.ClientSecret, upd)
		if err != nil {
			return amounts{}, err
		}
		return amountsOfPublic(got), nil
	}

	const writers = 40
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range writers {
		wg.Go(func() {
			<-start
			got, err := write(i)
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
				return
			}
			if err := got.consistent(); err != nil {
				t.Errorf("writer %d: answer inconsistent: %v (%s)", i, err, got)
			}
			if want := expected(i); got != want {
				t.Errorf("writer %d: answer %s, want its own write %s", i, got, want)
			}
		})
	}
	close(start)
	wg.Wait()

	final, err := e.c.Checkouts.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	got := amountsOf(final)
	var winner int
	if _, err := fmt.Sscanf(got.name, "writer %d", &winner); err != nil || winner < 0 || winner >= writers {
		t.Fatalf("final name %q is no writer's", got.name)
	}
	if want := expected(winner); got != want {
		t.Errorf("final state %s mixes writes: writer %d wrote %s", got, winner, want)
	}
	if w, ok := final.Metadata["writer"]; !ok {
		t.Errorf("final metadata %v has no writer", final.Metadata)
	} else if winner%2 == 0 && fmt.Sprint(w) != fmt.Sprint(winner) {
		t.Errorf("final metadata writer %v, but the last token writer was %d", w, winner)
	}

	// Confirmations race updates: one confirmation wins, nothing applies
	// after it.
	const payers, late = 20, 20
	var (
		mu      sync.Mutex
		winners []int
	)
	start = make(chan struct{})
	for k := range payers {
		wg.Go(func() {
			<-start
			_, err := e.c.Checkouts.ClientConfirm(ctx, co.ClientSecret, payer(fmt.Sprintf("payer %d", k), fmt.Sprintf("payer%d@example.com", k)))
			switch {
			case err == nil:
				mu.Lock()
				winners = append(winners, k)
				mu.Unlock()
			case !errors.Is(err, polar.ErrCheckoutNotOpen):
				t.Errorf("payer %d: %v, want success or ErrCheckoutNotOpen", k, err)
			}
		})
	}
	for j := range late {
		wg.Go(func() {
			<-start
			got, err := write(writers + j)
			switch {
			case err == nil:
				if cerr := got.consistent(); cerr != nil {
					t.Errorf("late writer %d: %v", j, cerr)
				}
			case !errors.Is(err, polar.ErrCheckoutNotOpen):
				t.Errorf("late writer %d: %v, want success or ErrCheckoutNotOpen", j, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("%d confirmations succeeded (%v), want exactly 1", len(winners), winners)
	}
	if n := e.h.ConfirmCount(id.String()); n != 1 {
		t.Errorf("ConfirmCount %d, want 1", n)
	}
	final, err = e.c.Checkouts.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := final.CustomerName.Get(); name != fmt.Sprintf("payer %d", winners[0]) {
		t.Errorf("final name %q, want the winning payer %d's: an update was applied after the confirmation", name, winners[0])
	}
	if final.Status != polar.CheckoutStatusConfirmed && final.Status != polar.CheckoutStatusSucceeded {
		t.Errorf("final status %q", final.Status)
	}
	if err := amountsOf(final).consistent(); err != nil {
		t.Errorf("final amounts: %v", err)
	}
}
