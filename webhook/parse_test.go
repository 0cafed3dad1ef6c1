package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gopolar/checkouts/client"
)

func TestParse_fixtures(t *testing.T) {
	t.Parallel()
	checkoutID := "00000000-0000-4000-8000-000000000000"
	tests := []struct {
		file   string
		check  func(t *testing.T, ev Event)
		typ    string
		apiVer string
	}{
		{"checkout_created.json", func(t *testing.T, ev Event) {
			e := ev.(*CheckoutCreated)
			if e.Checkout.Status != client.CheckoutStatusOpen || e.Checkout.ID.String() != checkoutID {
				t.Errorf("checkout = %v %v", e.Checkout.Status, e.Checkout.ID)
			}
			if e.Checkout.CustomerEmail.IsSpecified() && !e.Checkout.CustomerEmail.IsNull() {
				t.Error("customer_email should be null")
			}
		}, TypeCheckoutCreated, ""},
		{"checkout_updated_succeeded.json", func(t *testing.T, ev Event) {
			e := ev.(*CheckoutUpdated)
			if !IsPaid(&e.Checkout) || e.Checkout.TotalAmount != 5880 || e.Checkout.Currency != "eur" {
				t.Errorf("checkout = %v %d %s", e.Checkout.Status, e.Checkout.TotalAmount, e.Checkout.Currency)
			}
			if email, err := e.Checkout.CustomerEmail.Get(); err != nil || email != "ada@example.com" {
				t.Errorf("customer_email = %q, %v", email, err)
			}
			if len(e.Checkout.Products) != 1 || e.Checkout.Metadata["campaign"] != "spring" {
				t.Errorf("products %d, metadata %v", len(e.Checkout.Products), e.Checkout.Metadata)
			}
		}, TypeCheckoutUpdated, ""},
		{"checkout_updated_confirmed.json", func(t *testing.T, ev Event) {
			e := ev.(*CheckoutUpdated)
			if IsPaid(&e.Checkout) || StateOf(&e.Checkout) != PaymentProcessing {
				t.Errorf("confirmed checkout: paid %v, state %v", IsPaid(&e.Checkout), StateOf(&e.Checkout))
			}
		}, TypeCheckoutUpdated, ""},
		{"checkout_updated_api_version.json", func(t *testing.T, ev Event) {
			e := ev.(*CheckoutUpdated)
			if !IsPaid(&e.Checkout) {
				t.Error("not paid")
			}
		}, TypeCheckoutUpdated, "2026-10"},
		{"checkout_expired.json", func(t *testing.T, ev Event) {
			e := ev.(*CheckoutExpired)
			if s := StateOf(&e.Checkout); s != PaymentExpired || !s.Final() {
				t.Errorf("state %v", s)
			}
		}, TypeCheckoutExpired, ""},
		{"order_created.json", func(t *testing.T, ev Event) {
			e := ev.(*OrderCreated)
			if e.Order.Paid || e.Order.Status != OrderStatusPending {
				t.Errorf("order = %+v", e.Order)
			}
		}, TypeOrderCreated, ""},
		{"order_updated.json", func(t *testing.T, ev Event) {
			if e := ev.(*OrderUpdated); e.Order.Status != OrderStatusPaid {
				t.Errorf("order = %+v", e.Order)
			}
		}, TypeOrderUpdated, ""},
		{"order_paid.json", func(t *testing.T, ev Event) {
			e := ev.(*OrderPaid)
			id, err := e.Order.CheckoutID.Get()
			if !e.Order.Paid || err != nil || id.String() != checkoutID || e.Order.ID.String() != "0f6d2b8e-4c1a-4e7f-9b3d-8a5c6e7f1a2b" {
				t.Errorf("order = %+v", e.Order)
			}
		}, TypeOrderPaid, ""},
		{"order_refunded.json", func(t *testing.T, ev Event) {
			e := ev.(*OrderRefunded)
			if !e.Order.CheckoutID.IsNull() || e.Order.Status != OrderStatusRefunded {
				t.Errorf("order = %+v", e.Order)
			}
		}, TypeOrderRefunded, ""},
		{"unknown_customer_created.json", func(t *testing.T, ev Event) {
			e := ev.(*UnknownEvent)
			if !bytes.Contains(e.Raw, []byte("ada@example.com")) {
				t.Error("Raw lacks the body")
			}
		}, "customer.created", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			body := payload(t, tt.file)
			ev, err := Parse("msg_9", body)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			m := ev.Meta()
			if m.ID != "msg_9" || m.Type != tt.typ || m.APIVersion != tt.apiVer || m.Timestamp.IsZero() || !bytes.Equal(m.Raw, body) {
				t.Fatalf("meta = %+v", m)
			}
			tt.check(t, ev)
			// The same data decoded by the generated payload type.
			if co, ok := CheckoutOf(ev); ok {
				var p client.WebhookCheckoutUpdatedPayload
				if err := json.Unmarshal(body, &p); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(*co, p.Data) || !p.Timestamp.Equal(m.Timestamp) {
					t.Error("checkout differs from encoding/json's decoding of the generated payload type")
				}
			}
			if o, ok := OrderOf(ev); ok {
				var p client.WebhookOrderPaidPayload
				if err := json.Unmarshal(body, &p); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(*o, p.Data) {
					t.Error("order differs from encoding/json's decoding of the generated payload type")
				}
			}
		})
	}
}

