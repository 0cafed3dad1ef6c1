package polartest_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/polartest"
)

func TestConfirmSucceeds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithTaxRate(2000))
	c := e.create(map[string]any{"products": []string{polartest.ProductOneTimeID}, "discount_id": polartest.DiscountFixedID})
	r := e.do(http.MethodPost, confirmPath(c.ClientSecret), payer(map[string]any{"customer_billing_address": map[string]any{"country": "DE"}}))
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	var got client.CheckoutPublicConfirmed
	if err := jsonUnmarshal(r.raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Status != client.CheckoutStatusConfirmed || got.CustomerID.IsNull() {
		t.Errorf("status %q customer %v", got.Status, got.CustomerID)
	}
	if tok := got.CustomerSessionToken.MustGet(); !regexp.MustCompile(`^polar_cst_[A-Za-z0-9]{48}$`).MatchString(tok) {
		t.Errorf("customer_session_token %q", tok)
	}
	if got.TaxAmount.MustGet() != 400 || got.TotalAmount != 2400 || got.Organization.ID.String() != polartest.OrganizationID {
		t.Errorf("tax %v total %d org %v", got.TaxAmount, got.TotalAmount, got.Organization.ID)
	}
	// Without a confirm delay, the payment has settled by the next read.
	stored, _ := e.h.Checkout(c.ID.String())
	if stored.Status != client.CheckoutStatusSucceeded || stored.PaymentProcessorMetadata["intent_status"] != "succeeded" {
		t.Errorf("after confirm: %q %v", stored.Status, stored.PaymentProcessorMetadata)
	}
	if e.h.ConfirmCount(c.ID.String()) != 1 || e.h.Stats().Applied[polartest.OpClientConfirm] != 1 {
		t.Errorf("confirm count %d, stats %v", e.h.ConfirmCount(c.ID.String()), e.h.Stats())
	}
	// A second confirmation is refused.
	r = e.do(http.MethodPost, confirmPath(c.ClientSecret), payer(nil))
	wantError(t, r, http.StatusForbidden, "NotOpenCheckout", "", "")
	if want := "Checkout " + c.ID.String() + " is not open: succeeded"; r.obj(t)["detail"] != want {
		t.Errorf("detail %v", r.obj(t)["detail"])
	}
	if e.h.ConfirmCount(c.ID.String()) != 1 {
		t.Error("second confirm counted")
	}
}

func TestConfirmDelay(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithConfirmDelay(5*time.Second))
	c := e.createOf(polartest.ProductMonthlyID)
	if r := e.do(http.MethodPost, confirmPath(c.ClientSecret), payer(nil)); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	for _, step := range []struct {
		advance time.Duration
		want    client.CheckoutStatus
	}{{0, "confirmed"}, {4 * time.Second, "confirmed"}, {time.Second, "succeeded"}} {
		e.clock.Advance(step.advance)
		if got, _ := e.h.Checkout(c.ID.String()); got.Status != step.want {
			t.Errorf("after +%v: %q, want %q", step.advance, got.Status, step.want)
		}
	}
}

func TestConfirmDeclined(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createOf(polartest.ProductOneTimeID)
	r := e.do(http.MethodPost, confirmPath(c.ClientSecret), payer(map[string]any{"confirmation_token_id": polartest.TokenDeclined, "locale": "de"}))
	wantError(t, r, http.StatusBadRequest, "PaymentError", "", "")
	if r.obj(t)["detail"] != polartest.DeclineMessage {
		t.Errorf("detail %v", r.obj(t)["detail"])
	}
	got, _ := e.h.Checkout(c.ID.String())
	if got.Status != client.CheckoutStatusOpen || !got.CustomerEmail.IsNull() || !got.Locale.IsNull() || !got.CustomerID.IsNull() {
		t.Errorf("a declined payment changed the checkout: %q %v %v %v", got.Status, got.CustomerEmail, got.Locale, got.CustomerID)
	}
	if e.h.ConfirmCount(c.ID.String()) != 0 {
		t.Error("declined payment counted")
	}
	// The customer can try again.
	if r := e.do(http.MethodPost, confirmPath(c.ClientSecret), payer(nil)); r.status != http.StatusOK {
		t.Errorf("retry: %d %s", r.status, r.raw)
	}
	// An unknown token fails like an unknown Stripe token.
	d := e.createOf(polartest.ProductOneTimeID)
	r = e.do(http.MethodPost, confirmPath(d.ClientSecret), payer(map[string]any{"confirmation_token_id": "ctoken_" + strings.Repeat("x", 100)}))
	wantError(t, r, http.StatusBadRequest, "PaymentError", "", "")
}

