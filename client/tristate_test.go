package client_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/oapi-codegen/nullable"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/gopolar/checkouts/client"
)

// A nullable field of a request body has three states on the wire, and
// the server treats them differently (PATCH: absent keeps the value, null
// clears it). These tests pin the JSON of each state for every nullable
// field of the four request bodies.

// tristateCase is one nullable field of a request body T.
type tristateCase[T any] struct {
	field string     // JSON name of the field
	null  func(b *T) // sets the field to null
	value func(b *T) // sets the field to a value
	want  string     // JSON the value must encode to
}

var (
	idProduct      = mustUUID("2bf134c2-7fbe-4c46-8a63-58eb48266595")
	idPrice        = mustUUID("eced23a8-ff78-4388-9fb8-823080a7cc8e")
	idDiscount     = mustUUID("79334892-2b00-4b19-93f4-43776bcff247")
	idCustomer     = mustUUID("9fc41be3-7e30-40e1-a0a8-71ba5c2c8cdb")
	idSubscription = mustUUID("5fbe510e-3e8e-484d-ab79-11276bf84706")
)

func mustUUID(s string) openapi_types.UUID {
	var id openapi_types.UUID
	if err := id.UnmarshalText([]byte(s)); err != nil {
		panic(err)
	}
	return id
}

// addressInput has one member of each state: set, null, and absent (state).
func addressInput() client.AddressInput {
	return client.AddressInput{
		Country:    client.CountryAlpha2InputDE,
		City:       nullable.NewNullableWithValue("Berlin"),
		Line1:      nullable.NewNullableWithValue("Friedrichstraße 123"),
		Line2:      nullable.NewNullNullable[string](),
		PostalCode: nullable.NewNullableWithValue("10117"),
	}
}

const addressInputJSON = `{"country":"DE","city":"Berlin","line1":"Friedrichstraße 123","line2":null,"postal_code":"10117"}`

func adHocPrices(t *testing.T) map[string][]client.ProductPriceCreate {
	t.Helper()
	var p client.ProductPriceCreate
	usd := client.PresentmentCurrencyUsd
	if err := p.FromProductPriceFixedCreate(client.ProductPriceFixedCreate{
		AmountType:    client.ProductPriceFixedCreateAmountTypeFixed,
		PriceAmount:   2500,
		PriceCurrency: &usd,
	}); err != nil {
		t.Fatal(err)
	}
	return map[string][]client.ProductPriceCreate{idProduct.String(): {p}}
}

const adHocPricesJSON = `{"2bf134c2-7fbe-4c46-8a63-58eb48266595":[{"amount_type":"fixed","price_amount":2500,"price_currency":"usd"}]}`

