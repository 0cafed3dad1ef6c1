package polar

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"

	"github.com/gopolar/checkouts/client"
)

// CheckoutsService holds the checkout-session operations. Get it from
// [Client.Checkouts].
type CheckoutsService struct {
	client *Client
}

// Operation names, as they appear in errors and logs.
const (
	opList          = "checkouts.list"
	opCreate        = "checkouts.create"
	opGet           = "checkouts.get"
	opUpdate        = "checkouts.update"
	opClientGet     = "checkouts.clientGet"
	opClientUpdate  = "checkouts.clientUpdate"
	opClientConfirm = "checkouts.clientConfirm"
)

// Paths as shown in errors and logs; IDs are kept, secrets never.
const (
	pathCollection = "/v1/checkouts/"
	pathClient     = "/v1/checkouts/client/" + secretPlaceholder
	pathConfirm    = pathClient + "/confirm"
)

// Create opens a checkout session (POST /v1/checkouts/, 201). Needs the
// checkouts:write scope.
//
// Create is never retried once the request may have reached Polar, since
// Polar has no idempotency key and a second request would open a second
// session. If the outcome is unknown (connection reset, timeout, 500/502/
// 504), the error matches [ErrMaybeApplied]: look the session up, for
// example with List filtered by external_customer_id, before trying again.
func (s *CheckoutsService) Create(ctx context.Context, body *CheckoutCreate, opts ...Option) (*Checkout, error) {
	if body == nil {
		return nil, &InvalidArgumentError{Op: opCreate, Arg: "body", Reason: "nil"}
	}
	if err := checkUTF8(opCreate, "body", body); err != nil {
		return nil, err
	}
	r, err := s.newRequest(opCreate, http.MethodPost, pathCollection, authRequired, unsafePost, opts, func(server string) (*http.Request, error) {
		return client.NewCreateCheckoutRequest(server, *body)
	})
	if err != nil {
		return nil, err
	}
	resp, err := r.send(ctx)
	if err != nil {
		return nil, maybeApplied(opCreate, err)
	}
	out, err := decode[Checkout](r, resp)
	if err != nil {
		// Polar created the session; only the answer is unreadable.
		return nil, &MaybeAppliedError{Op: opCreate, Cause: err}
	}
	return out, nil
}

// Get returns a checkout session by ID (GET /v1/checkouts/{id}): pass the
// ID of a Checkout the SDK returned, or [ParseUUID] of a string. The zero
// UUID is refused before a request is made.
func (s *CheckoutsService) Get(ctx context.Context, id UUID, opts ...Option) (*Checkout, error) {
	uid, err := checkCheckoutID(opGet, id)
	if err != nil {
		return nil, err
	}
	r, err := s.newRequest(opGet, http.MethodGet, pathCollection+uid.String(), authRequired, idempotent, opts, func(server string) (*http.Request, error) {
		return client.NewGetCheckoutRequest(server, uid)
	})
	if err != nil {
		return nil, err
	}
	return sendDecode[Checkout](ctx, r)
}

// Update changes an open checkout session (PATCH /v1/checkouts/{id}).
// Fields left unset keep their value; fields set to null (SetNull, [Null])
// are cleared. A session that is no longer open gives [ErrCheckoutNotOpen].
// Updates set absolute values, so failed attempts are retried. The ID is
// taken as [Get] takes it.
func (s *CheckoutsService) Update(ctx context.Context, id UUID, body *CheckoutUpdate, opts ...Option) (*Checkout, error) {
	uid, err := checkCheckoutID(opUpdate, id)
	if err != nil {
		return nil, err
	}
	if body == nil {
		return nil, &InvalidArgumentError{Op: opUpdate, Arg: "body", Reason: "nil"}
	}
	if err := checkUTF8(opUpdate, "body", body); err != nil {
		return nil, err
	}
	r, err := s.newRequest(opUpdate, http.MethodPatch, pathCollection+uid.String(), authRequired, idempotent, opts, func(server string) (*http.Request, error) {
		return client.NewUpdateCheckoutRequest(server, uid, *body)
	})
	if err != nil {
		return nil, err
	}
	return sendDecode[Checkout](ctx, r)
}