// TestParse_typeConstants pins the type names to the generated enums.
func TestParse_typeConstants(t *testing.T) {
	t.Parallel()
	pairs := map[string]string{
		TypeCheckoutCreated: string(client.WebhookCheckoutCreatedPayloadTypeCheckoutCreated),
		TypeCheckoutUpdated: string(client.WebhookCheckoutUpdatedPayloadTypeCheckoutUpdated),
		TypeCheckoutExpired: string(client.WebhookCheckoutExpiredPayloadTypeCheckoutExpired),
		TypeOrderCreated:    string(client.WebhookOrderCreatedPayloadTypeOrderCreated),
		TypeOrderUpdated:    string(client.WebhookOrderUpdatedPayloadTypeOrderUpdated),
		TypeOrderPaid:       string(client.WebhookOrderPaidPayloadTypeOrderPaid),
		TypeOrderRefunded:   string(client.WebhookOrderRefundedPayloadTypeOrderRefunded),
	}
	for ours, generated := range pairs {
		if ours != generated {
			t.Errorf("%q != generated %q", ours, generated)
		}
	}
}

// TestRequiredMembers pins what the generated types say is required.
func TestRequiredMembers(t *testing.T) {
	t.Parallel()
	if got := strings.Join(orderRequired.names, ","); got != "checkout_id,id,paid,status" {
		t.Errorf("order required = %s", got)
	}
	for i, n := range orderRequired.names {
		if orderRequired.nullable[i] != (n == "checkout_id") {
			t.Errorf("order %s nullable = %v", n, orderRequired.nullable[i])
		}
	}
	if n := len(checkoutRequired.names); n != 56 {
		t.Errorf("checkout has %d required members, the spec lists 56", n)
	}
	for name, nullable := range map[string]bool{"id": false, "status": false, "modified_at": true, "customer_email": true, "products": false, "metadata": false, "discount": true} {
		i, ok := checkoutRequired.index[name]
		if !ok || checkoutRequired.nullable[i] != nullable {
			t.Errorf("checkout %s: required %v, nullable %v; want required, nullable %v", name, ok, ok && checkoutRequired.nullable[i], nullable)
		}
	}
	for _, optional := range []string{"seats", "units", "locale", "custom_field_data"} {
		if _, ok := checkoutRequired.index[optional]; ok {
			t.Errorf("%s is optional in the spec", optional)
		}
	}
}

