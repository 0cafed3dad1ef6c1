package faults

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// longBackoff makes every wait between attempts 8 s (6 to 8 s with
// jitter): a call that returns within promptly of a cancellation did not
// sit out its backoff. These tests sleep for real.
var longBackoff = polar.WithRetryPolicy(polar.RetryPolicy{MaxRetries: 2, BaseDelay: 8 * time.Second, RateLimitBaseDelay: 8 * time.Second, MaxDelay: 8 * time.Second})

// promptly is the generous bound on how long a call may take to return
// once its context ended (or, for a deadline shorter than the backoff,
// from the start).
const promptly = time.Second

// trigger says when a scenario ends the context.
type trigger int

const (
	cancelInBackoff  trigger = iota // cancel 100 ms into the first backoff (real sleep)
	cancelInAttempt                 // cancel 100 ms after the first attempt of the operation is sent
	cancelInReadBack                // cancel 100 ms after the first reconciliation read is sent
	deadline                        // a context deadline (scenario.after) after the start
	callTimeout                     // polar.WithTimeout(scenario.after)
)

// onRetry is a slog handler that calls f when the client logs a retry
// (just before it starts waiting).
type onRetry struct{ f func() }

func (h onRetry) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (h onRetry) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "polar retry" {
		h.f()
	}
	return nil
}
func (h onRetry) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h onRetry) WithGroup(string) slog.Handler      { return h }

// ctxScenario is one way for a context to end during a call.
type ctxScenario struct {
	name    string
	ops     []polartest.Op // nil: all seven
	fault   polartest.Fault
	read    []polartest.Fault // faults of the reconciliation reads
	trigger trigger
	after   time.Duration // of a deadline or call timeout

	is error // context.Canceled or context.DeadlineExceeded
	// maybe lists the operations whose error must match ErrMaybeApplied
	// (a POST that may have gone out); the others must not.
	maybe []polartest.Op
	// applied: changes the server made for the operation.
	applied int
}

var (
	posts      = []polartest.Op{polartest.OpCreate, polartest.OpClientConfirm}
	idempotent = []polartest.Op{polartest.OpList, polartest.OpGet, polartest.OpUpdate, polartest.OpClientGet, polartest.OpClientUpdate}
)

func ctxScenarios() []ctxScenario {
	slowRead := []polartest.Fault{polartest.Delay(10 * time.Second)}
	return []ctxScenario{
		// A 503 to a POST is ambiguous (it may come after Polar applied it),
		// so POSTs do not back off after one; they do after a 429.
		{name: "cancel mid-backoff after 503", ops: idempotent, fault: polartest.Respond(503, ""), trigger: cancelInBackoff, is: context.Canceled},
		{name: "cancel mid-backoff after 429 Retry-After 8", fault: polartest.Respond(429, "8"), trigger: cancelInBackoff, is: context.Canceled},
		{name: "cancel mid-backoff after 500", ops: idempotent, fault: polartest.Respond(500, ""), trigger: cancelInBackoff, is: context.Canceled},
		{name: "cancel mid-backoff after a reset", ops: idempotent, fault: polartest.ResetAfterBody(), trigger: cancelInBackoff, is: context.Canceled},
		{name: "deadline shorter than the backoff after 503", ops: idempotent, fault: polartest.Respond(503, "5"), trigger: deadline, after: time.Second, is: context.DeadlineExceeded},
		{name: "WithTimeout shorter than the backoff after 503", ops: idempotent, fault: polartest.Respond(503, "5"), trigger: callTimeout, after: time.Second, is: context.DeadlineExceeded},
		{name: "deadline shorter than the backoff after 429", fault: polartest.Respond(429, "5"), trigger: deadline, after: time.Second, is: context.DeadlineExceeded},
		{name: "WithTimeout shorter than the backoff after 429", fault: polartest.Respond(429, "5"), trigger: callTimeout, after: time.Second, is: context.DeadlineExceeded},
		{name: "deadline during the attempt", fault: polartest.Delay(10 * time.Second), trigger: deadline, after: 300 * ms, is: context.DeadlineExceeded, maybe: posts},
		{name: "WithTimeout during the attempt", fault: polartest.Delay(10 * time.Second), trigger: callTimeout, after: 300 * ms, is: context.DeadlineExceeded, maybe: posts},
		{name: "cancel during the attempt", fault: polartest.Delay(10 * time.Second), trigger: cancelInAttempt, is: context.Canceled, maybe: posts},
		{name: "cancel while reading back an applied confirmation", ops: []polartest.Op{polartest.OpClientConfirm},
			fault: polartest.ResetAfterApply(), read: slowRead, trigger: cancelInReadBack, is: context.Canceled, maybe: posts, applied: 1},
		{name: "deadline while reading back an applied confirmation", ops: []polartest.Op{polartest.OpClientConfirm},
			fault: polartest.ResetAfterApply(), read: slowRead, trigger: deadline, after: time.Second, is: context.DeadlineExceeded, maybe: posts, applied: 1},
		{name: "cancel while reading back after a 500", ops: []polartest.Op{polartest.OpClientConfirm},
			fault: polartest.Respond(500, ""), read: slowRead, trigger: cancelInReadBack, is: context.Canceled, maybe: posts, applied: 0},
	}
}

