package polartest

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
)

// update answers PATCH /v1/checkouts/{id}.
func (h *Handler) update(id string, body []byte) *reply {
	uid, rep := checkoutID(id)
	if rep != nil {
		return rep
	}
	p, rep := parseBody(body, kindUpdate)
	if rep != nil {
		return rep
	}
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	cs, ok := h.store.byID[uid]
	if !ok {
		return resourceNotFound()
	}
	now := h.now()
	cs = h.store.refresh(cs, now)
	next, rep := h.patchOpen(cs, p, kindUpdate)
	if rep != nil {
		return rep
	}
	next.modifiedAt = &now
	h.store.replace(next)
	h.store.applied[OpUpdate]++
	return h.checkoutReply(http.StatusOK, next)
}

// clientUpdate answers PATCH /v1/checkouts/client/{client_secret}.
func (h *Handler) clientUpdate(secret string, body []byte) *reply {
	return h.patchBySecret(secret, body, kindClientUpdate, func(next *session, _ patch, now time.Time) *reply {
		next.modifiedAt = &now
		h.store.replace(next)
		h.store.applied[OpClientUpdate]++
		return h.publicReply(next)
	})
}

// patchBySecret runs the common part of the client-secret mutations: it
// reads the body, finds the checkout by its secret (404, 410), applies the
// body's changes to a copy if it is open (403, 422), and hands the copy to
// apply, all under the store's lock.
func (h *Handler) patchBySecret(secret string, body []byte, kind bodyKind, apply func(next *session, p patch, now time.Time) *reply) *reply {
	p, rep := parseBody(body, kind)
	if rep != nil {
		return rep
	}
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	now := h.now()
	cs, rep := h.bySecret(secret, now)
	if rep != nil {
		return rep
	}
	next, rep := h.patchOpen(cs, p, kind)
	if rep != nil {
		return rep
	}
	return apply(next, p, now)
}

// patchOpen applies p to an open checkout and returns the changed copy, or
// the answer to send instead: 403 NotOpenCheckout when it is not open, 422
// when the patch is invalid. The caller holds mu.
func (h *Handler) patchOpen(cs *session, p patch, kind bodyKind) (*session, *reply) {
	if cs.status != client.CheckoutStatusOpen {
		return nil, notOpen(cs)
	}
	next, errs := h.applyPatch(cs, p, kind)
	if errs != nil {
		return nil, validationFailed(errPolarValidation, errs)
	}
	return next, nil
}

// parseBody reads a body of the given kind, or returns the 422.
func parseBody(body []byte, kind bodyKind) (patch, *reply) {
	r, errs := readBody(body)
	if errs != nil {
		return patch{}, validationFailed(errRequestValidation, errs)
	}
	p := parsePatch(r, kind)
	if len(*r.errs) > 0 {
		return patch{}, validationFailed(errRequestValidation, *r.errs)
	}
	return p, nil
}

// checkoutID parses the {id} path parameter as FastAPI's UUID4 does.
func checkoutID(id string) (uuid.UUID, *reply) {
	u, e := parseUUID4(id)
	if e != nil {
		e.Loc = []any{"path", "id"}
		e.Input = id
		return uuid.Nil, validationFailed(errRequestValidation, []verr{*e})
	}
	return u, nil
}

// applyPatch returns a copy of cs with p applied, in the order Polar
// applies an update: product and price, amount and seats, discount,
// billing address, tax ID and custom fields, then the plain properties.
// The first broken business rule stops it; cs itself is never changed.
func (h *Handler) applyPatch(cs *session, p patch, kind bodyKind) (*session, []verr) {
	next := *cs
	s := &next
	if errs := h.patchProduct(s, &p); errs != nil {
		return nil, errs
	}
	if errs := h.patchQuantity(s, &p); errs != nil {
		return nil, errs
	}
	if errs := h.patchDiscount(s, &p, kind); errs != nil {
		return nil, errs
	}
	if errs := patchBilling(s, &p); errs != nil {
		return nil, errs
	}
	copyCustomerFields(s, &p, kind)
	copySettings(s, &p)
	return s, nil
}

// bodyLoc is the location of a body property in a validation error.
func bodyLoc(key string) []any { return []any{"body", key} }