func TestCheckoutUpdate_tristate(t *testing.T) {
	t.Parallel()

	type B = client.CheckoutUpdate
	cases := []tristateCase[B]{
		{"allow_discount_codes", func(b *B) { b.AllowDiscountCodes.SetNull() }, func(b *B) { b.AllowDiscountCodes.Set(false) }, `false`},
		{"allow_trial", func(b *B) { b.AllowTrial.SetNull() }, func(b *B) { b.AllowTrial.Set(true) }, `true`},
		{"amount", func(b *B) { b.Amount.SetNull() }, func(b *B) { b.Amount.Set(1500) }, `1500`},
		{"currency", func(b *B) { b.Currency.SetNull() }, func(b *B) { b.Currency.Set(client.PresentmentCurrencyEur) }, `"eur"`},
		{"customer_billing_address", func(b *B) { b.CustomerBillingAddress.SetNull() }, func(b *B) { b.CustomerBillingAddress.Set(addressInput()) }, addressInputJSON},
		{"customer_billing_name", func(b *B) { b.CustomerBillingName.SetNull() }, func(b *B) { b.CustomerBillingName.Set("Muster Studio GmbH") }, `"Muster Studio GmbH"`},
		{"customer_email", func(b *B) { b.CustomerEmail.SetNull() }, func(b *B) { b.CustomerEmail.Set("jane.doe@example.com") }, `"jane.doe@example.com"`},
		{"customer_ip_address", func(b *B) { b.CustomerIPAddress.SetNull() }, func(b *B) { b.CustomerIPAddress.Set("203.0.113.42") }, `"203.0.113.42"`},
		{"customer_metadata", func(b *B) { b.CustomerMetadata.SetNull() }, func(b *B) {
			b.CustomerMetadata.Set(client.MetadataInput{"segment": "smb", "employee_count": 12})
		}, `{"segment":"smb","employee_count":12}`},
		{"customer_name", func(b *B) { b.CustomerName.SetNull() }, func(b *B) { b.CustomerName.Set("Jane Doe") }, `"Jane Doe"`},
		{"customer_tax_id", func(b *B) { b.CustomerTaxID.SetNull() }, func(b *B) { b.CustomerTaxID.Set("DE123456789") }, `"DE123456789"`},
		{"discount_id", func(b *B) { b.DiscountID.SetNull() }, func(b *B) { b.DiscountID.Set(idDiscount) }, `"79334892-2b00-4b19-93f4-43776bcff247"`},
		{"embed_origin", func(b *B) { b.EmbedOrigin.SetNull() }, func(b *B) { b.EmbedOrigin.Set("https://studio.example.com") }, `"https://studio.example.com"`},
		{"is_business_customer", func(b *B) { b.IsBusinessCustomer.SetNull() }, func(b *B) { b.IsBusinessCustomer.Set(true) }, `true`},
		{"locale", func(b *B) { b.Locale.SetNull() }, func(b *B) { b.Locale.Set("de-DE") }, `"de-DE"`},
		{"product_id", func(b *B) { b.ProductID.SetNull() }, func(b *B) { b.ProductID.Set(idProduct) }, `"2bf134c2-7fbe-4c46-8a63-58eb48266595"`},
		{"product_price_id", func(b *B) { b.ProductPriceID.SetNull() }, func(b *B) { b.ProductPriceID.Set(idPrice) }, `"eced23a8-ff78-4388-9fb8-823080a7cc8e"`},
		{"require_billing_address", func(b *B) { b.RequireBillingAddress.SetNull() }, func(b *B) { b.RequireBillingAddress.Set(true) }, `true`},
		{"return_url", func(b *B) { b.ReturnURL.SetNull() }, func(b *B) { b.ReturnURL.Set("https://studio.example.com/pricing") }, `"https://studio.example.com/pricing"`},
		{"seats", func(b *B) { b.Seats.SetNull() }, func(b *B) { b.Seats.Set(5) }, `5`},
		{"success_url", func(b *B) { b.SuccessURL.SetNull() }, func(b *B) {
			b.SuccessURL.Set("https://studio.example.com/welcome?checkout_id={CHECKOUT_ID}")
		}, `"https://studio.example.com/welcome?checkout_id={CHECKOUT_ID}"`},
		{"trial_interval", func(b *B) { b.TrialInterval.SetNull() }, func(b *B) { b.TrialInterval.Set(client.TrialIntervalWeek) }, `"week"`},
		{"trial_interval_count", func(b *B) { b.TrialIntervalCount.SetNull() }, func(b *B) { b.TrialIntervalCount.Set(2) }, `2`},
		{"units", func(b *B) { b.Units.SetNull() }, func(b *B) { b.Units.Set(250) }, `250`},
	}
	testTristate(t, B{}, `{}`, cases)
}

