package polartest_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gopolar/checkouts/polartest"
)

// target is an operation to throw input at.
type target struct {
	method string
	path   func(h *polartest.Handler, id, secret, param string) string
}

var targets = []target{
	{http.MethodPost, func(_ *polartest.Handler, _, _, _ string) string { return "/v1/checkouts/" }},
	{http.MethodPatch, func(_ *polartest.Handler, id, _, _ string) string { return "/v1/checkouts/" + id }},
	{http.MethodPatch, func(_ *polartest.Handler, _, secret, _ string) string { return "/v1/checkouts/client/" + secret }},
	{http.MethodPost, func(_ *polartest.Handler, _, secret, _ string) string { return confirmPath(secret) }},
	{http.MethodGet, func(_ *polartest.Handler, _, _, p string) string { return "/v1/checkouts/" + p }},
	{http.MethodGet, func(_ *polartest.Handler, _, _, p string) string { return "/v1/checkouts/client/" + p }},
	{http.MethodPatch, func(_ *polartest.Handler, _, _, p string) string { return "/v1/checkouts/" + p }},
}

// serve sends one request straight to the handler and checks the
// invariants that hold for any input: never a 500, always a JSON object.
func serve(t testing.TB, h *polartest.Handler, method, path, rawQuery string, body []byte) int {
	t.Helper()
	req := httptest.NewRequest(method, "/", bytes.NewReader(body))
	req.URL.Path, req.URL.RawPath, req.URL.RawQuery = path, "", rawQuery
	req.Header.Set("Authorization", "Bearer "+polartest.Token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s?%s %q: %d %s", method, path, rawQuery, body, rec.Code, rec.Body.Bytes())
	}
	if rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%s %s %q: Content-Type %q", method, path, body, rec.Header().Get("Content-Type"))
	}
	var obj map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &obj); err != nil {
		t.Fatalf("%s %s %q: %d body is not a JSON object: %q", method, path, body, rec.Code, rec.Body.Bytes())
	}
	return rec.Code
}

