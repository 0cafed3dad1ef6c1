package polartest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// send posts a create through a plain http.Client without keep-alive (so
// that net/http never resends on its own) and returns what the client saw.
func (e *env) send(method, path, body string) (*http.Response, []byte, error) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+polartest.Token)
	resp, err := e.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

const createBody = `{"products":["` + polartest.ProductOneTimeID + `"]}`

func TestFaultKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fault   polartest.Fault
		applied bool
		check   func(t *testing.T, resp *http.Response, body []byte, err error)
	}{
		{"503 with an empty body", polartest.Respond(503, ""), false, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 503 || len(body) != 0 || resp.Header.Get("Polar-Version") != "2026-04" {
				t.Errorf("%v %v %q", err, resp, body)
			}
		}},
		{"429 with Retry-After", polartest.Respond(429, "7"), false, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 429 || len(body) != 0 || resp.Header.Get("Retry-After") != "7" {
				t.Errorf("%v %v %q", err, resp, body)
			}
		}},
		{"409 with Polar's body", polartest.Respond(409, ""), false, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 409 || !strings.Contains(string(body), `"error":"CheckoutLocked"`) || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("%v %v %q", err, resp, body)
			}
		}},
		{"500 with a JSON body", polartest.Respond(500, ""), false, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 500 || !strings.HasPrefix(string(body), "{") {
				t.Errorf("%v %v %q", err, resp, body)
			}
		}},
		{"custom body", polartest.Fault{Kind: polartest.FaultRespond, Status: 418, Body: "teapot", ContentType: "text/plain"}, false, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 418 || string(body) != "teapot" || resp.Header.Get("Content-Type") != "text/plain" {
				t.Errorf("%v %v %q", err, resp, body)
			}
		}},
		{"delay", polartest.Delay(30 * time.Millisecond), true, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 201 {
				t.Errorf("%v %v %q", err, resp, body)
			}
		}},
		{"reset before the body", polartest.ResetBeforeBody(), false, wantReset},
		{"reset after the body", polartest.ResetAfterBody(), false, wantReset},
		{"reset after applying", polartest.ResetAfterApply(), true, wantReset},
		{"truncated body", polartest.TruncatedBody(), true, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if !errors.Is(err, io.ErrUnexpectedEOF) || resp.StatusCode != 201 || len(body) == 0 || strings.HasSuffix(string(body), "}") {
				t.Errorf("%v %v %q", err, resp, body)
			}
		}},
		{"garbage body", polartest.GarbageBody(), true, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(string(body), "<html>") || resp.Header.Get("Content-Type") != "text/html" {
				t.Errorf("%v %v %q", err, resp, body)
			}
		}},
		{"proxy error page", polartest.HTMLError(502), false, func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != 502 || !strings.Contains(string(body), "502 Bad Gateway") || resp.Header.Get("Content-Type") != "text/html" {
				t.Errorf("%v %v %q", err, resp, body)
			}
		}},
		{"slow failure", polartest.Fault{Kind: polartest.FaultResetAfterApply, Delay: 20 * time.Millisecond}, true, wantReset},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.h.InjectFault(polartest.OpCreate, 1, tc.fault)
			start := time.Now()
			resp, body, err := e.send(http.MethodPost, "/v1/checkouts/", createBody)
			if resp != nil && resp.Body != nil {
				defer resp.Body.Close()
			}
			tc.check(t, resp, body, err)
			if tc.fault.Delay > 0 && time.Since(start) < tc.fault.Delay {
				t.Errorf("answered after %v, before the %v delay", time.Since(start), tc.fault.Delay)
			}
			want := 0
			if tc.applied {
				want = 1
			}
			s := e.h.Stats()
			if e.h.CheckoutCount() != want || s.Applied[polartest.OpCreate] != want || s.Requests[polartest.OpCreate] != 1 {
				t.Errorf("checkouts %d, stats %v; applied should be %v", e.h.CheckoutCount(), s, tc.applied)
			}
			// The fault is used up: the next request is normal.
			if resp, _, err := e.send(http.MethodPost, "/v1/checkouts/", createBody); err != nil || resp.StatusCode != 201 {
				t.Errorf("next request: %v %v", resp, err)
			}
		})
	}
}

// wantReset checks that the client saw the connection reset.
func wantReset(t *testing.T, resp *http.Response, body []byte, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error: %v %q", resp, body)
	}
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "reset") {
		t.Errorf("error %v is not a reset", err)
	}
}

