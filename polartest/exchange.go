package polartest

import (
	"errors"
	"io"
	"net/http"
)

// exchange is one request in progress: the request, the writer, the
// Polar-Version to echo, whether an answer has gone out, and the body once
// read. Every path of ServeHTTP that answers goes through it, so that a
// panic after an answer does not write a second one.
type exchange struct {
	w       http.ResponseWriter
	r       *http.Request
	version string // "" before the header is checked
	written bool

	body     []byte
	bodyRead bool
	bodyOK   bool
}

// send writes rep with the Polar-Version header.
func (x *exchange) send(rep *reply) {
	if x.version != "" {
		rep.header.Set("Polar-Version", x.version)
	}
	x.written = true
	rep.write(x.w)
}

// take marks the response as written by the caller (a fault that answers
// its own way, or hijacks the connection).
func (x *exchange) take() { x.written = true }

// recoverPanic answers a panic of the fake with 500 rather than crashing
// the test, unless an answer went out already. http.ErrAbortHandler (how
// a fault aborts an HTTP/2 stream) is passed on.
func (x *exchange) recoverPanic() {
	v := recover()
	if v == nil {
		return
	}
	if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
		panic(v)
	}
	if !x.written {
		internalError().write(x.w)
	}
}

// readBody reads the body of a POST or PATCH once, up to maxBodyBytes;
// later calls return the same result. false means the request ends here:
// it was too large (413 sent) or the client went away mid-body.
func (x *exchange) readBody() ([]byte, bool) {
	if x.bodyRead {
		return x.body, x.bodyOK
	}
	x.bodyRead = true
	x.body, x.bodyOK = x.readBodyOnce()
	return x.body, x.bodyOK
}

// readBodyOnce does the reading of readBody.
func (x *exchange) readBodyOnce() ([]byte, bool) {
	r := x.r
	if r.Body == nil || (r.Method != http.MethodPost && r.Method != http.MethodPatch) {
		return nil, true
	}
	body, err := io.ReadAll(http.MaxBytesReader(x.w, r.Body, maxBodyBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		x.send(tooLarge())
		return nil, false
	case err != nil:
		return nil, false // the client went away mid-body
	}
	return body, true
}
