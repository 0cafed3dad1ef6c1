package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// HandlerFunc processes one verified event. Return nil once the event is
// safely recorded; return an error to make Polar deliver it again later.
// It runs while Polar waits for the answer (about 10 s at most), so store
// or enqueue the event and do slow work elsewhere. The context is the
// request's.
type HandlerFunc func(ctx context.Context, ev Event) error

// Handler is an http.Handler for Polar's webhook deliveries; see
// [NewHandler].
type Handler struct {
	verifier *Verifier
	fn       HandlerFunc
	seen     *dedup       // nil: no deduplication
	log      *slog.Logger // nil: no logging
	dedupErr error
}

// A HandlerOption configures a [Handler].
type HandlerOption func(*Handler)

// WithDedup makes the handler remember the webhook-ids of the last size
// events it processed successfully, in memory, and answer a repeated
// delivery of one of them with 204 without calling the function again.
// An event whose function failed is not remembered, so Polar's retry is
// processed. A delivery that arrives while the same webhook-id is being
// processed waits for it: it is answered 204 if that one succeeded, and
// processed itself if that one failed (or 503 if its own request ends
// first). The memory is per process and forgets old ids; for exactly-once
// effects, also make the function idempotent (for example a unique key
// on the webhook-id in your database). size must be positive.
func WithDedup(size int) HandlerOption {
	return func(h *Handler) {
		if size <= 0 {
			h.dedupErr = errors.New("webhook: WithDedup needs a positive size")
			return
		}
		h.seen = newDedup(size)
	}
}

// WithLogger makes the handler log each delivery's outcome to l: debug
// for success, info for a duplicate, warn for a refused delivery, error
// for a failed function. It logs the webhook-id and the type of verified
// deliveries only, never a body, a header value or a secret; any logged
// value that contains part of a secret is replaced by "[redacted]".
func WithLogger(l *slog.Logger) HandlerOption { return func(h *Handler) { h.log = l } }

// NewHandler returns an http.Handler that receives Polar's deliveries: it
// reads the body (up to the verifier's [Verifier.MaxBodySize]), verifies
// and decodes it with [Verifier.ConstructEvent], and calls fn. It
// answers:
//
//   - 204 when fn returned nil (and for a duplicate, with [WithDedup]);
//   - 500 when fn returned an error or panicked, so that Polar retries
//     (the panic is logged, redacted, with [WithLogger]);
//   - 403 when the signature headers are missing, the timestamp is out of
//     tolerance or no signature matches;
//   - 400 when the body is not a payload of the expected shape (or not of
//     the API version set with [WithAPIVersion]), or could not be read;
//   - 413 when the body is over the size limit; 405 for a method other
//     than POST.
//
// Events of types this package does not know reach fn as
// [*UnknownEvent]; return nil for them. v and fn must not be nil.
func NewHandler(v *Verifier, fn HandlerFunc, opts ...HandlerOption) (*Handler, error) {
	if v == nil || fn == nil {
		return nil, errors.New("webhook: NewHandler needs a verifier and a function")
	}
	h := &Handler{verifier: v, fn: fn}
	for _, opt := range opts {
		opt(h)
	}
	if h.dedupErr != nil {
		return nil, h.dedupErr
	}
	return h, nil
}

// ServeHTTP handles one delivery.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "webhook deliveries are POST requests", http.StatusMethodNotAllowed)
		return
	}
	body, err := h.verifier.readBody(r)
	if err != nil {
		h.refuse(ctx, w, err)
		return
	}
	ev, err := h.verifier.ConstructEvent(body, r.Header)
	if err != nil {
		h.refuse(ctx, w, err)
		return
	}
	meta := ev.Meta()
	attrs := []slog.Attr{
		slog.String("webhook_id", h.verifier.Redact(meta.ID)),
		slog.String("type", h.verifier.Redact(meta.Type)),
	}
	finish := func(bool) {}
	if h.seen != nil {
		var duplicate bool
		finish, duplicate, err = h.seen.claim(ctx, meta.ID)
		switch {
		case err != nil:
			h.logf(ctx, slog.LevelWarn, "webhook: request ended while the same delivery was in progress", attrs...)
			http.Error(w, "the same delivery is being processed", http.StatusServiceUnavailable)
			return
		case duplicate:
			h.logf(ctx, slog.LevelInfo, "webhook: duplicate delivery ignored", attrs...)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	ok := false
	defer func() { finish(ok) }() // not remembered unless fn succeeded: a retry is then processed
	if err := h.call(ctx, ev); err != nil {
		h.logf(ctx, slog.LevelError, "webhook: handler failed; Polar will retry", append(attrs, slog.String("error", h.verifier.Redact(err.Error())))...)
		http.Error(w, "the event could not be processed", http.StatusInternalServerError)
		return
	}
	ok = true
	h.logf(ctx, slog.LevelDebug, "webhook: delivery processed", attrs...)
	w.WriteHeader(http.StatusNoContent)
}

// errPanicked reports a panic of the user's function; the handler answers
// 500 for it, as for an error, so Polar delivers the event again.
var errPanicked = errors.New("webhook: the handler function panicked")

// call runs fn, turning a panic into an error so that one bad event
// answers 500 instead of dropping the connection or crashing a caller
// that serves without net/http's recovery. http.ErrAbortHandler keeps
// its meaning: it is re-raised.
func (h *Handler) call(ctx context.Context, ev Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if e, ok := p.(error); ok && errors.Is(e, http.ErrAbortHandler) {
				panic(p)
			}
			err = fmt.Errorf("%w: %v", errPanicked, p)
		}
	}()
	return h.fn(ctx, ev)
}

// refuse answers a delivery that was not processed, with the status its
// error calls for. The answer names the kind of failure only; the log has
// the reason.
func (h *Handler) refuse(ctx context.Context, w http.ResponseWriter, err error) {
	status, text := http.StatusBadRequest, "invalid webhook payload"
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		status, text = http.StatusRequestEntityTooLarge, "webhook body too large"
	case isVerificationError(err):
		status, text = http.StatusForbidden, "webhook signature verification failed"
	case errors.Is(err, ErrAPIVersionMismatch):
		text = "webhook payload of an unexpected API version"
	case !errors.Is(err, ErrInvalidPayload):
		text = "webhook body could not be read"
	}
	h.logf(ctx, slog.LevelWarn, "webhook: delivery refused", slog.Int("status", status), slog.String("error", h.verifier.Redact(err.Error())))
	http.Error(w, text, status)
}

func (h *Handler) logf(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
	if h.log != nil {
		h.log.LogAttrs(ctx, level, msg, attrs...)
	}
}
