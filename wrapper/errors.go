package polar

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gopolar/checkouts/client"
)

// Sentinel errors. Test for them with errors.Is; every API error is an
// [*Error] (or wraps one), and errors.Is matches it against the sentinels
// by status code and Polar error code.
var (
	// ErrNotFound: no checkout session matches (404).
	ErrNotFound = errors.New("polar: not found")
	// ErrCheckoutExpired: the session expired (410 ExpiredCheckoutError).
	ErrCheckoutExpired = errors.New("polar: checkout session expired")
	// ErrCheckoutNotOpen: the session is confirmed, succeeded, failed or
	// expired and cannot be changed or confirmed (403 NotOpenCheckout).
	ErrCheckoutNotOpen = errors.New("polar: checkout session not open")
	// ErrForbidden: any 403 (state errors, NotPermitted, missing scope).
	ErrForbidden = errors.New("polar: forbidden")
	// ErrAlreadyActiveSubscription: the customer already subscribes (403).
	ErrAlreadyActiveSubscription = errors.New("polar: customer already has an active subscription")
	// ErrPaymentFailed: the payment was declined or failed (400 PaymentError).
	ErrPaymentFailed = errors.New("polar: payment failed")
	// ErrCheckoutLocked: another request is processing the session (409
	// CheckoutLocked); nothing was changed.
	ErrCheckoutLocked = errors.New("polar: checkout session locked by a concurrent request")
	// ErrRateLimited: too many requests (429); see [RateLimitError].
	ErrRateLimited = errors.New("polar: rate limited")
	// ErrUnauthorized: missing, invalid or expired token (401).
	ErrUnauthorized = errors.New("polar: unauthorized")
	// ErrValidation: the request was rejected as invalid (422); see
	// [ValidationError].
	ErrValidation = errors.New("polar: validation failed")

	// ErrMaybeApplied: a create (or a confirmation that could not be
	// reconciled) failed in a way that does not tell whether Polar applied
	// it. Check before trying again; see [MaybeAppliedError].
	ErrMaybeApplied = errors.New("polar: request may have been applied")
	// ErrInvalidArgument: the SDK refused an argument before sending anything.
	ErrInvalidArgument = errors.New("polar: invalid argument")
	// ErrNoAccessToken: a token operation was called without a token.
	ErrNoAccessToken = errors.New("polar: no access token (set WithAccessToken or POLAR_ACCESS_TOKEN)")
	// ErrResponseTooLarge: the response body passed the size cap.
	ErrResponseTooLarge = errors.New("polar: response body too large")
	// ErrRedirectRefused: the server redirected a request that carries
	// credentials to another host or from https to http; it was not
	// followed.
	ErrRedirectRefused = errors.New("polar: redirect refused: it would send credentials to another host or in clear text")
	// ErrRetryBudgetExhausted: retries stopped because the client's retry
	// budget ran out (many failures in a short time).
	ErrRetryBudgetExhausted = errors.New("polar: retry budget exhausted")
)

// FieldError is one field a 422 refused: where (Loc, see [FieldPath]), why
// (Msg) and the kind of failure (Type). A [*ValidationError] lists them in
// Fields.
type FieldError = client.FieldError

// Error is an error response from Polar.
type Error struct {
	// Op names the operation, such as "checkouts.get".
	Op string
	// Method and Path of the request. Client secrets in the path are
	// replaced by "{client_secret}".
	Method, Path string
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is Polar's machine-readable error, such as "NotOpenCheckout",
	// "ExpiredCheckoutError" or "invalid_token"; empty if the body had none.
	Code string
	// Detail is the human-readable message.
	Detail string
	// Fields lists the offending fields of a 422, when Polar sent a list.
	Fields []FieldError
	// RetryAfter is the server's Retry-After hint, 0 if none.
	RetryAfter time.Duration
	// Header holds the response headers.
	Header http.Header
	// Attempts is how many times the request was sent.
	Attempts int
	// Body is a short excerpt of a body that was not a Polar error (HTML
	// from a proxy, truncated JSON); empty when the body decoded.
	Body string

	// envelope is set when the body was Polar's JSON error envelope: the
	// answer came from Polar itself, not from a proxy or CDN.
	envelope bool
}

