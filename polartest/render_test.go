package polartest

import (
	"bytes"
	"encoding/json"
	"fmt"
	mathrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
)

// These tests hold renderCheckout and publicJSON to the values they
// replace: json.Marshal of buildCheckout, and of a reference that builds
// every union with the generated From methods (JSONMerge included), as
// polartest did before it rendered the catalogue once.

// referenceCheckout is buildCheckout with every product, price and
// discount built from the catalogue by the generated union setters.
func referenceCheckout(h *Handler, cs *session) client.Checkout {
	c := h.buildCheckout(cs)
	products := make([]client.CheckoutProduct, 0, len(cs.productIDs))
	prices := make(map[string][]client.CheckoutProductPrice, len(cs.productIDs))
	for _, id := range cs.productIDs {
		p := h.catalog[id]
		cp := checkoutProduct(p, checkoutPrice(p, h.priceOf(cs, id)))
		products = append(products, cp)
		prices[id.String()] = cp.Prices
	}
	prod, pr := h.product(cs), h.price(cs)
	c.Products = products
	c.Prices = val(prices)
	c.Product = val(checkoutProduct(prod, checkoutPrice(prod, pr)))
	c.ProductPrice = val(checkoutPrice(prod, pr))
	if cs.discountID != nil {
		if d, ok := h.discounts[*cs.discountID]; ok {
			legacy := ""
			if d.Type == client.DiscountTypeFixed {
				legacy = legacyCurrency(d, pr.currency())
			}
			c.Discount = val(checkoutDiscountIn(d, legacy))
		}
	}
	return c
}

// referencePublic is the public view as polartest built it: the
// Checkout's JSON without the private properties, decoded into a
// CheckoutPublic, with the organization.
func referencePublic(h *Handler, cs *session) ([]byte, error) {
	raw, err := json.Marshal(referenceCheckout(h, cs))
	if err != nil {
		return nil, err
	}
	var out client.CheckoutPublic
	if err := convert(raw, &out); err != nil {
		return nil, err
	}
	out.Organization = checkoutOrganization()
	return json.Marshal(out)
}

// checkRendering compares the renderings of every stored session with the
// references, and the cached answers with fresh renderings. Sessions
// whose version is in checked are skipped; the others are added.
func checkRendering(t *testing.T, h *Handler, step string, checked map[uuid.UUID]uint64) {
	t.Helper()
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	for _, cs := range h.store.byID {
		if v, ok := checked[cs.id]; ok && v == cs.version {
			continue
		}
		checked[cs.id] = cs.version
		got, err := h.renderCheckout(cs)
		want, wantErr := json.Marshal(h.buildCheckout(cs))
		ref, refErr := json.Marshal(referenceCheckout(h, cs))
		if (err != nil) != (wantErr != nil) || (err != nil) != (refErr != nil) {
			t.Fatalf("%s: %s: errors differ: %v, %v, %v", step, cs.id, err, wantErr, refErr)
		}
		if !bytes.Equal(got, want) || !bytes.Equal(want, ref) {
			t.Fatalf("%s: %s: renderings differ:\nrender:    %s\nbuild:     %s\nreference: %s", step, cs.id, got, want, ref)
		}
		if err != nil {
			continue
		}
		cached, err := h.checkoutJSON(cs)
		if err != nil || !bytes.Equal(cached, got) {
			t.Fatalf("%s: %s: cached token view differs (%v):\n%s\n%s", step, cs.id, err, cached, got)
		}
		pub, err := h.publicJSON(cs)
		refPub, refErr := referencePublic(h, cs)
		if err != nil || refErr != nil || !bytes.Equal(pub, refPub) {
			t.Fatalf("%s: %s: public views differ (%v, %v):\n%s\n%s", step, cs.id, err, refErr, pub, refPub)
		}
	}
}

