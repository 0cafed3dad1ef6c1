package polar_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

func TestErrors_mapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		header   []string
		wantIs   []error
		wantNot  []error
		wantCode string
		wantMsg  string // part of Error()
	}{
		{"404", 404, notFoundBody, nil, []error{polar.ErrNotFound}, []error{polar.ErrForbidden}, "ResourceNotFound", "404 ResourceNotFound: Not found"},
		{"410 expired", 410, `{"error":"ExpiredCheckoutError","detail":"This checkout session has expired."}`, nil, []error{polar.ErrCheckoutExpired}, []error{polar.ErrNotFound}, "ExpiredCheckoutError", "expired"},
		{"403 not open", 403, `{"error":"NotOpenCheckout","detail":"Checkout x is not open: confirmed"}`, nil, []error{polar.ErrCheckoutNotOpen, polar.ErrForbidden}, []error{polar.ErrAlreadyActiveSubscription}, "NotOpenCheckout", "not open"},
		{"403 active subscription", 403, `{"error":"AlreadyActiveSubscriptionError","detail":"You already have an active subscription."}`, nil, []error{polar.ErrAlreadyActiveSubscription, polar.ErrForbidden}, []error{polar.ErrCheckoutNotOpen}, "AlreadyActiveSubscriptionError", ""},
		{"403 insufficient scope", 403, `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token."}`, nil, []error{polar.ErrForbidden}, nil, "insufficient_scope", "higher privileges"},
		{"400 payment", 400, `{"error":"PaymentError","detail":"The payment failed: declined."}`, nil, []error{polar.ErrPaymentFailed}, nil, "PaymentError", "declined"},
		{"409 locked", 409, `{"error":"CheckoutLocked","detail":"Checkout is currently being processed. Please try again."}`, nil, []error{polar.ErrCheckoutLocked}, nil, "CheckoutLocked", ""},
		{"401 missing", 401, `{"error":"Unauthorized","detail":"Unauthorized"}`, nil, []error{polar.ErrUnauthorized}, nil, "Unauthorized", ""},
		{"401 OAuth2", 401, `{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed, or invalid for other reasons."}`, nil, []error{polar.ErrUnauthorized}, nil, "invalid_token", "expired, revoked"},
		{"422 list", 422, `{"error":"RequestValidationError","detail":[{"loc":["body","products",0],"msg":"Input should be a valid UUID","type":"uuid_parsing","input":"x"},{"loc":["body","amount"],"msg":"too small","type":"greater_than_equal"}]}`, nil, []error{polar.ErrValidation}, nil, "RequestValidationError", "body.products.0: Input should be a valid UUID (and 1 more)"},
		{"422 string", 422, `{"error":"CheckoutCustomerExternalIdMismatch","detail":"A customer with this external ID already exists but with a different email address."}`, nil, []error{polar.ErrValidation}, nil, "CheckoutCustomerExternalIdMismatch", "different email"},
		{"404 unknown version", 404, `{"detail":"Not Found"}`, nil, []error{polar.ErrNotFound}, nil, "", "Not Found"},
		{"429 empty body", 429, ``, []string{"Retry-After", "3600"}, []error{polar.ErrRateLimited}, nil, "", "429 Too Many Requests"},
		{"502 HTML from a proxy", 502, `<html><head><title>502</title></head><body>bad gateway</body></html>`, []string{"Content-Type", "text/html"}, nil, []error{polar.ErrNotFound}, "", `body: "<html>`},
		{"404 truncated JSON", 404, `{"error":"ResourceNo`, nil, []error{polar.ErrNotFound}, nil, "", `body: "{\"error\":\"ResourceNo"`},
		{"418 unknown code", 418, `{"error":"SomethingNew","detail":"new"}`, nil, nil, []error{polar.ErrNotFound, polar.ErrValidation}, "SomethingNew", "new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t, polar.WithMaxRetries(0))
			mux.HandleFunc("/v1/checkouts/client/{secret}", func(w http.ResponseWriter, r *http.Request) {
				for i := 0; i+1 < len(tt.header); i += 2 {
					w.Header().Set(tt.header[i], tt.header[i+1])
				}
				if w.Header().Get("Content-Type") == "" {
					w.Header().Set("Content-Type", "application/json")
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			_, err := c.Checkouts.ClientGet(t.Context(), testSecret)
			var apiErr *polar.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %#v, want a *polar.Error", err)
			}
			if apiErr.StatusCode != tt.status || apiErr.Code != tt.wantCode {
				t.Errorf("status %d code %q, want %d %q", apiErr.StatusCode, apiErr.Code, tt.status, tt.wantCode)
			}
			if apiErr.Path != "/v1/checkouts/client/{client_secret}" || apiErr.Method != "GET" || apiErr.Op != "checkouts.clientGet" {
				t.Errorf("op %q method %q path %q", apiErr.Op, apiErr.Method, apiErr.Path)
			}
			for _, want := range tt.wantIs {
				if !errors.Is(err, want) {
					t.Errorf("errors.Is(err, %v) = false", want)
				}
			}
			for _, not := range tt.wantNot {
				if errors.Is(err, not) {
					t.Errorf("errors.Is(err, %v) = true", not)
				}
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Error() = %q, want it to contain %q", err.Error(), tt.wantMsg)
			}
			noSecrets(t, "Error()", err.Error())
		})
	}
}

func TestErrors_typedRefinements(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, polar.WithMaxRetries(0))
	mux.HandleFunc("GET /v1/checkouts/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	mux.HandleFunc("PATCH /v1/checkouts/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 422, `{"detail":[{"loc":["body","customer_email"],"msg":"value is not a valid email address","type":"value_error"}]}`)
	})
	_, err := c.Checkouts.Get(t.Context(), testUUID)
	var rl *polar.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Minute || !errors.Is(err, polar.ErrRateLimited) {
		t.Errorf("Get: err = %v, want *RateLimitError with RetryAfter 2m", err)
	}
	_, err = c.Checkouts.Update(t.Context(), testUUID, &polar.CheckoutUpdate{})
	var ve *polar.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 1 || polar.FieldPath(ve.Fields[0]) != "body.customer_email" {
		t.Errorf("Update: err = %v, want *ValidationError on body.customer_email", err)
	}
}

func TestErrors_responseTooLarge(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, polar.WithMaxResponseBytes(1024))
	s := newScript(t, status(200, `{"id":"`+strings.Repeat("x", 2000)+`"}`))
	mux.Handle("/v1/checkouts/{id}", s)
	_, err := c.Checkouts.Get(t.Context(), testUUID)
	if !errors.Is(err, polar.ErrResponseTooLarge) {
		t.Errorf("err = %v, want ErrResponseTooLarge", err)
	}
	if s.count() != 1 {
		t.Errorf("attempts = %d, want 1 (an oversize body is not retried)", s.count())
	}
}

func TestErrors_decodeErrorKeepsStatus(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/v1/checkouts/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"`+testID+`","created_at":"yesterday"}`)
	})
	_, err := c.Checkouts.Get(t.Context(), testUUID)
	var de *polar.DecodeError
	if !errors.As(err, &de) || de.StatusCode != 200 {
		t.Errorf("err = %v, want *DecodeError with status 200", err)
	}
}