// Error describes the failure in one line, without credentials.
func (e *Error) Error() string {
	if e == nil {
		return "polar: <nil *Error>"
	}
	var b strings.Builder
	b.WriteString("polar: ")
	b.WriteString(requestLine(e.Op, e.Method, e.Path))
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	} else if text := statusText(e.StatusCode); text != "" {
		b.WriteString(" ")
		b.WriteString(text)
	}
	switch {
	case len(e.Fields) > 0:
		b.WriteString(": ")
		b.WriteString(fieldsSummary(e.Fields))
	case e.Detail != "":
		b.WriteString(": ")
		b.WriteString(e.Detail)
	case e.Body != "":
		b.WriteString(": body: ")
		b.WriteString(strconv.Quote(e.Body))
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// Is matches the sentinel errors of this package.
func (e *Error) Is(target error) bool {
	if e == nil {
		return false
	}
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrCheckoutExpired:
		return e.StatusCode == http.StatusGone || e.Code == "ExpiredCheckoutError"
	case ErrCheckoutNotOpen:
		return e.Code == "NotOpenCheckout"
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrAlreadyActiveSubscription:
		return e.Code == "AlreadyActiveSubscriptionError"
	case ErrPaymentFailed:
		return e.Code == "PaymentError"
	case ErrCheckoutLocked:
		return e.Code == "CheckoutLocked" || (e.StatusCode == http.StatusConflict && e.Code == "")
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests || (e.StatusCode == http.StatusServiceUnavailable && e.RetryAfter > 0)
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrValidation:
		return e.StatusCode == http.StatusUnprocessableEntity
	}
	return false
}

// Temporary reports whether trying the same request again later may
// succeed (rate limits, locks, server errors).
func (e *Error) Temporary() bool {
	if e == nil {
		return false
	}
	if isCDNStatus(e.StatusCode) {
		return true
	}
	switch e.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusConflict:
		return e.Code == "CheckoutLocked"
	}
	return false
}

// fieldsSummary renders the first field error and how many more there are.
func fieldsSummary(fields []FieldError) string {
	s := FieldPath(fields[0]) + ": " + fields[0].Msg
	if n := len(fields) - 1; n > 0 {
		s += fmt.Sprintf(" (and %d more)", n)
	}
	return s
}

// FieldPath renders a validation location such as "body.products.0".
func FieldPath(f FieldError) string {
	parts := make([]string, 0, len(f.Loc))
	for _, p := range f.Loc {
		switch v := p.(type) {
		case string:
			parts = append(parts, v)
		case float64:
			parts = append(parts, strconv.FormatFloat(v, 'f', -1, 64))
		default:
			parts = append(parts, fmt.Sprint(v))
		}
	}
	return oneLine(strings.Join(parts, "."))
}

// RateLimitError is returned for a 429, and for a 503 with Retry-After
// (both match [ErrRateLimited]). RetryAfter says how long Polar asks to
// wait (0 if it did not say; a value too large to represent is capped at
// [MaxRetryAfterHint]); the client already waited and retried when the
// hint was short, so seeing this error means the wait was longer than
// [RetryPolicy.MaxRetryAfter] or retries ran out.
type RateLimitError struct {
	APIError   *Error
	RetryAfter time.Duration
}

// Error describes the rate limit like the underlying *Error.
func (e *RateLimitError) Error() string {
	switch {
	case e == nil:
		return "polar: <nil *RateLimitError>"
	case e.APIError != nil:
		return e.APIError.Error()
	case e.RetryAfter > 0:
		return "polar: rate limited (retry after " + e.RetryAfter.String() + ")"
	}
	return "polar: rate limited"
}

// Is matches [ErrRateLimited], also when APIError is not set.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// Unwrap returns the underlying *Error.
func (e *RateLimitError) Unwrap() error {
	if e == nil || e.APIError == nil {
		return nil
	}
	return e.APIError
}

// ValidationError is returned for a 422. Fields lists the offending fields
// when Polar sent a list; Detail (on APIError) holds a single message
// otherwise.
type ValidationError struct {
	APIError *Error
	Fields   []FieldError
}

