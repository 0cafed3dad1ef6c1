package polar

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// authMode says whether an operation sends the access token.
type authMode int

const (
	authRequired authMode = iota // token operations: fail early without a token
	authNever                    // client-secret operations: the secret is the credential
	authOptional                 // confirm: the token is sent if one is configured
)

// safety says which failures of an operation may be retried.
type safety int

const (
	// idempotent operations (GET, PATCH with absolute values) get the full
	// retry policy.
	idempotent safety = iota
	// unsafePost operations (create, confirm) are retried only when the
	// request provably never took effect.
	unsafePost
)

// request is one call: what to send and how to treat failures.
type request struct {
	cfg    *config
	op     string // "checkouts.get"
	method string
	path   string // URL path with secrets replaced, for errors and logs
	auth   authMode
	safety safety
	redact redactor // secrets to keep out of error messages
	build  func(server string) (*http.Request, error)
}

// response is a completed exchange with its body read.
type response struct {
	status   int
	header   http.Header
	body     []byte
	attempts int
}

// ambiguousError marks the failure of an unsafe POST that Polar may have
// applied. Operations turn it into a MaybeAppliedError or reconcile.
type ambiguousError struct{ err error }

func (e *ambiguousError) Error() string { return e.err.Error() }
func (e *ambiguousError) Unwrap() error { return e.err }

// nilContext is the error of a call given a nil context, which would
// panic in the context package; pass context.Background() or a request's
// context.
func nilContext(op string) error {
	return &InvalidArgumentError{Op: op, Arg: "ctx", Reason: "nil context (use context.Background())"}
}

// errBodyTooLarge is the cause inside a RequestError for an oversize body.
var errBodyTooLarge = fmt.Errorf("%w", ErrResponseTooLarge)

// send runs the call with retries and returns the 2xx response, or the
// error of the last attempt.
func (r *request) send(ctx context.Context) (*response, error) {
	if ctx == nil {
		return nil, nilContext(r.op)
	}
	cfg := r.cfg
	if cfg.callTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.callTimeout)
		defer cancel()
	}
	token, err := r.token(ctx)
	if err != nil {
		return nil, err
	}
	// Keep the configured token out of errors even on operations that do
	// not send it: a server or proxy may still echo it.
	if token != "" {
		r.redact = append(r.redact, token)
	}
	if cfg.token != "" && cfg.token != token {
		r.redact = append(r.redact, cfg.token)
	}
	base, err := r.build(cfg.server)
	if err != nil {
		return nil, &InvalidArgumentError{Op: r.op, Arg: "request", Reason: r.redact.apply(err.Error())}
	}
	r.setHeaders(base, token)
	send := MiddlewareNext(cfg.doer.Do)
	if len(cfg.middleware) > 0 {
		if r.safety == unsafePost {
			send = unrewindable(send)
		}
		send = chain(cfg.middleware, send)
	}

	retries, spent := 0, 0
	for attempt := 1; ; attempt++ {
		if err := cfg.limiter.wait(ctx); err != nil {
			return nil, r.canceled(err, nil)
		}
		resp, kind, err := r.attempt(ctx, base, send, attempt)
		if err == nil {
			// A success gives back what its retries took, or a little
			// more when it needed none, so a healthy client refills.
			cfg.budget.refund(max(spent, successRefund))
			return resp, nil
		}
		r.holdLimiter(err)
		if ctx.Err() != nil {
			// The caller gave up. For a POST that may have gone out, the
			// outcome is unknown; say so instead of hiding it.
			if r.safety == unsafePost && kind != notSent {
				return nil, &ambiguousError{err: r.canceled(ctx.Err(), err)}
			}
			return nil, r.canceled(ctx.Err(), err)
		}
		wait, reason, retry := r.decide(kind, err, retries)
		if !retry {
			r.logGiveUp(ctx, attempt, reason)
			if kind == ambiguous && r.safety == unsafePost {
				return nil, &ambiguousError{err: err}
			}
			return nil, err
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			r.logGiveUp(ctx, attempt, "waiting "+wait.String()+" would pass the context deadline")
			return nil, fmt.Errorf("%w (not retried: waiting %s would pass the deadline: %w)", err, wait, context.DeadlineExceeded)
		}
		cost := retryCost
		if isTimeout(err) {
			cost = timeoutRetryCost
		}
		if !cfg.budget.take(cost) {
			r.logGiveUp(ctx, attempt, "retry budget exhausted")
			return nil, fmt.Errorf("%w (not retried: %w)", err, ErrRetryBudgetExhausted)
		}
		spent += cost
		r.logRetry(ctx, attempt, wait, reason)
		if serr := cfg.sleep(ctx, wait); serr != nil {
			return nil, r.canceled(serr, err)
		}
		retries++
	}
}

// maxLimiterHold caps how long a 429 holds the other callers of a rate
// limiter: Polar's general limit counts per minute, so a longer
// Retry-After comes from elsewhere (a proxy, or the confirmation limit).
const maxLimiterHold = time.Minute

