package faults

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

var update = flag.Bool("update", false, "rewrite OUTCOMES.md from the matrix")

const ms = time.Millisecond

// Backoffs of the default policy: 500 ms (1 s after a 429 without
// Retry-After), minus up to a quarter of jitter.
var (
	backoff     = span{375 * ms, 500 * ms}
	rateBackoff = span{750 * ms, time.Second}
)

// Client settings of the cells that need them.
const (
	cellAttemptTimeout = time.Second // the "timeout" fault: the server waits much longer
	cellMaxResponse    = 32          // bytes: every normal answer is "oversize"
)

// faultCase is one column of the matrix: a failure and how it is made.
type faultCase struct {
	name   string
	how    string // for OUTCOMES.md
	inject func(h *polartest.Handler, op polartest.Op)
	refuse refuseMode
	opts   []polar.Option
	wait   span // bounds of the first wait, when the call waited
}

// once injects f for the next request of the operation.
func once(f polartest.Fault) func(*polartest.Handler, polartest.Op) {
	return func(h *polartest.Handler, op polartest.Op) { h.InjectFault(op, 1, f) }
}

// row is the expected outcome of each operation under one fault.
type row struct {
	f                                                                 faultCase
	list, create, get, update, clientGet, clientUpdate, clientConfirm want
}

func (r row) want(op polartest.Op) want {
	switch op {
	case polartest.OpList:
		return r.list
	case polartest.OpCreate:
		return r.create
	case polartest.OpGet:
		return r.get
	case polartest.OpUpdate:
		return r.update
	case polartest.OpClientGet:
		return r.clientGet
	case polartest.OpClientUpdate:
		return r.clientUpdate
	}
	return r.clientConfirm
}

