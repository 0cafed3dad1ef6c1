package faults

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// An HTTP client or a middleware can break net/http's contract: return
// neither a response nor an error, a response without a body or headers,
// a response together with an error, or panic. The SDK must turn each
// into a clear *RequestError, never a nil-pointer panic; and as it cannot
// tell whether such a POST reached Polar, a create is ErrMaybeApplied and
// a confirmation is reconciled by reading the session back.

// breakage is one way to break the contract. send says whether the request
// goes to the server first (so a POST is applied) before the breakage.
type breakage struct {
	name  string
	send  bool
	apply func(resp *http.Response, err error, req *http.Request) (*http.Response, error)
	// nilHeaderOnly: the response is complete apart from its header map;
	// using it is as right as refusing it.
	nilHeaderOnly bool
	// anyTypedError: a breakage the SDK may report as an answer (an
	// *Error) or as a failure (a *RequestError); only a panic or an
	// untyped error is wrong.
	anyTypedError bool
	// mustSucceed: the answer is complete and right, only built the way
	// hand-written Doers build them; the SDK must use it.
	mustSucceed bool
}

// panickyBody is a response body whose Read or Close panics.
type panickyBody struct {
	io.ReadCloser
	onRead bool
}

func (b panickyBody) Read(p []byte) (int, error) {
	if b.onRead {
		panic("body read of a broken client")
	}
	return b.ReadCloser.Read(p)
}

func (b panickyBody) Close() error {
	_ = b.ReadCloser.Close()
	panic("body close of a broken client")
}

// closeBody closes the body of a real response the breakage drops.
func closeBody(resp *http.Response) {
	if resp != nil && resp.Body != nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
}

var breakages = []breakage{
	{name: "(nil, nil) without sending", apply: func(*http.Response, error, *http.Request) (*http.Response, error) { return nil, nil }},
	{name: "(nil, nil) after sending", send: true, apply: func(resp *http.Response, _ error, _ *http.Request) (*http.Response, error) {
		closeBody(resp)
		return nil, nil
	}},
	{name: "response without body, not sent", apply: func(*http.Response, error, *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}}, nil
	}},
	{name: "response without body, after sending", send: true, apply: func(resp *http.Response, _ error, _ *http.Request) (*http.Response, error) {
		closeBody(resp)
		resp.Body = nil
		return resp, nil
	}},
	{name: "response without header, after sending", send: true, nilHeaderOnly: true, apply: func(resp *http.Response, _ error, _ *http.Request) (*http.Response, error) {
		resp.Header = nil
		return resp, nil
	}},
	{name: "status 0 response, not sent", anyTypedError: true, apply: func(*http.Response, error, *http.Request) (*http.Response, error) {
		return &http.Response{Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}"))}, nil
	}},
	{name: "response and error, after sending", send: true, apply: func(resp *http.Response, _ error, _ *http.Request) (*http.Response, error) {
		return resp, errors.New("proxy: gave up reading")
	}},
	{name: "panic without sending", apply: func(_ *http.Response, _ error, req *http.Request) (*http.Response, error) {
		panic("broken client for " + req.URL.Path + " with " + req.Header.Get("Authorization"))
	}},
	{name: "panic after sending", send: true, apply: func(resp *http.Response, _ error, req *http.Request) (*http.Response, error) {
		closeBody(resp)
		panic(fmt.Errorf("broken client after %s %s", req.URL.Path, req.Header.Get("Authorization")))
	}},
	{name: "body Read panics, after sending", send: true, apply: func(resp *http.Response, _ error, _ *http.Request) (*http.Response, error) {
		resp.Body = panickyBody{ReadCloser: resp.Body, onRead: true}
		return resp, nil
	}},
	{name: "body Close panics, after sending", send: true, apply: func(resp *http.Response, _ error, _ *http.Request) (*http.Response, error) {
		resp.Body = panickyBody{ReadCloser: resp.Body}
		return resp, nil
	}},
	{name: "ContentLength left 0 with a body, after sending", send: true, mustSucceed: true, apply: func(resp *http.Response, _ error, _ *http.Request) (*http.Response, error) {
		resp.ContentLength = 0
		return resp, nil
	}},
	{name: "panic(nil)", apply: func(*http.Response, error, *http.Request) (*http.Response, error) {
		panic(nil) // Go 1.21+ turns it into a *runtime.PanicNilError
	}},
}

// brokenSender sends through next, then breaks as b says, for the requests
// breaks selects.
type brokenSender struct {
	b      breakage
	breaks func(*http.Request) bool
	next   func(*http.Request) (*http.Response, error)

	mu     sync.Mutex
	broken map[string]int // by method
}

func (s *brokenSender) send(req *http.Request) (*http.Response, error) {
	if !s.breaks(req) {
		return s.next(req)
	}
	s.mu.Lock()
	s.broken[req.Method]++
	s.mu.Unlock()
	var resp *http.Response
	var err error
	if s.b.send {
		resp, err = s.next(req)
		if err != nil {
			return nil, err
		}
	}
	return s.b.apply(resp, err, req)
}

func (s *brokenSender) count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.broken[method]
}

// doerFunc adapts a function to polar.Doer.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(req *http.Request) (*http.Response, error) { return f(req) }

// where is how the breakage is installed.
var wheres = []struct {
	name    string
	install func(s *brokenSender, tr http.RoundTripper) []polar.Option
}{
	{"Doer", func(s *brokenSender, tr http.RoundTripper) []polar.Option {
		hc := &http.Client{Transport: tr}
		s.next = hc.Do
		return []polar.Option{polar.WithHTTPClient(doerFunc(s.send))}
	}},
	{"middleware", func(s *brokenSender, tr http.RoundTripper) []polar.Option {
		return []polar.Option{
			polar.WithHTTPClient(&http.Client{Transport: tr}),
			polar.WithMiddleware(func(req *http.Request, next polar.MiddlewareNext) (*http.Response, error) {
				s.next = next
				return s.send(req)
			}),
		}
	}},
}

