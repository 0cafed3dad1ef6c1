package hostile

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	polar "github.com/gopolar/checkouts/wrapper"
)

// seen is what a server received.
type seen struct {
	method, uri string
	header      http.Header
	body        string
}

// recorder is a server that records the requests it gets and answers 200.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
	srv  *httptest.Server
}

func newRecorder(t *testing.T, body string) *recorder {
	t.Helper()
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, seen{req.Method, req.RequestURI, req.Header.Clone(), string(b)})
		r.mu.Unlock()
		writeJSON(w, 200, body)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) requests() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

// hostURL returns the recorder's URL with its host name replaced, so that
// one server can be reached as "127.0.0.1" and as "localhost": two
// different hosts for net/http's redirect rule.
func (r *recorder) hostURL(host string) string {
	u, _ := url.Parse(r.srv.URL)
	u.Host = host + ":" + u.Port()
	return u.String()
}

// needLocalhost skips the test when "localhost" does not name this
// machine's IPv4 loopback, where the test servers listen.
func needLocalhost(t *testing.T) {
	t.Helper()
	addrs, err := net.LookupHost("localhost")
	if err != nil || !slices.Contains(addrs, "127.0.0.1") {
		t.Skipf("localhost does not resolve to 127.0.0.1 here (%v, %v)", addrs, err)
	}
}

// redirector answers every request with a redirect to target+path.
func redirector(t *testing.T, status int, target func() string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		http.Redirect(w, r, target()+"/landed"+r.URL.Path, status)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// redirectCase is one operation sent into a redirect.
type redirectCase struct {
	name   string
	body   string // what the landing server answers
	secret bool   // the operation's URL carries the client secret
	post   bool   // the operation is a POST: a refused redirect leaves it ambiguous
	call   func(c *polar.Client, t *testing.T) error
}

var redirectCases = []redirectCase{
	{"Get", checkoutJSON, false, false, func(c *polar.Client, t *testing.T) error {
		_, err := c.Checkouts.Get(t.Context(), testUUID)
		return err
	}},
	{"List", listJSON, false, false, func(c *polar.Client, t *testing.T) error {
		_, err := c.Checkouts.List(t.Context(), nil)
		return err
	}},
	{"Create", checkoutJSON, false, true, func(c *polar.Client, t *testing.T) error {
		_, err := c.Checkouts.Create(t.Context(), &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(testID)}})
		return err
	}},
	{"Update", checkoutJSON, false, false, func(c *polar.Client, t *testing.T) error {
		_, err := c.Checkouts.Update(t.Context(), testUUID, &polar.CheckoutUpdate{CustomerName: polar.Value("Ada")})
		return err
	}},
	{"ClientGet", publicJSON, true, false, func(c *polar.Client, t *testing.T) error {
		_, err := c.Checkouts.ClientGet(t.Context(), testSecret)
		return err
	}},
	{"ClientConfirm", confirmedJSON, true, true, func(c *polar.Client, t *testing.T) error {
		_, err := c.Checkouts.ClientConfirm(t.Context(), testSecret, &polar.CheckoutConfirmStripe{ConfirmationTokenID: polar.Value("ctoken_1")})
		return err
	}},
}

// TestRedirect_otherHostRefused: when Polar (or something posing as it)
// redirects a request that carries credentials to another host, the SDK
// refuses to follow it: the other host sees nothing at all, and the caller
// gets an error matching ErrRedirectRefused (for a POST, also
// ErrMaybeApplied: the server answered, it may have applied it first).
func TestRedirect_otherHostRefused(t *testing.T) {
	t.Parallel()
	needLocalhost(t)
	for _, status := range redirectStatuses {
		for _, rc := range redirectCases {
			t.Run(http.StatusText(status)+"/"+rc.name, func(t *testing.T) {
				t.Parallel()
				other := newRecorder(t, rc.body)
				// The client talks to 127.0.0.1; the redirect goes to localhost.
				from := redirector(t, status, func() string { return other.hostURL("localhost") })
				c, err := polar.NewClient(polar.WithBaseURL(from.URL), polar.WithAccessToken(testToken), polar.WithSleep(noSleep), polar.WithMaxRetries(0))
				if err != nil {
					t.Fatal(err)
				}
				err = rc.call(c, t)
				checkRefused(t, rc, err)
				for _, r := range other.requests() {
					t.Errorf("the other host received %s %s (Authorization %q)", r.method, r.uri, r.header.Get("Authorization"))
				}
			})
		}
	}
}

// redirectStatuses are the redirects net/http follows.
var redirectStatuses = []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect}

