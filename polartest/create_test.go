package polartest_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/polartest"
)

func TestCreateAmounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                                     string
		body                                     map[string]any
		amount, discount, net                    int64
		free, paymentRequired, setup, applicable bool
	}{
		{"one-time", map[string]any{"products": []string{polartest.ProductOneTimeID}}, 2500, 0, 2500, false, true, false, true},
		{"one-time with fixed discount", map[string]any{"products": []string{polartest.ProductOneTimeID}, "discount_id": polartest.DiscountFixedID}, 2500, 500, 2000, false, true, false, true},
		{"monthly", map[string]any{"products": []string{polartest.ProductMonthlyID}}, 1000, 0, 1000, false, true, true, true},
		{"monthly with 10% for 3 months", map[string]any{"products": []string{polartest.ProductMonthlyID}, "discount_id": polartest.DiscountPercentID}, 1000, 100, 900, false, true, true, true},
		{"pay what you want: preset", map[string]any{"products": []string{polartest.ProductPayWhatYouWantID}}, 1000, 0, 1000, false, true, false, false},
		{"pay what you want: chosen", map[string]any{"products": []string{polartest.ProductPayWhatYouWantID}, "amount": 1234}, 1234, 0, 1234, false, true, false, false},
		{"pay what you want: amount ignored on fixed", map[string]any{"products": []string{polartest.ProductOneTimeID}, "amount": 1}, 2500, 0, 2500, false, true, false, true},
		{"free", map[string]any{"products": []string{polartest.ProductFreeID}}, 0, 0, 0, true, false, false, false},
		{"seats: default 1", map[string]any{"products": []string{polartest.ProductSeatsID}}, 2000, 0, 2000, false, true, true, true},
		{"seats: 9 in the first tier", map[string]any{"products": []string{polartest.ProductSeatsID}, "seats": 9}, 18000, 0, 18000, false, true, true, true},
		{"seats: 10 in the second tier", map[string]any{"products": []string{polartest.ProductSeatsID}, "seats": 10}, 15000, 0, 15000, false, true, true, true},
		{"seats with 10%", map[string]any{"products": []string{polartest.ProductSeatsID}, "seats": 12, "discount_id": polartest.DiscountPercentID}, 18000, 1800, 16200, false, true, true, true},
		{"first product selected", map[string]any{"products": []string{polartest.ProductFreeID, polartest.ProductOneTimeID}}, 0, 0, 0, true, false, false, false},
	}
	e := newEnv(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := e.create(tc.body)
			if c.Amount != tc.amount || c.DiscountAmount != tc.discount || c.NetAmount != tc.net || c.TotalAmount != tc.net {
				t.Errorf("amount %d discount %d net %d total %d, want %d %d %d %d", c.Amount, c.DiscountAmount, c.NetAmount, c.TotalAmount, tc.amount, tc.discount, tc.net, tc.net)
			}
			if c.IsFreeProductPrice != tc.free || c.IsPaymentRequired != tc.paymentRequired || c.IsPaymentSetupRequired != tc.setup || c.IsDiscountApplicable != tc.applicable {
				t.Errorf("free %v payment %v setup %v applicable %v", c.IsFreeProductPrice, c.IsPaymentRequired, c.IsPaymentSetupRequired, c.IsDiscountApplicable)
			}
			if c.IsPaymentFormRequired != (tc.paymentRequired || tc.setup) {
				t.Errorf("is_payment_form_required %v", c.IsPaymentFormRequired)
			}
			// No billing address: tax unknown, unless nothing is charged.
			wantTax := any("null")
			if !c.IsPaymentFormRequired {
				wantTax = int64(0)
			}
			if got := nullOr[int64](t, c.TaxAmount); got != wantTax {
				t.Errorf("tax_amount %v, want %v", got, wantTax)
			}
			if c.Currency != "usd" {
				t.Errorf("currency %q", c.Currency)
			}
		})
	}
}

