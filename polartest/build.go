package polartest

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"

	"github.com/gopolar/checkouts/client"
)

// publishableKey is the payment form's key in payment_processor_metadata.
const publishableKey = "pk_test_polartest"

// val and null build the two set states of a nullable field. Every
// required nullable field is set with one of them: left unset, it would be
// sent as its zero value instead of null.
func val[T any](v T) nullable.Nullable[T] { return nullable.NewNullableWithValue(v) }
func null[T any]() nullable.Nullable[T]   { return nullable.NewNullNullable[T]() }

// opt turns a pointer into a set nullable field: the value, or null.
func opt[T any](p *T) nullable.Nullable[T] {
	if p == nil {
		return null[T]()
	}
	return val(*p)
}

// buildCheckout returns the token view of a session. The caller holds the
// store's lock and has refreshed cs.
//
// The answers are written by renderCheckout, which must write the bytes
// json.Marshal writes for this value (render_test.go checks it); this
// value is what [Handler.Checkout] returns.
func (h *Handler) buildCheckout(cs *session) client.Checkout {
	t := h.totalsOf(cs)
	pr := h.price(cs)
	prod := h.product(cs)

	products := make([]client.CheckoutProduct, 0, len(cs.productIDs))
	prices := make(map[string][]client.CheckoutProductPrice, len(cs.productIDs))
	for _, id := range cs.productIDs {
		cp := checkoutProduct(h.catalog[id], h.checkoutPriceOf(cs, id))
		products = append(products, cp)
		prices[id.String()] = cp.Prices
	}
	price := h.checkoutPriceOf(cs, cs.productID)

	c := client.Checkout{
		ID:                       cs.id,
		CreatedAt:                cs.createdAt,
		ModifiedAt:               opt(cs.modifiedAt),
		CustomFieldData:          ptr(client.CustomFieldData(copyMap(cs.customFieldData))),
		PaymentProcessor:         client.PaymentProcessorStripe,
		Status:                   cs.status,
		ClientSecret:             cs.clientSecret,
		URL:                      cs.url,
		ExpiresAt:                cs.expiresAt,
		SuccessURL:               h.successURL(cs),
		ReturnURL:                opt(cs.returnURL),
		EmbedOrigin:              opt(cs.embedOrigin),
		Amount:                   t.amount,
		Seats:                    optInt(cs.seats),
		MinSeats:                 optInt(cs.minSeats),
		MaxSeats:                 optInt(cs.maxSeats),
		Units:                    null[int](),
		MinUnits:                 null[int](),
		MaxUnits:                 null[int](),
		DiscountAmount:           t.discount,
		NetAmount:                t.net,
		TaxAmount:                opt(t.tax),
		TaxBehavior:              null[client.TaxBehavior](),
		TotalAmount:              t.total,
		Currency:                 pr.currency(),
		AllowTrial:               opt(cs.allowTrial),
		ActiveTrialInterval:      opt(t.trialInterval),
		ActiveTrialIntervalCount: opt(t.trialIntervalCount),
		TrialEnd:                 opt(t.trialEnd),
		OrganizationID:           orgOf(prod.OrganizationID),
		ProductID:                val(cs.productID),
		ProductPriceID:           val(pr.ID),
		DiscountID:               opt(cs.discountID),
		AllowDiscountCodes:       cs.allowDiscountCodes,
		RequireBillingAddress:    cs.requireBillingAddress,
		IsDiscountApplicable:     t.discountApplicable,
		IsFreeProductPrice:       t.free,
		IsPaymentRequired:        t.paymentRequired,
		IsPaymentSetupRequired:   t.setupRequired,
		IsPaymentFormRequired:    t.formRequired,
		CustomerID:               opt(cs.customerID),
		IsBusinessCustomer:       cs.isBusinessCustomer,
		CustomerName:             opt(cs.customerName),
		CustomerEmail:            opt(cs.customerEmail),
		CustomerIPAddress:        opt(cs.customerIPAddress),
		CustomerBillingName:      opt(cs.customerBillingName),
		CustomerBillingAddress:   opt(cs.customerBillingAddress),
		CustomerTaxID:            opt(cs.customerTaxID),
		Locale:                   opt(cs.locale),
		PaymentMethodType:        opt(cs.paymentMethodType),
		PaymentProcessorMetadata: h.processorMetadata(cs),
		BillingAddressFields:     billingAddressFields(cs),
		TrialInterval:            opt(cs.trialInterval),
		TrialIntervalCount:       optInt(cs.trialIntervalCount),
		Metadata:                 client.MetadataOutputType(copyMap(cs.metadata)),
		ExternalCustomerID:       opt(cs.externalCustomerID),
		Products:                 products,
		Product:                  val(checkoutProduct(prod, price)),
		ProductPrice:             val(price),
		Prices:                   val(prices),
		Discount:                 null[client.CheckoutDiscount](),
		SubscriptionID:           opt(cs.subscriptionID),
		AttachedCustomFields:     val([]client.AttachedCustomField{}),
		CustomerMetadata:         client.CustomerMetadataOutput(copyMap(cs.customerMetadata)),
	}
	if t.tax != nil && t.formRequired {
		c.TaxBehavior = val(client.TaxBehaviorExclusive)
	}
	if cs.discountID != nil {
		if d, ok := h.discounts[*cs.discountID]; ok {
			c.Discount = val(h.checkoutDiscount(d, pr.currency()))
		}
	}
	return c
}

