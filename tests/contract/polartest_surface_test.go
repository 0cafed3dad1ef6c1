package contract_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	"github.com/gopolar/checkouts/tests/contract"
	polar "github.com/gopolar/checkouts/wrapper"
)

// fakeEnv is the polartest fake behind the validating middleware, and an
// SDK client behind the validating transport: every exchange is checked
// on both sides of the wire.
type fakeEnv struct {
	c     *polar.Client
	fake  *polartest.Handler
	clock *polartest.Clock
	vt    *contract.ValidatingTransport

	mu       sync.Mutex
	serverVs []contract.Violation
}

func newFakeEnv(t *testing.T, opts ...polartest.Option) *fakeEnv {
	t.Helper()
	e := &fakeEnv{clock: polartest.NewClock(time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))}
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	e.fake = polartest.NewHandler(append([]polartest.Option{polartest.WithClock(e.clock.Now), polartest.WithBaseURL(srv.URL), polartest.WithTaxRate(2000)}, opts...)...)
	router := routerFor(t, srv.URL)
	srv.Config.Handler = contract.ValidatingMiddleware(router, func(v contract.Violation) {
		e.mu.Lock()
		e.serverVs = append(e.serverVs, v)
		e.mu.Unlock()
	})(e.fake)
	e.vt = &contract.ValidatingTransport{Router: router, Next: srv.Client().Transport}
	c, err := polar.NewClient(polar.WithBaseURL(srv.URL), polar.WithAccessToken(polartest.Token),
		polar.WithHTTPClient(&http.Client{Transport: e.vt}), polar.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	t.Cleanup(func() {
		for _, v := range e.vt.Violations() {
			t.Errorf("client side: %s", v)
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, v := range e.serverVs {
			t.Errorf("server side: %s", v)
		}
		if e.vt.Exchanges() == 0 {
			t.Error("no exchange was validated")
		}
	})
	return e
}

func (e *fakeEnv) create(t *testing.T, body *polar.CheckoutCreate) *polar.Checkout {
	t.Helper()
	co, err := e.c.Checkouts.Create(t.Context(), body)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return co
}

func products(ids ...string) []polar.UUID {
	out := make([]polar.UUID, len(ids))
	for i, id := range ids {
		out[i] = polar.MustParseUUID(id)
	}
	return out
}

// payer is a confirm body with everything a paid checkout needs.
func payer(token string) *polar.CheckoutConfirmStripe {
	return &polar.CheckoutConfirmStripe{
		ConfirmationTokenID:    polar.Value(token),
		CustomerEmail:          polar.Value[polar.Email]("ada@example.com"),
		CustomerName:           polar.Value("Ada Lovelace"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR", Line1: polar.Value("1 rue de Rivoli"), City: polar.Value("Paris"), PostalCode: polar.Value("75001")}),
	}
}

// TestFakeSurface_everyOperation runs the seven operations, every list
// filter, sorting and paging against the fake, validated both ways.
func TestFakeSurface_everyOperation(t *testing.T) {
	t.Parallel()
	e := newFakeEnv(t)
	ctx := t.Context()
	c := e.c.Checkouts

	co := e.create(t, &polar.CheckoutCreate{
		Products:           products(polartest.ProductOneTimeID, polartest.ProductMonthlyID, polartest.ProductSeatsID),
		DiscountID:         polar.Value(polar.MustParseUUID(polartest.DiscountFixedID)),
		ExternalCustomerID: polar.Value("cus_surface"),
		CustomerEmail:      polar.Value[polar.Email]("ada@example.com"),
		Metadata:           &polar.MetadataInput{"order": "1", "n": 2, "f": 1.5, "b": true},
		CustomerMetadata:   &polar.MetadataInput{"tier": "gold"},
		SuccessURL:         polar.Value("https://shop.example/thanks?c={CHECKOUT_ID}"),
	})
	e.create(t, &polar.CheckoutCreate{Products: products(polartest.ProductPayWhatYouWantID), Amount: polar.Value[int64](1500)})
	e.create(t, &polar.CheckoutCreate{Products: products(polartest.ProductSeatsID), Seats: polar.Value(12)})
	e.create(t, &polar.CheckoutCreate{Products: products(polartest.ProductFreeID)})

	if _, err := c.Get(ctx, co.ID); err != nil {
		t.Fatalf("Get: %v", err)
	}
	if _, err := c.Update(ctx, co.ID, &polar.CheckoutUpdate{
		DiscountID:    polar.Null[polar.UUID](),
		CustomerName:  polar.Value("Ada"),
		Metadata:      &polar.MetadataInput{"order": "2"},
		CustomerEmail: polar.Value[polar.Email]("ada@example.com"),
		ProductID:     polar.Value(polar.MustParseUUID(polartest.ProductMonthlyID)),
	}); err != nil {
		t.Fatalf("Update: %v", err)
	}

	e.clock.Advance(time.Second)
	status := []polar.CheckoutStatus{polar.CheckoutStatusOpen, polar.CheckoutStatusExpired, polar.CheckoutStatusConfirmed, polar.CheckoutStatusSucceeded, polar.CheckoutStatusFailed}
	filters := []*polar.ListParams{
		nil,
		{OrganizationID: &[]polar.UUID{polar.MustParseUUID(polartest.OrganizationID)}},
		{ProductID: &[]polar.UUID{polar.MustParseUUID(polartest.ProductSeatsID), polar.MustParseUUID(polartest.ProductFreeID)}},
		{CustomerID: &[]polar.UUID{polar.MustParseUUID("9fc41be3-7e30-40e1-a0a8-71ba5c2c8cdb")}},
		{ExternalCustomerID: &[]string{"cus_surface", "other"}},
		{Status: &status},
		{Query: polar.Ptr("ada@")},
		{Sorting: &[]polar.CheckoutSortProperty{"status", "-expires_at", "created_at"}},
		{Page: polar.Ptr(2), Limit: polar.Ptr(2)},
		{Page: polar.Ptr(9), Limit: polar.Ptr(500)},
	}
	for _, p := range filters {
		if _, err := c.List(ctx, p); err != nil {
			t.Errorf("List(%+v): %v", p, err)
		}
	}
	n := 0
	for _, err := range c.All(ctx, &polar.ListParams{Limit: polar.Ptr(1)}, polar.WithLookahead(2), polar.WithRateLimit(60000)) {
		if err != nil {
			t.Fatalf("All: %v", err)
		}
		n++
	}
	if n != 4 {
		t.Errorf("All saw %d checkouts, want 4", n)
	}

	if _, err := c.ClientGet(ctx, co.ClientSecret); err != nil {
		t.Fatalf("ClientGet: %v", err)
	}
	if _, err := c.ClientUpdate(ctx, co.ClientSecret, &polar.CheckoutUpdatePublic{
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR", City: polar.Value("Paris")}),
		DiscountCode:           polar.Value(polartest.DiscountPercentCode),
		IsBusinessCustomer:     polar.Value(false),
	}); err != nil {
		t.Fatalf("ClientUpdate: %v", err)
	}
	conf, err := c.ClientConfirm(ctx, co.ClientSecret, payer(polartest.TokenSuccess))
	if err != nil {
		t.Fatalf("ClientConfirm: %v", err)
	}
	if conf.Status != "confirmed" {
		t.Errorf("confirmed status = %s", conf.Status)
	}
	got, err := c.Get(ctx, co.ID)
	if err != nil || got.Status != polar.CheckoutStatusSucceeded {
		t.Errorf("Get after confirm: %v, %v", got.Status, err)
	}
}

// TestFakeSurface_everyErrorPath drives each error the fake produces,
// through the SDK, validated both ways, and checks the typed error.
func TestFakeSurface_everyErrorPath(t *testing.T) {
	t.Parallel()
	unknownID := polar.MustParseUUID("00000000-0000-4000-8000-0000000000aa")
	tests := []struct {
		name string
		run  func(t *testing.T, e *fakeEnv) error
		want error
	}{
		{"404 get", func(t *testing.T, e *fakeEnv) error { _, err := e.c.Checkouts.Get(t.Context(), unknownID); return err }, polar.ErrNotFound},
		{"404 update", func(t *testing.T, e *fakeEnv) error {
			_, err := e.c.Checkouts.Update(t.Context(), unknownID, &polar.CheckoutUpdate{})
			return err
		}, polar.ErrNotFound},
		{"404 client get", func(t *testing.T, e *fakeEnv) error {
			_, err := e.c.Checkouts.ClientGet(t.Context(), "polar_c_unknown0000000000")
			return err
		}, polar.ErrNotFound},
		{"410 client get after expiry", func(t *testing.T, e *fakeEnv) error {
			co := e.create(t, &polar.CheckoutCreate{Products: products(polartest.ProductOneTimeID)})
			e.clock.Advance(2 * time.Hour)
			_, err := e.c.Checkouts.ClientGet(t.Context(), co.ClientSecret)
			return err
		}, polar.ErrCheckoutExpired},
		{"410 client update after expiry", func(t *testing.T, e *fakeEnv) error {
			co := e.create(t, &polar.CheckoutCreate{Products: products(polartest.ProductOneTimeID)})
			e.clock.Advance(2 * time.Hour)
			_, err := e.c.Checkouts.ClientUpdate(t.Context(), co.ClientSecret, &polar.CheckoutUpdatePublic{})
			return err
		}, polar.ErrCheckoutExpired},
		{"410 confirm after expiry", func(t *testing.T, e *fakeEnv) error {
			co := e.create(t, &polar.CheckoutCreate{Products: products(polartest.ProductOneTimeID)})
			e.clock.Advance(2 * time.Hour)
			_, err := e.c.Checkouts.ClientConfirm(t.Context(), co.ClientSecret, payer(polartest.TokenSuccess))
			return err
		}, polar.ErrCheckoutExpired},
		{"403 update of a confirmed checkout", func(t *testing.T, e *fakeEnv) error {
			co := e.create(t, &polar.CheckoutCreate{Products: products(polartest.ProductOneTimeID)})
			if _, err := e.c.Checkouts.ClientConfirm(t.Context(), co.ClientSecret, payer(polartest.TokenSuccess)); err != nil {
				t.Fatal(err)
			}
			_, err := e.c.Checkouts.Update(t.Context(), co.ID, &polar.CheckoutUpdate{CustomerName: polar.Value("x")})
			return err
		}, polar.ErrCheckoutNotOpen},
		{"403 client update of a confirmed checkout", func(t *testing.T, e *fakeEnv) error {
			co := e.create(t, &polar.CheckoutCreate{Products: products(polartest.ProductOneTimeID)})
			if _, err := e.c.Checkouts.ClientConfirm(t.Context(), co.ClientSecret, payer(polartest.TokenSuccess)); err != nil {
				t.Fatal(err)
			}
			_, err := e.c.Checkouts.ClientUpdate(t.Context(), co.ClientSecret, &polar.CheckoutUpdatePublic{CustomerName: polar.Value("x")})
			return err
		}, polar.ErrCheckoutNotOpen},
		{"403 second confirm", func(t *testing.T, e *fakeEnv) error {
			co := e.create(t, &polar.CheckoutCreate{Products: products(polartest.ProductOneTimeID)})
			if _, err := e.c.Checkouts.ClientConfirm(t.Context(), co.ClientSecret, payer(polartest.TokenSuccess)); err != nil {
				t.Fatal(err)
			}
			_, err := e.c.Checkouts.ClientConfirm(t.Context(), co.ClientSecret, payer(polartest.TokenSuccess))
			return err
		}, polar.ErrCheckoutNotOpen},
		{"400 declined card", func(t *testing.T, e *fakeEnv) error {
			co := e.create(t, &polar.CheckoutCreate{Products: products(polartest.ProductOneTimeID)})
			_, err := e.c.Checkouts.ClientConfirm(t.Context(), co.ClientSecret, payer(polartest.TokenDeclined))
			return err
		}, polar.ErrPaymentFailed},
		{"422 create with an unknown product", func(t *testing.T, e *fakeEnv) error {
			_, err := e.c.Checkouts.Create(t.Context(), &polar.CheckoutCreate{Products: products(unknownID.String())})
			return err
		}, polar.ErrValidation},
		{"422 confirm without the payer's details", func(t *testing.T, e *fakeEnv) error {
			co := e.create(t, &polar.CheckoutCreate{Products: products(polartest.ProductOneTimeID)})
			_, err := e.c.Checkouts.ClientConfirm(t.Context(), co.ClientSecret, &polar.CheckoutConfirmStripe{ConfirmationTokenID: polar.Value(polartest.TokenSuccess)})
			return err
		}, polar.ErrValidation},
		{"401 invalid token", func(t *testing.T, e *fakeEnv) error {
			_, err := e.c.Checkouts.Get(t.Context(), unknownID, polar.WithAccessToken("polar_oat_wrong"))
			return err
		}, polar.ErrUnauthorized},
		{"429 confirm rate limit", func(t *testing.T, e *fakeEnv) error {
			co := e.create(t, &polar.CheckoutCreate{Products: products(polartest.ProductOneTimeID)})
			var err error
			for range 8 {
				if _, err = e.c.Checkouts.ClientConfirm(t.Context(), co.ClientSecret, payer(polartest.TokenDeclined)); errors.Is(err, polar.ErrRateLimited) {
					return err
				}
			}
			return err
		}, polar.ErrRateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newFakeEnv(t, polartest.WithConfirmRateLimit())
			err := tt.run(t, e)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var apiErr *polar.Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode == 0 {
				t.Errorf("err = %#v, want a *polar.Error with a status", err)
			}
		})
	}
}