func TestCreateDefaultsAndEcho(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(http.MethodPost, "/v1/checkouts/", map[string]any{
		"products":             []string{polartest.ProductOneTimeID, polartest.ProductMonthlyID},
		"customer_email":       "Jane@Example.com",
		"customer_name":        "Jane",
		"external_customer_id": "crm-1",
		"metadata":             map[string]any{"order": "A-1", "n": 3, "ratio": 0.5, "vip": true},
		"customer_metadata":    map[string]any{"plan": "gold", "seats": 2, "beta": false},
		"custom_field_data":    map[string]any{"po": "123", "none": nil},
		"success_url":          "https://shop.example.com/ok?c={CHECKOUT_ID}",
		"return_url":           "https://shop.example.com/back",
		"embed_origin":         "https://shop.example.com",
		"customer_ip_address":  "203.0.113.7",
		"locale":               "fr-FR",
	}, token...)
	if r.status != http.StatusCreated || r.header.Get("Polar-Version") != "2026-04" {
		t.Fatalf("%d %v %s", r.status, r.header, r.raw)
	}
	c := r.checkout(t)
	if c.Status != client.CheckoutStatusOpen || c.PaymentProcessor != client.PaymentProcessorStripe {
		t.Errorf("status %q processor %q", c.Status, c.PaymentProcessor)
	}
	if !regexp.MustCompile(`^polar_c_[A-Za-z0-9]{48}$`).MatchString(c.ClientSecret) {
		t.Errorf("client_secret %q", c.ClientSecret)
	}
	if c.URL != e.srv.URL+"/checkout/"+c.ClientSecret {
		t.Errorf("url %q", c.URL)
	}
	if c.SuccessURL != "https://shop.example.com/ok?c="+c.ID.String() {
		t.Errorf("success_url %q", c.SuccessURL)
	}
	if !c.CreatedAt.Equal(t0) || !c.ExpiresAt.Equal(t0.Add(time.Hour)) || !c.ModifiedAt.IsNull() {
		t.Errorf("created %v expires %v modified %v", c.CreatedAt, c.ExpiresAt, c.ModifiedAt)
	}
	if c.ID.Version() != 4 {
		t.Errorf("id %s is not a UUID v4", c.ID)
	}
	if order, _ := c.Metadata.String("order"); order != "A-1" {
		t.Errorf("metadata %v", c.Metadata)
	}
	if n, ok := c.Metadata.Int("n"); !ok || n != 3 {
		t.Errorf("metadata %v", c.Metadata)
	}
	if ratio, _ := c.Metadata.Float("ratio"); ratio != 0.5 {
		t.Errorf("metadata %v", c.Metadata)
	}
	if vip, ok := c.Metadata.Bool("vip"); !ok || !vip {
		t.Errorf("metadata %v", c.Metadata)
	}
	if plan, _ := c.CustomerMetadata.String("plan"); plan != "gold" {
		t.Errorf("customer_metadata %v", c.CustomerMetadata)
	}
	if seats, ok := c.CustomerMetadata.Int("seats"); !ok || seats != 2 {
		t.Errorf("customer_metadata %v", c.CustomerMetadata)
	}
	if (*c.CustomFieldData)["po"] != "123" {
		t.Errorf("custom_field_data %v", c.CustomFieldData)
	}
	for name, got := range map[string]any{
		"customer_email": nullOr[string](t, c.CustomerEmail), "customer_name": nullOr[string](t, c.CustomerName),
		"external_customer_id": nullOr[string](t, c.ExternalCustomerID), "return_url": nullOr[string](t, c.ReturnURL),
		"embed_origin": nullOr[string](t, c.EmbedOrigin), "customer_ip_address": nullOr[string](t, c.CustomerIPAddress),
		"locale": nullOr[string](t, c.Locale),
	} {
		if got == "null" {
			t.Errorf("%s lost", name)
		}
	}
	if len(c.Products) != 2 || c.Products[0].ID.String() != polartest.ProductOneTimeID || nullOr[uuid.UUID](t, c.ProductID) != uuid.MustParse(polartest.ProductOneTimeID) {
		t.Errorf("products %v product_id %v", len(c.Products), c.ProductID)
	}
	prices := c.Prices.MustGet()
	if len(prices) != 2 || len(prices[polartest.ProductMonthlyID]) != 1 {
		t.Errorf("prices %v", prices)
	}
	if nullOr[bool](t, c.AllowTrial) != true || !c.AllowDiscountCodes || c.RequireBillingAddress || c.IsBusinessCustomer {
		t.Errorf("defaults: allow_trial %v allow_discount_codes %v require_billing_address %v business %v", c.AllowTrial, c.AllowDiscountCodes, c.RequireBillingAddress, c.IsBusinessCustomer)
	}
	if c.PaymentProcessorMetadata["publishable_key"] == "" {
		t.Error("no publishable key")
	}

	// The default success URL is the hosted confirmation page.
	d := e.createOf(polartest.ProductFreeID)
	if d.SuccessURL != e.srv.URL+"/checkout/"+d.ClientSecret+"/confirmation" {
		t.Errorf("default success_url %q", d.SuccessURL)
	}
}

func TestCreateOptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithExpiry(10*time.Minute), polartest.WithBaseURL("https://polar.test/"))
	c := e.createOf(polartest.ProductOneTimeID)
	if !c.ExpiresAt.Equal(t0.Add(10 * time.Minute)) {
		t.Errorf("expires_at %v", c.ExpiresAt)
	}
	if c.URL != "https://polar.test/checkout/"+c.ClientSecret {
		t.Errorf("url %q", c.URL)
	}
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	otherOrg := polartest.Product{
		ID: uuid.MustParse("20000000-0000-4000-8000-0000000000aa"), OrganizationID: uuid.MustParse("10000000-0000-4000-8000-0000000000aa"),
		Name: "Not ours", Price: polartest.Price{ID: uuid.MustParse("30000000-0000-4000-8000-0000000000aa"), Type: polartest.PriceFixed, Amount: 100},
	}
	archived := polartest.Product{
		ID: uuid.MustParse("20000000-0000-4000-8000-0000000000ab"), Name: "Old", Archived: true,
		Price: polartest.Price{ID: uuid.MustParse("30000000-0000-4000-8000-0000000000ab"), Type: polartest.PriceFixed, Amount: 100},
	}
	capped := polartest.Product{
		ID: uuid.MustParse("20000000-0000-4000-8000-0000000000ac"), Name: "Capped tip",
		Price: polartest.Price{ID: uuid.MustParse("30000000-0000-4000-8000-0000000000ac"), Type: polartest.PriceCustom, MinimumAmount: 100, MaximumAmount: 2000},
	}
	e := newEnv(t, polartest.WithProducts(otherOrg, archived, capped))
	one := []string{polartest.ProductOneTimeID}
	const (
		req   = "RequestValidationError"
		polar = "PolarRequestValidationError"
	)
	tests := []struct {
		name     string
		body     any
		code     string
		loc, typ string
	}{
		{"empty body", "", req, "body", "missing"},
		{"malformed JSON", `{"products": [`, req, "body.14", "json_invalid"},
		{"not an object", `["x"]`, req, "body", "model_attributes_type"},
		{"trailing data", `{"products":[]} {}`, req, "", "json_invalid"},
		{"products missing", map[string]any{}, req, "body.products", "missing"},
		{"products not a list", map[string]any{"products": polartest.ProductOneTimeID}, req, "body.products", "list_type"},
		{"products empty", map[string]any{"products": []string{}}, req, "body.products", "too_short"},
		{"product not a UUID", map[string]any{"products": []string{"x"}}, req, "body.products.0", "uuid_parsing"},
		{"product not a v4 UUID", map[string]any{"products": []string{"20000000-0000-1000-8000-000000000001"}}, req, "body.products.0", "uuid_version"},
		{"product a number", map[string]any{"products": []any{5}}, req, "body.products.0", "uuid_type"},
		{"duplicate products", map[string]any{"products": []string{polartest.ProductOneTimeID, polartest.ProductOneTimeID}}, req, "body.products.1", "value_error"},
		{"unknown product", map[string]any{"products": []string{polartest.ProductOneTimeID, "20000000-0000-4000-8000-0000000000ff"}}, polar, "body.products.1", "value_error"},
		{"product of another organization", map[string]any{"products": []string{otherOrg.ID.String()}}, polar, "body.products.0", "value_error"},
		{"archived product", map[string]any{"products": []string{archived.ID.String()}}, polar, "body.products.0", "value_error"},
		{"unknown discount", map[string]any{"products": one, "discount_id": "40000000-0000-4000-8000-0000000000ff"}, polar, "body.discount_id", "value_error"},
		{"repeating discount on a one-time product", map[string]any{"products": one, "discount_id": polartest.DiscountPercentID}, polar, "body.discount_id", "value_error"},
		{"discount on a free product", map[string]any{"products": []string{polartest.ProductFreeID}, "discount_id": polartest.DiscountFixedID}, polar, "body.discount_id", "value_error"},
		{"amount below minimum", map[string]any{"products": []string{polartest.ProductPayWhatYouWantID}, "amount": 499}, polar, "body.amount", "greater_than_equal"},
		{"amount above maximum", map[string]any{"products": []string{capped.ID.String()}, "amount": 2001}, polar, "body.amount", "less_than_equal"},
		{"negative amount", map[string]any{"products": one, "amount": -1}, req, "body.amount", "greater_than_equal"},
		{"fractional amount", map[string]any{"products": one, "amount": 1.5}, req, "body.amount", "int_from_float"},
		{"amount as a string", map[string]any{"products": one, "amount": "5"}, req, "body.amount", "int_type"},
		{"seats out of the schema's range", map[string]any{"products": []string{polartest.ProductSeatsID}, "seats": 10001}, req, "body.seats", "less_than_equal"},
		{"seats on a fixed price", map[string]any{"products": one, "seats": 2}, polar, "body.seats", "value_error"},
		{"seats below min_seats", map[string]any{"products": []string{polartest.ProductSeatsID}, "seats": 2, "min_seats": 3}, polar, "body.seats", "greater_than_equal"},
		{"unknown customer", map[string]any{"products": one, "customer_id": "60000000-0000-4000-8000-000000000001"}, polar, "body.customer_id", "value_error"},
		{"subscription", map[string]any{"products": one, "subscription_id": "60000000-0000-4000-8000-000000000001"}, polar, "body.subscription_id", "value_error"},
		{"tax ID without address", map[string]any{"products": one, "customer_tax_id": "FR123"}, polar, "body.customer_billing_address", "missing"},
		{"bad email", map[string]any{"products": one, "customer_email": "jane"}, req, "body.customer_email", "value_error"},
		{"relative success URL", map[string]any{"products": one, "success_url": "/thanks"}, req, "body.success_url", "url_parsing"},
		{"ftp return URL", map[string]any{"products": one, "return_url": "ftp://x.example"}, req, "body.return_url", "url_scheme"},
		{"bad IP", map[string]any{"products": one, "customer_ip_address": "999.1.1.1"}, req, "body.customer_ip_address", "ip_any_address"},
		{"long name", map[string]any{"products": one, "customer_name": string(make([]byte, 257))}, req, "body.customer_name", "string_too_long"},
		{"metadata not an object", map[string]any{"products": one, "metadata": []int{1}}, req, "body.metadata", "dict_type"},
		{"metadata null", map[string]any{"products": one, "metadata": nil}, req, "body.metadata", "dict_type"},
		{"metadata empty string", map[string]any{"products": one, "metadata": map[string]any{"k": ""}}, req, "body.metadata.k", "string_too_long"},
		{"metadata nested", map[string]any{"products": one, "metadata": map[string]any{"k": map[string]any{}}}, req, "body.metadata.k", "string_type"},
		{"metadata long key", map[string]any{"products": one, "metadata": map[string]any{"k2345678901234567890123456789012345678901": 1}}, req, "", "string_too_long"},
		{"customer metadata fraction", map[string]any{"products": one, "customer_metadata": map[string]any{"r": 0.5}}, req, "body.customer_metadata.r", "int_from_float"},
		{"unknown currency", map[string]any{"products": one, "currency": "xxx"}, req, "body.currency", "enum"},
		{"currency without a price", map[string]any{"products": one, "currency": "eur"}, polar, "body.currency", "value_error"},
		{"trial count 0", map[string]any{"products": one, "trial_interval_count": 0}, req, "body.trial_interval_count", "greater_than_equal"},
		{"unknown trial interval", map[string]any{"products": one, "trial_interval": "decade"}, req, "body.trial_interval", "enum"},
		{"allow_trial null", map[string]any{"products": one, "allow_trial": nil}, req, "body.allow_trial", "bool_type"},
		{"address without country", map[string]any{"products": one, "customer_billing_address": map[string]any{"city": "Paris"}}, req, "body.customer_billing_address.country", "missing"},
		{"sanctioned country", map[string]any{"products": one, "customer_billing_address": map[string]any{"country": "RU"}}, req, "body.customer_billing_address.country", "enum"},
		{"address a string", map[string]any{"products": one, "customer_billing_address": "Paris"}, req, "body.customer_billing_address", "model_type"},
		{"ad-hoc price for another product", map[string]any{"products": one, "prices": map[string]any{polartest.ProductFreeID: []any{map[string]any{"amount_type": "fixed", "price_amount": 100}}}}, polar, "body.prices." + polartest.ProductFreeID, "value_error"},
		{"ad-hoc price without tag", map[string]any{"products": one, "prices": map[string]any{polartest.ProductOneTimeID: []any{map[string]any{"price_amount": 100}}}}, req, "body.prices." + polartest.ProductOneTimeID + ".0", "union_tag_not_found"},
		{"ad-hoc price unknown tag", map[string]any{"products": one, "prices": map[string]any{polartest.ProductOneTimeID: []any{map[string]any{"amount_type": "free"}}}}, req, "body.prices." + polartest.ProductOneTimeID + ".0", "union_tag_invalid"},
		{"ad-hoc metered price", map[string]any{"products": one, "prices": map[string]any{polartest.ProductOneTimeID: []any{map[string]any{"amount_type": "metered_unit", "meter_id": polartest.ProductOneTimeID, "unit_amount": "0.5"}}}}, req, "body.prices." + polartest.ProductOneTimeID + ".0.amount_type", "value_error"},
		{"ad-hoc prices empty", map[string]any{"products": one, "prices": map[string]any{polartest.ProductOneTimeID: []any{}}}, req, "body.prices." + polartest.ProductOneTimeID, "too_short"},
		{"ad-hoc fixed without amount", map[string]any{"products": one, "prices": map[string]any{polartest.ProductOneTimeID: []any{map[string]any{"amount_type": "fixed"}}}}, req, "body.prices." + polartest.ProductOneTimeID + ".0.price_amount", "missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := e.do(http.MethodPost, "/v1/checkouts/", tc.body, token...)
			wantError(t, r, http.StatusUnprocessableEntity, tc.code, tc.loc, tc.typ)
		})
	}
	if n := e.h.CheckoutCount(); n != 0 {
		t.Errorf("%d checkouts created by invalid requests", n)
	}
}