func TestConfirmProcessing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createOf(polartest.ProductOneTimeID)
	r := e.do(http.MethodPost, confirmPath(c.ClientSecret), payer(map[string]any{"confirmation_token_id": polartest.TokenProcessing}))
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	e.clock.Advance(polartest.ProcessingTime - time.Second)
	if got, _ := e.h.Checkout(c.ID.String()); got.Status != client.CheckoutStatusConfirmed || got.PaymentProcessorMetadata["intent_status"] != "processing" {
		t.Errorf("still processing: %q %v", got.Status, got.PaymentProcessorMetadata)
	}
	e.clock.Advance(time.Second)
	if got, _ := e.h.Checkout(c.ID.String()); got.Status != client.CheckoutStatusSucceeded {
		t.Errorf("after ProcessingTime: %q", got.Status)
	}

	// SetStatus settles it earlier, or fails it.
	d := e.createOf(polartest.ProductOneTimeID)
	e.do(http.MethodPost, confirmPath(d.ClientSecret), payer(map[string]any{"confirmation_token_id": polartest.TokenProcessing}))
	e.h.SetStatus(d.ID.String(), client.CheckoutStatusFailed)
	e.clock.Advance(time.Hour)
	if got, _ := e.h.Checkout(d.ID.String()); got.Status != client.CheckoutStatusFailed {
		t.Errorf("after SetStatus(failed): %q", got.Status)
	}
}

func TestConfirmRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name    string
		product string
		create  map[string]any
		body    map[string]any
		status  int
		locs    []string
	}{
		{"free: no token needed", polartest.ProductFreeID, nil, map[string]any{"customer_email": "a@example.com"}, http.StatusOK, nil},
		{"free: email still needed", polartest.ProductFreeID, nil, map[string]any{}, http.StatusUnprocessableEntity, []string{"body.customer_email"}},
		{"100% off: no token needed", polartest.ProductOneTimeID, map[string]any{"prices": map[string]any{polartest.ProductOneTimeID: []any{map[string]any{"amount_type": "fixed", "price_amount": 0}}}}, map[string]any{"customer_email": "a@example.com"}, http.StatusOK, nil},
		{"paid: everything missing", polartest.ProductOneTimeID, nil, map[string]any{}, http.StatusUnprocessableEntity, []string{"body.customer_email", "body.customer_name", "body.customer_billing_address", "body.confirmation_token_id"}},
		{"paid: token missing", polartest.ProductOneTimeID, nil, payer(map[string]any{"confirmation_token_id": nil}), http.StatusUnprocessableEntity, []string{"body.confirmation_token_id"}},
		{"US address needs state, street, city, postal code", polartest.ProductOneTimeID, nil, payer(map[string]any{"customer_billing_address": map[string]any{"country": "US"}}), http.StatusUnprocessableEntity, []string{"body.customer_billing_address.state", "body.customer_billing_address.line1", "body.customer_billing_address.city", "body.customer_billing_address.postal_code"}},
		{"business needs a full address", polartest.ProductOneTimeID, map[string]any{"is_business_customer": true}, payer(nil), http.StatusUnprocessableEntity, []string{"body.customer_billing_address.line1", "body.customer_billing_address.city", "body.customer_billing_address.postal_code", "body.customer_billing_address"}},
		{"business with a full address", polartest.ProductOneTimeID, map[string]any{"is_business_customer": true}, payer(map[string]any{"customer_billing_address": map[string]any{"country": "FR", "line1": "1 rue de Rivoli", "city": "Paris", "postal_code": "75001"}}), http.StatusOK, nil},
		{"changes in the body count", polartest.ProductPayWhatYouWantID, nil, payer(map[string]any{"amount": 100}), http.StatusUnprocessableEntity, []string{"body.amount"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := map[string]any{"products": []string{tc.product}}
			for k, v := range tc.create {
				body[k] = v
			}
			c := e.create(body)
			r := e.do(http.MethodPost, confirmPath(c.ClientSecret), tc.body)
			if r.status != tc.status {
				t.Fatalf("%d %s", r.status, r.raw)
			}
			if tc.locs == nil {
				return
			}
			m := r.obj(t)
			if m["error"] != "PolarRequestValidationError" {
				t.Errorf("error %v", m["error"])
			}
			var got []string
			for _, d := range m["detail"].([]any) {
				got = append(got, joinLoc(d.(map[string]any)["loc"]))
			}
			if strings.Join(got, " ") != strings.Join(tc.locs, " ") {
				t.Errorf("locs %v, want %v", got, tc.locs)
			}
			if got, _ := e.h.Checkout(c.ID.String()); got.Status != client.CheckoutStatusOpen {
				t.Errorf("status %q after a refused confirmation", got.Status)
			}
		})
	}
	wantError(t, e.do(http.MethodPost, confirmPath("polar_c_nope"), payer(nil)), http.StatusNotFound, "ResourceNotFound", "", "")
}

