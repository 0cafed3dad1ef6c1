package polar_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// exampleClient returns a client of an in-process fake Polar server, so
// the examples run anywhere. Real code calls polar.NewClient with
// polar.WithAccessToken (or sets POLAR_ACCESS_TOKEN).
func exampleClient() (*polar.Client, func()) {
	srv := polartest.NewServer(polartest.WithTaxRate(2000))
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	return c, srv.Close
}

// exampleCheckout creates a session to work with.
func exampleCheckout(ctx context.Context, c *polar.Client) *polar.Checkout {
	co, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{
		Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)},
	})
	if err != nil {
		log.Fatal(err)
	}
	return co
}

func ExampleNewClient() {
	c, err := polar.NewClient(
		polar.WithAccessToken("polar_oat_…"), // or set POLAR_ACCESS_TOKEN
		polar.WithServer(polar.Sandbox),
		polar.WithAppInfo("shop", "1.4.0"),
		polar.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.BaseURL())
	// Output: https://sandbox-api.polar.sh
}

func ExampleCheckoutsService_Create() {
	c, stop := exampleClient()
	defer stop()
	ctx := context.Background()

	co, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{
		Products:           []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)},
		DiscountID:         polar.Value(polar.MustParseUUID(polartest.DiscountFixedID)),
		ExternalCustomerID: polar.Value("user_42"),
		SuccessURL:         polar.Value("https://shop.example/thanks?checkout={CHECKOUT_ID}"),
		Metadata:           &polar.MetadataInput{"order": "1042"},
	})
	if errors.Is(err, polar.ErrMaybeApplied) {
		// The network failed after the request left: look for the session
		// (List by external customer ID) before creating another.
		log.Fatal(err)
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(co.Status, co.Amount, co.DiscountAmount, co.TotalAmount, co.Currency)
	// Output: open 2500 500 2000 usd
}

