package polartest_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/metadata"
	"github.com/gopolar/checkouts/polartest"
)

// withoutModifiedAt returns the JSON object of c without modified_at, to
// compare two states of a checkout.
func withoutModifiedAt(t *testing.T, c client.Checkout) map[string]any {
	t.Helper()
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "modified_at")
	return m
}

func TestUpdateTriState(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithTaxRate(2000))
	base := map[string]any{
		"products":          []string{polartest.ProductOneTimeID},
		"customer_name":     "Ann",
		"customer_email":    "ann@example.com",
		"metadata":          map[string]any{"k": "v"},
		"customer_metadata": map[string]any{"c": 1},
		"discount_id":       polartest.DiscountFixedID,
		"return_url":        "https://shop.example.com/back",
		"success_url":       "https://shop.example.com/ok",
		"locale":            "en",
	}
	tests := []struct {
		name  string
		patch map[string]any
		check func(t *testing.T, before, after client.Checkout)
	}{
		{"absent keys leave everything", map[string]any{}, func(t *testing.T, before, after client.Checkout) {
			if !reflect.DeepEqual(withoutModifiedAt(t, before), withoutModifiedAt(t, after)) {
				t.Error("an empty PATCH changed the checkout")
			}
			if after.ModifiedAt.IsNull() {
				t.Error("modified_at not set by the update")
			}
		}},
		{"null clears a string", map[string]any{"customer_name": nil}, func(t *testing.T, _, after client.Checkout) {
			if !after.CustomerName.IsNull() || nullOr[string](t, after.CustomerEmail) != "ann@example.com" {
				t.Errorf("name %v email %v", after.CustomerName, after.CustomerEmail)
			}
		}},
		{"value sets a string", map[string]any{"customer_name": "Bob"}, func(t *testing.T, _, after client.Checkout) {
			if nullOr[string](t, after.CustomerName) != "Bob" {
				t.Errorf("name %v", after.CustomerName)
			}
		}},
		{"null removes the discount and recomputes", map[string]any{"discount_id": nil}, func(t *testing.T, _, after client.Checkout) {
			if !after.DiscountID.IsNull() || !after.Discount.IsNull() || after.DiscountAmount != 0 || after.NetAmount != 2500 {
				t.Errorf("discount %v amount %d net %d", after.DiscountID, after.DiscountAmount, after.NetAmount)
			}
		}},
		{"null clears return_url", map[string]any{"return_url": nil}, func(t *testing.T, _, after client.Checkout) {
			if !after.ReturnURL.IsNull() {
				t.Errorf("return_url %v", after.ReturnURL)
			}
		}},
		{"null success_url falls back to the default", map[string]any{"success_url": nil}, func(t *testing.T, _, after client.Checkout) {
			if after.SuccessURL != e.srv.URL+"/checkout/"+after.ClientSecret+"/confirmation" {
				t.Errorf("success_url %q", after.SuccessURL)
			}
		}},
		{"metadata is replaced whole", map[string]any{"metadata": map[string]any{"x": 1}}, func(t *testing.T, _, after client.Checkout) {
			if len(after.Metadata) != 1 || !hasInt(after.Metadata, "x", 1) {
				t.Errorf("metadata %v", after.Metadata)
			}
		}},
		{"null customer_metadata empties it", map[string]any{"customer_metadata": nil}, func(t *testing.T, _, after client.Checkout) {
			if len(after.CustomerMetadata) != 0 {
				t.Errorf("customer_metadata %v", after.CustomerMetadata)
			}
		}},
		{"null on a non-nullable output leaves it", map[string]any{"allow_discount_codes": nil, "require_billing_address": nil, "is_business_customer": nil}, func(t *testing.T, _, after client.Checkout) {
			if !after.AllowDiscountCodes || after.RequireBillingAddress || after.IsBusinessCustomer {
				t.Errorf("flags changed")
			}
		}},
		{"a billing address makes tax computable", map[string]any{"customer_billing_address": map[string]any{"country": "DE", "city": "Berlin"}}, func(t *testing.T, _, after client.Checkout) {
			if nullOr[int64](t, after.TaxAmount) != int64(400) || after.TotalAmount != 2400 || nullOr[client.TaxBehavior](t, after.TaxBehavior) != client.TaxBehaviorExclusive {
				t.Errorf("tax %v total %d behavior %v", after.TaxAmount, after.TotalAmount, after.TaxBehavior)
			}
			a := after.CustomerBillingAddress.MustGet()
			if a.Country != "DE" || a.City.MustGet() != "Berlin" || !a.Line1.IsNull() {
				t.Errorf("address %+v", a)
			}
		}},
		{"several keys at once", map[string]any{"customer_name": nil, "locale": "de", "allow_trial": false}, func(t *testing.T, _, after client.Checkout) {
			if !after.CustomerName.IsNull() || nullOr[string](t, after.Locale) != "de" || nullOr[bool](t, after.AllowTrial) != false {
				t.Errorf("name %v locale %v allow_trial %v", after.CustomerName, after.Locale, after.AllowTrial)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before := e.create(base)
			e.clock.Advance(0)
			r := e.do(http.MethodPatch, "/v1/checkouts/"+before.ID.String(), tc.patch, token...)
			if r.status != http.StatusOK {
				t.Fatalf("%d %s", r.status, r.raw)
			}
			after := r.checkout(t)
			tc.check(t, before, after)
			// What the PATCH answered is what is stored.
			stored, _ := e.h.Checkout(before.ID.String())
			if !reflect.DeepEqual(withoutModifiedAt(t, after), withoutModifiedAt(t, stored)) {
				t.Error("the answer differs from the stored checkout")
			}
		})
	}

	// And back: a null address makes tax unknown again.
	c := e.create(base)
	e.do(http.MethodPatch, "/v1/checkouts/"+c.ID.String(), map[string]any{"customer_billing_address": map[string]any{"country": "DE"}}, token...)
	r := e.do(http.MethodPatch, "/v1/checkouts/"+c.ID.String(), map[string]any{"customer_billing_address": nil}, token...)
	if got := r.checkout(t); !got.TaxAmount.IsNull() || got.TotalAmount != got.NetAmount {
		t.Errorf("after clearing the address: tax %v total %d", got.TaxAmount, got.TotalAmount)
	}
}

