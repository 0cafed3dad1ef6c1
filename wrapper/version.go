package polar

import (
	"runtime"

	"github.com/gopolar/checkouts/client"
)

// Version is the version of this SDK, reported in the User-Agent header.
const Version = "0.1.0"

// APIVersion is the Polar API version every request asks for with the
// Polar-Version header. It is info.version of openapi/checkouts.yaml, so
// regenerating the client after a version bump changes it.
const APIVersion = client.APIVersion

// defaultUserAgent names the SDK, its version and the Go runtime.
var defaultUserAgent = "gopolar-checkouts/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