// holdLimiter holds every caller of the rate limiter after a 429 that says
// how long to wait: Polar's limit is per organization, so the other callers
// would meet the same 429. Confirmations have a limit of their own, per
// customer address, which other calls do not share.
func (r *request) holdLimiter(err error) {
	if r.cfg.limiter == nil || r.op == opClientConfirm {
		return
	}
	if apiErr, ok := asAPIError(err); ok && apiErr.StatusCode == http.StatusTooManyRequests && apiErr.RetryAfter > 0 {
		r.cfg.limiter.hold(time.Now().Add(min(apiErr.RetryAfter, maxLimiterHold)))
	}
}

// decide says whether to retry after a failure of the given kind, and how
// long to wait first.
func (r *request) decide(kind failure, err error, retries int) (wait time.Duration, reason string, retry bool) {
	p := &r.cfg.retry
	reason = err.Error()
	switch {
	case kind == final:
		return 0, "not retryable: " + reason, false
	case kind == ambiguous && r.safety == unsafePost:
		return 0, "a " + r.method + " that may have been applied is never retried: " + reason, false
	case retries >= p.MaxRetries:
		return 0, "out of retries: " + reason, false
	}
	base := p.BaseDelay
	var hint time.Duration
	if apiErr, ok := asAPIError(err); ok {
		hint = apiErr.RetryAfter
		if apiErr.StatusCode == http.StatusTooManyRequests && hint == 0 {
			base = p.RateLimitBaseDelay
		}
	}
	if hint > p.MaxRetryAfter {
		return 0, fmt.Sprintf("Retry-After %s is longer than %s", hint, p.MaxRetryAfter), false
	}
	return max(hint, p.delay(retries+1, base)), reason, true
}

// attempt sends the request once and reads the response.
func (r *request) attempt(ctx context.Context, base *http.Request, send MiddlewareNext, attempt int) (*response, failure, error) {
	cfg := r.cfg
	actx := ctx
	if cfg.attemptTimeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, cfg.attemptTimeout)
		defer cancel()
	}
	req, err := r.prepare(actx, base)
	if err != nil {
		return nil, final, r.requestError(attempt, err)
	}
	r.logStart(ctx, attempt)
	start := time.Now()
	resp, err := r.roundTrip(send, req)
	if err != nil {
		reqErr := r.requestError(attempt, err)
		r.logEnd(ctx, attempt, 0, time.Since(start), reqErr)
		kind := classifyTransport(err)
		if kind == final && r.safety == unsafePost && isRedirectStop(err) {
			kind = ambiguous // the server answered a redirect: it may have applied the POST first
		}
		return nil, kind, reqErr
	}
	body, readErr := r.readAndClose(resp, cfg.maxResponseBytes)
	r.logEnd(ctx, attempt, resp.StatusCode, time.Since(start), readErr)
	if cfg.responseInto != nil {
		resp.Body = io.NopCloser(bytes.NewReader(body))
		*cfg.responseInto = resp
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	switch {
	case errors.Is(readErr, errBodyTooLarge) && ok:
		// Polar processed the request; only its answer is unusable. A POST
		// may not be repeated, and a GET would only get the same answer.
		kind := final
		if r.safety == unsafePost {
			kind = ambiguous
		}
		return nil, kind, r.requestError(attempt, readErr)
	case readErr != nil && ok:
		// Polar answered 2xx but the body broke off: it did process the
		// request, so a POST must not be repeated.
		return nil, ambiguous, r.requestError(attempt, fmt.Errorf("reading %d response: %w", resp.StatusCode, readErr))
	case ok:
		return &response{status: resp.StatusCode, header: resp.Header, body: body, attempts: attempt}, 0, nil
	}
	// An error status decides by itself, whatever happened to its body.
	apiErr := newAPIError(r.op, r.method, r.path, resp.StatusCode, resp.Header, body, attempt, time.Now(), r.redact)
	e, _ := asAPIError(apiErr)
	return nil, classifyStatus(e, r.safety), apiErr
}

// prepare makes the request of one attempt, with a fresh body. A request
// that must not run twice gets a body that net/http cannot rewind (no
// GetBody, never nil or http.NoBody): its Transport then never resends it
// on its own after a failure on a reused connection, which it would do
// for any request carrying an Idempotency-Key or X-Idempotency-Key header.
func (r *request) prepare(ctx context.Context, base *http.Request) (*http.Request, error) {
	req := base.Clone(ctx)
	if base.GetBody != nil {
		body, err := base.GetBody()
		if err != nil {
			return nil, err
		}
		req.Body = body
	}
	if r.safety == unsafePost {
		req.GetBody = nil
		if req.Body == nil || req.Body == http.NoBody {
			req.Body = io.NopCloser(bytes.NewReader(nil))
		}
	}
	return req, nil
}

// unrewindable undoes, just before the HTTP client, what a middleware may
// have done to a POST's body (set GetBody, or swap in http.NoBody) that
// would let net/http's Transport resend it on its own: prepare's guarantee
// must hold for what the Doer receives, not only for what the middleware
// chain starts with.
func unrewindable(send MiddlewareNext) MiddlewareNext {
	return func(req *http.Request) (*http.Response, error) {
		if req != nil && (req.GetBody != nil || req.Body == nil || req.Body == http.NoBody) {
			req = req.WithContext(req.Context()) // a shallow copy: the middleware's request stays as it made it
			req.GetBody = nil
			if req.Body == nil || req.Body == http.NoBody {
				req.Body = io.NopCloser(bytes.NewReader(nil))
			}
		}
		return send(req)
	}
}