func TestUpdateRecomputes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.create(map[string]any{
		"products":    []string{polartest.ProductOneTimeID, polartest.ProductPayWhatYouWantID, polartest.ProductSeatsID},
		"discount_id": polartest.DiscountFixedID,
	})
	path := "/v1/checkouts/" + c.ID.String()
	steps := []struct {
		name   string
		patch  map[string]any
		amount int64
		net    int64
		seats  any
	}{
		{"switch to pay what you want: preset amount, discount dropped", map[string]any{"product_id": polartest.ProductPayWhatYouWantID}, 1000, 1000, "null"},
		{"choose an amount", map[string]any{"amount": 777}, 777, 777, "null"},
		{"switch to seats: one seat", map[string]any{"product_id": polartest.ProductSeatsID}, 2000, 2000, 1},
		{"more seats", map[string]any{"seats": 11}, 16500, 16500, 11},
		{"back to one-time and its discount", map[string]any{"product_id": polartest.ProductOneTimeID, "discount_id": polartest.DiscountFixedID}, 2500, 2000, "null"},
		{"same product again keeps the state", map[string]any{"product_id": polartest.ProductOneTimeID}, 2500, 2000, "null"},
	}
	for _, s := range steps {
		r := e.do(http.MethodPatch, path, s.patch, token...)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", s.name, r.status, r.raw)
		}
		got := r.checkout(t)
		if got.Amount != s.amount || got.NetAmount != s.net || nullOr[int](t, got.Seats) != s.seats {
			t.Errorf("%s: amount %d net %d seats %v", s.name, got.Amount, got.NetAmount, got.Seats)
		}
	}
	r := e.do(http.MethodPatch, path, map[string]any{"product_id": polartest.ProductMonthlyID}, token...)
	wantError(t, r, http.StatusUnprocessableEntity, "PolarRequestValidationError", "body.product_id", "value_error")
	r = e.do(http.MethodPatch, path, map[string]any{"product_price_id": polartest.PriceMonthlyID}, token...)
	wantError(t, r, http.StatusUnprocessableEntity, "PolarRequestValidationError", "body.product_price_id", "value_error")
	// A failed update changes nothing.
	if got, _ := e.h.Checkout(c.ID.String()); got.NetAmount != 2000 {
		t.Errorf("failed update changed the checkout: net %d", got.NetAmount)
	}
}

func TestUpdateErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createOf(polartest.ProductFreeID)
	e.h.SetStatus(c.ID.String(), client.CheckoutStatusSucceeded)
	tests := []struct {
		name, path  string
		body        any
		status      int
		code        string
		loc, typ    string
		wantMessage string
	}{
		{"unknown id", "/v1/checkouts/20000000-0000-4000-8000-0000000000ff", map[string]any{}, http.StatusNotFound, "ResourceNotFound", "", "", "Not found"},
		{"not a UUID", "/v1/checkouts/abc", map[string]any{}, http.StatusUnprocessableEntity, "RequestValidationError", "path.id", "uuid_parsing", ""},
		{"not a v4 UUID", "/v1/checkouts/20000000-0000-1000-8000-000000000001", map[string]any{}, http.StatusUnprocessableEntity, "RequestValidationError", "path.id", "uuid_version", ""},
		{"not open", "/v1/checkouts/" + c.ID.String(), map[string]any{"customer_name": "x"}, http.StatusForbidden, "NotOpenCheckout", "", "", "Checkout " + c.ID.String() + " is not open: succeeded"},
		{"bad body", "/v1/checkouts/" + c.ID.String(), `{"customer_name": 5}`, http.StatusUnprocessableEntity, "RequestValidationError", "body.customer_name", "string_type", ""},
		{"metadata null", "/v1/checkouts/" + c.ID.String(), map[string]any{"metadata": nil}, http.StatusUnprocessableEntity, "RequestValidationError", "body.metadata", "dict_type", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := e.do(http.MethodPatch, tc.path, tc.body, token...)
			wantError(t, r, tc.status, tc.code, tc.loc, tc.typ)
			if tc.wantMessage != "" && r.obj(t)["detail"] != tc.wantMessage {
				t.Errorf("detail %v, want %q", r.obj(t)["detail"], tc.wantMessage)
			}
		})
	}
	// GET has the same 404 and 422.
	wantError(t, e.do(http.MethodGet, "/v1/checkouts/20000000-0000-4000-8000-0000000000ff", nil, token...), http.StatusNotFound, "ResourceNotFound", "", "")
	wantError(t, e.do(http.MethodGet, "/v1/checkouts/client", nil, token...), http.StatusUnprocessableEntity, "RequestValidationError", "path.id", "uuid_parsing")
}

func TestClientUpdate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.create(map[string]any{"products": []string{polartest.ProductMonthlyID}, "metadata": map[string]any{"secret": "internal"}})
	path := "/v1/checkouts/client/" + c.ClientSecret

	r := e.do(http.MethodPatch, path, map[string]any{"discount_code": "tenoff", "customer_name": "Ann", "payment_method_type": "card", "allow_trial": false})
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	pub := r.obj(t)
	for _, private := range []string{"metadata", "customer_metadata", "external_customer_id", "subscription_id", "trial_interval", "trial_interval_count"} {
		if _, ok := pub[private]; ok {
			t.Errorf("the public view has %q", private)
		}
	}
	org, _ := pub["organization"].(map[string]any)
	if org["id"] != polartest.OrganizationID || org["slug"] != "polartest" {
		t.Errorf("organization %v", pub["organization"])
	}
	if pub["discount_id"] != polartest.DiscountPercentID || pub["net_amount"] != float64(900) || pub["allow_trial"] != false || pub["payment_method_type"] != "card" {
		t.Errorf("public %v %v %v %v", pub["discount_id"], pub["net_amount"], pub["allow_trial"], pub["payment_method_type"])
	}

	tests := []struct {
		name     string
		body     map[string]any
		status   int
		code     string
		loc, typ string
	}{
		{"unknown code", map[string]any{"discount_code": "NOPE"}, http.StatusUnprocessableEntity, "PolarRequestValidationError", "body.discount_code", "value_error"},
		{"allow_trial true is not allowed", map[string]any{"allow_trial": true}, http.StatusUnprocessableEntity, "RequestValidationError", "body.allow_trial", "literal_error"},
	}
	for _, tc := range tests {
		wantError(t, e.do(http.MethodPatch, path, tc.body), tc.status, tc.code, tc.loc, tc.typ)
	}
	// Token-only properties are ignored here.
	r = e.do(http.MethodPatch, path, map[string]any{"metadata": map[string]any{"hack": true}, "discount_code": nil})
	if got, _ := e.h.Checkout(c.ID.String()); r.status != http.StatusOK || got.Metadata["secret"] != "internal" || got.Metadata["hack"] != nil || !got.DiscountID.IsNull() {
		t.Errorf("%d metadata %v discount %v", r.status, got.Metadata, got.DiscountID)
	}
	// Codes are ignored when the checkout does not allow them.
	d := e.create(map[string]any{"products": []string{polartest.ProductMonthlyID}, "allow_discount_codes": false})
	r = e.do(http.MethodPatch, "/v1/checkouts/client/"+d.ClientSecret, map[string]any{"discount_code": "TENOFF"})
	if r.status != http.StatusOK || r.obj(t)["discount_id"] != nil {
		t.Errorf("code applied although not allowed: %d %s", r.status, r.raw)
	}
	wantError(t, e.do(http.MethodPatch, "/v1/checkouts/client/polar_c_nope", map[string]any{}), http.StatusNotFound, "ResourceNotFound", "", "")
}

// hasInt reports whether m holds the integer want at key.
func hasInt(m metadata.Map, key string, want int64) bool {
	v, ok := m.Int(key)
	return ok && v == want
}
