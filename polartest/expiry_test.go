package polartest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/polartest"
)

func TestExpiryWithTheClock(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithExpiry(30*time.Minute))
	c := e.createOf(polartest.ProductOneTimeID)
	client := "/v1/checkouts/client/" + c.ClientSecret

	e.clock.Advance(30*time.Minute - time.Microsecond)
	if r := e.do(http.MethodGet, client, nil); r.status != http.StatusOK {
		t.Fatalf("just before expiry: %d %s", r.status, r.raw)
	}
	e.clock.Advance(time.Microsecond)
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, client, nil},
		{http.MethodPatch, client, map[string]any{"customer_name": "x"}},
		{http.MethodPost, confirmPath(c.ClientSecret), payer(nil)},
	} {
		r := e.do(tc.method, tc.path, tc.body)
		wantError(t, r, http.StatusGone, "ExpiredCheckoutError", "", "")
		if r.obj(t)["detail"] != "This checkout session has expired." {
			t.Errorf("detail %v", r.obj(t)["detail"])
		}
	}
	// The token view shows the expired status; updates are refused.
	r := e.do(http.MethodGet, "/v1/checkouts/"+c.ID.String(), nil, token...)
	got := r.checkout(t)
	if got.Status != "expired" || nullOr[time.Time](t, got.ModifiedAt) != c.ExpiresAt {
		t.Errorf("status %q modified_at %v", got.Status, got.ModifiedAt)
	}
	r = e.do(http.MethodPatch, "/v1/checkouts/"+c.ID.String(), map[string]any{"customer_name": "x"}, token...)
	wantError(t, r, http.StatusForbidden, "NotOpenCheckout", "", "")
	if p := e.listPage(t, "?status=expired"); p.Pagination.TotalCount != 1 {
		t.Errorf("expired in list: %d", p.Pagination.TotalCount)
	}
}

func TestExpireHelper(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createOf(polartest.ProductOneTimeID)
	if !e.h.Expire(c.ID.String()) || e.h.Expire("20000000-0000-4000-8000-0000000000ff") {
		t.Fatal("Expire reported the wrong existence")
	}
	wantError(t, e.do(http.MethodGet, "/v1/checkouts/client/"+c.ClientSecret, nil), http.StatusGone, "ExpiredCheckoutError", "", "")
	got, ok := e.h.Checkout(c.ID.String())
	if !ok || got.Status != client.CheckoutStatusExpired || !got.ExpiresAt.Equal(t0) {
		t.Errorf("status %q expires_at %v", got.Status, got.ExpiresAt)
	}
}

func TestConfirmedCheckoutAfterExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createOf(polartest.ProductOneTimeID)
	if r := e.do(http.MethodPost, confirmPath(c.ClientSecret), payer(nil)); r.status != http.StatusOK {
		t.Fatalf("confirm: %d %s", r.status, r.raw)
	}
	e.clock.Advance(2 * time.Hour)
	// As on Polar, the client secret stops working at expires_at whatever
	// the status, while the status itself stays succeeded.
	wantError(t, e.do(http.MethodGet, "/v1/checkouts/client/"+c.ClientSecret, nil), http.StatusGone, "ExpiredCheckoutError", "", "")
	if got, _ := e.h.Checkout(c.ID.String()); got.Status != client.CheckoutStatusSucceeded {
		t.Errorf("status %q", got.Status)
	}
}
