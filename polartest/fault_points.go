package polartest

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A fault acts at one of three points of a request (ServeHTTP): before
// authentication and the body, after the body is read, or after the
// operation ran. Each point reports whether the request ends there. A
// nil *Fault (no fault queued) never acts.

// beforeRead waits the delay, then answers or resets for the kinds that
// act before anything is read or applied. A slow server has the request
// in hand while it waits (so that it notices a client that gives up),
// except before a reset that must come before the body is read.
func (f *Fault) beforeRead(x *exchange) bool {
	if f == nil {
		return false
	}
	if f.Delay > 0 && f.Kind != FaultResetBeforeBody {
		if _, ok := x.readBody(); !ok {
			return true
		}
	}
	if !f.wait(x.r) {
		return true // the client went away: nothing is applied
	}
	switch {
	case f.Kind.answers() && !f.AfterApply:
		x.take()
		f.respond(x.w, x.r, x.version)
		return true
	case f.Kind == FaultResetBeforeBody:
		x.take()
		resetConnection(x.w)
		return true
	}
	return false
}

// afterRead resets the connection once the body is read, for
// FaultResetAfterBody.
func (f *Fault) afterRead(x *exchange) bool {
	if f == nil || f.Kind != FaultResetAfterBody {
		return false
	}
	x.take()
	resetConnection(x.w)
	return true
}

// afterApply replaces rep, the operation's answer, for the kinds that act
// once the request was handled.
func (f *Fault) afterApply(x *exchange, rep *reply) bool {
	if f == nil || !f.actsAfterApply() {
		return false
	}
	x.take()
	switch f.Kind {
	case FaultResetAfterApply:
		resetConnection(x.w)
	case FaultTruncatedBody:
		f.truncate(x.w, rep, x.version)
	case FaultGarbageBody:
		f.garbage(x.w, x.version)
	default:
		f.respond(x.w, x.r, x.version)
	}
	return true
}

// actsAfterApply reports whether f acts once the request was handled.
func (f *Fault) actsAfterApply() bool {
	switch f.Kind {
	case FaultResetAfterApply, FaultTruncatedBody, FaultGarbageBody:
		return true
	}
	return f.Kind.answers() && f.AfterApply
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

// respond writes the answer of an answering kind; version is the
// Polar-Version to echo when the API itself answers (FaultRespond).
func (f Fault) respond(w http.ResponseWriter, r *http.Request, version string) {
	var rep *reply
	switch f.Kind {
	case FaultHTMLError:
		rep = htmlPage(statusOr(f.Status, http.StatusBadGateway))
	case FaultCDNError:
		rep = cdnPage(statusOr(f.Status, 520), r.Host)
	case FaultEchoRequest:
		rep = echoPage(statusOr(f.Status, http.StatusBadGateway), r)
	case FaultProxyText:
		rep = textReply(statusOr(f.Status, http.StatusServiceUnavailable), f.Body)
	default:
		rep = f.respondReply()
		if version != "" {
			rep.header.Set("Polar-Version", version)
		}
	}
	if f.RetryAfter != "" {
		rep.header.Set("Retry-After", f.RetryAfter)
	}
	f.addHeader(rep)
	rep.write(w)
}

// respondReply is the answer of FaultRespond.
func (f Fault) respondReply() *reply {
	status := statusOr(f.Status, http.StatusInternalServerError)
	switch {
	case f.Body != "" || f.ContentType != "":
		rep := &reply{status: status, header: make(http.Header), body: []byte(f.Body)}
		ct := f.ContentType
		if ct == "" {
			ct = "application/json"
		}
		rep.header.Set("Content-Type", ct)
		return rep
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable || status/100 == 2:
		return &reply{status: status, header: make(http.Header)}
	}
	return jsonReply(status, defaultFaultBody(status))
}

// addHeader writes f.Header over rep's headers.
func (f Fault) addHeader(rep *reply) {
	for k, v := range f.Header {
		rep.header[http.CanonicalHeaderKey(k)] = append([]string(nil), v...)
	}
}

// statusOr returns status, or def when it is unset.
func statusOr(status, def int) int {
	if status == 0 {
		return def
	}
	return status
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
func (f Fault) truncate(w http.ResponseWriter, rep *reply, version string) {
	conn, rw, ok := hijack(w)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	fmt.Fprintf(rw, "HTTP/1.1 %d %s\r\n", rep.status, http.StatusText(rep.status))
	header := rep.header.Clone()
	header.Set("Content-Length", strconv.Itoa(len(rep.body)))
	if version != "" {
		header.Set("Polar-Version", version)
	}
	header.Set("Connection", "close")
	f.addHeader(&reply{header: header})
	_ = header.Write(rw)
	_, _ = rw.WriteString("\r\n")
	_, _ = rw.Write(rep.body[:len(rep.body)/2])
	_ = rw.Flush()
}

// garbage answers 200 with an HTML body.
func (f Fault) garbage(w http.ResponseWriter, version string) {
	rep := captivePortal()
	if version != "" {
		rep.header.Set("Polar-Version", version)
	}
	f.addHeader(rep)
	rep.write(w)
}