// matrix is the expected outcome of every operation under every fault,
// from the rules documented on polar.RetryPolicy and ClientConfirm:
//   - GET (list, get, clientGet) and PATCH (update, clientUpdate) are
//     retried on connection errors, timeouts, 408, 429, 500, 502, 503,
//     504 and 520–527 (2 retries, so 3 attempts at most);
//   - POST create and clientConfirm are resent only when the request
//     provably did not take effect: a refused dial or a 429. A 4xx in
//     Polar's error envelope is a final answer. Anything else — 5xx (503
//     included), Cloudflare's 520–527, HTML and text pages, resets after
//     the write, timeouts, 2xx bodies of the wrong shape — is ambiguous:
//     create returns ErrMaybeApplied, and clientConfirm reads the session
//     back (ClientGet): confirmed → success, still open → sent once more;
//   - a Retry-After over 8 s is not waited for: *RateLimitError at once,
//     for a 429 and for a 503 (on a POST the 503 is also ErrMaybeApplied);
//   - an oversize body and an undecodable 2xx are not retried.
//
// Every cell starts from one open one-time checkout; only the operation
// under test gets the fault, once.
func matrix() []row {
	// Outcomes shared by several faults.
	ambiguousStatus := func(f faultCase, status int) row {
		return row{f: f,
			list: retried(2, 0), get: retried(2, 0), clientGet: retried(2, 0),
			update: retried(2, 1), clientUpdate: retried(2, 1),
			create:        maybeAPI(status, 0),
			clientConfirm: reconciled(2, 1),
		}
	}
	ambiguousAfterApply := func(f faultCase, status int) row { // applied, then an error page instead of the answer
		return row{f: f,
			list: retried(2, 0), get: retried(2, 0), clientGet: retried(2, 0),
			update: retried(2, 2), clientUpdate: retried(2, 2),
			create:        maybeAPI(status, 1),
			clientConfirm: reconciled(1, 1),
		}
	}
	wrongShape := func(f faultCase, status int) row { // applied, then a 2xx that is not the model
		return row{f: f,
			list: decodeError(status, 0), get: decodeError(status, 0), clientGet: decodeError(status, 0),
			update: decodeError(status, 1), clientUpdate: decodeError(status, 1),
			create:        maybeDecode(status, 1),
			clientConfirm: reconciled(1, 1),
		}
	}
	notApplied := func(f faultCase) row { // 429s and refused dials: retried
		return row{f: f,
			list: retried(2, 0), get: retried(2, 0), clientGet: retried(2, 0),
			update: retried(2, 1), clientUpdate: retried(2, 1),
			create: retried(2, 1), clientConfirm: retried(2, 1),
		}
	}
	lostBeforeApply := func(f faultCase, is error) row { // the request died before it took effect
		return row{f: f,
			list: retried(2, 0), get: retried(2, 0), clientGet: retried(2, 0),
			update: retried(2, 1), clientUpdate: retried(2, 1),
			create:        maybeReq(0, is),
			clientConfirm: reconciled(2, 1),
		}
	}
	lostAfterApply := func(f faultCase) row { // applied, then the answer was lost
		return row{f: f,
			list: retried(2, 0), get: retried(2, 0), clientGet: retried(2, 0),
			update: retried(2, 2), clientUpdate: retried(2, 2),
			create:        maybeReq(1, nil),
			clientConfirm: reconciled(1, 1),
		}
	}
	retryAfterDate := func(h *polartest.Handler, op polartest.Op) {
		// Seconds resolution: 2 to 3 s ahead when the client reads it.
		at := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
		h.InjectFault(op, 1, polartest.Respond(429, at))
	}
	rl := func(ra time.Duration) want { return rateLimited(ra) }
	rl503 := func(ra time.Duration) want { w := rateLimited(ra); w.status = 503; return w }
	down := reqErr(3, nil)
	tooBig := reqErr(1, polar.ErrResponseTooLarge)

	rows := []row{
		ambiguousStatus(faultCase{name: "500", how: "`Respond(500, \"\")` (JSON body)", inject: once(polartest.Respond(500, "")), wait: backoff}, 500),
		ambiguousStatus(faultCase{name: "502", how: "`Respond(502, \"\")` (JSON body)", inject: once(polartest.Respond(502, "")), wait: backoff}, 502),
		ambiguousStatus(faultCase{name: "503", how: "`Respond(503, \"\")` (empty body, as a load balancer's)", inject: once(polartest.Respond(503, "")), wait: backoff}, 503),
		ambiguousStatus(faultCase{name: "Envoy 503 text", how: "`ProxyText(503, EnvoyUpstreamReset)`: text/plain, nothing applied", inject: once(polartest.ProxyText(503, polartest.EnvoyUpstreamReset)), wait: backoff}, 503),
		ambiguousAfterApply(faultCase{name: "Envoy 503 text after apply", how: "the same after the request was applied", inject: once(polartest.ProxyText(503, polartest.EnvoyUpstreamReset).AfterApplying()), wait: backoff}, 503),
		ambiguousStatus(faultCase{name: "504", how: "`Respond(504, \"\")` (JSON body)", inject: once(polartest.Respond(504, "")), wait: backoff}, 504),
		ambiguousStatus(faultCase{name: "408", how: "`Respond(408, \"\")` (JSON body)", inject: once(polartest.Respond(408, "")), wait: backoff}, 408),
		notApplied(faultCase{name: "429 Retry-After 1", how: "`Respond(429, \"1\")`: waits 1 s", inject: once(polartest.Respond(429, "1")), wait: span{time.Second, time.Second}}),
		notApplied(faultCase{name: "429 Retry-After date", how: "`Respond(429, <HTTP date 2-3 s ahead>)`: waits until then", inject: retryAfterDate, wait: span{time.Second, 3 * time.Second}}),
		{f: faultCase{name: "429 Retry-After 3600", how: "`Respond(429, \"3600\")`: longer than MaxRetryAfter (8 s)", inject: once(polartest.Respond(429, "3600"))},
			list: rl(time.Hour), create: rl(time.Hour), get: rl(time.Hour), update: rl(time.Hour),
			clientGet: rl(time.Hour), clientUpdate: rl(time.Hour), clientConfirm: rl(time.Hour)},
		notApplied(faultCase{name: "429 no Retry-After", how: "`Respond(429, \"\")`: waits RateLimitBaseDelay (1 s, jittered)", inject: once(polartest.Respond(429, "")), wait: rateBackoff}),
		notApplied(faultCase{name: "refused, then up", how: "transport whose first dial goes to a closed port", refuse: refuseFirst, wait: backoff}),
		{f: faultCase{name: "refused (server down)", how: "transport whose every dial goes to a closed port", refuse: refuseAll, wait: backoff},
			list: down, create: down, get: down, update: down, clientGet: down, clientUpdate: down, clientConfirm: down},
		lostBeforeApply(faultCase{name: "reset before body", how: "`ResetBeforeBody()`: RST before the request is read", inject: once(polartest.ResetBeforeBody()), wait: backoff}, nil),
		lostBeforeApply(faultCase{name: "reset after body", how: "`ResetAfterBody()`: RST after the body is read, nothing applied", inject: once(polartest.ResetAfterBody()), wait: backoff}, nil),
		lostAfterApply(faultCase{name: "reset after apply", how: "`ResetAfterApply()`: applied, then RST instead of the answer", inject: once(polartest.ResetAfterApply()), wait: backoff}),
		lostBeforeApply(faultCase{name: "timeout", how: "`Delay(10s)` with `WithAttemptTimeout(1s)`: the client gives up, the server then applies nothing (real time)",
			inject: once(polartest.Delay(10 * time.Second)), opts: []polar.Option{polar.WithAttemptTimeout(cellAttemptTimeout)}, wait: backoff}, context.DeadlineExceeded),
		lostAfterApply(faultCase{name: "truncated body", how: "`TruncatedBody()`: applied, half the body, connection closed", inject: once(polartest.TruncatedBody()), wait: backoff}),
		ambiguousStatus(faultCase{name: "HTML 502", how: "`HTMLError(502)`: a proxy's HTML page", inject: once(polartest.HTMLError(502)), wait: backoff}, 502),
		{f: faultCase{name: "empty 2xx body", how: "`Respond(204, \"\")`: a 2xx without a body, nothing applied (an empty 503 is the 503 column)", inject: once(polartest.Respond(http.StatusNoContent, ""))},
			list: decodeError(204, 0), get: decodeError(204, 0), clientGet: decodeError(204, 0),
			update: decodeError(204, 0), clientUpdate: decodeError(204, 0),
			create:        maybeDecode(204, 0),
			clientConfirm: reconciled(2, 1)},
		{f: faultCase{name: "HTML 200", how: "`GarbageBody()`: applied, then a 200 HTML page (captive portal)", inject: once(polartest.GarbageBody())},
			list: decodeError(200, 0), get: decodeError(200, 0), clientGet: decodeError(200, 0),
			update: decodeError(200, 1), clientUpdate: decodeError(200, 1),
			create:        maybeDecode(200, 1),
			clientConfirm: reconciled(1, 1)},
		ambiguousAfterApply(faultCase{name: "HTML 502 after apply", how: "`HTMLError(502).AfterApplying()`", inject: once(polartest.HTMLError(502).AfterApplying()), wait: backoff}, 502),
		ambiguousAfterApply(faultCase{name: "Cloudflare 524 after apply", how: "`CDNError(524).AfterApplying()`: \"A timeout occurred\" once the origin applied it", inject: once(polartest.CDNError(524).AfterApplying()), wait: backoff}, 524),
		ambiguousAfterApply(faultCase{name: "Cloudflare 520 after apply", how: "`CDNError(520).AfterApplying()`", inject: once(polartest.CDNError(520).AfterApplying()), wait: backoff}, 520),
		wrongShape(faultCase{name: "200 {}", how: "`WrongShape(200, \"{}\")`: applied, then an empty object", inject: once(polartest.WrongShape(200, "{}"))}, 200),
		wrongShape(faultCase{name: "200 null", how: "`WrongShape(200, \"null\")`", inject: once(polartest.WrongShape(200, "null"))}, 200),
		wrongShape(faultCase{name: "200 []", how: "`WrongShape(200, \"[]\")`", inject: once(polartest.WrongShape(200, "[]"))}, 200),
		wrongShape(faultCase{name: "200 status ok", how: "`WrongShape(200, `{\"status\":\"ok\"}`)`: a health check's answer", inject: once(polartest.WrongShape(200, `{"status":"ok"}`))}, 200),
		wrongShape(faultCase{name: "200 error envelope", how: "`WrongShape(200, `{\"error\":\"ResourceNotFound\",\"detail\":\"Not found\"}`)`", inject: once(polartest.WrongShape(200, `{"error":"ResourceNotFound","detail":"Not found"}`))}, 200),
		wrongShape(faultCase{name: "201 {}", how: "`WrongShape(201, \"{}\")`", inject: once(polartest.WrongShape(201, "{}"))}, 201),
		{f: faultCase{name: "429 Retry-After 1e10 s", how: "`Respond(429, \"10000000000\")`: too long to wait, not \"absent\"", inject: once(polartest.Respond(429, "10000000000"))},
			list: rl(polar.MaxRetryAfterHint), create: rl(polar.MaxRetryAfterHint), get: rl(polar.MaxRetryAfterHint), update: rl(polar.MaxRetryAfterHint),
			clientGet: rl(polar.MaxRetryAfterHint), clientUpdate: rl(polar.MaxRetryAfterHint), clientConfirm: rl(polar.MaxRetryAfterHint)},
		{f: faultCase{name: "429 Retry-After past int64", how: "`Respond(429, \"99999999999999999999999\")`", inject: once(polartest.Respond(429, "99999999999999999999999"))},
			list: rl(polar.MaxRetryAfterHint), create: rl(polar.MaxRetryAfterHint), get: rl(polar.MaxRetryAfterHint), update: rl(polar.MaxRetryAfterHint),
			clientGet: rl(polar.MaxRetryAfterHint), clientUpdate: rl(polar.MaxRetryAfterHint), clientConfirm: rl(polar.MaxRetryAfterHint)},
		{f: faultCase{name: "429 two Retry-After", how: "two headers, `1` and `3600`: the longest wins", inject: once(polartest.Fault{Kind: polartest.FaultRespond, Status: 429, Header: http.Header{"Retry-After": {"1", "3600"}}})},
			list: rl(time.Hour), create: rl(time.Hour), get: rl(time.Hour), update: rl(time.Hour),
			clientGet: rl(time.Hour), clientUpdate: rl(time.Hour), clientConfirm: rl(time.Hour)},
		{f: faultCase{name: "503 Retry-After 3600", how: "`Respond(503, \"3600\")`: reported like a 429", inject: once(polartest.Respond(503, "3600"))},
			list: rl503(time.Hour), get: rl503(time.Hour), update: rl503(time.Hour), clientGet: rl503(time.Hour), clientUpdate: rl503(time.Hour),
			create: maybeRL(time.Hour, 0), clientConfirm: reconciled(2, 1)},
		{f: faultCase{name: "oversize body", how: fmt.Sprintf("no fault; `WithMaxResponseBytes(%d)` makes every normal answer too large", cellMaxResponse), opts: []polar.Option{polar.WithMaxResponseBytes(cellMaxResponse)}},
			list: tooBig, get: tooBig, clientGet: tooBig,
			update: tooBig.withApplied(1), clientUpdate: tooBig.withApplied(1),
			create:        maybeReq(1, polar.ErrResponseTooLarge),
			clientConfirm: maybeReq(1, polar.ErrResponseTooLarge).withReads(1)},
	}
	// Cloudflare's own 5xx pages, before the origin applied anything.
	for status := 520; status <= 527; status++ {
		rows = append(rows, ambiguousStatus(faultCase{name: fmt.Sprintf("Cloudflare %d", status),
			how: fmt.Sprintf("`CDNError(%d)`: Cloudflare's HTML page, nothing applied", status), inject: once(polartest.CDNError(status)), wait: backoff}, status))
	}
	return rows
}

