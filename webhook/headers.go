package webhook

// Names of the Standard Webhooks headers Polar sends with every delivery.
const (
	// HeaderID carries the event's ID: the same on every retry of a
	// delivery, so it is the key to deduplicate on.
	HeaderID = "webhook-id"
	// HeaderTimestamp carries the signing time in Unix seconds.
	HeaderTimestamp = "webhook-timestamp"
	// HeaderSignature carries space-separated "v1,<base64>" signatures.
	HeaderSignature = "webhook-signature"
)

// Headers is where the verifier reads the three signature headers.
// http.Header satisfies it (its Get ignores case); wrap any other lookup
// in a [HeaderFunc].
type Headers interface {
	// Get returns the value of the named header, or "" if there is none.
	Get(name string) string
}

// HeaderFunc adapts a plain lookup, such as a map of lower-case names from
// a serverless event, to [Headers]. It is called with [HeaderID],
// [HeaderTimestamp] and [HeaderSignature], which are lower-case.
type HeaderFunc func(name string) string

// Get calls f(name).
func (f HeaderFunc) Get(name string) string { return f(name) }