// patchProduct selects the product (resetting the amount and seats, and
// dropping a discount that no longer applies) and checks the price and
// currency against it.
func (h *Handler) patchProduct(s *session, p *patch) []verr {
	if p.productID.value() {
		if errs := h.selectProduct(s, p.productID.v); errs != nil {
			return errs
		}
	}
	pr := h.price(s)
	if p.productPriceID.value() && p.productPriceID.v != pr.ID {
		return businessError(bodyLoc("product_price_id"), "value_error", "Price is not available in this checkout.", p.productPriceID.v.String(), nil)
	}
	if p.currency.value() && p.currency.v != pr.currency() {
		return businessError(bodyLoc("currency"), "value_error", "Currency is not available for this product.", p.currency.v, nil)
	}
	return nil
}

// selectProduct makes id, one of the checkout's products, the selected
// one.
func (h *Handler) selectProduct(s *session, id uuid.UUID) []verr {
	if !containsID(s.productIDs, id) {
		return businessError(bodyLoc("product_id"), "value_error", "Product is not available in this checkout.", id.String(), nil)
	}
	if h.catalog[id].Archived {
		return businessError(bodyLoc("product_id"), "value_error", "Product is archived.", id.String(), nil)
	}
	if id == s.productID {
		return nil
	}
	s.productID = id
	s.amount = defaultCustomAmount(h.price(s))
	s.seats = nil
	if s.discountID != nil {
		if _, ok := h.discountApplies(s, h.discounts[*s.discountID]); !ok {
			s.discountID = nil
		}
	}
	return nil
}

// patchQuantity sets the pay-what-you-want amount and the seats after
// checking them against the selected price; a seat-based price without a
// seat count starts at its minimum.
func (h *Handler) patchQuantity(s *session, p *patch) []verr {
	pr := h.price(s)
	if p.amount.value() && pr.Type == PriceCustom {
		if errs := checkCustomAmount(pr, p.amount.v); errs != nil {
			return errs
		}
		s.amount = p.amount.v
	}
	if p.seats.value() {
		if errs := h.checkSeats(s, int(p.seats.v)); errs != nil {
			return errs
		}
		s.seats = ptr(int(p.seats.v))
	}
	if s.seats == nil && pr.Type == PriceSeatBased {
		lo, _ := h.seatRange(s)
		s.seats = ptr(lo)
	}
	return nil
}

// patchDiscount applies the discount of the body: by ID from the token
// operations, by code (when the checkout allows codes) from the client
// ones. null removes it.
func (h *Handler) patchDiscount(s *session, p *patch, kind bodyKind) []verr {
	if kind == kindCreate || kind == kindUpdate {
		switch {
		case p.discountID.value():
			return h.setDiscount(s, p.discountID.v, "discount_id")
		case p.discountID.null:
			s.discountID = nil
		}
		return nil
	}
	if !s.allowDiscountCodes {
		return nil
	}
	switch {
	case p.discountCode.value():
		id, ok := h.codes[strings.ToUpper(p.discountCode.v)]
		if !ok {
			return businessError(bodyLoc("discount_code"), "value_error", "Discount does not exist.", p.discountCode.v, nil)
		}
		return h.setDiscount(s, id, "discount_code")
	case p.discountCode.null:
		s.discountID = nil
	}
	return nil
}

// patchBilling sets the billing address, the tax ID (which needs a
// country to be validated against) and the custom field data.
func patchBilling(s *session, p *patch) []verr {
	if p.customerBillingAddress.set {
		s.customerBillingAddress = p.customerBillingAddress.ptr()
	}
	if p.customerTaxID.set {
		s.customerTaxID = p.customerTaxID.ptr()
	}
	if s.customerTaxID != nil && s.customerBillingAddress == nil {
		return businessError(bodyLoc("customer_billing_address"), "missing", "Country is required to validate tax ID.", nil, nil)
	}
	if p.customFieldData.value() {
		s.customFieldData = p.customFieldData.v
	}
	return nil
}

// copyCustomerFields copies the customer's properties that need no check.
// The email of a known customer is kept, except on create.
func copyCustomerFields(s *session, p *patch, kind bodyKind) {
	setString(p.customerName, &s.customerName)
	if s.customerID == nil || kind == kindCreate {
		setString(p.customerEmail, &s.customerEmail)
	}
	setString(p.customerBillingName, &s.customerBillingName)
	setString(p.locale, &s.locale)
	setString(p.customerIPAddress, &s.customerIPAddress)
	setBool(p.isBusinessCustomer, &s.isBusinessCustomer)
	if p.customerMetadata.set {
		s.customerMetadata = p.customerMetadata.v // null clears
	}
}