// checkoutPriceOf returns the price of a product in a session as a
// CheckoutProductPrice, from its rendered productView (built without
// JSONMerge), with its own copy of the bytes.
func (h *Handler) checkoutPriceOf(cs *session, id uuid.UUID) client.CheckoutProductPrice {
	if v, err := h.productViewOf(cs, id); err == nil {
		if out, err := priceFromJSON(v.price); err == nil {
			return out
		}
	}
	return checkoutPrice(h.catalog[id], h.priceOf(cs, id))
}

// checkoutDiscount returns the CheckoutDiscount of d in a checkout in
// currency, from its rendering, with its own copy of the bytes.
func (h *Handler) checkoutDiscount(d Discount, currency string) client.CheckoutDiscount {
	if raw, err := h.discountJSON(d, currency); err == nil {
		if out, err := discountFromJSON(raw); err == nil {
			return out
		}
	}
	key := ""
	if d.Type == client.DiscountTypeFixed {
		key = legacyCurrency(d, currency)
	}
	return checkoutDiscountIn(d, key)
}

// privateKeys are the properties of Checkout that CheckoutPublic leaves out.
var privateKeys = []string{"metadata", "customer_metadata", "external_customer_id", "subscription_id", "trial_interval", "trial_interval_count"}

// buildConfirmed returns the answer of a confirmation.
func (h *Handler) buildConfirmed(cs *session, sessionToken string) (client.CheckoutPublicConfirmed, error) {
	var out client.CheckoutPublicConfirmed
	raw, err := h.checkoutJSON(cs)
	if err == nil {
		err = convert(raw, &out)
	}
	out.Organization = checkoutOrganization()
	out.Status = client.CheckoutStatusConfirmed
	out.CustomerSessionToken = val(sessionToken)
	return out, err
}

// convert copies the shared properties of a Checkout (raw, as JSON) into
// a public shape through JSON, so both views always agree. Explicit nulls
// stay explicit.
func convert(raw []byte, dst any) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return err
	}
	for _, k := range privateKeys {
		delete(fields, k)
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, dst)
}

// successURL returns the session's success URL with {CHECKOUT_ID}
// replaced, or the default confirmation page.
func (h *Handler) successURL(cs *session) string {
	if cs.successURL == nil {
		return cs.defaultSuccess
	}
	return strings.ReplaceAll(*cs.successURL, "{CHECKOUT_ID}", cs.id.String())
}

// processorMetadata returns payment_processor_metadata.
func (h *Handler) processorMetadata(cs *session) map[string]string {
	m := map[string]string{"publishable_key": publishableKey}
	if cs.intentStatus != "" {
		m["intent_status"] = cs.intentStatus
	}
	return m
}

// billingAddressFields says which address parts the form asks for, by
// Polar's rules: more is required for businesses, when the checkout
// requires a full address, and for US customers.
func billingAddressFields(cs *session) client.CheckoutBillingAddressFields {
	country := ""
	if cs.customerBillingAddress != nil {
		country = string(cs.customerBillingAddress.Country)
	}
	full := cs.requireBillingAddress || cs.isBusinessCustomer || country == "US"
	mode := func(required bool, otherwise client.BillingAddressFieldMode) client.BillingAddressFieldMode {
		if required {
			return client.BillingAddressFieldModeRequired
		}
		return otherwise
	}
	optional := client.BillingAddressFieldModeDisabled
	if full {
		optional = client.BillingAddressFieldModeOptional
	}
	return client.CheckoutBillingAddressFields{
		Country:    client.BillingAddressFieldModeRequired,
		State:      mode(country == "US" || country == "CA", optional),
		Line1:      mode(full, client.BillingAddressFieldModeDisabled),
		Line2:      optional,
		City:       mode(full, client.BillingAddressFieldModeDisabled),
		PostalCode: mode(full, client.BillingAddressFieldModeDisabled),
	}
}

