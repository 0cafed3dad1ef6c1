package polartest

import (
	"net/http"
	"sync"
	"time"
)

// RequestLogSize is how many requests [Handler.Requests] remembers: the
// most recent ones, so that a long load test does not grow without bound.
const RequestLogSize = 10_000

// Request is what the server saw of one request, for tests that assert
// on the headers the SDK sends. It holds no credential.
type Request struct {
	// Op is the operation the request was routed to; empty when no route
	// matched, or the Polar-Version was refused before routing.
	Op Op `json:"op,omitempty"`
	// Method is the HTTP method.
	Method string `json:"method"`
	// APIVersion is the Polar-Version header as sent; empty if absent
	// (the server then answers as the first version, 2026-04, as Polar).
	APIVersion string `json:"api_version,omitempty"`
	// Organization is the Polar-Organization header as sent, if any.
	Organization string `json:"organization,omitempty"`
	// At is the server's clock when the request arrived.
	At time.Time `json:"at"`
}

// requestLog keeps the last RequestLogSize requests in a ring.
type requestLog struct {
	mu   sync.Mutex
	ring []Request
	next int // where the next request goes once the ring is full
}

// add records r.
func (l *requestLog) add(r Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ring) < RequestLogSize {
		l.ring = append(l.ring, r)
		return
	}
	l.ring[l.next] = r
	l.next = (l.next + 1) % RequestLogSize
}

// snapshot returns the recorded requests, oldest first.
func (l *requestLog) snapshot() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Request, 0, len(l.ring))
	out = append(out, l.ring[l.next:]...)
	return append(out, l.ring[:l.next]...)
}

// reset forgets every request.
func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ring, l.next = nil, 0
}

// record logs a request as it arrives; op is empty if it was not routed.
func (h *Handler) record(r *http.Request, op Op) {
	h.requests.add(Request{
		Op:           op,
		Method:       r.Method,
		APIVersion:   r.Header.Get("Polar-Version"),
		Organization: r.Header.Get("Polar-Organization"),
		At:           h.now(),
	})
}

// Requests returns the requests the server received, oldest first: the
// last [RequestLogSize] of them, routed or not, faults and refusals
// included. [Handler.Reset] forgets them.
func (h *Handler) Requests() []Request { return h.requests.snapshot() }
