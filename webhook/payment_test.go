package webhook

import (
	"testing"

	"github.com/gopolar/checkouts/client"
)

func TestStateOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status client.CheckoutStatus
		state  PaymentState
		paid   bool
		final  bool
		name   string
	}{
		{client.CheckoutStatusOpen, PaymentAwaiting, false, false, "awaiting"},
		{client.CheckoutStatusConfirmed, PaymentProcessing, false, false, "processing"},
		{client.CheckoutStatusSucceeded, PaymentPaid, true, true, "paid"},
		{client.CheckoutStatusFailed, PaymentFailed, false, true, "failed"},
		{client.CheckoutStatusExpired, PaymentExpired, false, true, "expired"},
		{"refund_pending", PaymentUnknown, false, false, "unknown"},
		{"", PaymentUnknown, false, false, "unknown"},
	}
	for _, tt := range tests {
		c := &client.Checkout{Status: tt.status}
		s := StateOf(c)
		if s != tt.state || IsPaid(c) != tt.paid || s.Final() != tt.final || s.String() != tt.name {
			t.Errorf("%q: state %v paid %v final %v, want %v %v %v", tt.status, s, IsPaid(c), s.Final(), tt.state, tt.paid, tt.final)
		}
	}
	if StateOf(nil) != PaymentUnknown || IsPaid(nil) {
		t.Error("nil checkout")
	}
}
