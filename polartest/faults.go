package polartest

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind says what an injected [Fault] does to a request.
type FaultKind int

// The fault kinds. "Reset" means the server hijacks the connection, sets
// SO_LINGER to 0 and closes it, so the client reads ECONNRESET ("connection
// reset by peer"); on a connection that cannot be hijacked (HTTP/2) the
// handler aborts with http.ErrAbortHandler instead.
const (
	// FaultRespond answers Status at once, with RetryAfter (if set) as the
	// Retry-After header and Body (if set) as the body. Without a Body,
	// 429 and 503 get an empty body (as Polar's rate limiter and load
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
	// FaultHTMLError answers Status (502 if unset) with an HTML error page,
	// as a proxy does when the API is unreachable. Nothing is applied.
	FaultHTMLError
)

// String names the kind.
func (k FaultKind) String() string {
	names := [...]string{"respond", "delay", "reset-before-body", "reset-after-body", "reset-after-apply", "truncated-body", "garbage-body", "html-error"}
	if int(k) >= 0 && int(k) < len(names) {
		return names[k]
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault is a failure to inject with [Handler.InjectFault]. Delay, if set,
// is waited before any kind acts (a slow failure); if the client gives up
// meanwhile, the request ends there and nothing is applied.
type Fault struct {
	Kind FaultKind
	// Status of FaultRespond and FaultHTMLError.
	Status int
	// RetryAfter is the Retry-After header of FaultRespond, such as "2" or
	// an HTTP date; empty sends none.
	RetryAfter string
	// Body replaces the default body of FaultRespond; ContentType is its
	// type (default application/json).
	Body        string
	ContentType string
	// Delay is waited before the fault acts (for FaultDelay: before the
	// request is handled normally).
	Delay time.Duration
}

// Respond returns a fault answering status, with an optional Retry-After.
func Respond(status int, retryAfter string) Fault {
	return Fault{Kind: FaultRespond, Status: status, RetryAfter: retryAfter}
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

// take returns the fault for the next request of op, if any.
func (q *faultQueue) take(op Op) (Fault, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	list := q.queue[op]
	if len(list) == 0 {
		return Fault{}, false
	}
	head := list[0]
	head.left--
	if head.left <= 0 {
		q.queue[op] = list[1:]
	}
	return head.fault, true
}

// wait sleeps the fault's delay; false if the client went away first.
func (f Fault) wait(r *http.Request) bool {
	if f.Delay <= 0 {
		return true
	}
	t := time.NewTimer(f.Delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// respond writes the answer of FaultRespond or FaultHTMLError.
func (f Fault) respond(w http.ResponseWriter, version string) {
	status := f.Status
	var rep *reply
	if f.Kind == FaultHTMLError {
		if status == 0 {
			status = http.StatusBadGateway
		}
		rep = htmlPage(status)
	} else {
		if status == 0 {
			status = http.StatusInternalServerError
		}
		rep = &reply{status: status, header: make(http.Header)}
		switch {
		case f.Body != "":
			rep.body = []byte(f.Body)
			ct := f.ContentType
			if ct == "" {
				ct = "application/json"
			}
			rep.header.Set("Content-Type", ct)
		case status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable:
			rep = jsonReply(status, defaultFaultBody(status))
		}
	}
	if f.RetryAfter != "" {
		rep.header.Set("Retry-After", f.RetryAfter)
	}
	if version != "" && f.Kind == FaultRespond {
		rep.header.Set("Polar-Version", version)
	}
	rep.write(w)
}

// defaultFaultBody is the JSON error of an injected status: the one Polar
// sends for that status where there is one.
func defaultFaultBody(status int) errorBody {
	switch status {
	case http.StatusConflict:
		return errorBody{Error: "CheckoutLocked", Detail: "Checkout is currently being processed. Please try again."}
	case http.StatusForbidden:
		return errorBody{Error: "NotPermitted", Detail: "Not permitted"}
	case http.StatusNotFound:
		return errorBody{Error: "ResourceNotFound", Detail: "Not found"}
	}
	text := http.StatusText(status)
	if text == "" {
		text = "Error " + strconv.Itoa(status)
	}
	return errorBody{Error: strings.ReplaceAll(text, " ", ""), Detail: text}
}

// htmlPage is a proxy's error page.
func htmlPage(status int) *reply {
	text := strconv.Itoa(status) + " " + http.StatusText(status)
	h := make(http.Header)
	h.Set("Content-Type", "text/html")
	body := "<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	return &reply{status: status, header: h, body: []byte(body)}
}

// resetConnection closes the connection with an RST.
func resetConnection(w http.ResponseWriter) {
	conn, _, ok := hijack(w)
	if !ok {
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream instead
	}
	if tcp, isTCP := conn.(*net.TCPConn); isTCP {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// hijack takes the connection over from net/http.
func hijack(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, bool) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, nil, false
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return nil, nil, false
	}
	return conn, rw, true
}

// truncate sends rep's status and headers with the full Content-Length,
// then half of its body, and closes the connection.
func truncate(w http.ResponseWriter, rep *reply, version string) {
	conn, rw, ok := hijack(w)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	fmt.Fprintf(rw, "HTTP/1.1 %d %s\r\n", rep.status, http.StatusText(rep.status))
	rep.header.Set("Content-Length", strconv.Itoa(len(rep.body)))
	if version != "" {
		rep.header.Set("Polar-Version", version)
	}
	rep.header.Set("Connection", "close")
	_ = rep.header.Write(rw)
	_, _ = rw.WriteString("\r\n")
	_, _ = rw.Write(rep.body[:len(rep.body)/2])
	_ = rw.Flush()
}

// garbage answers 200 with an HTML body.
func garbage(w http.ResponseWriter, version string) {
	rep := htmlPage(http.StatusOK)
	rep.body = []byte("<html><body><h1>Welcome to the network</h1><p>Please log in to continue.</p></body></html>")
	if version != "" {
		rep.header.Set("Polar-Version", version)
	}
	rep.write(w)
}
