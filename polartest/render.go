package polartest

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
)

// The answers showing a checkout are written by renderCheckout, straight
// from the session, rather than by building a client.Checkout and
// marshalling it: that took most of the server's time (about 60 nullable
// fields, each a map and a MarshalJSON call; the price unions, built
// through JSONMerge; and the same immutable product re-encoded three
// times per answer). The bytes are the same as json.Marshal of
// buildCheckout's value, which stays the reference: render_test.go
// compares the two on many sessions, so a change to one without the
// other fails there.

// productView is what a checkout shows of one product sold at one price,
// rendered once: for the catalogue prices by NewHandler, for an ad-hoc
// price by the create that sets it. Both are JSON exactly as json.Marshal
// writes the generated values, and are never modified.
type productView struct {
	price   []byte // the CheckoutProductPrice (prices, product_price)
	product []byte // the CheckoutProduct (products, product)
}

// renderProduct renders p sold at pr.
func renderProduct(p Product, pr Price) (*productView, error) {
	price, err := json.Marshal(checkoutPrice(p, pr))
	if err != nil {
		return nil, err
	}
	union, err := priceFromJSON(price)
	if err != nil {
		return nil, err
	}
	product, err := json.Marshal(checkoutProduct(p, union))
	if err != nil {
		return nil, err
	}
	return &productView{price: price, product: product}, nil
}

// priceFromJSON returns a CheckoutProductPrice holding its own copy of raw.
func priceFromJSON(raw []byte) (client.CheckoutProductPrice, error) {
	var out client.CheckoutProductPrice
	err := out.UnmarshalJSON(raw)
	return out, err
}

// discountFromJSON returns a CheckoutDiscount holding its own copy of raw.
func discountFromJSON(raw []byte) (client.CheckoutDiscount, error) {
	var out client.CheckoutDiscount
	err := out.UnmarshalJSON(raw)
	return out, err
}

// renderCatalog renders every product of the catalogue at its price, and
// every discount in each currency it can show. A value that cannot be
// rendered is left out, and is then rendered (and fails) on every use,
// as it did before this cache.
func (h *Handler) renderCatalog() {
	h.productViews = make(map[uuid.UUID]*productView, len(h.catalog))
	for id, p := range h.catalog {
		if v, err := renderProduct(p, p.Price); err == nil {
			h.productViews[id] = v
		}
	}
	h.discountViews = make(map[uuid.UUID]map[string][]byte, len(h.discounts))
	for id, d := range h.discounts {
		m := make(map[string][]byte)
		currencies := []string{""} // a percentage discount shows no currency
		if d.Type == client.DiscountTypeFixed {
			currencies = currencies[:0]
			for c := range d.Amounts {
				currencies = append(currencies, c)
			}
		}
		for _, c := range currencies {
			if b, err := json.Marshal(checkoutDiscountIn(d, c)); err == nil {
				m[c] = b
			}
		}
		h.discountViews[id] = m
	}
}

// renderAdHoc renders the products of a create's ad-hoc prices.
func (h *Handler) renderAdHoc(prices map[uuid.UUID]Price) map[uuid.UUID]*productView {
	if len(prices) == 0 {
		return nil
	}
	out := make(map[uuid.UUID]*productView, len(prices))
	for id, pr := range prices {
		if v, err := renderProduct(h.catalog[id], pr); err == nil {
			out[id] = v
		}
	}
	return out
}

// productViewOf returns the rendered product of a session: at its ad-hoc
// price if the create set one, else at the catalogue price.
func (h *Handler) productViewOf(cs *session, id uuid.UUID) (*productView, error) {
	if pr, ok := cs.adHoc[id]; ok {
		if v := cs.adHocViews[id]; v != nil {
			return v, nil
		}
		return renderProduct(h.catalog[id], pr)
	}
	if v := h.productViews[id]; v != nil {
		return v, nil
	}
	p := h.catalog[id]
	return renderProduct(p, p.Price)
}

