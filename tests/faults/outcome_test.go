package faults

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// kind is the class of an outcome.
type kind int

const (
	succeeds     kind = iota
	apiErr            // *polar.Error (not a rate limit)
	rateLimitErr      // *polar.RateLimitError
	requestErr        // *polar.RequestError
	decodeErr         // *polar.DecodeError
	maybeApplied      // ErrMaybeApplied (*polar.MaybeAppliedError)
	otherErr
)

func (k kind) String() string {
	return [...]string{"success", "*Error", "*RateLimitError", "*RequestError", "*DecodeError", "ErrMaybeApplied", "other error"}[k]
}

// classify returns the outcome class of err, most specific first.
func classify(err error) kind {
	var (
		rl  *polar.RateLimitError
		de  *polar.DecodeError
		re  *polar.RequestError
		api *polar.Error
	)
	switch {
	case err == nil:
		return succeeds
	case errors.Is(err, polar.ErrMaybeApplied):
		return maybeApplied
	case errors.As(err, &rl):
		return rateLimitErr
	case errors.As(err, &de):
		return decodeErr
	case errors.As(err, &re):
		return requestErr
	case errors.As(err, &api):
		return apiErr
	}
	return otherErr
}

// want is the expected outcome of one call.
type want struct {
	kind     kind
	attempts int // requests of the operation the SDK sent (a refused dial is an attempt the server never sees)
	applied  int // changes the server made for the operation (Stats().Applied)
	reads    int // clientGet requests ClientConfirm made to reconcile
	waits    int // waits between attempts

	// For errors: the class of a MaybeAppliedError's cause, the HTTP
	// status and Attempts of the typed error, the Retry-After of a rate
	// limit, and a further errors.Is target.
	cause       kind
	status      int
	errAttempts int
	retryAfter  time.Duration
	is          error
}

// retried: succeeds after attempts attempts (attempts-1 waits), with
// applied changes.
func retried(attempts, applied int) want {
	return want{kind: succeeds, attempts: attempts, applied: applied, waits: attempts - 1}
}

// reconciled: ClientConfirm met an ambiguous failure, read the session
// (reads clientGet requests) and either found it confirmed (attempts 1)
// or found it open and sent the confirmation once more (attempts 2).
func reconciled(attempts, reads int) want {
	return want{kind: succeeds, attempts: attempts, applied: 1, reads: reads}
}

// maybeAPI: ErrMaybeApplied caused by a status, after one attempt.
func maybeAPI(status, applied int) want {
	return want{kind: maybeApplied, attempts: 1, applied: applied, cause: apiErr, status: status, errAttempts: 1}
}

// maybeReq: ErrMaybeApplied caused by a transport failure or unreadable
// body, after one attempt.
func maybeReq(applied int, is error) want {
	return want{kind: maybeApplied, attempts: 1, applied: applied, cause: requestErr, errAttempts: 1, is: is}
}

// maybeDecode: ErrMaybeApplied caused by a 2xx body that does not decode.
func maybeDecode(status, applied int) want {
	return want{kind: maybeApplied, attempts: 1, applied: applied, cause: decodeErr, status: status}
}

// rateLimited: a *RateLimitError after one attempt, not retried.
func rateLimited(retryAfter time.Duration) want {
	return want{kind: rateLimitErr, attempts: 1, status: 429, errAttempts: 1, retryAfter: retryAfter}
}

// maybeRL: ErrMaybeApplied caused by a 503 with a Retry-After too long to
// wait (so also ErrRateLimited), after one attempt.
func maybeRL(retryAfter time.Duration, applied int) want {
	return want{kind: maybeApplied, attempts: 1, applied: applied, cause: rateLimitErr, status: 503, errAttempts: 1, retryAfter: retryAfter, is: polar.ErrRateLimited}
}

// reqErr: a *RequestError after attempts attempts.
func reqErr(attempts int, is error) want {
	return want{kind: requestErr, attempts: attempts, errAttempts: attempts, waits: attempts - 1, is: is}
}

// decodeError: a *DecodeError of a 2xx, after one attempt.
func decodeError(status, applied int) want {
	return want{kind: decodeErr, attempts: 1, applied: applied, status: status}
}

func (w want) withReads(n int) want   { w.reads = n; return w }
func (w want) withApplied(n int) want { w.applied = n; return w }

// appliedText renders a count of applied changes.
func appliedText(n int) string {
	switch n {
	case 0:
		return "applied 0"
	case 1:
		return "applied once"
	case 2:
		return "applied twice"
	}
	return fmt.Sprintf("applied %d times", n)
}

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// isName names the sentinel errors the table uses.
func isName(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, polar.ErrResponseTooLarge):
		return "ErrResponseTooLarge"
	case errors.Is(err, polar.ErrRateLimited):
		return "ErrRateLimited"
	case err.Error() == "context deadline exceeded":
		return "DeadlineExceeded"
	}
	return err.Error()
}

