package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// polartestParallelism is the number of goroutines per GOMAXPROCS that
// the polartest benchmarks send requests from (16 with GOMAXPROCS=2).
const polartestParallelism = 8

// polartestCase is one operation of the polartest benchmarks.
type polartestCase struct {
	name string
	call func() error
}

// startPolartest starts polartest.NewServer() in process with one open
// session of the one-time product, created through the wrapper, and
// returns the server, a client with its own transport (64 idle
// connections per host) and the session's ID.
func startPolartest(b *testing.B) (*polartest.Server, *http.Client, polar.UUID) {
	b.Helper()
	srv := polartest.NewServer()
	b.Cleanup(srv.Close)
	hc := newHTTPClient(b)
	c, err := srv.Client(polar.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	co, err := c.Checkouts.Create(context.Background(), &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)}})
	if err != nil {
		b.Fatal(err)
	}
	return srv, hc, co.ID
}

// runPolartest runs each case from polartestParallelism goroutines per
// GOMAXPROCS and reports req/s and the number of failed calls, which must
// be 0.
func runPolartest(b *testing.B, cases []polartestCase) {
	for _, tc := range cases {
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

// BenchmarkPolartest measures the throughput of the polartest fake end to
// end, in process, driven through the wrapper from many goroutines with
// GOMAXPROCS=2: Get and Update (the tri-state body of BenchmarkUpdate) of
// one open checkout. The client's work (building requests, decoding the
// 4.6 KB answer into the generated model) shares the two cores with the
// server; BenchmarkPolartestServer leaves most of it out.
func BenchmarkPolartest(b *testing.B) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	srv, hc, id := startPolartest(b)
	c, err := srv.Client(polar.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	runPolartest(b, []polartestCase{
		{"get", func() error {
			_, err := c.Checkouts.Get(ctx, id)
			return err
		}},
		{"update", func() error {
			body := updateBody
			_, err := c.Checkouts.Update(ctx, id, &body)
			return err
		}},
	})
}

// BenchmarkPolartestServer measures the throughput of the polartest
// server itself: the same requests as BenchmarkPolartest (the wrapper's
// headers, the same Update body, marshalled once), sent by a minimal
// net/http client that checks the status and discards the body instead of
// decoding it. The client's transport still runs on the same two cores.
func BenchmarkPolartestServer(b *testing.B) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	srv, hc, id := startPolartest(b)
	url := srv.URL + "/v1/checkouts/" + id.String()
	update, err := json.Marshal(updateBody)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	do := func(method string, body []byte) error {
		var rdr io.Reader
		if body != nil {
			rdr = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, url, rdr)
		if err != nil {
			return err
		}
		setHeaders(req.Header)
		req.Header.Set("Authorization", "Bearer "+polartest.Token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		n, err := io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		switch {
		case err != nil:
			return err
		case resp.StatusCode != http.StatusOK:
			return fmt.Errorf("status %d", resp.StatusCode)
		case n == 0:
			return errors.New("empty body")
		}
		return nil
	}
	runPolartest(b, []polartestCase{
		{"get", func() error { return do(http.MethodGet, nil) }},
		{"update", func() error { return do(http.MethodPatch, update) }},
	})
}