// edit returns the fixture with data member name removed (value "")
// or replaced by the raw JSON value.
func edit(t *testing.T, file, name, value string) []byte {
	t.Helper()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(payload(t, file), &doc); err != nil {
		t.Fatal(err)
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(doc["data"], &data); err != nil {
		t.Fatal(err)
	}
	if value == "" {
		delete(data, name)
	} else {
		data[name] = json.RawMessage(value)
	}
	b, _ := json.Marshal(data)
	doc["data"] = b
	out, _ := json.Marshal(doc)
	return out
}

func TestParse_wrongShape(t *testing.T) {
	t.Parallel()
	const co = "checkout_updated_succeeded.json"
	ts := `"timestamp":"2026-05-10T17:05:00Z"`
	tests := []struct {
		name  string
		body  []byte
		field string // ParseError.Field; "-" = don't check
	}{
		{"empty", nil, ""},
		{"white space", []byte("  \n"), ""},
		{"not JSON", []byte("type=checkout.updated"), ""},
		{"truncated", payload(t, co)[:1000], ""},
		{"trailing garbage", append(payload(t, co), []byte(" x")...), ""},
		{"two objects", append(payload(t, co), payload(t, co)...), ""},
		{"array", []byte(`[{"type":"checkout.updated"}]`), ""},
		{"string", []byte(`"checkout.updated"`), ""},
		{"null", []byte(`null`), ""},
		{"missing type", []byte(`{` + ts + `,"data":{}}`), "type"},
		{"type not a string", []byte(`{"type":1,` + ts + `,"data":{}}`), "type"},
		{"type null", []byte(`{"type":null,` + ts + `,"data":{}}`), "type"},
		{"type empty", []byte(`{"type":"",` + ts + `,"data":{}}`), "type"},
		{"type twice", []byte(`{"type":"customer.created","type":"checkout.updated",` + ts + `,"data":{}}`), "type"},
		{"data twice", []byte(`{"type":"order.paid",` + ts + `,"data":{},"data":{}}`), "data"},
		{"missing timestamp", []byte(`{"type":"checkout.updated","data":{}}`), "timestamp"},
		{"timestamp a number", []byte(`{"type":"checkout.updated","timestamp":1778432700,"data":{}}`), "timestamp"},
		{"timestamp not RFC 3339", []byte(`{"type":"checkout.updated","timestamp":"10/05/2026","data":{}}`), "timestamp"},
		{"timestamp without zone", []byte(`{"type":"checkout.updated","timestamp":"2026-05-10T17:05:00","data":{}}`), "timestamp"},
		{"api_version a number", []byte(`{"type":"customer.created",` + ts + `,"api_version":202610,"data":{}}`), "api_version"},
		{"missing data", []byte(`{"type":"checkout.updated",` + ts + `}`), "data"},
		{"data null", []byte(`{"type":"checkout.updated",` + ts + `,"data":null}`), "data"},
		{"data an array", []byte(`{"type":"order.paid",` + ts + `,"data":[]}`), "data"},
		{"data a string", []byte(`{"type":"checkout.expired",` + ts + `,"data":"{}"}`), "data"},
		{"data empty object", []byte(`{"type":"checkout.created",` + ts + `,"data":{}}`), "data"},
		{"checkout without id", edit(t, co, "id", ""), "data"},
		{"checkout without status", edit(t, co, "status", ""), "data"},
		{"checkout without amount", edit(t, co, "amount", ""), "data"},
		{"checkout without a nullable required member", edit(t, co, "customer_email", ""), "data"},
		{"checkout id null", edit(t, co, "id", "null"), "data.id"},
		{"checkout products null", edit(t, co, "products", "null"), "data.products"},
		{"checkout amount a string", edit(t, co, "amount", `"4900"`), "data.amount"},
		{"checkout amount a fraction", edit(t, co, "amount", `49.5`), "data.amount"},
		{"checkout status a number", edit(t, co, "status", `3`), "data.status"},
		{"checkout id not a UUID", edit(t, co, "id", `"not-a-uuid"`), "data"},
		{"checkout created_at not a date", edit(t, co, "created_at", `"yesterday"`), "data"},
		{"checkout products an object", edit(t, co, "products", `{}`), "-"},
		{"order without paid", edit(t, "order_paid.json", "paid", ""), "data"},
		{"order without checkout_id", edit(t, "order_paid.json", "checkout_id", ""), "data"},
		{"order paid a string", edit(t, "order_paid.json", "paid", `"true"`), "data.paid"},
		{"deep nesting", []byte(`{"type":"customer.created",` + ts + `,"data":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`), ""},
		{"control character in a string", []byte("{\"type\":\"checkout.updated\x01\"," + ts + "}"), ""},
		{"bad escape", []byte(`{"type":"checkout\x",` + ts + `}`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := Parse("msg_1", tt.body)
			if ev != nil || !errors.Is(err, ErrInvalidPayload) {
				t.Fatalf("Parse = %v, %v; want ErrInvalidPayload", ev, err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("%v is not a *ParseError", err)
			}
			if tt.field != "-" && pe.Field != tt.field {
				t.Errorf("Field = %q, want %q (%v)", pe.Field, tt.field, err)
			}
			if pe.Reason == "" || !strings.HasPrefix(err.Error(), "webhook: invalid payload") {
				t.Errorf("message %q", err)
			}
		})
	}
}

func TestParse_missingNamesEveryMember(t *testing.T) {
	t.Parallel()
	body := edit(t, "checkout_updated_succeeded.json", "status", "")
	var doc map[string]json.RawMessage
	_ = json.Unmarshal(body, &doc)
	var data map[string]json.RawMessage
	_ = json.Unmarshal(doc["data"], &data)
	delete(data, "currency")
	doc["data"], _ = json.Marshal(data)
	body, _ = json.Marshal(doc)
	_, err := Parse("", body)
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(pe.Reason, "currency") || !strings.Contains(pe.Reason, "status") || pe.Type != TypeCheckoutUpdated {
		t.Fatalf("err = %v", err)
	}
}

// TestParse_lenient: what real payloads may carry decodes fine.
func TestParse_lenient(t *testing.T) {
	t.Parallel()
	ts := `"timestamp":"2026-05-10T17:05:00.123+02:00"`
	tests := []struct {
		name string
		body []byte
		typ  string
	}{
		{"unknown top-level members", []byte(`{"type":"order.paid",` + ts + `,"x":[1,{"y":null}],"data":{"id":"0f6d2b8e-4c1a-4e7f-9b3d-8a5c6e7f1a2b","checkout_id":null,"status":"paid","paid":true,"items":[]}}`), TypeOrderPaid},
		{"unknown enum value", []byte(`{"type":"order.updated",` + ts + `,"data":{"id":"0f6d2b8e-4c1a-4e7f-9b3d-8a5c6e7f1a2b","checkout_id":null,"status":"disputed","paid":true}}`), TypeOrderUpdated},
		{"escaped member names", []byte(`{"\u0074ype":"order.paid",` + ts + `,"data":{"\u0069d":"0f6d2b8e-4c1a-4e7f-9b3d-8a5c6e7f1a2b","checkout_id":null,"status":"paid","paid":false}}`), TypeOrderPaid},
		{"escaped type value", []byte(`{"type":"order\u002epaid",` + ts + `,"data":{"id":"0f6d2b8e-4c1a-4e7f-9b3d-8a5c6e7f1a2b","checkout_id":null,"status":"paid","paid":false}}`), TypeOrderPaid},
		{"white space everywhere", []byte(" \n{ \"type\" : \"order.paid\" ,\t" + ts + " , \"data\" : { \"id\" : \"0f6d2b8e-4c1a-4e7f-9b3d-8a5c6e7f1a2b\" , \"checkout_id\" : null , \"status\" : \"paid\" , \"paid\" : true } }\r\n"), TypeOrderPaid},
		{"unknown type, any data", []byte(`{"type":"subscription.active",` + ts + `,"data":[1,2]}`), "subscription.active"},
		{"unknown type, no data", []byte(`{"type":"future.event",` + ts + `}`), "future.event"},
		{"api_version present", []byte(`{"type":"future.event",` + ts + `,"api_version":"2027-01"}`), "future.event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := Parse("", tt.body)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			m := ev.Meta()
			if m.Type != tt.typ || !m.Timestamp.Equal(time.Date(2026, 5, 10, 15, 5, 0, 123e6, time.UTC)) {
				t.Fatalf("meta = %+v", m)
			}
			_, isUnknown := ev.(*UnknownEvent)
			if isUnknown != (knownType(tt.typ) == "") {
				t.Errorf("%T for type %s", ev, tt.typ)
			}
		})
	}
}

// TestScanner_matchesEncodingJSON: the scanner accepts exactly what
// json.Valid accepts (FuzzParse checks the same on random input).
func TestScanner_matchesEncodingJSON(t *testing.T) {
	t.Parallel()
	inputs := []string{
		``, ` `, `{}`, `[]`, `""`, `0`, `-0`, `01`, `1.`, `.5`, `1e`, `1e+`, `1E-7`, `-`, `--1`, `1.5e10`,
		`true`, `tru`, `truex`, `null`, `nul`, `"\u00e9"`, `"\u00g9"`, `"\x"`, `"a` + "\x00" + `"`, "\"\xff\"",
		`{"a":1,}`, `[1,]`, `{"a" 1}`, `{a:1}`, `{"a":1 "b":2}`, `[1 2]`, `{"a":[{"b":{}}]}`, "\ufeff{}",
		`{"a":1}}`, `[[[]]`, `"\/"`, `"\"\\"`, " \t\r\n[ ] ", "\v[]",
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000),
	}
	for _, in := range inputs {
		if got, want := validJSON([]byte(in)), json.Valid([]byte(in)); got != want {
			t.Errorf("validJSON(%.40q) = %v, json.Valid = %v", in, got, want)
		}
	}
}
