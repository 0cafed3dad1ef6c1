package polartest

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
)

// create answers POST /v1/checkouts/: a new open session for the
// products, the first one selected, with amounts from its price.
func (h *Handler) create(body []byte, origin string) *reply {
	r, errs := readBody(body)
	if errs != nil {
		return validationFailed(errRequestValidation, errs)
	}
	products := r.uuidList("products")
	prices := r.adHocPrices("prices", h.ids)
	p := parsePatch(r, kindCreate)
	minSeats := r.integer("min_seats", true, 1, maxSeats)
	maxSeatsF := r.integer("max_seats", true, 1, maxSeats)
	r.integer("min_units", true, 1, maxUnits) // unit-based prices are not modelled
	r.integer("max_units", true, 1, maxUnits)
	customerID := r.uuid4("customer_id", true)
	externalID := r.str("external_customer_id", true, 0, 0)
	subscriptionID := r.uuid4("subscription_id", true)
	if len(*r.errs) > 0 {
		return validationFailed(errRequestValidation, *r.errs)
	}

	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	if errs := h.checkProducts(products, prices); errs != nil {
		return validationFailed(errPolarValidation, errs)
	}
	now := h.now()
	id := h.ids.uuid()
	secret := h.ids.token(clientSecretPrefix)
	cs := &session{
		id:                 id,
		createdAt:          now,
		status:             client.CheckoutStatusOpen,
		clientSecret:       secret,
		url:                origin + "/checkout/" + secret,
		defaultSuccess:     origin + "/checkout/" + secret + "/confirmation",
		expiresAt:          now.Add(h.cfg.expiry),
		productIDs:         products,
		productID:          products[0],
		adHoc:              prices,
		allowDiscountCodes: true,
		allowTrial:         ptr(true),
		minSeats:           intPtr(minSeats),
		maxSeats:           intPtr(maxSeatsF),
		externalCustomerID: externalID.ptr(),
		metadata:           map[string]any{},
		customerMetadata:   map[string]any{},
		customFieldData:    map[string]any{},
	}
	cs.amount = defaultCustomAmount(h.price(cs))
	if lo, hi := h.seatRange(cs); h.price(cs).Type == PriceSeatBased && hi > 0 && lo > hi {
		return validationFailed(errPolarValidation, businessError([]any{"body", "min_seats"}, "value_error", "min_seats must not be greater than max_seats.", minSeats.v, nil))
	}

	if customerID.value() {
		if !h.store.known[customerID.v] {
			return validationFailed(errPolarValidation, businessError([]any{"body", "customer_id"}, "value_error", "Customer does not exist.", customerID.v.String(), nil))
		}
		cs.customerID = uuidPtr(customerID.v)
	} else if externalID.value() {
		if known, ok := h.store.customers["ext:"+externalID.v]; ok {
			cs.customerID = uuidPtr(known)
		}
	}
	h.prefillCustomer(cs)
	if subscriptionID.value() {
		return validationFailed(errPolarValidation, businessError([]any{"body", "subscription_id"}, "value_error", "Subscription does not exist.", subscriptionID.v.String(), nil))
	}

	next, errs := h.applyPatch(cs, p, kindCreate)
	if errs != nil {
		return validationFailed(errPolarValidation, errs)
	}
	if a := next.customerBillingAddress; a != nil {
		if hasStreet(*a) || (present(a.State) && a.Country != "US" && a.Country != "CA") {
			next.requireBillingAddress = true
		}
	}
	next.adHocViews = h.renderAdHoc(next.adHoc)
	h.store.put(next)
	h.store.applied[OpCreate]++
	return h.checkoutReply(http.StatusCreated, next)
}

// checkProducts applies Polar's rules to the products of a create: each
// must exist in the token's organization and not be archived; ad-hoc
// prices must be for products of the list.
func (h *Handler) checkProducts(ids []uuid.UUID, prices map[uuid.UUID]Price) []verr {
	var errs []verr
	for i, id := range ids {
		p, ok := h.catalog[id]
		switch {
		case !ok || orgOf(p.OrganizationID) != fixtureOrganization:
			errs = append(errs, verr{Type: "value_error", Loc: []any{"body", "products", i}, Msg: "Product does not exist.", Input: id.String()})
		case p.Archived:
			errs = append(errs, verr{Type: "value_error", Loc: []any{"body", "products", i}, Msg: "Product is archived.", Input: id.String()})
		}
	}
	for id := range prices {
		if !containsID(ids, id) {
			errs = append(errs, verr{Type: "value_error", Loc: []any{"body", "prices", id.String()}, Msg: "Product is not in the products of this checkout.", Input: id.String()})
		}
	}
	return errs
}

// intPtr turns a parsed optional count into a pointer.
func intPtr(f field[int64]) *int {
	if !f.value() {
		return nil
	}
	return ptr(int(f.v))
}