// text renders the outcome for a reader, for an operation that mutates or
// not, with the server seeing seen of the attempts.
func (w want) text(mutates bool, seen int) string {
	var b strings.Builder
	attempts := plural(w.attempts, "attempt")
	if seen != w.attempts {
		attempts += fmt.Sprintf(" (server saw %d)", seen)
	}
	switch w.kind {
	case succeeds:
		switch {
		case w.reads > 0 && w.attempts == 1:
			b.WriteString("reconciled: read back confirmed, not resent")
		case w.reads > 0:
			b.WriteString("reconciled: read back still open, resent once, confirmed")
		case w.attempts == 1:
			b.WriteString("succeeds, 1 attempt")
		default:
			b.WriteString("retried, succeeds: " + attempts)
		}
	case maybeApplied:
		b.WriteString("ErrMaybeApplied (cause: " + w.cause.String())
		if w.status != 0 {
			fmt.Fprintf(&b, " %d", w.status)
		}
		if w.is != nil {
			b.WriteString(", " + isName(w.is))
		}
		b.WriteString("), " + attempts + ", not retried")
		if w.reads > 0 {
			b.WriteString("; reading back failed too")
		}
	case rateLimitErr:
		fmt.Fprintf(&b, "*RateLimitError: status %d, RetryAfter %s, %s, not retried", w.status, w.retryAfter, attempts)
	case requestErr:
		b.WriteString("*RequestError")
		if w.is != nil {
			b.WriteString(" (" + isName(w.is) + ")")
		}
		b.WriteString(", " + attempts)
		if w.attempts == 1 {
			b.WriteString(", not retried")
		}
	case decodeErr:
		fmt.Fprintf(&b, "*DecodeError: status %d, %s, not retried", w.status, attempts)
	case apiErr:
		fmt.Fprintf(&b, "*Error: status %d, %s", w.status, attempts)
	}
	if mutates {
		b.WriteString("; " + appliedText(w.applied))
		if w.applied == 2 {
			b.WriteString(" (PATCH sets absolute values)")
		}
	}
	return b.String()
}

// checkErr compares err with w and returns the differences.
func checkErr(err error, w want, secrets ...string) []string {
	var fails []string
	failf := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }
	if got := classify(err); got != w.kind {
		failf("outcome %s (%v), want %s", got, err, w.kind)
		return fails
	}
	if err == nil {
		return nil
	}
	if s := leaks(err.Error(), secrets...); len(s) > 0 {
		failf("Error() leaks %q: %s", s, err)
	}
	if w.is != nil && !errors.Is(err, w.is) {
		failf("errors.Is(err, %v) = false: %v", w.is, err)
	}
	target := err
	k := w.kind
	if w.kind == maybeApplied {
		var mae *polar.MaybeAppliedError
		if !errors.As(err, &mae) {
			failf("errors.As(*MaybeAppliedError) = false: %v", err)
			return fails
		}
		target, k = mae.Cause, w.cause
	}
	switch k {
	case apiErr, rateLimitErr:
		var api *polar.Error
		if !errors.As(target, &api) {
			failf("no *Error in %v", err)
			break
		}
		if api.StatusCode != w.status || api.Attempts != w.errAttempts {
			failf("*Error status %d, Attempts %d; want %d, %d", api.StatusCode, api.Attempts, w.status, w.errAttempts)
		}
		if k == rateLimitErr {
			var rl *polar.RateLimitError
			if !errors.As(target, &rl) || rl.RetryAfter != w.retryAfter || !errors.Is(err, polar.ErrRateLimited) {
				failf("*RateLimitError %+v, want RetryAfter %s and ErrRateLimited", rl, w.retryAfter)
			}
		}
	case requestErr:
		var re *polar.RequestError
		if !errors.As(target, &re) {
			failf("no *RequestError in %v", err)
			break
		}
		if re.Attempts != w.errAttempts {
			failf("*RequestError Attempts %d, want %d", re.Attempts, w.errAttempts)
		}
	case decodeErr:
		var de *polar.DecodeError
		if !errors.As(target, &de) {
			failf("no *DecodeError in %v", err)
			break
		}
		if de.StatusCode != w.status {
			failf("*DecodeError status %d, want %d", de.StatusCode, w.status)
		}
	}
	return fails
}

// report fails the test with every difference of a check.
func report(t *testing.T, fails []string) {
	t.Helper()
	for _, f := range fails {
		t.Error(f)
	}
}

// span is a closed range of durations.
type span struct{ lo, hi time.Duration }

func (s span) has(d time.Duration) bool { return d >= s.lo && d <= s.hi }

// within says whether v is one of vs.
func within(v string, vs []string) bool { return slices.Contains(vs, v) }
