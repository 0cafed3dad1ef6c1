package faults

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// told is what a caller learns from a create or a confirmation.
type told int

const (
	toldOK    told = iota // success
	toldMaybe             // ErrMaybeApplied: 0 or 1, and the case says which
	toldErr               // any other error: nothing was applied
)

func (t told) String() string { return [...]string{"success", "ErrMaybeApplied", "error"}[t] }

func toldOf(err error) told {
	switch {
	case err == nil:
		return toldOK
	case errors.Is(err, polar.ErrMaybeApplied):
		return toldMaybe
	}
	return toldErr
}

func toldOfKind(k kind) told {
	switch k {
	case succeeds:
		return toldOK
	case maybeApplied:
		return toldMaybe
	}
	return toldErr
}

// moneyCase is one create or confirmation under faults. count is how many
// times the server must have applied it: 1 for a success, 0 for another
// error, and for ErrMaybeApplied the documented one of 0 and 1.
type moneyCase struct {
	name    string
	op      polartest.Op // OpCreate or OpClientConfirm
	server  []polartest.Option
	product string                // of the checkout to confirm (default: one-time, paid)
	token   string                // confirmation token (default: TokenSuccess)
	body    *polar.CheckoutCreate // create body (default: createBody)
	prepare func(rg *rig, co *polar.Checkout, p *probe)
	refuse  refuseMode
	opts    []polar.Option

	told  told
	is    error // an errors.Is target of the error, if any
	count int
}

// inject queues faults for an operation, in order.
func inject(op polartest.Op, faults ...polartest.Fault) func(*rig, *polar.Checkout, *probe) {
	return func(rg *rig, _ *polar.Checkout, _ *probe) {
		for _, f := range faults {
			rg.h.InjectFault(op, 1, f)
		}
	}
}

// both runs several preparations.
func both(fs ...func(*rig, *polar.Checkout, *probe)) func(*rig, *polar.Checkout, *probe) {
	return func(rg *rig, co *polar.Checkout, p *probe) {
		for _, f := range fs {
			f(rg, co, p)
		}
	}
}

// declinedTold is what a declined confirmation tells under a fault whose
// confirm outcome is k: the decline, unless nothing can be read.
func declinedTold(k kind) told {
	if k == maybeApplied {
		return toldMaybe
	}
	return toldErr
}

// beforeResend runs f just before the second confirmation is sent; the
// case fails if there was none.
func beforeResend(f func(rg *rig, co *polar.Checkout)) func(*rig, *polar.Checkout, *probe) {
	return func(rg *rig, co *polar.Checkout, p *probe) {
		var ran atomic.Bool
		rg.t.Cleanup(func() {
			if !ran.Load() {
				rg.t.Error("no second confirmation was sent")
			}
		})
		p.before = func(op polartest.Op, n int) {
			if op == polartest.OpClientConfirm && n == 2 {
				ran.Store(true)
				f(rg, co)
			}
		}
	}
}

// beforeRead runs f just before the first reconciliation read is sent.
func beforeRead(f func(rg *rig, co *polar.Checkout)) func(*rig, *polar.Checkout, *probe) {
	return func(rg *rig, co *polar.Checkout, p *probe) {
		p.before = func(op polartest.Op, n int) {
			if op == polartest.OpClientGet && n == 1 {
				f(rg, co)
			}
		}
	}
}