// seen is how many attempts of an operation reach the server.
func (f faultCase) seen(attempts int) int {
	switch f.refuse {
	case refuseFirst:
		return attempts - 1
	case refuseAll:
		return 0
	}
	return attempts
}

func TestMatrix(t *testing.T) {
	t.Parallel()
	for _, r := range matrix() {
		t.Run(r.f.name, func(t *testing.T) {
			t.Parallel()
			for _, op := range ops {
				w := r.want(op.op)
				t.Run(op.name, func(t *testing.T) {
					t.Parallel()
					report(t, runCell(t, r.f, op, w))
				})
			}
		})
	}
}

// runCell runs one operation under one fault and returns how the outcome
// differs from w.
func runCell(t *testing.T, f faultCase, op opSpec, w want) []string {
	rg := newRig(t)
	co := rg.checkout()
	before := rg.h.Stats()
	p := newProbe()
	c := rg.client(p, transport(t, p, f.refuse), f.opts...)
	if f.inject != nil {
		f.inject(rg.h, op.op)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	status, err := op.call(ctx, c, co)
	rg.close() // waits for the handlers: the counts are final
	after := rg.h.Stats()

	fails := checkErr(err, w, accessToken, co.ClientSecret)
	failf := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }
	if err == nil && !within(status, wantStatus(op.op)) {
		failf("returned status %q, want one of %v", status, wantStatus(op.op))
	}
	if got := p.attempts(op.op); got != w.attempts {
		failf("SDK attempts %d, want %d", got, w.attempts)
	}
	if got, want := after.Requests[op.op]-before.Requests[op.op], f.seen(w.attempts); got != want {
		failf("server saw %d requests, want %d", got, want)
	}
	if got, want := p.refusedDials(), w.attempts-f.seen(w.attempts); got != want {
		failf("refused dials %d, want %d", got, want)
	}
	for _, o := range ops {
		got := after.Applied[o.op] - before.Applied[o.op]
		want := 0
		if o.op == op.op {
			want = w.applied
		}
		if got != want {
			failf("applied %s %d times, want %d", o.name, got, want)
		}
	}
	if op.op == polartest.OpClientConfirm {
		if got := after.Requests[polartest.OpClientGet] - before.Requests[polartest.OpClientGet]; got != w.reads {
			failf("reconciliation reads %d, want %d", got, w.reads)
		}
		if got := rg.h.ConfirmCount(co.ID.String()); got != w.applied {
			failf("ConfirmCount %d, want %d", got, w.applied)
		}
	}
	waits := p.recordedWaits()
	if len(waits) != w.waits {
		failf("waits %v, want %d", waits, w.waits)
	} else if len(waits) > 0 && !f.wait.has(waits[0]) {
		failf("first wait %s, want within [%s, %s]", waits[0], f.wait.lo, f.wait.hi)
	}
	return fails
}

