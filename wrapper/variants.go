package polar

import (
	"encoding/json"
	"strings"

	"github.com/gopolar/checkouts/client"
)

// UnknownVariant is a union member this SDK version does not know, such
// as a price type Polar added later. Raw keeps the JSON as received.
type UnknownVariant struct {
	// Kind is the value that would have selected the variant (the price's
	// amount_type, the custom field's type, or type/duration of a discount).
	Kind string
	Raw  json.RawMessage
}

// PriceVariant returns the concrete price inside p: one of
// client.ProductPriceFixed, ProductPriceCustom, ProductPriceSeatBased,
// ProductPriceMeteredUnit, ProductPriceUnitBased, ProductPriceMeteredTiers,
// LegacyRecurringProductPriceFixed, LegacyRecurringProductPriceCustom, or
// an [UnknownVariant]. Legacy prices are told apart by their `legacy` flag
// before amount_type, because they share amount_type values.
func PriceVariant(p CheckoutProductPrice) (any, error) {
	raw, err := p.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var head struct {
		Legacy     bool   `json:"legacy"`
		AmountType string `json:"amount_type"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, err
	}
	var (
		v    any
		verr error
	)
	if head.Legacy {
		legacy, err := p.AsLegacyRecurringProductPrice()
		if err != nil {
			return nil, err
		}
		v, verr = legacy.ValueByDiscriminator()
	} else {
		current, err := p.AsProductPrice()
		if err != nil {
			return nil, err
		}
		v, verr = current.ValueByDiscriminator()
	}
	if isUnknownDiscriminator(verr) {
		return UnknownVariant{Kind: head.AmountType, Raw: raw}, nil
	}
	return v, verr
}

// isUnknownDiscriminator reports whether err is the generated unions'
// "unknown discriminator value" error, as opposed to a decoding failure of
// a known variant.
func isUnknownDiscriminator(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "unknown discriminator value")
}

// DiscountVariant returns the concrete discount inside d: one of
// client.CheckoutDiscountFixedOnceForeverDuration, …FixedRepeatDuration,
// …PercentageOnceForeverDuration, …PercentageRepeatDuration, or an
// [UnknownVariant]. Polar tells them apart by type and duration.
func DiscountVariant(d CheckoutDiscount) (any, error) {
	raw, err := d.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var head struct {
		Type     string `json:"type"`
		Duration string `json:"duration"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, err
	}
	repeating := head.Duration == string(client.DiscountDurationRepeating)
	known := head.Duration == string(client.DiscountDurationOnce) || head.Duration == string(client.DiscountDurationForever) || repeating
	switch {
	case !known:
	case head.Type == string(client.DiscountTypeFixed) && repeating:
		return d.AsCheckoutDiscountFixedRepeatDuration()
	case head.Type == string(client.DiscountTypeFixed):
		return d.AsCheckoutDiscountFixedOnceForeverDuration()
	case head.Type == string(client.DiscountTypePercentage) && repeating:
		return d.AsCheckoutDiscountPercentageRepeatDuration()
	case head.Type == string(client.DiscountTypePercentage):
		return d.AsCheckoutDiscountPercentageOnceForeverDuration()
	}
	return UnknownVariant{Kind: head.Type + "/" + head.Duration, Raw: raw}, nil
}

// CustomFieldVariant returns the concrete custom field inside f: one of
// client.CustomFieldText, CustomFieldNumber, CustomFieldDate,
// CustomFieldCheckbox, CustomFieldSelect, or an [UnknownVariant].
func CustomFieldVariant(f client.CustomField) (any, error) {
	v, err := f.ValueByDiscriminator()
	if !isUnknownDiscriminator(err) {
		return v, err
	}
	kind, err := f.Discriminator()
	if err != nil {
		return nil, err
	}
	raw, err := f.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return UnknownVariant{Kind: kind, Raw: raw}, nil
}
