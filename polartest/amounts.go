package polartest

import (
	"time"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
)

// totals are the amounts and payment flags of a session, derived from its
// state every time they are shown, so they can never go stale.
type totals struct {
	amount, discount, net, total int64
	tax                          *int64 // nil: not computable yet (no billing address)

	discountApplicable bool // is_discount_applicable
	free               bool // is_free_product_price
	paymentRequired    bool
	setupRequired      bool
	formRequired       bool

	trialInterval      *client.TrialInterval
	trialIntervalCount *int
	trialEnd           *time.Time
}

// product returns the selected product of a session.
func (h *Handler) product(cs *session) Product { return h.catalog[cs.productID] }

// priceOf returns the price of a product in a session: its ad-hoc price if
// the create request set one, else the catalogue price.
func (h *Handler) priceOf(cs *session, productID uuid.UUID) Price {
	if p, ok := cs.adHoc[productID]; ok {
		return p
	}
	return h.catalog[productID].Price
}

// price returns the selected price of a session.
func (h *Handler) price(cs *session) Price { return h.priceOf(cs, cs.productID) }

// amountOf returns the amount before discount of the selected price.
func (h *Handler) amountOf(cs *session) int64 {
	pr := h.price(cs)
	switch pr.Type {
	case PriceFixed:
		return pr.Amount
	case PriceCustom:
		return cs.amount
	case PriceSeatBased:
		if cs.seats != nil {
			return pr.seatAmount(*cs.seats)
		}
	}
	return 0
}

// totalsOf computes the amounts as Polar does: discount on the amount
// (fixed: capped at the amount; percentage: rounded half up), tax on the
// net amount once a billing country is known (0 when no payment form is
// needed), total = net + tax.
func (h *Handler) totalsOf(cs *session) totals {
	pr := h.price(cs)
	prod := h.product(cs)
	t := totals{amount: h.amountOf(cs), free: pr.isFree(), discountApplicable: pr.discountable()}

	if cs.discountID != nil {
		if d, ok := h.discounts[*cs.discountID]; ok {
			t.discount = discountAmount(d, t.amount, pr.currency())
		}
	}
	t.net = t.amount - t.discount

	if (cs.allowTrial == nil || *cs.allowTrial) && prod.isRecurring() {
		interval, count := prod.TrialInterval, prod.TrialIntervalCount
		if cs.trialInterval != nil {
			interval = *cs.trialInterval
		}
		if cs.trialIntervalCount != nil {
			count = *cs.trialIntervalCount
		}
		if interval != "" && count > 0 {
			t.trialInterval, t.trialIntervalCount = &interval, &count
			start := cs.createdAt
			if cs.modifiedAt != nil {
				start = *cs.modifiedAt
			}
			end := addInterval(start, interval, count)
			t.trialEnd = &end
		}
	}
	if cs.allowTrial != nil && !*cs.allowTrial {
		t.trialInterval, t.trialIntervalCount, t.trialEnd = nil, nil, nil
	}

	t.paymentRequired = t.net > 0 && t.trialEnd == nil
	t.setupRequired = prod.isRecurring() && !t.free
	t.formRequired = t.paymentRequired || t.setupRequired
	switch {
	case !t.formRequired:
		zero := int64(0)
		t.tax = &zero
	case cs.customerBillingAddress != nil:
		tax := roundHalfUp(t.net*int64(h.cfg.taxRate), 10000)
		t.tax = &tax
	}
	t.total = t.net
	if t.tax != nil {
		t.total += *t.tax
	}
	return t
}

// discountAmount returns what d takes off amount in currency.
func discountAmount(d Discount, amount int64, currency string) int64 {
	var off int64
	switch d.Type {
	case client.DiscountTypeFixed:
		off = d.Amounts[currency]
	case client.DiscountTypePercentage:
		off = roundHalfUp(amount*int64(d.BasisPoints), 10000)
	}
	return min(max(off, 0), amount)
}

// discountApplies reports whether d can be used on the selected price, and
// the 422 message Polar gives when it cannot.
func (h *Handler) discountApplies(cs *session, d Discount) (string, bool) {
	pr := h.price(cs)
	switch {
	case orgOf(d.OrganizationID) != orgOf(h.product(cs).OrganizationID):
		return "Discount does not exist.", false
	case !pr.discountable():
		return "Discounts are not applicable to this product.", false
	case d.Type == client.DiscountTypeFixed && d.Amounts[pr.currency()] == 0:
		return "Discount does not exist.", false
	case d.Duration == client.DiscountDurationRepeating && !h.product(cs).isRecurring():
		return "Discount is not applicable to this product.", false
	}
	return "", true
}

// roundHalfUp returns a/b rounded half up, for a ≥ 0 and b > 0.
func roundHalfUp(a, b int64) int64 { return (a + b/2) / b }

// addInterval adds count trial intervals to t.
func addInterval(t time.Time, interval client.TrialInterval, count int) time.Time {
	switch interval {
	case client.TrialIntervalDay:
		return t.AddDate(0, 0, count)
	case client.TrialIntervalWeek:
		return t.AddDate(0, 0, 7*count)
	case client.TrialIntervalMonth:
		return t.AddDate(0, count, 0)
	case client.TrialIntervalYear:
		return t.AddDate(count, 0, 0)
	}
	return t
}