func TestContext(t *testing.T) {
	t.Parallel()
	for _, sc := range ctxScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			for _, op := range ops {
				if sc.ops != nil && !containsOp(sc.ops, op.op) {
					continue
				}
				t.Run(op.name, func(t *testing.T) {
					t.Parallel()
					report(t, runCtx(t, sc, op))
				})
			}
		})
	}
}

func containsOp(list []polartest.Op, op polartest.Op) bool {
	for _, o := range list {
		if o == op {
			return true
		}
	}
	return false
}

// runCtx runs one operation in one scenario and returns the differences.
func runCtx(t *testing.T, sc ctxScenario, op opSpec) []string {
	rg := newRig(t)
	co := rg.checkout()
	before := rg.h.Stats()
	rg.h.InjectFault(op.op, 1, sc.fault)
	for _, f := range sc.read {
		rg.h.InjectFault(polartest.OpClientGet, 1, f)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		mu       sync.Mutex
		endedAt  time.Time // when the context was made to end
		canceled bool
	)
	cancelLater := func() {
		mu.Lock()
		defer mu.Unlock()
		if canceled {
			return
		}
		canceled = true
		time.AfterFunc(100*ms, func() {
			mu.Lock()
			endedAt = time.Now()
			mu.Unlock()
			cancel()
		})
	}
	p := newProbe()
	opts := []polar.Option{
		polar.WithBaseURL(rg.srv.URL),
		polar.WithAccessToken(accessToken),
		polar.WithMiddleware(p.middleware),
		longBackoff,
	}
	switch sc.trigger {
	case cancelInBackoff:
		opts = append(opts, polar.WithLogger(slog.New(onRetry{cancelLater})))
	case cancelInAttempt, cancelInReadBack:
		want := op.op
		if sc.trigger == cancelInReadBack {
			want = polartest.OpClientGet
		}
		p.before = func(o polartest.Op, n int) {
			if o == want && n == 1 {
				cancelLater()
			}
		}
	case deadline:
		ctx, cancel = context.WithTimeout(ctx, sc.after)
		defer cancel()
	case callTimeout:
		opts = append(opts, polar.WithTimeout(sc.after))
	}
	c, err := polar.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	_, err = op.call(ctx, c, co)
	returned := time.Now()
	rg.close()
	after := rg.h.Stats()

	var fails []string
	failf := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }
	if err == nil {
		return []string{"succeeded, want an error"}
	}
	if !errors.Is(err, sc.is) {
		failf("errors.Is(err, %v) = false: %v", sc.is, err)
	}
	if got, want := errors.Is(err, polar.ErrMaybeApplied), containsOp(sc.maybe, op.op); got != want {
		failf("errors.Is(err, ErrMaybeApplied) = %v, want %v: %v", got, want, err)
	}
	if s := leaks(err.Error(), accessToken, co.ClientSecret); len(s) > 0 {
		failf("Error() leaks %q", s)
	}
	mu.Lock()
	from := endedAt
	mu.Unlock()
	switch sc.trigger {
	case deadline, callTimeout:
		if returned.Sub(start) > sc.after+promptly {
			failf("returned %s after the start, want within %s of the %s deadline", returned.Sub(start), promptly, sc.after)
		}
	default:
		if from.IsZero() {
			failf("the context was never canceled (the call ended first: %v)", err)
		} else if d := returned.Sub(from); d > promptly {
			failf("returned %s after the cancel, want within %s", d, promptly)
		}
	}
	if op.mutates {
		if got := after.Applied[op.op] - before.Applied[op.op]; got != sc.applied {
			failf("applied %d, want %d", got, sc.applied)
		}
	}
	if got := after.Requests[op.op] - before.Requests[op.op]; got != 1 {
		failf("server saw %d requests of the operation, want 1 (no attempt after the context ended)", got)
	}
	return fails
}