// discountJSON returns the CheckoutDiscount of d in a checkout in
// currency.
func (h *Handler) discountJSON(d Discount, currency string) ([]byte, error) {
	key := ""
	if d.Type == client.DiscountTypeFixed {
		key = legacyCurrency(d, currency)
	}
	if b, ok := h.discountViews[d.ID][key]; ok {
		return b, nil
	}
	return json.Marshal(checkoutDiscountIn(d, key))
}

// checkoutJSON returns the token view of cs (a Checkout) as JSON: from
// the cache when cs is the stored version of its session, else rendered
// (and cached if it is). The caller holds the store's lock and must not
// modify the result.
func (h *Handler) checkoutJSON(cs *session) ([]byte, error) {
	b := h.store.bodiesOf(cs)
	if b != nil && b.checkout != nil {
		return b.checkout, nil
	}
	out, err := h.renderCheckout(cs)
	if err != nil {
		return nil, err
	}
	if b != nil {
		b.checkout = out
	}
	return out, nil
}

// publicJSON returns the client-secret view of cs (a CheckoutPublic) as
// JSON, cached like checkoutJSON.
func (h *Handler) publicJSON(cs *session) ([]byte, error) {
	b := h.store.bodiesOf(cs)
	if b != nil && b.public != nil {
		return b.public, nil
	}
	var out client.CheckoutPublic
	raw, err := h.checkoutJSON(cs)
	if err == nil {
		err = convert(raw, &out)
	}
	if err != nil {
		return nil, err
	}
	out.Organization = checkoutOrganization()
	body, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	if b != nil {
		b.public = body
	}
	return body, nil
}

// checkoutFixedSize bounds the size of a Checkout without its products,
// prices, discount and maps, for the first allocation.
const checkoutFixedSize = 2048