// moneyCases are the create and confirm cases under every fault of the
// matrix (with a keep-alive client, as in production), with other
// payment tokens and a free product, and under sequences of faults that
// exercise reconciliation.
func moneyCases() []moneyCase {
	var cases []moneyCase
	for _, r := range matrix() {
		f := r.f
		prep := func(op polartest.Op) func(*rig, *polar.Checkout, *probe) {
			return func(rg *rig, _ *polar.Checkout, _ *probe) {
				if f.inject != nil {
					f.inject(rg.h, op)
				}
			}
		}
		cr, cf := r.create, r.clientConfirm
		cases = append(cases,
			moneyCase{name: "create/" + f.name, op: polartest.OpCreate, prepare: prep(polartest.OpCreate), refuse: f.refuse, opts: f.opts,
				told: toldOfKind(cr.kind), count: cr.applied},
			moneyCase{name: "confirm/" + f.name, op: polartest.OpClientConfirm, prepare: prep(polartest.OpClientConfirm), refuse: f.refuse, opts: f.opts,
				told: toldOfKind(cf.kind), count: cf.applied},
			moneyCase{name: "confirm processing payment/" + f.name, op: polartest.OpClientConfirm, token: polartest.TokenProcessing,
				prepare: prep(polartest.OpClientConfirm), refuse: f.refuse, opts: f.opts,
				told: toldOfKind(cf.kind), count: cf.applied},
			moneyCase{name: "confirm free product/" + f.name, op: polartest.OpClientConfirm, product: polartest.ProductFreeID,
				prepare: prep(polartest.OpClientConfirm), refuse: f.refuse, opts: f.opts,
				told: toldOfKind(cf.kind), count: cf.applied},
			// A declined card is never applied, whatever happens to
			// the request: the caller gets an error and 0, or
			// ErrMaybeApplied when no answer can be read at all.
			moneyCase{name: "confirm declined card/" + f.name, op: polartest.OpClientConfirm, token: polartest.TokenDeclined,
				prepare: prep(polartest.OpClientConfirm), refuse: f.refuse, opts: f.opts, told: declinedTold(cf.kind), count: 0},
		)
	}

	create, confirm := polartest.OpCreate, polartest.OpClientConfirm
	read := polartest.OpClientGet
	r500, r503, r429 := polartest.Respond(500, ""), polartest.Respond(503, ""), polartest.Respond(429, "")
	resetBefore, resetAfter, lost := polartest.ResetBeforeBody(), polartest.ResetAfterBody(), polartest.ResetAfterApply()
	envoyApplied := polartest.ProxyText(503, polartest.EnvoyUpstreamReset).AfterApplying()
	notOpen := polartest.Fault{Kind: polartest.FaultRespond, Status: 403, Body: `{"error":"NotOpenCheckout","detail":"Checkout is not open: confirmed"}`}
	unknownProduct := &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID("20000000-0000-4000-8000-0000000000ff")}}

	return append(cases,
		moneyCase{name: "create/503 three times: never resent", op: create, prepare: inject(create, r503, r503, r503), told: toldMaybe, count: 0},
		moneyCase{name: "create/429 three times: out of retries", op: create, prepare: inject(create, r429, r429, r429), told: toldErr, is: polar.ErrRateLimited, count: 0},
		moneyCase{name: "create/429 then reset after apply", op: create, prepare: inject(create, r429, lost), told: toldMaybe, count: 1},
		moneyCase{name: "create/429 then 500", op: create, prepare: inject(create, r429, r500), told: toldMaybe, count: 0},
		moneyCase{name: "create/429 then Envoy 503 after apply", op: create, prepare: inject(create, r429, envoyApplied), told: toldMaybe, count: 1},
		moneyCase{name: "create/slow but within the attempt timeout", op: create, prepare: inject(create, polartest.Delay(50*ms)), told: toldOK, count: 1},
		moneyCase{name: "create/unknown product (422)", op: create, body: unknownProduct, told: toldErr, is: polar.ErrValidation, count: 0},
		moneyCase{name: "create/429 twice, retry budget for one retry", op: create, prepare: inject(create, r429, r429),
			opts: []polar.Option{polar.WithRetryBudget(5)}, told: toldErr, is: polar.ErrRetryBudgetExhausted, count: 0},

		// An error answer over the size cap is treated as final, not by
		// its status: a 500 on a POST is no longer "may have been
		// applied" (same cause as the oversize 2xx of the matrix).
		moneyCase{name: "create/500 with a body over WithMaxResponseBytes", op: create, prepare: inject(create, r500),
			opts: []polar.Option{polar.WithMaxResponseBytes(cellMaxResponse)}, told: toldMaybe, count: 0},
		moneyCase{name: "confirm/500 with a body over WithMaxResponseBytes", op: confirm, prepare: inject(confirm, r500),
			opts: []polar.Option{polar.WithMaxResponseBytes(cellMaxResponse)}, told: toldMaybe, count: 0},

		moneyCase{name: "confirm/lost before apply twice: never sent a third time", op: confirm, prepare: inject(confirm, resetBefore, resetBefore), told: toldMaybe, count: 0},
		moneyCase{name: "confirm/lost before apply, resent and applied but lost", op: confirm, prepare: inject(confirm, resetAfter, lost), told: toldOK, count: 1},
		moneyCase{name: "confirm/500, resent and applied but lost", op: confirm, prepare: inject(confirm, r500, lost), told: toldOK, count: 1},
		moneyCase{name: "confirm/500 twice", op: confirm, prepare: inject(confirm, r500, r500), told: toldMaybe, count: 0},
		moneyCase{name: "confirm/500 then 409 locked", op: confirm, prepare: inject(confirm, r500, polartest.Respond(409, "")), told: toldMaybe, count: 0},
		moneyCase{name: "confirm/500 then 403 NotOpenCheckout while still open", op: confirm, prepare: inject(confirm, r500, notOpen), told: toldMaybe, count: 0},
		moneyCase{name: "confirm/409 locked alone", op: confirm, prepare: inject(confirm, polartest.Respond(409, "")), told: toldErr, is: polar.ErrCheckoutLocked, count: 0},
		moneyCase{name: "confirm/503 three times: read back open twice, never sent a third time", op: confirm, prepare: inject(confirm, r503, r503, r503), told: toldMaybe, count: 0},
		moneyCase{name: "confirm/Envoy 503 after apply: read back confirmed", op: confirm, prepare: inject(confirm, envoyApplied), told: toldOK, count: 1},
		moneyCase{name: "confirm/Cloudflare 524 after apply, the read needs a retry", op: confirm,
			prepare: both(inject(confirm, polartest.CDNError(524).AfterApplying()), inject(read, r503)), told: toldOK, count: 1},
		// The first attempt lands late (here: confirmed by another client
		// just before the resend): the resend meets Polar's real
		// NotOpenCheckout, which proves a confirmation landed.
		moneyCase{name: "confirm/500, the first lands late: the resend meets NotOpenCheckout", op: confirm,
			prepare: both(inject(confirm, r500), beforeResend(func(rg *rig, co *polar.Checkout) {
				if _, err := rg.setup.Checkouts.ClientConfirm(context.Background(), co.ClientSecret, payer(polartest.TokenSuccess)); err != nil {
					rg.t.Errorf("late confirmation: %v", err)
				}
			})), told: toldOK, count: 1},
		moneyCase{name: "confirm/applied but lost, the read fails 3 times", op: confirm,
			prepare: both(inject(confirm, lost), inject(read, r500, r500, r500)), told: toldMaybe, count: 1},
		moneyCase{name: "confirm/lost before apply, the read fails 3 times", op: confirm,
			prepare: both(inject(confirm, resetBefore), inject(read, r500, r500, r500)), told: toldMaybe, count: 0},
		moneyCase{name: "confirm/applied but lost, the read is reset 3 times", op: confirm,
			prepare: both(inject(confirm, lost), inject(read, resetBefore, resetBefore, resetBefore, resetBefore, resetBefore)), told: toldMaybe, count: 1},
		moneyCase{name: "confirm/applied but lost, the read needs a retry", op: confirm,
			prepare: both(inject(confirm, lost), inject(read, r503)), told: toldOK, count: 1},
		moneyCase{name: "confirm/500 and the session expires before the read", op: confirm,
			prepare: both(inject(confirm, r500), beforeRead(func(rg *rig, co *polar.Checkout) { rg.h.Expire(co.ID.String()) })),
			told:    toldErr, is: polar.ErrCheckoutExpired, count: 0},
		moneyCase{name: "confirm/500 and the session fails before the read", op: confirm,
			prepare: both(inject(confirm, r500), beforeRead(func(rg *rig, co *polar.Checkout) { rg.h.SetStatus(co.ID.String(), polar.CheckoutStatusFailed) })),
			told:    toldErr, is: polar.ErrPaymentFailed, count: 0},
		moneyCase{name: "confirm/already confirmed by an earlier call", op: confirm,
			prepare: func(rg *rig, co *polar.Checkout, _ *probe) {
				if _, err := rg.setup.Checkouts.ClientConfirm(context.Background(), co.ClientSecret, payer(polartest.TokenSuccess)); err != nil {
					rg.t.Fatalf("first confirmation: %v", err)
				}
			},
			told: toldErr, is: polar.ErrCheckoutNotOpen, count: 0},
		// A 403 NotOpenCheckout cut short loses its code, so the answer
		// is ambiguous: the session is read back, found confirmed (by the
		// earlier call) and returned. Nothing of this call was applied,
		// and the session is confirmed exactly once.
		moneyCase{name: "confirm/already confirmed, the 403 is cut short", op: confirm,
			prepare: func(rg *rig, co *polar.Checkout, _ *probe) {
				if _, err := rg.setup.Checkouts.ClientConfirm(context.Background(), co.ClientSecret, payer(polartest.TokenSuccess)); err != nil {
					rg.t.Fatalf("first confirmation: %v", err)
				}
				rg.h.InjectFault(polartest.OpClientConfirm, 1, polartest.TruncatedBody())
			},
			told: toldOK, count: 0},
		moneyCase{name: "confirm/declined, applied-and-lost answer", op: confirm, token: polartest.TokenDeclined,
			prepare: inject(confirm, lost), told: toldErr, is: polar.ErrPaymentFailed, count: 0},
		moneyCase{name: "confirm/over Polar's confirm rate limit", op: confirm, server: []polartest.Option{polartest.WithConfirmRateLimit()},
			prepare: func(rg *rig, _ *polar.Checkout, _ *probe) {
				for i := range 6 { // Polar allows 6 a minute per address
					co := rg.checkoutFor(fmt.Sprintf("earlier-%d", i))
					if _, err := rg.setup.Checkouts.ClientConfirm(context.Background(), co.ClientSecret, payer(polartest.TokenSuccess)); err != nil {
						rg.t.Fatalf("earlier confirmation: %v", err)
					}
				}
			},
			told: toldErr, is: polar.ErrRateLimited, count: 0},
	)
}

