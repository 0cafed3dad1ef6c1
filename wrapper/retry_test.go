package polar_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

const notFoundBody = `{"error":"ResourceNotFound","detail":"Not found"}`

// between reports whether d is in [lo, hi].
func between(d, lo, hi time.Duration) bool { return d >= lo && d <= hi }

func TestRetry_get(t *testing.T) {
	t.Parallel()
	date := func() string { return time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat) }
	tests := []struct {
		name         string
		steps        []http.HandlerFunc
		wantAttempts int
		wantErr      error // nil: success
		// wantWaits bounds each recorded wait.
		wantWaits [][2]time.Duration
	}{
		{"500 500 200", []http.HandlerFunc{status(500, ""), status(500, ""), status(200, checkoutJSON)}, 3, nil,
			[][2]time.Duration{{375 * time.Millisecond, 500 * time.Millisecond}, {750 * time.Millisecond, time.Second}}},
		{"502 504 200", []http.HandlerFunc{status(502, "<html>bad gateway</html>", "Content-Type", "text/html"), status(504, ""), status(200, checkoutJSON)}, 3, nil,
			[][2]time.Duration{{375 * time.Millisecond, 500 * time.Millisecond}, {750 * time.Millisecond, time.Second}}},
		{"408 then 200", []http.HandlerFunc{status(408, ""), status(200, checkoutJSON)}, 2, nil,
			[][2]time.Duration{{375 * time.Millisecond, 500 * time.Millisecond}}},
		{"503 with Retry-After 1", []http.HandlerFunc{status(503, "", "Retry-After", "1"), status(200, checkoutJSON)}, 2, nil,
			[][2]time.Duration{{time.Second, time.Second}}},
		{"429 with Retry-After 1", []http.HandlerFunc{status(429, "", "Retry-After", "1"), status(200, checkoutJSON)}, 2, nil,
			[][2]time.Duration{{time.Second, time.Second}}},
		{"429 without Retry-After backs off from 1s", []http.HandlerFunc{status(429, ""), status(200, checkoutJSON)}, 2, nil,
			[][2]time.Duration{{750 * time.Millisecond, time.Second}}},
		{"429 with an HTTP date", []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) { status(429, "", "Retry-After", date())(w, r) }, status(200, checkoutJSON)}, 2, nil,
			[][2]time.Duration{{time.Second, 3 * time.Second}}},
		{"429 with Retry-After 3600 is not waited for", []http.HandlerFunc{status(429, "", "Retry-After", "3600")}, 1, polar.ErrRateLimited, nil},
		{"500 three times", []http.HandlerFunc{status(500, "")}, 3, nil, nil},
		{"404 is final", []http.HandlerFunc{status(404, notFoundBody)}, 1, polar.ErrNotFound, nil},
		{"reset then 200", []http.HandlerFunc{reset(t), status(200, checkoutJSON)}, 2, nil,
			[][2]time.Duration{{375 * time.Millisecond, 500 * time.Millisecond}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, sl := setup(t)
			s := newScript(t, tt.steps...)
			mux.Handle("/v1/checkouts/{id}", s)
			_, err := c.Checkouts.Get(t.Context(), testUUID)
			if got := s.count(); got != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", got, tt.wantAttempts)
			}
			switch {
			case tt.name == "500 three times":
				var apiErr *polar.Error
				if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Attempts != 3 {
					t.Errorf("err = %v, want a 500 *Error after 3 attempts", err)
				}
			case tt.wantErr == nil && err != nil:
				t.Errorf("Get: %v", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			waits := sl.all()
			if tt.wantWaits != nil {
				if len(waits) != len(tt.wantWaits) {
					t.Fatalf("waits = %v, want %d waits", waits, len(tt.wantWaits))
				}
				for i, w := range waits {
					if !between(w, tt.wantWaits[i][0], tt.wantWaits[i][1]) {
						t.Errorf("wait %d = %s, want within %v", i+1, w, tt.wantWaits[i])
					}
				}
			}
		})
	}
}