// checkoutProduct renders a catalogue product with the given price.
func checkoutProduct(p Product, price client.CheckoutProductPrice) client.CheckoutProduct {
	benefits := make([]client.BenefitPublic, 0, len(p.Benefits))
	for _, b := range p.Benefits {
		benefits = append(benefits, client.BenefitPublic{
			ID: b.ID, CreatedAt: fixtureCreatedAt, ModifiedAt: null[time.Time](), Type: b.Type,
			Description: b.Description, Selectable: true, Deletable: true, IsDeleted: false,
			OrganizationID: orgOf(p.OrganizationID),
		})
	}
	cp := client.CheckoutProduct{
		ID:                     p.ID,
		CreatedAt:              fixtureCreatedAt,
		ModifiedAt:             null[time.Time](),
		TrialInterval:          null[client.TrialInterval](),
		TrialIntervalCount:     null[int](),
		Name:                   p.Name,
		Description:            null[string](),
		Visibility:             client.ProductVisibilityPublic,
		RecurringInterval:      null[client.RecurringInterval](),
		RecurringIntervalCount: null[int](),
		MeterInterval:          null[client.RecurringInterval](),
		MeterIntervalCount:     null[int](),
		IsRecurring:            p.isRecurring(),
		IsArchived:             p.Archived,
		OrganizationID:         orgOf(p.OrganizationID),
		Prices:                 []client.CheckoutProductPrice{price},
		Benefits:               benefits,
		Medias:                 []client.ProductMediaFileRead{},
	}
	if p.Description != "" {
		cp.Description = val(p.Description)
	}
	if p.isRecurring() {
		cp.RecurringInterval = val(p.RecurringInterval)
		cp.RecurringIntervalCount = val(max(p.RecurringIntervalCount, 1))
	}
	if p.TrialInterval != "" && p.TrialIntervalCount > 0 {
		cp.TrialInterval = val(p.TrialInterval)
		cp.TrialIntervalCount = val(p.TrialIntervalCount)
	}
	return cp
}

// checkoutPrice renders a price in the CheckoutProductPrice union. The
// union setters only fail on values that cannot be marshalled, which
// these never are.
func checkoutPrice(p Product, pr Price) client.CheckoutProductPrice {
	source := client.ProductPriceSourceCatalog
	if pr.AdHoc {
		source = client.ProductPriceSourceAdHoc
	}
	var (
		pp  client.ProductPrice
		out client.CheckoutProductPrice
	)
	switch pr.Type {
	case PriceCustom:
		v := client.ProductPriceCustom{
			AmountType: client.ProductPriceCustomAmountTypeCustom, CreatedAt: fixtureCreatedAt,
			ModifiedAt: null[time.Time](), ID: pr.ID, IsArchived: false, Source: source,
			PriceCurrency: pr.currency(), ProductID: p.ID, TaxBehavior: null[client.TaxBehaviorOption](),
			MinimumAmount: pr.MinimumAmount, MaximumAmount: null[int64](), PresetAmount: null[int64](),
		}
		if pr.MaximumAmount > 0 {
			v.MaximumAmount = val(pr.MaximumAmount)
		}
		if pr.PresetAmount > 0 {
			v.PresetAmount = val(pr.PresetAmount)
		}
		_ = pp.FromProductPriceCustom(v)
	case PriceSeatBased:
		tiers := make([]client.ProductPriceSeatTier, 0, len(pr.SeatTiers))
		for _, t := range pr.SeatTiers {
			tier := client.ProductPriceSeatTier{MinSeats: t.MinSeats, MaxSeats: null[int](), PricePerSeat: t.PricePerSeat}
			if t.MaxSeats > 0 {
				tier.MaxSeats = val(t.MaxSeats)
			}
			tiers = append(tiers, tier)
		}
		lo, hi := pr.seatBounds()
		tierType := pr.SeatTierType
		if tierType == "" {
			tierType = client.SeatTierTypeVolume
		}
		out := client.ProductPriceSeatTiersOutput{SeatTierType: &tierType, Tiers: tiers, MinimumSeats: lo, MaximumSeats: null[int]()}
		if hi > 0 {
			out.MaximumSeats = val(hi)
		}
		_ = pp.FromProductPriceSeatBased(client.ProductPriceSeatBased{
			AmountType: client.ProductPriceSeatBasedAmountTypeSeatBased, CreatedAt: fixtureCreatedAt,
			ModifiedAt: null[time.Time](), ID: pr.ID, IsArchived: false, Source: source,
			PriceCurrency: pr.currency(), ProductID: p.ID, TaxBehavior: null[client.TaxBehaviorOption](),
			SeatTiers: out,
		})
	default:
		_ = pp.FromProductPriceFixed(client.ProductPriceFixed{
			AmountType: client.ProductPriceFixedAmountTypeFixed, CreatedAt: fixtureCreatedAt,
			ModifiedAt: null[time.Time](), ID: pr.ID, IsArchived: false, Source: source,
			PriceCurrency: pr.currency(), ProductID: p.ID, TaxBehavior: null[client.TaxBehaviorOption](),
			PriceAmount: pr.Amount,
		})
	}
	_ = out.FromProductPrice(pp)
	return out
}

