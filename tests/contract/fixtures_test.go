package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

const (
	specPath    = "../../openapi/checkouts.yaml"
	testdataDir = "../../client/testdata"
)

// fixture says what a file of client/testdata must satisfy.
type fixture struct {
	// schemas are names of components/schemas; the file must be valid
	// against every one of them.
	schemas []string

	// partial, when set, says why the file may leave out properties that
	// schemas[0] declares. When empty, every property the schema declares
	// (at every level, nested objects included) must be present: fixtures
	// are meant to be complete, as the server serializes every field.
	partial string

	// outsideSpec marks a fixture that deliberately breaks the spec (an
	// enum value or union variant that API version 2026-04 does not
	// have). It must FAIL validation, and must pass once repairs are
	// applied: that proves the deliberate values are the only violations.
	outsideSpec bool
	repairs     []repair

	// skip, when set, is why the file cannot be validated today because
	// the spec (not the fixture) is wrong. Such a case is skipped with
	// this reason instead of failing.
	skip string
}

// repair replaces the value at an RFC 6901 JSON pointer. The value
// removeValue deletes the array element or object member instead.
type repair struct {
	pointer string
	value   any
}

// removeValue is the repair value that deletes what the pointer names.
var removeValue = &struct{ remove bool }{true}

const (
	productPro   = "2bf134c2-7fbe-4c46-8a63-58eb48266595"
	productSeats = "c545033e-d7ed-4ab4-8aed-2d5d4e0f9a42"
)