func TestCheckoutUpdatePublic_tristate(t *testing.T) {
	t.Parallel()

	type B = client.CheckoutUpdatePublic
	cases := []tristateCase[B]{
		{"allow_trial", func(b *B) { b.AllowTrial.SetNull() }, func(b *B) { b.AllowTrial.Set(client.CheckoutUpdatePublicAllowTrialFalse) }, `false`},
		// 0 is a value: a free pay-what-you-want purchase, not "absent".
		{"amount", func(b *B) { b.Amount.SetNull() }, func(b *B) { b.Amount.Set(0) }, `0`},
		{"customer_billing_address", func(b *B) { b.CustomerBillingAddress.SetNull() }, func(b *B) { b.CustomerBillingAddress.Set(addressInput()) }, addressInputJSON},
		{"customer_billing_name", func(b *B) { b.CustomerBillingName.SetNull() }, func(b *B) { b.CustomerBillingName.Set("Muster Studio GmbH") }, `"Muster Studio GmbH"`},
		{"customer_email", func(b *B) { b.CustomerEmail.SetNull() }, func(b *B) { b.CustomerEmail.Set("jane.doe@example.com") }, `"jane.doe@example.com"`},
		// "" is a value too.
		{"customer_name", func(b *B) { b.CustomerName.SetNull() }, func(b *B) { b.CustomerName.Set("") }, `""`},
		{"customer_tax_id", func(b *B) { b.CustomerTaxID.SetNull() }, func(b *B) { b.CustomerTaxID.Set("DE123456789") }, `"DE123456789"`},
		{"discount_code", func(b *B) { b.DiscountCode.SetNull() }, func(b *B) { b.DiscountCode.Set("LAUNCH25") }, `"LAUNCH25"`},
		{"is_business_customer", func(b *B) { b.IsBusinessCustomer.SetNull() }, func(b *B) { b.IsBusinessCustomer.Set(false) }, `false`},
		{"locale", func(b *B) { b.Locale.SetNull() }, func(b *B) { b.Locale.Set("fr-CA") }, `"fr-CA"`},
		{"payment_method_type", func(b *B) { b.PaymentMethodType.SetNull() }, func(b *B) { b.PaymentMethodType.Set("card") }, `"card"`},
		{"product_id", func(b *B) { b.ProductID.SetNull() }, func(b *B) { b.ProductID.Set(idProduct) }, `"2bf134c2-7fbe-4c46-8a63-58eb48266595"`},
		{"product_price_id", func(b *B) { b.ProductPriceID.SetNull() }, func(b *B) { b.ProductPriceID.Set(idPrice) }, `"eced23a8-ff78-4388-9fb8-823080a7cc8e"`},
		{"seats", func(b *B) { b.Seats.SetNull() }, func(b *B) { b.Seats.Set(1) }, `1`},
		{"units", func(b *B) { b.Units.SetNull() }, func(b *B) { b.Units.Set(2147483647) }, `2147483647`},
	}
	testTristate(t, B{}, `{}`, cases)
}

func TestCheckoutConfirmStripe_tristate(t *testing.T) {
	t.Parallel()

	type B = client.CheckoutConfirmStripe
	cases := []tristateCase[B]{
		{"allow_trial", func(b *B) { b.AllowTrial.SetNull() }, func(b *B) { b.AllowTrial.Set(client.CheckoutConfirmStripeAllowTrialFalse) }, `false`},
		{"amount", func(b *B) { b.Amount.SetNull() }, func(b *B) { b.Amount.Set(1500) }, `1500`},
		{"confirmation_token_id", func(b *B) { b.ConfirmationTokenID.SetNull() }, func(b *B) { b.ConfirmationTokenID.Set("ctoken_1R2x3Y4z5A6b7C8dE9f0G1h2") }, `"ctoken_1R2x3Y4z5A6b7C8dE9f0G1h2"`},
		{"customer_billing_address", func(b *B) { b.CustomerBillingAddress.SetNull() }, func(b *B) { b.CustomerBillingAddress.Set(addressInput()) }, addressInputJSON},
		{"customer_billing_name", func(b *B) { b.CustomerBillingName.SetNull() }, func(b *B) { b.CustomerBillingName.Set("Muster Studio GmbH") }, `"Muster Studio GmbH"`},
		{"customer_email", func(b *B) { b.CustomerEmail.SetNull() }, func(b *B) { b.CustomerEmail.Set("jane.doe@example.com") }, `"jane.doe@example.com"`},
		{"customer_name", func(b *B) { b.CustomerName.SetNull() }, func(b *B) { b.CustomerName.Set("Jane Doe") }, `"Jane Doe"`},
		{"customer_tax_id", func(b *B) { b.CustomerTaxID.SetNull() }, func(b *B) { b.CustomerTaxID.Set("DE123456789") }, `"DE123456789"`},
		{"discount_code", func(b *B) { b.DiscountCode.SetNull() }, func(b *B) { b.DiscountCode.Set("WELCOME10") }, `"WELCOME10"`},
		{"is_business_customer", func(b *B) { b.IsBusinessCustomer.SetNull() }, func(b *B) { b.IsBusinessCustomer.Set(true) }, `true`},
		{"locale", func(b *B) { b.Locale.SetNull() }, func(b *B) { b.Locale.Set("en") }, `"en"`},
		{"payment_method_type", func(b *B) { b.PaymentMethodType.SetNull() }, func(b *B) { b.PaymentMethodType.Set("card") }, `"card"`},
		{"product_id", func(b *B) { b.ProductID.SetNull() }, func(b *B) { b.ProductID.Set(idProduct) }, `"2bf134c2-7fbe-4c46-8a63-58eb48266595"`},
		{"product_price_id", func(b *B) { b.ProductPriceID.SetNull() }, func(b *B) { b.ProductPriceID.Set(idPrice) }, `"eced23a8-ff78-4388-9fb8-823080a7cc8e"`},
		{"seats", func(b *B) { b.Seats.SetNull() }, func(b *B) { b.Seats.Set(10000) }, `10000`},
		{"units", func(b *B) { b.Units.SetNull() }, func(b *B) { b.Units.Set(1) }, `1`},
	}
	testTristate(t, B{}, `{}`, cases)
}

