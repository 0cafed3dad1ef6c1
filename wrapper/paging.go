package polar

import (
	"context"
	"iter"
	"net/http"
	"sync"
	"time"

	"github.com/gopolar/checkouts/client"
)

// maxPageLimit is the largest page Polar serves; it lowers larger limits
// to this without an error.
const maxPageLimit = 100

// Default request rates of look-ahead paging, below Polar's limits of 500
// per minute (production) and 100 per minute (sandbox).
const (
	lookaheadRPM        = 400
	lookaheadSandboxRPM = 80
)

// Page is one page of checkout sessions.
type Page struct {
	// Items are the sessions of this page.
	Items []Checkout
	// Page is the number of this page, from 1.
	Page int
	// MaxPage is the number of the last page with items (0 when nothing
	// matches).
	MaxPage int
	// TotalCount is the number of sessions matching the filters.
	TotalCount int
}

// NextPage returns the number of the next page, or 0 after the last.
func (p *Page) NextPage() int {
	if p == nil || len(p.Items) == 0 || p.Page >= p.MaxPage {
		return 0
	}
	return p.Page + 1
}

// List returns one page of checkout sessions (GET /v1/checkouts/), newest
// first unless params.Sorting says otherwise. params may be nil. Needs the
// checkouts:read or checkouts:write scope. To walk every page use
// [CheckoutsService.All] or [CheckoutsService.Pages].
func (s *CheckoutsService) List(ctx context.Context, params *ListParams, opts ...Option) (*Page, error) {
	var p ListParams
	if params != nil {
		p = *params
	}
	if err := checkListParams(opList, &p); err != nil {
		return nil, err
	}
	r, err := s.newRequest(opList, http.MethodGet, pathCollection, authRequired, idempotent, opts, func(server string) (*http.Request, error) {
		return client.NewListCheckoutsRequest(server, &p)
	})
	if err != nil {
		return nil, err
	}
	res, err := sendDecode[client.ListResourceCheckout](ctx, r)
	if err != nil {
		return nil, err
	}
	page := 1
	if p.Page != nil {
		page = *p.Page
	}
	return &Page{Items: res.Items, Page: page, MaxPage: res.Pagination.MaxPage, TotalCount: res.Pagination.TotalCount}, nil
}

// All returns an iterator over every checkout session matching params,
// page after page. Nothing is fetched until the loop starts. params is
// copied, never changed; its Page is the first page (default 1) and its
// Limit the page size (default 100, Polar's maximum).
//
// On an error the iterator yields it once (with a zero Checkout) and stops.
// Breaking out of the loop stops fetching. With [WithLookahead] the next
// pages are fetched while the current one is consumed. Sessions created or
// deleted during the walk can shift pages, so an item may be seen twice or
// missed; sort by a stable key if that matters.
func (s *CheckoutsService) All(ctx context.Context, params *ListParams, opts ...Option) iter.Seq2[Checkout, error] {
	return func(yield func(Checkout, error) bool) {
		for page, err := range s.Pages(ctx, params, opts...) {
			if err != nil {
				yield(Checkout{}, err)
				return
			}
			for _, c := range page.Items {
				if !yield(c, nil) {
					return
				}
			}
		}
	}
}

// Pages is like [CheckoutsService.All] but yields whole pages.
func (s *CheckoutsService) Pages(ctx context.Context, params *ListParams, opts ...Option) iter.Seq2[*Page, error] {
	return func(yield func(*Page, error) bool) {
		if ctx == nil {
			yield(nil, nilContext(opList))
			return
		}
		p := ListParams{}
		if params != nil {
			p = deepCopy(*params) // the caller may change params while we walk
		}
		if err := checkListParams(opList, &p); err != nil {
			yield(nil, err)
			return
		}
		start := 1
		if p.Page != nil {
			start = *p.Page
		}
		limit := maxPageLimit
		if p.Limit != nil {
			limit = *p.Limit
		}
		p.Limit = &limit
		cfg, err := s.client.callConfig(opts)
		if err != nil {
			yield(nil, err)
			return
		}
		if cfg.lookahead == 0 {
			s.pagesInOrder(ctx, p, start, opts, yield)
			return
		}
		if cfg.limiter == nil {
			opts = append(opts[:len(opts):len(opts)], withLimiter(s.client.lookaheadLimiter()))
		}
		s.pagesAhead(ctx, p, start, cfg.lookahead, opts, yield)
	}
}

// checkListParams refuses what Polar would answer with a 422, or what the
// wire would change: a page or limit below 1, a filter that is not valid
// UTF-8.
func checkListParams(op string, p *ListParams) error {
	if p.Page != nil && *p.Page < 1 {
		return &InvalidArgumentError{Op: op, Arg: "params.page", Reason: "must be 1 or more"}
	}
	if p.Limit != nil && *p.Limit < 1 {
		return &InvalidArgumentError{Op: op, Arg: "params.limit", Reason: "must be 1 or more"}
	}
	return checkUTF8(op, "params", p)
}

// pagesInOrder fetches one page at a time.
func (s *CheckoutsService) pagesInOrder(ctx context.Context, p ListParams, page int, opts []Option, yield func(*Page, error) bool) {
	for page > 0 {
		p.Page = &page
		pg, err := s.List(ctx, &p, opts...)
		if err != nil {
			yield(nil, err)
			return
		}
		if !yield(pg, nil) {
			return
		}
		page = pg.NextPage()
	}
}

// pagesAhead fetches the first page, then keeps up to ahead later pages in
// flight while yielding them in order. Every fetch is done before it
// returns, so no goroutine outlives the loop.
func (s *CheckoutsService) pagesAhead(ctx context.Context, p ListParams, start, ahead int, opts []Option, yield func(*Page, error) bool) {
	p.Page = &start
	first, err := s.List(ctx, &p, opts...)
	if err != nil {
		yield(nil, err)
		return
	}
	if !yield(first, nil) || first.NextPage() == 0 {
		return
	}
	last := first.MaxPage

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()

	type result struct {
		page *Page
		err  error
	}
	inflight := make(map[int]chan result, ahead)
	fetch := func(n int) {
		ch := make(chan result, 1)
		inflight[n] = ch
		pp := p
		pp.Page = &n
		wg.Go(func() {
			pg, err := s.List(ctx, &pp, opts...)
			ch <- result{pg, err}
		})
	}
	// Page numbers come from the server: compare by differences so that
	// no sum can overflow.
	next := start + 1
	for n := next; n-next < ahead; n++ {
		fetch(n)
		if n >= last {
			break
		}
	}
	for n := next; ; n++ {
		ch, ok := inflight[n]
		if !ok {
			fetch(n)
			ch = inflight[n]
		}
		res := <-ch
		delete(inflight, n)
		if res.err != nil {
			yield(nil, res.err)
			return
		}
		if last-n >= ahead {
			fetch(n + ahead)
		}
		if !yield(res.page, nil) || len(res.page.Items) == 0 || n >= last {
			return
		}
	}
}

// lookaheadLimiter returns the client's rate limiter for look-ahead
// paging, created on first use.
func (c *Client) lookaheadLimiter() *limiter {
	c.pagingOnce.Do(func() {
		rpm := lookaheadRPM
		if c.cfg.serverKind == Sandbox {
			rpm = lookaheadSandboxRPM
		}
		c.pagingLimiter = newLimiter(newLocalRateLimiter(rpm, 1, time.Now))
	})
	return c.pagingLimiter
}

// withLimiter sets the rate limiter of one call.
func withLimiter(l *limiter) Option {
	return func(c *config) error {
		c.limiter = l
		return nil
	}
}
