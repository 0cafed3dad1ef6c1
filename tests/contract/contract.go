// Package contract checks HTTP traffic against openapi/checkouts.yaml with
// kin-openapi: a RoundTripper for the SDK side ([ValidatingTransport]) and
// a handler wrapper for fake servers ([ValidatingMiddleware]). Both record
// [Violation]s instead of changing the exchange, so a test sees exactly
// what the SDK or the server did and can report every contract breach.
//
// It is a non-test package so that other test packages (the fake server's,
// the fault tests) can import it.
package contract

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// LoadSpec loads the OpenAPI document at path (for tests in tests/<pkg>,
// "../../openapi/checkouts.yaml"), validates it, and returns it with a
// router whose only server is baseURL (an httptest.Server URL, optionally
// with a base path). With baseURL "" the router matches paths on any host.
//
// The router is kin-openapi's legacy router: the gorillamux one needs
// github.com/gorilla/mux, which the tests module does not require. Both
// match scheme, host and base path the same way.
func LoadSpec(ctx context.Context, path, baseURL string) (*openapi3.T, routers.Router, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("contract: load %s: %w", path, err)
	}
	if err := doc.Validate(ctx, openapi3.EnableMultiError()); err != nil {
		return nil, nil, fmt.Errorf("contract: validate %s: %w", path, err)
	}
	router, err := NewRouter(doc, baseURL)
	if err != nil {
		return nil, nil, err
	}
	return doc, router, nil
}

// NewRouter returns a router over doc whose only server is baseURL ("" to
// match paths on any host). doc is not modified: the router works on a
// shallow copy, so one loaded document can serve many test servers.
func NewRouter(doc *openapi3.T, baseURL string) (routers.Router, error) {
	cp := *doc
	cp.Servers = nil
	if baseURL != "" {
		cp.Servers = openapi3.Servers{{URL: strings.TrimSuffix(baseURL, "/")}}
	}
	router, err := legacy.NewRouter(&cp)
	if err != nil {
		return nil, fmt.Errorf("contract: router: %w", err)
	}
	return router, nil
}

// Options returns the validation options of both directions:
//   - the bearer scheme really needs `Authorization: Bearer <token>` with a
//     non-empty token (kin-openapi's NoopAuthenticationFunc would accept a
//     request without any); the empty alternative `{}` of confirm's
//     security needs nothing, as the document says;
//   - every problem is reported (MultiError), a status the operation does
//     not declare is a violation (IncludeResponseStatus), and schema
//     defaults are never written into the request being checked;
//   - `uuid` (RFC 9562, so UUIDv7 passes too) and `email` formats are
//     checked, which kin-openapi leaves out by default.
func Options() *openapi3filter.Options {
	return &openapi3filter.Options{
		AuthenticationFunc:    BearerAuth,
		MultiError:            true,
		IncludeResponseStatus: true,
		SkipSettingDefaults:   true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562)),
			openapi3.WithStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail)),
		},
	}
}

// BearerAuth is the AuthenticationFunc of [Options]: for an `http`/`bearer`
// scheme it requires an Authorization header of the form `Bearer <token>`
// (scheme name case-insensitive, RFC 7235) with a non-empty token that has
// no spaces. Any other scheme is refused: the document declares none.
func BearerAuth(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	if s == nil || s.Type != "http" || !strings.EqualFold(s.Scheme, "bearer") {
		return in.NewError(fmt.Errorf("security scheme %q is not an http bearer scheme", in.SecuritySchemeName))
	}
	h := in.RequestValidationInput.Request.Header.Values("Authorization")
	if len(h) == 0 {
		return in.NewError(fmt.Errorf("%s: no Authorization header", in.SecuritySchemeName))
	}
	if len(h) > 1 {
		return in.NewError(fmt.Errorf("%s: %d Authorization headers", in.SecuritySchemeName, len(h)))
	}
	scheme, token, ok := strings.Cut(h[0], " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return in.NewError(fmt.Errorf("%s: Authorization is not `Bearer <token>`", in.SecuritySchemeName))
	}
	if token == "" || strings.ContainsAny(token, " \t") {
		return in.NewError(fmt.Errorf("%s: empty or malformed bearer token", in.SecuritySchemeName))
	}
	return nil
}

// Violation is one way an exchange breaks the contract.
type Violation struct {
	// Operation is the operationId, such as "getCheckout"; empty when the
	// request matches no operation of the document.
	Operation string
	// Method and Path of the request; Path is the document's template
	// (such as "/v1/checkouts/{id}") when an operation matched, so client
	// secrets never appear in it.
	Method, Path string
	// Status is the response status, 0 for a violation of the request.
	Status int
	// Location says where: "route", "request security",
	// `request query parameter "status"`, "request body /customer_email",
	// "response status", `response header "Retry-After"`,
	// "response body /items/0/amount", …
	Location string
	// Message is kin-openapi's reason, without the schema dump.
	Message string
}

