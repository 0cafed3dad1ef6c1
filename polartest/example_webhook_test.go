package polartest_test

import (
	"context"
	"fmt"

	"github.com/gopolar/checkouts/polartest"
	"github.com/gopolar/checkouts/webhook"
	polar "github.com/gopolar/checkouts/wrapper"
)

// The fake server signs and delivers checkout events to the handler under
// test, here one built with package webhook; WaitWebhooks returns once
// every delivery has ended.
func ExampleWithWebhookHandler() {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	v, err := webhook.NewVerifier([]string{secret})
	if err != nil {
		panic(err)
	}
	var paid []polar.UUID
	receiver, err := webhook.NewHandler(v, func(_ context.Context, ev webhook.Event) error {
		if e, ok := ev.(*webhook.CheckoutUpdated); ok && webhook.IsPaid(&e.Checkout) {
			paid = append(paid, e.Checkout.ID) // the fake delivers one event at a time
		}
		return nil
	})
	if err != nil {
		panic(err)
	}

	srv := polartest.NewServer(polartest.WithWebhookHandler(receiver, secret))
	defer srv.Close()
	c, _ := srv.Client()
	ctx := context.Background()
	co, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{
		Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)},
	})
	if err != nil {
		panic(err)
	}
	_, err = c.Checkouts.ClientConfirm(ctx, co.ClientSecret, &polar.CheckoutConfirmStripe{
		CustomerEmail:          polar.Value[polar.Email]("jane@example.com"),
		CustomerName:           polar.Value("Jane Doe"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR"}),
		ConfirmationTokenID:    polar.Value(polartest.TokenSuccess),
	})
	if err != nil {
		panic(err)
	}

	if err := srv.Handler().WaitWebhooks(ctx); err != nil {
		panic(err)
	}
	for _, d := range srv.Handler().Deliveries() {
		fmt.Println(d.Type, d.CheckoutStatus, d.State, len(d.Attempts))
	}
	fmt.Println("paid:", len(paid) == 1 && paid[0] == co.ID)
	// Output:
	// checkout.created open delivered 1
	// checkout.updated confirmed delivered 1
	// checkout.updated succeeded delivered 1
	// paid: true
}
