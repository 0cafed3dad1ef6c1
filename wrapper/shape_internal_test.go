package polar

import (
	"encoding/json"
	"errors"
	"maps"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/gopolar/checkouts/client"
)

// shapeFixtures are the client's complete answers and their models.
var shapeFixtures = []struct {
	file string
	typ  reflect.Type
}{
	{"checkout.json", reflect.TypeFor[Checkout]()},
	{"checkout_public.json", reflect.TypeFor[CheckoutPublic]()},
	{"checkout_public_confirmed.json", reflect.TypeFor[CheckoutPublicConfirmed]()},
	{"list_checkouts.json", reflect.TypeFor[client.ListResourceCheckout]()},
}

// TestCheckShape_fixtures: every complete answer of the client's fixtures
// passes, and removing any one required property fails, naming it.
func TestCheckShape_fixtures(t *testing.T) {
	t.Parallel()
	for _, tt := range shapeFixtures {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile("../client/testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			sh := shapeOf(tt.typ)
			if err := checkShape(raw, sh); err != nil {
				t.Fatalf("complete fixture: %v", err)
			}
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(raw, &obj); err != nil {
				t.Fatal(err)
			}
			if len(sh.required) == 0 {
				t.Fatal("no required properties found: the json tags changed?")
			}
			for _, name := range sh.required {
				without := make(map[string]json.RawMessage, len(obj))
				for k, v := range obj {
					if k != name {
						without[k] = v
					}
				}
				b, _ := json.Marshal(without)
				err := checkShape(b, sh)
				if !errors.Is(err, errMissingProperty) || !strings.Contains(err.Error(), `"`+name+`"`) {
					t.Errorf("without %q: err = %v, want missing %q", name, err, name)
				}
			}
		})
	}
}

// TestCheckShape_wrongShapes: bodies a proxy or a bug may send with 2xx.
func TestCheckShape_wrongShapes(t *testing.T) {
	t.Parallel()
	item := fixtureBytes(t, "checkout.json")
	list := reflect.TypeFor[client.ListResourceCheckout]()
	tests := []struct {
		name string
		body string
		typ  reflect.Type
		want string // part of the error; "" for no error
	}{
		{"empty object", `{}`, reflect.TypeFor[Checkout](), "missing required property"},
		{"null", `null`, reflect.TypeFor[Checkout](), "not a JSON object"},
		{"array", `[]`, reflect.TypeFor[Checkout](), "not a JSON object"},
		{"string", `"ok"`, reflect.TypeFor[Checkout](), "not a JSON object"},
		{"number", ` 1 `, reflect.TypeFor[Checkout](), "not a JSON object"},
		{"status ok", `{"status":"ok"}`, reflect.TypeFor[CheckoutPublicConfirmed](), "missing required property"},
		{"error envelope", `{"error":"NotPermitted","detail":"Not permitted"}`, reflect.TypeFor[CheckoutPublic](), "missing required property"},
		{"list without pagination", `{"items":[]}`, list, `"pagination"`},
		{"list pagination without max_page", `{"items":[],"pagination":{"total_count":0}}`, list, `pagination: missing required property "max_page"`},
		{"list item not an object", `{"items":[1],"pagination":{"total_count":1,"max_page":1}}`, list, "items[0] is not an object"},
		{"list second item empty", `{"items":[` + string(item) + `,{}],"pagination":{"total_count":2,"max_page":1}}`, list, "items[1]: missing"},
		{"list ok", ` { "items" : [ ` + string(item) + ` , ` + string(item) + ` ] , "pagination" : { "total_count" : 2 , "max_page" : 1 } } `, list, ""},
		{"escaped key counts", `{"items":[],"pag\u0069nation":{"total_count":0,"max_page":0}}`, list, ""},
		{"strings with brackets and escapes are skipped", `{"x":"}]\"{[","items":[],"pagination":{"total_count":0,"max_page":0,"y":["\\",{"z":null}]}}`, list, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if !json.Valid([]byte(tt.body)) {
				t.Fatalf("test body is not JSON: %s", tt.body)
			}
			err := checkShape([]byte(tt.body), shapeOf(tt.typ))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("err = %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// FuzzCheckShape: any valid JSON is scanned without a panic.
func FuzzCheckShape(f *testing.F) {
	f.Add([]byte(`{"items":[{"id":1}],"pagination":{"total_count":0,"max_page":0}}`))
	f.Add([]byte(`{"a":"\\\"","b":[[],{}],"c":-1.5e3,"d":true,"e":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		_ = checkShape(b, shapeOf(reflect.TypeFor[client.ListResourceCheckout]()))
		_ = checkShape(b, shapeOf(reflect.TypeFor[Checkout]()))
	})
}

func fixtureBytes(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile("../client/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	return out
}

// TestCheckShape_nulls: a null in a required property the spec does not
// let be null fails like an absent one, naming it, at the top level and
// in a list's items; a null where the spec allows one passes. An all-null
// body (every property present, every value null) never passes.
func TestCheckShape_nulls(t *testing.T) {
	t.Parallel()
	for _, tt := range shapeFixtures {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(fixtureBytes(t, tt.file), &obj); err != nil {
				t.Fatal(err)
			}
			sh := shapeOf(tt.typ)
			fields := map[string]reflect.Type{}
			for i := range tt.typ.NumField() {
				f := tt.typ.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				fields[name] = f.Type
			}
			allNull := map[string]json.RawMessage{}
			nonNullable := 0
			for _, name := range sh.required {
				allNull[name] = json.RawMessage("null")
				with := maps.Clone(obj)
				with[name] = json.RawMessage("null")
				b, _ := json.Marshal(with)
				err := checkShape(b, sh)
				if admitsNull(fields[name]) {
					if err != nil {
						t.Errorf("%s null (nullable): %v", name, err)
					}
					continue
				}
				nonNullable++
				if !errors.Is(err, errNullProperty) || !strings.Contains(err.Error(), `"`+name+`"`) {
					t.Errorf("%s null: err = %v, want null %q", name, err, name)
				}
			}
			if nonNullable == 0 {
				t.Fatal("no non-nullable required property: the check would never fire")
			}
			b, _ := json.Marshal(allNull)
			if err := checkShape(b, sh); err == nil {
				t.Error("an all-null body passed")
			}
		})
	}
	t.Run("list item", func(t *testing.T) {
		t.Parallel()
		var item map[string]json.RawMessage
		if err := json.Unmarshal(fixtureBytes(t, "checkout.json"), &item); err != nil {
			t.Fatal(err)
		}
		item["id"] = json.RawMessage("null")
		b, _ := json.Marshal(map[string]any{"items": []any{item}, "pagination": map[string]int{"total_count": 1, "max_page": 1}})
		if err := checkShape(b, shapeOf(reflect.TypeFor[client.ListResourceCheckout]())); !errors.Is(err, errNullProperty) || !strings.Contains(err.Error(), "items[0]") {
			t.Errorf("item with a null id: %v", err)
		}
	})
}
