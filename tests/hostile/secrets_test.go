package hostile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// Other credentials the broad run uses: a second client secret and the
// customer session token of a confirmation.
const (
	otherSecret  = "polar_c_OtherHostileSecret9876543210zyxwvutsrqpon"
	sessionToken = "polar_cst_HostileSession0123456789"
)

// secrets are every credential that must stay out of logs and errors, in
// the forms they could take there.
func secrets() []string {
	var out []string
	for _, s := range []string{testToken, testSecret, otherSecret} {
		out = append(out, s, url.PathEscape(s), url.QueryEscape(s), fmt.Sprintf("%q", s)[1:len(s)+1])
	}
	return out
}

// collector gathers everything a caller could print: every log record (at
// debug level, as JSON) and every error string.
type collector struct {
	logs syncBuffer
	mu   sync.Mutex
	errs []string
}

func (c *collector) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(&c.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (c *collector) err(what string, err error) {
	if err == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, what+": "+err.Error())
	// Unwrapped causes are printed by callers too (errors.Unwrap, %w chains).
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		c.errs = append(c.errs, what+" (cause): "+e.Error())
	}
}

// check fails t for every credential found in the logs or errors.
func (c *collector) check(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	errs := append([]string(nil), c.errs...)
	c.mu.Unlock()
	logs := c.logs.String()
	if logs == "" {
		t.Error("nothing was logged at debug level: the collector is not wired")
	}
	for _, s := range secrets() {
		for _, line := range strings.Split(logs, "\n") {
			if strings.Contains(line, s) {
				t.Errorf("log line leaks a credential: %s", line)
			}
		}
		for _, e := range errs {
			if strings.Contains(e, s) {
				t.Errorf("error leaks a credential: %s", e)
			}
		}
	}
	for _, e := range errs {
		if !oneLine(e) {
			t.Errorf("error spans lines: %q", e)
		}
	}
}

