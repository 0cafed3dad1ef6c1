package client_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/gopolar/checkouts/client"
)

// readFixture returns the content of testdata/name.
func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// decodeFixture decodes testdata/name into a T with encoding/json, as the
// generated client's response parsers do.
func decodeFixture[T any](t *testing.T, name string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(readFixture(t, name), &v); err != nil {
		t.Fatalf("decode %s into %T: %v", name, v, err)
	}
	return v
}

// decodeAs returns a decoder into a new T, for tables that mix types.
func decodeAs[T any]() func([]byte) (any, error) {
	return func(b []byte) (any, error) {
		v := new(T)
		err := json.Unmarshal(b, v)
		return v, err
	}
}

// must turns a (value, error) pair into a function that returns the
// value and fails the test on error, for one-line use: must(u.AsX())(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// as asserts that v holds a T and returns it.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	got, ok := v.(T)
	if !ok {
		var want T
		t.Fatalf("got a %T, want a %T", v, want)
	}
	return got
}

// decodeGeneric parses JSON into any, keeping numbers as json.Number so
// that no precision is lost before comparing.
func decodeGeneric(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("parse JSON: %v\n%s", err, b)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		t.Fatalf("parse JSON: trailing data after the first value")
	}
	return v
}

// diffJSON compares two values parsed by decodeGeneric and describes each
// difference by its JSON pointer. Numbers are compared by value (1.50 ==
// 1.5) and two strings that are both RFC 3339 timestamps are equal when
// they name the same instant (Go drops trailing zeros of fractions:
// "…02.100000Z" comes back as "…02.1Z").
func diffJSON(path string, want, got any) []string {
	mismatch := func() []string {
		return []string{fmt.Sprintf("%s: want %s, got %s", pathOrRoot(path), show(want), show(got))}
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return mismatch()
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var diffs []string
		for _, k := range keys {
			p := path + "/" + k
			wv, inWant := w[k]
			gv, inGot := g[k]
			switch {
			case !inGot:
				diffs = append(diffs, fmt.Sprintf("%s: missing (want %s)", p, show(wv)))
			case !inWant:
				diffs = append(diffs, fmt.Sprintf("%s: unexpected member %s", p, show(gv)))
			default:
				diffs = append(diffs, diffJSON(p, wv, gv)...)
			}
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok || len(w) != len(g) {
			return mismatch()
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, diffJSON(path+"/"+strconv.Itoa(i), w[i], g[i])...)
		}
		return diffs
	case json.Number:
		g, ok := got.(json.Number)
		if !ok {
			return mismatch()
		}
		wr, wok := new(big.Rat).SetString(string(w))
		gr, gok := new(big.Rat).SetString(string(g))
		if !wok || !gok || wr.Cmp(gr) != 0 {
			return mismatch()
		}
		return nil
	case string:
		g, ok := got.(string)
		if !ok {
			return mismatch()
		}
		if w == g || sameInstant(w, g) {
			return nil
		}
		return mismatch()
	default: // bool or nil
		if want != got {
			return mismatch()
		}
		return nil
	}
}

func sameInstant(a, b string) bool {
	ta, err := time.Parse(time.RFC3339Nano, a)
	if err != nil {
		return false
	}
	tb, err := time.Parse(time.RFC3339Nano, b)
	return err == nil && ta.Equal(tb)
}

func pathOrRoot(p string) string {
	if p == "" {
		return "(root)"
	}
	return p
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

// roundTrips lists, for every fixture, the generated types it must decode
// into. Each one must also encode back to the same JSON.
type roundTrip struct {
	file   string
	decode func([]byte) (any, error)
}

var roundTrips = []roundTrip{
	{"checkout.json", decodeAs[client.Checkout]()},
	{"checkout_minimal_nulls.json", decodeAs[client.Checkout]()},
	{"checkout_public.json", decodeAs[client.CheckoutPublic]()},
	{"checkout_public_confirmed.json", decodeAs[client.CheckoutPublicConfirmed]()},
	{"list_checkouts.json", decodeAs[client.ListResourceCheckout]()},
	{"list_empty.json", decodeAs[client.ListResourceCheckout]()},

	{"price_fixed.json", decodeAs[client.ProductPriceFixed]()},
	{"price_fixed.json", decodeAs[client.ProductPrice]()},
	{"price_fixed.json", decodeAs[client.CheckoutProductPrice]()},
	{"price_custom.json", decodeAs[client.ProductPriceCustom]()},
	{"price_custom.json", decodeAs[client.ProductPrice]()},
	{"price_custom.json", decodeAs[client.CheckoutProductPrice]()},
	{"price_seat_based.json", decodeAs[client.ProductPriceSeatBased]()},
	{"price_seat_based.json", decodeAs[client.ProductPrice]()},
	{"price_seat_based.json", decodeAs[client.CheckoutProductPrice]()},
	{"price_metered_unit.json", decodeAs[client.ProductPriceMeteredUnit]()},
	{"price_metered_unit.json", decodeAs[client.ProductPrice]()},
	{"price_metered_unit.json", decodeAs[client.CheckoutProductPrice]()},
	{"price_unit_based.json", decodeAs[client.ProductPriceUnitBased]()},
	{"price_unit_based.json", decodeAs[client.ProductPrice]()},
	{"price_unit_based.json", decodeAs[client.CheckoutProductPrice]()},
	{"price_metered_tiers.json", decodeAs[client.ProductPriceMeteredTiers]()},
	{"price_metered_tiers.json", decodeAs[client.ProductPrice]()},
	{"price_metered_tiers.json", decodeAs[client.CheckoutProductPrice]()},
	{"price_legacy_fixed.json", decodeAs[client.LegacyRecurringProductPriceFixed]()},
	{"price_legacy_fixed.json", decodeAs[client.LegacyRecurringProductPrice]()},
	{"price_legacy_fixed.json", decodeAs[client.CheckoutProductPrice]()},
	{"price_legacy_custom.json", decodeAs[client.LegacyRecurringProductPriceCustom]()},
	{"price_legacy_custom.json", decodeAs[client.LegacyRecurringProductPrice]()},
	{"price_legacy_custom.json", decodeAs[client.CheckoutProductPrice]()},

	{"discount_fixed_once_forever.json", decodeAs[client.CheckoutDiscountFixedOnceForeverDuration]()},
	{"discount_fixed_once_forever.json", decodeAs[client.CheckoutDiscount]()},
	{"discount_fixed_repeat.json", decodeAs[client.CheckoutDiscountFixedRepeatDuration]()},
	{"discount_fixed_repeat.json", decodeAs[client.CheckoutDiscount]()},
	{"discount_percentage_once_forever.json", decodeAs[client.CheckoutDiscountPercentageOnceForeverDuration]()},
	{"discount_percentage_once_forever.json", decodeAs[client.CheckoutDiscount]()},
	{"discount_percentage_repeat.json", decodeAs[client.CheckoutDiscountPercentageRepeatDuration]()},
	{"discount_percentage_repeat.json", decodeAs[client.CheckoutDiscount]()},

	{"custom_field_text.json", decodeAs[client.CustomFieldText]()},
	{"custom_field_text.json", decodeAs[client.CustomField]()},
	{"custom_field_number.json", decodeAs[client.CustomFieldNumber]()},
	{"custom_field_number.json", decodeAs[client.CustomField]()},
	{"custom_field_date.json", decodeAs[client.CustomFieldDate]()},
	{"custom_field_date.json", decodeAs[client.CustomField]()},
	{"custom_field_checkbox.json", decodeAs[client.CustomFieldCheckbox]()},
	{"custom_field_checkbox.json", decodeAs[client.CustomField]()},
	{"custom_field_select.json", decodeAs[client.CustomFieldSelect]()},
	{"custom_field_select.json", decodeAs[client.CustomField]()},

	{"error_not_found.json", decodeAs[client.ResourceNotFound]()},
	{"error_not_found.json", decodeAs[client.PolarError]()},
	{"error_expired.json", decodeAs[client.ExpiredCheckoutError]()},
	{"error_expired.json", decodeAs[client.PolarError]()},
	{"error_not_open.json", decodeAs[client.NotOpenCheckout]()},
	{"error_not_open.json", decodeAs[client.CheckoutForbiddenError]()},
	{"error_not_open.json", decodeAs[client.CheckoutUpdateForbiddenError]()},
	{"error_not_open.json", decodeAs[client.PolarError]()},
	{"error_payment.json", decodeAs[client.PaymentError]()},
	{"error_payment.json", decodeAs[client.PolarError]()},
	{"error_locked.json", decodeAs[client.CheckoutLocked]()},
	{"error_locked.json", decodeAs[client.CheckoutConfirmConflictError]()},
	{"error_locked.json", decodeAs[client.PolarError]()},
	{"error_unauthorized.json", decodeAs[client.Unauthorized]()},
	{"error_unauthorized.json", decodeAs[client.AuthenticationError]()},
	{"error_unauthorized.json", decodeAs[client.PolarError]()},
	{"error_invalid_token.json", decodeAs[client.OAuth2Error]()},
	{"error_invalid_token.json", decodeAs[client.AuthenticationError]()},
	{"error_invalid_token.json", decodeAs[client.PolarError]()},
	{"error_insufficient_scope.json", decodeAs[client.OAuth2Error]()},
	{"error_insufficient_scope.json", decodeAs[client.TokenForbiddenError]()},
	{"error_insufficient_scope.json", decodeAs[client.CheckoutUpdateForbiddenError]()},
	{"error_insufficient_scope.json", decodeAs[client.PolarError]()},
	{"error_422_validation.json", decodeAs[client.HTTPValidationError]()},
	{"error_422_validation.json", decodeAs[client.PolarError]()},
	{"error_422_string.json", decodeAs[client.HTTPValidationError]()},
	{"error_422_string.json", decodeAs[client.PolarError]()},
	{"error_404_route.json", decodeAs[client.PolarError]()},
	{"error_404_route.json", decodeAs[client.HTTPValidationError]()},

	{"unknown_enum_checkout.json", decodeAs[client.Checkout]()},
	{"unknown_union_checkout.json", decodeAs[client.Checkout]()},
}

func TestFixtures_decodeAndRoundTrip(t *testing.T) {
	t.Parallel()

	for _, tt := range roundTrips {
		raw := readFixture(t, tt.file)
		probe, _ := tt.decode([]byte("{}"))
		name := fmt.Sprintf("%s/%T", tt.file, probe)
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			v, err := tt.decode(raw)
			if err != nil {
				t.Fatalf("decode %s into %T: %v", tt.file, v, err)
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("json.Marshal(%T): %v", v, err)
			}
			if diffs := diffJSON("", decodeGeneric(t, raw), decodeGeneric(t, out)); len(diffs) > 0 {
				t.Errorf("%s does not survive decode into %T and re-encode (%d differences):\n  %s",
					tt.file, v, len(diffs), strings.Join(diffs, "\n  "))
			}
		})
	}
}

