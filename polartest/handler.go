package polartest

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Op names an operation, as the wrapper client names it in errors and
// logs.
type Op string

// The seven checkout operations.
const (
	OpList          Op = "checkouts.list"
	OpCreate        Op = "checkouts.create"
	OpGet           Op = "checkouts.get"
	OpUpdate        Op = "checkouts.update"
	OpClientGet     Op = "checkouts.clientGet"
	OpClientUpdate  Op = "checkouts.clientUpdate"
	OpClientConfirm Op = "checkouts.clientConfirm"
)

// API versions the server accepts in the Polar-Version header: the three
// of Polar's TypeScript SDK 1.0.1. An absent header means the first, as on
// Polar; any other value is answered 404 {"detail":"Not Found"}, as Polar
// answers a version it does not serve.
var apiVersions = []string{"2026-04", "2026-10", "2027-01"}

// maxBodyBytes bounds request bodies; Polar's are a few kilobytes.
const maxBodyBytes = 1 << 20

// Handler is a fake of Polar's checkout-session API: an http.Handler
// serving the seven operations from an in-memory store, with Polar's
// validation, errors and state machine. It is safe for concurrent use;
// requests on the same store are serialized, so concurrent updates and
// confirmations of one checkout behave as on Polar (exactly one
// confirmation wins). Create it with [NewHandler], or use [NewServer].
type Handler struct {
	cfg       config
	ids       *idSource
	store     *store
	catalog   map[uuid.UUID]Product
	discounts map[uuid.UUID]Discount
	codes     map[string]uuid.UUID // upper-case code → discount
	faults    faultQueue
	requests  requestLog     // requestlog.go
	limiter   generalLimiter // generallimit.go
	hooks     *deliverer     // webhook_delivery.go; nil without WithWebhook
	hookIDs   *idSource      // webhook-ids, apart so they do not shift checkout IDs

	// The catalogue rendered once, as the answers show it (render.go):
	// each product at its price, and each discount by the currency of its
	// single amount ("" for a percentage).
	productViews  map[uuid.UUID]*productView
	discountViews map[uuid.UUID]map[string][]byte
}

// NewHandler returns a Handler with the fixtures (see [Fixtures]) and the
// products and discounts of the options.
func NewHandler(opts ...Option) *Handler {
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	h := &Handler{
		cfg:       cfg,
		ids:       newIDSource(cfg.seeded, cfg.seed),
		catalog:   make(map[uuid.UUID]Product),
		discounts: make(map[uuid.UUID]Discount),
		codes:     make(map[string]uuid.UUID),
	}
	h.store = newStore(h.productOrg)
	fx := Fixtures()
	for _, p := range append(fx.Products, cfg.products...) {
		h.catalog[p.ID] = p
	}
	for _, d := range append(fx.Discounts, cfg.discounts...) {
		if old, ok := h.discounts[d.ID]; ok && old.Code != "" {
			delete(h.codes, strings.ToUpper(old.Code))
		}
		h.discounts[d.ID] = d
		if d.Code != "" {
			h.codes[strings.ToUpper(d.Code)] = d.ID
		}
	}
	h.renderCatalog()
	if cfg.webhook.enabled() {
		h.hookIDs = newIDSource(cfg.seeded, cfg.seed^0x5eed)
		h.hooks = newDeliverer(h)
		h.store.observe = h.onChange
	}
	return h
}

// productOrg returns the organization of a product of the catalogue.
func (h *Handler) productOrg(id uuid.UUID) uuid.UUID { return orgOf(h.catalog[id].OrganizationID) }

// now returns the server's time, in UTC with microseconds as Polar stores it.
func (h *Handler) now() time.Time { return h.cfg.clock().UTC().Truncate(time.Microsecond) }

// route is a matched request: its operation and path parameter.
type route struct {
	op    Op
	param string // checkout ID or client secret, unescaped
}

// ServeHTTP answers one request. Every answer is JSON except the empty
// 429 of the rate limiter and what injected faults produce. A panic of the
// fake itself is answered with 500 rather than crashing the test.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := &exchange{w: w, r: r}
	defer x.recoverPanic()

	version, ok := apiVersion(r.Header.Get("Polar-Version"))
	if !ok {
		h.record(r, "")
		x.send(notFoundRoute())
		return
	}
	x.version = version
	rt, rep := match(r)
	h.record(r, rt.op)
	if rep != nil {
		x.send(rep)
		return
	}
	h.countRequest(rt.op)

	fault := h.faults.take(rt.op)
	if fault.beforeRead(x) {
		return
	}
	if rep := h.admit(rt, r); rep != nil {
		x.send(rep)
		return
	}
	body, ok := x.readBody()
	if !ok || fault.afterRead(x) {
		return
	}
	rep = h.dispatch(rt, r, body)
	if fault.afterApply(x, rep) {
		return
	}
	x.send(rep)
}