// fixtures maps every file of client/testdata to what it must satisfy.
// A file missing here fails TestFixturesAreAllChecked: add it, with its
// schema, when you add a fixture.
var fixtures = map[string]fixture{
	// Checkout sessions.
	"checkout.json":                  {schemas: []string{"Checkout"}},
	"checkout_minimal_nulls.json":    {schemas: []string{"Checkout"}},
	"checkout_public.json":           {schemas: []string{"CheckoutPublic"}},
	"checkout_public_confirmed.json": {schemas: []string{"CheckoutPublicConfirmed", "CheckoutPublic"}},
	"list_checkouts.json":            {schemas: []string{"ListResource_Checkout_"}},
	"list_empty.json":                {schemas: []string{"ListResource_Checkout_"}},

	// Prices: each current variant is also a CheckoutProductPrice; a
	// legacy price is both its own variant and (amount_type being shared)
	// a current ProductPrice, which is why CheckoutProductPrice is an
	// anyOf.
	"price_fixed.json":         {schemas: []string{"ProductPriceFixed", "ProductPrice", "CheckoutProductPrice"}},
	"price_custom.json":        {schemas: []string{"ProductPriceCustom", "ProductPrice", "CheckoutProductPrice"}},
	"price_seat_based.json":    {schemas: []string{"ProductPriceSeatBased", "ProductPrice", "CheckoutProductPrice"}},
	"price_metered_unit.json":  {schemas: []string{"ProductPriceMeteredUnit", "ProductPrice", "CheckoutProductPrice"}},
	"price_unit_based.json":    {schemas: []string{"ProductPriceUnitBased", "ProductPrice", "CheckoutProductPrice"}},
	"price_metered_tiers.json": {schemas: []string{"ProductPriceMeteredTiers", "ProductPrice", "CheckoutProductPrice"}},
	"price_legacy_fixed.json": {schemas: []string{
		"LegacyRecurringProductPriceFixed", "LegacyRecurringProductPrice", "CheckoutProductPrice", "ProductPriceFixed",
	}},
	"price_legacy_custom.json": {schemas: []string{
		"LegacyRecurringProductPriceCustom", "LegacyRecurringProductPrice", "CheckoutProductPrice", "ProductPriceCustom",
	}},

	// Discounts.
	"discount_fixed_once_forever.json":      {schemas: []string{"CheckoutDiscountFixedOnceForeverDuration", "CheckoutDiscount"}},
	"discount_fixed_repeat.json":            {schemas: []string{"CheckoutDiscountFixedRepeatDuration", "CheckoutDiscount"}},
	"discount_percentage_once_forever.json": {schemas: []string{"CheckoutDiscountPercentageOnceForeverDuration", "CheckoutDiscount"}},
	"discount_percentage_repeat.json":       {schemas: []string{"CheckoutDiscountPercentageRepeatDuration", "CheckoutDiscount"}},

	// Custom fields.
	"custom_field_text.json":     {schemas: []string{"CustomFieldText", "CustomField"}},
	"custom_field_number.json":   {schemas: []string{"CustomFieldNumber", "CustomField"}},
	"custom_field_date.json":     {schemas: []string{"CustomFieldDate", "CustomField"}},
	"custom_field_checkbox.json": {schemas: []string{"CustomFieldCheckbox", "CustomField"}},
	"custom_field_select.json":   {schemas: []string{"CustomFieldSelect", "CustomField"}},

	// Error bodies: the concrete schema, the response schema that carries
	// it, and PolarError, the envelope every error body must fit.
	"error_not_found.json":          {schemas: []string{"ResourceNotFound", "PolarError"}},
	"error_expired.json":            {schemas: []string{"ExpiredCheckoutError", "PolarError"}},
	"error_not_open.json":           {schemas: []string{"NotOpenCheckout", "CheckoutForbiddenError", "CheckoutUpdateForbiddenError", "PolarError"}},
	"error_payment.json":            {schemas: []string{"PaymentError", "PolarError"}},
	"error_locked.json":             {schemas: []string{"CheckoutLocked", "CheckoutConfirmConflictError", "PolarError"}},
	"error_unauthorized.json":       {schemas: []string{"Unauthorized", "AuthenticationError", "PolarError"}},
	"error_invalid_token.json":      {schemas: []string{"OAuth2Error", "AuthenticationError", "PolarError"}},
	"error_insufficient_scope.json": {schemas: []string{"OAuth2Error", "TokenForbiddenError", "CheckoutUpdateForbiddenError", "PolarError"}},
	"error_422_validation.json":     {schemas: []string{"HTTPValidationError", "PolarError"}},
	"error_422_string.json":         {schemas: []string{"HTTPValidationError", "PolarError"}},
	"error_404_route.json": {
		schemas: []string{"PolarError", "HTTPValidationError"},
		partial: "an unknown route or API version answers with only `detail`",
	},

	// Deliberately outside the spec: values a newer server may send.
	"unknown_enum_checkout.json": {
		schemas:     []string{"Checkout"},
		outsideSpec: true,
		repairs: []repair{
			{"/status", "open"},
			{"/payment_processor", "stripe"},
			{"/tax_behavior", "exclusive"},
			{"/active_trial_interval", "day"},
			{"/customer_billing_address/country", "DE"},
			{"/billing_address_fields/line2", "optional"},
			{"/products/0/visibility", "private"},
			{"/products/0/recurring_interval", "month"},
			{"/products/0/benefits/0/type", "license_keys"},
			{"/products/0/prices/0/source", "catalog"},
			{"/product/visibility", "private"},
			{"/product/recurring_interval", "month"},
			{"/product/benefits/0/type", "license_keys"},
			{"/product/prices/0/source", "catalog"},
			{"/product_price/source", "catalog"},
			{"/prices/" + productSeats + "/0/source", "catalog"},
		},
	},
	"unknown_union_checkout.json": {
		schemas:     []string{"Checkout"},
		outsideSpec: true,
		repairs: []repair{
			{"/products/0/prices/1", removeValue},
			{"/product/prices/1", removeValue},
			{"/product_price", nil},
			{"/prices/" + productPro + "/1", removeValue},
			{"/attached_custom_fields/1", removeValue},
		},
	},
}

// loadSpec loads and validates the OpenAPI document once for all tests.
var loadSpec = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(specPath)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", specPath, err)
	}
	// VisitJSON is only defined for schemas that passed Validate.
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate %s: %w", specPath, err)
	}
	return doc, nil
})

// validationOptions checks the string formats kin-openapi leaves
// unchecked by default (date-time, int32 and int64 it checks already).
func validationOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{
		openapi3.MultiErrors(),
		openapi3.WithStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC4122)),
		openapi3.WithStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail)),
	}
}

