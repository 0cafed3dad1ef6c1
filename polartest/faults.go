package polartest

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// FaultKind says what an injected [Fault] does to a request.
type FaultKind int

// The fault kinds. "Reset" means the server hijacks the connection, sets
// SO_LINGER to 0 and closes it, so the client reads ECONNRESET ("connection
// reset by peer"); on a connection that cannot be hijacked (HTTP/2) the
// handler aborts with http.ErrAbortHandler instead.
//
// The answering kinds (FaultRespond, FaultHTMLError, FaultCDNError,
// FaultProxyText, FaultEchoRequest) answer before anything is read or
// applied, unless [Fault.AfterApply] is set: then the request is handled
// first and their answer replaces the real one.
const (
	// FaultRespond answers Status at once, with RetryAfter (if set) as the
	// Retry-After header and Body (if set) as the body. Without a Body,
	// 2xx, 429 and 503 get an empty body (as Polar's rate limiter and load
	// balancer send) and other statuses a JSON error. Nothing is applied.
	FaultRespond FaultKind = iota
	// FaultDelay reads the request, waits Delay, then handles it normally:
	// a slow server, to combine with the client's timeouts. A client that
	// gives up during the wait closes the connection, and nothing is
	// applied.
	FaultDelay
	// FaultResetBeforeBody resets the connection before the request body is
	// read. Nothing is applied.
	FaultResetBeforeBody
	// FaultResetAfterBody reads the whole body, then resets the connection
	// before handling it. Nothing is applied, but the client cannot know.
	FaultResetAfterBody
	// FaultResetAfterApply handles the request (state changes, Stats counts
	// it as applied), then resets the connection instead of answering: the
	// ambiguous case a client must reconcile.
	FaultResetAfterApply
	// FaultTruncatedBody handles the request, then sends the status, the
	// headers (with the full Content-Length) and the first half of the body,
	// and closes the connection.
	FaultTruncatedBody
	// FaultGarbageBody handles the request, then answers 200 with an HTML
	// body instead of the JSON, as a misconfigured proxy or captive portal
	// does.
	FaultGarbageBody
	// FaultHTMLError answers Status (502 if unset) with an nginx-style HTML
	// error page, as a proxy does when the API is unreachable. Nothing is
	// applied.
	FaultHTMLError
	// FaultCDNError answers Status (520 if unset) with Cloudflare's HTML
	// error page (Server: cloudflare, a CF-RAY header), as the CDN does
	// when the origin fails. Nothing is applied.
	FaultCDNError
	// FaultEchoRequest answers Status (502 if unset) with the HTML debug
	// page of a misconfigured proxy, which echoes the request line and
	// every request header, Authorization included: for tests that a
	// client redacts what an error body may carry. Nothing is applied.
	FaultEchoRequest
	// FaultProxyText answers Status (503 if unset) with Body as text/plain,
	// as Envoy and other proxies answer for an upstream they could not
	// reach. There is no Polar-Version header: the API did not answer.
	// Nothing is applied.
	FaultProxyText
)