// groups are the columns of OUTCOMES.md: operations that share rules.
var groups = []struct {
	title string
	ops   []polartest.Op
}{
	{"list, get, clientGet (GET)", []polartest.Op{polartest.OpList, polartest.OpGet, polartest.OpClientGet}},
	{"update, clientUpdate (PATCH)", []polartest.Op{polartest.OpUpdate, polartest.OpClientUpdate}},
	{"create (POST)", []polartest.Op{polartest.OpCreate}},
	{"clientConfirm (POST)", []polartest.Op{polartest.OpClientConfirm}},
}

func opByID(op polartest.Op) opSpec {
	for _, o := range ops {
		if o.op == op {
			return o
		}
	}
	panic("unknown op " + op)
}

// outcomesMarkdown renders the matrix for the README.
func outcomesMarkdown() string {
	var b strings.Builder
	b.WriteString(`<!-- Generated by: cd tests && go test ./faults/ -run TestOutcomesFile -update. Do not edit. -->

# Retries and errors: what each operation does under each fault

Each cell is checked by TestMatrix (tests/faults/matrix_test.go) against the
polartest fake server, with the default retry policy (2 retries, backoff
from 500 ms, 1 s after a 429 without Retry-After, Retry-After honoured up to
8 s). The fault hits the first request of the operation only. "Attempts" are
the requests the SDK sent; "applied" is how many times the server changed
state for the operation.

The rules behind the table:

- GET (list, get, clientGet) and PATCH (update, clientUpdate, which set
  absolute values) are retried on connection errors, timeouts, 408, 429,
  500, 502, 503, 504 and Cloudflare's 520-527.
- POST (create, clientConfirm) is resent only on evidence that Polar did
  not apply it: the connection was refused (nothing written), or Polar
  answered 429. A 4xx in Polar's own JSON error envelope is a final answer
  (nothing applied). Anything else is ambiguous: 5xx (503 included),
  Cloudflare's 520-527, HTML and text pages (Envoy's "upstream connect
  error..."), resets after the write, timeouts, and 2xx bodies that are
  cut off, too large or of the wrong shape (` + "`{}`, `null`, `[]`" + `, an error
  envelope under 200). Then create returns an error matching
  ` + "`polar.ErrMaybeApplied`" + ` (look the checkout up before creating another), and
  clientConfirm reads the session back: confirmed or succeeded means an
  attempt landed (success); still open means it did not, and the
  confirmation is sent once more (never a third time).
- A Retry-After longer than 8 s is not waited for: ` + "`*polar.RateLimitError`" + `
  at once, with its RetryAfter (the longest of several headers; a value too
  large to represent is ` + "`polar.MaxRetryAfterHint`" + `). A 503 with one is
  reported the same way; on create it also matches ` + "`polar.ErrMaybeApplied`" + `.
- A body over the response cap and a 2xx body that does not decode are not
  retried.

| Fault | How the test makes it |`)
	for _, g := range groups {
		b.WriteString(" " + g.title + " |")
	}
	b.WriteString("\n|---|---|")
	for range groups {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range matrix() {
		fmt.Fprintf(&b, "| %s | %s |", r.f.name, r.f.how)
		for _, g := range groups {
			var texts []string
			same := true
			for i, op := range g.ops {
				w := r.want(op)
				s := w.text(opByID(op).mutates, r.f.seen(w.attempts))
				texts = append(texts, s)
				if i > 0 && s != texts[0] {
					same = false
				}
			}
			if same {
				b.WriteString(" " + texts[0] + " |")
				continue
			}
			for i := range texts {
				texts[i] = string(g.ops[i]) + ": " + texts[i]
			}
			b.WriteString(" " + strings.Join(texts, "<br>") + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestOutcomesFile(t *testing.T) {
	t.Parallel()
	const file = "OUTCOMES.md"
	md := outcomesMarkdown()
	if *update {
		if err := os.WriteFile(file, []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v: generate it with: go test ./faults/ -run TestOutcomesFile -update", err)
	}
	if string(got) != md {
		t.Errorf("%s is stale: regenerate it with: go test ./faults/ -run TestOutcomesFile -update", file)
	}
}
