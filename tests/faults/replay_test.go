package faults

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// net/http's Transport resends a request on its own when it fails on a
// reused keep-alive connection and the request looks idempotent: a GET,
// or any request with an Idempotency-Key or X-Idempotency-Key header
// whose body it can rewind (nil, http.NoBody, or GetBody set). Polar
// ignores those headers, so such a resend of a POST is a second create or
// a second confirmation that the SDK never sees. These tests reuse a
// connection, make the server apply the POST and then reset it, and count
// what the server received.

// idempotencyHeader is a way for a caller to put an idempotency header on
// a request.
type idempotencyHeader struct {
	name string
	// client options, and call options of the POST under test
	client, call []polar.Option
}

// setHeader is a middleware that sets a header on every attempt.
func setHeader(key, value string) polar.Option {
	return polar.WithMiddleware(func(req *http.Request, next polar.MiddlewareNext) (*http.Response, error) {
		req.Header.Set(key, value)
		return next(req)
	})
}

var idempotencyHeaders = []idempotencyHeader{
	{name: "no header"},
	{name: "WithHeader Idempotency-Key on the client", client: []polar.Option{polar.WithHeader("Idempotency-Key", "order-42")}},
	{name: "WithHeader X-Idempotency-Key on the client", client: []polar.Option{polar.WithHeader("X-Idempotency-Key", "order-42")}},
	{name: "WithHeader Idempotency-Key on the call", call: []polar.Option{polar.WithHeader("Idempotency-Key", "order-42")}},
	{name: "middleware sets Idempotency-Key", client: []polar.Option{setHeader("Idempotency-Key", "order-42")}},
	{name: "middleware sets X-Idempotency-Key on the call", call: []polar.Option{setHeader("X-Idempotency-Key", "order-42")}},
	{name: "both headers, lower case, on client and call", client: []polar.Option{polar.WithHeader("idempotency-key", "a")}, call: []polar.Option{setHeader("x-idempotency-key", "b")}},
}

// reuseProbe is a middleware that records, for each attempt, whether
// net/http sent it on a reused connection.
type reuseProbe struct {
	mu     sync.Mutex
	reused []bool // per connection net/http handed out, in order
}

func (p *reuseProbe) middleware(req *http.Request, next polar.MiddlewareNext) (*http.Response, error) {
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		p.mu.Lock()
		p.reused = append(p.reused, info.Reused)
		p.mu.Unlock()
	}}
	return next(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
}

func (p *reuseProbe) conns() []bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]bool(nil), p.reused...)
}

// replayRig is a rig with a keep-alive client whose connection is warm.
type replayRig struct {
	*rig
	c     *polar.Client
	reuse *reuseProbe
}

// newReplayRig makes a keep-alive client with opts, and sends one GET
// through it so that the next request goes out on a reused connection.
func newReplayRig(t *testing.T, opts ...polar.Option) *replayRig {
	t.Helper()
	rg := newRig(t)
	p := newProbe()
	reuse := &reuseProbe{}
	// The reuse probe runs last, next to the transport, so it sees every
	// attempt's connection; a caller's middleware comes before it.
	all := append(append([]polar.Option{}, opts...), polar.WithMiddleware(reuse.middleware))
	c := rg.client(p, newTransport(t, p, refuseNone, true), all...)
	if _, err := c.Checkouts.List(context.Background(), &polar.ListParams{Limit: polar.Ptr(1)}); err != nil {
		t.Fatalf("warm-up List: %v", err)
	}
	return &replayRig{rig: rg, c: c, reuse: reuse}
}

// checkReused fails t unless the attempt after the warm-up went out on a
// reused connection (else the test proves nothing).
func (r *replayRig) checkReused(t *testing.T) {
	t.Helper()
	conns := r.reuse.conns()
	if len(conns) < 2 || !conns[1] {
		t.Fatalf("the POST did not go out on a reused connection (connections: %v): the test cannot show a replay", conns)
	}
}

// TestNoHiddenReplay_create: a create whose answer is lost after Polar
// applied it, on a reused connection, with an idempotency header added in
// any way: the server receives it once, creates one session, and the
// caller is told ErrMaybeApplied (never a success that hides a second
// session).
func TestNoHiddenReplay_create(t *testing.T) {
	t.Parallel()
	for _, ih := range idempotencyHeaders {
		t.Run(ih.name, func(t *testing.T) {
			t.Parallel()
			r := newReplayRig(t, ih.client...)
			before := r.h.Stats()
			r.h.InjectFault(polartest.OpCreate, 1, polartest.ResetAfterApply())
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err := r.c.Checkouts.Create(ctx, createBody("replay"), ih.call...)
			r.close()
			r.checkReused(t)
			after := r.h.Stats()
			if n := after.Requests[polartest.OpCreate] - before.Requests[polartest.OpCreate]; n != 1 {
				t.Errorf("the server received the create %d times, want 1 (net/http resent it on its own)", n)
			}
			if n := after.Applied[polartest.OpCreate] - before.Applied[polartest.OpCreate]; n != 1 {
				t.Errorf("applied %d creates, want 1", n)
			}
			var mae *polar.MaybeAppliedError
			if !errors.As(err, &mae) {
				t.Fatalf("err = %v, want an *ErrMaybeApplied (the answer was lost after the create was applied)", err)
			}
			var re *polar.RequestError
			if !errors.As(mae.Cause, &re) {
				t.Errorf("MaybeAppliedError.Cause = %T (%v), want a *RequestError", mae.Cause, mae.Cause)
			}
		})
	}
}