func TestCreateAdHocPrices(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithDeterministicIDs(7))
	c := e.create(map[string]any{
		"products": []string{polartest.ProductOneTimeID, polartest.ProductSeatsID},
		"prices": map[string]any{
			polartest.ProductOneTimeID: []any{map[string]any{"amount_type": "fixed", "price_amount": 4200, "price_currency": "usd"}},
			polartest.ProductSeatsID: []any{map[string]any{"amount_type": "seat_based", "seat_tiers": map[string]any{
				"seat_tier_type": "graduated",
				"tiers":          []any{map[string]any{"min_seats": 1, "max_seats": 2, "price_per_seat": 1000}, map[string]any{"min_seats": 3, "price_per_seat": 500}},
			}}},
		},
	})
	if c.Amount != 4200 {
		t.Fatalf("amount %d, want the ad-hoc 4200", c.Amount)
	}
	pp, err := c.ProductPrice.MustGet().AsProductPrice()
	if err != nil {
		t.Fatal(err)
	}
	fixed, err := pp.AsProductPriceFixed()
	if err != nil || fixed.Source != client.ProductPriceSourceAdHoc || fixed.ID.String() == polartest.PriceOneTimeID {
		t.Errorf("selected price %+v, %v", fixed, err)
	}
	// Graduated tiers: 2 seats at 10.00, 2 at 5.00.
	r := e.do(http.MethodPatch, "/v1/checkouts/"+c.ID.String(), map[string]any{"product_id": polartest.ProductSeatsID, "seats": 4}, token...)
	if got := r.checkout(t); r.status != http.StatusOK || got.Amount != 3000 {
		t.Errorf("graduated 4 seats: %d %s", r.status, r.raw)
	}
}