// String names the kind.
func (k FaultKind) String() string {
	names := [...]string{"respond", "delay", "reset-before-body", "reset-after-body", "reset-after-apply",
		"truncated-body", "garbage-body", "html-error", "cdn-error", "echo-request", "proxy-text"}
	if int(k) >= 0 && int(k) < len(names) {
		return names[k]
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// answers reports whether the kind writes an answer of its own in place
// of the operation's.
func (k FaultKind) answers() bool {
	switch k {
	case FaultRespond, FaultHTMLError, FaultCDNError, FaultEchoRequest, FaultProxyText:
		return true
	}
	return false
}

// Fault is a failure to inject with [Handler.InjectFault]. Delay, if set,
// is waited before any kind acts (a slow failure); if the client gives up
// meanwhile, the request ends there and nothing is applied.
type Fault struct {
	Kind FaultKind
	// Status of the answering kinds (see [FaultKind]).
	Status int
	// RetryAfter is the Retry-After header of the answering kinds, such as
	// "2" or an HTTP date; empty sends none.
	RetryAfter string
	// Body replaces the default body of FaultRespond (when Body or
	// ContentType is set, Body is sent as is, even empty), and is the body
	// of FaultProxyText; ContentType is FaultRespond's type (default
	// application/json).
	Body        string
	ContentType string
	// Header holds extra response headers of the kinds that answer
	// (the answering kinds, FaultGarbageBody, FaultTruncatedBody). Each key
	// replaces the values the fault would send for it, and may hold several
	// values (two Retry-After headers, say), sent as given.
	Header http.Header
	// AfterApply makes an answering kind handle the request first (the
	// state changes and Stats counts it as applied when it succeeds), then
	// send its answer instead of the real one: a success the client is told
	// was a failure. Without it, nothing is applied.
	AfterApply bool
	// Delay is waited before the fault acts (for FaultDelay: before the
	// request is handled normally).
	Delay time.Duration
}

// AfterApplying returns a copy of f with AfterApply set: the request is
// applied, then f's answer replaces the real one.
func (f Fault) AfterApplying() Fault {
	f.AfterApply = true
	return f
}

// Respond returns a fault answering status, with an optional Retry-After.
func Respond(status int, retryAfter string) Fault {
	return Fault{Kind: FaultRespond, Status: status, RetryAfter: retryAfter}
}

// WrongShape returns a fault that applies the request, then answers status
// with body as application/json: a 2xx whose body is not what the
// operation returns, such as {}, null, [], {"status":"ok"} or an error
// envelope under 200. An empty body is sent empty.
func WrongShape(status int, body string) Fault {
	return Fault{Kind: FaultRespond, Status: status, Body: body, ContentType: "application/json", AfterApply: true}
}

// EnvoyUpstreamReset is the text Envoy answers (with 503) when the
// upstream closed the connection before sending response headers: the
// request may or may not have reached the API.
const EnvoyUpstreamReset = "upstream connect error or disconnect/reset before headers. reset reason: connection termination"

// ProxyText returns a fault answering status with body as text/plain, as
// Envoy and other proxies do, e.g. ProxyText(503, EnvoyUpstreamReset).
func ProxyText(status int, body string) Fault {
	return Fault{Kind: FaultProxyText, Status: status, Body: body}
}

// Delay returns a fault that handles the request normally after d.
func Delay(d time.Duration) Fault { return Fault{Kind: FaultDelay, Delay: d} }

// ResetBeforeBody returns a fault resetting the connection before the
// request body is read.
func ResetBeforeBody() Fault { return Fault{Kind: FaultResetBeforeBody} }

// ResetAfterBody returns a fault resetting the connection after the body
// is read, before anything is applied.
func ResetAfterBody() Fault { return Fault{Kind: FaultResetAfterBody} }

// ResetAfterApply returns a fault resetting the connection after the
// operation took effect.
func ResetAfterApply() Fault { return Fault{Kind: FaultResetAfterApply} }

// TruncatedBody returns a fault that applies the operation and sends half
// of the response body.
func TruncatedBody() Fault { return Fault{Kind: FaultTruncatedBody} }

// GarbageBody returns a fault that applies the operation and answers 200
// with a body that is not JSON.
func GarbageBody() Fault { return Fault{Kind: FaultGarbageBody} }

// HTMLError returns a fault answering status with a proxy's HTML page.
func HTMLError(status int) Fault { return Fault{Kind: FaultHTMLError, Status: status} }

// CDNError returns a fault answering status with Cloudflare's error page,
// titled as Cloudflare titles 520 to 527 (other statuses get a generic
// title).
func CDNError(status int) Fault { return Fault{Kind: FaultCDNError, Status: status} }

// EchoRequest returns a fault answering status with a proxy's debug page
// that echoes the request line and headers, secrets included.
func EchoRequest(status int) Fault { return Fault{Kind: FaultEchoRequest, Status: status} }

// faultQueue holds the faults waiting for each operation.
type faultQueue struct {
	mu    sync.Mutex
	queue map[Op][]*queuedFault
}

type queuedFault struct {
	fault Fault
	left  int
}

// InjectFault makes the next times requests of op (after those already
// queued for op) fail as f says. times < 1 queues nothing.
//
// Go's http.Transport silently resends an idempotent request (GET, or one
// with an Idempotency-Key) that fails on a reused keep-alive connection
// before any response byte; such a resend is another request and takes
// the next queued fault.
func (h *Handler) InjectFault(op Op, times int, f Fault) {
	if times < 1 {
		return
	}
	h.faults.mu.Lock()
	defer h.faults.mu.Unlock()
	if h.faults.queue == nil {
		h.faults.queue = make(map[Op][]*queuedFault)
	}
	h.faults.queue[op] = append(h.faults.queue[op], &queuedFault{fault: f, left: times})
}

// ClearFaults drops every queued fault.
func (h *Handler) ClearFaults() {
	h.faults.mu.Lock()
	h.faults.queue = nil
	h.faults.mu.Unlock()
}

// take returns the fault for the next request of op, or nil.
func (q *faultQueue) take(op Op) *Fault {
	q.mu.Lock()
	defer q.mu.Unlock()
	list := q.queue[op]
	if len(list) == 0 {
		return nil
	}
	head := list[0]
	head.left--
	if head.left <= 0 {
		q.queue[op] = list[1:]
	}
	f := head.fault
	return &f
}