func TestFaultQueue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.h.InjectFault(polartest.OpList, 2, polartest.Respond(503, ""))
	e.h.InjectFault(polartest.OpList, 1, polartest.Respond(502, ""))
	e.h.InjectFault(polartest.OpList, 0, polartest.Respond(500, "")) // nothing
	var got []int
	for range 5 {
		got = append(got, e.do(http.MethodGet, "/v1/checkouts/", nil, token...).status)
	}
	if want := []int{503, 503, 502, 200, 200}; !equalInts(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	// Faults are per operation, and ClearFaults drops them.
	e.h.InjectFault(polartest.OpGet, 5, polartest.Respond(500, ""))
	if r := e.do(http.MethodGet, "/v1/checkouts/", nil, token...); r.status != 200 {
		t.Errorf("list hit a get fault: %d", r.status)
	}
	e.h.ClearFaults()
	if r := e.do(http.MethodGet, "/v1/checkouts/20000000-0000-4000-8000-0000000000ff", nil, token...); r.status != 404 {
		t.Errorf("after ClearFaults: %d", r.status)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDelayedRequestAbandoned(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.h.InjectFault(polartest.OpCreate, 1, polartest.Delay(300*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+"/v1/checkouts/", strings.NewReader(createBody))
	req.Header.Set("Authorization", "Bearer "+polartest.Token)
	start := time.Now()
	if _, err := e.hc.Do(req); err == nil {
		t.Fatal("no timeout")
	}
	t.Cleanup(func() {
		// The handler returned when the client left, not after the delay.
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("server closed after %v", d)
		}
	})
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) && e.h.Stats().Requests[polartest.OpCreate] == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // past the delay
	if n := e.h.CheckoutCount(); n != 0 {
		t.Errorf("a request abandoned during its delay was applied (%d checkouts)", n)
	}
}

// The wrapper client's money-safety, observed through the fake.
func TestWrapperUnderFaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, err := e.srv.Client(polar.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	one := &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)}}

	// A create whose answer is lost is not resent: the caller is told.
	e.h.InjectFault(polartest.OpCreate, 1, polartest.ResetAfterApply())
	if _, err := c.Checkouts.Create(ctx, one); !errors.Is(err, polar.ErrMaybeApplied) {
		t.Errorf("create after reset: %v", err)
	}
	if n := e.h.Stats().Requests[polartest.OpCreate]; n != 1 || e.h.CheckoutCount() != 1 {
		t.Errorf("create sent %d times, %d checkouts", n, e.h.CheckoutCount())
	}

	// A confirmation whose answer is lost is reconciled, never paid twice.
	for _, f := range []polartest.Fault{polartest.ResetAfterApply(), polartest.TruncatedBody(), polartest.GarbageBody(), polartest.HTMLError(502)} {
		co, err := c.Checkouts.Create(ctx, one)
		if err != nil {
			t.Fatal(err)
		}
		e.h.InjectFault(polartest.OpClientConfirm, 1, f)
		body := &polar.CheckoutConfirmStripe{
			CustomerEmail:          polar.Value[polar.Email]("a@example.com"),
			CustomerName:           polar.Value("A"),
			CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR"}),
			ConfirmationTokenID:    polar.Value(polartest.TokenSuccess),
		}
		got, err := c.Checkouts.ClientConfirm(ctx, co.ClientSecret, body)
		if err != nil {
			t.Errorf("%v: %v", f.Kind, err)
			continue
		}
		if n := e.h.ConfirmCount(co.ID.String()); n != 1 {
			t.Errorf("%v: %d confirmations applied", f.Kind, n)
		}
		// Read back after a lost answer, the session may already show
		// the settled payment.
		if got.Status != "confirmed" && got.Status != "succeeded" {
			t.Errorf("%v: status %q", f.Kind, got.Status)
		}
	}

	// A 503 before anything happened is retried.
	co, _ := c.Checkouts.Create(ctx, one)
	e.h.InjectFault(polartest.OpClientConfirm, 1, polartest.Respond(503, "0"))
	if _, err := c.Checkouts.ClientConfirm(ctx, co.ClientSecret, &polar.CheckoutConfirmStripe{
		CustomerEmail: polar.Value[polar.Email]("a@example.com"), CustomerName: polar.Value("A"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR"}), ConfirmationTokenID: polar.Value(polartest.TokenSuccess),
	}); err != nil || e.h.ConfirmCount(co.ID.String()) != 1 {
		t.Errorf("confirm after a 503: %v, %d applied", err, e.h.ConfirmCount(co.ID.String()))
	}
}
