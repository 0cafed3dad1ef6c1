package faults

import (
	"context"
	"fmt"
	"testing"

	"github.com/gopolar/checkouts/polartest"
)

// TestFakeReturningCustomerConfirms: a customer who paid once comes back
// (same external_customer_id) and pays again; the fake prefills the
// customer's email as Polar does (this used to fail with a 422).
func TestFakeReturningCustomerConfirms(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	ctx := context.Background()
	var fails []string
	for i := range 2 {
		co := rg.checkoutFor("returning-customer")
		email, _ := co.CustomerEmail.Get()
		_, err := rg.setup.Checkouts.ClientConfirm(ctx, co.ClientSecret, payer(polartest.TokenSuccess))
		if err != nil {
			fails = append(fails, fmt.Sprintf("checkout %d of the customer (customer_email at create %q): %v", i+1, email, err))
		}
	}
	report(t, fails)
}
