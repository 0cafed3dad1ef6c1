package polartest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/polartest"
)

// transcript runs a fixed scenario against h and returns every response
// body, as a golden test would record them.
func transcript(t *testing.T, h *polartest.Handler) []byte {
	t.Helper()
	var out bytes.Buffer
	step := func(method, path, body string) map[string]any {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+polartest.Token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		out.WriteString(method + " " + path + " → ")
		out.Write(rec.Body.Bytes())
		out.WriteByte('\n')
		var m map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &m)
		return m
	}
	c := step(http.MethodPost, "/v1/checkouts/", `{"products":["`+polartest.ProductOneTimeID+`"],"customer_email":"a@example.com"}`)
	secret, _ := c["client_secret"].(string)
	step(http.MethodPatch, "/v1/checkouts/client/"+secret, `{"customer_name":"A","customer_billing_address":{"country":"FR"}}`)
	step(http.MethodPost, "/v1/checkouts/client/"+secret+"/confirm", `{"confirmation_token_id":"`+polartest.TokenSuccess+`"}`)
	step(http.MethodGet, "/v1/checkouts/?limit=5", "")
	return out.Bytes()
}

func TestDeterministicMode(t *testing.T) {
	t.Parallel()
	clock := polartest.NewClock(t0)
	opts := []polartest.Option{polartest.WithDeterministicIDs(42), polartest.WithClock(clock.Now), polartest.WithBaseURL("https://polar.test")}
	a := polartest.NewHandler(opts...)
	b := polartest.NewHandler(opts...)
	first := transcript(t, a)
	if !bytes.Equal(first, transcript(t, b)) {
		t.Fatal("two handlers with the same seed answered differently")
	}
	a.Reset()
	if !bytes.Equal(first, transcript(t, a)) {
		t.Error("Reset did not restart the sequence")
	}
	if bytes.Contains(first, []byte("127.0.0.1")) || !bytes.Contains(first, []byte("https://polar.test/checkout/polar_c_")) {
		t.Error("the base URL leaks the listener's address")
	}
	other := polartest.NewHandler(polartest.WithDeterministicIDs(43), polartest.WithClock(clock.Now), polartest.WithBaseURL("https://polar.test"))
	if bytes.Equal(first, transcript(t, other)) {
		t.Error("another seed gave the same IDs")
	}
	random := polartest.NewHandler(polartest.WithClock(clock.Now))
	if bytes.Equal(transcript(t, random), transcript(t, polartest.NewHandler(polartest.WithClock(clock.Now)))) {
		t.Error("random IDs repeated")
	}
}

func TestFixtures(t *testing.T) {
	t.Parallel()
	fx := polartest.Fixtures()
	raw, err := json.Marshal(fx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{polartest.OrganizationID, polartest.ProductOneTimeID, polartest.ProductMonthlyID, polartest.ProductPayWhatYouWantID,
		polartest.ProductFreeID, polartest.ProductSeatsID, polartest.PriceOneTimeID, polartest.PriceMonthlyID, polartest.PricePayWhatYouWantID,
		polartest.PriceFreeID, polartest.PriceSeatsID, polartest.DiscountFixedID, polartest.DiscountPercentID} {
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 4 || u.String() != id {
			t.Errorf("fixture ID %q is not a canonical UUID v4", id)
		}
		if !bytes.Contains(raw, []byte(id)) {
			t.Errorf("fixture ID %s missing from Fixtures()", id)
		}
	}
	for _, s := range []string{polartest.TokenSuccess, polartest.TokenDeclined, polartest.TokenProcessing, polartest.DiscountFixedCode, polartest.DiscountPercentCode, polartest.Token} {
		if !bytes.Contains(raw, []byte(s)) {
			t.Errorf("%q missing from Fixtures()", s)
		}
	}
	if len(fx.Products) != 5 || len(fx.Discounts) != 2 {
		t.Errorf("%d products, %d discounts", len(fx.Products), len(fx.Discounts))
	}
	// Each call is a fresh copy.
	fx.Products[0].Name = "changed"
	if polartest.Fixtures().Products[0].Name == "changed" {
		t.Error("Fixtures shares its data")
	}
}

func TestClock(t *testing.T) {
	t.Parallel()
	c := polartest.NewClock(t0)
	c.Advance(time.Minute)
	if !c.Now().Equal(t0.Add(time.Minute)) {
		t.Error("Advance")
	}
	c.Set(t0)
	if !c.Now().Equal(t0) {
		t.Error("Set")
	}
}