// Error describes the failure like the underlying *Error.
func (e *ValidationError) Error() string {
	switch {
	case e == nil:
		return "polar: <nil *ValidationError>"
	case e.APIError != nil:
		return e.APIError.Error()
	case len(e.Fields) > 0:
		return "polar: validation failed: " + fieldsSummary(e.Fields)
	}
	return "polar: validation failed"
}

// Is matches [ErrValidation], also when APIError is not set.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// Unwrap returns the underlying *Error.
func (e *ValidationError) Unwrap() error {
	if e == nil || e.APIError == nil {
		return nil
	}
	return e.APIError
}

// MaybeAppliedError says that a request which must not run twice (a
// create, or a confirmation that could not be checked) failed in a way that
// does not tell whether Polar applied it. Cause is the failure. The SDK did
// not retry; look the result up (for example list open sessions by
// external_customer_id) before deciding to send it again.
type MaybeAppliedError struct {
	Op    string
	Cause error
}

// Error says that the outcome is unknown, and why.
func (e *MaybeAppliedError) Error() string {
	if e == nil {
		return "polar: <nil *MaybeAppliedError>"
	}
	msg := "polar: " + orUnknown(e.Op) + ": outcome unknown, the request may have been applied"
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// Is matches ErrMaybeApplied.
func (e *MaybeAppliedError) Is(target error) bool { return target == ErrMaybeApplied }

// Unwrap returns the cause.
func (e *MaybeAppliedError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Cause
}

// InvalidArgumentError is returned before any request is sent when an
// argument or an option cannot be valid. It never quotes a secret, nor
// input that could be one.
type InvalidArgumentError struct {
	// Op is the operation ("checkouts.get") or the option ("WithAccessToken").
	Op string
	// Arg names the argument ("id", "body.metadata", "option").
	Arg string
	// Reason says what is wrong.
	Reason string
	// Err, if set, is a more specific sentinel, such as [ErrNoAccessToken].
	Err error
}

// Error names the operation, the argument and the reason.
func (e *InvalidArgumentError) Error() string {
	if e == nil {
		return "polar: <nil *InvalidArgumentError>"
	}
	msg := "polar: " + orUnknown(e.Op) + ": invalid " + orUnknown(e.Arg)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Is matches ErrInvalidArgument.
func (e *InvalidArgumentError) Is(target error) bool { return target == ErrInvalidArgument }

// Unwrap returns Err.
func (e *InvalidArgumentError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// RequestError is a failure without a response from Polar: connection
// refused or reset, timeout, TLS failure, or a body that could not be read.
// Err is the cause (errors.Is(err, context.DeadlineExceeded) works).
type RequestError struct {
	Op, Method, Path string
	Attempts         int
	Err              error
}

// Error describes the failed request, without credentials.
func (e *RequestError) Error() string {
	if e == nil {
		return "polar: <nil *RequestError>"
	}
	msg := "polar: " + requestLine(e.Op, e.Method, e.Path) + ": "
	if e.Err != nil {
		msg += e.Err.Error()
	} else {
		msg += "request failed"
	}
	if e.Attempts > 1 {
		msg += " (after " + strconv.Itoa(e.Attempts) + " attempts)"
	}
	return msg
}

// Unwrap returns the cause.
func (e *RequestError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// asAPIError returns the *Error inside err, if any.
func asAPIError(err error) (*Error, bool) {
	var apiErr *Error
	ok := errors.As(err, &apiErr)
	return apiErr, ok
}

// DecodeError is a 2xx response whose body does not match the model: the
// request succeeded on Polar's side but its result could not be read.
type DecodeError struct {
	Op, Method, Path string
	StatusCode       int
	// Body is a short excerpt of the body.
	Body string
	Err  error
}

// Error describes the response that could not be decoded.
func (e *DecodeError) Error() string {
	if e == nil {
		return "polar: <nil *DecodeError>"
	}
	msg := "polar: " + requestLine(e.Op, e.Method, e.Path) + ": decoding " + strconv.Itoa(e.StatusCode) + " response"
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause: a JSON error, or the missing property.
func (e *DecodeError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// requestLine renders "op METHOD path", leaving out what is not set.
func requestLine(op, method, path string) string {
	parts := make([]string, 0, 3)
	for _, p := range [...]string{op, method, path} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "request"
	}
	return strings.Join(parts, " ")
}

// orUnknown returns s, or "?" when it is empty.
func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}
