// Package polar is a Go client for Polar's (polar.sh) checkout sessions:
// create a session, send the customer to its URL or embed it, follow it
// until it is paid.
//
// It is a thin layer over the generated low-level client in package
// [github.com/gopolar/checkouts/client]: the models are the generated ones
// (re-exported here as aliases), and this package adds what a payment
// integration needs: retries that never create or confirm twice, typed
// errors, paging iterators, logging with log/slog and middleware.
//
// # Quick start
//
//	c, err := polar.NewClient(polar.WithAccessToken(os.Getenv("POLAR_ACCESS_TOKEN")))
//	if err != nil { ... }
//	co, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{
//		Products:           []polar.UUID{productID},
//		ExternalCustomerID: polar.Value("user_42"),
//		SuccessURL:         polar.Value("https://example.com/thanks?checkout={CHECKOUT_ID}"),
//	})
//	if err != nil { ... }
//	redirect(co.URL)
//
// Use [WithServer]([Sandbox]) while testing against Polar's sandbox, and
// package [github.com/gopolar/checkouts/polartest] for an in-process fake
// of the API in your own tests.
//
// # Models
//
// The models are type aliases of the generated ones, so `go doc` of an
// alias shows only "= client.X": each alias's comment links to the type
// that documents its fields. What they hold:
//
//   - [Checkout]: a session as Create, Get, Update and List return it
//     (token view); [CheckoutPublic]: the customer's view (client-secret
//     operations); [CheckoutPublicConfirmed]: ClientConfirm's answer. Their
//     Status is always a [CheckoutStatus]: compare it with
//     [CheckoutStatusOpen] … [CheckoutStatusSucceeded].
//   - [CheckoutCreate], [CheckoutUpdate], [CheckoutUpdatePublic],
//     [CheckoutConfirmStripe]: the request bodies; [ListParams]: filters,
//     sort and page of List.
//   - [Metadata]: metadata and customer_metadata, the same type in and out,
//     read with Metadata.String, Int, Float and Bool.
//   - [UUID]: every ID. Get and Update take the ID a Checkout carries;
//     [ParseUUID] turns a string into one, refusing anything but a UUID.
//   - [Page]: one page of List; [FieldError]: one field a 422 refused.
//
// # Request bodies: absent, null, value
//
// Optional fields that Polar lets you clear are tri-state
// nullable.Nullable values: left at the zero value they are not sent (Polar
// keeps the current value), [Null] sends null (Polar clears it), and
// [Value] sends a value. Update bodies depend on this:
//
//	upd := &polar.CheckoutUpdate{
//		DiscountID:    polar.Null[polar.UUID](),        // remove the discount
//		CustomerEmail: polar.Value[polar.Email]("ada@example.com"),
//	}
//
// # Errors
//
// API errors are [*Error] values carrying the status, Polar's error code
// and message; match them with errors.Is against [ErrNotFound],
// [ErrCheckoutExpired], [ErrCheckoutNotOpen], [ErrPaymentFailed],
// [ErrRateLimited] and the other sentinels, or use errors.As to get a
// [*RateLimitError] or [*ValidationError]. Error messages never contain
// the access token or a client secret.
//
// # Retries and money
//
// Reads and updates are retried on connection errors, timeouts and 408,
// 429, 500, 502, 503, 504 and Cloudflare's 520-527 (2 retries by default,
// exponential backoff with jitter, Retry-After honoured). Polar has no
// idempotency keys, so Create and ClientConfirm are resent only on
// evidence that Polar did not apply them: a failure before any byte was
// written, a 429, or a refusal in Polar's own JSON error envelope. After
// anything else (a proxy's or CDN's error page, a reset after the write, a
// 2xx of the wrong shape) Create reports [ErrMaybeApplied] and
// ClientConfirm reads the session back to find out (see
// [CheckoutsService.ClientConfirm]). No layer below replays them either:
// the request body of a POST cannot be rewound by net/http's Transport,
// whatever headers (Idempotency-Key included) a caller adds. See
// [RetryPolicy].
//
// # Paging
//
// [CheckoutsService.List] returns one page; [CheckoutsService.All] is an
// iter.Seq2 over every session, fetched lazily:
//
//	for co, err := range c.Checkouts.All(ctx, &polar.ListParams{Status: &[]polar.CheckoutStatus{polar.CheckoutStatusOpen}}) {
//		if err != nil { ... }
//		fmt.Println(co.ID)
//	}
package polar