// countRequest counts a routed request in Stats.
func (h *Handler) countRequest(op Op) {
	h.store.mu.Lock()
	h.store.requests[op]++
	h.store.mu.Unlock()
}

// admit applies the rate limits and authentication, and returns
// the answer refusing the request, or nil.
func (h *Handler) admit(rt route, r *http.Request) *reply {
	if rep := h.limitGeneral(r); rep != nil {
		return rep
	}
	if rt.op == OpClientConfirm && h.cfg.rateLimit {
		if wait, ok := h.allowConfirm(r); !ok {
			return rateLimited(wait)
		}
	}
	return h.authenticate(r, !isClientOp(rt.op))
}

// dispatch runs the operation.
func (h *Handler) dispatch(rt route, r *http.Request, body []byte) *reply {
	switch rt.op {
	case OpList:
		return h.list(r.URL.Query())
	case OpCreate:
		return h.create(body, h.origin(r))
	case OpGet:
		return h.get(rt.param)
	case OpUpdate:
		return h.update(rt.param, body)
	case OpClientGet:
		return h.clientGet(rt.param)
	case OpClientUpdate:
		return h.clientUpdate(rt.param, body)
	default:
		return h.confirm(rt.param, body)
	}
}

// apiVersion checks the Polar-Version header and returns the version to
// echo.
func apiVersion(v string) (string, bool) {
	if v == "" {
		return apiVersions[0], true
	}
	for _, known := range apiVersions {
		if v == known {
			return v, true
		}
	}
	return "", false
}

// match routes a request, or returns the 404 or 405 to send.
func match(r *http.Request) (route, *reply) {
	const prefix = "/v1/checkouts/"
	path := r.URL.EscapedPath()
	if !strings.HasPrefix(path, prefix) {
		return route{}, notFoundRoute()
	}
	segs := strings.Split(path[len(prefix):], "/")
	for i, s := range segs {
		u, err := url.PathUnescape(s)
		if err != nil {
			return route{}, notFoundRoute()
		}
		segs[i] = u
	}
	pick := func(methods map[string]Op, param string) (route, *reply) {
		if op, ok := methods[r.Method]; ok {
			return route{op: op, param: param}, nil
		}
		allow := make([]string, 0, len(methods))
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch} {
			if _, ok := methods[m]; ok {
				allow = append(allow, m)
			}
		}
		return route{}, methodNotAllowed(strings.Join(allow, ", "))
	}
	switch {
	case len(segs) == 1 && segs[0] == "":
		return pick(map[string]Op{http.MethodGet: OpList, http.MethodPost: OpCreate}, "")
	case len(segs) == 1:
		return pick(map[string]Op{http.MethodGet: OpGet, http.MethodPatch: OpUpdate}, segs[0])
	case len(segs) == 2 && segs[0] == "client" && segs[1] != "":
		return pick(map[string]Op{http.MethodGet: OpClientGet, http.MethodPatch: OpClientUpdate}, segs[1])
	case len(segs) == 3 && segs[0] == "client" && segs[1] != "" && segs[2] == "confirm":
		return pick(map[string]Op{http.MethodPost: OpClientConfirm}, segs[1])
	}
	return route{}, notFoundRoute()
}

// isClientOp reports whether op is authenticated by the client secret.
func isClientOp(op Op) bool {
	return op == OpClientGet || op == OpClientUpdate || op == OpClientConfirm
}

// authenticate checks the bearer token: a token the server does not know
// is refused on every route (401 invalid_token); a missing one only where
// required (401 Unauthorized).
func (h *Handler) authenticate(r *http.Request, required bool) *reply {
	token, ok := bearer(r.Header.Get("Authorization"))
	switch {
	case ok && !h.tokenOK(token):
		return invalidToken()
	case !ok && required:
		return unauthorized()
	}
	return nil
}

// bearer extracts a bearer token; other schemes count as no token.
func bearer(header string) (string, bool) {
	scheme, token, found := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !found || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// tokenOK reports whether the server accepts token.
func (h *Handler) tokenOK(token string) bool {
	if h.cfg.anyToken {
		return token != ""
	}
	return subtle.ConstantTimeCompare([]byte(token), []byte(h.cfg.token)) == 1
}

// origin returns the origin checkout URLs are built on.
func (h *Handler) origin(r *http.Request) string {
	if h.cfg.baseURL != "" {
		return h.cfg.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