// checkList compares a list answer with json.Marshal of the
// ListResourceCheckout polartest built before.
func checkList(t *testing.T, h *Handler, step, query string) {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	rep := h.list(q)
	if rep.status != http.StatusOK {
		t.Fatalf("%s: list %s: %d %s", step, query, rep.status, rep.body)
	}
	lq, _ := parseListQuery(q)
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	var matched []*session
	for _, cs := range h.store.byID {
		if h.matches(cs, lq) {
			matched = append(matched, cs)
		}
	}
	slices.SortFunc(matched, func(a, b *session) int { return compareSessions(a, b, lq.sorting) })
	limit := min(lq.limit, maxPageLimit)
	total := int64(len(matched))
	maxPage := (total + limit - 1) / limit
	items := []client.Checkout{}
	if lq.page-1 < maxPage {
		start := (lq.page - 1) * limit
		for _, cs := range matched[start:min(start+limit, total)] {
			items = append(items, referenceCheckout(h, cs))
		}
	}
	want, err := json.Marshal(client.ListResourceCheckout{Items: items, Pagination: client.Pagination{TotalCount: int(total), MaxPage: int(maxPage)}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rep.body, want) {
		t.Fatalf("%s: list %s differs:\n%s\n%s", step, query, rep.body, want)
	}
}

// Catalogue additions that reach the less common renderings: another
// currency, HTML and non-ASCII in names, a trial, another organization,
// an archived product, graduated seats, fixed discounts in several
// currencies.
var (
	renderEUR     = uuid.MustParse("20000000-0000-4000-8000-0000000000e1")
	renderTrial   = uuid.MustParse("20000000-0000-4000-8000-0000000000e2")
	renderOther   = uuid.MustParse("20000000-0000-4000-8000-0000000000e3")
	renderArch    = uuid.MustParse("20000000-0000-4000-8000-0000000000e4")
	renderGrad    = uuid.MustParse("20000000-0000-4000-8000-0000000000e5")
	renderMulti   = uuid.MustParse("40000000-0000-4000-8000-0000000000e1")
	renderOnce    = uuid.MustParse("40000000-0000-4000-8000-0000000000e2")
	renderForeign = uuid.MustParse("40000000-0000-4000-8000-0000000000e3")
)

func renderCatalogOptions() []Option {
	return []Option{
		WithProducts(
			Product{ID: renderEUR, Name: "Euro <b>&</b> \u2028 é", Price: Price{ID: uuid.MustParse("30000000-0000-4000-8000-0000000000e1"), Type: PriceFixed, Currency: "eur", Amount: 1999},
				Benefits: []Benefit{{ID: uuid.MustParse("50000000-0000-4000-8000-0000000000e1"), Type: client.BenefitTypeCustom, Description: `x"y`}, {ID: uuid.MustParse("50000000-0000-4000-8000-0000000000e2"), Type: client.BenefitTypeDiscord, Description: "d"}}},
			Product{ID: renderTrial, Name: "Trial", RecurringInterval: client.RecurringIntervalYear, RecurringIntervalCount: 2, TrialInterval: client.TrialIntervalWeek, TrialIntervalCount: 2, Price: Price{ID: uuid.MustParse("30000000-0000-4000-8000-0000000000e2"), Type: PriceFixed, Amount: 10000}},
			Product{ID: renderOther, OrganizationID: uuid.MustParse("10000000-0000-4000-8000-0000000000ff"), Name: "Other", Price: Price{ID: uuid.MustParse("30000000-0000-4000-8000-0000000000e3"), Type: PriceCustom, MaximumAmount: 5000}},
			Product{ID: renderArch, Name: "Archived", Archived: true, Price: Price{ID: uuid.MustParse("30000000-0000-4000-8000-0000000000e4"), Type: PriceFixed, Amount: 1}},
			Product{ID: renderGrad, Name: "Graduated", RecurringInterval: client.RecurringIntervalMonth, Price: Price{ID: uuid.MustParse("30000000-0000-4000-8000-0000000000e5"), Type: PriceSeatBased, SeatTierType: client.SeatTierTypeGraduated, SeatTiers: []SeatTier{{MinSeats: 2, MaxSeats: 5, PricePerSeat: 1000}, {MinSeats: 6, MaxSeats: 20, PricePerSeat: 800}}}},
		),
		WithDiscounts(
			Discount{ID: renderMulti, Name: "Multi", Code: "MULTI", Type: client.DiscountTypeFixed, Duration: client.DiscountDurationRepeating, DurationInMonths: 2, Amounts: map[string]int64{"usd": 300, "eur": 250, "gbp": 200}},
			Discount{ID: renderOnce, Name: "Half <once>", Type: client.DiscountTypePercentage, Duration: client.DiscountDurationOnce, BasisPoints: 5000},
			Discount{ID: renderForeign, Name: "Foreign", Code: "FOREIGN", Type: client.DiscountTypeFixed, Duration: client.DiscountDurationForever, Amounts: map[string]int64{"gbp": 100, "aud": 50}},
		),
	}
}

// randomOps drives h with n random requests (most valid, some not) and
// clock moves, from a seeded generator.
type randomOps struct {
	h       *Handler
	clock   *Clock
	rng     *mathrand.Rand
	ids     []string
	secrets []string
}

func (o *randomOps) pick(list ...string) string { return list[o.rng.IntN(len(list))] }

func (o *randomOps) send(method, path, body string, withToken bool) map[string]any {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if withToken {
		req.Header.Set("Authorization", "Bearer "+Token)
	}
	w := httptest.NewRecorder()
	o.h.ServeHTTP(w, req)
	var m map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &m)
	return m
}

