package polartest

import (
	"context"
	"fmt"
	"time"
)

// WebhookFaultKind says what an injected [WebhookFault] does to a
// delivery.
type WebhookFaultKind int

// The webhook fault kinds.
const (
	// WebhookDrop never sends the event: state DeliveryDropped.
	WebhookDrop WebhookFaultKind = iota + 1
	// WebhookDuplicate sends the event twice, with the same webhook-id,
	// as Polar may after a lost acknowledgement.
	WebhookDuplicate
	// WebhookReorder holds the event back until the next event has been
	// sent (at most WebhookFault.Delay, 1 s if zero), so it arrives
	// after it.
	WebhookReorder
	// WebhookDelay sends the event WebhookFault.Delay late; later events
	// do not wait for it.
	WebhookDelay
)

// String names the kind.
func (k WebhookFaultKind) String() string {
	switch k {
	case WebhookDrop:
		return "drop"
	case WebhookDuplicate:
		return "duplicate"
	case WebhookReorder:
		return "reorder"
	case WebhookDelay:
		return "delay"
	case 0:
		return "none"
	}
	return fmt.Sprintf("WebhookFaultKind(%d)", int(k))
}

// WebhookFault is a failure of delivery to inject with
// [Handler.InjectWebhookFault].
type WebhookFault struct {
	Kind WebhookFaultKind
	// Delay is the lateness of WebhookDelay and the longest hold of
	// WebhookReorder.
	Delay time.Duration
	// Type, if set, limits the fault to the next event of this type, such
	// as "checkout.expired"; empty matches any event.
	Type string
}

// InjectWebhookFault queues f for the next event it matches: each fault
// applies once, faults apply in the order they were injected. It panics
// when the Handler has no webhooks ([WithWebhook]).
func (h *Handler) InjectWebhookFault(f WebhookFault) {
	d := h.mustHooks("InjectWebhookFault")
	d.mu.Lock()
	defer d.mu.Unlock()
	d.faults = append(d.faults, f)
}

// Deliveries returns a copy of every webhook delivery since the Handler
// was made or [Handler.Reset], in the order of the events (a duplicate
// right after its original), with their attempts. It is empty without
// [WithWebhook].
func (h *Handler) Deliveries() []Delivery {
	if h.hooks == nil {
		return nil
	}
	return h.hooks.snapshot()
}

// WaitWebhooks applies the transitions due now (see [Handler.Sweep]) and
// waits until every delivery has ended: delivered, failed after its last
// retry, or dropped. It returns ctx's error if ctx ends first, and nil at
// once without webhooks.
func (h *Handler) WaitWebhooks(ctx context.Context) error {
	if h.hooks == nil {
		return nil
	}
	h.Sweep()
	return h.hooks.waitIdle(ctx)
}

// Close stops the webhook deliveries of the Handler: attempts in flight
// are cancelled and deliveries not yet ended fail with [ErrClosed]. The
// API keeps answering. A Handler without webhooks has nothing to stop.
// [Server.Close] calls it. Close is idempotent.
func (h *Handler) Close() {
	if h.hooks != nil {
		h.hooks.close()
	}
}

// mustHooks returns the deliverer or panics naming the method.
func (h *Handler) mustHooks(method string) *deliverer {
	if h.hooks == nil {
		panic("polartest: " + method + ": the handler has no webhooks (WithWebhook)")
	}
	return h.hooks
}