func TestConfirmCustomers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	confirm := func(create map[string]any, email string) client.Checkout {
		t.Helper()
		c := e.create(create)
		r := e.do(http.MethodPost, confirmPath(c.ClientSecret), payer(map[string]any{"customer_email": email}))
		if r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.raw)
		}
		got, _ := e.h.Checkout(c.ID.String())
		return got
	}
	one := map[string]any{"products": []string{polartest.ProductOneTimeID}}
	a := confirm(one, "same@example.com")
	b := confirm(one, "SAME@example.com")
	other := confirm(one, "other@example.com")
	if a.CustomerID.MustGet() != b.CustomerID.MustGet() || a.CustomerID.MustGet() == other.CustomerID.MustGet() {
		t.Errorf("customers: %v %v %v", a.CustomerID, b.CustomerID, other.CustomerID)
	}
	// A known customer can be named at create, and is found by external ID.
	ext := confirm(map[string]any{"products": []string{polartest.ProductOneTimeID}, "external_customer_id": "crm-9"}, "ext@example.com")
	byID := e.create(map[string]any{"products": []string{polartest.ProductOneTimeID}, "customer_id": ext.CustomerID.MustGet().String()})
	byExt := e.create(map[string]any{"products": []string{polartest.ProductOneTimeID}, "external_customer_id": "crm-9"})
	if byID.CustomerID.MustGet() != ext.CustomerID.MustGet() || byExt.CustomerID.MustGet() != ext.CustomerID.MustGet() {
		t.Errorf("customer not reused: %v %v", byID.CustomerID, byExt.CustomerID)
	}
	if p := e.listPage(t, "?customer_id="+ext.CustomerID.MustGet().String()); p.Pagination.TotalCount != 3 {
		t.Errorf("list by customer: %d", p.Pagination.TotalCount)
	}
}

func TestConfirmRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithConfirmRateLimit())
	post := func() *result { return e.do(http.MethodPost, confirmPath("polar_c_nope"), map[string]any{}) }
	for i := range 6 {
		if r := post(); r.status != http.StatusNotFound {
			t.Fatalf("request %d: %d", i+1, r.status)
		}
		e.clock.Advance(time.Second)
	}
	r := post()
	if r.status != http.StatusTooManyRequests || len(r.raw) != 0 || r.header.Get("Content-Type") != "" {
		t.Fatalf("7th in a minute: %d %q %v", r.status, r.raw, r.header)
	}
	if wait, _ := strconv.Atoi(r.header.Get("Retry-After")); wait != 54 {
		t.Errorf("Retry-After %q, want 54 (the first of the six leaves the window then)", r.header.Get("Retry-After"))
	}
	e.clock.Advance(54 * time.Second)
	if r := post(); r.status != http.StatusNotFound {
		t.Fatalf("after the wait: %d", r.status)
	}
	// 20 in an hour: then blocked for 1800 s.
	for sent := 7; sent < 20; sent++ {
		e.clock.Advance(15 * time.Second)
		if r := post(); r.status != http.StatusNotFound {
			t.Fatalf("request %d: %d", sent+1, r.status)
		}
	}
	e.clock.Advance(15 * time.Second)
	r = post()
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1800" {
		t.Fatalf("21st in an hour: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	e.clock.Advance(1799 * time.Second)
	if r := post(); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
		t.Fatalf("still blocked: %d %q", r.status, r.header.Get("Retry-After"))
	}
	e.clock.Advance(time.Second)
	if r := post(); r.status != http.StatusNotFound {
		t.Fatalf("after the block: %d", r.status)
	}
	// The limit is on confirmations only.
	if r := e.do(http.MethodGet, "/v1/checkouts/client/polar_c_nope", nil); r.status != http.StatusNotFound {
		t.Errorf("client get: %d", r.status)
	}
	if got := e.h.Stats().Requests[polartest.OpClientConfirm]; got != 24 {
		t.Errorf("confirm requests %d, want 24 (rate-limited ones included)", got)
	}
}
