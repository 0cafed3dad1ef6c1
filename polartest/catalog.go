package polartest

import (
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
)

// PriceType is how a [Price] computes the amount of a checkout.
type PriceType string

// The price types the fake models. A free product has a fixed price of 0,
// as in API version 2026-04 (which has no separate free type).
const (
	// PriceFixed charges Amount.
	PriceFixed PriceType = "fixed"
	// PriceCustom lets the customer pay what they want, between
	// MinimumAmount and MaximumAmount (0: no maximum); PresetAmount (0:
	// none) is the suggestion and the default.
	PriceCustom PriceType = "custom"
	// PriceSeatBased charges per seat, by SeatTiers.
	PriceSeatBased PriceType = "seat_based"
)

// Price is the price of a [Product]. Amounts are in cents of Currency.
type Price struct {
	ID            uuid.UUID `json:"id"`
	Type          PriceType `json:"amount_type"`
	Currency      string    `json:"price_currency"`
	Amount        int64     `json:"price_amount,omitempty"`
	MinimumAmount int64     `json:"minimum_amount,omitempty"`
	MaximumAmount int64     `json:"maximum_amount,omitempty"`
	PresetAmount  int64     `json:"preset_amount,omitempty"`
	// SeatTierType is "volume" (every seat at the price of the tier the
	// count falls in; the default) or "graduated" (each seat at the price
	// of its own tier).
	SeatTierType client.SeatTierType `json:"seat_tier_type,omitempty"`
	SeatTiers    []SeatTier          `json:"seat_tiers,omitempty"`
	// AdHoc marks a price sent in a create request's prices (source
	// "ad_hoc") rather than one of the catalogue ("catalog").
	AdHoc bool `json:"-"`
}

// SeatTier is one tier of a seat-based price: seats MinSeats..MaxSeats
// (0: no upper bound) cost PricePerSeat each.
type SeatTier struct {
	MinSeats     int   `json:"min_seats"`
	MaxSeats     int   `json:"max_seats,omitempty"`
	PricePerSeat int64 `json:"price_per_seat"`
}

// Benefit is a benefit a [Product] grants, shown in checkouts.
type Benefit struct {
	ID          uuid.UUID          `json:"id"`
	Type        client.BenefitType `json:"type"`
	Description string             `json:"description"`
}

// Product is a product of the catalogue. The zero OrganizationID means
// the fixtures' organization ([OrganizationID]); a product of another
// organization exists but cannot be sold with the server's token, as on
// Polar.
type Product struct {
	ID             uuid.UUID `json:"id"`
	OrganizationID uuid.UUID `json:"organization_id"`
	Name           string    `json:"name"`
	Description    string    `json:"description,omitempty"`
	// RecurringInterval is empty for a one-time product.
	RecurringInterval      client.RecurringInterval `json:"recurring_interval,omitempty"`
	RecurringIntervalCount int                      `json:"recurring_interval_count,omitempty"`
	// TrialInterval and TrialIntervalCount offer a trial on a recurring
	// product.
	TrialInterval      client.TrialInterval `json:"trial_interval,omitempty"`
	TrialIntervalCount int                  `json:"trial_interval_count,omitempty"`
	Archived           bool                 `json:"is_archived,omitempty"`
	Price              Price                `json:"price"`
	Benefits           []Benefit            `json:"benefits,omitempty"`
}

// DiscountType and DiscountDuration re-export the generated enums.
type (
	// DiscountType is fixed or percentage.
	DiscountType = client.DiscountType
	// DiscountDuration is once, forever or repeating.
	DiscountDuration = client.DiscountDuration
)

// Discount is a discount of the catalogue. A fixed discount takes
// Amounts[currency] cents off (it does not apply to other currencies); a
// percentage discount takes BasisPoints/100 percent off, rounded half up.
// A repeating discount only applies to recurring products.
type Discount struct {
	ID               uuid.UUID        `json:"id"`
	OrganizationID   uuid.UUID        `json:"organization_id"`
	Name             string           `json:"name"`
	Code             string           `json:"code,omitempty"`
	Type             DiscountType     `json:"type"`
	Duration         DiscountDuration `json:"duration"`
	DurationInMonths int              `json:"duration_in_months,omitempty"`
	Amounts          map[string]int64 `json:"amounts,omitempty"`
	BasisPoints      int              `json:"basis_points,omitempty"`
}

// maxAmount is the largest amount in cents the fake accepts anywhere
// (prices, custom amounts): it keeps every computation exact in int64.
const maxAmount = 99_999_999

// orgOf returns the organization of a product or discount.
func orgOf(id uuid.UUID) uuid.UUID {
	if id == uuid.Nil {
		return fixtureOrganization
	}
	return id
}

func (p Product) validate() error {
	switch {
	case p.ID == uuid.Nil:
		return errors.New("product without ID")
	case p.Name == "":
		return fmt.Errorf("product %s without name", p.ID)
	case p.RecurringInterval != "" && !p.RecurringInterval.Valid():
		return fmt.Errorf("product %s: unknown recurring interval %q", p.ID, p.RecurringInterval)
	case p.TrialInterval != "" && !p.TrialInterval.Valid():
		return fmt.Errorf("product %s: unknown trial interval %q", p.ID, p.TrialInterval)
	}
	for _, b := range p.Benefits {
		if b.ID == uuid.Nil || !b.Type.Valid() {
			return fmt.Errorf("product %s: benefit without ID or with unknown type %q", p.ID, b.Type)
		}
	}
	if err := p.Price.validate(); err != nil {
		return fmt.Errorf("product %s: %w", p.ID, err)
	}
	return nil
}

