package polartest

import (
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
)

// session is the stored state of one checkout session. Values are never
// changed in place once stored: an operation works on a copy (maps and
// pointers included are replaced, not mutated) and swaps it in only when
// it succeeds, so a failed request leaves nothing behind.
type session struct {
	id             uuid.UUID
	seq            uint64 // creation order
	createdAt      time.Time
	modifiedAt     *time.Time
	status         client.CheckoutStatus
	clientSecret   string
	url            string
	defaultSuccess string // success_url when none is set
	expiresAt      time.Time

	successURL  *string
	returnURL   *string
	embedOrigin *string

	productIDs []uuid.UUID
	productID  uuid.UUID
	adHoc      map[uuid.UUID]Price
	amount     int64 // chosen amount of a pay-what-you-want price
	seats      *int
	minSeats   *int
	maxSeats   *int
	discountID *uuid.UUID

	allowDiscountCodes    bool
	requireBillingAddress bool
	allowTrial            *bool
	trialInterval         *client.TrialInterval
	trialIntervalCount    *int

	isBusinessCustomer     bool
	customerID             *uuid.UUID
	externalCustomerID     *string
	customerName           *string
	customerEmail          *string
	customerIPAddress      *string
	customerBillingName    *string
	customerBillingAddress *client.Address
	customerTaxID          *string
	locale                 *string
	paymentMethodType      *string
	subscriptionID         *uuid.UUID

	metadata         map[string]any
	customerMetadata map[string]any
	customFieldData  map[string]any

	intentStatus string     // "", "processing" or "succeeded"
	settleAt     *time.Time // when a confirmed checkout succeeds
	// declineAtSettle makes the settlement a decline: back to open
	// ([TokenDeclinedLater]).
	declineAtSettle bool
	confirms        int // confirmations applied

	// adHocViews holds the rendered products of the ad-hoc prices, made
	// once by create (see productView); never changed afterwards.
	adHocViews map[uuid.UUID]*productView
	// version identifies this state among all the states the store
	// holds or held; store.put and store.replace set it.
	version uint64
}

// store holds the sessions and the counters. Every field is guarded by mu.
type store struct {
	mu         sync.Mutex
	byID       map[uuid.UUID]*session
	bySecret   map[string]*session
	nextSeq    uint64
	customers  map[string]uuid.UUID // "ext:<id>" or "email:<lower email>" → customer
	known      map[uuid.UUID]bool   // customers created by confirmations
	emails     map[uuid.UUID]string // email of each known customer
	requests   map[Op]int
	applied    map[Op]int
	rateLimits *confirmLimiter

	// index holds the list indexes (index.go); orgOf, which they need,
	// survives a reset.
	index *indexes
	orgOf func(product uuid.UUID) uuid.UUID
	// due schedules the transitions that time makes (due.go).
	due *dueTimes

	// observe, when not nil, is called with the previous and the new
	// state each time the stored state of a session changes: from put (old
	// nil) and replace, which every change goes through (create, update,
	// client update, confirm, the expiry and settlement refresh applies,
	// Expire, SetStatus). It runs under mu, after the new state is stored,
	// so calls come in the order of the changes; it must not block or take
	// mu (enqueue and return). Both values are stored states, never
	// changed in place afterwards, and may be kept. Reset forgets sessions
	// without a call, and observe survives it.
	observe func(old, next *session)

	// version is the last version given to a stored session.
	version uint64
	// bodies caches the JSON answers of the stored version of each
	// session (see bodiesOf).
	bodies map[uuid.UUID]*cachedBodies
}

// cachedBodies are the JSON answers showing one version of a session,
// rendered on first use. A stored session never changes (a change stores
// a new version), and what else the answers depend on (the catalogue, the
// configuration) is fixed when the Handler is made, so they stay right
// until the version is replaced. Time does not enter them: the
// transitions it causes (expiry, settlement) are made by store.refresh,
// which stores a new version, before an answer is built. The byte slices
// are shared by every reply and must never be modified.
type cachedBodies struct {
	version  uint64
	checkout []byte // the token view: Checkout
	public   []byte // the client-secret view: CheckoutPublic
}

// newStore returns an empty store; orgOf gives the organization of a
// product, for the organization index.
func newStore(orgOf func(product uuid.UUID) uuid.UUID) *store {
	s := &store{orgOf: orgOf}
	s.resetLocked()
	return s
}