// Error makes a Violation usable as an error.
func (v Violation) Error() string { return v.String() }

// String renders the violation on one line.
func (v Violation) String() string {
	op := v.Operation
	if op == "" {
		op = "(no operation)"
	}
	where := v.Location
	if v.Status != 0 {
		where = strings.Replace(where, "response", "response "+strconv.Itoa(v.Status), 1)
	}
	return fmt.Sprintf("%s %s %s: %s: %s", op, v.Method, v.Path, where, v.Message)
}

// ValidatingTransport is an http.RoundTripper that checks every request
// the SDK sends and every response it receives against the document, and
// records what breaks the contract. It never changes the exchange: the
// request goes out as given, the response comes back byte for byte (a body
// that fails half-way fails the same way for the caller). Safe for
// concurrent use.
type ValidatingTransport struct {
	// Router matches requests to operations (see [LoadSpec], [NewRouter]).
	Router routers.Router
	// Next sends the request; http.DefaultTransport when nil.
	Next http.RoundTripper
	// Options overrides [Options].
	Options *openapi3filter.Options
	// AllowTokenOnPublicRoutes turns off the check that no Authorization
	// header goes to an operation without security requirements (the
	// client-secret routes, where the document says to send no token).
	AllowTokenOnPublicRoutes bool

	mu         sync.Mutex
	violations []Violation
	exchanges  int
}

// Violations returns the violations recorded so far, in order.
func (t *ValidatingTransport) Violations() []Violation {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Violation(nil), t.violations...)
}

// Exchanges returns how many requests went through the transport.
func (t *ValidatingTransport) Exchanges() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.exchanges
}

// Reset forgets the recorded violations and exchanges.
func (t *ValidatingTransport) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.violations, t.exchanges = nil, 0
}

func (t *ValidatingTransport) record(vs ...Violation) {
	if len(vs) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.violations = append(t.violations, vs...)
}

// RoundTrip validates req, sends it with Next, and validates the response.
func (t *ValidatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.exchanges++
	t.mu.Unlock()
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	opts := t.Options
	if opts == nil {
		opts = Options()
	}

	// The validator reads (and may replace) the body of the request it is
	// given, so it gets a copy. With GetBody the caller's request goes out
	// untouched; without it the body is read once and the wire gets a
	// clone carrying the same bytes.
	out := req
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody != nil {
			rc, err := req.GetBody()
			if err != nil {
				_ = req.Body.Close()
				return nil, err
			}
			body, err = io.ReadAll(rc)
			_ = rc.Close()
			if err != nil {
				_ = req.Body.Close()
				return nil, err
			}
		} else {
			var err error
			body, err = io.ReadAll(req.Body)
			_ = req.Body.Close()
			if err != nil {
				return nil, err
			}
			out = req.Clone(req.Context())
			out.Body = io.NopCloser(bytes.NewReader(body))
			out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
			out.ContentLength = int64(len(body))
		}
	}
	vreq := req.Clone(req.Context())
	vreq.Body = http.NoBody
	if body != nil {
		vreq.Body = io.NopCloser(bytes.NewReader(body))
		vreq.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		vreq.ContentLength = int64(len(body))
	}

	in, vs := checkRequest(vreq, t.Router, opts)
	if in != nil && !t.AllowTokenOnPublicRoutes && req.Header.Get("Authorization") != "" && !acceptsToken(in.Route) {
		vs = append(vs, Violation{
			Operation: in.Route.Operation.OperationID, Method: req.Method, Path: in.Route.Path,
			Location: `request header "Authorization"`,
			Message:  "an access token was sent to an operation without security requirements",
		})
	}
	t.record(vs...)

	resp, err := next.RoundTrip(out)
	if err != nil || in == nil {
		return resp, err
	}
	respBody, readErr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = &replayBody{r: bytes.NewReader(respBody), err: readErr}
	if readErr != nil {
		// The server broke off: there is no complete response to judge.
		return resp, nil
	}
	t.record(checkResponse(in, resp.StatusCode, resp.Header, respBody, opts)...)
	return resp, nil
}

// replayBody returns the bytes read from a response body, then the error
// the read ended with (io.EOF when it ended normally).
type replayBody struct {
	r   *bytes.Reader
	err error
}

func (b *replayBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF && b.err != nil {
		return n, b.err
	}
	return n, err
}

func (b *replayBody) Close() error { return nil }

