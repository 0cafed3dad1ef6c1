package polartest_test

import (
	"context"
	"fmt"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

func ExampleNewServer() {
	srv := polartest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	co, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{
		Products:   []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)},
		DiscountID: polar.Value(polar.MustParseUUID(polartest.DiscountFixedID)),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(co.Status, co.Amount, co.DiscountAmount, co.TotalAmount)

	_, err = c.Checkouts.ClientConfirm(ctx, co.ClientSecret, &polar.CheckoutConfirmStripe{
		CustomerEmail:          polar.Value[polar.Email]("jane@example.com"),
		CustomerName:           polar.Value("Jane Doe"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR"}),
		ConfirmationTokenID:    polar.Value(polartest.TokenSuccess),
	})
	if err != nil {
		panic(err)
	}
	got, _ := srv.Handler().Checkout(co.ID.String())
	fmt.Println(got.Status, srv.Handler().ConfirmCount(co.ID.String()))
	// Output:
	// open 2500 500 2000
	// succeeded 1
}

func ExampleHandler_InjectFault() {
	srv := polartest.NewServer()
	defer srv.Close()
	c, _ := srv.Client()
	h := srv.Handler()

	// The next create is applied, but its answer is lost.
	h.InjectFault(polartest.OpCreate, 1, polartest.ResetAfterApply())
	_, err := c.Checkouts.Create(context.Background(), &polar.CheckoutCreate{
		Products: []polar.UUID{polar.MustParseUUID(polartest.ProductFreeID)},
	})
	fmt.Println(err != nil, h.Stats().Applied[polartest.OpCreate], h.CheckoutCount())
	// Output: true 1 1
}