func TestMoneySafety(t *testing.T) {
	t.Parallel()
	for _, mc := range moneyCases() {
		t.Run(mc.name, func(t *testing.T) {
			t.Parallel()
			report(t, runMoney(t, mc))
		})
	}
}

// runMoney runs one case and returns how it breaks the rules.
func runMoney(t *testing.T, mc moneyCase) []string {
	rg := newRig(t, mc.server...)
	var co *polar.Checkout
	if mc.op == polartest.OpClientConfirm {
		product := mc.product
		if product == "" {
			product = polartest.ProductOneTimeID
		}
		var err error
		co, err = rg.setup.Checkouts.Create(context.Background(), &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(product)}})
		if err != nil {
			t.Fatalf("setup create: %v", err)
		}
	}
	p := newProbe()
	c := rg.client(p, newTransport(t, p, mc.refuse, true), mc.opts...)
	if mc.prepare != nil {
		mc.prepare(rg, co, p)
	}
	before := rg.h.Stats()
	confirmsBefore := 0
	if co != nil {
		confirmsBefore = rg.h.ConfirmCount(co.ID.String())
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var err error
	secrets := []string{accessToken}
	switch mc.op {
	case polartest.OpCreate:
		body := mc.body
		if body == nil {
			body = createBody("money")
		}
		_, err = c.Checkouts.Create(ctx, body)
	default:
		token := mc.token
		if token == "" {
			token = polartest.TokenSuccess
		}
		secrets = append(secrets, co.ClientSecret)
		var got *polar.CheckoutPublicConfirmed
		got, err = c.Checkouts.ClientConfirm(ctx, co.ClientSecret, payer(token))
		if err == nil && !within(string(got.Status), wantStatus(polartest.OpClientConfirm)) {
			t.Errorf("confirmation returned status %q", got.Status)
		}
	}
	rg.close()
	after := rg.h.Stats()

	count := after.Applied[polartest.OpCreate] - before.Applied[polartest.OpCreate]
	if co != nil {
		count = rg.h.ConfirmCount(co.ID.String()) - confirmsBefore
		if n := after.Applied[polartest.OpClientConfirm] - before.Applied[polartest.OpClientConfirm]; n != count {
			t.Errorf("Stats().Applied[confirm] %d, ConfirmCount %d", n, count)
		}
	}
	got := toldOf(err)
	t.Logf("told %s (%v); applied %d", got, err, count)

	var fails []string
	failf := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }
	// The rule, whatever the case expected.
	switch got {
	case toldOK:
		// Success: this call created one session, or the session is
		// confirmed exactly once (by this call or, read back, an earlier).
		if total := count + confirmsBefore; total != 1 || (co == nil && count != 1) {
			failf("told success, applied %d times by this call, %d before (want exactly 1 in all)", count, confirmsBefore)
		}
		if mc.count != count {
			failf("told success with %d applied by this call, the case documents %d", count, mc.count)
		}
	case toldMaybe:
		if count > 1 {
			failf("told ErrMaybeApplied, applied %d times (never 2)", count)
		}
	case toldErr:
		if count != 0 {
			failf("told a plain error (%v), but applied %d times (want 0)", err, count)
		}
	}
	// What this case documents.
	if got != mc.told {
		failf("told %s (%v), want %s", got, err, mc.told)
	} else if got == toldMaybe && count != mc.count {
		failf("ErrMaybeApplied with %d applied, the case documents %d", count, mc.count)
	}
	if err != nil {
		if mc.is != nil && !errors.Is(err, mc.is) {
			failf("error %v does not match %v", err, mc.is)
		}
		if s := leaks(err.Error(), secrets...); len(s) > 0 {
			failf("Error() leaks %q", s)
		}
	}
	return fails
}