// acceptsToken reports whether the route's operation (or, failing that,
// the document) lists any security requirement: the client-secret
// operations list none, and the document says to send them no token.
func acceptsToken(route *routers.Route) bool {
	reqs := route.Operation.Security
	if reqs == nil {
		reqs = &route.Spec.Security
	}
	if reqs == nil {
		return false
	}
	for _, r := range *reqs {
		if len(r) > 0 {
			return true
		}
	}
	return false
}

// ValidatingMiddleware wraps a server's handler so that every request it
// receives and every response it writes is checked against the document.
// Violations go to onViolation (which may be called from several
// goroutines at once); nothing is rewritten: an invalid request still
// reaches the handler (a fake server answers it as Polar would), and an
// invalid response is still sent as written. A handler that hijacks the
// connection (to simulate a reset) has no response to check.
func ValidatingMiddleware(router routers.Router, onViolation func(Violation)) func(http.Handler) http.Handler {
	return validatingMiddleware(router, Options(), onViolation)
}

func validatingMiddleware(router routers.Router, opts *openapi3filter.Options, onViolation func(Violation)) func(http.Handler) http.Handler {
	report := func(vs []Violation) {
		if onViolation == nil {
			return
		}
		for _, v := range vs {
			onViolation(v)
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var body []byte
			if r.Body != nil && r.Body != http.NoBody {
				var err error
				body, err = io.ReadAll(r.Body)
				_ = r.Body.Close()
				if err != nil {
					report([]Violation{{Method: r.Method, Path: r.URL.Path, Location: "request body", Message: "reading the body: " + err.Error()}})
				}
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			// A server request carries only the path; the router also
			// matches scheme and host.
			vreq := r.Clone(r.Context())
			if vreq.URL.Host == "" {
				vreq.URL.Host = r.Host
			}
			if vreq.URL.Scheme == "" {
				vreq.URL.Scheme = "http"
				if r.TLS != nil {
					vreq.URL.Scheme = "https"
				}
			}
			vreq.Body = http.NoBody
			if body != nil {
				vreq.Body = io.NopCloser(bytes.NewReader(body))
				vreq.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
				vreq.ContentLength = int64(len(body))
			}
			in, vs := checkRequest(vreq, router, opts)
			report(vs)

			rec := &recorder{w: w}
			next.ServeHTTP(rec, r)
			if in == nil || rec.hijacked {
				return
			}
			report(checkResponse(in, rec.statusCode(), w.Header(), rec.body.Bytes(), opts))
		})
	}
}

// recorder passes a response through while keeping a copy of it.
type recorder struct {
	w        http.ResponseWriter
	status   int
	body     bytes.Buffer
	hijacked bool
}

func (r *recorder) Header() http.Header { return r.w.Header() }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 {
		r.status = code
	}
	r.w.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(p)
	return r.w.Write(p)
}

func (r *recorder) statusCode() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// Flush passes http.Flusher through.
func (r *recorder) Flush() {
	if f, ok := r.w.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack passes http.Hijacker through; the response is then not checked.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.w.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("contract: the underlying ResponseWriter cannot be hijacked")
	}
	r.hijacked = true
	return h.Hijack()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.w }

// checkRequest finds the operation of req and validates req against it.
// The input is nil when no operation matches.
func checkRequest(req *http.Request, router routers.Router, opts *openapi3filter.Options) (*openapi3filter.RequestValidationInput, []Violation) {
	route, params, err := router.FindRoute(req)
	if err != nil {
		return nil, []Violation{{Method: req.Method, Path: req.URL.Path, Location: "route", Message: "no operation of the document matches: " + err.Error()}}
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	err = openapi3filter.ValidateRequest(req.Context(), in)
	if err == nil {
		return in, nil
	}
	base := Violation{Operation: route.Operation.OperationID, Method: req.Method, Path: route.Path}
	return in, flatten(base, "request", err)
}

// checkResponse validates one response to the request of in.
func checkResponse(in *openapi3filter.RequestValidationInput, status int, header http.Header, body []byte, opts *openapi3filter.Options) []Violation {
	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 header,
		Options:                opts,
	}
	rin.SetBodyBytes(body)
	err := openapi3filter.ValidateResponse(in.Request.Context(), rin)
	if err == nil {
		return nil
	}
	base := Violation{Operation: in.Route.Operation.OperationID, Method: in.Request.Method, Path: in.Route.Path, Status: status}
	return flatten(base, "response", err)
}

