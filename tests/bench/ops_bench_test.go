package bench

import (
	"context"
	"testing"
	"time"
)

// implNames are the implementations in the order of impls' fields.
var implNames = [...]string{"raw", "raw-unmarshal", "generated", "wrapper"}

func (im impls) all() [len(implNames)]op {
	return [...]op{im.raw, im.rawUnmarshal, im.generated, im.wrapper}
}

// runImpls runs the implementations of one operation, as sub-benchmarks
// impl=raw, impl=raw-unmarshal, impl=generated and impl=wrapper that share
// one server and one *http.Client. Compare them with
//
//	benchstat -col /impl bench/latest.txt
func runImpls(b *testing.B, pick func(*family) impls) {
	f := newFamily(b, nil)
	ops := pick(f).all()
	for i, run := range ops {
		b.Run("impl="+implNames[i], func(b *testing.B) {
			ctx := context.Background()
			// One untimed call opens the connection.
			if err := run(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := run(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGet: GET /v1/checkouts/{id}, a full session (~17 KB).
func BenchmarkGet(b *testing.B) { runImpls(b, (*family).get) }

// BenchmarkUpdate: PATCH /v1/checkouts/{id} with a tri-state body (a null,
// a value, the rest absent), answered with the full session.
func BenchmarkUpdate(b *testing.B) { runImpls(b, (*family).update) }

// BenchmarkList: GET /v1/checkouts/?page=1&limit=100, one page of 100 full
// sessions (~1.7 MB).
func BenchmarkList(b *testing.B) { runImpls(b, (*family).listOne) }

// BenchmarkConfirm: POST /v1/checkouts/client/{client_secret}/confirm,
// answered with a confirmed public session (~18 KB).
func BenchmarkConfirm(b *testing.B) { runImpls(b, (*family).confirm) }

// BenchmarkInterleaved cross-checks the time ratios of the benchmarks
// above. With -count, `go test` repeats each sub-benchmark back to back,
// so load that comes and goes on the machine can favour one
// implementation. Here every loop iteration calls all four
// implementations of the operation in turn (rotating which goes first),
// and the benchmark reports the total time of each relative to raw (and
// of the wrapper relative to raw-unmarshal, which decodes the same way).
// Its ns/op is the time of the four calls together.
func BenchmarkInterleaved(b *testing.B) {
	for _, o := range []struct {
		name string
		pick func(*family) impls
	}{
		{"get", (*family).get},
		{"update", (*family).update},
		{"list", (*family).listOne},
		{"confirm", (*family).confirm},
	} {
		b.Run("op="+o.name, func(b *testing.B) {
			ctx := context.Background()
			ops := o.pick(newFamily(b, nil)).all()
			for _, run := range ops {
				if err := run(ctx); err != nil {
					b.Fatal(err)
				}
			}
			var total [len(ops)]time.Duration
			i := 0
			for b.Loop() {
				for j := range ops {
					k := (i + j) % len(ops)
					start := time.Now()
					if err := ops[k](ctx); err != nil {
						b.Fatal(err)
					}
					total[k] += time.Since(start)
				}
				i++
			}
			ratio := func(a, base int) float64 { return float64(total[a]) / float64(total[base]) }
			b.ReportMetric(ratio(1, 0), "raw-unmarshal/raw")
			b.ReportMetric(ratio(2, 0), "generated/raw")
			b.ReportMetric(ratio(3, 0), "wrapper/raw")
			b.ReportMetric(ratio(3, 1), "wrapper/raw-unmarshal")
		})
	}
}