func TestRetry_longRetryAfterReturnsRateLimitError(t *testing.T) {
	t.Parallel()
	c, mux, sl := setup(t)
	mux.Handle("/v1/checkouts/client/{secret}/confirm", newScript(t, status(429, "", "Retry-After", "1800")))
	_, err := c.Checkouts.ClientConfirm(t.Context(), testSecret, &polar.CheckoutConfirmStripe{})
	var rl *polar.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %v, want *RateLimitError", err)
	}
	if rl.RetryAfter != 30*time.Minute {
		t.Errorf("RetryAfter = %s, want 30m", rl.RetryAfter)
	}
	if len(sl.all()) != 0 {
		t.Errorf("waited %v before returning a 30 minute Retry-After", sl.all())
	}
	noSecrets(t, "error", err.Error())
}

func TestRetry_bodiesAreIdenticalOnEveryAttempt(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	s := newScript(t, status(500, ""), status(503, ""), status(200, checkoutJSON))
	mux.Handle("/v1/checkouts/{id}", s)
	_, err := c.Checkouts.Update(t.Context(), testUUID, &polar.CheckoutUpdate{
		DiscountID: polar.Null[polar.UUID](), CustomerName: polar.Value("Ada"),
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	bodies := s.bodies()
	if len(bodies) != 3 {
		t.Fatalf("attempts = %d, want 3", len(bodies))
	}
	for i, b := range bodies {
		if b != bodies[0] || !strings.Contains(b, `"discount_id":null`) {
			t.Errorf("body of attempt %d = %s, want %s", i+1, b, bodies[0])
		}
	}
}

// TestRetry_create proves over HTTP that a create is retried only when it
// provably did not take effect.
func TestRetry_create(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		steps        []http.HandlerFunc
		wantAttempts int
		wantMaybe    bool
		wantErr      error
	}{
		{"503 may have been applied (a proxy sends it after forwarding)", []http.HandlerFunc{status(503, "")}, 1, true, nil},
		{"503 in Polar's envelope may have been applied", []http.HandlerFunc{status(503, `{"error":"ServiceUnavailable","detail":"x"}`)}, 1, true, nil},
		{"a 4xx in Polar's envelope is a rejection", []http.HandlerFunc{status(422, `{"error":"RequestValidationError","detail":[{"loc":["body","products"],"msg":"bad","type":"x"}]}`)}, 1, false, polar.ErrValidation},
		{"a 4xx page from a proxy may have been applied", []http.HandlerFunc{status(403, "<html>Forbidden</html>", "Content-Type", "text/html")}, 1, true, nil},
		{"a 201 of the wrong shape may have been applied", []http.HandlerFunc{status(201, `{"status":"ok"}`)}, 1, true, nil},
		{"429 is retried", []http.HandlerFunc{status(429, "", "Retry-After", "1"), status(201, checkoutJSON)}, 2, false, nil},
		{"500 may have been applied", []http.HandlerFunc{status(500, "")}, 1, true, nil},
		{"502 may have been applied", []http.HandlerFunc{status(502, "<html></html>", "Content-Type", "text/html")}, 1, true, nil},
		{"504 may have been applied", []http.HandlerFunc{status(504, "")}, 1, true, nil},
		{"408 may have been applied", []http.HandlerFunc{status(408, "")}, 1, true, nil},
		{"reset after the body was read", []http.HandlerFunc{reset(t)}, 1, true, nil},
		{"truncated 201", []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "500")
			w.WriteHeader(201)
			_, _ = w.Write([]byte(checkoutJSON[:20]))
		}}, 1, true, nil},
		{"422 is final and not ambiguous", []http.HandlerFunc{status(422, `{"detail":[{"loc":["body","products"],"msg":"Field required","type":"missing"}]}`)}, 1, false, polar.ErrValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			s := newScript(t, tt.steps...)
			mux.Handle("/v1/checkouts/{$}", s)
			_, err := c.Checkouts.Create(t.Context(), &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(testID)}})
			if got := s.count(); got != tt.wantAttempts {
				t.Errorf("POSTs = %d, want %d", got, tt.wantAttempts)
			}
			if got := errors.Is(err, polar.ErrMaybeApplied); got != tt.wantMaybe {
				t.Errorf("errors.Is(err, ErrMaybeApplied) = %v, want %v (err: %v)", got, tt.wantMaybe, err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if !tt.wantMaybe && tt.wantErr == nil && err != nil {
				t.Errorf("Create: %v", err)
			}
		})
	}
}