// fields returns a random set of update properties as JSON members.
func (o *randomOps) fields(token bool) []string {
	pool := []string{
		`"customer_email":"` + o.pick("a@example.com", "A&B@example.com", "zoë@example.com") + `"`,
		`"customer_email":null`,
		`"customer_name":` + o.pick(`"Jane"`, `"Zoë \"Q\" <x>"`, `null`, `"\u2028"`),
		`"customer_billing_address":` + o.pick(`{"country":"FR"}`, `{"country":"US","state":"CA","line1":"1 Main","city":"SF","postal_code":"94000"}`, `{"country":"CA","state":"QC"}`, `{"country":"DE","line1":"Str 1","line2":null}`, `null`),
		`"customer_billing_name":` + o.pick(`"Firm"`, `null`),
		`"customer_tax_id":` + o.pick(`"FR123"`, `null`),
		`"is_business_customer":` + o.pick(`true`, `false`),
		`"locale":` + o.pick(`"nl"`, `null`),
		`"seats":` + o.pick(`1`, `3`, `12`, `25`),
		`"amount":` + o.pick(`100`, `650`, `2000`),
		`"custom_field_data":` + o.pick(`{}`, `{"f":null,"g":"v","h":7,"i":false}`),
	}
	if token {
		pool = append(pool,
			`"metadata":`+o.pick(`{}`, `{"a":1,"b":"x<y>&z","c":true,"d":1.5,"e":12345678901234567890,"é":"ü"}`),
			`"customer_metadata":`+o.pick(`{"k":3}`, `null`),
			`"discount_id":`+o.pick(`null`, `"`+DiscountFixedID+`"`, `"`+DiscountPercentID+`"`, `"`+renderMulti.String()+`"`, `"`+renderOnce.String()+`"`),
			`"success_url":`+o.pick(`"https://ex.com/ok?id={CHECKOUT_ID}&x=1"`, `null`),
			`"return_url":`+o.pick(`"https://ex.com/back"`, `null`),
			`"embed_origin":`+o.pick(`"https://embed.ex"`, `null`),
			`"customer_ip_address":`+o.pick(`"10.0.0.1"`, `null`),
			`"allow_discount_codes":`+o.pick(`true`, `false`),
			`"require_billing_address":`+o.pick(`true`, `false`),
			`"allow_trial":`+o.pick(`true`, `false`, `null`),
			`"trial_interval":`+o.pick(`"day"`, `"month"`, `null`),
			`"trial_interval_count":`+o.pick(`1`, `3`, `null`),
			`"currency":`+o.pick(`"usd"`, `"eur"`),
		)
	} else {
		pool = append(pool, `"discount_code":`+o.pick(`"tenoff"`, `"SAVE5"`, `"MULTI"`, `null`), `"allow_trial":false`)
	}
	var out []string
	for _, i := range o.rng.Perm(len(pool))[:o.rng.IntN(4)] {
		out = append(out, pool[i])
	}
	return out
}

