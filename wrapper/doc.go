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
// 429, 500, 502, 503, 504 (2 retries by default, exponential backoff with
// jitter, Retry-After honoured up to 8 s). Polar has no idempotency keys,
// so Create and ClientConfirm are retried only when the request provably
// did not take effect; otherwise Create reports [ErrMaybeApplied] and
// ClientConfirm reads the session back to find out (see
// [CheckoutsService.ClientConfirm]). See [RetryPolicy].
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
