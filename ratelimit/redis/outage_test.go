package redislimit

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// TestRedisStoppedMidRun drives a polartest server through a polar.Client
// limited by Redis from 8 goroutines, kills Redis half way and starts it
// again. Every call must return (success or error, counted), the server
// must have seen every success, the fallback must take over and hand back
// to Redis, and no goroutine may be left behind. Not parallel: the leak
// check counts every goroutine of the process.
func TestRedisStoppedMidRun(t *testing.T) {
	redisServerPath(t)
	before := goleak.IgnoreCurrent()

	srv := startRedis(t)
	api := polartest.NewServer()
	defer api.Close()
	id := createCheckout(t, api)
	getsBefore := api.Handler().Stats().Requests[polartest.OpGet]

	rdb := newClient(srv.Addr)
	defer rdb.Close()
	logs := newWatchingHandler()
	lim, err := New(rdb, 60000, WithKey(t.Name()), WithBurst(10),
		WithReconnectInterval(20*time.Millisecond, 200*time.Millisecond), WithLogger(newLogger(&logs.recordingHandler)))
	if err != nil {
		t.Fatal(err)
	}
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	c, err := polar.NewClient(polar.WithBaseURL(api.URL), polar.WithAccessToken(polartest.Token),
		polar.WithHTTPClient(&http.Client{Transport: transport}), polar.WithRateLimiter(lim))
	if err != nil {
		t.Fatal(err)
	}

	var (
		prog            progress
		calls, ok, errs atomic.Int64
		stop            = make(chan struct{})
		wg              sync.WaitGroup
	)
	const workers, maxCallsEach = 8, 5000 // bounded in count as well as in time
	for range workers {
		wg.Go(func() {
			for range maxCallsEach {
				select {
				case <-stop:
					return
				default:
				}
				calls.Add(1)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_, err := c.Checkouts.Get(ctx, polar.MustParseUUID(id))
				cancel()
				if err != nil {
					errs.Add(1)
					t.Errorf("Get: %v", err)
				} else {
					ok.Add(1)
				}
				prog.add()
			}
		})
	}
	phase := func(name string, ch <-chan struct{}) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(30 * time.Second):
			close(stop)
			wg.Wait()
			t.Fatalf("%s: not reached within 30 s (%d calls done)", name, prog.count())
		}
	}
	phase("100 calls through Redis", prog.after(100))
	srv.Stop()
	phase("the outage noticed", logs.seen("unreachable"))
	phase("100 calls during the outage", prog.after(100))
	srv.Restart()
	phase("Redis used again", logs.seen("answers again"))
	phase("100 calls after the outage", prog.after(100))
	close(stop)
	wg.Wait()

	if lim.Degraded() {
		t.Errorf("still degraded after Redis came back")
	}
	if got := calls.Load(); got != ok.Load()+errs.Load() {
		t.Errorf("%d calls, but %d succeeded and %d failed: some never returned", got, ok.Load(), errs.Load())
	}
	if seen := api.Handler().Stats().Requests[polartest.OpGet] - getsBefore; int64(seen) != ok.Load() {
		t.Errorf("the server saw %d gets, the callers %d successes", seen, ok.Load())
	}
	if n := logs.count("unreachable"); n != 1 {
		t.Errorf("outage logged %d times, want once: %q", n, logs.messages())
	}
	t.Logf("%d calls, %d ok, %d errors", calls.Load(), ok.Load(), errs.Load())

	api.Close()
	transport.CloseIdleConnections()
	_ = rdb.Close()
	srv.Stop()
	verifyNoLeaks(t, before)
}

// createCheckout creates a checkout session on api to read back.
func createCheckout(t testing.TB, api *polartest.Server) string {
	t.Helper()
	return createCheckoutAt(t, api.URL)
}

// createCheckoutAt creates a checkout session on the polartest server at
// url, with polartest's token.
func createCheckoutAt(t testing.TB, url string) string {
	t.Helper()
	c, err := polar.NewClient(polar.WithBaseURL(url), polar.WithAccessToken(polartest.Token))
	if err != nil {
		t.Fatal(err)
	}
	co, err := c.Checkouts.Create(context.Background(), &polar.CheckoutCreate{
		Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return co.ID.String()
}

// verifyNoLeaks fails the test if goroutines started since before are
// still running after 5 s (see findLeaks).
func verifyNoLeaks(t *testing.T, before goleak.Option) {
	t.Helper()
	if err := findLeaks(5*time.Second, before); err != nil {
		t.Fatalf("goroutines left behind: %v", err)
	}
}

// progress counts finished calls and signals when a number is reached.
type progress struct {
	mu      sync.Mutex
	n       int
	target  int
	reached chan struct{}
}

func (p *progress) add() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if p.reached != nil && p.n >= p.target {
		close(p.reached)
		p.reached = nil
	}
}

func (p *progress) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// after returns a channel closed once k more calls have finished.
func (p *progress) after(k int) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.target, p.reached = p.n+k, make(chan struct{})
	return p.reached
}

// watchingHandler is a recordingHandler that can signal a message.
type watchingHandler struct {
	recordingHandler
	mu      sync.Mutex
	watches map[string]chan struct{}
}

func newWatchingHandler() *watchingHandler {
	h := &watchingHandler{watches: make(map[string]chan struct{})}
	h.onRecord = h.notify
	return h
}

// seen returns a channel closed once a record containing s is logged
// (at once if one was).
func (h *watchingHandler) seen(s string) <-chan struct{} {
	h.mu.Lock()
	ch, found := h.watches[s]
	if !found {
		ch = make(chan struct{})
		h.watches[s] = ch
	}
	h.mu.Unlock()
	h.notify()
	return ch
}

func (h *watchingHandler) notify() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s, ch := range h.watches {
		if h.count(s) > 0 {
			select {
			case <-ch:
			default:
				close(ch)
			}
		}
	}
}