// flatten turns a kin-openapi error tree into one violation per problem,
// each with its location.
func flatten(base Violation, loc string, err error) []Violation {
	var out []Violation
	add := func(loc, msg string) {
		v := base
		v.Location, v.Message = loc, msg
		out = append(out, v)
	}
	var walk func(loc string, err error)
	walk = func(loc string, err error) {
		// A walk of kin-openapi's error tree one node at a time: errors.As
		// would jump over the levels that carry the locations.
		switch e := any(err).(type) {
		case nil:
		case openapi3.MultiError:
			for _, sub := range e {
				walk(loc, sub)
			}
		case *openapi3filter.SecurityRequirementsError:
			msgs := make([]string, 0, len(e.Errors))
			for _, sub := range e.Errors {
				msgs = append(msgs, securityMessage(sub))
			}
			add("request security", strings.Join(msgs, "; or "))
		case *openapi3filter.RequestError:
			switch {
			case e.Parameter != nil:
				loc = fmt.Sprintf("request %s parameter %q", e.Parameter.In, e.Parameter.Name)
			case e.RequestBody != nil:
				loc = "request body"
			}
			if hasSchemaError(e.Err) {
				walk(loc, e.Err)
				return
			}
			add(loc, joinReason(e.Reason, e.Err))
		case *openapi3filter.ResponseError:
			loc = responseLocation(e.Reason)
			if hasSchemaError(e.Err) {
				walk(loc, e.Err)
				return
			}
			add(loc, joinReason(e.Reason, e.Err))
		case *openapi3.SchemaError:
			add(withPointer(loc, e.JSONPointer()), schemaMessage(e))
		case *openapi3filter.ParseError:
			add(loc, firstLine(e.Error()))
		default:
			if multi, ok := err.(interface{ Unwrap() []error }); ok {
				for _, sub := range multi.Unwrap() {
					walk(loc, sub)
				}
				return
			}
			var se *openapi3.SchemaError
			if errors.As(err, &se) {
				add(withPointer(loc, se.JSONPointer()), schemaMessage(se))
				return
			}
			add(loc, firstLine(err.Error()))
		}
	}
	walk(loc, err)
	return out
}

// responseLocation names the part of a response a ResponseError is about.
func responseLocation(reason string) string {
	switch {
	case reason == "status is not supported":
		return "response status"
	case strings.Contains(reason, "header "):
		_, rest, _ := strings.Cut(reason, "header ")
		if name, err := strconv.QuotedPrefix(rest); err == nil {
			return "response header " + name
		}
		return "response header"
	case strings.Contains(reason, "body"), strings.Contains(reason, "Content-Type"):
		return "response body"
	}
	return "response"
}

func securityMessage(err error) string {
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Err != nil {
		return re.Err.Error()
	}
	return firstLine(err.Error())
}

func hasSchemaError(err error) bool {
	var se *openapi3.SchemaError
	return err != nil && errors.As(err, &se)
}

func withPointer(loc string, ptr []string) string {
	if len(ptr) == 0 {
		return loc
	}
	return loc + " /" + strings.Join(ptr, "/")
}

// schemaMessage is the reason of a schema error without kin-openapi's
// dump of the schema and the value, plus the reasons of the branches of a
// failed anyOf/oneOf (at most a few).
func schemaMessage(e *openapi3.SchemaError) string {
	msg := shorten(e.Reason, 300)
	if msg == "" {
		msg = fmt.Sprintf("doesn't match schema %q", e.SchemaField)
	}
	if e.Origin == nil {
		return msg
	}
	var nested []string
	var collect func(error)
	collect = func(err error) {
		if len(nested) >= 4 {
			return
		}
		switch x := any(err).(type) { // node by node, as in walk above
		case *openapi3.SchemaError:
			p := "/" + strings.Join(x.JSONPointer(), "/")
			r := x.Reason
			if r == "" {
				r = "doesn't match " + x.SchemaField
			}
			if !strings.Contains(msg, r) {
				nested = append(nested, strings.TrimSuffix(p, "/")+": "+shorten(r, 160))
			}
		case interface{ Unwrap() []error }:
			for _, sub := range x.Unwrap() {
				collect(sub)
			}
		case openapi3.MultiError:
			for _, sub := range x {
				collect(sub)
			}
		case interface{ Unwrap() error }:
			collect(x.Unwrap())
		case nil:
		default:
			if r := firstLine(err.Error()); !strings.Contains(msg, r) {
				nested = append(nested, shorten(r, 160))
			}
		}
	}
	collect(e.Origin)
	if len(nested) == 0 {
		return msg
	}
	return msg + " [" + strings.Join(nested, "; ") + "]"
}

// shorten cuts s to about n bytes (long enum lists), on a rune boundary.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func joinReason(reason string, err error) string {
	switch {
	case err == nil:
		return reason
	case reason == "":
		return firstLine(err.Error())
	}
	return reason + ": " + firstLine(err.Error())
}

// firstLine cuts a message at its first line break (kin-openapi appends
// the schema and the value on the following lines) and at 300 bytes.
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return shorten(s, 300)
}
