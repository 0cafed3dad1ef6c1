// Package fuzz holds fuzz targets for the parts of the SDK that read what
// a server sends: error bodies and headers, union payloads, list pages.
// `go test` runs them on their seed corpora (f.Add seeds and the files in
// testdata/fuzz/<Target>/); `make fuzz` explores each for FUZZTIME.
//
// The targets serve their inputs through an http.RoundTripper, so no
// network is involved and an iteration costs microseconds.
//
// A FuzzFakeServer target (random operation sequences against the
// polartest fake, checked with tests/contract) belongs here once the fake
// server is ready.
package fuzz

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gopolar/checkouts/client"
	polar "github.com/gopolar/checkouts/wrapper"
)

const (
	fuzzToken  = "polar_oat_FuzzToken0123456789abcdef"
	fuzzSecret = "polar_c_FuzzSecret0123456789abcdefghijklmnopqrstu"
	fixtures   = "../../client/testdata"
)

// stub answers every request with the same response, without a network.
type stub struct {
	status int
	header http.Header
	body   []byte
	// after, when > 0, is the number of requests answered with body;
	// later ones get an empty list page.
	after int32
	n     atomic.Int32
}

const emptyPage = `{"items":[],"pagination":{"total_count":0,"max_page":0}}`

func (s *stub) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	n := s.n.Add(1)
	body := s.body
	if s.after > 0 && n > s.after {
		body = []byte(emptyPage)
	}
	h := s.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	return &http.Response{
		StatusCode:    s.status,
		Status:        strconv.Itoa(s.status) + " " + http.StatusText(s.status),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func newClient(t testing.TB, rt http.RoundTripper, opts ...polar.Option) *polar.Client {
	t.Helper()
	c, err := polar.NewClient(append([]polar.Option{
		polar.WithBaseURL("https://api.polar.test"),
		polar.WithAccessToken(fuzzToken),
		polar.WithHTTPClient(&http.Client{Transport: rt}),
		polar.WithSleep(noSleep),
		polar.WithRetryBudget(0),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// addFixtures adds every file of client/testdata matching pattern, with
// extra leading arguments, to the seed corpus.
func addFixtures(f *testing.F, pattern string, add func(name string, b []byte)) {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtures, pattern))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no fixtures %s: %v", pattern, err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		add(filepath.Base(p), b)
	}
}

// FuzzErrorBody: whatever status, body and Retry-After a server sends to
// ClientGet, the SDK does not panic; a non-2xx answer is an error that
// errors.As finds as a *polar.Error with that status, whose message is one
// line without the client secret or the token.
func FuzzErrorBody(f *testing.F) {
	f.Add(404, []byte(`{"error":"ResourceNotFound","detail":"Not found"}`), "")
	f.Add(429, []byte{}, "120")
	f.Add(429, []byte{}, "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(422, []byte(`{"detail":[{"loc":["body",0,1.5,null,{"a":1}],"msg":"bad","type":"x"}]}`), "")
	f.Add(502, []byte("<html><body>502 Bad Gateway</body></html>"), "")
	f.Add(401, []byte(`{"error":"invalid_token","error_description":"expired"}`), "")
	f.Add(500, []byte(`{"error":`), "1")
	f.Add(200, []byte(`{"id":"nope"}`), "")
	status := map[string]int{
		"error_404_route.json": 404, "error_422_string.json": 422, "error_422_validation.json": 422,
		"error_expired.json": 410, "error_insufficient_scope.json": 403, "error_invalid_token.json": 401,
		"error_locked.json": 409, "error_not_found.json": 404, "error_not_open.json": 403,
		"error_payment.json": 400, "error_unauthorized.json": 401,
	}
	addFixtures(f, "error_*.json", func(name string, b []byte) {
		s, ok := status[name]
		if !ok {
			f.Fatalf("FuzzErrorBody: add the status of %s", name)
		}
		f.Add(s, b, "")
	})

	f.Fuzz(func(t *testing.T, rawStatus int, body []byte, retryAfter string) {
		status := 100 + int(uint(rawStatus)%500) // 100..599
		h := http.Header{}
		if retryAfter != "" {
			h["Retry-After"] = []string{retryAfter}
		}
		rt := &stub{status: status, header: h, body: body}
		c := newClient(t, rt, polar.WithMaxRetries(1))
		_, err := c.Checkouts.ClientGet(t.Context(), fuzzSecret)
		checkFixedErrorBugs(t, err, retryAfter)

		if err != nil {
			msg := err.Error()
			if strings.ContainsAny(msg, "\r\n") {
				t.Errorf("Error() spans lines: %q", msg)
			}
			if strings.Contains(msg, fuzzSecret) || strings.Contains(msg, fuzzToken) {
				t.Errorf("Error() leaks a credential: %q", msg)
			}
			if !utf8.ValidString(msg) {
				t.Errorf("Error() is not valid UTF-8: %q", msg)
			}
		}
		if status >= 200 && status < 300 {
			var de *polar.DecodeError
			if err != nil && !errors.As(err, &de) {
				t.Errorf("%d answer: err = %v (%T), want nil or a *DecodeError", status, err, err)
			}
			return
		}
		var apiErr *polar.Error
		if !errors.As(err, &apiErr) {
			t.Fatalf("%d answer: err = %v (%T), want a *polar.Error", status, err, err)
		}
		if apiErr.StatusCode != status {
			t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, status)
		}
		if apiErr.RetryAfter < 0 {
			t.Errorf("Retry-After %q gave RetryAfter %v; invalid values must give 0", retryAfter, apiErr.RetryAfter)
		}
		var rl *polar.RateLimitError
		if (status == http.StatusTooManyRequests) != errors.As(err, &rl) {
			t.Errorf("%d answer: *RateLimitError found = %v", status, errors.As(err, &rl))
		}
		var ve *polar.ValidationError
		if (status == http.StatusUnprocessableEntity) != errors.As(err, &ve) {
			t.Errorf("%d answer: *ValidationError found = %v", status, errors.As(err, &ve))
		}
		if n := rt.n.Load(); n > 2 {
			t.Errorf("%d requests with MaxRetries(1)", n)
		}
	})
}

// Known SDK bugs the fuzzer finds at once. Inputs that hit them are
// skipped with the bug's description (their crashers stay in the seed
// corpus), so that `go test` passes and fuzzing looks for new ones.
const (
	bugMultiLineError = "regression (fixed bug): (*polar.Error).Error() copies Polar's error, detail, error_description and validation msg/loc verbatim, so a CR or LF in them makes a multi-line message (log injection); decodeErrorBody should replace control characters as excerpt does"
	bugSecretInError  = "regression (fixed bug): (*polar.Error).Error() does not redact: a client secret or token that the server echoes in detail (or in a non-JSON body excerpt, e.g. a proxy's \"Cannot GET /v1/checkouts/client/polar_c_…\") appears in the message, though package polar documents that error messages never contain them; newAPIError should apply the request's redactor to Detail, Fields, Code and Body"
	bugNaNRetryAfter  = "regression (fixed bug): parseRetryAfter accepts \"NaN\" (strconv.ParseFloat parses it; the secs <= 0 || secs > 1e9 guard is false for NaN), and time.Duration(NaN*1e9) is math.MinInt64 on amd64: Error.RetryAfter and RateLimitError.RetryAfter become -2562047h instead of 0"
)

// checkFixedErrorBugs fails when err shows one of the bugs fuzzing found.
func checkFixedErrorBugs(t *testing.T, err error, retryAfter string) {
	t.Helper()
	var apiErr *polar.Error
	if err == nil || !errors.As(err, &apiErr) {
		return
	}
	if apiErr.RetryAfter < 0 {
		t.Fatalf("Retry-After %q: %s", retryAfter, bugNaNRetryAfter)
	}
	fromServer := []string{apiErr.Code, apiErr.Detail, apiErr.Body}
	for _, fe := range apiErr.Fields {
		fromServer = append(fromServer, fe.Msg, polar.FieldPath(fe))
	}
	for _, s := range fromServer {
		if strings.ContainsAny(s, "\r\n") && strings.ContainsAny(err.Error(), "\r\n") {
			t.Fatal(bugMultiLineError)
		}
		if strings.Contains(s, fuzzSecret) || strings.Contains(s, fuzzToken) {
			t.Fatal(bugSecretInError)
		}
	}
}

// isJSONObject reports whether b is one valid JSON object.
func isJSONObject(b []byte) bool {
	t := bytes.TrimSpace(b)
	return json.Valid(t) && len(t) > 0 && t[0] == '{'
}

// FuzzUnions: any bytes decoded into the union types and given to the
// variant helpers never panic; for a JSON object the helpers return a
// value or an error, never neither, and an UnknownVariant keeps valid JSON.
func FuzzUnions(f *testing.F) {
	addFixtures(f, "price_*.json", func(_ string, b []byte) { f.Add(b) })
	addFixtures(f, "discount_*.json", func(_ string, b []byte) { f.Add(b) })
	addFixtures(f, "custom_field_*.json", func(_ string, b []byte) { f.Add(b) })
	f.Add([]byte(`{"amount_type":"future_type","legacy":false}`))
	f.Add([]byte(`{"amount_type":"fixed","legacy":true,"price_amount":"x"}`))
	f.Add([]byte(`{"type":"percentage","duration":"repeating","basis_points":"x"}`))
	f.Add([]byte(`{"type":7}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`[1,2]`))

	f.Fuzz(func(t *testing.T, data []byte) {
		object := isJSONObject(data)
		check := func(what string, v any, err error) {
			t.Helper()
			if object && v == nil && err == nil {
				t.Errorf("%s(%s) = nil, nil: want a value or an error", what, data)
			}
			if u, ok := v.(polar.UnknownVariant); ok && err == nil && !json.Valid(u.Raw) {
				t.Errorf("%s(%s): UnknownVariant.Raw %q is not JSON", what, data, u.Raw)
			}
		}
		var p polar.CheckoutProductPrice
		if err := json.Unmarshal(data, &p); err == nil {
			v, err := polar.PriceVariant(p)
			check("PriceVariant", v, err)
		} else if object {
			t.Errorf("a JSON object does not decode into CheckoutProductPrice: %v", err)
		}
		var d polar.CheckoutDiscount
		if err := json.Unmarshal(data, &d); err == nil {
			v, err := polar.DiscountVariant(d)
			check("DiscountVariant", v, err)
		} else if object {
			t.Errorf("a JSON object does not decode into CheckoutDiscount: %v", err)
		}
		var cf client.CustomField
		if err := json.Unmarshal(data, &cf); err == nil {
			v, err := polar.CustomFieldVariant(cf)
			check("CustomFieldVariant", v, err)
		} else if object {
			t.Errorf("a JSON object does not decode into CustomField: %v", err)
		}
	})
}

const bugLookaheadOverflow = "regression (fixed bug): Pages/All with WithLookahead(n) hang forever, ignoring ctx, when the start page is within n+1 of math.MaxInt and the first page has a later max_page: in pagesAhead, next+ahead overflows, no page is fetched, and the loop blocks receiving from inflight[next], a nil channel"

// maxServedPages bounds how many times the fuzzed page is served; later
// requests get an empty page, which must end any walk.
const maxServedPages = 20

// FuzzListPage: a fuzzed list body served to List and to All (in order and
// with look-ahead) never panics; All terminates promptly once pages run
// empty, and yields at most one error, as its last value.
func FuzzListPage(f *testing.F) {
	addFixtures(f, "list_*.json", func(_ string, b []byte) { f.Add(b, 1, uint8(0)) })
	f.Add([]byte(`{"items":[{"id":"6f1e9d6a-3f4e-4c1a-9a57-2f1f6a7b8c9d"}],"pagination":{"total_count":1000000,"max_page":9223372036854775807}}`), 1, uint8(2))
	f.Add([]byte(`{"items":[{}],"pagination":{"total_count":-1,"max_page":-5}}`), 3, uint8(1))
	f.Add([]byte(`{"items":null,"pagination":null}`), 0, uint8(0))
	f.Add([]byte(`{"items":[{"id":5}],"pagination":{"total_count":1,"max_page":1}}`), 1, uint8(3))
	f.Add([]byte(`{"items":[{}],"pagination":{"total_count":1,"max_page":2}}`), -7, uint8(2))
	f.Add([]byte(`not json`), 1, uint8(1))

	f.Fuzz(func(t *testing.T, body []byte, start int, ahead uint8) {
		lookahead := int(ahead % 4)
		params := &polar.ListParams{Page: &start, Limit: polar.Ptr(10)}

		// One page.
		c := newClient(t, &stub{status: 200, body: body})
		if page, err := c.Checkouts.List(t.Context(), params); err == nil {
			_ = page.NextPage()
			if page.Page != start {
				t.Errorf("Page = %d, want the requested %d", page.Page, start)
			}
		}

		// Every page, one at a time and with look-ahead.
		for _, la := range []int{0, lookahead} {
			rt := &stub{status: 200, body: body, after: maxServedPages}
			c := newClient(t, rt, polar.WithLookahead(la), polar.WithRateLimit(1<<30))
			type result struct {
				items, errs int
				errNotLast  bool
			}
			done := make(chan result, 1)
			ctx, cancel := context.WithCancel(t.Context())
			go func() {
				var r result
				for _, err := range c.Checkouts.All(ctx, params) {
					if r.errs > 0 {
						r.errNotLast = true
					}
					if err != nil {
						r.errs++
					} else {
						r.items++
					}
				}
				done <- r
			}()
			select {
			case r := <-done:
				if r.errs > 1 || r.errNotLast {
					t.Errorf("lookahead %d: All yielded %d errors (error not last: %v)", la, r.errs, r.errNotLast)
				}
				if n := rt.n.Load(); n > maxServedPages+1+int32(la) {
					t.Errorf("lookahead %d: %d requests after pages ran empty at %d", la, n, maxServedPages)
				}
			case <-time.After(10 * time.Second):
				cancel()
				t.Fatalf("lookahead %d: All did not return within 10s (start page %d, %d requests)", la, start, rt.n.Load())
			}
			cancel()
		}
	})
}