// resetLocked empties the store; the caller holds mu (or owns s).
func (s *store) resetLocked() {
	s.byID = make(map[uuid.UUID]*session)
	s.bySecret = make(map[string]*session)
	s.nextSeq = 0
	s.customers = make(map[string]uuid.UUID)
	s.known = make(map[uuid.UUID]bool)
	s.emails = make(map[uuid.UUID]string)
	s.requests = make(map[Op]int)
	s.applied = make(map[Op]int)
	s.rateLimits = newConfirmLimiter()
	s.bodies = make(map[uuid.UUID]*cachedBodies)
	s.index = newIndexes(s.orgOf)
	s.due = newDueTimes()
}

// put stores a new session; the caller holds mu.
func (s *store) put(cs *session) {
	s.nextSeq++
	cs.seq = s.nextSeq
	s.stamp(cs)
	s.byID[cs.id] = cs
	s.bySecret[cs.clientSecret] = cs
	s.index.update(nil, cs)
	s.notify(nil, cs)
}

// replace swaps in the new state of an existing session; the caller holds mu.
func (s *store) replace(cs *session) {
	old := s.byID[cs.id]
	s.index.update(old, cs)
	s.stamp(cs)
	s.byID[cs.id] = cs
	s.bySecret[cs.clientSecret] = cs
	s.notify(old, cs)
}

// notify hands a change of stored state to observe, if set; the caller
// holds mu.
func (s *store) notify(old, next *session) {
	s.due.schedule(next)
	if s.observe != nil {
		s.observe(old, next)
	}
}

// stamp gives cs a new version, which invalidates the cached answers of
// the version it replaces; the caller holds mu.
func (s *store) stamp(cs *session) {
	s.version++
	cs.version = s.version
}

// bodiesOf returns the cached answers of cs, to read or fill, when cs is
// the stored version of its session; nil for any other value (a copy
// being changed, an old version), which must be rendered afresh. The
// caller holds mu.
func (s *store) bodiesOf(cs *session) *cachedBodies {
	if cs.version == 0 || s.byID[cs.id] != cs {
		return nil
	}
	b := s.bodies[cs.id]
	if b == nil || b.version != cs.version {
		b = &cachedBodies{version: cs.version}
		s.bodies[cs.id] = b
	}
	return b
}

// refresh applies the transitions that happen with time: an open session
// past expires_at expires, a confirmed one whose payment settled
// succeeds. It returns the current state; the caller holds mu.
func (s *store) refresh(cs *session, now time.Time) *session {
	switch {
	case cs.status == client.CheckoutStatusOpen && !now.Before(cs.expiresAt):
		next := *cs
		next.status = client.CheckoutStatusExpired
		at := cs.expiresAt
		next.modifiedAt = &at
		s.replace(&next)
		return &next
	case cs.status == client.CheckoutStatusConfirmed && cs.settleAt != nil && !now.Before(*cs.settleAt):
		next := *cs
		next.status = client.CheckoutStatusSucceeded
		if cs.intentStatus != "" { // free checkouts have no payment intent
			next.intentStatus = "succeeded"
		}
		if cs.declineAtSettle { // Polar reopens the session for another payment
			next.status = client.CheckoutStatusOpen
			next.intentStatus = ""
			next.declineAtSettle = false
		}
		at := *cs.settleAt
		next.modifiedAt = &at
		next.settleAt = nil
		s.replace(&next)
		return &next
	}
	return cs
}

// Stats counts what a [Handler] saw and did since it was created or
// [Handler.Reset].
type Stats struct {
	// Requests counts the requests routed to each operation, whatever
	// their outcome (faults, errors and rate limits included).
	Requests map[Op]int `json:"requests"`
	// Applied counts the operations that changed state: creates, updates,
	// client updates and confirmations that took effect (also when an
	// injected fault then hid the response).
	Applied map[Op]int `json:"applied"`
}

// Stats returns a copy of the counters.
func (h *Handler) Stats() Stats {
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	out := Stats{Requests: make(map[Op]int, len(h.store.requests)), Applied: make(map[Op]int, len(h.store.applied))}
	for k, v := range h.store.requests {
		out.Requests[k] = v
	}
	for k, v := range h.store.applied {
		out.Applied[k] = v
	}
	return out
}

// ConfirmCount returns how many confirmations took effect on the checkout
// with this ID: 0 or 1, unless a test reopened it with SetStatus.
func (h *Handler) ConfirmCount(id string) int {
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	cs := h.lookupID(id)
	if cs == nil {
		return 0
	}
	return cs.confirms
}