func ExampleCheckoutsService_Get() {
	c, stop := exampleClient()
	defer stop()
	ctx := context.Background()
	created := exampleCheckout(ctx, c)

	co, err := c.Checkouts.Get(ctx, created.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(co.Status, co.Products[0].Name)
	// Output: open Polartest License
}

func ExampleCheckoutsService_Update() {
	c, stop := exampleClient()
	defer stop()
	ctx := context.Background()
	created := exampleCheckout(ctx, c)

	co, err := c.Checkouts.Update(ctx, created.ID, &polar.CheckoutUpdate{
		CustomerEmail: polar.Value[polar.Email]("ada@example.com"), // set
		DiscountID:    polar.Null[polar.UUID](),                    // clear
		// Fields left unset keep their value.
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(co.CustomerEmail.MustGet(), co.DiscountID.IsNull())
	// Output: ada@example.com true
}

func ExampleCheckoutsService_List() {
	c, stop := exampleClient()
	defer stop()
	ctx := context.Background()
	for range 3 {
		exampleCheckout(ctx, c)
	}

	page, err := c.Checkouts.List(ctx, &polar.ListParams{
		Status: &[]polar.CheckoutStatus{polar.CheckoutStatusOpen},
		Limit:  polar.Ptr(2),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Items), page.Page, page.MaxPage, page.TotalCount, page.NextPage())
	// Output: 2 1 2 3 2
}

func ExampleCheckoutsService_All() {
	c, stop := exampleClient()
	defer stop()
	ctx := context.Background()
	for range 5 {
		exampleCheckout(ctx, c)
	}

	n := 0
	for co, err := range c.Checkouts.All(ctx, &polar.ListParams{Limit: polar.Ptr(2)}) {
		if err != nil {
			log.Fatal(err)
		}
		if co.Status == polar.CheckoutStatusOpen {
			n++
		}
	}
	fmt.Println(n, "open sessions")
	// Output: 5 open sessions
}

func ExampleCheckoutsService_ClientGet() {
	c, stop := exampleClient()
	defer stop()
	ctx := context.Background()
	created := exampleCheckout(ctx, c)

	// The client secret is what the customer's browser holds; no token is sent.
	pub, err := c.Checkouts.ClientGet(ctx, created.ClientSecret)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pub.Status, pub.Organization.Name)
	// Output: open Polartest Inc.
}

func ExampleCheckoutsService_ClientUpdate() {
	c, stop := exampleClient()
	defer stop()
	ctx := context.Background()
	created := exampleCheckout(ctx, c)

	pub, err := c.Checkouts.ClientUpdate(ctx, created.ClientSecret, &polar.CheckoutUpdatePublic{
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR", City: polar.Value("Paris")}),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pub.TaxAmount.MustGet(), pub.TotalAmount) // tax is known once the country is
	// Output: 500 3000
}

func ExampleCheckoutsService_ClientConfirm() {
	c, stop := exampleClient()
	defer stop()
	ctx := context.Background()
	created := exampleCheckout(ctx, c)

	co, err := c.Checkouts.ClientConfirm(ctx, created.ClientSecret, &polar.CheckoutConfirmStripe{
		ConfirmationTokenID:    polar.Value(polartest.TokenSuccess), // from Stripe's payment form
		CustomerEmail:          polar.Value[polar.Email]("ada@example.com"),
		CustomerName:           polar.Value("Ada Lovelace"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR", City: polar.Value("Paris"), Line1: polar.Value("1 rue de Rivoli"), PostalCode: polar.Value("75001")}),
	})
	switch {
	case errors.Is(err, polar.ErrPaymentFailed):
		fmt.Println("declined: ask for another card")
	case errors.Is(err, polar.ErrMaybeApplied):
		fmt.Println("unknown: do not confirm again, read the session later")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(co.Status)
	}
	// Output: confirmed
}

func ExampleError() {
	c, stop := exampleClient()
	defer stop()

	_, err := c.Checkouts.Get(context.Background(), polar.MustParseUUID("00000000-0000-4000-8000-000000000000"))
	var apiErr *polar.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, errors.Is(err, polar.ErrNotFound))
	}
	// Output: 404 ResourceNotFound true
}

func ExampleRateLimitError() {
	srv := polartest.NewServer()
	defer srv.Close()
	// Make the next confirmation answer like Polar's confirm limit does.
	srv.Handler().InjectFault(polartest.OpClientConfirm, 1, polartest.Respond(http.StatusTooManyRequests, "1800"))
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	created := exampleCheckout(ctx, c)

	_, err = c.Checkouts.ClientConfirm(ctx, created.ClientSecret, &polar.CheckoutConfirmStripe{})
	var rl *polar.RateLimitError
	if errors.As(err, &rl) {
		// Longer than RetryPolicy.MaxRetryAfter: returned at once, not waited for.
		fmt.Println("retry after", rl.RetryAfter)
	}
	// Output: retry after 30m0s
}

func ExampleWithRetryPolicy() {
	p := polar.DefaultRetryPolicy()
	p.MaxRetries = 4
	p.MaxDelay = 2 * time.Second
	c, err := polar.NewClient(polar.WithRetryPolicy(p), polar.WithRetryBudget(100))
	if err != nil {
		log.Fatal(err)
	}
	_ = c
	// A single call can change it too:
	//   c.Checkouts.Get(ctx, id, polar.WithMaxRetries(0))
	fmt.Println(p.MaxRetries, p.BaseDelay, p.MaxRetryAfter)
	// Output: 4 500ms 8s
}

func ExampleWithMiddleware() {
	c, stop := exampleClient()
	defer stop()
	ctx := context.Background()

	attempts := 0
	count := polar.WithMiddleware(func(req *http.Request, next polar.MiddlewareNext) (*http.Response, error) {
		attempts++ // runs on every attempt: a place for tracing and metrics
		return next(req)
	})
	if _, err := c.Checkouts.List(ctx, nil, count); err != nil {
		log.Fatal(err)
	}
	fmt.Println(attempts)
	// Output: 1
}
