package polartest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/polartest"
)

// The answers showing a checkout are cached per stored version of the
// session (render.go). These tests read a checkout once (filling the
// cache), change it in every way it can change, and read it again.

// fetch sends a GET from any goroutine; header is key, value, ...
func fetch(e *env, path string, header []string) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		return 0, nil, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// get reads a checkout through the token view and fails unless it is 200.
func (e *env) get(id string) *result {
	e.t.Helper()
	r := e.do(http.MethodGet, "/v1/checkouts/"+id, nil, token...)
	if r.status != http.StatusOK {
		e.t.Fatalf("get: %d %s", r.status, r.raw)
	}
	return r
}

// clientGet reads a checkout through the client secret.
func (e *env) clientGet(secret string) *result {
	e.t.Helper()
	return e.do(http.MethodGet, "/v1/checkouts/client/"+secret, nil)
}

// publicStatus decodes the status of a public view.
func publicStatus(t *testing.T, r *result) string {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("client get: %d %s", r.status, r.raw)
	}
	return r.obj(t)["status"].(string)
}

func TestCacheFollowsUpdates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createOf(polartest.ProductOneTimeID)
	id := c.ID.String()
	first := e.get(id)
	if !bytes.Equal(first.raw, e.get(id).raw) {
		t.Fatal("two reads of an unchanged checkout differ")
	}
	e.clientGet(c.ClientSecret)

	e.clock.Advance(time.Second)
	if r := e.do(http.MethodPatch, "/v1/checkouts/"+id, map[string]any{"customer_name": "Ann", "metadata": map[string]any{"k": "v"}}, token...); r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.raw)
	}
	got := e.get(id).checkout(t)
	if nullOr[string](t, got.CustomerName) != "Ann" || got.Metadata["k"] != "v" || nullOr[time.Time](t, got.ModifiedAt) != t0.Add(time.Second) {
		t.Errorf("get after update: name %v metadata %v modified_at %v", got.CustomerName, got.Metadata, got.ModifiedAt)
	}
	if m := e.clientGet(c.ClientSecret).obj(t); m["customer_name"] != "Ann" {
		t.Errorf("client get after update: customer_name %v", m["customer_name"])
	}
	if p := e.listPage(t, ""); len(p.Items) != 1 || nullOr[string](t, p.Items[0].CustomerName) != "Ann" {
		t.Errorf("list after update: %+v", p.Items)
	}

	// A client update changes both views too.
	if r := e.do(http.MethodPatch, "/v1/checkouts/client/"+c.ClientSecret, map[string]any{"customer_name": "Bob", "discount_code": polartest.DiscountFixedCode}); r.status != http.StatusOK {
		t.Fatalf("client update: %d %s", r.status, r.raw)
	}
	got = e.get(id).checkout(t)
	if nullOr[string](t, got.CustomerName) != "Bob" || got.TotalAmount != 2000 {
		t.Errorf("get after client update: name %v total %d", got.CustomerName, got.TotalAmount)
	}
	if m := e.clientGet(c.ClientSecret).obj(t); m["customer_name"] != "Bob" || m["total_amount"] != 2000.0 {
		t.Errorf("client get after client update: %v %v", m["customer_name"], m["total_amount"])
	}

	// A refused update changes nothing, cached or not.
	before := e.get(id).raw
	if r := e.do(http.MethodPatch, "/v1/checkouts/"+id, map[string]any{"customer_name": "Cid", "seats": 3}, token...); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid update: %d %s", r.status, r.raw)
	}
	if after := e.get(id).raw; !bytes.Equal(before, after) {
		t.Errorf("a refused update changed the answer:\n%s\n%s", before, after)
	}
}

func TestCacheFollowsExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithExpiry(30*time.Minute))
	c := e.createOf(polartest.ProductOneTimeID)
	id := c.ID.String()
	if got := e.get(id).checkout(t); got.Status != client.CheckoutStatusOpen {
		t.Fatalf("status %q", got.Status)
	}
	if s := publicStatus(t, e.clientGet(c.ClientSecret)); s != "open" {
		t.Fatalf("public status %q", s)
	}

	e.clock.Advance(30 * time.Minute)
	wantError(t, e.clientGet(c.ClientSecret), http.StatusGone, "ExpiredCheckoutError", "", "")
	got := e.get(id).checkout(t)
	if got.Status != client.CheckoutStatusExpired || nullOr[time.Time](t, got.ModifiedAt) != c.ExpiresAt {
		t.Errorf("get after expiry: status %q modified_at %v", got.Status, got.ModifiedAt)
	}
	if p := e.listPage(t, "?status=open"); p.Pagination.TotalCount != 0 {
		t.Errorf("open checkouts after expiry: %d", p.Pagination.TotalCount)
	}
	if h, _ := e.h.Checkout(id); h.Status != client.CheckoutStatusExpired {
		t.Errorf("Handler.Checkout after expiry: %q", h.Status)
	}
}