// copySettings copies the checkout's own properties that need no check:
// URLs, payment method, flags, trial and metadata.
func copySettings(s *session, p *patch) {
	setString(p.successURL, &s.successURL)
	setString(p.returnURL, &s.returnURL)
	setString(p.embedOrigin, &s.embedOrigin)
	setString(p.paymentMethodType, &s.paymentMethodType)
	setBool(p.allowDiscountCodes, &s.allowDiscountCodes)
	setBool(p.requireBillingAddress, &s.requireBillingAddress)
	if p.allowTrial.set {
		s.allowTrial = p.allowTrial.ptr()
	}
	if p.trialInterval.set {
		s.trialInterval = nil
		if p.trialInterval.value() {
			s.trialInterval = ptr(client.TrialInterval(p.trialInterval.v))
		}
	}
	if p.trialIntervalCount.set {
		s.trialIntervalCount = nil
		if p.trialIntervalCount.value() {
			s.trialIntervalCount = ptr(int(p.trialIntervalCount.v))
		}
	}
	if p.metadata.value() {
		s.metadata = p.metadata.v
	}
}

// setString stores a nullable string property that is present in the
// body (null clears it).
func setString(f field[string], dst **string) {
	if f.set {
		*dst = f.ptr()
	}
}

// setBool stores a boolean property that has a value in the body.
func setBool(f field[bool], dst *bool) {
	if f.value() {
		*dst = f.v
	}
}

// setDiscount applies a discount after Polar's checks; key is the
// property that named it.
func (h *Handler) setDiscount(s *session, id uuid.UUID, key string) []verr {
	d, ok := h.discounts[id]
	if !ok {
		return businessError([]any{"body", key}, "value_error", "Discount does not exist.", id.String(), nil)
	}
	if msg, ok := h.discountApplies(s, d); !ok {
		return businessError([]any{"body", key}, "value_error", msg, id.String(), nil)
	}
	s.discountID = uuidPtr(id)
	return nil
}

// checkCustomAmount checks a pay-what-you-want amount against the price.
func checkCustomAmount(pr Price, amount int64) []verr {
	if amount < pr.MinimumAmount {
		return businessError([]any{"body", "amount"}, "greater_than_equal", "Amount is below minimum.", amount, map[string]any{"ge": pr.MinimumAmount})
	}
	if pr.MaximumAmount > 0 && amount > pr.MaximumAmount {
		return businessError([]any{"body", "amount"}, "less_than_equal", "Amount is above maximum.", amount, map[string]any{"le": pr.MaximumAmount})
	}
	return nil
}

// customPriceFallback is the amount of a pay-what-you-want price with
// neither preset nor minimum.
const customPriceFallback = 1000

// defaultCustomAmount is the starting amount of a pay-what-you-want price:
// the preset, else the minimum, else a fallback. Other prices: 0.
func defaultCustomAmount(pr Price) int64 {
	if pr.Type != PriceCustom {
		return 0
	}
	switch {
	case pr.PresetAmount > 0:
		return pr.PresetAmount
	case pr.MinimumAmount > 0:
		return pr.MinimumAmount
	}
	return customPriceFallback
}

// seatRange returns the seats a checkout allows: its own bounds within
// the price's tiers; hi 0 means no bound.
func (h *Handler) seatRange(s *session) (lo, hi int) {
	lo, hi = h.price(s).seatBounds()
	if s.minSeats != nil && *s.minSeats > lo {
		lo = *s.minSeats
	}
	if s.maxSeats != nil && (hi == 0 || *s.maxSeats < hi) {
		hi = *s.maxSeats
	}
	return lo, hi
}

// checkSeats checks a seat count against the selected price.
func (h *Handler) checkSeats(s *session, n int) []verr {
	loc := []any{"body", "seats"}
	if h.price(s).Type != PriceSeatBased {
		return businessError(loc, "value_error", "Seats can only be set for a seat-based price.", n, nil)
	}
	lo, hi := h.seatRange(s)
	if n < lo {
		return businessError(loc, "greater_than_equal", "Seats must be at least "+strconv.Itoa(lo)+".", n, map[string]any{"ge": lo})
	}
	if hi > 0 && n > hi {
		return businessError(loc, "less_than_equal", "Seats must be at most "+strconv.Itoa(hi)+".", n, map[string]any{"le": hi})
	}
	return nil
}

// containsID reports whether ids holds id.
func containsID(ids []uuid.UUID, id uuid.UUID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
