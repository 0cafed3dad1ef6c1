package polar

import (
	"runtime"

	"github.com/gopolar/checkouts/client"
)

// Version is the version of this SDK, reported in the User-Agent header.
const Version = "0.2.0"

// The Polar API versions this SDK knows. Polar selects the version of
// each request by its Polar-Version header; the checkout schemas are the
// same in all three (compared in Polar's TypeScript SDK 1.0.1, which ships
// the three).
const (
	APIVersion2026_04 = "2026-04"
	APIVersion2026_10 = "2026-10"
	APIVersion2027_01 = "2027-01"
)

// DefaultAPIVersion is the version a client asks for unless
// [WithAPIVersion] says otherwise: the version the OpenAPI document
// describes (its info.version, generated into the client package), Polar's
// current one.
const DefaultAPIVersion = client.APIVersion

// KnownAPIVersions returns the API versions this SDK knows, oldest first.
func KnownAPIVersions() []string {
	return []string{APIVersion2026_04, APIVersion2026_10, APIVersion2027_01}
}

// defaultUserAgent names the SDK, its version and the Go runtime.
var defaultUserAgent = "gopolar-checkouts/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
