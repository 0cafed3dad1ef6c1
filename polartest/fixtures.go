package polartest

import (
	"time"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
)

// IDs of the fixtures every [Handler] starts with. They never change, so
// tests and other languages can hard-code them (print them with
// `polartest -print-fixtures`).
const (
	// OrganizationID is the organization the server's token belongs to.
	OrganizationID = "10000000-0000-4000-8000-000000000001"

	// ProductOneTimeID: "Polartest License", one-time, fixed $25.00.
	ProductOneTimeID = "20000000-0000-4000-8000-000000000001"
	// ProductMonthlyID: "Polartest Pro", $10.00 every month.
	ProductMonthlyID = "20000000-0000-4000-8000-000000000002"
	// ProductPayWhatYouWantID: "Polartest Tip Jar", pay what you want,
	// at least $5.00, $10.00 suggested.
	ProductPayWhatYouWantID = "20000000-0000-4000-8000-000000000003"
	// ProductFreeID: "Polartest Starter", free.
	ProductFreeID = "20000000-0000-4000-8000-000000000004"
	// ProductSeatsID: "Polartest Team", monthly per seat: 1-9 seats $20.00
	// each, 10 or more $15.00 each (volume tiers).
	ProductSeatsID = "20000000-0000-4000-8000-000000000005"

	// Price IDs of the products above, in the same order.
	PriceOneTimeID        = "30000000-0000-4000-8000-000000000001"
	PriceMonthlyID        = "30000000-0000-4000-8000-000000000002"
	PricePayWhatYouWantID = "30000000-0000-4000-8000-000000000003"
	PriceFreeID           = "30000000-0000-4000-8000-000000000004"
	PriceSeatsID          = "30000000-0000-4000-8000-000000000005"

	// DiscountFixedID: $5.00 off once (usd only), code [DiscountFixedCode].
	DiscountFixedID = "40000000-0000-4000-8000-000000000001"
	// DiscountPercentID: 10% off for 3 months (recurring products only),
	// code [DiscountPercentCode].
	DiscountPercentID = "40000000-0000-4000-8000-000000000002"
	// DiscountFixedCode is the code of the fixed discount.
	DiscountFixedCode = "SAVE5"
	// DiscountPercentCode is the code of the percentage discount.
	DiscountPercentCode = "TENOFF"
)

// Confirmation tokens (confirmation_token_id of a confirm request). Any
// other token is refused like an unknown Stripe token: 400 PaymentError.
const (
	// TokenSuccess pays: the checkout is confirmed, then succeeds (see
	// [WithConfirmDelay]).
	TokenSuccess = "tok_polartest_success"
	// TokenDeclined is a declined card: 400 PaymentError, and the checkout
	// stays open with nothing of the request applied.
	TokenDeclined = "tok_polartest_declined"
	// TokenProcessing is a payment that takes time: the checkout stays
	// confirmed for [ProcessingTime] (plus the confirm delay) of the
	// server's clock before it succeeds. [Handler.SetStatus] settles it
	// earlier.
	TokenProcessing = "tok_polartest_processing"
	// TokenDeclinedLater is a payment that Stripe accepts at first and
	// declines afterwards, as 3-D Secure or bank payments can be: the
	// confirm answers confirmed, and when the payment would have settled
	// (see [WithConfirmDelay]) the checkout goes back to open, with a
	// checkout.updated webhook, so the customer can pay again.
	TokenDeclinedLater = "tok_polartest_declined_later"
)

// ProcessingTime is how long a payment confirmed with [TokenProcessing]
// stays in progress.
const ProcessingTime = 10 * time.Minute

// DeclineMessage is the detail of the 400 PaymentError for [TokenDeclined].
const DeclineMessage = "The payment failed: Your card was declined. Please try again with a different payment method."

// benefitLicenseKeyID is the benefit of the one-time product.
const benefitLicenseKeyID = "50000000-0000-4000-8000-000000000001"

var (
	fixtureOrganization = uuid.MustParse(OrganizationID)
	fixtureCreatedAt    = time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC)
)

// Organization describes the organization of the fixtures, as checkouts
// show it.
type Organization struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
	Slug string    `json:"slug"`
}

