package polar

import (
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/metadata"
)

// The models are the generated ones from package client, re-exported here
// so most programs import one package. They follow the OpenAPI document:
// adding a property there and regenerating makes it appear here.
type (
	// Checkout is a checkout session as seen with an access token.
	// Documented in full (fields, values) at [client.Checkout].
	Checkout = client.Checkout
	// CheckoutPublic is a checkout session as seen with its client secret.
	// Documented in full (fields, values) at [client.CheckoutPublic].
	CheckoutPublic = client.CheckoutPublic
	// CheckoutPublicConfirmed is a session right after confirmation.
	// Documented in full (fields, values) at [client.CheckoutPublicConfirmed].
	CheckoutPublicConfirmed = client.CheckoutPublicConfirmed
	// CheckoutCreate is the body of [CheckoutsService.Create].
	// Documented in full (fields, values) at [client.CheckoutCreate].
	CheckoutCreate = client.CheckoutCreate
	// CheckoutUpdate is the body of [CheckoutsService.Update]. Its nullable
	// fields are tri-state: leave them unset to keep the value, call
	// SetNull to clear it, Set to change it.
	// Documented in full (fields, values) at [client.CheckoutUpdate].
	CheckoutUpdate = client.CheckoutUpdate
	// CheckoutUpdatePublic is the body of [CheckoutsService.ClientUpdate].
	// Documented in full (fields, values) at [client.CheckoutUpdatePublic].
	CheckoutUpdatePublic = client.CheckoutUpdatePublic
	// CheckoutConfirmStripe is the body of [CheckoutsService.ClientConfirm].
	// Documented in full (fields, values) at [client.CheckoutConfirmStripe].
	CheckoutConfirmStripe = client.CheckoutConfirmStripe
	// ListParams filters, sorts and pages [CheckoutsService.List].
	// Documented in full (fields, values) at [client.ListCheckoutsParams].
	ListParams = client.ListCheckoutsParams
	// CheckoutStatus is the state of a session. Unknown values decode fine;
	// Valid reports whether this SDK knows the value.
	// Documented in full (fields, values) at [client.CheckoutStatus].
	CheckoutStatus = client.CheckoutStatus
	// CheckoutSortProperty is a sort key of List.
	// Documented in full (fields, values) at [client.CheckoutSortProperty].
	CheckoutSortProperty = client.CheckoutSortProperty
	// CheckoutProduct is a product offered in a session.
	// Documented in full (fields, values) at [client.CheckoutProduct].
	CheckoutProduct = client.CheckoutProduct
	// CheckoutProductPrice is a price of a product: current or legacy.
	// Documented in full (fields, values) at [client.CheckoutProductPrice].
	CheckoutProductPrice = client.CheckoutProductPrice
	// CheckoutDiscount is the discount applied to a session.
	// Documented in full (fields, values) at [client.CheckoutDiscount].
	CheckoutDiscount = client.CheckoutDiscount
	// Address is a postal address as Polar returns it.
	// Documented in full (fields, values) at [client.Address].
	Address = client.Address
	// AddressInput is a postal address to send.
	// Documented in full (fields, values) at [client.AddressInput].
	AddressInput = client.AddressInput
	// Metadata is your own key-value data on a session (metadata and
	// customer_metadata), the same type in request bodies and in the
	// sessions Polar returns: string, integer, float or boolean values.
	// Read them with its String, Int, Float and Bool methods, which need
	// no type assertion.
	Metadata = metadata.Map
	// MetadataInput is [Metadata] under the name the request bodies use.
	// Documented in full (fields, values) at [client.MetadataInput].
	MetadataInput = client.MetadataInput
	// CountryAlpha2 is a country code in addresses Polar returns.
	// Documented in full (fields, values) at [client.CountryAlpha2].
	CountryAlpha2 = client.CountryAlpha2
	// CountryAlpha2Input is a country code accepted in addresses sent to
	// Polar (sanctioned countries are not).
	// Documented in full (fields, values) at [client.CountryAlpha2Input].
	CountryAlpha2Input = client.CountryAlpha2Input
	// Pagination is the position of a page in a listing.
	// Documented in full (fields, values) at [client.Pagination].
	Pagination = client.Pagination
	// UUID is the type of Polar IDs.
	UUID = openapi_types.UUID
	// Email is an email address in a request body.
	Email = openapi_types.Email
)

// The checkout states known to this SDK version.
const (
	CheckoutStatusOpen      = client.CheckoutStatusOpen
	CheckoutStatusExpired   = client.CheckoutStatusExpired
	CheckoutStatusConfirmed = client.CheckoutStatusConfirmed
	CheckoutStatusSucceeded = client.CheckoutStatusSucceeded
	CheckoutStatusFailed    = client.CheckoutStatusFailed
)