// TestFixtures_allInRoundTripTable keeps roundTrips in step with testdata.
func TestFixtures_allInRoundTripTable(t *testing.T) {
	t.Parallel()

	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		if !slices.ContainsFunc(roundTrips, func(rt roundTrip) bool { return rt.file == name }) {
			t.Errorf("testdata/%s is not in roundTrips: add it with the generated type(s) it decodes into", name)
		}
	}
}

// TestDiffJSON checks the comparison helper itself, so that a round trip
// cannot pass because the comparison is too lenient.
func TestDiffJSON(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		want, got string
		equal     bool
	}{
		{"same", `{"a":[1,"x",true,null]}`, `{"a":[1,"x",true,null]}`, true},
		{"member order", `{"a":1,"b":2}`, `{"b":2,"a":1}`, true},
		{"same number, other spelling", `{"a":1.50}`, `{"a":1.5}`, true},
		{"same instant, trailing zeros dropped", `{"t":"2026-04-02T10:17:02.100000Z"}`, `{"t":"2026-04-02T10:17:02.1Z"}`, true},
		{"same instant, other offset", `{"t":"2026-04-02T10:17:02Z"}`, `{"t":"2026-04-02T12:17:02+02:00"}`, true},
		{"other instant", `{"t":"2026-04-02T10:17:02.100000Z"}`, `{"t":"2026-04-02T10:17:02.1001Z"}`, false},
		{"other number", `{"a":1900}`, `{"a":19}`, false},
		{"number as string", `{"a":1}`, `{"a":"1"}`, false},
		{"null vs absent", `{"a":null}`, `{}`, false},
		{"absent vs null", `{}`, `{"a":null}`, false},
		{"null vs zero", `{"a":null}`, `{"a":0}`, false},
		{"empty array vs null", `{"a":[]}`, `{"a":null}`, false},
		{"empty object vs null", `{"a":{}}`, `{"a":null}`, false},
		{"array order", `[1,2]`, `[2,1]`, false},
		{"bool", `true`, `false`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			diffs := diffJSON("", decodeGeneric(t, []byte(tt.want)), decodeGeneric(t, []byte(tt.got)))
			if equal := len(diffs) == 0; equal != tt.equal {
				t.Errorf("diffJSON(%s, %s) equal = %v, want %v (diffs: %q)", tt.want, tt.got, equal, tt.equal, diffs)
			}
		})
	}
}

// TestUnions_keepRawJSON checks that a union decoded from JSON encodes
// back to exactly the bytes it was decoded from, for a whole fixture and
// for unions nested in a Checkout.
func TestUnions_keepRawJSON(t *testing.T) {
	t.Parallel()

	type marshaler interface{ MarshalJSON() ([]byte, error) }
	tests := []roundTrip{
		{"price_fixed.json", decodeAs[client.CheckoutProductPrice]()},
		{"price_metered_tiers.json", decodeAs[client.ProductPrice]()},
		{"price_legacy_custom.json", decodeAs[client.LegacyRecurringProductPrice]()},
		{"discount_fixed_repeat.json", decodeAs[client.CheckoutDiscount]()},
		{"custom_field_select.json", decodeAs[client.CustomField]()},
		{"error_not_open.json", decodeAs[client.CheckoutForbiddenError]()},
		{"error_invalid_token.json", decodeAs[client.AuthenticationError]()},
	}
	for _, tt := range tests {
		raw := readFixture(t, tt.file)
		probe, _ := tt.decode([]byte("{}"))
		t.Run(fmt.Sprintf("%s/%T", tt.file, probe), func(t *testing.T) {
			t.Parallel()
			v := must(tt.decode(raw))(t)
			got := must(v.(marshaler).MarshalJSON())(t)
			if want := bytes.TrimSpace(raw); !bytes.Equal(got, want) {
				t.Errorf("MarshalJSON() changed the bytes:\ngot  %s\nwant %s", got, want)
			}
		})
	}

	t.Run("nested in checkout.json", func(t *testing.T) {
		t.Parallel()
		raw := readFixture(t, "checkout.json")
		c := decodeFixture[client.Checkout](t, "checkout.json")
		var rawParts struct {
			Discount             json.RawMessage `json:"discount"`
			ProductPrice         json.RawMessage `json:"product_price"`
			AttachedCustomFields []struct {
				CustomField json.RawMessage `json:"custom_field"`
			} `json:"attached_custom_fields"`
			Products []struct {
				Prices []json.RawMessage `json:"prices"`
			} `json:"products"`
		}
		if err := json.Unmarshal(raw, &rawParts); err != nil {
			t.Fatal(err)
		}

		check := func(what string, m marshaler, want json.RawMessage) {
			t.Helper()
			if got := must(m.MarshalJSON())(t); !bytes.Equal(got, want) {
				t.Errorf("%s: MarshalJSON() changed the bytes:\ngot  %s\nwant %s", what, got, want)
			}
		}
		check("discount", c.Discount.MustGet(), rawParts.Discount)
		check("product_price", c.ProductPrice.MustGet(), rawParts.ProductPrice)
		for i, f := range c.AttachedCustomFields.MustGet() {
			check(fmt.Sprintf("attached_custom_fields[%d].custom_field", i), f.CustomField, rawParts.AttachedCustomFields[i].CustomField)
		}
		for i, p := range c.Products {
			for j, price := range p.Prices {
				check(fmt.Sprintf("products[%d].prices[%d]", i, j), price, rawParts.Products[i].Prices[j])
			}
		}
	})
}