func TestCacheFollowsExpiryOnList(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithExpiry(30*time.Minute))
	c := e.createOf(polartest.ProductOneTimeID)
	if p := e.listPage(t, ""); len(p.Items) != 1 || p.Items[0].Status != client.CheckoutStatusOpen {
		t.Fatalf("list: %+v", p.Items)
	}
	e.clock.Advance(time.Hour)
	// The list is the first read after expiry: it expires the checkout.
	if p := e.listPage(t, ""); len(p.Items) != 1 || p.Items[0].Status != client.CheckoutStatusExpired {
		t.Errorf("list after expiry: %+v", p.Items)
	}
	if got := e.get(c.ID.String()).checkout(t); got.Status != client.CheckoutStatusExpired {
		t.Errorf("get after expiry: %q", got.Status)
	}
}

func TestCacheFollowsSettlement(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithConfirmDelay(5*time.Second))
	for _, tc := range []struct {
		token   string
		settle  time.Duration
		pending string
	}{
		{polartest.TokenSuccess, 5 * time.Second, "succeeded"},
		{polartest.TokenProcessing, 5*time.Second + polartest.ProcessingTime, "processing"},
	} {
		c := e.createOf(polartest.ProductOneTimeID)
		id := c.ID.String()
		e.get(id)
		e.clientGet(c.ClientSecret)
		if r := e.do(http.MethodPost, confirmPath(c.ClientSecret), payer(map[string]any{"confirmation_token_id": tc.token})); r.status != http.StatusOK {
			t.Fatalf("%s: confirm: %d %s", tc.token, r.status, r.raw)
		}
		got := e.get(id).checkout(t)
		if got.Status != client.CheckoutStatusConfirmed || got.PaymentProcessorMetadata["intent_status"] != tc.pending {
			t.Errorf("%s: after confirm: status %q metadata %v", tc.token, got.Status, got.PaymentProcessorMetadata)
		}
		if s := publicStatus(t, e.clientGet(c.ClientSecret)); s != "confirmed" {
			t.Errorf("%s: public status after confirm %q", tc.token, s)
		}

		e.clock.Advance(tc.settle - time.Microsecond)
		if got := e.get(id).checkout(t); got.Status != client.CheckoutStatusConfirmed {
			t.Errorf("%s: just before settlement: %q", tc.token, got.Status)
		}
		e.clock.Advance(time.Microsecond)
		if s := publicStatus(t, e.clientGet(c.ClientSecret)); s != "succeeded" {
			t.Errorf("%s: public status after settlement %q", tc.token, s)
		}
		got = e.get(id).checkout(t)
		if got.Status != client.CheckoutStatusSucceeded || got.PaymentProcessorMetadata["intent_status"] != "succeeded" ||
			nullOr[time.Time](t, got.ModifiedAt) != e.clock.Now() {
			t.Errorf("%s: after settlement: status %q metadata %v modified_at %v", tc.token, got.Status, got.PaymentProcessorMetadata, got.ModifiedAt)
		}
	}
}

func TestCacheFollowsHelpers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createOf(polartest.ProductOneTimeID)
	id := c.ID.String()
	e.get(id)
	e.clientGet(c.ClientSecret)

	e.h.SetStatus(id, client.CheckoutStatusFailed)
	if got := e.get(id).checkout(t); got.Status != client.CheckoutStatusFailed {
		t.Errorf("after SetStatus: %q", got.Status)
	}
	if s := publicStatus(t, e.clientGet(c.ClientSecret)); s != "failed" {
		t.Errorf("public status after SetStatus: %q", s)
	}
	e.h.SetStatus(id, client.CheckoutStatusOpen)
	e.get(id)
	e.h.Expire(id)
	wantError(t, e.clientGet(c.ClientSecret), http.StatusGone, "ExpiredCheckoutError", "", "")
	if got := e.get(id).checkout(t); got.Status != client.CheckoutStatusExpired || !got.ExpiresAt.Equal(t0) {
		t.Errorf("after Expire: status %q expires_at %v", got.Status, got.ExpiresAt)
	}
}