func (o *randomOps) step() {
	products := []string{ProductOneTimeID, ProductMonthlyID, ProductPayWhatYouWantID, ProductFreeID, ProductSeatsID, renderEUR.String(), renderTrial.String(), renderGrad.String()}
	n := len(o.ids)
	switch r := o.rng.IntN(20); {
	case r < 4 || n == 0: // create
		var sel []string
		for _, i := range o.rng.Perm(len(products))[:1+o.rng.IntN(3)] {
			sel = append(sel, `"`+products[i]+`"`)
		}
		members := append(o.fields(true), `"products":[`+strings.Join(sel, ",")+`]`)
		if o.rng.IntN(3) == 0 {
			adHoc := map[string]string{
				ProductOneTimeID:        `[{"amount_type":"fixed","price_amount":777,"price_currency":"` + o.pick("usd", "eur") + `"}]`,
				ProductSeatsID:          `[{"amount_type":"seat_based","seat_tiers":{"seat_tier_type":"graduated","tiers":[{"min_seats":1,"max_seats":3,"price_per_seat":500},{"min_seats":4,"price_per_seat":400}]}}]`,
				ProductPayWhatYouWantID: `[{"amount_type":"custom","minimum_amount":100,"maximum_amount":900,"preset_amount":300}]`,
				ProductMonthlyID:        `[{"amount_type":"fixed","price_amount":0}]`,
			}
			var prices []string
			for _, s := range sel {
				if p, ok := adHoc[strings.Trim(s, `"`)]; ok {
					prices = append(prices, s+":"+p)
				}
			}
			members = append(members, `"prices":{`+strings.Join(prices, ",")+`}`)
		}
		if o.rng.IntN(4) == 0 {
			members = append(members, `"min_seats":2`, `"max_seats":`+o.pick("8", "30"))
		}
		if o.rng.IntN(4) == 0 {
			members = append(members, `"external_customer_id":"`+o.pick("ext<1>", "ext2")+`"`)
		}
		m := o.send(http.MethodPost, "/v1/checkouts/", "{"+strings.Join(members, ",")+"}", true)
		if id, _ := m["id"].(string); id != "" {
			secret, _ := m["client_secret"].(string)
			o.ids, o.secrets = append(o.ids, id), append(o.secrets, secret)
		}
	case r < 10:
		members := o.fields(true)
		if o.rng.IntN(3) == 0 {
			members = append(members, `"product_id":"`+o.pick(products...)+`"`)
		}
		o.send(http.MethodPatch, "/v1/checkouts/"+o.ids[o.rng.IntN(n)], "{"+strings.Join(members, ",")+"}", true)
	case r < 13:
		o.send(http.MethodPatch, "/v1/checkouts/client/"+o.secrets[o.rng.IntN(n)], "{"+strings.Join(o.fields(false), ",")+"}", false)
	case r < 15:
		token := o.pick(TokenSuccess, TokenProcessing, TokenDeclined, "bogus", "")
		body := `{"customer_email":"c@example.com","customer_name":"C","customer_billing_address":{"country":"FR","line1":"l","city":"c","postal_code":"p"}`
		if token != "" {
			body += `,"confirmation_token_id":"` + token + `"`
		}
		o.send(http.MethodPost, "/v1/checkouts/client/"+o.secrets[o.rng.IntN(n)]+"/confirm", body+"}", false)
	case r < 17:
		o.send(http.MethodGet, "/v1/checkouts/client/"+o.secrets[o.rng.IntN(n)], "", false)
		o.send(http.MethodGet, "/v1/checkouts/"+o.ids[o.rng.IntN(n)], "", true)
	case r < 18:
		o.clock.Advance([]time.Duration{time.Second, 5 * time.Second, 11 * time.Minute, 50 * time.Minute}[o.rng.IntN(4)])
	case r < 19:
		status := []client.CheckoutStatus{client.CheckoutStatusSucceeded, client.CheckoutStatusFailed, client.CheckoutStatusOpen, "weird<&>"}[o.rng.IntN(4)]
		o.h.SetStatus(o.ids[o.rng.IntN(n)], status)
	default:
		o.h.Expire(o.ids[o.rng.IntN(n)])
	}
}