// ClientGet returns the public view of a session by its client secret
// (GET /v1/checkouts/client/{client_secret}), as the customer's browser
// sees it. The access token is never sent. An expired session gives
// [ErrCheckoutExpired].
func (s *CheckoutsService) ClientGet(ctx context.Context, clientSecret string, opts ...Option) (*CheckoutPublic, error) {
	if err := checkClientSecret(opClientGet, clientSecret); err != nil {
		return nil, err
	}
	r, err := s.newRequest(opClientGet, http.MethodGet, pathClient, authNever, idempotent, opts, func(server string) (*http.Request, error) {
		return client.NewClientGetCheckoutRequest(server, clientSecret)
	})
	if err != nil {
		return nil, err
	}
	r.redact = append(r.redact, clientSecret)
	return sendDecode[CheckoutPublic](ctx, r)
}

// ClientUpdate changes the customer-editable fields of an open session by
// its client secret (PATCH /v1/checkouts/client/{client_secret}). The
// access token is never sent.
func (s *CheckoutsService) ClientUpdate(ctx context.Context, clientSecret string, body *CheckoutUpdatePublic, opts ...Option) (*CheckoutPublic, error) {
	if err := checkClientSecret(opClientUpdate, clientSecret); err != nil {
		return nil, err
	}
	if body == nil {
		return nil, &InvalidArgumentError{Op: opClientUpdate, Arg: "body", Reason: "nil"}
	}
	if err := checkUTF8(opClientUpdate, "body", body); err != nil {
		return nil, err
	}
	r, err := s.newRequest(opClientUpdate, http.MethodPatch, pathClient, authNever, idempotent, opts, func(server string) (*http.Request, error) {
		return client.NewClientUpdateCheckoutRequest(server, clientSecret, *body)
	})
	if err != nil {
		return nil, err
	}
	r.redact = append(r.redact, clientSecret)
	return sendDecode[CheckoutPublic](ctx, r)
}

// newRequest prepares a call with the client's configuration and opts.
func (s *CheckoutsService) newRequest(op, method, path string, auth authMode, safe safety, opts []Option, build func(string) (*http.Request, error)) (*request, error) {
	cfg, err := s.client.callConfig(opts)
	if err != nil {
		return nil, err
	}
	return &request{cfg: cfg, op: op, method: method, path: path, auth: auth, safety: safe, build: build}, nil
}

// sendDecode sends r and decodes the 2xx body into a T.
func sendDecode[T any](ctx context.Context, r *request) (*T, error) {
	resp, err := r.send(ctx)
	if err != nil {
		return nil, err
	}
	return decode[T](r, resp)
}

// decode reads a 2xx body into a T, keeping the status on failure. A
// body that decodes but is not a T (not an object, or without a required
// property) fails too: see shape.go.
func decode[T any](r *request, resp *response) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(resp.body, v); err != nil {
		return nil, r.decodeError(resp, r.redact.redactDecodeError(err))
	}
	if err := checkShape(resp.body, shapeOf(reflect.TypeFor[T]())); err != nil {
		return nil, r.decodeError(resp, err) // names only the model's properties
	}
	return v, nil
}

// decodeError reports a 2xx body that could not be read as the model,
// with a cleaned excerpt of the body.
func (r *request) decodeError(resp *response, cause error) *DecodeError {
	return &DecodeError{Op: r.op, Method: r.method, Path: r.path, StatusCode: resp.status,
		Body: r.redact.excerpt(resp.body), Err: cause}
}

// maybeApplied turns the ambiguous failure of an unsafe POST into a
// MaybeAppliedError and passes other errors through.
func maybeApplied(op string, err error) error {
	var amb *ambiguousError
	if errors.As(err, &amb) {
		return &MaybeAppliedError{Op: op, Cause: amb.err}
	}
	return err
}
