package polartest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

func TestWrapperFullFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, polartest.WithTaxRate(1000), polartest.WithConfirmDelay(time.Second))
	c, err := e.srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	co, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{
		Products:           []polar.UUID{polar.MustParseUUID(polartest.ProductSeatsID), polar.MustParseUUID(polartest.ProductMonthlyID)},
		Seats:              polar.Value(3),
		ExternalCustomerID: polar.Value("crm-42"),
		Metadata:           &polar.MetadataInput{"order": "A-42"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if co.Amount != 6000 || co.Status != polar.CheckoutStatusOpen {
		t.Fatalf("created: amount %d status %q", co.Amount, co.Status)
	}
	id := co.ID

	got, err := c.Checkouts.Get(ctx, id)
	if err != nil || got.ClientSecret != co.ClientSecret {
		t.Fatalf("get: %v", err)
	}
	upd, err := c.Checkouts.Update(ctx, id, &polar.CheckoutUpdate{
		Seats:      polar.Value(10),
		DiscountID: polar.Value(polar.MustParseUUID(polartest.DiscountPercentID)),
	})
	if err != nil || upd.Amount != 15000 || upd.NetAmount != 13500 {
		t.Fatalf("update: %v %d %d", err, upd.Amount, upd.NetAmount)
	}
	page, err := c.Checkouts.List(ctx, &polar.ListParams{ExternalCustomerID: &[]string{"crm-42"}})
	if err != nil || page.TotalCount != 1 || page.Items[0].ID != co.ID {
		t.Fatalf("list: %v %+v", err, page)
	}
	pub, err := c.Checkouts.ClientGet(ctx, co.ClientSecret)
	if err != nil || pub.Organization.Slug != "polartest" {
		t.Fatalf("client get: %v", err)
	}
	pub, err = c.Checkouts.ClientUpdate(ctx, co.ClientSecret, &polar.CheckoutUpdatePublic{
		CustomerEmail:          polar.Value[polar.Email]("ops@example.com"),
		CustomerName:           polar.Value("Ops"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "NL"}),
	})
	if err != nil || pub.TaxAmount.MustGet() != 1350 || pub.TotalAmount != 14850 {
		t.Fatalf("client update: %v %v %d", err, pub.TaxAmount, pub.TotalAmount)
	}
	conf, err := c.Checkouts.ClientConfirm(ctx, co.ClientSecret, &polar.CheckoutConfirmStripe{ConfirmationTokenID: polar.Value(polartest.TokenSuccess)})
	if err != nil || conf.Status != client.CheckoutStatusConfirmed || conf.CustomerSessionToken.IsNull() {
		t.Fatalf("confirm: %v %+v", err, conf)
	}
	e.clock.Advance(time.Second)
	got, err = c.Checkouts.Get(ctx, id)
	if err != nil || got.Status != polar.CheckoutStatusSucceeded || got.TotalAmount != 14850 {
		t.Fatalf("get after confirm: %v %q %d", err, got.Status, got.TotalAmount)
	}
	var all int
	for _, err := range c.Checkouts.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		all++
	}
	if all != 1 {
		t.Errorf("All yielded %d", all)
	}

	// Typed errors.
	if _, err := c.Checkouts.Get(ctx, polar.MustParseUUID("20000000-0000-4000-8000-0000000000ff")); !errors.Is(err, polar.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := c.Checkouts.Update(ctx, id, &polar.CheckoutUpdate{Locale: polar.Value("de")}); !errors.Is(err, polar.ErrCheckoutNotOpen) {
		t.Errorf("update of a succeeded checkout: %v", err)
	}
	if _, err := c.Checkouts.ClientConfirm(ctx, co.ClientSecret, &polar.CheckoutConfirmStripe{ConfirmationTokenID: polar.Value(polartest.TokenSuccess)}); !errors.Is(err, polar.ErrCheckoutNotOpen) {
		t.Errorf("second confirm: %v", err)
	}
	other, _ := c.Checkouts.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)}})
	e.clock.Advance(2 * time.Hour)
	if _, err := c.Checkouts.ClientGet(ctx, other.ClientSecret); !errors.Is(err, polar.ErrCheckoutExpired) {
		t.Errorf("expired: %v", err)
	}
	if _, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductPayWhatYouWantID)}, Amount: polar.Value[int64](1)}); !errors.Is(err, polar.ErrValidation) {
		t.Errorf("amount below minimum: %v", err)
	}
	declined, _ := c.Checkouts.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)}})
	_, err = c.Checkouts.ClientConfirm(ctx, declined.ClientSecret, &polar.CheckoutConfirmStripe{
		CustomerEmail: polar.Value[polar.Email]("a@example.com"), CustomerName: polar.Value("A"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR"}), ConfirmationTokenID: polar.Value(polartest.TokenDeclined),
	})
	if !errors.Is(err, polar.ErrPaymentFailed) {
		t.Errorf("declined: %v", err)
	}
	bad, _ := e.srv.Client(polar.WithAccessToken("polar_oat_wrong"))
	if _, err := bad.Checkouts.List(ctx, nil); !errors.Is(err, polar.ErrUnauthorized) {
		t.Errorf("wrong token: %v", err)
	}
}