// TestNoHiddenReplay_confirm: the same for a confirmation: sent once,
// applied once, and reconciled by reading the session back, so the
// caller gets the confirmed checkout, not "not open".
func TestNoHiddenReplay_confirm(t *testing.T) {
	t.Parallel()
	for _, ih := range idempotencyHeaders {
		t.Run(ih.name, func(t *testing.T) {
			t.Parallel()
			r := newReplayRig(t, ih.client...)
			co := r.checkout()
			before := r.h.Stats()
			r.h.InjectFault(polartest.OpClientConfirm, 1, polartest.ResetAfterApply())
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			got, err := r.c.Checkouts.ClientConfirm(ctx, co.ClientSecret, payer(polartest.TokenSuccess), ih.call...)
			r.close()
			r.checkReused(t)
			after := r.h.Stats()
			if n := after.Requests[polartest.OpClientConfirm] - before.Requests[polartest.OpClientConfirm]; n != 1 {
				t.Errorf("the server received the confirmation %d times, want 1", n)
			}
			if n := r.h.ConfirmCount(co.ID.String()); n != 1 {
				t.Errorf("ConfirmCount = %d, want 1", n)
			}
			if err != nil {
				t.Fatalf("err = %v, want the confirmed checkout (read back after the lost answer)", err)
			}
			if !within(string(got.Status), wantStatus(polartest.OpClientConfirm)) {
				t.Errorf("status %q, want confirmed or succeeded", got.Status)
			}
		})
	}
}

// TestNoHiddenReplay_rawPost: Client.Do with a POST is as safe as Create,
// also without a body (a nil body is one net/http can "rewind") and with
// an idempotency header: sent once, ErrMaybeApplied.
func TestNoHiddenReplay_rawPost(t *testing.T) {
	t.Parallel()
	for _, ih := range idempotencyHeaders {
		for _, body := range []struct {
			name string
			v    any
		}{{"nil body", nil}, {"JSON body", createBody("raw")}, {"empty []byte", []byte{}}} {
			t.Run(ih.name+"/"+body.name, func(t *testing.T) {
				t.Parallel()
				r := newReplayRig(t, ih.client...)
				co := r.checkout()
				before := r.h.Stats()
				op, path := polartest.OpCreate, "/v1/checkouts/"
				if body.v == nil {
					// A confirmation needs no body to reach the handler.
					op, path = polartest.OpClientConfirm, "/v1/checkouts/client/"+co.ClientSecret+"/confirm"
				}
				r.h.InjectFault(op, 1, polartest.ResetAfterApply())
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				err := r.c.Do(ctx, http.MethodPost, path, body.v, nil, ih.call...)
				r.close()
				r.checkReused(t)
				if n := r.h.Stats().Requests[op] - before.Requests[op]; n != 1 {
					t.Errorf("the server received the POST %d times, want 1 (net/http resent it on its own)", n)
				}
				if !errors.Is(err, polar.ErrMaybeApplied) {
					t.Errorf("err = %v, want ErrMaybeApplied", err)
				}
			})
		}
	}
}

// TestNoHiddenReplay_rewindingMiddleware: a middleware that reads the
// request body to log it and puts back a rewindable one (GetBody set, as
// http.NewRequest would) must not make a POST replayable either.
func TestNoHiddenReplay_rewindingMiddleware(t *testing.T) {
	t.Parallel()
	rewind := polar.WithMiddleware(func(req *http.Request, next polar.MiddlewareNext) (*http.Response, error) {
		if req.Body != nil {
			b, err := io.ReadAll(req.Body)
			if err != nil {
				return nil, err
			}
			_ = req.Body.Close()
			req.Body = io.NopCloser(bytes.NewReader(b))
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
			req.ContentLength = int64(len(b))
		}
		return next(req)
	})
	for _, op := range []polartest.Op{polartest.OpCreate, polartest.OpClientConfirm} {
		t.Run(string(op), func(t *testing.T) {
			t.Parallel()
			r := newReplayRig(t, rewind, polar.WithHeader("Idempotency-Key", "order-42"))
			co := r.checkout()
			before := r.h.Stats()
			r.h.InjectFault(op, 1, polartest.ResetAfterApply())
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var err error
			if op == polartest.OpCreate {
				_, err = r.c.Checkouts.Create(ctx, createBody("rewind"))
			} else {
				_, err = r.c.Checkouts.ClientConfirm(ctx, co.ClientSecret, payer(polartest.TokenSuccess))
			}
			r.close()
			r.checkReused(t)
			if n := r.h.Stats().Requests[op] - before.Requests[op]; n != 1 {
				t.Errorf("the server received the POST %d times, want 1: net/http resent it on its own because a middleware made its body rewindable (%v)", n, err)
			}
			if n := r.h.Stats().Applied[op] - before.Applied[op]; n != 1 {
				t.Errorf("applied %d times, want 1 (err %v)", n, err)
			}
			t.Logf("outcome: %v", errOrOK(err))
		})
	}
}

func errOrOK(err error) string {
	if err == nil {
		return "success"
	}
	return fmt.Sprint(err)
}