// TestBrokenDoer: every operation through every breakage, installed as a
// Doer and as a middleware. Token operations break on every request;
// ClientConfirm breaks on its POSTs only, so that reading the session back
// works.
func TestBrokenDoer(t *testing.T) {
	t.Parallel()
	for _, wh := range wheres {
		for _, b := range breakages {
			for _, op := range ops {
				t.Run(wh.name+"/"+b.name+"/"+op.name, func(t *testing.T) {
					t.Parallel()
					report(t, runBroken(t, wh.install, b, op))
				})
			}
		}
	}
}

func runBroken(t *testing.T, install func(*brokenSender, http.RoundTripper) []polar.Option, b breakage, op opSpec) []string {
	rg := newRig(t)
	co := rg.checkout()
	s := &brokenSender{b: b, broken: map[string]int{}, breaks: func(*http.Request) bool { return true }}
	if op.op == polartest.OpClientConfirm {
		s.breaks = func(r *http.Request) bool { return r.Method == http.MethodPost }
	}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	opts := append([]polar.Option{
		polar.WithBaseURL(rg.srv.URL),
		polar.WithAccessToken(accessToken),
		polar.WithSleep(noSleep),
	}, install(s, tr)...)
	c, err := polar.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	before := rg.h.Stats()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var status string
	var callPanic any
	func() {
		defer func() { callPanic = recover() }()
		status, err = op.call(ctx, c, co)
	}()
	rg.close()
	after := rg.h.Stats()
	applied := after.Applied[op.op] - before.Applied[op.op]

	var fails []string
	failf := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }
	if callPanic != nil {
		return []string{fmt.Sprintf("the call panicked: %v", callPanic)}
	}
	t.Logf("outcome: %s; applied %d; broken requests %v", errOrOK(err), applied, s.broken)
	if err != nil {
		if s := leaks(err.Error(), accessToken, co.ClientSecret); len(s) > 0 {
			failf("the error leaks %q: %v", s, err)
		}
	}
	if b.mustSucceed {
		if err != nil {
			failf("err = %v, want the answer used as it is", err)
		} else if !within(status, wantStatus(op.op)) {
			failf("status %q, want one of %v", status, wantStatus(op.op))
		}
		return fails
	}
	if b.nilHeaderOnly && err == nil {
		// A complete answer without a header map may be used as it is.
		if !within(status, wantStatus(op.op)) {
			failf("status %q, want one of %v", status, wantStatus(op.op))
		}
		return fails
	}
	if b.anyTypedError {
		var re *polar.RequestError
		var api *polar.Error
		if err == nil || !errors.As(err, &re) && !errors.As(err, &api) {
			failf("err = %v (%T), want a *RequestError or an *Error", err, err)
		}
		if op.op == polartest.OpCreate && !errors.Is(err, polar.ErrMaybeApplied) {
			failf("err = %v, want ErrMaybeApplied for a create", err)
		}
		return fails
	}
	switch op.op {
	case polartest.OpCreate:
		var mae *polar.MaybeAppliedError
		if !errors.As(err, &mae) {
			failf("err = %v, want ErrMaybeApplied: the SDK cannot know whether the create reached Polar", err)
			break
		}
		var re *polar.RequestError
		if !errors.As(mae.Cause, &re) {
			failf("MaybeAppliedError.Cause = %T (%v), want a *RequestError", mae.Cause, mae.Cause)
		}
		if n := s.count(http.MethodPost); n != 1 {
			failf("the create went to the HTTP client %d times, want 1", n)
		}
	case polartest.OpClientConfirm:
		n := s.count(http.MethodPost)
		switch {
		case b.send && err == nil:
			// Applied, then the answer was lost: read back as confirmed.
			if n != 1 {
				failf("confirmation sent %d times, want 1 (the read back shows it confirmed)", n)
			}
		case b.send:
			failf("err = %v, want the confirmed checkout (it was applied; reading back shows it)", err)
		case errors.Is(err, polar.ErrMaybeApplied):
			// Never reached the server: read back open, sent once more,
			// broken again: unknown.
			if n != 2 {
				failf("confirmation sent %d times, want 2 (once more after reading it back open, never a third time)", n)
			}
		default:
			failf("err = %v, want ErrMaybeApplied after the second broken attempt", err)
		}
		if err == nil && !within(status, wantStatus(op.op)) {
			failf("status %q, want one of %v", status, wantStatus(op.op))
		}
	default:
		var re *polar.RequestError
		if !errors.As(err, &re) {
			failf("err = %v (%T), want a *RequestError", err, err)
		}
		if errors.Is(err, polar.ErrMaybeApplied) {
			failf("err = %v matches ErrMaybeApplied for an idempotent operation", err)
		}
	}
	if !op.mutates {
		return fails
	}
	switch {
	case op.op == polartest.OpClientConfirm && err == nil && applied != 1:
		failf("confirmed, but applied %d times", applied)
	case op.op == polartest.OpClientConfirm && err != nil && applied != 0:
		failf("ErrMaybeApplied with %d confirmations applied; the broken client never sent one", applied)
	case op.op == polartest.OpCreate && applied > 1:
		failf("applied %d creates, never 2", applied)
	case op.op == polartest.OpCreate && !b.send && applied != 0:
		failf("applied %d creates though nothing was sent", applied)
	}
	return fails
}
