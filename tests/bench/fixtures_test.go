package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gopolar/checkouts/client"
	polar "github.com/gopolar/checkouts/wrapper"
)

// decodeStrict decodes raw into v, refusing fields the model does not
// have, so a typo in a fixture cannot go unnoticed.
func decodeStrict(t *testing.T, raw []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode into %T: %v", v, err)
	}
}

func TestCheckoutFixtureDecodes(t *testing.T) {
	var co client.Checkout
	decodeStrict(t, checkoutJSON, &co)

	if got := co.ID.String(); got != checkoutID {
		t.Errorf("id %s, want %s", got, checkoutID)
	}
	if len(co.Products) != 3 {
		t.Errorf("%d products, want 3", len(co.Products))
	}
	prices, err := co.Prices.Get()
	if err != nil || len(prices) != 3 {
		t.Fatalf("prices: %d products, %v", len(prices), err)
	}

	// Every union decodes to a variant this SDK knows, and the realistic
	// mix is there: a legacy recurring price, a seat-based one, custom
	// fields of every type, a discount.
	seen := map[string]int{}
	checkPrice := func(p client.CheckoutProductPrice) {
		v, err := polar.PriceVariant(p)
		if err != nil {
			t.Fatalf("price variant: %v", err)
		}
		switch v.(type) {
		case client.LegacyRecurringProductPriceFixed, client.LegacyRecurringProductPriceCustom:
			seen["legacy"]++
		case client.ProductPriceSeatBased:
			seen["seat_based"]++
		case client.ProductPriceFixed, client.ProductPriceCustom:
			seen["current"]++
		default:
			t.Errorf("unexpected price variant %T", v)
		}
	}
	for _, p := range co.Products {
		for _, pr := range p.Prices {
			checkPrice(pr)
		}
	}
	for _, list := range prices {
		for _, pr := range list {
			checkPrice(pr)
		}
	}
	if pp, err := co.ProductPrice.Get(); err != nil {
		t.Errorf("product_price: %v", err)
	} else {
		checkPrice(pp)
	}
	if seen["legacy"] == 0 || seen["seat_based"] == 0 || seen["current"] == 0 {
		t.Errorf("price variants %v: want legacy, seat-based and current prices", seen)
	}

	d, err := co.Discount.Get()
	if err != nil {
		t.Fatalf("discount: %v", err)
	}
	if v, err := polar.DiscountVariant(d); err != nil {
		t.Errorf("discount variant: %v", err)
	} else if _, ok := v.(client.CheckoutDiscountPercentageRepeatDuration); !ok {
		t.Errorf("discount variant %T", v)
	}

	fields, err := co.AttachedCustomFields.Get()
	if err != nil || len(fields) != 5 {
		t.Fatalf("attached custom fields: %d, %v", len(fields), err)
	}
	kinds := map[string]bool{}
	for _, f := range fields {
		v, err := polar.CustomFieldVariant(f.CustomField)
		if err != nil {
			t.Fatalf("custom field variant: %v", err)
		}
		if _, unknown := v.(polar.UnknownVariant); unknown {
			t.Errorf("unknown custom field %+v", v)
		}
		kind, _ := f.CustomField.Discriminator()
		kinds[kind] = true
	}
	if len(kinds) != 5 {
		t.Errorf("custom field types %v, want all five", kinds)
	}

	addr, err := co.CustomerBillingAddress.Get()
	if err != nil || addr.Country != "NL" {
		t.Errorf("billing address %+v, %v", addr, err)
	}
	if len(co.Metadata) == 0 || co.CustomFieldData == nil || len(*co.CustomFieldData) == 0 {
		t.Error("metadata or custom field data missing")
	}
}

func TestConfirmedFixtureDecodes(t *testing.T) {
	var co client.CheckoutPublicConfirmed
	decodeStrict(t, confirmedJSON, &co)
	if co.Status != "confirmed" || co.Organization.Name == "" {
		t.Errorf("status %q, organization %q", co.Status, co.Organization.Name)
	}
	if tok, err := co.CustomerSessionToken.Get(); err != nil || tok == "" {
		t.Errorf("customer_session_token %q, %v", tok, err)
	}
}

func TestSmallFixtureDecodes(t *testing.T) {
	var co client.Checkout
	decodeStrict(t, checkoutSmallJSON, &co)
	if co.ID.String() != smallItemID {
		t.Errorf("id %s", co.ID)
	}
}

// loadSpec loads the OpenAPI document once.
var loadSpec = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromFile("../../openapi/checkouts.yaml")
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(context.Background())
})

// TestFixturesMatchSpec validates the fixtures and the pages the servers
// build from them against the schemas of the OpenAPI document.
func TestFixturesMatchSpec(t *testing.T) {
	doc, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	srv := newFixedServer(t)
	ps := newPagingServer(t, 150, 0, nil)
	pagingPage := getBody(t, ps.URL+"/v1/checkouts/?page=2&limit=100")
	for _, c := range []struct {
		name, schema string
		raw          []byte
	}{
		{"checkout.json", "Checkout", checkoutJSON},
		{"checkout_small.json", "Checkout", checkoutSmallJSON},
		{"checkout_public_confirmed.json", "CheckoutPublicConfirmed", confirmedJSON},
		{"list page of the fixed server", "ListResource_Checkout_", srv.list},
		{"page 2 of the paging server", "ListResource_Checkout_", pagingPage},
	} {
		t.Run(c.name, func(t *testing.T) {
			ref, ok := doc.Components.Schemas[c.schema]
			if !ok {
				t.Fatalf("no schema %s", c.schema)
			}
			dec := json.NewDecoder(bytes.NewReader(c.raw))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			opts := []openapi3.SchemaValidationOption{
				openapi3.MultiErrors(),
				openapi3.WithStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC4122)),
				openapi3.WithStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail)),
			}
			if err := ref.Value.VisitJSON(v, opts...); err != nil {
				t.Errorf("not valid against %s:\n%v", c.schema, err)
			}
		})
	}
}
