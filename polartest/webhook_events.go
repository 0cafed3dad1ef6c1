package polartest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gopolar/checkouts/client"
)

// The checkout event types the server sends.
const (
	EventCheckoutCreated = "checkout.created"
	EventCheckoutUpdated = "checkout.updated"
	EventCheckoutExpired = "checkout.expired"
)

// webhookIDPrefix starts every webhook-id, as in the Standard Webhooks
// examples.
const webhookIDPrefix = "msg_"

// eventType names the event of a change of stored state: old is nil for a
// new session.
func eventType(old, next *session) string {
	switch {
	case old == nil:
		return EventCheckoutCreated
	case next.status == client.CheckoutStatusExpired && old.status != client.CheckoutStatusExpired:
		return EventCheckoutExpired
	default:
		return EventCheckoutUpdated
	}
}

// webhookPayload renders the body of the event typ about cs, emitted at
// at. The caller holds the store's lock.
func (h *Handler) webhookPayload(typ string, cs *session, at time.Time) ([]byte, error) {
	data, err := h.checkoutJSON(cs)
	if err != nil {
		return nil, err
	}
	w := jsonWriter{b: make([]byte, 0, len(data)+128)}
	w.key(`{"type":`)
	w.string(typ)
	w.key(`,"timestamp":`)
	w.time(at)
	w.key(`,"data":`)
	w.raw(data)
	if v := h.cfg.webhook.apiVersion; v != "" && v != apiVersions[0] {
		w.key(`,"api_version":`)
		w.string(v)
	}
	w.key(`}`)
	return w.b, w.err
}

// signedHeaders returns the Standard Webhooks headers of one attempt.
// The HMAC is written here rather than taken from package webhook, so
// that tests of that package's verifier against this server check it
// against a second implementation.
func signedHeaders(secret, id string, at time.Time, body []byte) http.Header {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, webhookKey(secret))
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	h := make(http.Header, 5)
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "polartest-webhooks")
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", ts)
	h.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return h
}

// webhookKey is the HMAC key of secret as Polar uses it: the decoded
// base64 after "whsec_" for secrets of the current scheme, the bytes of
// the whole string for the older ones.
func webhookKey(secret string) []byte {
	if rest, ok := strings.CutPrefix(secret, "whsec_"); ok {
		if key, err := base64.StdEncoding.DecodeString(rest); err == nil && len(key) > 0 {
			return key
		}
	}
	return []byte(secret)
}