func TestCheckoutProductsCreate_tristate(t *testing.T) {
	t.Parallel()

	type B = client.CheckoutProductsCreate
	// products is required, so it is in every body; the nullable field
	// under test comes on top of it.
	base := B{Products: []openapi_types.UUID{idProduct}}
	const baseJSON = `{"products":["2bf134c2-7fbe-4c46-8a63-58eb48266595"]}`
	prices := adHocPrices(t)

	cases := []tristateCase[B]{
		{"amount", func(b *B) { b.Amount.SetNull() }, func(b *B) { b.Amount.Set(1500) }, `1500`},
		{"currency", func(b *B) { b.Currency.SetNull() }, func(b *B) { b.Currency.Set(client.PresentmentCurrencyEur) }, `"eur"`},
		{"customer_billing_address", func(b *B) { b.CustomerBillingAddress.SetNull() }, func(b *B) { b.CustomerBillingAddress.Set(addressInput()) }, addressInputJSON},
		{"customer_billing_name", func(b *B) { b.CustomerBillingName.SetNull() }, func(b *B) { b.CustomerBillingName.Set("Muster Studio GmbH") }, `"Muster Studio GmbH"`},
		{"customer_email", func(b *B) { b.CustomerEmail.SetNull() }, func(b *B) { b.CustomerEmail.Set("jane.doe@example.com") }, `"jane.doe@example.com"`},
		{"customer_id", func(b *B) { b.CustomerID.SetNull() }, func(b *B) { b.CustomerID.Set(idCustomer) }, `"9fc41be3-7e30-40e1-a0a8-71ba5c2c8cdb"`},
		{"customer_ip_address", func(b *B) { b.CustomerIPAddress.SetNull() }, func(b *B) { b.CustomerIPAddress.Set("2001:db8::8a2e:370:7334") }, `"2001:db8::8a2e:370:7334"`},
		{"customer_name", func(b *B) { b.CustomerName.SetNull() }, func(b *B) { b.CustomerName.Set("Jane Doe") }, `"Jane Doe"`},
		{"customer_tax_id", func(b *B) { b.CustomerTaxID.SetNull() }, func(b *B) { b.CustomerTaxID.Set("DE123456789") }, `"DE123456789"`},
		{"discount_id", func(b *B) { b.DiscountID.SetNull() }, func(b *B) { b.DiscountID.Set(idDiscount) }, `"79334892-2b00-4b19-93f4-43776bcff247"`},
		{"embed_origin", func(b *B) { b.EmbedOrigin.SetNull() }, func(b *B) { b.EmbedOrigin.Set("https://studio.example.com") }, `"https://studio.example.com"`},
		{"external_customer_id", func(b *B) { b.ExternalCustomerID.SetNull() }, func(b *B) { b.ExternalCustomerID.Set("crm-0042") }, `"crm-0042"`},
		{"locale", func(b *B) { b.Locale.SetNull() }, func(b *B) { b.Locale.Set("de-DE") }, `"de-DE"`},
		{"max_seats", func(b *B) { b.MaxSeats.SetNull() }, func(b *B) { b.MaxSeats.Set(50) }, `50`},
		{"max_units", func(b *B) { b.MaxUnits.SetNull() }, func(b *B) { b.MaxUnits.Set(100000) }, `100000`},
		{"min_seats", func(b *B) { b.MinSeats.SetNull() }, func(b *B) { b.MinSeats.Set(1) }, `1`},
		{"min_units", func(b *B) { b.MinUnits.SetNull() }, func(b *B) { b.MinUnits.Set(100) }, `100`},
		{"prices", func(b *B) { b.Prices.SetNull() }, func(b *B) { b.Prices.Set(prices) }, adHocPricesJSON},
		{"return_url", func(b *B) { b.ReturnURL.SetNull() }, func(b *B) { b.ReturnURL.Set("https://studio.example.com/pricing") }, `"https://studio.example.com/pricing"`},
		{"seats", func(b *B) { b.Seats.SetNull() }, func(b *B) { b.Seats.Set(5) }, `5`},
		{"subscription_id", func(b *B) { b.SubscriptionID.SetNull() }, func(b *B) { b.SubscriptionID.Set(idSubscription) }, `"5fbe510e-3e8e-484d-ab79-11276bf84706"`},
		{"success_url", func(b *B) { b.SuccessURL.SetNull() }, func(b *B) {
			b.SuccessURL.Set("https://studio.example.com/welcome?checkout_id={CHECKOUT_ID}")
		}, `"https://studio.example.com/welcome?checkout_id={CHECKOUT_ID}"`},
		{"trial_interval", func(b *B) { b.TrialInterval.SetNull() }, func(b *B) { b.TrialInterval.Set(client.TrialIntervalDay) }, `"day"`},
		{"trial_interval_count", func(b *B) { b.TrialIntervalCount.SetNull() }, func(b *B) { b.TrialIntervalCount.Set(14) }, `14`},
		{"units", func(b *B) { b.Units.SetNull() }, func(b *B) { b.Units.Set(500) }, `500`},
	}
	testTristate(t, base, baseJSON, cases)

	// Documented: products is a required, non-nullable array without
	// omitempty, so a body built without it sends "products":null, which
	// the server rejects with a 422. The wrapper must always set it.
	t.Run("zero body", func(t *testing.T) {
		t.Parallel()
		assertJSON(t, B{}, `{"products":null}`)
	})
}

