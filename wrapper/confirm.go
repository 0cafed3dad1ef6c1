package polar

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gopolar/checkouts/client"
)

// ClientConfirm confirms a session by its client secret and starts the
// payment (POST /v1/checkouts/client/{client_secret}/confirm). The access
// token is sent only if one is configured (Polar accepts anonymous
// confirmation). A declined payment gives [ErrPaymentFailed].
//
// A confirmation is never sent twice blindly. It is resent automatically
// only on evidence that Polar did not apply it: a failure before any byte
// was written (connection refused, DNS), a 429, or an error in Polar's own
// JSON error envelope. After any other failure once the request may have
// gone out (a reset or timeout, 5xx without Polar's envelope, a proxy's or
// CDN's 502/503/504/520-527 page, a 2xx that is not a confirmed session),
// ClientConfirm reconciles: it reads the session with
// [CheckoutsService.ClientGet] and
//   - returns it if its Status is [CheckoutStatusConfirmed] or
//     [CheckoutStatusSucceeded] (the first attempt landed;
//     CustomerSessionToken is then null, as only the confirm answer has it);
//   - returns [ErrPaymentFailed] if it failed, [ErrCheckoutExpired] if it expired;
//   - sends the confirmation once more only if the session is still open.
//
// So the Status of what ClientConfirm returns is confirmed (Polar's answer)
// or succeeded (read back after the payment went through). Test the
// outcome of a payment with Status, never with the error alone.
//
// A NotOpenCheckout or CheckoutLocked answer after an ambiguous attempt
// means the first attempt landed or is still running: ClientConfirm reads
// the session instead of reporting an error. When the outcome stays
// unknown, the error matches [ErrMaybeApplied] and nothing more is sent.
// A session read back reflects whichever confirmation landed: if another
// request confirmed it first, that is the state returned.
func (s *CheckoutsService) ClientConfirm(ctx context.Context, clientSecret string, body *CheckoutConfirmStripe, opts ...Option) (*CheckoutPublicConfirmed, error) {
	if err := checkClientSecret(opClientConfirm, clientSecret); err != nil {
		return nil, err
	}
	if body == nil {
		return nil, &InvalidArgumentError{Op: opClientConfirm, Arg: "body", Reason: "nil"}
	}
	if err := checkUTF8(opClientConfirm, "body", body); err != nil {
		return nil, err
	}
	r, err := s.newRequest(opClientConfirm, http.MethodPost, pathConfirm, authOptional, unsafePost, opts, func(server string) (*http.Request, error) {
		return client.NewClientConfirmCheckoutRequest(server, clientSecret, *body)
	})
	if err != nil {
		return nil, err
	}
	r.redact = append(r.redact, clientSecret)
	if ctx == nil {
		return nil, nilContext(opClientConfirm)
	}
	// WithTimeout bounds the whole confirmation, reconciliation included.
	if r.cfg.callTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.cfg.callTimeout)
		defer cancel()
	}

	var landed error // the cause, once an attempt may have landed
	for sent := 1; ; sent++ {
		resp, err := r.send(ctx)
		if err == nil {
			out, derr := decodeConfirmed(r, resp)
			if derr == nil {
				return out, nil
			}
			err = &ambiguousError{err: derr} // a 2xx from someone: Polar may have confirmed
		}
		var amb *ambiguousError
		switch {
		case errors.As(err, &amb):
			landed = amb.err
		case seenBefore(err) && (landed != nil || sentBefore(err)):
			// An earlier attempt of ours may be what closed or locked the
			// session: read it instead of reporting a failure.
		default:
			return nil, err
		}

		r.cfg.logger.LogAttrs(ctx, slog.LevelWarn, "polar confirm outcome unknown; reading the session",
			slog.String("op", opClientConfirm), slog.Int("sent", sent), slog.String("cause", r.redact.apply(err.Error())))
		state, gerr := s.ClientGet(ctx, clientSecret, opts...)
		if gerr != nil {
			if errors.Is(gerr, ErrCheckoutExpired) {
				return nil, gerr
			}
			return nil, &MaybeAppliedError{Op: opClientConfirm, Cause: fmt.Errorf("%w; reading the session to reconcile also failed: %w", orErr(landed, err), gerr)}
		}
		switch state.Status {
		case CheckoutStatusConfirmed, CheckoutStatusSucceeded:
			return confirmedFromPublic(state)
		case CheckoutStatusFailed:
			return nil, fmt.Errorf("polar: %s: the session failed (found by reading it after: %w): %w", opClientConfirm, orErr(landed, err), ErrPaymentFailed)
		case CheckoutStatusExpired:
			return nil, fmt.Errorf("polar: %s: the session expired (found by reading it after: %w): %w", opClientConfirm, orErr(landed, err), ErrCheckoutExpired)
		case CheckoutStatusOpen:
			switch {
			case landed == nil:
				return nil, err // nothing of ours can have landed: the answer stands
			case sent < 2 && !errors.Is(err, ErrCheckoutLocked):
				continue // provably not confirmed yet: send it once more
			}
		}
		return nil, &MaybeAppliedError{Op: opClientConfirm, Cause: fmt.Errorf("session is %q after: %w", state.Status, orErr(landed, err))}
	}
}

// errNotConfirmed is the cause of a *DecodeError for a confirm answer of
// the right shape whose status says the payment was not started.
var errNotConfirmed = errors.New("the answer to a confirmation is not a confirmed session")

// decodeConfirmed decodes a 2xx answer to a confirmation. Polar answers
// with the session confirmed (or, once paid, succeeded); any other status
// (open, failed, one this SDK does not know) is not Polar's answer to this
// request, a cached or rewritten body, and must not be returned as the
// payment's outcome: it is a *DecodeError, which ClientConfirm reconciles.
func decodeConfirmed(r *request, resp *response) (*CheckoutPublicConfirmed, error) {
	out, err := decode[CheckoutPublicConfirmed](r, resp)
	if err != nil {
		return nil, err
	}
	switch out.Status {
	case CheckoutStatusConfirmed, CheckoutStatusSucceeded:
		return out, nil
	}
	return nil, r.decodeError(resp, fmt.Errorf("%w: status %q", errNotConfirmed, cut(r.redact.apply(string(out.Status)), 32)))
}

// seenBefore reports whether a confirmation's answer says that the session
// was already being or been confirmed: NotOpenCheckout, an
// AlreadyConfirmed… code, or CheckoutLocked.
func seenBefore(err error) bool {
	if errors.Is(err, ErrCheckoutNotOpen) || errors.Is(err, ErrCheckoutLocked) {
		return true
	}
	apiErr, ok := asAPIError(err)
	return ok && strings.HasPrefix(apiErr.Code, "AlreadyConfirmed")
}

// sentBefore reports whether the answer came to a resend, so that an
// earlier attempt reached the server too.
func sentBefore(err error) bool {
	apiErr, ok := asAPIError(err)
	return ok && apiErr.Attempts > 1
}

// orErr returns first if it is set, else second.
func orErr(first, second error) error {
	if first != nil {
		return first
	}
	return second
}

// confirmedFromPublic presents a session read back after an ambiguous
// confirmation in the shape ClientConfirm returns. The customer session
// token only exists in the confirm answer, so it is null.
func confirmedFromPublic(p *CheckoutPublic) (*CheckoutPublicConfirmed, error) {
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	out := new(CheckoutPublicConfirmed)
	if err := json.Unmarshal(raw, out); err != nil {
		return nil, err
	}
	out.CustomerSessionToken = Null[string]()
	return out, nil
}