func TestRenderMatchesReference(t *testing.T) {
	t.Parallel()
	for i, opts := range [][]Option{
		nil,
		renderCatalogOptions(),
		append(renderCatalogOptions(), WithTaxRate(2100), WithConfirmDelay(3*time.Second)),
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			clock := NewClock(time.Date(2026, 4, 1, 12, 0, 0, 123456000, time.UTC))
			h := NewHandler(append([]Option{WithClock(clock.Now), WithDeterministicIDs(int64(i)), WithBaseURL("https://polar.test")}, opts...)...)
			o := &randomOps{h: h, clock: clock, rng: mathrand.New(mathrand.NewPCG(uint64(i), 99))}
			checked := make(map[uuid.UUID]uint64)
			for s := range 600 {
				o.step()
				step := fmt.Sprint("step ", s)
				if s%5 == 4 {
					checkRendering(t, h, step, checked)
				}
				if s%150 == 149 {
					checkList(t, h, step, "limit=100")
					checkList(t, h, step, "limit=3&page=2&sorting=status&sorting=-expires_at")
				}
			}
			if len(o.ids) < 20 {
				t.Fatalf("only %d checkouts created", len(o.ids))
			}
		})
	}
}

// TestRenderOddStates renders states the API cannot reach but the
// renderer must handle as the reference does: a fixed discount without
// the checkout's currency (its single amount then shows its first
// currency), a product missing from the catalogue, and a time
// json.Marshal refuses.
func TestRenderOddStates(t *testing.T) {
	t.Parallel()
	h := NewHandler(append(renderCatalogOptions(), WithDeterministicIDs(3))...)
	rep := h.create([]byte(`{"products":["`+ProductMonthlyID+`","`+renderEUR.String()+`"]}`), "https://polar.test")
	if rep.status != http.StatusCreated {
		t.Fatalf("create: %d %s", rep.status, rep.body)
	}
	h.store.mu.Lock()
	var cs *session
	for _, v := range h.store.byID {
		cs = v
	}
	h.store.mu.Unlock()

	change := func(name string, f func(*session)) {
		t.Helper()
		h.store.mu.Lock()
		next := *cs
		f(&next)
		h.store.replace(&next)
		cs = &next
		h.store.mu.Unlock()
		checkRendering(t, h, name, map[uuid.UUID]uint64{})
	}
	change("foreign discount", func(s *session) { s.discountID = uuidPtr(renderForeign) })
	change("multi-currency discount", func(s *session) { s.discountID = uuidPtr(renderMulti) })
	change("eur product", func(s *session) { s.productID = renderEUR })
	change("unknown discount", func(s *session) { s.discountID = uuidPtr(uuid.MustParse(DiscountFixedID[:35] + "f")) })
	change("unknown product", func(s *session) {
		s.productIDs = append(slices.Clone(s.productIDs), uuid.MustParse(ProductOneTimeID[:35]+"f"))
	})

	h.store.mu.Lock()
	next := *cs
	next.createdAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	h.store.replace(&next)
	_, err := h.renderCheckout(&next)
	_, wantErr := json.Marshal(h.buildCheckout(&next))
	h.store.mu.Unlock()
	if err == nil || wantErr == nil {
		t.Fatalf("year 10000: render error %v, json.Marshal error %v; want both", err, wantErr)
	}
	if rep := h.get(next.id.String()); rep.status != http.StatusInternalServerError {
		t.Errorf("get of an unencodable checkout: %d %s", rep.status, rep.body)
	}
}