// isRedirectStop reports whether err is a redirect the client did not
// follow.
func isRedirectStop(err error) bool {
	return errors.Is(err, ErrRedirectRefused) || strings.Contains(err.Error(), "stopped after")
}

// Errors of an HTTP client or middleware that broke net/http's contract.
var (
	errNoResponse     = errors.New("the HTTP client returned neither a response nor an error")
	errNoResponseBody = errors.New("the HTTP client returned a response without a body")
)

// maxPanicText bounds the part of a panic value kept in an error.
const maxPanicText = 200

// panicText is a panic value fit for an error: cleaned of credentials
// (a broken client may panic with the request in its message), then cut.
func (r *request) panicText(v any) string {
	return cut(r.redact.clean(fmt.Sprint(v)), maxPanicText)
}

// roundTrip sends req through the middleware and the HTTP client, turning
// a broken Doer or middleware (a panic, neither a response nor an error, a
// response without a body) into an error. A response without headers gets
// an empty header.
func (r *request) roundTrip(send MiddlewareNext, req *http.Request) (resp *http.Response, err error) {
	defer func() {
		if v := recover(); v != nil {
			resp, err = nil, fmt.Errorf("the HTTP client or a middleware panicked: %s", r.panicText(v))
		}
	}()
	resp, err = send(req)
	switch {
	case err != nil:
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		return nil, err
	case resp == nil:
		return nil, errNoResponse
	case resp.Body == nil:
		return nil, errNoResponseBody
	}
	if resp.Header == nil {
		resp.Header = make(http.Header)
	}
	return resp, nil
}

// requestError wraps a transport failure with the secrets removed.
func (r *request) requestError(attempt int, err error) error {
	return &RequestError{Op: r.op, Method: r.method, Path: r.path, Attempts: attempt, Err: r.redact.redactError(err)}
}

// canceled reports that the context ended, keeping the last failure (if
// any) in the chain so errors.Is finds both.
func (r *request) canceled(ctxErr, last error) error {
	if last == nil {
		return fmt.Errorf("polar: %s %s %s: %w", r.op, r.method, r.path, ctxErr)
	}
	if errors.Is(last, ctxErr) {
		return last
	}
	return fmt.Errorf("polar: %s: %w (last failure: %w)", r.op, ctxErr, last)
}

// token returns the access token to send, if any.
func (r *request) token(ctx context.Context) (string, error) {
	if r.auth == authNever {
		return "", nil
	}
	cfg := r.cfg
	if cfg.tokenSource != nil {
		tok, err := cfg.tokenSource(ctx)
		if err != nil {
			return "", fmt.Errorf("polar: %s: token source: %w", r.op, err)
		}
		if tok != "" || r.auth == authOptional {
			return tok, nil
		}
	} else if cfg.token != "" || r.auth == authOptional {
		return cfg.token, nil
	}
	return "", fmt.Errorf("polar: %s: %w", r.op, ErrNoAccessToken)
}

// setHeaders adds the headers every request carries.
func (r *request) setHeaders(req *http.Request, token string) {
	h := req.Header
	h.Set("Polar-Version", r.cfg.apiVersion)
	if r.cfg.organization != "" {
		h.Set("Polar-Organization", r.cfg.organization)
	}
	h.Set("User-Agent", r.cfg.userAgent)
	h.Set("Accept", "application/json")
	for k, v := range r.cfg.header {
		h[k] = v
	}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
}

// readAndClose reads the response's body (see readBody) and closes it. A
// body whose Read or Close panics (a broken Doer's) gives an error; the
// status is kept, so a 2xx to a POST stays ambiguous.
func (r *request) readAndClose(resp *http.Response, limit int64) (body []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			body, err = nil, fmt.Errorf("the response body panicked: %s", r.panicText(v))
		}
	}()
	length := resp.ContentLength
	if length == 0 && resp.Body != http.NoBody {
		// net/http gives a body of no bytes as NoBody; a 0 here is a
		// hand-built response that left ContentLength unset.
		length = -1
	}
	body, err = readBody(resp.Body, length, limit)
	_ = resp.Body.Close()
	return body, err
}

// readBody reads at most limit bytes of body. Past the limit it returns
// the first limit bytes and an error wrapping ErrResponseTooLarge. When
// the length is known (Content-Length, which net/http enforces) it reads
// into one buffer of that size instead of growing one from 512 bytes.
func readBody(body io.Reader, length, limit int64) ([]byte, error) {
	if length >= 0 && length <= limit {
		b := make([]byte, length)
		n, err := io.ReadFull(body, b)
		return b[:n], err
	}
	b, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return b, err
	}
	if int64(len(b)) > limit {
		return b[:limit], fmt.Errorf("%w: more than %d bytes", errBodyTooLarge, limit)
	}
	return b, nil
}