// testTristate checks, for each case, that the field is omitted when
// absent, encoded as null when null, and encoded as want when set; that
// the cases cover every nullable field of T; and that decoding each JSON
// gives back the same state.
func testTristate[T any](t *testing.T, base T, baseJSON string, cases []tristateCase[T]) {
	t.Helper()

	t.Run("covers every nullable field", func(t *testing.T) {
		t.Parallel()
		fields := nullableFields(reflect.TypeFor[T]())
		seen := make(map[string]int)
		for _, c := range cases {
			seen[c.field]++
		}
		for _, f := range fields {
			if seen[f] == 0 {
				t.Errorf("%T.%s is nullable but has no case: add one (absent, null and value must all be pinned)", base, f)
			}
		}
		for f, n := range seen {
			switch {
			case !slices.Contains(fields, f):
				t.Errorf("case %q is not a nullable field of %T", f, base)
			case n > 1:
				t.Errorf("case %q appears %d times", f, n)
			}
		}
	})

	t.Run("absent", func(t *testing.T) {
		t.Parallel()
		assertJSON(t, base, baseJSON)
	})

	for _, c := range cases {
		t.Run(c.field, func(t *testing.T) {
			t.Parallel()

			for _, state := range []struct {
				name string
				set  func(*T)
				want string
			}{
				{"null", c.null, "null"},
				{"value", c.value, c.want},
			} {
				b := base
				state.set(&b)
				wantJSON := withMember(t, baseJSON, c.field, state.want)
				if !assertJSON(t, b, wantJSON) {
					continue
				}

				// Decoding that JSON gives back the same state.
				var decoded T
				if err := json.Unmarshal([]byte(wantJSON), &decoded); err != nil {
					t.Errorf("%s: decode %s: %v", state.name, wantJSON, err)
					continue
				}
				n := nullableByJSONName(t, reflect.ValueOf(decoded), c.field)
				if !n.IsSpecified() || n.IsNull() != (state.name == "null") {
					t.Errorf("%s: decoding %s gives IsSpecified() = %v, IsNull() = %v", state.name, wantJSON, n.IsSpecified(), n.IsNull())
				}
				assertJSON(t, decoded, wantJSON)
			}

			var decoded T
			if err := json.Unmarshal([]byte(baseJSON), &decoded); err != nil {
				t.Fatal(err)
			}
			if n := nullableByJSONName(t, reflect.ValueOf(decoded), c.field); n.IsSpecified() {
				t.Errorf("absent: decoding %s gives IsSpecified() = true", baseJSON)
			}
		})
	}
}

