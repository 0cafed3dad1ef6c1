// Package polartest is a fake of Polar's checkout-session API for tests:
// stateful, safe for concurrent use, and faithful to the wire contract of
// openapi/checkouts.yaml and to what Polar's server really does (error
// shapes, validation, expiry, confirmation rules, the confirm rate limit).
//
// Use it in process from Go tests:
//
//	func TestCheckout(t *testing.T) {
//		srv := polartest.NewServer()
//		t.Cleanup(srv.Close)
//		c, err := srv.Client()
//		if err != nil {
//			t.Fatal(err)
//		}
//		ctx := context.Background()
//		co, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{
//			Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)},
//		})
//		if err != nil {
//			t.Fatal(err)
//		}
//		_, err = c.Checkouts.ClientConfirm(ctx, co.ClientSecret, &polar.CheckoutConfirmStripe{
//			CustomerEmail:          polar.Value[polar.Email]("jane@example.com"),
//			CustomerName:           polar.Value("Jane Doe"),
//			CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR"}),
//			ConfirmationTokenID:    polar.Value(polartest.TokenSuccess),
//		})
//		if err != nil {
//			t.Fatal(err)
//		}
//		got, _ := srv.Handler().Checkout(co.ID.String())
//		fmt.Println(got.Status) // succeeded
//	}
//
// or from any language: serve a [Handler] on a port (the polar-checkouts
// command's mock subcommand does), and hard-code the fixtures' IDs, which
// never change ([Fixtures] marshals them to JSON).
//
// # What it serves
//
// The seven operations of openapi/checkouts.yaml: list, create, get and
// update with the bearer token ([Token] unless [WithToken] or
// [WithAnyToken]); clientGet, clientUpdate and clientConfirm with the
// client secret. The catalogue holds the fixtures of [Fixtures] (fixed
// IDs: a one-time, a monthly, a pay-what-you-want, a free and a seat-based
// product, a fixed and a percentage discount) plus what [WithProducts] and
// [WithDiscounts] add.
//
// Confirmation uses test tokens instead of Stripe: [TokenSuccess] pays,
// [TokenDeclined] is declined (400 PaymentError, nothing changes),
// [TokenProcessing] stays confirmed for [ProcessingTime],
// [TokenDeclinedLater] is confirmed, then declined when it would settle
// (back to open, as Polar does after a late decline). A free checkout
// needs no token. A confirmed checkout succeeds after [WithConfirmDelay].
//
// Time comes from [WithClock] ([Clock] is a settable one): open checkouts
// expire when their expires_at passes, and the client-secret operations
// then answer 410. [WithDeterministicIDs] makes IDs and secrets
// reproducible for golden files.
//
// # Testing clients against failures
//
// [Handler.InjectFault] makes the next requests of an operation fail: a
// status (with Retry-After, or any headers in [Fault.Header]), a delay, a
// connection reset before or after the body is read or after the
// operation was applied, a truncated or non-JSON body, a proxy's HTML
// error page ([HTMLError]), Cloudflare's 52x pages ([CDNError]), a
// proxy's plain text ([ProxyText], such as [EnvoyUpstreamReset]), a
// debug page echoing the request's secrets ([EchoRequest]), a 2xx of the
// wrong shape ([WrongShape]). Answers normally replace the request, which
// is not applied; [Fault.AfterApplying] applies it first, so a client can
// be tested against a success it is told was a failure. [Handler.Stats] and
// [Handler.ConfirmCount] then tell what the server actually applied, which
// is what a retry policy must be judged on: a payment must never be
// confirmed twice.
//
// # What it does not model
//
// Scopes (the token has them all), organizations other than the fixtures'
// one, subscriptions (subscription_id is always refused), custom fields
// (custom_field_data is stored as sent, attached_custom_fields is empty),
// metered and unit-based prices, tax rules by country (one flat rate), tax
// ID formats, the general rate limit of 500 requests per minute, and the
// row lock that makes Polar answer 409 CheckoutLocked: requests are
// serialized instead (inject a 409 with [Respond] to test it).
package polartest
