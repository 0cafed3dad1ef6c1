package polar

// Server is the base URL of a Polar environment.
type Server string

// The Polar environments. Paths such as /v1/checkouts/ are appended.
const (
	// Production is live Polar: real customers, real money.
	Production Server = "https://api.polar.sh"
	// Sandbox is Polar's test environment, with its own accounts and tokens.
	Sandbox Server = "https://sandbox-api.polar.sh"
)
