package polartest

import (
	"net/http"
	"time"

	"github.com/gopolar/checkouts/client"
)

// get answers GET /v1/checkouts/{id}.
func (h *Handler) get(id string) *reply {
	uid, rep := checkoutID(id)
	if rep != nil {
		return rep
	}
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	cs, ok := h.store.byID[uid]
	if !ok {
		return resourceNotFound()
	}
	cs = h.store.refresh(cs, h.now())
	return h.checkoutReply(http.StatusOK, cs)
}

// clientGet answers GET /v1/checkouts/client/{client_secret}.
func (h *Handler) clientGet(secret string) *reply {
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	cs, rep := h.bySecret(secret, h.now())
	if rep != nil {
		return rep
	}
	return h.publicReply(cs)
}

// bySecret finds a session by client secret for the client operations:
// 404 if unknown, 410 once it has expired (whatever its status, as on
// Polar). The caller holds the store's lock.
func (h *Handler) bySecret(secret string, now time.Time) (*session, *reply) {
	cs, ok := h.store.bySecret[secret]
	if !ok {
		return nil, resourceNotFound()
	}
	cs = h.store.refresh(cs, now)
	if !now.Before(cs.expiresAt) || cs.status == client.CheckoutStatusExpired {
		return nil, expiredCheckout()
	}
	return cs, nil
}

// publicReply answers with the public view of cs.
func (h *Handler) publicReply(cs *session) *reply {
	body, err := h.publicJSON(cs)
	if err != nil {
		return internalError()
	}
	return rawReply(http.StatusOK, body)
}