// TestJSONWriterStrings checks the string fast path against json.Marshal.
func TestJSONWriterStrings(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "<script>&amp;", "tab\tnew\nline\x00\x1f", "é ü 日本", "\u2028\u2029", "bad \xff utf8", "~\x7f"} {
		var w jsonWriter
		w.string(s)
		want, _ := json.Marshal(s)
		if !bytes.Equal(w.b, want) || w.err != nil {
			t.Errorf("%q: %s, want %s (%v)", s, w.b, want, w.err)
		}
	}
	for _, u := range []uuid.UUID{uuid.Nil, uuid.MustParse(ProductOneTimeID), uuid.MustParse("ffffffff-ffff-4fff-bfff-ffffffffffff")} {
		var w jsonWriter
		w.uuid(u)
		want, _ := json.Marshal(u)
		if !bytes.Equal(w.b, want) {
			t.Errorf("%s: %s, want %s", u, w.b, want)
		}
	}
	for _, tm := range []time.Time{{}, time.Date(2026, 4, 1, 12, 0, 0, 123456000, time.UTC), time.Date(2026, 4, 1, 12, 0, 0, 0, time.FixedZone("x", 3600))} {
		var w jsonWriter
		w.time(tm)
		want, _ := json.Marshal(tm)
		if !bytes.Equal(w.b, want) {
			t.Errorf("%v: %s, want %s", tm, w.b, want)
		}
	}
}

// TestBodiesOnlyForTheStoredVersion: a copy being changed has the
// version of the state it was copied from until it is stored, so the
// cache must serve neither it nor, through it, the stored state.
func TestBodiesOnlyForTheStoredVersion(t *testing.T) {
	t.Parallel()
	h := NewHandler()
	if rep := h.create([]byte(`{"products":["`+ProductOneTimeID+`"]}`), "https://polar.test"); rep.status != http.StatusCreated {
		t.Fatalf("create: %d %s", rep.status, rep.body)
	}
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	var stored *session
	for _, cs := range h.store.byID {
		stored = cs
	}
	before, err := h.checkoutJSON(stored)
	if err != nil {
		t.Fatal(err)
	}
	next := *stored
	next.customerName = ptr("Copy")
	got, err := h.checkoutJSON(&next)
	if err != nil || !bytes.Contains(got, []byte(`"customer_name":"Copy"`)) {
		t.Fatalf("the copy was answered from the cache (%v): %s", err, got)
	}
	if again, _ := h.checkoutJSON(stored); !bytes.Equal(again, before) {
		t.Fatalf("rendering a copy changed the stored version's answer:\n%s\n%s", again, before)
	}
	if pub, _ := h.publicJSON(&next); !bytes.Contains(pub, []byte(`"customer_name":"Copy"`)) {
		t.Fatalf("the copy's public view was answered from the cache: %s", pub)
	}
	h.store.replace(&next)
	if got, _ := h.checkoutJSON(&next); !bytes.Contains(got, []byte(`"customer_name":"Copy"`)) {
		t.Fatalf("stored copy: %s", got)
	}
}

// TestAnswersAreCached: the answer of a create, update or first read is
// the one later reads send, without rendering again.
func TestAnswersAreCached(t *testing.T) {
	t.Parallel()
	h := NewHandler()
	created := h.create([]byte(`{"products":["`+ProductOneTimeID+`"]}`), "https://polar.test")
	if created.status != http.StatusCreated {
		t.Fatalf("create: %d %s", created.status, created.body)
	}
	var m struct {
		ID           string `json:"id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := json.Unmarshal(created.body, &m); err != nil {
		t.Fatal(err)
	}
	same := func(what string, a, b *reply) {
		t.Helper()
		if a.status != http.StatusOK && a.status != http.StatusCreated || len(a.body) == 0 || len(b.body) == 0 || &a.body[0] != &b.body[0] {
			t.Errorf("%s: not answered from the cache (%d, %d)", what, a.status, b.status)
		}
	}
	same("get after create", created, h.get(m.ID))
	same("second get", h.get(m.ID), h.get(m.ID))
	same("second client get", h.clientGet(m.ClientSecret), h.clientGet(m.ClientSecret))
	updated := h.update(m.ID, []byte(`{"customer_name":"Ann"}`))
	same("get after update", updated, h.get(m.ID))
	if bytes.Equal(updated.body, created.body) {
		t.Error("the update's answer is the create's")
	}
}
