package redislimit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// A fleet is N real processes (this test binary run again with
// childModeEnv set) that drive one polartest server for a while, each with
// a polar.Client limited by a Redis limiter of the same key, or by an
// in-process limiter of the same rate as a control.

const childModeEnv = "REDISLIMIT_TEST_CHILD"

// Four processes, four workers each, share 1200 requests per minute
// (burst 5) through one Redis for 4 s against one polartest server.
const (
	fleetProcs     = 4
	fleetWorkers   = 4
	fleetPerMinute = 1200
	fleetBurst     = 5
	fleetRun       = 4 * time.Second
	fleetStartIn   = 2 * time.Second // time for the processes to start, so that they run together
)

func fleetOf(srv *redisServer, api *polartest.Server, id, key string, local bool) fleetConfig {
	return fleetConfig{
		Redis: srv.Addr, API: api.URL, Token: polartest.Token, CheckoutID: id, Key: key,
		PerMinute: fleetPerMinute, Burst: fleetBurst, Workers: fleetWorkers,
		Start: time.Now().Add(fleetStartIn), Duration: fleetRun, Local: local,
	}
}

// fleetConfig is what every process of a fleet is told, through its
// environment.
type fleetConfig struct {
	Redis      string        `json:"redis"`
	API        string        `json:"api"`
	Token      string        `json:"token"`
	CheckoutID string        `json:"checkout_id"`
	Key        string        `json:"key"`
	PerMinute  int           `json:"per_minute"`
	Burst      int           `json:"burst"`
	Workers    int           `json:"workers"`
	Start      time.Time     `json:"start"` // all processes begin at once
	Duration   time.Duration `json:"duration"`
	Local      bool          `json:"local"` // the control: polar.WithRateLimit per process
}

// childReport is what a process of a fleet prints when it is done.
type childReport struct {
	OK     int      `json:"ok"`
	Errors int      `json:"errors"`
	First  int64    `json:"first"` // Unix nanoseconds: first call started
	Last   int64    `json:"last"`  // last call returned
	Sample []string `json:"sample,omitempty"`
}

// runFleet starts n processes with cfg, waits for them and returns their
// reports.
func runFleet(tb testing.TB, n int, cfg fleetConfig) []childReport {
	tb.Helper()
	self, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	enc, err := json.Marshal(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Duration+2*time.Minute)
	defer cancel()
	reports := make([]childReport, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			cmd := exec.CommandContext(ctx, self, "-test.run=^$")
			cmd.Env = append(os.Environ(), childModeEnv+"="+string(enc))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				errs[i] = fmt.Errorf("process %d: %v: %s", i, err, stderr.Bytes())
				return
			}
			if err := json.Unmarshal(stdout.Bytes(), &reports[i]); err != nil {
				errs[i] = fmt.Errorf("process %d: report %q: %v", i, stdout.Bytes(), err)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			tb.Fatal(err)
		}
	}
	return reports
}

// fleetTotals adds the reports up: successes, errors, and the span from
// the first call's start to the last call's end in any process.
func fleetTotals(reports []childReport) (ok, errs int, span time.Duration) {
	var first, last int64
	for i, r := range reports {
		ok += r.OK
		errs += r.Errors
		if i == 0 || r.First < first {
			first = r.First
		}
		if r.Last > last {
			last = r.Last
		}
	}
	return ok, errs, time.Duration(last - first)
}

// gcraBound is the most requests a GCRA of perMinute and burst admits in
// span: n admissions need (n - burst) emission intervals between the first
// and the last, so n <= burst + span/interval. One more allows for the
// rounding of Redis's float arithmetic (tens of microseconds).
func gcraBound(perMinute, burst int, span time.Duration) int {
	return burst + int(span*time.Duration(perMinute)/time.Minute) + 1
}

// runChild is a process of a fleet: it sends Gets from cfg.Workers
// goroutines between cfg.Start and cfg.Start+cfg.Duration, and prints a
// childReport. It returns the exit code.
func runChild(enc string) int {
	var cfg fleetConfig
	if err := json.Unmarshal([]byte(enc), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "child config:", err)
		return 2
	}
	rdb := newClient(cfg.Redis)
	defer rdb.Close()
	limit := polar.WithRateLimit(cfg.PerMinute)
	if !cfg.Local {
		lim, err := New(rdb, cfg.PerMinute, WithKey(cfg.Key), WithBurst(cfg.Burst))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		limit = polar.WithRateLimiter(lim)
	}
	transport := &http.Transport{MaxIdleConnsPerHost: cfg.Workers}
	defer transport.CloseIdleConnections()
	c, err := polar.NewClient(polar.WithBaseURL(cfg.API), polar.WithAccessToken(cfg.Token),
		polar.WithHTTPClient(&http.Client{Transport: transport}), limit,
		polar.WithRetryPolicy(polar.RetryPolicy{MaxRetries: 0})) // a 429 shows as an error
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	time.Sleep(time.Until(cfg.Start))
	end := cfg.Start.Add(cfg.Duration)
	var (
		mu  sync.Mutex
		rep childReport
		wg  sync.WaitGroup
	)
	checkoutID := polar.MustParseUUID(cfg.CheckoutID)
	for range cfg.Workers {
		wg.Go(func() {
			for time.Now().Before(end) {
				start := time.Now().UnixNano()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				_, err := c.Checkouts.Get(ctx, checkoutID)
				cancel()
				stop := time.Now().UnixNano()
				mu.Lock()
				if rep.First == 0 || start < rep.First {
					rep.First = start
				}
				rep.Last = max(rep.Last, stop)
				if err != nil {
					rep.Errors++
					if len(rep.Sample) < 5 {
						rep.Sample = append(rep.Sample, err.Error())
					}
				} else {
					rep.OK++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := json.NewEncoder(os.Stdout).Encode(rep); err != nil {
		return 2
	}
	return 0
}

// fleetRate is the achieved aggregate rate, per minute.
func fleetRate(requests int, span time.Duration) float64 {
	if span <= 0 {
		return 0
	}
	return float64(requests) * float64(time.Minute) / float64(span)
}