func TestCustomCatalogue(t *testing.T) {
	t.Parallel()
	yearly := polartest.Product{
		ID: uuid.MustParse("20000000-0000-4000-8000-0000000000b1"), Name: "Yearly", RecurringInterval: client.RecurringIntervalYear,
		TrialInterval: client.TrialIntervalDay, TrialIntervalCount: 14,
		Price: polartest.Price{ID: uuid.MustParse("30000000-0000-4000-8000-0000000000b1"), Type: polartest.PriceFixed, Currency: "eur", Amount: 9900},
	}
	half := polartest.Discount{
		ID: uuid.MustParse("40000000-0000-4000-8000-0000000000b1"), Name: "Half", Code: "HALF",
		Type: client.DiscountTypePercentage, Duration: client.DiscountDurationForever, BasisPoints: 5000,
	}
	e := newEnv(t, polartest.WithProducts(yearly), polartest.WithDiscounts(half))
	c := e.create(map[string]any{"products": []string{yearly.ID.String()}, "discount_id": half.ID.String(), "currency": "eur"})
	if c.Currency != "eur" || c.NetAmount != 4950 {
		t.Errorf("currency %s net %d", c.Currency, c.NetAmount)
	}
	// A trial: nothing to pay now, but a payment method to set up.
	if c.IsPaymentRequired || !c.IsPaymentSetupRequired || nullOr[client.TrialInterval](t, c.ActiveTrialInterval) != client.TrialIntervalDay || c.TrialEnd.IsNull() {
		t.Errorf("trial: payment %v setup %v interval %v end %v", c.IsPaymentRequired, c.IsPaymentSetupRequired, c.ActiveTrialInterval, c.TrialEnd)
	}
	if got := c.TrialEnd.MustGet(); !got.Equal(t0.AddDate(0, 0, 14)) {
		t.Errorf("trial_end %v", got)
	}
	// The fixed $5 discount has no eur amount: not usable here.
	r := e.do(http.MethodPatch, "/v1/checkouts/"+c.ID.String(), map[string]any{"discount_id": polartest.DiscountFixedID}, token...)
	wantError(t, r, http.StatusUnprocessableEntity, "PolarRequestValidationError", "body.discount_id", "value_error")
}

func TestInvalidOptionsPanic(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]func(){
		"tax rate":      func() { polartest.WithTaxRate(10001) },
		"empty token":   func() { polartest.WithToken("") },
		"expiry":        func() { polartest.WithExpiry(0) },
		"delay":         func() { polartest.WithConfirmDelay(-time.Second) },
		"nil clock":     func() { polartest.WithClock(nil) },
		"product no ID": func() { polartest.WithProducts(polartest.Product{Name: "x"}) },
		"gap in tiers": func() {
			polartest.WithProducts(seatProduct([]polartest.SeatTier{{MinSeats: 1, MaxSeats: 2}, {MinSeats: 4}}))
		},
		"discount no ID": func() { polartest.WithDiscounts(polartest.Discount{Name: "x"}) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}

func seatProduct(tiers []polartest.SeatTier) polartest.Product {
	return polartest.Product{
		ID: uuid.New(), Name: "Seats",
		Price: polartest.Price{ID: uuid.New(), Type: polartest.PriceSeatBased, SeatTiers: tiers},
	}
}
