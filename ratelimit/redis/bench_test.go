package redislimit

import (
	"context"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// A rate and burst so high that no Wait of a benchmark waits: what is
// measured is the cost of asking.
const benchPerMinute, benchBurst = 1_000_000_000, 1_000_000_000

// BenchmarkWait is the limiter's overhead per request: the in-process
// LocalRateLimiter against this package's limiter on a redis-server on
// loopback (two round trips: the hold, then the GCRA), from one goroutine
// and from GOMAXPROCS goroutines.
func BenchmarkWait(b *testing.B) {
	ctx := context.Background()
	local, err := polar.NewRateLimiter(benchPerMinute, benchBurst)
	if err != nil {
		b.Fatal(err)
	}
	srv := startRedis(b)
	shared, err := New(srv.Client(b), benchPerMinute, WithKey(b.Name()), WithBurst(benchBurst))
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		l    polar.RateLimiter
	}{{"local", local}, {"redis", shared}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bc.l.Wait(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"-parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := bc.l.Wait(ctx); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
	if shared.Degraded() {
		b.Fatal("the Redis limiter fell back during the benchmark: the numbers are not Redis's")
	}
}

// BenchmarkFleetRate runs the fleet of TestProcessesShareOneLimit (4
// processes, 4 workers each, 1200/min burst 5, 4 s) and reports the
// aggregate rate polartest saw, per minute, and its ratio to the
// configured rate. Each iteration takes about 7 s.
func BenchmarkFleetRate(b *testing.B) {
	srv := startRedis(b)
	var gets int
	var span time.Duration
	for i := 0; i < b.N; i++ {
		api := polartest.NewServer()
		id := createCheckout(b, api)
		reports := runFleet(b, fleetProcs, fleetOf(srv, api, id, b.Name()+itoa(i), false))
		_, errs, s := fleetTotals(reports)
		if errs != 0 {
			b.Fatalf("%d calls failed, e.g. %q", errs, reports[0].Sample)
		}
		gets += api.Handler().Stats().Requests[polartest.OpGet]
		span += s
		api.Close()
	}
	rate := fleetRate(gets, span)
	b.ReportMetric(rate, "req/min")
	b.ReportMetric(rate/fleetPerMinute, "x-configured")
	b.ReportMetric(fleetRate(gets-b.N*fleetBurst, span)/fleetPerMinute, "x-configured-after-burst")
}