// renderCheckout returns the token view of cs, the bytes json.Marshal
// writes for buildCheckout(cs). The properties are in the order of the
// generated struct (alphabetical). The caller holds the store's lock.
func (h *Handler) renderCheckout(cs *session) ([]byte, error) {
	t := h.totalsOf(cs)
	pr := h.price(cs)
	prod := h.product(cs)
	current, err := h.productViewOf(cs, cs.productID)
	if err != nil {
		return nil, err
	}
	size := checkoutFixedSize + len(current.product) + len(current.price)
	// The products and their prices, by ID: prices is a JSON object, whose
	// keys json.Marshal sorts.
	ids := make([]string, 0, len(cs.productIDs))
	views := make(map[string]*productView, len(cs.productIDs))
	for _, id := range cs.productIDs {
		v, err := h.productViewOf(cs, id)
		if err != nil {
			return nil, err
		}
		key := id.String()
		if _, dup := views[key]; !dup {
			ids = append(ids, key)
			size += len(key) + len(v.price) + 8
		}
		views[key] = v
		size += len(v.product) + 1
	}
	slices.Sort(ids)
	var discount []byte
	if cs.discountID != nil {
		if d, ok := h.discounts[*cs.discountID]; ok {
			if discount, err = h.discountJSON(d, pr.currency()); err != nil {
				return nil, err
			}
			size += len(discount)
		}
	}
	w := jsonWriter{b: make([]byte, 0, size)}

	w.key(`{"active_trial_interval":`)
	w.optString((*string)(t.trialInterval))
	w.key(`,"active_trial_interval_count":`)
	w.optInt(t.trialIntervalCount)
	w.key(`,"allow_discount_codes":`)
	w.bool(cs.allowDiscountCodes)
	w.key(`,"allow_trial":`)
	w.optBool(cs.allowTrial)
	w.key(`,"amount":`)
	w.int(t.amount)
	w.key(`,"attached_custom_fields":[]`)
	f := billingAddressFields(cs)
	w.key(`,"billing_address_fields":{"city":`)
	w.string(string(f.City))
	w.key(`,"country":`)
	w.string(string(f.Country))
	w.key(`,"line1":`)
	w.string(string(f.Line1))
	w.key(`,"line2":`)
	w.string(string(f.Line2))
	w.key(`,"postal_code":`)
	w.string(string(f.PostalCode))
	w.key(`,"state":`)
	w.string(string(f.State))
	w.key(`},"client_secret":`)
	w.string(cs.clientSecret)
	w.key(`,"created_at":`)
	w.time(cs.createdAt)
	w.key(`,"currency":`)
	w.string(pr.currency())
	w.key(`,"custom_field_data":`)
	w.anyMap(cs.customFieldData)
	w.key(`,"customer_billing_address":`)
	if cs.customerBillingAddress == nil {
		w.null()
	} else {
		w.marshal(*cs.customerBillingAddress)
	}
	w.key(`,"customer_billing_name":`)
	w.optString(cs.customerBillingName)
	w.key(`,"customer_email":`)
	w.optString(cs.customerEmail)
	w.key(`,"customer_id":`)
	w.optUUID(cs.customerID)
	w.key(`,"customer_ip_address":`)
	w.optString(cs.customerIPAddress)
	w.key(`,"customer_metadata":`)
	w.anyMap(cs.customerMetadata)
	w.key(`,"customer_name":`)
	w.optString(cs.customerName)
	w.key(`,"customer_tax_id":`)
	w.optString(cs.customerTaxID)
	w.key(`,"discount":`)
	if discount == nil {
		w.null()
	} else {
		w.raw(discount)
	}
	w.key(`,"discount_amount":`)
	w.int(t.discount)
	w.key(`,"discount_id":`)
	w.optUUID(cs.discountID)
	w.key(`,"embed_origin":`)
	w.optString(cs.embedOrigin)
	w.key(`,"expires_at":`)
	w.time(cs.expiresAt)
	w.key(`,"external_customer_id":`)
	w.optString(cs.externalCustomerID)
	w.key(`,"id":`)
	w.uuid(cs.id)
	w.key(`,"is_business_customer":`)
	w.bool(cs.isBusinessCustomer)
	w.key(`,"is_discount_applicable":`)
	w.bool(t.discountApplicable)
	w.key(`,"is_free_product_price":`)
	w.bool(t.free)
	w.key(`,"is_payment_form_required":`)
	w.bool(t.formRequired)
	w.key(`,"is_payment_required":`)
	w.bool(t.paymentRequired)
	w.key(`,"is_payment_setup_required":`)
	w.bool(t.setupRequired)
	w.key(`,"locale":`)
	w.optString(cs.locale)
	w.key(`,"max_seats":`)
	w.optInt(cs.maxSeats)
	w.key(`,"max_units":null,"metadata":`)
	w.anyMap(cs.metadata)
	w.key(`,"min_seats":`)
	w.optInt(cs.minSeats)
	w.key(`,"min_units":null,"modified_at":`)
	w.optTime(cs.modifiedAt)
	w.key(`,"net_amount":`)
	w.int(t.net)
	w.key(`,"organization_id":`)
	w.uuid(orgOf(prod.OrganizationID))
	w.key(`,"payment_method_type":`)
	w.optString(cs.paymentMethodType)
	w.key(`,"payment_processor":"stripe","payment_processor_metadata":{`)
	if cs.intentStatus != "" {
		w.key(`"intent_status":`)
		w.string(cs.intentStatus)
		w.key(`,`)
	}
	w.key(`"publishable_key":"` + publishableKey + `"},"prices":{`)
	for i, id := range ids {
		if i > 0 {
			w.key(`,`)
		}
		w.string(id)
		w.key(`:[`)
		w.raw(views[id].price)
		w.key(`]`)
	}
	w.key(`},"product":`)
	w.raw(current.product)
	w.key(`,"product_id":`)
	w.uuid(cs.productID)
	w.key(`,"product_price":`)
	w.raw(current.price)
	w.key(`,"product_price_id":`)
	w.uuid(pr.ID)
	w.key(`,"products":[`)
	for i, id := range cs.productIDs {
		if i > 0 {
			w.key(`,`)
		}
		w.raw(views[id.String()].product)
	}
	w.key(`],"require_billing_address":`)
	w.bool(cs.requireBillingAddress)
	w.key(`,"return_url":`)
	w.optString(cs.returnURL)
	w.key(`,"seats":`)
	w.optInt(cs.seats)
	w.key(`,"status":`)
	w.string(string(cs.status))
	w.key(`,"subscription_id":`)
	w.optUUID(cs.subscriptionID)
	w.key(`,"success_url":`)
	w.string(h.successURL(cs))
	w.key(`,"tax_amount":`)
	if t.tax == nil {
		w.null()
	} else {
		w.int(*t.tax)
	}
	w.key(`,"tax_behavior":`)
	if t.tax != nil && t.formRequired {
		w.string(string(client.TaxBehaviorExclusive))
	} else {
		w.null()
	}
	w.key(`,"total_amount":`)
	w.int(t.total)
	w.key(`,"trial_end":`)
	w.optTime(t.trialEnd)
	w.key(`,"trial_interval":`)
	w.optString((*string)(cs.trialInterval))
	w.key(`,"trial_interval_count":`)
	w.optInt(cs.trialIntervalCount)
	w.key(`,"units":null,"url":`)
	w.string(cs.url)
	w.key(`}`)
	return w.b, w.err
}