// TestSecrets_broadRun runs successes, every error status, resets,
// timeouts, retries, confirm reconciliation, refused and broken
// connections, a middleware failure and a TLS mismatch, with a debug
// logger, and finds neither the token nor a client secret in any log line
// or error string. The server's bodies are realistic: Polar returns the
// client secret in checkout bodies, never in error messages.
func TestSecrets_broadRun(t *testing.T) {
	t.Parallel()
	col := &collector{}
	e := newEnv(t, polar.WithLogger(col.logger()), polar.WithAttemptTimeout(50*time.Millisecond))
	ctx := t.Context()

	// One route per scenario, chosen by the client secret's suffix or the
	// checkout ID, so that every call below is independent.
	type scenario struct {
		name    string
		handler func() http.HandlerFunc // a fresh handler per call; nil: success
	}
	var scenarios []scenario
	for _, st := range []struct {
		status int
		body   string
		header []string
	}{
		{400, `{"error":"PaymentError","detail":"The payment failed: Your card was declined."}`, nil},
		{401, `{"error":"Unauthorized","detail":"Unauthorized"}`, nil},
		{401, `{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed, or invalid for other reasons."}`, []string{"WWW-Authenticate", `Bearer error="invalid_token"`}},
		{403, `{"error":"NotOpenCheckout","detail":"Checkout ` + testID + ` is not open: confirmed"}`, nil},
		{403, `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token."}`, nil},
		{404, `{"error":"ResourceNotFound","detail":"Not found"}`, nil},
		{404, `{"detail":"Not Found"}`, nil},
		{409, `{"error":"CheckoutLocked","detail":"Checkout is currently being processed. Please try again."}`, nil},
		{410, `{"error":"ExpiredCheckoutError","detail":"This checkout session has expired."}`, nil},
		{422, `{"error":"RequestValidationError","detail":[{"loc":["body","customer_email"],"msg":"value is not a valid email address","type":"value_error","input":"x"}]}`, nil},
		{422, `{"error":"CheckoutCustomerExternalIdMismatch","detail":"A customer with this external ID already exists but with a different email address."}`, nil},
		{429, ``, []string{"Retry-After", "1"}},
		{429, ``, []string{"Retry-After", "3600"}},
		{500, `{"error":"InternalServerError","detail":"boom"}`, nil},
		{502, `<html><body><h1>502 Bad Gateway</h1></body></html>`, []string{"Content-Type", "text/html"}},
		{503, ``, nil},
		{504, ``, nil},
	} {
		h := answer(st.status, st.body, st.header...)
		scenarios = append(scenarios, scenario{fmt.Sprintf("status %d %.20s", st.status, st.body), func() http.HandlerFunc { return h }})
	}
	scenarios = append(scenarios,
		scenario{"success", nil},
		scenario{"reset then success", func() http.HandlerFunc { return script(reset(t), nil) }},
		scenario{"reset always", func() http.HandlerFunc { return reset(t) }},
		scenario{"timeout then success", func() http.HandlerFunc { return script(hang, nil) }},
		scenario{"timeout always", func() http.HandlerFunc { return hang }},
		scenario{"503 then success", func() http.HandlerFunc { return script(answer(503, ""), nil) }},
		scenario{"truncated success", func() http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "4000")
				w.WriteHeader(200)
				_, _ = w.Write([]byte(`{"id":"` + testID + `","client_secret":"` + testSecret))
			}
		}},
	)

	ok := map[string]string{"GET /v1/checkouts/": listJSON, "POST /v1/checkouts/": checkoutJSON, "GET /v1/checkouts/{id}": checkoutJSON,
		"PATCH /v1/checkouts/{id}": checkoutJSON, "GET /v1/checkouts/client/{secret}": publicJSON, "PATCH /v1/checkouts/client/{secret}": publicJSON,
		"POST /v1/checkouts/client/{secret}/confirm": confirmedJSON}
	var mu sync.Mutex
	current := map[string]http.HandlerFunc{} // by pattern, for the scenario running
	for pattern, body := range ok {
		status := 200
		if strings.HasPrefix(pattern, "POST /v1/checkouts/") && !strings.HasSuffix(pattern, "confirm") {
			status = 201
		}
		success := answer(status, body)
		e.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			h := current[pattern]
			mu.Unlock()
			if h == nil {
				success(w, r)
				return
			}
			// A nil step of a script means success.
			h(&successOnNil{ResponseWriter: w, succeed: func() { success(w, r) }}, r)
		})
	}

	calls := []struct {
		pattern string
		call    func() error
	}{
		{"GET /v1/checkouts/", func() error {
			_, err := e.c.Checkouts.List(ctx, &polar.ListParams{ExternalCustomerID: &[]string{"cus_42"}})
			return err
		}},
		{"GET /v1/checkouts/", func() error {
			for _, err := range e.c.Checkouts.All(ctx, nil, polar.WithLookahead(1)) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{"POST /v1/checkouts/", func() error {
			_, err := e.c.Checkouts.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(testID)}})
			return err
		}},
		{"GET /v1/checkouts/{id}", func() error { _, err := e.c.Checkouts.Get(ctx, testUUID); return err }},
		{"PATCH /v1/checkouts/{id}", func() error {
			_, err := e.c.Checkouts.Update(ctx, testUUID, &polar.CheckoutUpdate{CustomerEmail: polar.Value[polar.Email]("ada@example.com")})
			return err
		}},
		{"GET /v1/checkouts/client/{secret}", func() error { _, err := e.c.Checkouts.ClientGet(ctx, testSecret); return err }},
		{"PATCH /v1/checkouts/client/{secret}", func() error {
			_, err := e.c.Checkouts.ClientUpdate(ctx, otherSecret, &polar.CheckoutUpdatePublic{CustomerName: polar.Value("Ada")})
			return err
		}},
		{"POST /v1/checkouts/client/{secret}/confirm", func() error {
			_, err := e.c.Checkouts.ClientConfirm(ctx, testSecret, &polar.CheckoutConfirmStripe{ConfirmationTokenID: polar.Value("ctoken_1")})
			return err
		}},
		{"GET /v1/checkouts/client/{secret}", func() error {
			var out map[string]any
			return e.c.Do(ctx, "GET", "/v1/checkouts/client/"+otherSecret, nil, &out)
		}},
		{"POST /v1/checkouts/client/{secret}/confirm", func() error {
			return e.c.Do(ctx, "POST", "/v1/checkouts/client/"+testSecret+"/confirm", map[string]any{}, nil)
		}},
	}
	// Scenarios run one after the other: each sets the answer of every route.
	for _, sc := range scenarios {
		for _, call := range calls {
			mu.Lock()
			clear(current)
			if sc.handler != nil {
				current[call.pattern] = sc.handler()
				if call.pattern == "POST /v1/checkouts/client/{secret}/confirm" {
					// Reconciliation reads the session: make it confirmed.
					current["GET /v1/checkouts/client/{secret}"] = answer(200, strings.Replace(publicJSON, `"open"`, `"confirmed"`, 1))
				}
			}
			mu.Unlock()
			col.err(sc.name+" "+call.pattern, call.call())
		}
	}

	// Failures without any answer, to URLs holding the client secret.
	refused, err := polar.NewClient(polar.WithBaseURL(closedURL(t)), polar.WithAccessToken(testToken), polar.WithLogger(col.logger()), polar.WithSleep(noSleep))
	if err != nil {
		t.Fatal(err)
	}
	_, err = refused.Checkouts.ClientGet(ctx, testSecret)
	col.err("refused ClientGet", err)
	_, err = refused.Checkouts.ClientConfirm(ctx, otherSecret, &polar.CheckoutConfirmStripe{})
	col.err("refused ClientConfirm", err)
	col.err("refused Do", refused.Do(ctx, "GET", "/v1/checkouts/client/"+testSecret, nil, nil))
	_, err = refused.Checkouts.Get(ctx, testUUID)
	col.err("refused Get", err)

	// https to a plain-HTTP server: a TLS failure naming the URL.
	tlsMismatch, err := polar.NewClient(polar.WithBaseURL(strings.Replace(e.srv.URL, "http://", "https://", 1)), polar.WithAccessToken(testToken), polar.WithLogger(col.logger()), polar.WithSleep(noSleep))
	if err != nil {
		t.Fatal(err)
	}
	_, err = tlsMismatch.Checkouts.ClientGet(ctx, testSecret)
	col.err("TLS mismatch ClientGet", err)

	// A middleware that fails with the request URL in its message.
	failing := polar.WithMiddleware(func(req *http.Request, next polar.MiddlewareNext) (*http.Response, error) {
		return nil, fmt.Errorf("proxy refused %s with %s", req.URL, req.Header.Get("Authorization"))
	})
	_, err = e.c.Checkouts.ClientGet(ctx, testSecret, failing)
	col.err("middleware ClientGet", err)
	_, err = e.c.Checkouts.Get(ctx, testUUID, failing)
	col.err("middleware Get", err)

	// The caller gives up mid-request.
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	mu.Lock()
	current["POST /v1/checkouts/client/{secret}/confirm"] = hang
	current["GET /v1/checkouts/client/{secret}"] = hang
	mu.Unlock()
	_, err = e.c.Checkouts.ClientConfirm(cctx, testSecret, &polar.CheckoutConfirmStripe{})
	cancel()
	col.err("canceled ClientConfirm", err)

	col.check(t)
	logs := col.logs.String()
	for _, msg := range []string{`"msg":"polar request"`, `"msg":"polar response"`, `"msg":"polar retry"`, `"msg":"polar not retrying"`, `"msg":"polar confirm outcome unknown; reading the session"`} {
		if !strings.Contains(logs, msg) {
			t.Errorf("no %s record: the run missed a path", msg)
		}
	}
	if n := len(col.errs); n < 100 {
		t.Errorf("only %d errors collected: the run did not exercise the failure paths", n)
	}
}