func TestFixturesAreAllChecked(t *testing.T) {
	t.Parallel()

	files, err := filepath.Glob(filepath.Join(testdataDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no fixtures found in %s", testdataDir)
	}
	onDisk := make(map[string]bool, len(files))
	for _, f := range files {
		name := filepath.Base(f)
		onDisk[name] = true
		if _, ok := fixtures[name]; !ok {
			t.Errorf("%s has no entry in the fixtures table of %s: add it with the schema it must match", name, "tests/contract/fixtures_test.go")
		}
	}
	for name := range fixtures {
		if !onDisk[name] {
			t.Errorf("fixtures table names %s, which is not in %s", name, testdataDir)
		}
	}
}

func TestFixturesMatchSpec(t *testing.T) {
	t.Parallel()

	doc, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}

	names := make([]string, 0, len(fixtures))
	for name := range fixtures {
		names = append(names, name)
	}
	sort.Strings(names)

	for _, name := range names {
		fx := fixtures[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if fx.skip != "" {
				t.Skip("SPEC BUG: " + fx.skip)
			}
			if len(fx.schemas) == 0 {
				t.Fatal("fixtures table entry names no schema")
			}

			raw, err := os.ReadFile(filepath.Join(testdataDir, name))
			if err != nil {
				t.Fatal(err)
			}

			for _, schemaName := range fx.schemas {
				schema := componentSchema(t, doc, schemaName)
				value := decodeJSON(t, raw)
				err := schema.VisitJSON(value, validationOptions()...)
				switch {
				case fx.outsideSpec && err == nil:
					t.Errorf("%s: valid against %s, but the fixture is meant to be outside the spec", name, schemaName)
				case !fx.outsideSpec && err != nil:
					t.Errorf("%s: not valid against %s:\n%v", name, schemaName, err)
				}
			}

			if fx.outsideSpec {
				value := decodeJSON(t, raw)
				for _, r := range fx.repairs {
					if value, err = applyRepair(value, r); err != nil {
						t.Fatalf("repair %s: %v", r.pointer, err)
					}
				}
				for _, schemaName := range fx.schemas {
					if err := componentSchema(t, doc, schemaName).VisitJSON(value, validationOptions()...); err != nil {
						t.Errorf("%s after repairs: still not valid against %s, so it breaks the spec in more places than intended:\n%v", name, schemaName, err)
					}
				}
				checkComplete(t, doc, fx.schemas[0], value)
				return
			}

			if fx.partial == "" {
				checkComplete(t, doc, fx.schemas[0], decodeJSON(t, raw))
			}
		})
	}
}

// TestFixtureValidationRejects makes sure the checks above can fail: a
// validator that accepted everything would make TestFixturesMatchSpec
// worthless.
func TestFixtureValidationRejects(t *testing.T) {
	t.Parallel()

	doc, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		schema string
		file   string
		repair repair
	}{
		{"missing required property", "Checkout", "checkout.json", repair{"/amount", removeValue}},
		{"null in a non-nullable property", "Checkout", "checkout.json", repair{"/amount", nil}},
		{"float where an integer is declared", "Checkout", "checkout.json", repair{"/amount", json.Number("50.5")}},
		{"string where an integer is declared", "Checkout", "checkout.json", repair{"/tax_amount", "713"}},
		{"malformed uuid", "Checkout", "checkout.json", repair{"/id", "172f80c9"}},
		{"malformed date-time", "Checkout", "checkout.json", repair{"/created_at", "2026-04-02 10:15:30"}},
		{"unknown price variant", "CheckoutProductPrice", "price_fixed.json", repair{"/amount_type", "future_type"}},
		{"wrong error code", "ResourceNotFound", "error_not_found.json", repair{"/error", "NotFound"}},
		{"validation detail of the wrong shape", "HTTPValidationError", "error_422_validation.json", repair{"/detail/0/loc", "body.products"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(filepath.Join(testdataDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			value, err := applyRepair(decodeJSON(t, raw), tt.repair)
			if err != nil {
				t.Fatal(err)
			}
			if err := componentSchema(t, doc, tt.schema).VisitJSON(value, validationOptions()...); err == nil {
				t.Errorf("%s with %s = %v is valid against %s; want a validation error", tt.file, tt.repair.pointer, tt.repair.value, tt.schema)
			}
		})
	}
}

func componentSchema(t *testing.T, doc *openapi3.T, name string) *openapi3.Schema {
	t.Helper()
	ref, ok := doc.Components.Schemas[name]
	if !ok || ref == nil || ref.Value == nil {
		t.Fatalf("schema %q is not in components/schemas of %s", name, specPath)
	}
	return ref.Value
}

// decodeJSON decodes with UseNumber, which kin-openapi accepts, so that
// integers are checked exactly rather than as float64.
func decodeJSON(t *testing.T, raw []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		t.Fatalf("decode JSON: trailing data after the first value")
	}
	return v
}

