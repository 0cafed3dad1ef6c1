package polartest

import (
	"bytes"
	"encoding/json"
	"fmt"
	mathrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
)

// indexRun drives one handler through random changes and list queries,
// holding every indexed answer to scanPage, the reference.
type indexRun struct {
	t     *testing.T
	rng   *mathrand.Rand
	h     *Handler
	clock *Clock
	seen  planKinds
}

// planKinds counts the kinds of queries a run checked, so that the test
// can require each kind to be tested.
type planKinds struct {
	exact, walked, scanned    int // how the list answered
	combined                  int // exact with two or more filters: one held every session
	paired                    int // exact with two narrowing filters: status and product
	empty, pastEnd, dupValues int // no match; a page past the last one with matches; a value repeated
}

func (k *planKinds) add(o planKinds) {
	k.exact += o.exact
	k.walked += o.walked
	k.scanned += o.scanned
	k.combined += o.combined
	k.paired += o.paired
	k.empty += o.empty
	k.pastEnd += o.pastEnd
	k.dupValues += o.dupValues
}

// indexNilOrgProduct has no organization, which means the fixtures' one.
const indexNilOrgProduct = "20000000-0000-4000-8000-0000000000f1"

// runIndex makes steps random changes on a random store of seed, checking
// a random query after one change in three, then 200 queries more.
func runIndex(t *testing.T, seed uint64, steps int) planKinds {
	r := newIndexRun(t, seed)
	for step := range steps {
		r.change(step)
		if r.rng.IntN(3) == 0 {
			r.check(step)
		}
	}
	for step := range 200 {
		r.check(steps + step)
	}
	return r.seen
}

// TestListIndexMatchesScan holds the list indexes (index.go, ordered.go)
// to the scan of the store, over random stores: creates, token and client
// updates, confirmations, expiries and settlements on a fake clock (ties
// in created_at included), reads that refresh a session outside the
// indexes, Expire, SetStatus and Reset; and random queries: every filter
// alone or combined, with values no session has, repeated values, every
// sort the API has (one to three keys), query text, pages past the end
// and limits above the maximum. One run stores enough sessions to split
// the index blocks. It fails unless every kind of plan and query was
// checked. FuzzListIndexMatchesScan explores more seeds.
func TestListIndexMatchesScan(t *testing.T) {
	t.Parallel()
	var seen planKinds
	for seed := range 12 {
		steps := 400
		if seed == 0 {
			steps = 2500
		}
		t.Run("seed="+strconv.Itoa(seed), func(t *testing.T) {
			seen.add(runIndex(t, uint64(seed), steps))
		})
	}
	t.Logf("checked %+v", seen)
	if seen.exact == 0 || seen.walked == 0 || seen.scanned == 0 || seen.combined == 0 || seen.paired == 0 ||
		seen.empty == 0 || seen.pastEnd == 0 || seen.dupValues == 0 {
		t.Errorf("checked %+v; every kind must be tested", seen)
	}
}

// FuzzListIndexMatchesScan is TestListIndexMatchesScan over any seed and
// length: go test -fuzz FuzzListIndexMatchesScan ./polartest/.
func FuzzListIndexMatchesScan(f *testing.F) {
	for seed := range 4 {
		f.Add(uint64(100+seed), uint16(300))
	}
	f.Fuzz(func(t *testing.T, seed uint64, steps uint16) {
		runIndex(t, seed, int(steps%1500))
	})
}

func newIndexRun(t *testing.T, seed uint64) *indexRun {
	rng := mathrand.New(mathrand.NewPCG(seed, 13))
	clock := NewClock(time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC))
	expiry := []time.Duration{3 * time.Minute, time.Hour}[rng.IntN(2)]
	delay := []time.Duration{0, 2 * time.Minute}[rng.IntN(2)]
	nilOrg := Product{ID: uuid.MustParse(indexNilOrgProduct), Name: "No organization", Price: Price{ID: uuid.MustParse("30000000-0000-4000-8000-0000000000f1"), Type: PriceFixed, Amount: 500}}
	h := NewHandler(WithClock(clock.Now), WithExpiry(expiry), WithConfirmDelay(delay), WithProducts(nilOrg))
	return &indexRun{t: t, rng: rng, h: h, clock: clock}
}

// indexProducts are the products sessions are made of.
var indexProducts = []string{ProductOneTimeID, ProductMonthlyID, ProductPayWhatYouWantID, ProductFreeID, indexNilOrgProduct}