// ConfirmationTokens lists the test confirmation tokens.
type ConfirmationTokens struct {
	Success    string `json:"success"`
	Declined   string `json:"declined"`
	Processing string `json:"processing"`
	// DeclinedLater is [TokenDeclinedLater].
	DeclinedLater string `json:"declined_later"`
}

// FixtureSet is what every [Handler] starts with. It marshals to JSON for
// `polartest -print-fixtures`.
type FixtureSet struct {
	Organization       Organization       `json:"organization"`
	Token              string             `json:"token"`
	Products           []Product          `json:"products"`
	Discounts          []Discount         `json:"discounts"`
	ConfirmationTokens ConfirmationTokens `json:"confirmation_tokens"`
}

// Fixtures returns the fixtures: the organization, the default token, five
// products (one-time, monthly, pay what you want, free, seat-based), two
// discounts and the test confirmation tokens. Each call returns a fresh
// copy.
func Fixtures() FixtureSet {
	usd := "usd"
	return FixtureSet{
		Organization: organization(),
		Token:        Token,
		Products: []Product{
			{
				ID: uuid.MustParse(ProductOneTimeID), OrganizationID: fixtureOrganization,
				Name: "Polartest License", Description: "A perpetual license, paid once.",
				Price: Price{ID: uuid.MustParse(PriceOneTimeID), Type: PriceFixed, Currency: usd, Amount: 2500},
				Benefits: []Benefit{{
					ID: uuid.MustParse(benefitLicenseKeyID), Type: client.BenefitTypeLicenseKeys,
					Description: "Polartest license key",
				}},
			},
			{
				ID: uuid.MustParse(ProductMonthlyID), OrganizationID: fixtureOrganization,
				Name: "Polartest Pro", Description: "Everything, billed monthly.",
				RecurringInterval: client.RecurringIntervalMonth, RecurringIntervalCount: 1,
				Price: Price{ID: uuid.MustParse(PriceMonthlyID), Type: PriceFixed, Currency: usd, Amount: 1000},
			},
			{
				ID: uuid.MustParse(ProductPayWhatYouWantID), OrganizationID: fixtureOrganization,
				Name: "Polartest Tip Jar", Description: "Pay what you want.",
				Price: Price{ID: uuid.MustParse(PricePayWhatYouWantID), Type: PriceCustom, Currency: usd, MinimumAmount: 500, PresetAmount: 1000},
			},
			{
				ID: uuid.MustParse(ProductFreeID), OrganizationID: fixtureOrganization,
				Name: "Polartest Starter", Description: "Free forever.",
				Price: Price{ID: uuid.MustParse(PriceFreeID), Type: PriceFixed, Currency: usd},
			},
			{
				ID: uuid.MustParse(ProductSeatsID), OrganizationID: fixtureOrganization,
				Name: "Polartest Team", Description: "Per seat, billed monthly.",
				RecurringInterval: client.RecurringIntervalMonth, RecurringIntervalCount: 1,
				Price: Price{
					ID: uuid.MustParse(PriceSeatsID), Type: PriceSeatBased, Currency: usd,
					SeatTierType: client.SeatTierTypeVolume,
					SeatTiers: []SeatTier{
						{MinSeats: 1, MaxSeats: 9, PricePerSeat: 2000},
						{MinSeats: 10, PricePerSeat: 1500},
					},
				},
			},
		},
		Discounts: []Discount{
			{
				ID: uuid.MustParse(DiscountFixedID), OrganizationID: fixtureOrganization,
				Name: "Save $5", Code: DiscountFixedCode,
				Type: client.DiscountTypeFixed, Duration: client.DiscountDurationOnce,
				Amounts: map[string]int64{"usd": 500},
			},
			{
				ID: uuid.MustParse(DiscountPercentID), OrganizationID: fixtureOrganization,
				Name: "10% for 3 months", Code: DiscountPercentCode,
				Type: client.DiscountTypePercentage, Duration: client.DiscountDurationRepeating,
				DurationInMonths: 3, BasisPoints: 1000,
			},
		},
		ConfirmationTokens: ConfirmationTokens{Success: TokenSuccess, Declined: TokenDeclined, Processing: TokenProcessing, DeclinedLater: TokenDeclinedLater},
	}
}

// organization returns the fixtures' organization.
func organization() Organization {
	return Organization{ID: fixtureOrganization, Name: "Polartest Inc.", Slug: "polartest"}
}
