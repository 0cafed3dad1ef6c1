package webhook

import "github.com/gopolar/checkouts/client"

// PaymentState is what a checkout session's status means for the money.
//
// Only "succeeded" means paid. "confirmed" means the customer submitted a
// payment and Polar is processing it: not paid yet, and it may still be
// declined, which returns the session to "open" (the customer can try
// again). "failed" and "expired" are final: no payment will come from
// that session. Grant access on [PaymentPaid] (or on order.paid), never on
// [PaymentProcessing].
type PaymentState int

// The payment states of a checkout session.
const (
	// PaymentUnknown: a status this SDK version does not know. Treat it as
	// not paid and look the session up later.
	PaymentUnknown PaymentState = iota
	// PaymentAwaiting: "open", waiting for the customer (also after a
	// declined payment).
	PaymentAwaiting
	// PaymentProcessing: "confirmed", submitted and being processed; not
	// paid.
	PaymentProcessing
	// PaymentPaid: "succeeded", paid; the order or subscription exists.
	PaymentPaid
	// PaymentFailed: "failed", final.
	PaymentFailed
	// PaymentExpired: "expired", final; the session was not completed in
	// time.
	PaymentExpired
)

// StateOf returns the payment state of a session; a nil session is
// [PaymentUnknown].
func StateOf(c *client.Checkout) PaymentState {
	if c == nil {
		return PaymentUnknown
	}
	switch c.Status {
	case client.CheckoutStatusOpen:
		return PaymentAwaiting
	case client.CheckoutStatusConfirmed:
		return PaymentProcessing
	case client.CheckoutStatusSucceeded:
		return PaymentPaid
	case client.CheckoutStatusFailed:
		return PaymentFailed
	case client.CheckoutStatusExpired:
		return PaymentExpired
	}
	return PaymentUnknown
}

// IsPaid reports whether the session is paid: status "succeeded". A
// "confirmed" session is not paid.
func IsPaid(c *client.Checkout) bool { return StateOf(c) == PaymentPaid }

// Final reports whether no later event can change the outcome: paid,
// failed or expired.
func (s PaymentState) Final() bool {
	return s == PaymentPaid || s == PaymentFailed || s == PaymentExpired
}

// String returns a short lower-case name, such as "processing".
func (s PaymentState) String() string {
	switch s {
	case PaymentAwaiting:
		return "awaiting"
	case PaymentProcessing:
		return "processing"
	case PaymentPaid:
		return "paid"
	case PaymentFailed:
		return "failed"
	case PaymentExpired:
		return "expired"
	}
	return "unknown"
}