// TestMoneyConcurrentConfirm: 50 goroutines confirm the same checkout
// through one shared client while faults hit the confirmations and the
// reconciliation reads. Exactly one confirmation may be applied, and every
// caller hears one of: the confirmed checkout, ErrCheckoutNotOpen,
// ErrMaybeApplied, ErrCheckoutLocked.
func TestMoneyConcurrentConfirm(t *testing.T) {
	t.Parallel()
	rep := func(n int, f polartest.Fault) []polartest.Fault {
		out := make([]polartest.Fault, n)
		for i := range out {
			out[i] = f
		}
		return out
	}
	cat := func(parts ...[]polartest.Fault) []polartest.Fault {
		var out []polartest.Fault
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	// Each mix has at most two 429/503 for the confirmations: three in a
	// row for one caller would exhaust its retries and give it a plain
	// 429/503 error (nothing applied, but not an answer this test allows).
	mixes := []struct {
		name           string
		confirm, reads []polartest.Fault
	}{
		{"no faults", nil, nil},
		{"the winner's answer is lost", cat(
			rep(1, polartest.ResetAfterApply()), rep(3, polartest.Respond(500, "")), rep(3, polartest.ResetBeforeBody()),
			rep(5, polartest.Respond(409, "")), rep(2, polartest.Respond(503, "")),
		), rep(5, polartest.Respond(500, ""))},
		{"failures first, then a lost answer", cat(
			rep(5, polartest.Respond(500, "")), rep(5, polartest.ResetBeforeBody()), rep(3, polartest.HTMLError(502)),
			rep(5, polartest.Respond(409, "")), rep(1, polartest.TruncatedBody()), rep(1, polartest.GarbageBody()),
			rep(2, polartest.ResetAfterApply()),
		), cat(rep(3, polartest.ResetBeforeBody()), rep(3, polartest.Respond(500, "")))},
		{"slow and ambiguous", cat(
			rep(5, polartest.Delay(30*ms)), rep(5, polartest.ResetAfterBody()), rep(5, polartest.Respond(504, "")),
			rep(2, polartest.Respond(429, "")), rep(3, polartest.GarbageBody()),
		), rep(10, polartest.Respond(502, ""))},
		{"every read fails", rep(10, polartest.ResetAfterApply()), rep(200, polartest.Respond(500, ""))},
	}
	for _, mix := range mixes {
		t.Run(mix.name, func(t *testing.T) {
			t.Parallel()
			const callers = 50
			rg := newRig(t)
			co := rg.checkout()
			for _, f := range mix.confirm {
				rg.h.InjectFault(polartest.OpClientConfirm, 1, f)
			}
			for _, f := range mix.reads {
				rg.h.InjectFault(polartest.OpClientGet, 1, f)
			}
			p := newProbe()
			c := rg.client(p, newTransport(t, p, refuseNone, true))
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()

			start := make(chan struct{})
			results := make([]error, callers)
			statuses := make([]string, callers)
			var wg sync.WaitGroup
			for i := range callers {
				wg.Go(func() {
					<-start
					got, err := c.Checkouts.ClientConfirm(ctx, co.ClientSecret, payer(polartest.TokenSuccess))
					results[i] = err
					if err == nil {
						statuses[i] = string(got.Status)
					}
				})
			}
			close(start)
			wg.Wait()
			rg.close()

			if n := rg.h.ConfirmCount(co.ID.String()); n != 1 {
				t.Errorf("ConfirmCount = %d, want exactly 1", n)
			}
			if n := rg.h.Stats().Applied[polartest.OpClientConfirm]; n != 1 {
				t.Errorf("Stats().Applied[confirm] = %d, want exactly 1", n)
			}
			seen := map[string]int{}
			for i, err := range results {
				var what string
				switch {
				case err == nil && within(statuses[i], wantStatus(polartest.OpClientConfirm)):
					what = "confirmed checkout"
				case err == nil:
					t.Errorf("caller %d: success with status %q", i, statuses[i])
					continue
				case errors.Is(err, polar.ErrMaybeApplied):
					what = "ErrMaybeApplied"
				case errors.Is(err, polar.ErrCheckoutNotOpen):
					what = "ErrCheckoutNotOpen"
				case errors.Is(err, polar.ErrCheckoutLocked):
					what = "ErrCheckoutLocked"
				default:
					t.Errorf("caller %d: unexpected error %v", i, err)
					continue
				}
				if err != nil {
					if s := leaks(err.Error(), accessToken, co.ClientSecret); len(s) > 0 {
						t.Errorf("caller %d: error leaks %q", i, s)
					}
				}
				seen[what]++
			}
			keys := make([]string, 0, len(seen))
			for k := range seen {
				keys = append(keys, fmt.Sprintf("%s: %d", k, seen[k]))
			}
			sort.Strings(keys)
			t.Logf("%d callers: %s; 1 confirmation applied", callers, strings.Join(keys, ", "))
		})
	}
}