// assertJSON reports whether v encodes to JSON equal to want (compared as
// values, so member order does not matter), and fails the test if not.
func assertJSON(t *testing.T, v any, want string) bool {
	t.Helper()
	got, err := json.Marshal(v)
	if err != nil {
		t.Errorf("json.Marshal(%T): %v", v, err)
		return false
	}
	if diffs := diffJSON("", decodeGeneric(t, []byte(want)), decodeGeneric(t, got)); len(diffs) > 0 {
		t.Errorf("json.Marshal(%T) =\n  %s\nwant\n  %s\ndifferences:\n  %s", v, got, want, strings.Join(diffs, "\n  "))
		return false
	}
	return true
}

// withMember returns the JSON object obj with member name set to the raw
// JSON value.
func withMember(t *testing.T, obj, name, value string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(obj), &m); err != nil {
		t.Fatal(err)
	}
	m[name] = json.RawMessage(value)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("member %s: %v", name, err)
	}
	return string(b)
}

// isNullable reports whether t is an instance of nullable.Nullable[T].
func isNullable(t reflect.Type) bool {
	return t.PkgPath() == reflect.TypeFor[nullable.Nullable[int]]().PkgPath() &&
		strings.HasPrefix(t.Name(), "Nullable[")
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// nullableFields returns the sorted JSON names of the nullable.Nullable
// fields of struct type t.
func nullableFields(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		if isNullable(f.Type) {
			names = append(names, jsonName(f))
		}
	}
	sort.Strings(names)
	return names
}

type nullableState interface {
	IsNull() bool
	IsSpecified() bool
}

func nullableByJSONName(t *testing.T, v reflect.Value, name string) nullableState {
	t.Helper()
	for _, f := range reflect.VisibleFields(v.Type()) {
		if jsonName(f) == name && isNullable(f.Type) {
			return v.FieldByIndex(f.Index).Interface().(nullableState)
		}
	}
	t.Fatalf("%s has no nullable field %q", v.Type(), name)
	return nil
}

// TestNullable_everyRequestFieldOmitEmpty checks, for every nullable field
// of every request body at once, that null and absent are told apart:
// without omitempty an absent field would be sent as its zero value.
func TestNullable_everyRequestFieldOmitEmpty(t *testing.T) {
	t.Parallel()

	for _, body := range []any{
		&client.CheckoutUpdate{},
		&client.CheckoutUpdatePublic{},
		&client.CheckoutConfirmStripe{},
		&client.CheckoutProductsCreate{},
		&client.AddressInput{},
	} {
		v := reflect.ValueOf(body).Elem()
		t.Run(v.Type().Name(), func(t *testing.T) {
			t.Parallel()
			var nulls []string
			for f := range v.Type().Fields() {
				if !isNullable(f.Type) {
					continue
				}
				if !strings.Contains(f.Tag.Get("json"), ",omitempty") {
					t.Errorf("%s.%s is nullable but not omitempty: absent would be sent as a zero value", v.Type().Name(), f.Name)
				}
				v.FieldByIndex(f.Index).Addr().MethodByName("SetNull").Call(nil)
				nulls = append(nulls, jsonName(f))
			}

			out, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]json.RawMessage
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			for _, name := range nulls {
				if string(got[name]) != "null" {
					t.Errorf("%s set to null encodes as %q, want null", name, got[name])
				}
			}
		})
	}
}

