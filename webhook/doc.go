// Package webhook verifies and parses the webhooks Polar sends about
// checkout sessions and orders.
//
// Polar signs every delivery as the Standard Webhooks specification says:
// three headers (webhook-id, webhook-timestamp, webhook-signature) and an
// HMAC-SHA256 over "<id>.<timestamp>.<raw body>". A [Verifier] checks them
// against one or more secrets (several while you rotate), and
// [Verifier.ConstructEvent] turns a verified body into a typed [Event]:
// [*CheckoutCreated], [*CheckoutUpdated], [*CheckoutExpired],
// [*OrderCreated], [*OrderUpdated], [*OrderPaid], [*OrderRefunded], or
// [*UnknownEvent] for types this SDK does not know (Polar adds event types
// without notice: they are not errors). [NewHandler] wraps all of it in an
// http.Handler that answers Polar with the status codes it expects.
//
// # Two kinds of secret
//
// Secrets created from 2026-09-08 on look like "whsec_<base64>" and their
// HMAC key is the decoded base64. Older secrets, and the one `polar listen`
// prints, are used as the raw bytes of the whole string. Like Polar's own
// TypeScript SDK, the Verifier tries both keys for every secret, so either
// kind works without configuration. [Sign] signs test deliveries the way
// Polar would for a given secret.
//
// # Answer fast, deduplicate, trust the status
//
// Polar waits about 10 seconds for an answer and retries any delivery that
// did not get a 2xx, up to 10 times, with the same webhook-id; an endpoint
// that fails 10 deliveries in a row is disabled. So a handler should record
// the event (or enqueue it) and return, deduplicate on the webhook-id
// ([Envelope.ID], or [WithDedup] for an in-memory window), and return an
// error only when it wants the delivery again. Events can arrive out of
// order: act on the checkout's status ([StateOf], [IsPaid]), not on the
// order in which events came. A "confirmed" checkout is not paid.
//
// # Why not the Standard Webhooks Go library
//
// The signature check is written here with crypto/hmac instead of
// github.com/standard-webhooks/standard-webhooks/libraries: that library
// reads the wall clock (no clock to inject in tests), takes one key
// scheme per instance (Polar needs both), and requiring it would add a
// module to the build of every program that imports this SDK. The tests
// cross-check this package against it, and against the npm package
// standardwebhooks, instead.
package webhook