// jsonWriter appends JSON values as json.Marshal writes them (HTML
// characters escaped). The first error sticks.
type jsonWriter struct {
	b   []byte
	err error
}

// key appends literal JSON: punctuation and property names.
func (w *jsonWriter) key(s string) { w.b = append(w.b, s...) }

func (w *jsonWriter) null() { w.b = append(w.b, "null"...) }

func (w *jsonWriter) raw(v []byte) { w.b = append(w.b, v...) }

func (w *jsonWriter) bool(v bool) { w.b = strconv.AppendBool(w.b, v) }

func (w *jsonWriter) int(v int64) { w.b = strconv.AppendInt(w.b, v, 10) }

// string appends s quoted. Printable ASCII without the characters
// json.Marshal escapes is copied; anything else goes through json.Marshal.
func (w *jsonWriter) string(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			w.marshal(s)
			return
		}
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, s...)
	w.b = append(w.b, '"')
}

// uuid appends u as its canonical string.
func (w *jsonWriter) uuid(u uuid.UUID) {
	const hexDigits = "0123456789abcdef"
	w.b = append(w.b, '"')
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			w.b = append(w.b, '-')
		}
		w.b = append(w.b, hexDigits[c>>4], hexDigits[c&0x0f])
	}
	w.b = append(w.b, '"')
}

// time appends t as time.Time.MarshalJSON does (RFC 3339 with
// nanoseconds); a time it cannot write is an error, as there.
func (w *jsonWriter) time(t time.Time) {
	w.b = append(w.b, '"')
	b, err := t.AppendText(w.b)
	if err != nil {
		w.fail(err)
		return
	}
	w.b = append(b, '"')
}

// anyMap appends a map of JSON scalars; nil shows as {} (the reference
// copies it into a new map).
func (w *jsonWriter) anyMap(m map[string]any) {
	if len(m) == 0 {
		w.b = append(w.b, "{}"...)
		return
	}
	w.marshal(m)
}

// marshal appends json.Marshal(v).
func (w *jsonWriter) marshal(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		w.fail(err)
		return
	}
	w.b = append(w.b, b...)
}

func (w *jsonWriter) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *jsonWriter) optString(p *string) {
	if p == nil {
		w.null()
		return
	}
	w.string(*p)
}

func (w *jsonWriter) optInt(p *int) {
	if p == nil {
		w.null()
		return
	}
	w.int(int64(*p))
}

func (w *jsonWriter) optBool(p *bool) {
	if p == nil {
		w.null()
		return
	}
	w.bool(*p)
}

func (w *jsonWriter) optUUID(p *uuid.UUID) {
	if p == nil {
		w.null()
		return
	}
	w.uuid(*p)
}

func (w *jsonWriter) optTime(p *time.Time) {
	if p == nil {
		w.null()
		return
	}
	w.time(*p)
}
