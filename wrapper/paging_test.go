package polar_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// pager serves total sessions in pages, numbering them by their position,
// and records the pages asked for.
type pager struct {
	total  int
	failAt int // page that answers 500 (0: none)
	mu     sync.Mutex
	asked  []int
	limits []string
}

func (p *pager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	p.mu.Lock()
	p.asked = append(p.asked, page)
	p.limits = append(p.limits, q.Get("limit"))
	p.mu.Unlock()
	if page == p.failAt {
		writeJSON(w, 404, notFoundBody)
		return
	}
	limit = min(limit, 100)
	maxPage := (p.total + limit - 1) / limit
	var items []string
	for i := (page - 1) * limit; i < min(page*limit, p.total); i++ {
		items = append(items, fixture("checkout.json", map[string]any{"id": fmt.Sprintf("00000000-0000-4000-8000-%012d", i), "amount": i}))
	}
	body := fmt.Sprintf(`{"items":[%s],"pagination":{"total_count":%d,"max_page":%d}}`, join(items), p.total, maxPage)
	writeJSON(w, 200, body)
}

func join(items []string) string {
	out := ""
	for i, it := range items {
		if i > 0 {
			out += ","
		}
		out += it
	}
	return out
}

func (p *pager) pages() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.asked)
}

func TestAll_walksEveryPageInOrder(t *testing.T) {
	t.Parallel()
	for _, ahead := range []int{0, 1, 3} {
		t.Run(fmt.Sprintf("lookahead %d", ahead), func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			p := &pager{total: 250}
			mux.Handle("/v1/checkouts/{$}", p)
			params := &polar.ListParams{Status: &[]polar.CheckoutStatus{polar.CheckoutStatusOpen}}
			n := 0
			for co, err := range c.Checkouts.All(t.Context(), params, polar.WithLookahead(ahead), polar.WithRateLimit(60000)) {
				if err != nil {
					t.Fatalf("All: %v", err)
				}
				if co.Amount != int64(n) {
					t.Fatalf("item %d has amount %d: out of order", n, co.Amount)
				}
				n++
			}
			if n != 250 {
				t.Errorf("got %d items, want 250", n)
			}
			got := p.pages()
			slices.Sort(got)
			if !slices.Equal(got, []int{1, 2, 3}) {
				t.Errorf("pages fetched = %v, want 1, 2, 3", got)
			}
			if p.limits[0] != "100" {
				t.Errorf("limit = %s, want the default 100", p.limits[0])
			}
			if params.Page != nil || params.Limit != nil {
				t.Errorf("All changed the caller's params: page %v limit %v", params.Page, params.Limit)
			}
		})
	}
}

func TestAll_breakStopsFetching(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	p := &pager{total: 1000}
	mux.Handle("/v1/checkouts/{$}", p)
	n := 0
	for _, err := range c.Checkouts.All(t.Context(), &polar.ListParams{Limit: polar.Ptr(10)}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 15 {
			break
		}
	}
	if got := p.pages(); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("pages fetched = %v, want [1 2]", got)
	}
}

func TestAll_errorIsYieldedOnceThenStops(t *testing.T) {
	t.Parallel()
	for _, ahead := range []int{0, 2} {
		t.Run(fmt.Sprintf("lookahead %d", ahead), func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			mux.Handle("/v1/checkouts/{$}", &pager{total: 50, failAt: 3})
			items, errs := 0, 0
			for _, err := range c.Checkouts.All(t.Context(), &polar.ListParams{Limit: polar.Ptr(10)}, polar.WithLookahead(ahead), polar.WithRateLimit(60000)) {
				if err != nil {
					errs++
					if !errors.Is(err, polar.ErrNotFound) {
						t.Errorf("err = %v", err)
					}
					continue
				}
				items++
			}
			if items != 20 || errs != 1 {
				t.Errorf("items %d errors %d, want 20 items then 1 error", items, errs)
			}
		})
	}
}

func TestAll_emptyListing(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	p := &pager{total: 0}
	mux.Handle("/v1/checkouts/{$}", p)
	for co, err := range c.Checkouts.All(t.Context(), nil) {
		t.Errorf("yielded %v, %v from an empty listing", co.ID, err)
	}
	if got := p.pages(); !slices.Equal(got, []int{1}) {
		t.Errorf("pages fetched = %v, want [1]", got)
	}
}

func TestPages_startsAtTheGivenPage(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.Handle("/v1/checkouts/{$}", &pager{total: 45})
	var got []int
	for page, err := range c.Checkouts.Pages(t.Context(), &polar.ListParams{Page: polar.Ptr(3), Limit: polar.Ptr(10)}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page.Page)
	}
	if !slices.Equal(got, []int{3, 4, 5}) {
		t.Errorf("pages = %v, want [3 4 5]", got)
	}
}

// TestAll_callRateLimitHoldsAcrossPages: a rate limit given to one walk
// holds across all its pages (the option is applied once per page, and
// every application must share one limiter).
func TestAll_callRateLimitHoldsAcrossPages(t *testing.T) {
	t.Parallel()
	for _, ahead := range []int{0, 2} {
		t.Run(fmt.Sprintf("lookahead %d", ahead), func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			mux.Handle("/v1/checkouts/{$}", &pager{total: 50})
			// 600 a minute: one request every 100 ms, so five pages take at
			// least 400 ms if, and only if, they share one limiter.
			start := time.Now()
			for _, err := range c.Checkouts.All(t.Context(), &polar.ListParams{Limit: polar.Ptr(10)}, polar.WithLookahead(ahead), polar.WithRateLimit(600)) {
				if err != nil {
					t.Fatalf("All: %v", err)
				}
			}
			if took := time.Since(start); took < 400*time.Millisecond {
				t.Errorf("5 pages took %s, want at least 400ms: the pages did not share one limiter", took)
			}
		})
	}
}
