package redislimit

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
)

// TestProcessesShareOneLimit: polartest sees at most what one limiter of
// the configured rate admits over the run, and no request is answered 429.
func TestProcessesShareOneLimit(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	// The server's own limit per minute: what the shared limit admits over
	// the run and a second on each side, plus the create below. A fleet
	// that did not share the limit would pass it about four times over.
	serverLimit := gcraBound(fleetPerMinute, fleetBurst, fleetRun+2*time.Second) + 1
	handler := polartest.NewHandler()
	window := &fixedWindow{perMinute: serverLimit, next: handler}
	api := httptest.NewServer(window)
	t.Cleanup(api.Close)
	id := createCheckoutAt(t, api.URL)

	reports := runFleet(t, fleetProcs, fleetConfig{
		Redis: srv.Addr, API: api.URL, Token: polartest.Token, CheckoutID: id, Key: t.Name(),
		PerMinute: fleetPerMinute, Burst: fleetBurst, Workers: fleetWorkers,
		Start: time.Now().Add(fleetStartIn), Duration: fleetRun,
	})
	ok, errs, span := fleetTotals(reports)
	seen := handler.Stats().Requests[polartest.OpGet]
	bound := gcraBound(fleetPerMinute, fleetBurst, span)
	t.Logf("%d processes: %d gets in %s (bound %d): %.0f/min against %d/min configured",
		fleetProcs, seen, span.Round(time.Millisecond), bound, fleetRate(seen, span), fleetPerMinute)

	if seen > bound {
		t.Errorf("polartest saw %d gets in %s; the shared limit admits at most %d", seen, span, bound)
	}
	if n := window.limited(); n != 0 {
		t.Errorf("the server answered %d requests with 429", n)
	}
	if errs != 0 {
		t.Errorf("%d calls failed, e.g. %q", errs, reports[0].Sample)
	}
	if ok != seen {
		t.Errorf("the processes counted %d successes, polartest %d gets", ok, seen)
	}
	// The limit, not the machine, set the pace: 16 workers can send far
	// more than 20 per second, so the fleet must come near the rate.
	if expect := int(span * fleetPerMinute / time.Minute); seen < expect/2 {
		t.Errorf("only %d gets in %s, under half the %d the limit allows: the run says little", seen, span, expect)
	}
}

// fixedWindow is Polar's rate limit in front of a polartest handler: at
// most perMinute requests per minute from the first one, then 429 with an
// empty body and Retry-After until the minute ends. (Stands in for
// polartest.WithRateLimit until polartest has it.)
type fixedWindow struct {
	perMinute int
	next      http.Handler

	mu      sync.Mutex
	start   time.Time
	count   int
	refused int
}

func (f *fixedWindow) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	now := time.Now()
	if f.start.IsZero() || now.Sub(f.start) >= time.Minute {
		f.start, f.count = now, 0
	}
	f.count++
	over := f.count > f.perMinute
	retry := int(f.start.Add(time.Minute).Sub(now)/time.Second) + 1
	if over {
		f.refused++
	}
	f.mu.Unlock()
	if over {
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	f.next.ServeHTTP(w, r)
}

func (f *fixedWindow) limited() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refused
}