// indexExternals and indexEmails are the values the sessions draw from;
// the queries use them and values no session has.
var (
	indexExternals = []string{"ext-0", "ext-1", "ext-2", "EXT-0"}
	indexEmails    = []string{"ada@example.com", "Bob@Example.COM", "carol@test.org", "dave@example.com"}
)

// pick returns a random element of values.
func pick[T any](rng *mathrand.Rand, values []T) T { return values[rng.IntN(len(values))] }

// send serves one request; the answer does not matter, only what it
// changed.
func (r *indexRun) send(method, path string, body any) {
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			r.t.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+Token)
	req.Header.Set("Content-Type", "application/json")
	r.h.ServeHTTP(httptest.NewRecorder(), req)
}

// session returns a random stored session (nil if none), as it is stored.
func (r *indexRun) session() *session {
	r.h.store.mu.Lock()
	defer r.h.store.mu.Unlock()
	n := len(r.h.store.byID)
	if n == 0 {
		return nil
	}
	i := r.rng.IntN(n)
	for _, cs := range r.h.store.byID {
		if i == 0 {
			return cs
		}
		i--
	}
	return nil
}

// customer returns a random known customer, if any.
func (r *indexRun) customer() (uuid.UUID, bool) {
	r.h.store.mu.Lock()
	defer r.h.store.mu.Unlock()
	for id := range r.h.store.known {
		return id, true
	}
	return uuid.Nil, false
}

// change makes one random change, or lets time pass.
func (r *indexRun) change(step int) {
	rng := r.rng
	if step == 150 {
		r.h.Reset()
		return
	}
	switch n := rng.IntN(100); {
	case n < 40:
		body := map[string]any{"products": []string{pick(rng, indexProducts), pick(rng, indexProducts)}}
		if rng.IntN(2) == 0 {
			body["external_customer_id"] = pick(rng, indexExternals)
		}
		if rng.IntN(2) == 0 {
			body["customer_email"] = pick(rng, indexEmails)
		}
		if id, ok := r.customer(); ok && rng.IntN(5) == 0 {
			body["customer_id"] = id.String()
		}
		r.send(http.MethodPost, "/v1/checkouts/", body)
	case n < 55:
		cs := r.session()
		if cs == nil {
			return
		}
		body := map[string]any{}
		switch rng.IntN(3) {
		case 0:
			body["customer_email"] = pick(rng, indexEmails)
		case 1:
			body["external_customer_id"] = pick(rng, append([]any{nil}, "ext-1", "ext-3"))
		default:
			body["product_id"] = pick(rng, cs.productIDs).String()
		}
		if rng.IntN(2) == 0 {
			r.send(http.MethodPatch, "/v1/checkouts/"+cs.id.String(), body)
		} else {
			delete(body, "external_customer_id")
			r.send(http.MethodPatch, "/v1/checkouts/client/"+cs.clientSecret, body)
		}
	case n < 65:
		if cs := r.session(); cs != nil {
			r.send(http.MethodPost, "/v1/checkouts/client/"+cs.clientSecret+"/confirm", map[string]any{
				"customer_email":           pick(rng, indexEmails),
				"customer_name":            "Jane Doe",
				"customer_billing_address": map[string]any{"country": "FR"},
				"confirmation_token_id":    TokenSuccess,
			})
		}
	case n < 70:
		if cs := r.session(); cs != nil {
			r.send(http.MethodGet, "/v1/checkouts/"+cs.id.String(), nil) // refreshes it, not the indexes' heap
		}
	case n < 73:
		if cs := r.session(); cs != nil {
			r.h.Expire(cs.id.String())
		}
	case n < 76:
		if cs := r.session(); cs != nil {
			statuses := []client.CheckoutStatus{client.CheckoutStatusOpen, client.CheckoutStatusFailed, client.CheckoutStatusSucceeded, client.CheckoutStatusConfirmed}
			r.h.SetStatus(cs.id.String(), pick(rng, statuses))
		}
	default:
		r.clock.Advance(time.Duration(rng.IntN(90)) * time.Second)
	}
}

// sortKeys are the sort keys of the API.
var sortKeys = []string{"created_at", "-created_at", "expires_at", "-expires_at", "status", "-status"}

