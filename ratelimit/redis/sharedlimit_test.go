package redislimit

import (
	"net/http"
	"net/http/httptest"
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
	// polartest enforces it as Polar does: per token, in fixed windows,
	// 429 with Retry-After.
	handler := polartest.NewHandler(polartest.WithRateLimit(serverLimit))
	window := &tooMany{next: handler}
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

// tooMany counts the answers of a handler that are 429s.
type tooMany struct {
	next http.Handler

	mu      sync.Mutex
	refused int
}

func (c *tooMany) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	c.next.ServeHTTP(rec, r)
	if rec.status == http.StatusTooManyRequests {
		c.mu.Lock()
		c.refused++
		c.mu.Unlock()
	}
}

func (c *tooMany) limited() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.refused
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