// priceVariant tells the variants of a CheckoutProductPrice apart the way
// a caller has to: the union has no discriminator of its own and a legacy
// price also decodes as a current one, so look at `legacy` first, then
// dispatch on amount_type.
func priceVariant(p client.CheckoutProductPrice) (any, error) {
	raw, err := p.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var probe struct {
		Legacy bool `json:"legacy"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, err
	}
	if probe.Legacy {
		legacy, err := p.AsLegacyRecurringProductPrice()
		if err != nil {
			return nil, err
		}
		return legacy.ValueByDiscriminator()
	}
	current, err := p.AsProductPrice()
	if err != nil {
		return nil, err
	}
	return current.ValueByDiscriminator()
}

func typeName(v any) string { return reflect.TypeOf(v).Name() }

func TestCheckout_typedAccess(t *testing.T) {
	t.Parallel()

	c := decodeFixture[client.Checkout](t, "checkout.json")

	// Compile-time: money is int64 cents (never float64, never int),
	// timestamps are time.Time, ids are UUIDs.
	var (
		_ int64              = c.Amount
		_ int64              = c.DiscountAmount
		_ int64              = c.NetAmount
		_ int64              = c.TotalAmount
		_ int64              = c.TaxAmount.MustGet()
		_ time.Time          = c.CreatedAt
		_ time.Time          = c.ExpiresAt
		_ time.Time          = c.ModifiedAt.MustGet()
		_ openapi_types.UUID = c.ID
		_ openapi_types.UUID = c.OrganizationID
	)

	for _, m := range []struct {
		name      string
		got, want int64
	}{
		{"amount", c.Amount, 5000},
		{"discount_amount", c.DiscountAmount, 1250},
		{"net_amount", c.NetAmount, 3750},
		{"tax_amount", c.TaxAmount.MustGet(), 713},
		{"total_amount", c.TotalAmount, 4463},
	} {
		if m.got != m.want {
			t.Errorf("%s = %d, want %d", m.name, m.got, m.want)
		}
	}
	if got, want := c.NetAmount+c.TaxAmount.MustGet(), c.TotalAmount; got != want {
		t.Errorf("net_amount + tax_amount = %d, want total_amount %d", got, want)
	}

	for _, ts := range []struct {
		name string
		got  time.Time
		want time.Time
	}{
		{"created_at", c.CreatedAt, time.Date(2026, 4, 2, 10, 15, 30, 123456000, time.UTC)},
		{"modified_at", c.ModifiedAt.MustGet(), time.Date(2026, 4, 2, 10, 17, 2, 100000000, time.UTC)},
		{"expires_at", c.ExpiresAt, time.Date(2026, 4, 2, 11, 15, 30, 123456000, time.UTC)},
		{"trial_end", c.TrialEnd.MustGet(), time.Date(2026, 4, 16, 10, 17, 2, 100000000, time.UTC)},
	} {
		if !ts.got.Equal(ts.want) {
			t.Errorf("%s = %v, want %v", ts.name, ts.got, ts.want)
		}
	}

	for _, id := range []struct {
		name string
		got  openapi_types.UUID
		want string
	}{
		{"id", c.ID, "172f80c9-33d9-41b3-945a-aa4e11f252c9"},
		{"organization_id", c.OrganizationID, "fe856f74-0818-4974-846d-50516a452e39"},
		{"product_id", c.ProductID.MustGet(), "c545033e-d7ed-4ab4-8aed-2d5d4e0f9a42"},
		{"discount_id", c.DiscountID.MustGet(), "79334892-2b00-4b19-93f4-43776bcff247"},
		{"customer_id", c.CustomerID.MustGet(), "9fc41be3-7e30-40e1-a0a8-71ba5c2c8cdb"},
	} {
		if got := id.got.String(); got != id.want {
			t.Errorf("%s.String() = %q, want %q (the text of the fixture)", id.name, got, id.want)
		}
	}

	if c.Status != client.CheckoutStatusOpen || !c.Status.Valid() {
		t.Errorf("status = %q (Valid %v), want %q", c.Status, c.Status.Valid(), client.CheckoutStatusOpen)
	}
	if c.PaymentProcessor != client.PaymentProcessorStripe {
		t.Errorf("payment_processor = %q, want %q", c.PaymentProcessor, client.PaymentProcessorStripe)
	}
	if got := c.TaxBehavior.MustGet(); got != client.TaxBehaviorExclusive {
		t.Errorf("tax_behavior = %q, want %q", got, client.TaxBehaviorExclusive)
	}
	if got := c.ActiveTrialInterval.MustGet(); got != client.TrialIntervalDay {
		t.Errorf("active_trial_interval = %q, want %q", got, client.TrialIntervalDay)
	}

	// Nullable fields: a value, an explicit null, both distinguishable.
	if got := c.Seats.MustGet(); got != 5 {
		t.Errorf("seats = %d, want 5", got)
	}
	for name, n := range map[string]interface{ IsNull() bool }{
		"units": c.Units, "min_units": c.MinUnits, "max_units": c.MaxUnits,
		"trial_interval": c.TrialInterval, "subscription_id": c.SubscriptionID,
	} {
		if !n.IsNull() {
			t.Errorf("%s: IsNull() = false, want true (the fixture has null)", name)
		}
	}

	addr := c.CustomerBillingAddress.MustGet()
	if addr.Country != client.CountryAlpha2DE || addr.City.MustGet() != "Berlin" || !addr.Line2.IsNull() {
		t.Errorf("customer_billing_address = %+v, want Berlin, DE with line2 null", addr)
	}

	// Free-form values decode as encoding/json decodes into any: every
	// number, integer or not, becomes a float64.
	meta := []struct {
		name string
		got  any
		want any
	}{
		{"metadata.crm_id", c.Metadata["crm_id"], "acct_8812"},
		{"metadata.seats_quoted", c.Metadata["seats_quoted"], int64(5)},
		{"metadata.discount_rate", c.Metadata["discount_rate"], 0.25},
		{"metadata.is_partner", c.Metadata["is_partner"], true},
		{"customer_metadata.segment", c.CustomerMetadata["segment"], "smb"},
		{"customer_metadata.employee_count", c.CustomerMetadata["employee_count"], int64(12)},
		{"customer_metadata.newsletter", c.CustomerMetadata["newsletter"], false},
		{"custom_field_data.po-number", (*c.CustomFieldData)["po-number"], "PO-2026-0042"},
		{"custom_field_data.team-size", (*c.CustomFieldData)["team-size"], float64(12)},
		{"custom_field_data.accept-terms", (*c.CustomFieldData)["accept-terms"], true},
		{"custom_field_data.start-date", (*c.CustomFieldData)["start-date"], "2026-05-04T00:00:00Z"},
		{"custom_field_data.referral-source", (*c.CustomFieldData)["referral-source"], nil},
	}
	for _, m := range meta {
		if m.got != m.want {
			t.Errorf("%s = %#v (%T), want %#v (%T)", m.name, m.got, m.got, m.want, m.want)
		}
	}
	if _, ok := (*c.CustomFieldData)["referral-source"]; !ok {
		t.Error("custom_field_data.referral-source is missing; want it present with a nil value")
	}
	// A `number` metadata value is a float64, ready to compute with.
	if rate := as[float64](t, c.Metadata["discount_rate"]); int64(rate*float64(c.Amount)) != c.DiscountAmount {
		t.Errorf("metadata.discount_rate × amount = %v, want discount_amount %d", rate*float64(c.Amount), c.DiscountAmount)
	}

	// The discount is a percentage for a number of months.
	d := must(c.Discount.MustGet().AsCheckoutDiscountPercentageRepeatDuration())(t)
	if d.Type != client.DiscountTypePercentage || d.Duration != client.DiscountDurationRepeating ||
		d.BasisPoints != 2500 || d.DurationInMonths != 3 || d.Code.MustGet() != "LAUNCH25" {
		t.Errorf("discount = %+v, want 2500 basis points repeating for 3 months, code LAUNCH25", d)
	}

	// Every product's prices, told apart; the prices map agrees.
	wantPrices := map[string][]string{
		"2bf134c2-7fbe-4c46-8a63-58eb48266595": {"ProductPriceFixed"},
		"13c44988-ad64-4eb4-aa23-49e983195b59": {"LegacyRecurringProductPriceFixed", "ProductPriceFixed", "ProductPriceMeteredUnit"},
		"c545033e-d7ed-4ab4-8aed-2d5d4e0f9a42": {"ProductPriceSeatBased"},
	}
	prices := c.Prices.MustGet()
	if len(c.Products) != len(wantPrices) || len(prices) != len(wantPrices) {
		t.Fatalf("got %d products and %d price lists, want %d of each", len(c.Products), len(prices), len(wantPrices))
	}
	for _, p := range c.Products {
		id := p.ID.String()
		for source, list := range map[string][]client.CheckoutProductPrice{
			"products[].prices": p.Prices,
			"prices[id]":        prices[id],
		} {
			var got []string
			for _, price := range list {
				v, err := priceVariant(price)
				if err != nil {
					t.Errorf("product %s %s: %v", id, source, err)
					continue
				}
				got = append(got, typeName(v))
			}
			if !slices.Equal(got, wantPrices[id]) {
				t.Errorf("product %s %s variants = %v, want %v", id, source, got, wantPrices[id])
			}
		}
	}
	legacy := as[client.LegacyRecurringProductPriceFixed](t, must(priceVariant(c.Products[1].Prices[0]))(t))
	if !legacy.Legacy || legacy.Type != client.LegacyRecurringProductPriceFixedTypeRecurring ||
		legacy.RecurringInterval != client.RecurringIntervalMonth || legacy.PriceAmount != 1900 {
		t.Errorf("legacy price = %+v, want legacy recurring monthly at 1900", legacy)
	}
	selected := as[client.ProductPriceSeatBased](t, must(priceVariant(c.ProductPrice.MustGet()))(t))
	if got := selected.SeatTiers.Tiers[1].PricePerSeat; got != 1000 {
		t.Errorf("product_price.seat_tiers.tiers[1].price_per_seat = %d, want 1000", got)
	}

	// Attached custom fields: one of each type, in order.
	wantFields := []string{"CustomFieldText", "CustomFieldNumber", "CustomFieldDate", "CustomFieldCheckbox", "CustomFieldSelect"}
	var gotFields []string
	for _, f := range c.AttachedCustomFields.MustGet() {
		gotFields = append(gotFields, typeName(must(f.CustomField.ValueByDiscriminator())(t)))
	}
	if !slices.Equal(gotFields, wantFields) {
		t.Errorf("attached_custom_fields types = %v, want %v", gotFields, wantFields)
	}
}

func TestCheckoutMinimalNulls_typedAccess(t *testing.T) {
	t.Parallel()

	c := decodeFixture[client.Checkout](t, "checkout_minimal_nulls.json")

	nullable := map[string]interface {
		IsNull() bool
		IsSpecified() bool
	}{
		"modified_at": c.ModifiedAt, "return_url": c.ReturnURL, "embed_origin": c.EmbedOrigin,
		"seats": c.Seats, "tax_amount": c.TaxAmount, "tax_behavior": c.TaxBehavior,
		"allow_trial": c.AllowTrial, "trial_end": c.TrialEnd, "product_id": c.ProductID,
		"discount_id": c.DiscountID, "customer_id": c.CustomerID, "customer_email": c.CustomerEmail,
		"customer_billing_address": c.CustomerBillingAddress, "locale": c.Locale,
		"product": c.Product, "product_price": c.ProductPrice, "prices": c.Prices,
		"discount": c.Discount, "attached_custom_fields": c.AttachedCustomFields,
	}
	for name, n := range nullable {
		if !n.IsSpecified() || !n.IsNull() {
			t.Errorf("%s: IsSpecified() = %v, IsNull() = %v; want true, true", name, n.IsSpecified(), n.IsNull())
		}
	}
	if _, err := c.TaxAmount.Get(); err == nil {
		t.Error("tax_amount.Get() of a null: want an error")
	}
	if got := c.TaxAmount.GetOrEmpty(); got != 0 {
		t.Errorf("tax_amount.GetOrEmpty() = %d, want 0", got)
	}

	empty := map[string]int{
		"metadata":                   len(c.Metadata),
		"customer_metadata":          len(c.CustomerMetadata),
		"payment_processor_metadata": len(c.PaymentProcessorMetadata),
		"custom_field_data":          len(*c.CustomFieldData),
		"products[0].prices":         len(c.Products[0].Prices),
		"products[0].benefits":       len(c.Products[0].Benefits),
		"products[0].medias":         len(c.Products[0].Medias),
	}
	for name, n := range empty {
		if n != 0 {
			t.Errorf("len(%s) = %d, want 0", name, n)
		}
	}
	// Empty, not nil: re-encoding gives {} and [], not null.
	if c.Metadata == nil || c.Products[0].Prices == nil {
		t.Error("an empty JSON object or array decoded to a nil map or slice")
	}
}

func TestCheckoutPublic_typedAccess(t *testing.T) {
	t.Parallel()

	t.Run("open", func(t *testing.T) {
		t.Parallel()
		c := decodeFixture[client.CheckoutPublic](t, "checkout_public.json")
		if got := c.Organization.Slug; got != "acme" {
			t.Errorf("organization.slug = %q, want acme", got)
		}
		if got := c.Organization.ProrationBehavior; got != client.SubscriptionProrationBehaviorProrate {
			t.Errorf("organization.proration_behavior = %q, want prorate", got)
		}
		price := as[client.ProductPriceCustom](t, must(priceVariant(c.ProductPrice.MustGet()))(t))
		if price.PresetAmount.MustGet() != c.Amount {
			t.Errorf("amount = %d, want the preset amount %d", c.Amount, price.PresetAmount.MustGet())
		}
		if !c.TaxAmount.IsNull() || !c.CustomerBillingAddress.IsNull() {
			t.Error("tax_amount and customer_billing_address: want null before an address is known")
		}
	})

	t.Run("confirmed", func(t *testing.T) {
		t.Parallel()
		c := decodeFixture[client.CheckoutPublicConfirmed](t, "checkout_public_confirmed.json")
		if c.Status != client.CheckoutStatusConfirmed || !c.Status.Valid() {
			t.Errorf("status = %q, want confirmed", c.Status)
		}
		if got := c.CustomerSessionToken.MustGet(); !strings.HasPrefix(got, "polar_cst_") {
			t.Errorf("customer_session_token = %q, want a polar_cst_ token", got)
		}
		if !c.Organization.AvatarURL.IsNull() {
			t.Error("organization.avatar_url: want null")
		}
		d := must(c.Discount.MustGet().AsCheckoutDiscountFixedOnceForeverDuration())(t)
		if got := d.Amounts["usd"]; got != c.DiscountAmount {
			t.Errorf("discount.amounts.usd = %d, want discount_amount %d", got, c.DiscountAmount)
		}
		if got := c.CustomerBillingAddress.MustGet().State.MustGet(); got != "US-CA" {
			t.Errorf("customer_billing_address.state = %q, want US-CA", got)
		}
	})
}

func TestListResourceCheckout_typedAccess(t *testing.T) {
	t.Parallel()

	tests := []struct {
		file                  string
		wantItems             int
		wantTotal, wantMaxPag int
	}{
		{"list_checkouts.json", 2, 37, 19},
		{"list_empty.json", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			l := decodeFixture[client.ListResourceCheckout](t, tt.file)
			if len(l.Items) != tt.wantItems || l.Pagination.TotalCount != tt.wantTotal || l.Pagination.MaxPage != tt.wantMaxPag {
				t.Errorf("got %d items, pagination %+v; want %d items, total_count %d, max_page %d",
					len(l.Items), l.Pagination, tt.wantItems, tt.wantTotal, tt.wantMaxPag)
			}
			if l.Items == nil {
				t.Error("items decoded to a nil slice; want empty or filled")
			}
		})
	}

	l := decodeFixture[client.ListResourceCheckout](t, "list_checkouts.json")
	if got := []client.CheckoutStatus{l.Items[0].Status, l.Items[1].Status}; !slices.Equal(got, []client.CheckoutStatus{client.CheckoutStatusSucceeded, client.CheckoutStatusExpired}) {
		t.Errorf("statuses = %v, want [succeeded expired]", got)
	}
	if got := l.Items[0].Units.MustGet(); got != 500 {
		t.Errorf("items[0].units = %d, want 500", got)
	}
	if got := l.Items[1].SubscriptionID.MustGet().String(); got != "5fbe510e-3e8e-484d-ab79-11276bf84706" {
		t.Errorf("items[1].subscription_id = %s", got)
	}
}

func TestProductPrice_variants(t *testing.T) {
	t.Parallel()

	tests := []struct {
		file     string
		wantDisc string
		wantType string
		check    func(t *testing.T, v any)
	}{
		{"price_fixed.json", "fixed", "ProductPriceFixed", func(t *testing.T, v any) {
			p := as[client.ProductPriceFixed](t, v)
			var _ int64 = p.PriceAmount
			if p.PriceAmount != 14900 || p.PriceCurrency != "usd" || !p.TaxBehavior.IsNull() || p.Source != client.ProductPriceSourceCatalog {
				t.Errorf("got %+v", p)
			}
		}},
		{"price_custom.json", "custom", "ProductPriceCustom", func(t *testing.T, v any) {
			p := as[client.ProductPriceCustom](t, v)
			if p.MinimumAmount != 500 || p.MaximumAmount.MustGet() != 100000 || p.PresetAmount.MustGet() != 1500 ||
				p.TaxBehavior.MustGet() != client.TaxBehaviorOptionInclusive {
				t.Errorf("got %+v", p)
			}
		}},
		{"price_seat_based.json", "seat_based", "ProductPriceSeatBased", func(t *testing.T, v any) {
			p := as[client.ProductPriceSeatBased](t, v)
			tiers := p.SeatTiers.Tiers
			if len(tiers) != 3 || *p.SeatTiers.SeatTierType != client.SeatTierTypeVolume ||
				tiers[0].MaxSeats.MustGet() != 4 || !tiers[2].MaxSeats.IsNull() || tiers[2].PricePerSeat != 800 ||
				p.SeatTiers.MinimumSeats != 1 || !p.SeatTiers.MaximumSeats.IsNull() {
				t.Errorf("got %+v", p)
			}
		}},
		{"price_metered_unit.json", "metered_unit", "ProductPriceMeteredUnit", func(t *testing.T, v any) {
			p := as[client.ProductPriceMeteredUnit](t, v)
			if p.UnitAmount != "0.015" || p.CapAmount.MustGet() != 50000 || p.Meter.Unit != client.MeterUnitScalar ||
				p.Meter.ID != p.MeterID || !p.Meter.CustomLabel.IsNull() {
				t.Errorf("got %+v", p)
			}
		}},
		{"price_unit_based.json", "unit_based", "ProductPriceUnitBased", func(t *testing.T, v any) {
			p := as[client.ProductPriceUnitBased](t, v)
			if p.Tiers.Type != client.TierTypeGraduated || len(p.Tiers.Tiers) != 3 || p.Tiers.Tiers[1].UnitAmount != "1.5" ||
				!p.Tiers.Tiers[2].Bound.IsNull() || p.MinimumUnits.MustGet() != 100 || !p.MaximumUnits.IsNull() ||
				p.UnitLabel.MustGet()["en"]["other"] != "credits" || p.Source != client.ProductPriceSourceAdHoc {
				t.Errorf("got %+v", p)
			}
		}},
		{"price_metered_tiers.json", "metered_tiers", "ProductPriceMeteredTiers", func(t *testing.T, v any) {
			p := as[client.ProductPriceMeteredTiers](t, v)
			if !p.CapAmount.IsNull() || p.Meter.Unit != client.MeterUnitCustom || p.Meter.CustomMultiplier.MustGet() != 1000 ||
				p.Tiers.Tiers[0].Bound.MustGet() != 1000000 {
				t.Errorf("got %+v", p)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()

			p := decodeFixture[client.ProductPrice](t, tt.file)
			if got := must(p.Discriminator())(t); got != tt.wantDisc {
				t.Errorf("Discriminator() = %q, want %q", got, tt.wantDisc)
			}
			v := must(p.ValueByDiscriminator())(t)
			if got := typeName(v); got != tt.wantType {
				t.Fatalf("ValueByDiscriminator() returned a %s, want %s", got, tt.wantType)
			}
			tt.check(t, v)

			// The same JSON, as an element of a product's price list.
			cp := decodeFixture[client.CheckoutProductPrice](t, tt.file)
			if got := typeName(must(priceVariant(cp))(t)); got != tt.wantType {
				t.Errorf("as CheckoutProductPrice: variant %s, want %s", got, tt.wantType)
			}
		})
	}
}

func TestLegacyRecurringProductPrice_variants(t *testing.T) {
	t.Parallel()

	tests := []struct {
		file        string
		wantDisc    string
		wantType    string
		wantCurrent string // what ProductPrice.ValueByDiscriminator makes of it
		check       func(t *testing.T, v any)
	}{
		{"price_legacy_fixed.json", "fixed", "LegacyRecurringProductPriceFixed", "ProductPriceFixed", func(t *testing.T, v any) {
			p := as[client.LegacyRecurringProductPriceFixed](t, v)
			if !bool(p.Legacy) || !p.Legacy.Valid() || p.Type != client.LegacyRecurringProductPriceFixedTypeRecurring ||
				p.RecurringInterval != client.RecurringIntervalMonth || p.PriceAmount != 1900 {
				t.Errorf("got %+v", p)
			}
		}},
		{"price_legacy_custom.json", "custom", "LegacyRecurringProductPriceCustom", "ProductPriceCustom", func(t *testing.T, v any) {
			p := as[client.LegacyRecurringProductPriceCustom](t, v)
			if !bool(p.Legacy) || p.Type != client.LegacyRecurringProductPriceCustomTypeRecurring ||
				p.RecurringInterval != client.RecurringIntervalMonth || p.MinimumAmount != 300 ||
				!p.MaximumAmount.IsNull() || p.PresetAmount.MustGet() != 1000 {
				t.Errorf("got %+v", p)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()

			lp := decodeFixture[client.LegacyRecurringProductPrice](t, tt.file)
			if got := must(lp.Discriminator())(t); got != tt.wantDisc {
				t.Errorf("Discriminator() = %q, want %q", got, tt.wantDisc)
			}
			v := must(lp.ValueByDiscriminator())(t)
			if got := typeName(v); got != tt.wantType {
				t.Fatalf("ValueByDiscriminator() returned a %s, want %s", got, tt.wantType)
			}
			tt.check(t, v)

			cp := decodeFixture[client.CheckoutProductPrice](t, tt.file)
			if got := typeName(must(priceVariant(cp))(t)); got != tt.wantType {
				t.Errorf("as CheckoutProductPrice: variant %s, want %s", got, tt.wantType)
			}

			// Pitfall, documented: nothing stops a legacy price from being
			// read as a current one. AsProductPrice succeeds and dispatches
			// on amount_type alone, losing `legacy` and the interval, so
			// callers must check `legacy` first (as priceVariant does).
			current := must(must(cp.AsProductPrice())(t).ValueByDiscriminator())(t)
			if got := typeName(current); got != tt.wantCurrent {
				t.Errorf("AsProductPrice().ValueByDiscriminator() = %s, want %s", got, tt.wantCurrent)
			}
		})
	}
}

func TestCheckoutDiscount_variants(t *testing.T) {
	t.Parallel()

	tests := []struct {
		file  string
		check func(t *testing.T, d client.CheckoutDiscount)
	}{
		{"discount_fixed_once_forever.json", func(t *testing.T, d client.CheckoutDiscount) {
			v := must(d.AsCheckoutDiscountFixedOnceForeverDuration())(t)
			var _ int64 = v.Amount
			if v.Type != client.DiscountTypeFixed || v.Duration != client.DiscountDurationOnce ||
				v.Amounts["usd"] != 1000 || v.Amounts["eur"] != 900 || v.Code.MustGet() != "WELCOME10" {
				t.Errorf("got %+v", v)
			}
		}},
		{"discount_fixed_repeat.json", func(t *testing.T, d client.CheckoutDiscount) {
			v := must(d.AsCheckoutDiscountFixedRepeatDuration())(t)
			if v.Type != client.DiscountTypeFixed || v.Duration != client.DiscountDurationRepeating ||
				v.DurationInMonths != 6 || v.Amount != 500 || !v.Code.IsNull() {
				t.Errorf("got %+v", v)
			}
		}},
		{"discount_percentage_once_forever.json", func(t *testing.T, d client.CheckoutDiscount) {
			v := must(d.AsCheckoutDiscountPercentageOnceForeverDuration())(t)
			if v.Type != client.DiscountTypePercentage || v.Duration != client.DiscountDurationForever || v.BasisPoints != 1500 {
				t.Errorf("got %+v", v)
			}
		}},
		{"discount_percentage_repeat.json", func(t *testing.T, d client.CheckoutDiscount) {
			v := must(d.AsCheckoutDiscountPercentageRepeatDuration())(t)
			if v.Type != client.DiscountTypePercentage || v.Duration != client.DiscountDurationRepeating ||
				v.DurationInMonths != 3 || v.BasisPoints != 2500 {
				t.Errorf("got %+v", v)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			tt.check(t, decodeFixture[client.CheckoutDiscount](t, tt.file))
		})
	}

	// Documented: the discount union has no discriminator, and AsX never
	// checks the variant. Reading a percentage discount as a fixed one
	// succeeds with a zero amount, so callers must pick the variant from
	// (type, duration) themselves.
	t.Run("AsX does not check the variant", func(t *testing.T) {
		t.Parallel()
		d := decodeFixture[client.CheckoutDiscount](t, "discount_percentage_once_forever.json")
		wrong, err := d.AsCheckoutDiscountFixedOnceForeverDuration()
		if err != nil {
			t.Fatalf("AsCheckoutDiscountFixedOnceForeverDuration() error = %v; the generated code was expected not to check", err)
		}
		if wrong.Amount != 0 || wrong.Type != client.DiscountTypePercentage {
			t.Errorf("got %+v, want a zero amount and type percentage", wrong)
		}
	})
}

func TestCustomField_variants(t *testing.T) {
	t.Parallel()

	tests := []struct {
		file     string
		wantDisc string
		wantType string
		check    func(t *testing.T, v any)
	}{
		{"custom_field_text.json", "text", "CustomFieldText", func(t *testing.T, v any) {
			f := as[client.CustomFieldText](t, v)
			if f.Slug != "po-number" || *f.Properties.MaxLength != 64 || *f.Properties.Textarea || f.Metadata["owner"] != "finance" {
				t.Errorf("got %+v", f)
			}
		}},
		{"custom_field_number.json", "number", "CustomFieldNumber", func(t *testing.T, v any) {
			f := as[client.CustomFieldNumber](t, v)
			var _ *int32 = f.Properties.Ge
			if *f.Properties.Ge != 1 || *f.Properties.Le != 100000 || !f.ModifiedAt.IsNull() {
				t.Errorf("got %+v", f)
			}
		}},
		{"custom_field_date.json", "date", "CustomFieldDate", func(t *testing.T, v any) {
			f := as[client.CustomFieldDate](t, v)
			if got := time.Unix(int64(*f.Properties.Ge), 0).UTC(); !got.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("properties.ge = %v, want 2026-01-01", got)
			}
			if v, ok := f.Metadata.Int("version"); !ok || v != 2 {
				t.Errorf("metadata.version = %#v, want 2", f.Metadata["version"])
			}
		}},
		{"custom_field_checkbox.json", "checkbox", "CustomFieldCheckbox", func(t *testing.T, v any) {
			f := as[client.CustomFieldCheckbox](t, v)
			if f.Slug != "accept-terms" || f.Metadata["legal"] != true {
				t.Errorf("got %+v", f)
			}
		}},
		{"custom_field_select.json", "select", "CustomFieldSelect", func(t *testing.T, v any) {
			f := as[client.CustomFieldSelect](t, v)
			if len(f.Properties.Options) != 3 || f.Properties.Options[1].Value != "friend" {
				t.Errorf("got %+v", f)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			f := decodeFixture[client.CustomField](t, tt.file)
			if got := must(f.Discriminator())(t); got != tt.wantDisc {
				t.Errorf("Discriminator() = %q, want %q", got, tt.wantDisc)
			}
			v := must(f.ValueByDiscriminator())(t)
			if got := typeName(v); got != tt.wantType {
				t.Fatalf("ValueByDiscriminator() returned a %s, want %s", got, tt.wantType)
			}
			tt.check(t, v)
		})
	}
}

func TestErrorBodies(t *testing.T) {
	t.Parallel()

	tests := []struct {
		file            string
		wantError       string // PolarError.error; "" for absent
		wantDetail      string // PolarError.detail as raw JSON; "" for absent
		wantDescription string // PolarError.error_description; "" for absent
		check           func(t *testing.T, raw []byte)
	}{
		{"error_not_found.json", "ResourceNotFound", `"Not found"`, "", func(t *testing.T, raw []byte) {
			e := decodeFixture[client.ResourceNotFound](t, "error_not_found.json")
			if e.Error != client.ResourceNotFoundErrorResourceNotFound || !e.Error.Valid() {
				t.Errorf("got %+v", e)
			}
		}},
		{"error_expired.json", "ExpiredCheckoutError", `"This checkout session has expired."`, "", func(t *testing.T, raw []byte) {
			e := decodeFixture[client.ExpiredCheckoutError](t, "error_expired.json")
			if e.Error != client.ExpiredCheckoutErrorErrorExpiredCheckoutError {
				t.Errorf("got %+v", e)
			}
		}},
		{"error_not_open.json", "NotOpenCheckout", `"Checkout 172f80c9-33d9-41b3-945a-aa4e11f252c9 is not open: confirmed"`, "", func(t *testing.T, raw []byte) {
			u := decodeFixture[client.CheckoutForbiddenError](t, "error_not_open.json")
			e := must(u.AsNotOpenCheckout())(t)
			if e.Error != client.NotOpenCheckoutErrorNotOpenCheckout || !strings.HasSuffix(e.Detail, "is not open: confirmed") {
				t.Errorf("got %+v", e)
			}
			outer := decodeFixture[client.CheckoutUpdateForbiddenError](t, "error_not_open.json")
			inner := must(must(outer.AsCheckoutForbiddenError())(t).AsNotOpenCheckout())(t)
			if inner != e {
				t.Errorf("via CheckoutUpdateForbiddenError: got %+v, want %+v", inner, e)
			}
		}},
		{"error_payment.json", "PaymentError", `"The payment failed: Your card was declined. Please try again with a different payment method."`, "", func(t *testing.T, raw []byte) {
			e := decodeFixture[client.PaymentError](t, "error_payment.json")
			if e.Error != client.PaymentErrorErrorPaymentError {
				t.Errorf("got %+v", e)
			}
		}},
		{"error_locked.json", "CheckoutLocked", `"Checkout is currently being processed. Please try again."`, "", func(t *testing.T, raw []byte) {
			u := decodeFixture[client.CheckoutConfirmConflictError](t, "error_locked.json")
			if e := must(u.AsCheckoutLocked())(t); e.Error != client.CheckoutLockedErrorCheckoutLocked {
				t.Errorf("got %+v", e)
			}
		}},
		{"error_unauthorized.json", "Unauthorized", `"Unauthorized"`, "", func(t *testing.T, raw []byte) {
			u := decodeFixture[client.AuthenticationError](t, "error_unauthorized.json")
			if e := must(u.AsUnauthorized())(t); e.Error != client.UnauthorizedErrorUnauthorized || e.Detail != "Unauthorized" {
				t.Errorf("got %+v", e)
			}
		}},
		{"error_invalid_token.json", "invalid_token", "", "The access token provided is expired, revoked, malformed, or invalid for other reasons.", func(t *testing.T, raw []byte) {
			u := decodeFixture[client.AuthenticationError](t, "error_invalid_token.json")
			if e := must(u.AsOAuth2Error())(t); e.Error != client.OAuth2ErrorErrorInvalidToken || e.ErrorDescription == nil {
				t.Errorf("got %+v", e)
			}
		}},
		{"error_insufficient_scope.json", "insufficient_scope", "", "The request requires higher privileges than provided by the access token.", func(t *testing.T, raw []byte) {
			u := decodeFixture[client.TokenForbiddenError](t, "error_insufficient_scope.json")
			if e := must(u.AsOAuth2Error())(t); e.Error != client.OAuth2ErrorErrorInsufficientScope {
				t.Errorf("got %+v", e)
			}
		}},
		{"error_422_validation.json", "RequestValidationError", "", "", func(t *testing.T, raw []byte) {
			e := decodeFixture[client.HTTPValidationError](t, "error_422_validation.json")
			var details []client.FieldError
			if err := json.Unmarshal(*e.Detail, &details); err != nil {
				t.Fatalf("detail is not a list of ValidationError: %v", err)
			}
			if len(details) != 2 {
				t.Fatalf("got %d validation errors, want 2", len(details))
			}
			d := details[0]
			// loc mixes strings and integers; integers come back as float64.
			if !reflect.DeepEqual(d.Loc, []any{"body", "products", float64(0)}) || d.Type != "uuid_parsing" || d.Input.MustGet() != "x" || d.Ctx == nil {
				t.Errorf("detail[0] = %+v", d)
			}
		}},
		{"error_422_string.json", "CheckoutCustomerExternalIdMismatch", `"A customer with this external ID already exists but with a different email address."`, "", func(t *testing.T, raw []byte) {
			e := decodeFixture[client.HTTPValidationError](t, "error_422_string.json")
			var details []client.FieldError
			if err := json.Unmarshal(*e.Detail, &details); err == nil {
				t.Error("a string detail decoded as a list of ValidationError; want an error")
			}
			var msg string
			if err := json.Unmarshal(*e.Detail, &msg); err != nil || !strings.HasPrefix(msg, "A customer with this external ID") {
				t.Errorf("detail as string = %q, %v", msg, err)
			}
		}},
		{"error_404_route.json", "", `"Not Found"`, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()

			// Every error body fits the PolarError envelope.
			e := decodeFixture[client.PolarError](t, tt.file)
			if got := deref(e.Error); got != tt.wantError {
				t.Errorf("PolarError.Error = %q, want %q", got, tt.wantError)
			}
			if got := deref(e.ErrorDescription); got != tt.wantDescription {
				t.Errorf("PolarError.ErrorDescription = %q, want %q", got, tt.wantDescription)
			}
			gotDetail := ""
			if e.Detail != nil {
				gotDetail = string(*e.Detail)
			}
			if tt.wantDetail != "" && gotDetail != tt.wantDetail {
				t.Errorf("PolarError.Detail = %s, want %s", gotDetail, tt.wantDetail)
			}
			if tt.check != nil {
				tt.check(t, readFixture(t, tt.file))
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// enumValue is what every generated enum type offers.
type enumValue interface {
	~string
	Valid() bool
}

func checkUnknownEnum[E enumValue](t *testing.T, field string, got E, want string) {
	t.Helper()
	if string(got) != want {
		t.Errorf("%s = %q, want the unknown value %q kept", field, got, want)
	}
	if got.Valid() {
		t.Errorf("%s(%q).Valid() = true, want false", field, got)
	}
}

func TestUnknownEnumValues_areKept(t *testing.T) {
	t.Parallel()

	c := decodeFixture[client.Checkout](t, "unknown_enum_checkout.json")

	checkUnknownEnum(t, "status", c.Status, "archived")
	checkUnknownEnum(t, "payment_processor", c.PaymentProcessor, "adyen")
	checkUnknownEnum(t, "tax_behavior", c.TaxBehavior.MustGet(), "hybrid")
	checkUnknownEnum(t, "active_trial_interval", c.ActiveTrialInterval.MustGet(), "fortnight")
	checkUnknownEnum(t, "customer_billing_address.country", c.CustomerBillingAddress.MustGet().Country, "XX")
	checkUnknownEnum(t, "billing_address_fields.line2", c.BillingAddressFields.Line2, "hidden")
	checkUnknownEnum(t, "products[0].visibility", c.Products[0].Visibility, "unlisted")
	checkUnknownEnum(t, "products[0].recurring_interval", c.Products[0].RecurringInterval.MustGet(), "quarter")
	checkUnknownEnum(t, "products[0].benefits[0].type", c.Products[0].Benefits[0].Type, "future_benefit")
	price := as[client.ProductPriceSeatBased](t, must(priceVariant(c.Products[0].Prices[0]))(t))
	checkUnknownEnum(t, "products[0].prices[0].source", price.Source, "partner")

	// Known values next to them are still valid.
	if !c.BillingAddressFields.Line1.Valid() || !c.Discount.IsSpecified() {
		t.Error("known values around the unknown ones were not decoded")
	}
}

func TestUnknownUnionVariants_areKept(t *testing.T) {
	t.Parallel()

	raw := readFixture(t, "unknown_union_checkout.json")
	c := decodeFixture[client.Checkout](t, "unknown_union_checkout.json")

	var rawParts struct {
		ProductPrice json.RawMessage              `json:"product_price"`
		Prices       map[string][]json.RawMessage `json:"prices"`
		Product      struct {
			Prices []json.RawMessage `json:"prices"`
		} `json:"product"`
		Products []struct {
			Prices []json.RawMessage `json:"prices"`
		} `json:"products"`
		AttachedCustomFields []struct {
			CustomField json.RawMessage `json:"custom_field"`
		} `json:"attached_custom_fields"`
	}
	if err := json.Unmarshal(raw, &rawParts); err != nil {
		t.Fatal(err)
	}
	productID := c.Products[0].ID.String()

	prices := []struct {
		where string
		got   client.CheckoutProductPrice
		raw   json.RawMessage
	}{
		{"products[0].prices[1]", c.Products[0].Prices[1], rawParts.Products[0].Prices[1]},
		{"product.prices[1]", c.Product.MustGet().Prices[1], rawParts.Product.Prices[1]},
		{"product_price", c.ProductPrice.MustGet(), rawParts.ProductPrice},
		{"prices[id][1]", c.Prices.MustGet()[productID][1], rawParts.Prices[productID][1]},
	}
	for _, p := range prices {
		t.Run(p.where, func(t *testing.T) {
			t.Parallel()
			if got := must(p.got.MarshalJSON())(t); !bytes.Equal(got, p.raw) {
				t.Errorf("MarshalJSON() = %s, want the raw JSON unchanged: %s", got, p.raw)
			}
			if !bytes.Contains(p.raw, []byte(`"future_amount"`)) {
				t.Fatalf("fixture changed: %s has no future_amount", p.where)
			}

			current := must(p.got.AsProductPrice())(t)
			if got := must(current.Discriminator())(t); got != "future_type" {
				t.Errorf("Discriminator() = %q, want future_type", got)
			}
			v, err := current.ValueByDiscriminator()
			if err == nil || v != nil {
				t.Errorf("ProductPrice.ValueByDiscriminator() = %v, %v; want nil and an error", v, err)
			}

			legacy := must(p.got.AsLegacyRecurringProductPrice())(t)
			if v, err := legacy.ValueByDiscriminator(); err == nil || v != nil {
				t.Errorf("LegacyRecurringProductPrice.ValueByDiscriminator() = %v, %v; want nil and an error", v, err)
			}
			if _, err := priceVariant(p.got); err == nil {
				t.Error("priceVariant: want an error for an unknown amount_type")
			}
		})
	}

	t.Run("attached_custom_fields[1]", func(t *testing.T) {
		t.Parallel()
		f := c.AttachedCustomFields.MustGet()[1].CustomField
		if got := must(f.MarshalJSON())(t); !bytes.Equal(got, rawParts.AttachedCustomFields[1].CustomField) {
			t.Errorf("MarshalJSON() = %s, want the raw JSON unchanged", got)
		}
		if got := must(f.Discriminator())(t); got != "signature" {
			t.Errorf("Discriminator() = %q, want signature", got)
		}
		if v, err := f.ValueByDiscriminator(); err == nil || v != nil {
			t.Errorf("ValueByDiscriminator() = %v, %v; want nil and an error", v, err)
		}
		// The known field next to it still works.
		if _, err := c.AttachedCustomFields.MustGet()[0].CustomField.ValueByDiscriminator(); err != nil {
			t.Errorf("attached_custom_fields[0]: %v", err)
		}
	})
}

func TestUnknownFields_areIgnored(t *testing.T) {
	t.Parallel()

	var doc map[string]any
	if err := json.Unmarshal(readFixture(t, "checkout.json"), &doc); err != nil {
		t.Fatal(err)
	}
	doc["future_field"] = map[string]any{"nested": []any{1, "two"}}
	doc["future_flag"] = true
	doc["customer_billing_address"].(map[string]any)["line3"] = "Hinterhaus"
	product := doc["products"].([]any)[0].(map[string]any)
	product["future_field"] = "x"
	product["benefits"].([]any)[0].(map[string]any)["properties"] = map[string]any{"note": "new"}
	doc["billing_address_fields"].(map[string]any)["line3"] = "optional"
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}

	var c client.Checkout
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("decode with unknown fields: %v", err)
	}
	want := decodeFixture[client.Checkout](t, "checkout.json")
	if c.ID != want.ID || c.Amount != want.Amount || c.CustomerBillingAddress.MustGet().City.MustGet() != "Berlin" ||
		c.Products[0].Benefits[0].ID != want.Products[0].Benefits[0].ID {
		t.Error("known fields decoded differently next to unknown ones")
	}

	// Documented: struct types drop unknown members when re-encoded
	// (only unions keep them, as raw JSON).
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, member := range []string{`"future_field"`, `"future_flag"`, `"line3"`} {
		if bytes.Contains(out, []byte(member)) {
			t.Errorf("re-encoded Checkout contains %s; want struct types to drop unknown members", member)
		}
	}

	// The same holds for every other response type.
	var l client.ListResourceCheckout
	if err := json.Unmarshal([]byte(`{"items":[],"pagination":{"total_count":0,"max_page":0,"limit":10},"next_cursor":null}`), &l); err != nil {
		t.Errorf("ListResourceCheckout with unknown fields: %v", err)
	}
	var e client.ResourceNotFound
	if err := json.Unmarshal([]byte(`{"error":"ResourceNotFound","detail":"Not found","request_id":"req_1"}`), &e); err != nil {
		t.Errorf("ResourceNotFound with unknown fields: %v", err)
	}
}