func (pr Price) validate() error {
	if pr.ID == uuid.Nil {
		return errors.New("price without ID")
	}
	if pr.Currency != "" && !client.PresentmentCurrency(pr.Currency).Valid() {
		return fmt.Errorf("price %s: unknown currency %q", pr.ID, pr.Currency)
	}
	inRange := func(v int64) bool { return v >= 0 && v <= maxAmount }
	switch pr.Type {
	case PriceFixed:
		if !inRange(pr.Amount) {
			return fmt.Errorf("price %s: amount outside 0..%d", pr.ID, maxAmount)
		}
	case PriceCustom:
		if !inRange(pr.MinimumAmount) || !inRange(pr.MaximumAmount) || !inRange(pr.PresetAmount) ||
			(pr.MaximumAmount != 0 && pr.MaximumAmount < pr.MinimumAmount) {
			return fmt.Errorf("price %s: inconsistent custom amounts", pr.ID)
		}
	case PriceSeatBased:
		if len(pr.SeatTiers) == 0 {
			return fmt.Errorf("price %s: seat-based price without tiers", pr.ID)
		}
		if pr.SeatTierType != "" && !pr.SeatTierType.Valid() {
			return fmt.Errorf("price %s: unknown seat tier type %q", pr.ID, pr.SeatTierType)
		}
		next := pr.SeatTiers[0].MinSeats
		if next < 1 {
			return fmt.Errorf("price %s: first tier must start at 1 seat or more", pr.ID)
		}
		for i, t := range pr.SeatTiers {
			last := i == len(pr.SeatTiers)-1
			if t.MinSeats != next || !inRange(t.PricePerSeat) || (t.MaxSeats == 0 && !last) || (t.MaxSeats != 0 && t.MaxSeats < t.MinSeats) {
				return fmt.Errorf("price %s: seat tier %d is not contiguous or has a bad price", pr.ID, i)
			}
			next = t.MaxSeats + 1
		}
	default:
		return fmt.Errorf("price %s: unknown type %q", pr.ID, pr.Type)
	}
	return nil
}

func (d Discount) validate() error {
	switch {
	case d.ID == uuid.Nil:
		return errors.New("discount without ID")
	case d.Name == "":
		return fmt.Errorf("discount %s without name", d.ID)
	case !d.Duration.Valid():
		return fmt.Errorf("discount %s: unknown duration %q", d.ID, d.Duration)
	case d.Duration == client.DiscountDurationRepeating && d.DurationInMonths < 1:
		return fmt.Errorf("discount %s: repeating without duration_in_months", d.ID)
	}
	switch d.Type {
	case client.DiscountTypeFixed:
		if len(d.Amounts) == 0 {
			return fmt.Errorf("discount %s: fixed discount without amounts", d.ID)
		}
		for cur, a := range d.Amounts {
			if !client.PresentmentCurrency(cur).Valid() || a < 0 || a > maxAmount {
				return fmt.Errorf("discount %s: bad amount for %q", d.ID, cur)
			}
		}
	case client.DiscountTypePercentage:
		if d.BasisPoints < 1 || d.BasisPoints > 10000 {
			return fmt.Errorf("discount %s: basis points outside 1..10000", d.ID)
		}
	default:
		return fmt.Errorf("discount %s: unknown type %q", d.ID, d.Type)
	}
	return nil
}

// currency returns the price's currency, usd by default.
func (pr Price) currency() string {
	if pr.Currency == "" {
		return "usd"
	}
	return pr.Currency
}

// isFree reports whether the price never charges anything.
func (pr Price) isFree() bool { return pr.Type == PriceFixed && pr.Amount == 0 }

// discountable reports whether discounts can apply to the price: not to
// free or pay-what-you-want prices, as on Polar.
func (pr Price) discountable() bool {
	return (pr.Type == PriceFixed && pr.Amount > 0) || pr.Type == PriceSeatBased
}

// seatBounds returns the seats the tiers allow; max 0 means no bound.
func (pr Price) seatBounds() (lo, hi int) {
	if len(pr.SeatTiers) == 0 {
		return 0, 0
	}
	return pr.SeatTiers[0].MinSeats, pr.SeatTiers[len(pr.SeatTiers)-1].MaxSeats
}

// seatAmount returns the amount for n seats. The caller checks bounds.
func (pr Price) seatAmount(n int) int64 {
	var total int64
	for _, t := range pr.SeatTiers {
		inTier := t.MaxSeats == 0 || n <= t.MaxSeats
		if pr.SeatTierType == client.SeatTierTypeGraduated {
			hi := n
			if !inTier {
				hi = t.MaxSeats
			}
			if hi >= t.MinSeats {
				total += int64(hi-t.MinSeats+1) * t.PricePerSeat
			}
		} else if inTier {
			return int64(n) * t.PricePerSeat
		}
		if inTier {
			break
		}
	}
	return total
}

// isRecurring reports whether the product is a subscription.
func (p Product) isRecurring() bool { return p.RecurringInterval != "" }