// TestNullable_unspecifiedInResponseTypes documents a pitfall for code
// that builds response types in Go (fakes, test servers): a required
// nullable field is not omitempty, and a Nullable left unset encodes as
// the zero value of its type, not as null. Set SetNull explicitly.
func TestNullable_unspecifiedInResponseTypes(t *testing.T) {
	t.Parallel()

	out, err := json.Marshal(client.Checkout{})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		field string
		want  string
	}{
		{"tax_amount", `0`},
		{"customer_id", `"00000000-0000-0000-0000-000000000000"`},
		{"modified_at", `"0001-01-01T00:00:00Z"`},
		{"customer_email", `""`},
		{"discount", `null`}, // a zero union encodes its nil raw JSON
		{"prices", `null`},   // a nil map
	}
	for _, tt := range tests {
		if string(got[tt.field]) != tt.want {
			t.Errorf("unset %s encodes as %s, want (documented) %s", tt.field, got[tt.field], tt.want)
		}
	}
	// An unset nullable struct encodes as an object of zero values.
	if p := string(got["product"]); !strings.HasPrefix(p, "{") {
		t.Errorf("unset product encodes as %s, want (documented) an object", p)
	}
	// Optional nullable fields are omitempty and disappear.
	for _, field := range []string{"seats", "units", "locale"} {
		if _, ok := got[field]; ok {
			t.Errorf("unset optional %s is present; want it omitted", field)
		}
	}
}

func TestNullable_decode(t *testing.T) {
	t.Parallel()

	const body = `{"discount_id":null,"amount":5}`

	t.Run("CheckoutUpdate", func(t *testing.T) {
		t.Parallel()
		var b client.CheckoutUpdate
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			t.Fatal(err)
		}
		if !b.DiscountID.IsSpecified() || !b.DiscountID.IsNull() {
			t.Errorf("discount_id: IsSpecified() = %v, IsNull() = %v; want true, true", b.DiscountID.IsSpecified(), b.DiscountID.IsNull())
		}
		if _, err := b.DiscountID.Get(); err == nil {
			t.Error("discount_id.Get(): want an error for null")
		}
		if !b.Amount.IsSpecified() || b.Amount.IsNull() {
			t.Errorf("amount: IsSpecified() = %v, IsNull() = %v; want true, false", b.Amount.IsSpecified(), b.Amount.IsNull())
		}
		if got, err := b.Amount.Get(); err != nil || got != 5 {
			t.Errorf("amount.Get() = %d, %v; want 5, nil", got, err)
		}
		if b.ProductID.IsSpecified() || b.ProductID.IsNull() {
			t.Errorf("product_id (absent): IsSpecified() = %v, IsNull() = %v; want false, false", b.ProductID.IsSpecified(), b.ProductID.IsNull())
		}
		if _, err := b.ProductID.Get(); err == nil {
			t.Error("product_id.Get(): want an error for absent")
		}
		assertJSON(t, b, body)
	})

	t.Run("CheckoutProductsCreate", func(t *testing.T) {
		t.Parallel()
		var b client.CheckoutProductsCreate
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			t.Fatal(err)
		}
		if !b.DiscountID.IsNull() || b.Amount.MustGet() != 5 || b.Seats.IsSpecified() {
			t.Errorf("got discount_id %v, amount %v, seats %v", b.DiscountID, b.Amount, b.Seats)
		}
	})

	t.Run("invalid email is rejected on decode", func(t *testing.T) {
		t.Parallel()
		var b client.CheckoutUpdatePublic
		if err := json.Unmarshal([]byte(`{"customer_email":"not an email"}`), &b); err == nil {
			t.Error("decode of an invalid customer_email: want an error (openapi_types.Email validates)")
		}
		if err := json.Unmarshal([]byte(`{"customer_email":null}`), &b); err != nil || !b.CustomerEmail.IsNull() {
			t.Errorf("decode of a null customer_email: %v, IsNull() = %v", err, b.CustomerEmail.IsNull())
		}
	})

	t.Run("invalid email is rejected on encode", func(t *testing.T) {
		t.Parallel()
		b := client.CheckoutUpdatePublic{CustomerEmail: nullable.NewNullableWithValue[openapi_types.Email]("not an email")}
		if _, err := json.Marshal(b); err == nil {
			t.Error("encode of an invalid customer_email: want an error (openapi_types.Email validates)")
		}
	})
}
