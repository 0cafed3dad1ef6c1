package bench

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// polartestParallelism is the number of goroutines per GOMAXPROCS that
// BenchmarkPolartest sends requests from (16 with GOMAXPROCS=2).
const polartestParallelism = 8

// BenchmarkPolartest measures the throughput of the polartest fake,
// in process, driven through the wrapper from many goroutines with
// GOMAXPROCS=2: Get and Update (the tri-state body of BenchmarkUpdate) of
// one open checkout. It reports req/s and the number of failed calls.
func BenchmarkPolartest(b *testing.B) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	srv := polartest.NewServer()
	b.Cleanup(srv.Close)
	c, err := srv.Client(polar.WithHTTPClient(newHTTPClient(b)))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	co, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)}})
	if err != nil {
		b.Fatal(err)
	}
	id := co.ID.String()

	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"get", func() error {
			_, err := c.Checkouts.Get(ctx, id)
			return err
		}},
		{"update", func() error {
			body := updateBody
			_, err := c.Checkouts.Update(ctx, id, &body)
			return err
		}},
	} {
		b.Run("op="+tc.name, func(b *testing.B) {
			if err := tc.call(); err != nil {
				b.Fatal(err)
			}
			var errs atomic.Int64
			var first atomic.Pointer[error]
			b.SetParallelism(polartestParallelism)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := tc.call(); err != nil {
						errs.Add(1)
						first.CompareAndSwap(nil, &err)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			b.ReportMetric(float64(errs.Load()), "errors")
			if n := errs.Load(); n > 0 {
				b.Errorf("%d of %d calls failed; first: %v", n, b.N, *first.Load())
			}
		})
	}
}