// legacyCurrency returns the currency of the deprecated single amount of
// a fixed discount in a checkout in currency: that one if the discount
// has it, else its first currency.
func legacyCurrency(d Discount, currency string) string {
	if _, ok := d.Amounts[currency]; ok {
		return currency
	}
	keys := make([]string, 0, len(d.Amounts))
	for k := range d.Amounts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys[0]
}

// checkoutDiscountIn renders a discount in the CheckoutDiscount union;
// legacy is the currency of a fixed discount's single amount (see
// legacyCurrency). The union setters only fail on values that cannot be
// marshalled, which these never are.
func checkoutDiscountIn(d Discount, legacy string) client.CheckoutDiscount {
	var out client.CheckoutDiscount
	code := null[string]()
	if d.Code != "" {
		code = val(d.Code)
	}
	repeating := d.Duration == client.DiscountDurationRepeating
	if d.Type == client.DiscountTypeFixed {
		amounts := make(map[string]int64, len(d.Amounts))
		for k, v := range d.Amounts {
			amounts[k] = v
		}
		if repeating {
			_ = out.FromCheckoutDiscountFixedRepeatDuration(client.CheckoutDiscountFixedRepeatDuration{
				Duration: d.Duration, DurationInMonths: d.DurationInMonths, Type: d.Type,
				Amount: amounts[legacy], Currency: legacy, Amounts: amounts,
				ID: d.ID, Name: d.Name, Code: code,
			})
		} else {
			_ = out.FromCheckoutDiscountFixedOnceForeverDuration(client.CheckoutDiscountFixedOnceForeverDuration{
				Duration: d.Duration, Type: d.Type,
				Amount: amounts[legacy], Currency: legacy, Amounts: amounts,
				ID: d.ID, Name: d.Name, Code: code,
			})
		}
		return out
	}
	if repeating {
		_ = out.FromCheckoutDiscountPercentageRepeatDuration(client.CheckoutDiscountPercentageRepeatDuration{
			Duration: d.Duration, DurationInMonths: d.DurationInMonths, Type: d.Type,
			BasisPoints: d.BasisPoints, ID: d.ID, Name: d.Name, Code: code,
		})
	} else {
		_ = out.FromCheckoutDiscountPercentageOnceForeverDuration(client.CheckoutDiscountPercentageOnceForeverDuration{
			Duration: d.Duration, Type: d.Type, BasisPoints: d.BasisPoints, ID: d.ID, Name: d.Name, Code: code,
		})
	}
	return out
}

// checkoutOrganization renders the fixtures' organization.
func checkoutOrganization() client.CheckoutOrganization {
	o := organization()
	return client.CheckoutOrganization{
		CreatedAt: fixtureCreatedAt, ModifiedAt: null[time.Time](), ID: o.ID, Name: o.Name, Slug: o.Slug,
		AvatarURL: null[string](), ProrationBehavior: client.SubscriptionProrationBehaviorInvoice,
		AllowCustomerUpdates: true,
	}
}

// optInt renders an optional count.
func optInt(p *int) nullable.Nullable[int] { return opt(p) }

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// copyMap returns a non-nil copy of m.
func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// uuidPtr returns a pointer to a copy of u.
func uuidPtr(u uuid.UUID) *uuid.UUID { return &u }