// checkComplete fails the test for every property that the named schema
// (or a schema nested in it) declares but the value leaves out.
func checkComplete(t *testing.T, doc *openapi3.T, schemaName string, value any) {
	t.Helper()
	for _, p := range missingProperties(componentSchema(t, doc, schemaName), value, "") {
		t.Errorf("property %s is declared by the schema but missing from the fixture (fixtures must be complete)", p)
	}
}

// missingProperties returns the JSON pointers of declared properties that
// value lacks. For oneOf and anyOf it follows the first branch the value
// is valid against; for allOf, every branch.
func missingProperties(s *openapi3.Schema, value any, path string) []string {
	if s == nil || value == nil {
		return nil
	}
	var missing []string
	for _, sub := range s.AllOf {
		missing = append(missing, missingProperties(sub.Value, value, path)...)
	}
	for _, branches := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		for _, sub := range branches {
			if sub.Value.VisitJSON(value, validationOptions()...) == nil {
				missing = append(missing, missingProperties(sub.Value, value, path)...)
				break
			}
		}
	}

	switch v := value.(type) {
	case map[string]any:
		for name, prop := range s.Properties {
			pv, ok := v[name]
			if !ok {
				missing = append(missing, path+"/"+name)
				continue
			}
			missing = append(missing, missingProperties(prop.Value, pv, path+"/"+name)...)
		}
		if ap := s.AdditionalProperties.Schema; ap != nil {
			for name, pv := range v {
				if _, declared := s.Properties[name]; !declared {
					missing = append(missing, missingProperties(ap.Value, pv, path+"/"+name)...)
				}
			}
		}
	case []any:
		if s.Items != nil {
			for i, item := range v {
				missing = append(missing, missingProperties(s.Items.Value, item, path+"/"+strconv.Itoa(i))...)
			}
		}
	}
	sort.Strings(missing)
	return slices.Compact(missing)
}

// applyRepair returns doc with the value at r.pointer replaced by r.value,
// or removed when r.value is removeValue.
func applyRepair(doc any, r repair) (any, error) {
	if r.pointer == "" || r.pointer[0] != '/' {
		return nil, fmt.Errorf("pointer %q does not start with /", r.pointer)
	}
	tokens := strings.Split(r.pointer[1:], "/")
	for i, tok := range tokens {
		tokens[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
	}
	return setAt(doc, tokens, r.value)
}

func setAt(node any, tokens []string, value any) (any, error) {
	tok, rest := tokens[0], tokens[1:]
	switch n := node.(type) {
	case map[string]any:
		child, ok := n[tok]
		if !ok {
			return nil, fmt.Errorf("no member %q", tok)
		}
		if len(rest) > 0 {
			updated, err := setAt(child, rest, value)
			if err != nil {
				return nil, fmt.Errorf("%s/%w", tok, err)
			}
			n[tok] = updated
			return n, nil
		}
		if value == removeValue {
			delete(n, tok)
		} else {
			n[tok] = value
		}
		return n, nil
	case []any:
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || i >= len(n) {
			return nil, fmt.Errorf("no element %q in an array of %d", tok, len(n))
		}
		if len(rest) > 0 {
			updated, err := setAt(n[i], rest, value)
			if err != nil {
				return nil, fmt.Errorf("%s/%w", tok, err)
			}
			n[i] = updated
			return n, nil
		}
		if value == removeValue {
			return slices.Delete(n, i, i+1), nil
		}
		n[i] = value
		return n, nil
	default:
		return nil, fmt.Errorf("cannot step into %T with %q", node, tok)
	}
}