func TestRetry_connectionRefusedIsRetriedEvenForCreate(t *testing.T) {
	t.Parallel()
	for _, op := range []string{"get", "create"} {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			s := newScript(t, status(200, checkoutJSON))
			srv := httptest.NewServer(s)
			t.Cleanup(srv.Close)
			sl := &sleeps{}
			c, err := polar.NewClient(polar.WithBaseURL(srv.URL), polar.WithAccessToken(testToken), polar.WithSleep(sl.sleep),
				polar.WithHTTPClient(&http.Client{Transport: refusingDialer(t, 2)}))
			if err != nil {
				t.Fatal(err)
			}
			if op == "get" {
				_, err = c.Checkouts.Get(t.Context(), testUUID)
			} else {
				_, err = c.Checkouts.Create(t.Context(), &polar.CheckoutCreate{})
			}
			if err != nil {
				t.Fatalf("%s after two refused connections: %v", op, err)
			}
			if s.count() != 1 || len(sl.all()) != 2 {
				t.Errorf("server saw %d requests after %d waits, want 1 after 2", s.count(), len(sl.all()))
			}
		})
	}
}

func TestRetry_attemptTimeout(t *testing.T) {
	t.Parallel()
	t.Run("get is retried", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t, polar.WithAttemptTimeout(50*time.Millisecond))
		s := newScript(t, hang, status(200, checkoutJSON))
		mux.Handle("/v1/checkouts/{id}", s)
		if _, err := c.Checkouts.Get(t.Context(), testUUID); err != nil {
			t.Fatalf("Get: %v", err)
		}
		if s.count() != 2 {
			t.Errorf("attempts = %d, want 2", s.count())
		}
	})
	t.Run("create is not", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t, polar.WithAttemptTimeout(50*time.Millisecond))
		s := newScript(t, hang, status(201, checkoutJSON))
		mux.Handle("/v1/checkouts/{$}", s)
		_, err := c.Checkouts.Create(t.Context(), &polar.CheckoutCreate{})
		if !errors.Is(err, polar.ErrMaybeApplied) || !errors.Is(err, context_DeadlineExceeded) {
			t.Errorf("err = %v, want ErrMaybeApplied wrapping a deadline", err)
		}
		if s.count() != 1 {
			t.Errorf("POSTs = %d, want 1", s.count())
		}
	})
}

func TestRetry_budgetStopsRetries(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, polar.WithRetryBudget(7))
	s := newScript(t, status(500, ""))
	mux.Handle("/v1/checkouts/{id}", s)
	_, err := c.Checkouts.Get(t.Context(), testUUID)
	if !errors.Is(err, polar.ErrRetryBudgetExhausted) {
		t.Errorf("err = %v, want ErrRetryBudgetExhausted", err)
	}
	var apiErr *polar.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Errorf("err = %v, want the 500 still reachable with errors.As", err)
	}
	if s.count() != 2 {
		t.Errorf("attempts = %d, want 2 (one retry of cost 5 fits a budget of 7, the second does not)", s.count())
	}
}

func TestRetry_disabled(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	s := newScript(t, status(503, ""))
	mux.Handle("/v1/checkouts/{id}", s)
	_, err := c.Checkouts.Get(t.Context(), testUUID, polar.WithMaxRetries(0))
	var apiErr *polar.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || s.count() != 1 {
		t.Errorf("attempts = %d with retries disabled, err %v; want 1 attempt and the 503", s.count(), err)
	}
}

func TestRetry_budgetRefillsOnSuccess(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, polar.WithRetryBudget(5))
	mux.Handle("/v1/checkouts/{id}", newScript(t, status(500, ""), status(200, checkoutJSON), status(500, ""), status(200, checkoutJSON)))
	for i := range 2 {
		if _, err := c.Checkouts.Get(t.Context(), testUUID); err != nil {
			t.Fatalf("call %d: %v (a success must give back what its retry took)", i+1, err)
		}
	}
}