// fresh returns a handler with one open checkout of each kind.
func fresh(t testing.TB) (h *polartest.Handler, id, secret string) {
	t.Helper()
	h = polartest.NewHandler(polartest.WithTaxRate(1900))
	body, _ := json.Marshal(map[string]any{"products": []string{polartest.ProductSeatsID, polartest.ProductPayWhatYouWantID, polartest.ProductOneTimeID}})
	req := httptest.NewRequest(http.MethodPost, "/v1/checkouts/", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+polartest.Token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var c struct {
		ID           string `json:"id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &c); err != nil || rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.Bytes())
	}
	return h, c.ID, c.ClientSecret
}

// badBodies are bodies of every kind of wrongness.
var badBodies = []string{
	"", " ", "null", "true", "0", "-1", `"x"`, "[]", "[{}]", "{", "}", "{}", `{"a":}`, "{'a':1}", "\x00\xff\xfe",
	`{"products":null}`, `{"products":5}`, `{"products":[null]}`, `{"products":[{}]}`, `{"products":[[]]}`,
	`{"products":["` + polartest.ProductOneTimeID + `"],"amount":1e400}`,
	`{"amount":"5"}`, `{"amount":1.5}`, `{"amount":-0}`, `{"amount":1e20}`, `{"amount":9223372036854775808}`, `{"amount":-9223372036854775809}`,
	`{"seats":0}`, `{"seats":1e4}`, `{"seats":true}`, `{"seats":10001}`, `{"seats":3}`, `{"seats":null}`,
	`{"metadata":[]}`, `{"metadata":{"":1}}`, `{"metadata":{"k":null}}`, `{"metadata":{"k":[]}}`, `{"metadata":{"k":1e400}}`,
	`{"customer_metadata":{"k":1.25}}`, `{"customer_metadata":null}`, `{"custom_field_data":{"k":{}}}`, `{"custom_field_data":null}`,
	`{"customer_billing_address":{}}`, `{"customer_billing_address":{"country":null}}`, `{"customer_billing_address":{"country":"us"}}`,
	`{"customer_billing_address":"x"}`, `{"customer_billing_address":{"country":"US","line1":5}}`, `{"customer_billing_address":[]}`,
	`{"customer_tax_id":"X"}`, `{"customer_tax_id":null}`, `{"customer_email":"@"}`, `{"customer_email":"a@b"}`, `{"customer_email":5}`,
	`{"success_url":"javascript:alert(1)"}`, `{"success_url":""}`, `{"return_url":"http://"}`, `{"customer_ip_address":"::g"}`,
	`{"product_id":"` + polartest.ProductFreeID + `"}`, `{"product_id":null}`, `{"product_id":"x"}`, `{"product_price_id":"` + polartest.PriceSeatsID + `"}`,
	`{"discount_id":"` + polartest.DiscountFixedID + `"}`, `{"discount_id":"` + polartest.DiscountPercentID + `"}`, `{"discount_code":"SAVE5"}`, `{"discount_code":5}`,
	`{"allow_trial":true}`, `{"allow_trial":"false"}`, `{"allow_trial":null}`, `{"trial_interval":"day","trial_interval_count":1000}`,
	`{"currency":"usd"}`, `{"currency":"eur"}`, `{"currency":5}`, `{"confirmation_token_id":5}`, `{"confirmation_token_id":""}`,
	`{"prices":{"x":[]}}`, `{"prices":{"` + polartest.ProductOneTimeID + `":[{"amount_type":"seat_based","seat_tiers":{"tiers":[]}}]}}`,
	`{"prices":{"` + polartest.ProductOneTimeID + `":[{"amount_type":"seat_based","seat_tiers":{"tiers":[{"min_seats":2,"price_per_seat":1}]}}]}}`,
	`{"prices":{"` + polartest.ProductOneTimeID + `":[{"amount_type":"custom","minimum_amount":10,"maximum_amount":5}]}}`,
	`{"prices":[]}`, `{"prices":{"` + polartest.ProductOneTimeID + `":{}}}`,
	strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
	`{"products":["` + polartest.ProductOneTimeID + `"]` + strings.Repeat(`,"k":1`, 5000) + `}`,
}

func TestBadInputNeverBreaksTheServer(t *testing.T) {
	t.Parallel()
	h, id, secret := fresh(t)
	params := []string{"", "x", "%", "..", "client", strings.Repeat("a", 5000), "00000000-0000-0000-0000-000000000000", "{id}", "ünïcode", id, secret}
	for _, tg := range targets {
		for i, p := range params {
			for _, b := range badBodies {
				if len(b) > 1000 && i > 0 {
					continue // the big ones once per target
				}
				serve(t, h, tg.method, tg.path(h, id, secret, p), "", []byte(b))
			}
		}
	}
	queries := []string{"page=", "limit=%", "page=1&page=x", "status=", "sorting=-", "query=%00", "organization_id=&product_id=", "limit=1e2", "page=+1", "limit=0x10", "a=%zz&b", strings.Repeat("status=open&", 2000)}
	for _, q := range queries {
		serve(t, h, http.MethodGet, "/v1/checkouts/", q, nil)
	}
}

func TestMutatedBodiesNeverBreakTheServer(t *testing.T) {
	t.Parallel()
	valid := [][]byte{
		[]byte(`{"products":["` + polartest.ProductSeatsID + `","` + polartest.ProductOneTimeID + `"],"seats":3,"metadata":{"a":"b","n":1},"customer_billing_address":{"country":"US","state":"NY"},"discount_id":"` + polartest.DiscountPercentID + `","prices":{"` + polartest.ProductOneTimeID + `":[{"amount_type":"fixed","price_amount":100}]}}`),
		[]byte(`{"product_id":"` + polartest.ProductPayWhatYouWantID + `","amount":900,"customer_email":"a@example.com","customer_name":"A","discount_code":"SAVE5","confirmation_token_id":"` + polartest.TokenSuccess + `"}`),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		h, id, secret := fresh(t)
		for _, v := range valid {
			b := append([]byte(nil), v...)
			for range 1 + rng.IntN(4) {
				switch i := rng.IntN(len(b)); rng.IntN(3) {
				case 0:
					b[i] = byte(rng.IntN(256))
				case 1:
					b = append(b[:i], b[i+1:]...)
				default:
					b = append(b[:i], append([]byte{`{}[]":,0-e.n"`[rng.IntN(13)]}, b[i:]...)...)
				}
				if len(b) == 0 {
					break
				}
			}
			tg := targets[(round+len(b))%4]
			serve(t, h, tg.method, tg.path(h, id, secret, ""), "", b)
		}
	}
}

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(http.MethodPost, "/v1/checkouts/", `{"products":["`+strings.Repeat("a", 2<<20)+`"]}`, token...)
	if r.status != http.StatusRequestEntityTooLarge || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("%d %.100s", r.status, r.raw)
	}
}

func FuzzHandler(f *testing.F) {
	for i, b := range badBodies {
		if len(b) < 1000 {
			f.Add(uint8(i), []byte(b), "limit=2")
		}
	}
	f.Add(uint8(0), []byte(`{"products":["`+polartest.ProductOneTimeID+`"]}`), "")
	f.Add(uint8(3), []byte(`{"customer_email":"a@example.com","customer_name":"A","customer_billing_address":{"country":"FR"},"confirmation_token_id":"tok_polartest_success"}`), "")
	f.Add(uint8(4), []byte(nil), "status=open&sorting=status&page=2")
	h, id, secret := fresh(f)
	f.Fuzz(func(t *testing.T, op uint8, body []byte, param string) {
		tg := targets[int(op)%len(targets)]
		if op%len8(targets) == 4 && strings.Contains(param, "=") {
			serve(t, h, http.MethodGet, "/v1/checkouts/", param, nil)
			return
		}
		serve(t, h, tg.method, tg.path(h, id, secret, strings.ReplaceAll(param, "/", "")), "", body)
	})
}

func len8[T any](s []T) uint8 { return uint8(len(s)) }
