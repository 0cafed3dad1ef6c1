package polar_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/gopolar/checkouts/client"
	polar "github.com/gopolar/checkouts/wrapper"
)

func TestPriceVariant(t *testing.T) {
	t.Parallel()
	common := `"id":"` + testID + `","created_at":"2026-04-01T10:00:00Z","modified_at":null,"source":"catalog","price_currency":"usd","tax_behavior":null,"is_archived":false,"product_id":"` + testID + `"`
	tests := []struct {
		name string
		json string
		want any
	}{
		{"fixed", `{` + common + `,"amount_type":"fixed","price_amount":2500}`, client.ProductPriceFixed{}},
		{"custom", `{` + common + `,"amount_type":"custom","minimum_amount":500,"maximum_amount":null,"preset_amount":1000}`, client.ProductPriceCustom{}},
		{"legacy fixed", `{` + common + `,"amount_type":"fixed","price_amount":1000,"type":"recurring","recurring_interval":"month","legacy":true}`, client.LegacyRecurringProductPriceFixed{}},
		{"legacy custom", `{` + common + `,"amount_type":"custom","minimum_amount":0,"maximum_amount":null,"preset_amount":null,"type":"recurring","recurring_interval":"year","legacy":true}`, client.LegacyRecurringProductPriceCustom{}},
		{"unknown", `{` + common + `,"amount_type":"future_type","foo":1}`, polar.UnknownVariant{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var p polar.CheckoutProductPrice
			if err := json.Unmarshal([]byte(tt.json), &p); err != nil {
				t.Fatalf("decode: %v", err)
			}
			v, err := polar.PriceVariant(p)
			if err != nil {
				t.Fatalf("PriceVariant: %v", err)
			}
			if gotT, wantT := typeName(v), typeName(tt.want); gotT != wantT {
				t.Errorf("variant = %s, want %s", gotT, wantT)
			}
			if u, ok := v.(polar.UnknownVariant); ok && (u.Kind != "future_type" || string(u.Raw) != tt.json) {
				t.Errorf("unknown variant = %+v, want kind future_type and the raw JSON", u)
			}
		})
	}
}

func TestDiscountVariant(t *testing.T) {
	t.Parallel()
	base := `"id":"` + testID + `","name":"d","code":null`
	tests := []struct {
		json string
		want any
	}{
		{`{` + base + `,"type":"fixed","duration":"once","amount":500,"currency":"usd","amounts":{"usd":500}}`, client.CheckoutDiscountFixedOnceForeverDuration{}},
		{`{` + base + `,"type":"fixed","duration":"repeating","duration_in_months":3,"amount":500,"currency":"usd","amounts":{"usd":500}}`, client.CheckoutDiscountFixedRepeatDuration{}},
		{`{` + base + `,"type":"percentage","duration":"forever","basis_points":1000}`, client.CheckoutDiscountPercentageOnceForeverDuration{}},
		{`{` + base + `,"type":"percentage","duration":"repeating","duration_in_months":3,"basis_points":1000}`, client.CheckoutDiscountPercentageRepeatDuration{}},
		{`{` + base + `,"type":"bogo","duration":"once"}`, polar.UnknownVariant{}},
	}
	for _, tt := range tests {
		var d polar.CheckoutDiscount
		if err := json.Unmarshal([]byte(tt.json), &d); err != nil {
			t.Fatalf("decode: %v", err)
		}
		v, err := polar.DiscountVariant(d)
		if err != nil {
			t.Fatalf("DiscountVariant: %v", err)
		}
		if gotT, wantT := typeName(v), typeName(tt.want); gotT != wantT {
			t.Errorf("%s: variant = %s, want %s", tt.json, gotT, wantT)
		}
	}
}

func TestCustomFieldVariant_unknown(t *testing.T) {
	t.Parallel()
	var f client.CustomField
	raw := `{"type":"signature","id":"` + testID + `"}`
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		t.Fatal(err)
	}
	v, err := polar.CustomFieldVariant(f)
	if u, ok := v.(polar.UnknownVariant); err != nil || !ok || u.Kind != "signature" {
		t.Errorf("CustomFieldVariant = %#v, %v; want UnknownVariant signature", v, err)
	}
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }
