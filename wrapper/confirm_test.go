package polar_test

import (
	"errors"
	"net/http"
	"sync"
	"testing"

	polar "github.com/gopolar/checkouts/wrapper"
)

// confirmStep is how the fake answers one confirmation request.
type confirmStep int

const (
	applyOK          confirmStep = iota // confirm, answer 200
	applyThenReset                      // confirm, then drop the connection
	applyThen500                        // confirm, then answer 500
	applyTruncated                      // confirm, answer a cut 200
	resetNoApply                        // drop the connection, change nothing
	fail502NoApply                      // 502 from a proxy, change nothing
	fail503NoApply                      // 503 before processing
	lockedNoApply                       // 409 CheckoutLocked
	declineNoApply                      // 400 PaymentError
	okOpenNoApply                       // 200 of the confirmed shape saying open, change nothing
	okFailed                            // the payment fails, 200 saying failed
	okUnknownApplied                    // confirm, answer 200 with a status this SDK does not know
)

// confirmServer is a checkout with Polar's confirm state machine: a
// confirmation is applied at most once, and later ones get 403
// NotOpenCheckout.
type confirmServer struct {
	t     *testing.T
	mu    sync.Mutex
	state string // checkout status
	steps []confirmStep
	posts int // confirmation requests received
	apply int // confirmations applied
	gets  int
	get   func(w http.ResponseWriter) bool // optional override of the read
}

func (s *confirmServer) confirm(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	step := s.steps[min(s.posts, len(s.steps)-1)]
	s.posts++
	if s.state != "open" {
		s.mu.Unlock()
		writeJSON(w, http.StatusForbidden, `{"error":"NotOpenCheckout","detail":"Checkout `+testID+` is not open: `+s.state+`"}`)
		return
	}
	switch step {
	case applyOK, applyThenReset, applyThen500, applyTruncated, okUnknownApplied:
		s.state = "confirmed"
		s.apply++
	case okFailed:
		s.state = "failed"
	}
	s.mu.Unlock()
	confirmed := fixture("checkout_public_confirmed.json", map[string]any{"id": testID, "status": "confirmed", "client_secret": testSecret, "customer_session_token": "polar_cst_x"})
	switch step {
	case applyOK:
		writeJSON(w, http.StatusOK, confirmed)
	case applyThenReset, resetNoApply:
		resetConn(s.t, w)
	case applyThen500:
		writeJSON(w, http.StatusInternalServerError, `{"error":"InternalServerError","detail":"boom"}`)
	case applyTruncated:
		w.Header().Set("Content-Length", "400")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(confirmed[:15]))
	case fail502NoApply:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><body>502 Bad Gateway</body></html>"))
	case fail503NoApply:
		w.WriteHeader(http.StatusServiceUnavailable)
	case lockedNoApply:
		writeJSON(w, http.StatusConflict, `{"error":"CheckoutLocked","detail":"Checkout is currently being processed. Please try again."}`)
	case declineNoApply:
		writeJSON(w, http.StatusBadRequest, `{"error":"PaymentError","detail":"The payment failed: Your card was declined."}`)
	case okOpenNoApply, okFailed, okUnknownApplied:
		status := map[confirmStep]string{okOpenNoApply: "open", okFailed: "failed", okUnknownApplied: "payment_review"}[step]
		writeJSON(w, http.StatusOK, fixture("checkout_public_confirmed.json", map[string]any{"id": testID, "status": status, "client_secret": testSecret, "customer_session_token": "polar_cst_x"}))
	}
}

func (s *confirmServer) read(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.gets++
	state := s.state
	s.mu.Unlock()
	if s.get != nil && s.get(w) {
		return
	}
	writeJSON(w, http.StatusOK, publicWithStatus(state))
}

