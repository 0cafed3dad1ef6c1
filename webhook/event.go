package webhook

import (
	"encoding/json"
	"time"

	"github.com/gopolar/checkouts/client"
)

// Event types this package decodes into typed events. Any other type
// becomes an [*UnknownEvent].
const (
	TypeCheckoutCreated = "checkout.created"
	TypeCheckoutUpdated = "checkout.updated"
	TypeCheckoutExpired = "checkout.expired"
	TypeOrderCreated    = "order.created"
	TypeOrderUpdated    = "order.updated"
	TypeOrderPaid       = "order.paid"
	TypeOrderRefunded   = "order.refunded"
)

// Order is what an order event carries about the order: its ID, status,
// whether it is paid, and the checkout session it came from. Polar's
// order has more fields; they are in [Envelope.Raw].
type Order = client.WebhookOrder

// OrderStatus is the state of an order. Unknown values decode fine; Valid
// reports whether this SDK knows the value.
type OrderStatus = client.OrderStatus

// The order states known to this SDK version.
const (
	OrderStatusDraft             = client.OrderStatusDraft
	OrderStatusPending           = client.OrderStatusPending
	OrderStatusPaid              = client.OrderStatusPaid
	OrderStatusRefunded          = client.OrderStatusRefunded
	OrderStatusPartiallyRefunded = client.OrderStatusPartiallyRefunded
	OrderStatusVoid              = client.OrderStatusVoid
)

// An Event is a decoded delivery. Its dynamic type is one of
// [*CheckoutCreated], [*CheckoutUpdated], [*CheckoutExpired],
// [*OrderCreated], [*OrderUpdated], [*OrderPaid], [*OrderRefunded] or
// [*UnknownEvent]; use a type switch. More types may be added in later
// versions, so keep a default case.
type Event interface {
	// Meta returns what every event has: webhook-id, type, timestamp.
	Meta() Envelope
	isEvent()
}

// Envelope is the part of a delivery common to every event type.
type Envelope struct {
	// ID is the webhook-id header: the same on every retry of a delivery,
	// so the key to deduplicate on. Empty when [Parse] was given none.
	ID string
	// Type is the payload's type, such as "checkout.updated".
	Type string
	// Timestamp is when Polar emitted the event (the payload's timestamp).
	Timestamp time.Time
	// APIVersion is the payload's api_version, "" when it has none (the
	// 2026-04 API version sends none).
	APIVersion string
	// Raw is the whole body as given to [Parse] (not a copy), for storing
	// and for fields this package does not decode.
	Raw json.RawMessage
}

// Meta returns e; it makes every event type an [Event].
func (e Envelope) Meta() Envelope { return e }

// CheckoutCreated is a "checkout.created" event: a session was created.
type CheckoutCreated struct {
	Envelope
	// Checkout is the session as it was when the event was emitted.
	Checkout client.Checkout
}

// CheckoutUpdated is a "checkout.updated" event: any change of a session,
// including confirmation (status "confirmed": payment submitted, not yet
// paid), payment ("succeeded") and a declined payment (back to "open").
// Use [StateOf] or [IsPaid] on Checkout rather than guessing from the
// event; Polar's hosted checkout waits briefly for your 2xx to the
// "succeeded" update before it redirects the customer.
type CheckoutUpdated struct {
	Envelope
	// Checkout is the session as it was when the event was emitted.
	Checkout client.Checkout
}

// CheckoutExpired is a "checkout.expired" event: an open session passed
// its expiry time (Polar checks about every 15 minutes).
type CheckoutExpired struct {
	Envelope
	// Checkout is the session as it was when the event was emitted.
	Checkout client.Checkout
}

// OrderCreated is an "order.created" event; the order may not be paid yet.
type OrderCreated struct {
	Envelope
	// Order links the order to its checkout session.
	Order Order
}

// OrderUpdated is an "order.updated" event: the order's status changed
// (for example to paid) or it was refunded.
type OrderUpdated struct {
	Envelope
	// Order links the order to its checkout session.
	Order Order
}

// OrderPaid is an "order.paid" event: the order is processed and paid,
// the usual signal to grant what was bought.
type OrderPaid struct {
	Envelope
	// Order links the order to its checkout session.
	Order Order
}

// OrderRefunded is an "order.refunded" event: fully or partially refunded.
type OrderRefunded struct {
	Envelope
	// Order links the order to its checkout session.
	Order Order
}

// UnknownEvent is an authentic delivery of a type this package does not
// decode (Polar has many more event types and adds new ones without
// notice). It is not an error: answer it with a 2xx. Its body is in Raw.
type UnknownEvent struct {
	Envelope
}

func (*CheckoutCreated) isEvent() {}
func (*CheckoutUpdated) isEvent() {}
func (*CheckoutExpired) isEvent() {}
func (*OrderCreated) isEvent()    {}
func (*OrderUpdated) isEvent()    {}
func (*OrderPaid) isEvent()       {}
func (*OrderRefunded) isEvent()   {}
func (*UnknownEvent) isEvent()    {}

// CheckoutOf returns the checkout session of a checkout event, and false
// for any other event.
func CheckoutOf(ev Event) (*client.Checkout, bool) {
	switch e := ev.(type) {
	case *CheckoutCreated:
		return &e.Checkout, true
	case *CheckoutUpdated:
		return &e.Checkout, true
	case *CheckoutExpired:
		return &e.Checkout, true
	}
	return nil, false
}

// OrderOf returns the order of an order event, and false for any other
// event.
func OrderOf(ev Event) (*Order, bool) {
	switch e := ev.(type) {
	case *OrderCreated:
		return &e.Order, true
	case *OrderUpdated:
		return &e.Order, true
	case *OrderPaid:
		return &e.Order, true
	case *OrderRefunded:
		return &e.Order, true
	}
	return nil, false
}
