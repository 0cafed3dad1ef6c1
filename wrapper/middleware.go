package polar

import "net/http"

// Middleware wraps every attempt of every request, for tracing, metrics or
// custom headers. It must call next (or return an error) and must not keep
// the request after returning. Client-level middleware runs first, in the
// order given, then call-level middleware; the last one calls the HTTP
// client.
//
// Middleware sees the Authorization header and client secrets in URLs:
// never log them.
type Middleware func(req *http.Request, next MiddlewareNext) (*http.Response, error)

// MiddlewareNext sends the request on to the next middleware, or to the
// HTTP client after the last one.
type MiddlewareNext func(req *http.Request) (*http.Response, error)

// chain builds the handler that runs mw around send.
func chain(mw []Middleware, send MiddlewareNext) MiddlewareNext {
	next := send
	for i := len(mw) - 1; i >= 0; i-- {
		m, inner := mw[i], next
		next = func(req *http.Request) (*http.Response, error) { return m(req, inner) }
	}
	return next
}