// successOnNil lets a script step be nil, meaning "answer with success".
type successOnNil struct {
	http.ResponseWriter
	succeed func()
}

func (s *successOnNil) success() { s.succeed() }

// Unwrap lets http.ResponseController (Hijack) reach the real writer.
func (s *successOnNil) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// TestSecrets_echoedByServer: a server (or a proxy in front of it) that
// echoes the request's credentials in an error body must not make them
// appear in the error message.
func TestSecrets_echoedByServer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, ctype, body string }{
		{"detail", "application/json", `{"error":"ResourceNotFound","detail":"No checkout with client secret ` + testSecret + `"}`},
		{"proxy page", "text/plain", `Cannot GET /v1/checkouts/client/` + testSecret},
		{"oauth description", "application/json", `{"error":"invalid_token","error_description":"Token ` + testToken + ` is revoked"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, polar.WithMaxRetries(0))
			e.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				w.WriteHeader(404)
				_, _ = w.Write([]byte(tc.body))
			})
			_, err := e.c.Checkouts.ClientConfirm(t.Context(), testSecret, &polar.CheckoutConfirmStripe{}, polar.WithAccessToken(testToken))
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); strings.Contains(msg, testSecret) || strings.Contains(msg, testToken) {
				t.Fatalf("regression (fixed bug): (*polar.Error).Error() repeats credentials the server echoed (%q): newAPIError does not apply the request's redactor to Detail, Code, Fields or the Body excerpt, though the package documents that error messages never contain the token or a client secret", msg)
			}
		})
	}
}

// TestSecrets_queryStringNotLogged: logging.go promises records without
// query strings; List's query string holds what the caller filters on,
// such as a customer's email address.
func TestSecrets_queryStringNotLogged(t *testing.T) {
	t.Parallel()
	col := &collector{}
	c, err := polar.NewClient(polar.WithBaseURL(closedURL(t)), polar.WithAccessToken(testToken), polar.WithLogger(col.logger()), polar.WithSleep(noSleep), polar.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	const email = "ada.lovelace@example.com"
	_, err = c.Checkouts.List(t.Context(), &polar.ListParams{Query: polar.Ptr(email), ExternalCustomerID: &[]string{"crm-secret-42"}})
	if err == nil {
		t.Fatal("List to a closed port succeeded")
	}
	if strings.Contains(err.Error(), url.QueryEscape(email)) {
		t.Errorf("the error carries the query string: %s", err)
	}
	for _, line := range strings.Split(col.logs.String(), "\n") {
		if strings.Contains(line, url.QueryEscape(email)) || strings.Contains(line, "crm-secret-42") {
			t.Fatalf("regression (fixed bug): on a transport failure the \"polar response\" record's error attribute is the raw *url.Error text, with the full request URL and its query string (here a customer email), though logging.go promises records never carry query strings: logEnd applies only r.redact, not sanitizeURL as requestError does (%s)", line)
		}
	}
}