func TestClientConfirm_neverConfirmsTwice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		steps     []confirmStep
		state     string
		getFails  bool
		wantPosts int
		wantGets  int
		wantErr   error  // nil: success
		wantState string // status of the returned checkout
	}{
		{"plain success", []confirmStep{applyOK}, "open", false, 1, 0, nil, "confirmed"},
		{"applied, then the connection reset: read back, not resent", []confirmStep{applyThenReset}, "open", false, 1, 1, nil, "confirmed"},
		{"applied, then 500: read back, not resent", []confirmStep{applyThen500}, "open", false, 1, 1, nil, "confirmed"},
		{"applied, answer cut short: read back", []confirmStep{applyTruncated}, "open", false, 1, 1, nil, "confirmed"},
		{"reset before applying: still open, sent once more", []confirmStep{resetNoApply, applyOK}, "open", false, 2, 1, nil, "confirmed"},
		{"502 twice: sent twice at most, then unknown", []confirmStep{fail502NoApply}, "open", false, 2, 2, polar.ErrMaybeApplied, ""},
		{"503 may come after forwarding: read back open, sent once more", []confirmStep{fail503NoApply, applyOK}, "open", false, 2, 1, nil, "confirmed"},
		{"409 locked is returned as is", []confirmStep{lockedNoApply}, "open", false, 1, 0, polar.ErrCheckoutLocked, ""},
		{"declined", []confirmStep{declineNoApply}, "open", false, 1, 0, polar.ErrPaymentFailed, ""},
		{"already confirmed before: a plain NotOpenCheckout", []confirmStep{applyOK}, "succeeded", false, 1, 0, polar.ErrCheckoutNotOpen, ""},
		{"ambiguous and the read fails: unknown, not resent", []confirmStep{resetNoApply}, "open", true, 1, 3, polar.ErrMaybeApplied, ""},
		// A 2xx whose status is not confirmed is not Polar's answer to a
		// confirmation: never returned as the outcome, always read back.
		{"200 saying open: read back open, sent once more", []confirmStep{okOpenNoApply, applyOK}, "open", false, 2, 1, nil, "confirmed"},
		{"200 saying open twice: unknown", []confirmStep{okOpenNoApply}, "open", false, 2, 2, polar.ErrMaybeApplied, ""},
		{"200 saying failed: read back failed", []confirmStep{okFailed}, "open", false, 1, 1, polar.ErrPaymentFailed, ""},
		{"200 with an unknown status: read back confirmed", []confirmStep{okUnknownApplied}, "open", false, 1, 1, nil, "confirmed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			fs := &confirmServer{t: t, state: tt.state, steps: tt.steps}
			if tt.getFails {
				fs.get = func(w http.ResponseWriter) bool { writeJSON(w, http.StatusInternalServerError, `{}`); return true }
			}
			mux.HandleFunc("POST /v1/checkouts/client/{secret}/confirm", fs.confirm)
			mux.HandleFunc("GET /v1/checkouts/client/{secret}", fs.read)
			got, err := c.Checkouts.ClientConfirm(t.Context(), testSecret, &polar.CheckoutConfirmStripe{ConfirmationTokenID: polar.Value("ctok")})
			fs.mu.Lock()
			posts, gets, applied := fs.posts, fs.gets, fs.apply
			fs.mu.Unlock()
			if applied > 1 {
				t.Fatalf("the confirmation was applied %d times", applied)
			}
			if posts != tt.wantPosts || gets != tt.wantGets {
				t.Errorf("POSTs = %d, reads = %d; want %d and %d", posts, gets, tt.wantPosts, tt.wantGets)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("err = %v, want %v", err, tt.wantErr)
				}
				if err != nil {
					noSecrets(t, "error", err.Error())
				}
				return
			}
			if err != nil {
				t.Fatalf("ClientConfirm: %v", err)
			}
			if string(got.Status) != tt.wantState {
				t.Errorf("status = %s, want %s", got.Status, tt.wantState)
			}
			if applied != 1 {
				t.Errorf("applied = %d, want exactly 1", applied)
			}
		})
	}
}

func TestClientConfirm_failedAfterAmbiguousAttempt(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	fs := &confirmServer{t: t, state: "open", steps: []confirmStep{resetNoApply}}
	fs.get = func(w http.ResponseWriter) bool {
		writeJSON(w, http.StatusOK, publicWithStatus("failed"))
		return true
	}
	mux.HandleFunc("POST /v1/checkouts/client/{secret}/confirm", fs.confirm)
	mux.HandleFunc("GET /v1/checkouts/client/{secret}", fs.read)
	_, err := c.Checkouts.ClientConfirm(t.Context(), testSecret, &polar.CheckoutConfirmStripe{})
	if !errors.Is(err, polar.ErrPaymentFailed) {
		t.Errorf("err = %v, want ErrPaymentFailed", err)
	}
}

// TestClientConfirm_notOpenAfterAmbiguousAttempt: the first attempt is
// still running on Polar's side when the session is read (open), and has
// landed when the confirmation is sent again. The 403 NotOpenCheckout that
// follows must send the client back to read the session, not fail.
func TestClientConfirm_notOpenAfterAmbiguousAttempt(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	fs := &confirmServer{t: t, state: "open", steps: []confirmStep{resetNoApply, lockedNoApply}}
	first := true
	fs.get = func(w http.ResponseWriter) bool {
		if !first {
			return false
		}
		first = false
		writeJSON(w, http.StatusOK, publicWithStatus("open"))
		fs.mu.Lock()
		fs.state, fs.apply = "confirmed", fs.apply+1 // the first attempt lands late
		fs.mu.Unlock()
		return true
	}
	mux.HandleFunc("POST /v1/checkouts/client/{secret}/confirm", fs.confirm)
	mux.HandleFunc("GET /v1/checkouts/client/{secret}", fs.read)
	got, err := c.Checkouts.ClientConfirm(t.Context(), testSecret, &polar.CheckoutConfirmStripe{})
	if err != nil {
		t.Fatalf("ClientConfirm: %v", err)
	}
	if got.Status != "confirmed" || fs.apply != 1 || fs.posts != 2 || fs.gets != 2 {
		t.Errorf("status %s, applied %d, POSTs %d, reads %d; want confirmed, 1, 2, 2", got.Status, fs.apply, fs.posts, fs.gets)
	}
	if !got.CustomerSessionToken.IsNull() {
		t.Errorf("CustomerSessionToken = %v, want null after reconciliation", got.CustomerSessionToken)
	}
}

// publicWithStatus is the public view of the test session in state.
func publicWithStatus(state string) string {
	return fixture("checkout_public.json", map[string]any{"id": testID, "status": state, "client_secret": testSecret})
}
