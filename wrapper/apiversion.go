package polar

import (
	"fmt"
	"slices"
)

// WithAPIVersion selects the Polar API version sent in the Polar-Version
// header, for the client or for one call. v must be one of
// [KnownAPIVersions], or a well-formed version (YYYY-MM) newer than the
// newest of them.
//
// A newer version is allowed so that a program can move to a version
// Polar released after this SDK without waiting for a new SDK: the request
// is sent as asked, and the answers are decoded with this SDK's models,
// which tolerate new enum values and union members but cannot know
// removed or renamed fields. An older unknown version is refused: Polar
// answers it with 404. A malformed value is refused with
// [ErrInvalidArgument], at [NewClient] or at the call.
func WithAPIVersion(v string) Option {
	err := checkAPIVersion(v)
	return func(c *config) error {
		if err != nil {
			return err
		}
		c.apiVersion = v
		return nil
	}
}

// checkAPIVersion applies the policy of WithAPIVersion.
func checkAPIVersion(v string) error {
	known := KnownAPIVersions()
	switch {
	case slices.Contains(known, v):
		return nil
	case !wellFormedVersion(v):
		return invalidOption("WithAPIVersion", fmt.Sprintf("%s is not a version of the form YYYY-MM (known: %v)", describeInput(v), known))
	case v < known[len(known)-1]:
		return invalidOption("WithAPIVersion", fmt.Sprintf("%q is not a Polar API version (known: %v)", v, known))
	}
	return nil
}

// wellFormedVersion reports whether v is YYYY-MM with a month from 01 to 12.
func wellFormedVersion(v string) bool {
	if len(v) != 7 || v[4] != '-' {
		return false
	}
	for i, c := range []byte(v) {
		if i != 4 && (c < '0' || c > '9') {
			return false
		}
	}
	month := v[5:]
	return month >= "01" && month <= "12" && v[:4] >= "2000"
}

// APIVersion returns the Polar API version the client sends, unless a call
// overrides it with [WithAPIVersion].
func (c *Client) APIVersion() string { return c.cfg.apiVersion }