// Checkout returns the checkout with this ID as the token operations show
// it, after the transitions its clock implies (expiry, settled payment).
func (h *Handler) Checkout(id string) (client.Checkout, bool) {
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	cs := h.lookupID(id)
	if cs == nil {
		return client.Checkout{}, false
	}
	cs = h.store.refresh(cs, h.now())
	return h.buildCheckout(cs), true
}

// CheckoutCount returns the number of checkouts created.
func (h *Handler) CheckoutCount() int {
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	return len(h.store.byID)
}

// Expire makes the checkout expire now: expires_at becomes the current
// time and an open checkout turns expired, so the client-secret operations
// answer 410. It reports whether the checkout exists.
func (h *Handler) Expire(id string) bool {
	return h.changeByID(id, func(next *session, now time.Time) {
		next.expiresAt = now
		if next.status == client.CheckoutStatusOpen {
			h.store.refresh(next, now) // one change: open → expired
			return
		}
		h.store.replace(next)
	})
}

// changeByID lets change edit a copy of the checkout id under the store's
// lock (change stores it). It reports whether the checkout exists.
func (h *Handler) changeByID(id string, change func(next *session, now time.Time)) bool {
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	cs := h.lookupID(id)
	if cs == nil {
		return false
	}
	next := *cs
	change(&next, h.now())
	return true
}

// SetStatus forces the status of a checkout, for states a test cannot
// reach through the API (failed) or to settle a payment early. Any value
// is stored as given, even one outside the spec's enum, to test clients
// against values Polar may add. A pending settlement is dropped. It
// reports whether the checkout exists.
func (h *Handler) SetStatus(id string, status client.CheckoutStatus) bool {
	return h.changeByID(id, func(next *session, now time.Time) {
		next.status = status
		next.settleAt = nil
		next.declineAtSettle = false
		if status == client.CheckoutStatusSucceeded && next.intentStatus != "" {
			next.intentStatus = "succeeded"
		}
		next.modifiedAt = &now
		h.store.replace(next)
	})
}

// Reset forgets every checkout, customer, counter, rate limit, recorded
// request and queued fault, and the webhook deliveries that ended (those
// in flight go on), and restarts the deterministic ID sequence: the
// handler is as new.
func (h *Handler) Reset() {
	h.store.mu.Lock()
	h.store.resetLocked()
	h.store.mu.Unlock()
	h.ids.reset()
	h.ClearFaults()
	h.requests.reset()
	h.limiter.reset()
	if h.hooks != nil {
		h.hooks.reset()
		h.hookIDs.reset()
	}
}

// lookupID finds a session by its ID in any spelling uuid.Parse accepts;
// the caller holds mu.
func (h *Handler) lookupID(id string) *session {
	u, err := uuid.Parse(strings.TrimSpace(id))
	if err != nil {
		return nil
	}
	return h.store.byID[u]
}

// customerFor returns the customer a confirmation attaches: the one of the
// external ID or email if known, else a new one. The caller holds mu.
func (h *Handler) customerFor(cs *session) uuid.UUID {
	var keys []string
	if cs.externalCustomerID != nil {
		keys = append(keys, "ext:"+*cs.externalCustomerID)
	}
	if cs.customerEmail != nil {
		keys = append(keys, "email:"+strings.ToLower(*cs.customerEmail))
	}
	for _, k := range keys {
		if id, ok := h.store.customers[k]; ok {
			for _, k2 := range keys {
				h.store.customers[k2] = id
			}
			h.rememberEmail(id, cs)
			return id
		}
	}
	id := h.ids.uuid()
	h.store.known[id] = true
	for _, k := range keys {
		h.store.customers[k] = id
	}
	h.rememberEmail(id, cs)
	return id
}

// rememberEmail keeps the email of a customer, which later checkouts of
// the same customer start with (as Polar prefills it). The caller holds mu.
func (h *Handler) rememberEmail(id uuid.UUID, cs *session) {
	if cs.customerEmail != nil {
		h.store.emails[id] = *cs.customerEmail
	}
}

// prefillCustomer copies what Polar knows of the checkout's customer into
// it. The caller holds mu.
func (h *Handler) prefillCustomer(cs *session) {
	if cs.customerID == nil {
		return
	}
	if email, ok := h.store.emails[*cs.customerID]; ok {
		cs.customerEmail = &email
	}
}
