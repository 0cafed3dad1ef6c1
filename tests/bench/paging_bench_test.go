package bench

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// sink keeps the compiler from dropping the loops over items.
var sink byte

// walkAll iterates every checkout of c through Checkouts.All and fails
// unless exactly want come without error.
func walkAll(b *testing.B, c *polar.Client, want int, opts ...polar.Option) {
	n := 0
	for co, err := range c.Checkouts.All(context.Background(), nil, opts...) {
		if err != nil {
			b.Fatal(err)
		}
		sink ^= co.ID[15]
		n++
	}
	if n != want {
		b.Fatalf("walked %d checkouts, want %d", n, want)
	}
}

func pagingClient(b *testing.B, url string, hc *http.Client, opts ...polar.Option) *polar.Client {
	c, err := polar.NewClient(append([]polar.Option{polar.WithBaseURL(url), polar.WithAccessToken(accessToken), polar.WithHTTPClient(hc)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// heapSampleItems is how many items BenchmarkAll walks, for every n,
// while it samples the heap.
const heapSampleItems = 100_000

// BenchmarkAll walks n checkouts (pages of 100 small sessions, generated
// by the server as they are requested) through Checkouts.All, one page at
// a time. It reports the time per item, the peak of the heap (live
// objects and garbage not yet collected: runtime.MemStats.HeapAlloc) and
// the peak of the live heap found by the collections, both sampled every
// millisecond over the timed walks plus untimed ones up to 100,000 items
// in all, so that every n is sampled over as many collections. The
// in-process server's memory is included.
func BenchmarkAll(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			ps := newPagingServer(b, n, 0, nil)
			c := pagingClient(b, ps.URL, newHTTPClient(b))
			walkAll(b, c, n) // opens the connection
			runtime.GC()
			heap := startHeapSampler()
			iters := 0
			b.ReportAllocs()
			for b.Loop() {
				walkAll(b, c, n)
				iters++
			}
			// The timer has stopped. Walk again, untimed, until the heap
			// has been sampled over heapSampleItems items for every n: the
			// peak is the maximum over the collections seen, so a longer
			// run would show a higher one at the same memory use.
			for walked := iters * n; walked < heapSampleItems; walked += n {
				walkAll(b, c, n)
			}
			peak, peakLive := heap.stop()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(iters*n), "ns/item")
			b.ReportMetric(float64(peak), "peak-heap-bytes")
			b.ReportMetric(float64(peakLive), "peak-live-heap-bytes")
		})
	}
}

// Look-ahead paging: the server waits latency before answering each page.
const (
	latencyPages = 40
	latency      = 50 * time.Millisecond
	// rateWindowLen is the sliding window in which the server counts
	// request starts: a limit of R per minute allows R/60 per second.
	rateWindowLen = time.Second
)

// BenchmarkAllLatency walks 40 pages of 100 checkouts from a server that
// takes 50 ms per page: one page at a time (lookahead=0), then with
// WithLookahead and WithRateLimit(rpm) set on the client. The server
// records when each request starts and answers 429 when more than
// rpm/60 (+1 for timing jitter) start within any 1 s window; it reports
// the busiest 1 s window as peak-req/s and the number of 429s.
//
// With rpm=12000 the limit is above what lookahead=8 can ask for (8 pages
// per 50 ms is 9600/min), so latency is the bottleneck; with rpm=3000 the
// limiter is the bottleneck, which shows that it holds the rate.
func BenchmarkAllLatency(b *testing.B) {
	for _, c := range []struct{ lookahead, rpm int }{
		{0, 0},
		{4, 6000},
		{8, 12000},
		{8, 3000},
	} {
		b.Run(fmt.Sprintf("lookahead=%d/rpm=%d", c.lookahead, c.rpm), func(b *testing.B) {
			limit := c.rpm
			if limit == 0 {
				limit = 1 << 30 // sequential: count only
			}
			rw := newRateWindow(limit, rateWindowLen, 1)
			ps := newPagingServer(b, latencyPages*listPageSize, latency, rw)
			var opts []polar.Option
			if c.lookahead > 0 {
				opts = append(opts, polar.WithLookahead(c.lookahead), polar.WithRateLimit(c.rpm))
			}
			cl := pagingClient(b, ps.URL, newHTTPClient(b), opts...)
			iters := 0
			for b.Loop() {
				walkAll(b, cl, latencyPages*listPageSize)
				iters++
			}
			peak, rejected := rw.stats()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(iters*latencyPages*listPageSize), "ns/item")
			b.ReportMetric(float64(peak)/rateWindowLen.Seconds(), "peak-req/s")
			b.ReportMetric(float64(rejected), "429s")
			if rejected > 0 {
				b.Errorf("the server refused %d requests over %d/min", rejected, c.rpm)
			}
		})
	}
}