// query returns random list parameters.
func (r *indexRun) query() url.Values {
	rng := r.rng
	q := url.Values{}
	some := func(key string, values ...string) {
		if rng.IntN(3) != 0 {
			return
		}
		for range 1 + rng.IntN(3) {
			q.Add(key, pick(rng, values))
		}
	}
	some("status", "open", "expired", "confirmed", "succeeded", "failed")
	some("product_id", append(indexProducts, ProductSeatsID)...)
	some("organization_id", OrganizationID, "10000000-0000-4000-8000-0000000000aa")
	if id, ok := r.customer(); ok {
		some("customer_id", id.String(), "10000000-0000-4000-8000-0000000000bb")
	}
	some("external_customer_id", append(indexExternals, "ext-3", "nobody")...)
	if rng.IntN(6) == 0 {
		q.Set("query", pick(rng, []string{"a", "EXAMPLE", "bob@", "zz", ""}))
	}
	switch n := rng.IntN(10); {
	case n < 5: // the indexed sorts
		q.Set("sorting", pick(rng, sortKeys[:2]))
	case n < 8:
		for range 1 + rng.IntN(3) {
			q.Add("sorting", pick(rng, sortKeys))
		}
	} // else the default
	switch n := rng.IntN(10); {
	case n < 7:
		q.Set("page", strconv.Itoa(1+rng.IntN(6)))
	case n < 8:
		q.Set("page", pick(rng, []string{"9223372036854775807", "99999999999999999999", "40"}))
	}
	switch n := rng.IntN(10); {
	case n < 7:
		q.Set("limit", strconv.Itoa(1+rng.IntN(12)))
	case n < 8:
		q.Set("limit", pick(rng, []string{"100", "101", "9223372036854775807"}))
	}
	return q
}

// check answers one random query through list and through scanPage.
func (r *indexRun) check(step int) {
	t := r.t
	q := r.query()
	got := r.h.list(q)

	h := r.h
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	lq, errs := parseListQuery(q)
	if errs != nil {
		t.Fatalf("step %d: %v: %v", step, q, errs)
	}
	limit := min(lq.limit, maxPageLimit)
	version := h.store.version
	page, total := h.scanPage(lq, limit, h.now())
	if h.store.version != version {
		t.Fatalf("step %d: the scan made a transition list missed (refreshDue)", step)
	}
	want := h.listReply(page, (total+limit-1)/limit, total)
	if got.status != want.status || !bytes.Equal(got.body, want.body) {
		t.Fatalf("step %d: %v:\n got %d %s\nwant %d %s", step, q, got.status, summary(got.body), want.status, summary(want.body))
	}
	r.count(lq, len(page), total)
}

// count records the kind of a query checked; the caller holds mu.
func (r *indexRun) count(lq listQuery, items int, total int64) {
	k := &r.seen
	switch plan, ok := r.h.planList(lq); {
	case !ok:
		k.scanned++
	case plan.exact:
		k.exact++
		if n := r.narrowing(lq); total > 0 && n >= 2 {
			k.paired++
		} else if total > 0 && filtersOf(lq) >= 2 {
			k.combined++
		}
	default:
		k.walked++
	}
	switch {
	case total == 0:
		k.empty++
	case items == 0:
		k.pastEnd++
	}
	if len(distinct(lq.statuses)) < len(lq.statuses) || len(distinct(lq.products)) < len(lq.products) || len(distinct(lq.externals)) < len(lq.externals) {
		k.dupValues++
	}
}

// narrowing is the number of indexed filters of lq that some sessions
// fail; the caller holds mu.
func (r *indexRun) narrowing(lq listQuery) int {
	ix := r.h.store.index
	n := 0
	for _, f := range ix.filters(lq, false) {
		if f.u.len() < ix.all.len() {
			n++
		}
	}
	return n
}

// filtersOf is the number of indexed filters of lq.
func filtersOf(lq listQuery) int {
	n := 0
	for _, present := range []bool{lq.statuses != nil, lq.products != nil, lq.orgs != nil, lq.customers != nil, lq.externals != nil} {
		if present {
			n++
		}
	}
	return n
}

// summary shows the IDs and pagination of a list answer.
func summary(body []byte) string {
	var l struct {
		Items []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"items"`
		Pagination any `json:"pagination"`
	}
	if err := json.Unmarshal(body, &l); err != nil {
		return fmt.Sprintf("%q", body)
	}
	var b strings.Builder
	for _, it := range l.Items {
		fmt.Fprintf(&b, "%s/%s ", it.ID[:8], it.Status)
	}
	return fmt.Sprintf("%s%v", b.String(), l.Pagination)
}