// checkRefused fails t unless err reports a refused redirect, as an
// ambiguous outcome for the POSTs, without quoting a credential.
func checkRefused(t *testing.T, rc redirectCase, err error) {
	t.Helper()
	if err == nil {
		t.Error("the call succeeded: the redirect was followed")
		return
	}
	// net/http does not follow a 307 or 308 of a request whose body it
	// cannot rewind, and the SDK's POSTs have none (so that net/http can
	// never resend them): the redirect answer itself is the error then.
	var apiErr *polar.Error
	unfollowable := rc.post && errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusTemporaryRedirect || apiErr.StatusCode == http.StatusPermanentRedirect)
	if !errors.Is(err, polar.ErrRedirectRefused) && !unfollowable {
		t.Errorf("errors.Is(err, ErrRedirectRefused) = false: %v", err)
	}
	if rc.post && !errors.Is(err, polar.ErrMaybeApplied) {
		t.Errorf("a POST answered with a redirect may have been applied first; errors.Is(err, ErrMaybeApplied) = false: %v", err)
	}
	for _, s := range []string{testToken, testSecret} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("the error quotes a credential: %v", err)
		}
	}
}

// TestRedirect_otherHostGetsNoClientSecret: the client secret is in the
// URL path of the client-secret operations; net/http sends the previous
// URL as Referer on a redirect, so unless the SDK stops it, the secret
// travels to whatever host Polar's answer (or a proxy) redirects to.
func TestRedirect_otherHostGetsNoClientSecret(t *testing.T) {
	t.Parallel()
	needLocalhost(t)
	for _, rc := range redirectCases {
		if !rc.secret {
			continue
		}
		t.Run(rc.name, func(t *testing.T) {
			t.Parallel()
			other := newRecorder(t, rc.body)
			from := redirector(t, http.StatusTemporaryRedirect, func() string { return other.hostURL("localhost") })
			c, err := polar.NewClient(polar.WithBaseURL(from.URL), polar.WithAccessToken(testToken), polar.WithSleep(noSleep), polar.WithMaxRetries(0))
			if err != nil {
				t.Fatal(err)
			}
			_ = rc.call(c, t)
			for _, r := range other.requests() {
				// The redirect target itself keeps the original path (the
				// server chose it); only what the client adds counts.
				if ref := r.header.Get("Referer"); strings.Contains(ref, testSecret) {
					t.Fatalf("regression (fixed bug): a redirect to another host receives the client secret in the Referer header (%q): net/http sets Referer to the previous URL, which holds the secret in its path; the SDK's default client should refuse cross-host redirects or strip Referer (CheckRedirect), and WithHTTPClient users should be told", ref)
				}
				hdr := r.header.Clone()
				hdr.Del("Referer")
				if strings.Contains(headerText(hdr)+r.body, testSecret) {
					t.Errorf("the other host saw the client secret in %s", headerText(hdr)+r.body)
				}
			}
		})
	}
}

// TestRedirect_sameHostKeepsToken: a redirect on the same host (as
// FastAPI's trailing-slash redirect would be) keeps the Authorization
// header, so such redirects keep working.
func TestRedirect_sameHostKeepsToken(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var auth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		if !strings.HasPrefix(r.URL.Path, "/moved/") {
			http.Redirect(w, r, "/moved"+r.URL.Path, http.StatusTemporaryRedirect)
			return
		}
		writeJSON(w, 200, checkoutJSON)
	}))
	t.Cleanup(srv.Close)
	c, err := polar.NewClient(polar.WithBaseURL(srv.URL), polar.WithAccessToken(testToken), polar.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Checkouts.Get(t.Context(), testUUID); err != nil {
		t.Fatalf("Get through a same-host redirect: %v", err)
	}
	if len(auth) != 2 || auth[0] != "Bearer "+testToken || auth[1] != "Bearer "+testToken {
		t.Errorf("Authorization on the two requests = %q, want the token on both", auth)
	}
}

// TestRedirect_otherPortRefused: a redirect to another port of the same
// host name is another server (net/http would still send it the
// Authorization header: its rule compares host names only). The SDK
// refuses it while credentials are attached.
func TestRedirect_otherPortRefused(t *testing.T) {
	t.Parallel()
	for _, rc := range redirectCases {
		t.Run(rc.name, func(t *testing.T) {
			t.Parallel()
			other := newRecorder(t, rc.body)
			from := redirector(t, http.StatusTemporaryRedirect, func() string { return other.srv.URL })
			c, err := polar.NewClient(polar.WithBaseURL(from.URL), polar.WithAccessToken(testToken), polar.WithSleep(noSleep), polar.WithMaxRetries(0))
			if err != nil {
				t.Fatal(err)
			}
			checkRefused(t, rc, rc.call(c, t))
			for _, r := range other.requests() {
				t.Errorf("the other port received %s %s (Authorization %q)", r.method, r.uri, r.header.Get("Authorization"))
			}
		})
	}
}

func headerText(h http.Header) string {
	var b strings.Builder
	_ = h.Write(&b)
	return b.String()
}
