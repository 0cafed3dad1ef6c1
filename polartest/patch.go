package polartest

import (
	"bytes"

	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"

	"github.com/gopolar/checkouts/client"
)

// bodyKind says which request schema a body follows: the same property
// can be required, nullable or absent depending on it.
type bodyKind int

const (
	kindCreate       bodyKind = iota // CheckoutProductsCreate
	kindUpdate                       // CheckoutUpdate
	kindClientUpdate                 // CheckoutUpdatePublic
	kindConfirm                      // CheckoutConfirmStripe
)

// patch holds the properties a body may set, each tri-state. Which ones a
// body kind has follows the OpenAPI document; properties of other kinds
// are ignored, as Polar ignores unknown properties.
type patch struct {
	customFieldData        field[map[string]any]
	productID              field[uuid.UUID]
	productPriceID         field[uuid.UUID]
	amount                 field[int64]
	seats                  field[int64]
	isBusinessCustomer     field[bool]
	customerName           field[string]
	customerEmail          field[string]
	customerBillingName    field[string]
	customerBillingAddress field[client.Address]
	customerTaxID          field[string]
	locale                 field[string]
	trialInterval          field[string]
	trialIntervalCount     field[int64]
	metadata               field[map[string]any]
	currency               field[string]
	discountID             field[uuid.UUID]
	allowDiscountCodes     field[bool]
	requireBillingAddress  field[bool]
	allowTrial             field[bool]
	customerIPAddress      field[string]
	customerMetadata       field[map[string]any]
	successURL             field[string]
	returnURL              field[string]
	embedOrigin            field[string]
	paymentMethodType      field[string]
	discountCode           field[string]
	confirmationTokenID    field[string]
}

// Bounds of the integer properties, from the OpenAPI document.
const (
	maxSeats      = 10000
	maxUnits      = 2147483647
	maxTrialCount = 1000
)

// parsePatch reads the properties of kind from r; type errors go to r.
func parsePatch(r reader, kind bodyKind) patch {
	var p patch
	create := kind == kindCreate
	token := kind == kindCreate || kind == kindUpdate
	public := kind == kindClientUpdate || kind == kindConfirm

	p.customFieldData = r.customFields("custom_field_data")
	if !create {
		p.productID = r.uuid4("product_id", true)
		p.productPriceID = r.uuid4("product_price_id", true)
	}
	p.amount = r.integer("amount", true, 0, maxAmount)
	p.seats = r.integer("seats", true, 1, maxSeats)
	r.integer("units", true, 1, maxUnits) // validated; unit-based prices are not modelled
	p.isBusinessCustomer = r.boolean("is_business_customer", !create)
	p.customerName = r.str("customer_name", true, 0, 256)
	p.customerEmail = r.email("customer_email")
	p.customerBillingName = r.str("customer_billing_name", true, 0, 0)
	p.customerBillingAddress = r.address("customer_billing_address")
	p.customerTaxID = r.str("customer_tax_id", true, 0, 0)
	p.locale = r.str("locale", true, 0, 0)
	if token {
		p.trialInterval = r.enum("trial_interval", true, func(s string) bool { return client.TrialInterval(s).Valid() }, expectedList("day", "week", "month", "year"))
		p.trialIntervalCount = r.integer("trial_interval_count", true, 1, maxTrialCount)
		p.metadata = r.metadata("metadata", false, false)
		p.currency = r.enum("currency", true, func(s string) bool { return client.PresentmentCurrency(s).Valid() }, "a supported lower-case ISO 4217 currency code")
		p.discountID = r.uuid4("discount_id", true)
		p.allowDiscountCodes = r.boolean("allow_discount_codes", !create)
		p.requireBillingAddress = r.boolean("require_billing_address", !create)
		p.allowTrial = r.boolean("allow_trial", !create)
		p.customerIPAddress = r.ip("customer_ip_address")
		p.customerMetadata = r.metadata("customer_metadata", !create, true)
		p.successURL = r.httpURL("success_url")
		p.returnURL = r.httpURL("return_url")
		p.embedOrigin = r.str("embed_origin", true, 0, 0)
	}
	if public {
		p.paymentMethodType = r.str("payment_method_type", true, 0, 0)
		p.discountCode = r.str("discount_code", true, 0, 0)
		// allow_trial is `false` or null: a customer may only decline a trial.
		if raw, ok := r.raw["allow_trial"]; ok {
			switch {
			case isNull(raw):
				p.allowTrial = field[bool]{set: true, null: true}
			case string(bytes.TrimSpace(raw)) == "false":
				p.allowTrial = field[bool]{set: true}
			default:
				r.fail("allow_trial", "literal_error", "Input should be False", raw, map[string]any{"expected": "False"})
			}
		}
	}
	if kind == kindConfirm {
		p.confirmationTokenID = r.str("confirmation_token_id", true, 0, 0)
	}
	return p
}

// address reads an AddressInput.
func (r reader) address(key string) field[client.Address] {
	raw, st := r.get(key, true, "model_type", "Input should be a valid dictionary or instance of the model")
	if !st.set || st.null {
		return field[client.Address]{set: st.set, null: st.null}
	}
	sub, ok := r.sub(key, raw)
	if !ok {
		return field[client.Address]{}
	}
	before := len(*r.errs)
	var a client.Address
	a.Line1 = opt(sub.str("line1", true, 0, 0).ptr())
	a.Line2 = opt(sub.str("line2", true, 0, 0).ptr())
	a.PostalCode = opt(sub.str("postal_code", true, 0, 0).ptr())
	a.City = opt(sub.str("city", true, 0, 0).ptr())
	a.State = opt(sub.str("state", true, 0, 0).ptr())
	if _, present := sub.raw["country"]; !present {
		*r.errs = append(*r.errs, verr{Type: "missing", Loc: sub.at("country"), Msg: "Field required", Input: inputOf(raw)})
	} else {
		c := sub.enum("country", false, func(s string) bool { return client.CountryAlpha2Input(s).Valid() }, "a supported ISO 3166-1 alpha-2 country code")
		a.Country = client.CountryAlpha2(c.v)
	}
	if len(*r.errs) > before {
		return field[client.Address]{}
	}
	return field[client.Address]{set: true, v: a}
}

// hasStreet reports whether the address has more than a country and
// state: Polar then requires the full address.
func hasStreet(a client.Address) bool {
	return present(a.Line1) || present(a.PostalCode) || present(a.City)
}

// present reports whether a nullable string holds a non-empty value.
func present(f nullable.Nullable[string]) bool {
	v, err := f.Get()
	return err == nil && v != ""
}
