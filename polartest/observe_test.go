package polartest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gopolar/checkouts/client"
)

// change is one call of store.observe.
type change struct {
	old, next *session
}

// TestObserveSeesEveryChange checks that store.observe gets each change of
// stored state, in order, with the state it replaced.
func TestObserveSeesEveryChange(t *testing.T) {
	t.Parallel()
	clock := NewClock(time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC))
	h := NewHandler(WithClock(clock.Now), WithExpiry(time.Hour))
	var got []change
	h.store.observe = func(old, next *session) { got = append(got, change{old, next}) }
	send := func(method, path, body string) {
		t.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+Token)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
		}
	}

	send(http.MethodPost, "/v1/checkouts/", `{"products":["`+ProductOneTimeID+`"]}`)
	if len(got) != 1 || got[0].old != nil || got[0].next.status != client.CheckoutStatusOpen {
		t.Fatalf("after create: %+v", got)
	}
	id := got[0].next.id.String()
	send(http.MethodPatch, "/v1/checkouts/"+id, `{"customer_name":"Ada"}`)
	send(http.MethodGet, "/v1/checkouts/"+id, "") // no change, no call
	clock.Advance(time.Hour)
	send(http.MethodGet, "/v1/checkouts/"+id, "") // expires
	h.SetStatus(id, client.CheckoutStatusFailed)

	wantStatus := []client.CheckoutStatus{client.CheckoutStatusOpen, client.CheckoutStatusOpen, client.CheckoutStatusExpired, client.CheckoutStatusFailed}
	if len(got) != len(wantStatus) {
		t.Fatalf("%d calls, want %d", len(got), len(wantStatus))
	}
	for i, c := range got {
		if c.next.status != wantStatus[i] {
			t.Errorf("call %d: status %q, want %q", i, c.next.status, wantStatus[i])
		}
		if i > 0 && c.old != got[i-1].next {
			t.Errorf("call %d: old is not the state stored by call %d", i, i-1)
		}
	}
	if n := got[1].next.customerName; n == nil || *n != "Ada" {
		t.Errorf("update not seen: %v", n)
	}
	if got[0].next.customerName != nil {
		t.Error("a stored state was changed in place")
	}
}