// TestCacheAfterReset: deterministic IDs repeat after Reset, so a new
// checkout has the ID of a forgotten one; it must not be answered with
// the old one's cached body.
func TestCacheAfterReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithDeterministicIDs(1))
	a := e.createOf(polartest.ProductOneTimeID)
	e.get(a.ID.String())
	e.clientGet(a.ClientSecret)
	e.h.Reset()
	b := e.createOf(polartest.ProductMonthlyID)
	if b.ID != a.ID || b.ClientSecret != a.ClientSecret {
		t.Fatalf("IDs did not repeat after Reset: %s %s", a.ID, b.ID)
	}
	if got := e.get(b.ID.String()).checkout(t); nullOr[uuid.UUID](t, got.ProductID) != uuid.MustParse(polartest.ProductMonthlyID) {
		t.Errorf("get after Reset shows product %v", got.ProductID)
	}
	if m := e.clientGet(b.ClientSecret).obj(t); m["product_id"] != polartest.ProductMonthlyID {
		t.Errorf("client get after Reset shows product %v", m["product_id"])
	}
}

// TestCachedBodyIsNeverAltered: faults that cut or replace a cached
// answer, and changes to the value Handler.Checkout returns, leave the
// next answers whole.
func TestCachedBodyIsNeverAltered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createOf(polartest.ProductOneTimeID)
	id := c.ID.String()
	full := e.get(id).raw

	e.h.InjectFault(polartest.OpGet, 1, polartest.TruncatedBody())
	if status, body, err := fetch(e, "/v1/checkouts/"+id, token); err == nil || status != http.StatusOK || len(body) >= len(full) {
		t.Fatalf("truncated get: %d, %d of %d bytes, %v", status, len(body), len(full), err)
	}
	e.h.InjectFault(polartest.OpGet, 1, polartest.GarbageBody())
	if r := e.get(id); bytes.Equal(r.raw, full) {
		t.Fatal("the garbage fault did not act")
	}
	if again := e.get(id).raw; !bytes.Equal(again, full) {
		t.Fatalf("answer changed after faults:\n%s\n%s", again, full)
	}

	// The value of Handler.Checkout has its own unions: decoding into
	// them does not reach the rendered catalogue.
	got, _ := e.h.Checkout(id)
	price, _ := got.ProductPrice.Get()
	if err := price.UnmarshalJSON([]byte(`{"x":1}`)); err != nil {
		t.Fatal(err)
	}
	if r := e.do(http.MethodPatch, "/v1/checkouts/"+id, map[string]any{"customer_name": "Ann"}, token...); r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.raw)
	}
	var before, after map[string]json.RawMessage
	if err := json.Unmarshal(full, &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(e.get(id).raw, &after); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"product_price", "product", "products", "prices"} {
		if !bytes.Equal(before[k], after[k]) {
			t.Errorf("%s changed:\n%s\n%s", k, before[k], after[k])
		}
	}
}

// TestCacheUnderConcurrentWrites: while one writer updates a checkout,
// readers through every view must never see a state older than one they
// have already seen, and the writer always reads its own writes.
func TestCacheUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	t.Cleanup(tr.CloseIdleConnections)
	e.hc = &http.Client{Transport: tr, Timeout: 10 * time.Second}
	c := e.createOf(polartest.ProductOneTimeID)
	id := c.ID.String()
	const writes = 60
	name := func(i int) string { return fmt.Sprintf("n%03d", i) }
	if r := e.do(http.MethodPatch, "/v1/checkouts/"+id, map[string]any{"customer_name": name(0)}, token...); r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.raw)
	}

	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	read := func(path string, header []string) {
		defer wg.Done()
		last := ""
		for {
			select {
			case <-done:
				return
			default:
			}
			status, body, err := fetch(e, path, header)
			if err != nil || status != http.StatusOK {
				errs <- fmt.Sprintf("%s: %d %v %s", path, status, err, body)
				return
			}
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				errs <- fmt.Sprintf("%s: %v", path, err)
				return
			}
			got, _ := m["customer_name"].(string)
			if got < last {
				errs <- fmt.Sprintf("%s: saw %s after %s", path, got, last)
				return
			}
			last = got
		}
	}
	for range 2 {
		wg.Add(2)
		go read("/v1/checkouts/"+id, token)
		go read("/v1/checkouts/client/"+c.ClientSecret, nil)
	}
	for i := 1; i <= writes; i++ {
		if r := e.do(http.MethodPatch, "/v1/checkouts/"+id, map[string]any{"customer_name": name(i)}, token...); r.status != http.StatusOK {
			t.Fatalf("update %d: %d %s", i, r.status, r.raw)
		}
		if got := e.get(id).checkout(t); nullOr[string](t, got.CustomerName) != name(i) {
			t.Fatalf("write %d then read: %v", i, got.CustomerName)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
