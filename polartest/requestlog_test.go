package polartest_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// The log holds what the SDK sent: the version and organization of every
// request, routed or refused, in order.
func TestRequests_recordsVersionAndOrganization(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const org = "1b4e28ba-2fa1-4d3b-8a5b-6a3c5e7f9d01"
	c, err := e.srv.Client(polar.WithOrganization(org))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	co, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Checkouts.Get(ctx, co.ID, polar.WithAPIVersion(polar.APIVersion2027_01)); err != nil {
		t.Fatal(err)
	}
	e.do(http.MethodGet, "/v1/checkouts/", nil, append(token, "Polar-Version", "1999-01")...) // refused: 404
	e.do(http.MethodGet, "/v1/checkouts/", nil, token...)                                     // no version header

	want := []polartest.Request{
		{Op: polartest.OpCreate, Method: http.MethodPost, APIVersion: polar.DefaultAPIVersion, Organization: org},
		{Op: polartest.OpGet, Method: http.MethodGet, APIVersion: polar.APIVersion2027_01, Organization: org},
		{Op: "", Method: http.MethodGet, APIVersion: "1999-01"},
		{Op: polartest.OpList, Method: http.MethodGet},
	}
	got := e.h.Requests()
	if len(got) != len(want) {
		t.Fatalf("Requests() = %+v, want %d entries", got, len(want))
	}
	for i := range want {
		g := got[i]
		if !g.At.Equal(t0) {
			t.Errorf("request %d: At = %v, want the server clock %v", i, g.At, t0)
		}
		g.At = want[i].At
		if g != want[i] {
			t.Errorf("request %d = %+v, want %+v", i, g, want[i])
		}
	}
	e.h.Reset()
	if n := len(e.h.Requests()); n != 0 {
		t.Errorf("after Reset: %d requests, want 0", n)
	}
}

// The log keeps the last RequestLogSize requests, oldest first.
func TestRequests_boundedToTheMostRecent(t *testing.T) {
	t.Parallel()
	h := polartest.NewHandler(polartest.WithClock(polartest.NewClock(t0).Now))
	const extra = 5
	for i := range polartest.RequestLogSize + extra {
		r, _ := http.NewRequest(http.MethodGet, "/v1/checkouts/", nil)
		r.Header.Set("Polar-Organization", orgN(i))
		h.ServeHTTP(discard{}, r)
	}
	got := h.Requests()
	if len(got) != polartest.RequestLogSize {
		t.Fatalf("%d requests kept, want %d", len(got), polartest.RequestLogSize)
	}
	if got[0].Organization != orgN(extra) || got[len(got)-1].Organization != orgN(polartest.RequestLogSize+extra-1) {
		t.Errorf("kept %s … %s, want the last %d in order", got[0].Organization, got[len(got)-1].Organization, polartest.RequestLogSize)
	}
}

func orgN(i int) string { return "org-" + strconv.Itoa(i) }

// discard is a ResponseWriter that drops the answer.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) WriteHeader(int)             {}
