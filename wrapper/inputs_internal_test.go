package polar

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestCheckUTF8(t *testing.T) {
	t.Parallel()
	bad := "caf\xe9"
	tests := []struct {
		name string
		v    any
		path string // "" for valid
	}{
		{"valid body", &CheckoutCreate{Products: []UUID{uuid.New()}, ExternalCustomerID: Value("user_42"), Metadata: &MetadataInput{"k": "é"}}, ""},
		{"nullable string", &CheckoutUpdate{CustomerName: Value(bad)}, "body.customer_name"},
		{"metadata value", &CheckoutCreate{Metadata: &MetadataInput{"k": bad}}, `body.metadata["k"]`},
		{"metadata key", &CheckoutCreate{Metadata: &MetadataInput{bad: "v"}}, "body.metadata (a key)"},
		{"list filter", &ListParams{Query: Ptr(bad)}, "body.query"},
		{"nested address", &CheckoutConfirmStripe{CustomerBillingAddress: Value(AddressInput{Line1: Value(bad)})}, "body.customer_billing_address.line1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkUTF8("op", "body", tt.v)
			if tt.path == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			var ia *InvalidArgumentError
			if !errors.As(err, &ia) || !errors.Is(err, ErrInvalidArgument) || ia.Arg != tt.path {
				t.Fatalf("err = %v, want an InvalidArgumentError for %s", err, tt.path)
			}
			if strings.Contains(err.Error(), "caf") {
				t.Errorf("the value is quoted: %v", err)
			}
		})
	}
}

func TestDeepCopy_sharesNothing(t *testing.T) {
	t.Parallel()
	statuses := []CheckoutStatus{CheckoutStatusOpen}
	ids := []UUID{uuid.New()}
	orig := ListParams{Status: &statuses, ProductID: &ids, Page: Ptr(2), Query: Ptr("a")}
	cp := deepCopy(orig)
	if !reflect.DeepEqual(orig, cp) {
		t.Fatalf("copy differs: %+v vs %+v", orig, cp)
	}
	statuses[0] = CheckoutStatusExpired
	ids[0] = uuid.New()
	*orig.Page = 9
	*orig.Query = "b"
	if (*cp.Status)[0] != CheckoutStatusOpen || (*cp.ProductID)[0] == ids[0] || *cp.Page != 2 || *cp.Query != "a" {
		t.Errorf("the copy changed with the original: %+v", cp)
	}
}

// badText marshals to invalid UTF-8 as text, which encoding/json would
// rewrite to U+FFFD.
type badText struct{}

func (badText) MarshalText() ([]byte, error) { return []byte("caf\xe9"), nil }

// badJSON marshals to a JSON string holding invalid UTF-8.
type badJSON struct{}

func (badJSON) MarshalJSON() ([]byte, error) { return []byte("\"caf\xe9\""), nil }

type goodText struct{}

func (goodText) MarshalText() ([]byte, error) { return []byte("café"), nil }

// TestCheckUTF8_marshalers: values of the caller's own types in metadata
// are checked as they will be encoded.
func TestCheckUTF8_marshalers(t *testing.T) {
	t.Parallel()
	for name, value := range map[string]any{
		"RawMessage":  json.RawMessage("\"caf\xe9\""),
		"MarshalText": badText{},
		"MarshalJSON": badJSON{},
		"pointer":     &badText{},
		"nested":      map[string]any{"x": []any{badText{}}},
	} {
		body := &CheckoutCreate{Metadata: &MetadataInput{"k": value}}
		if err := checkUTF8("checkouts.create", "body", body); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: %v, want ErrInvalidArgument", name, err)
		}
	}
	for name, value := range map[string]any{"RawMessage": json.RawMessage(`"café"`), "MarshalText": goodText{}, "number": 5} {
		body := &CheckoutCreate{Metadata: &MetadataInput{"k": value}}
		if err := checkUTF8("checkouts.create", "body", body); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
