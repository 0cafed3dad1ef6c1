package hostile

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	polar "github.com/gopolar/checkouts/wrapper"
)

// The redirects below start at an https server, as Polar's API is. The
// SDK must refuse every one that would carry the access token or a client
// secret over plain http or to another host, whoever sends the request:
// its default HTTP client, or the caller's own *http.Client given to
// WithHTTPClient, with or without a CheckRedirect of its own.

// callerClient is one way to send the SDK's requests. newClient returns
// nil when the kind cannot reach the target (the default client cannot be
// told where example.com is).
type callerClient struct {
	name string
	// opts returns the options that install the client; dial maps
	// addresses for a transport of the caller's (nil: as they are).
	opts func(t *testing.T, dial func(string) string) []polar.Option
	// custom: the client is the caller's *http.Client.
	custom bool
}

// permissive is a caller's CheckRedirect that follows anything, and even
// puts back what net/http dropped (the Authorization header): the SDK's
// rule must hold in front of it.
func permissive(calls *atomic.Int32) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		calls.Add(1)
		if auth := via[0].Header.Get("Authorization"); auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return nil
	}
}

var callerClients = []callerClient{
	{name: "default client", opts: func(t *testing.T, dial func(string) string) []polar.Option { return nil }},
	{name: "caller's client", custom: true, opts: func(t *testing.T, dial func(string) string) []polar.Option {
		return []polar.Option{polar.WithHTTPClient(&http.Client{Transport: testTransport(t, dial)})}
	}},
	{name: "caller's client with a permissive CheckRedirect", custom: true, opts: func(t *testing.T, dial func(string) string) []polar.Option {
		var calls atomic.Int32
		hc := &http.Client{Transport: testTransport(t, dial), CheckRedirect: permissive(&calls)}
		before := reflect.ValueOf(hc.CheckRedirect).Pointer()
		t.Cleanup(func() {
			if reflect.ValueOf(hc.CheckRedirect).Pointer() != before {
				t.Error("WithHTTPClient changed the caller's *http.Client (its CheckRedirect)")
			}
		})
		return []polar.Option{polar.WithHTTPClient(hc)}
	}},
}

// landing answers what each operation expects, for requests that were
// redirected (their path starts with /landed).
func landing(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	p := strings.TrimPrefix(r.URL.Path, "/landed")
	switch {
	case strings.HasSuffix(p, "/confirm"):
		writeJSON(w, 200, confirmedJSON)
	case strings.Contains(p, "/client/"):
		writeJSON(w, 200, publicJSON)
	case p == "/v1/checkouts/" && r.Method == http.MethodGet:
		writeJSON(w, 200, listJSON)
	case p == "/v1/checkouts/":
		writeJSON(w, 201, checkoutJSON)
	default:
		writeJSON(w, 200, checkoutJSON)
	}
}

// redirectingTo answers requests over TLS that have not been redirected
// yet with a redirect to target()+"/landed"+path, and the others with
// landing.
func redirectingTo(status int, target func() string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil && !strings.HasPrefix(r.URL.Path, "/landed/") {
			_, _ = io.Copy(io.Discard, r.Body)
			http.Redirect(w, r, target()+"/landed"+r.URL.Path, status)
			return
		}
		landing(w, r)
	}
}

// tlsTarget is where an https origin redirects to.
type tlsTarget struct {
	name string
	// setup starts what is needed and returns the origin's base URL, the
	// server whose requests must not include the redirected ones, and the
	// address mapping of the caller's transports.
	setup func(t *testing.T, status int) (origin string, watched *dualServer, dial func(string) string)
}

var tlsTargets = []tlsTarget{
	{"https to http, same host and port", func(t *testing.T, status int) (string, *dualServer, func(string) string) {
		var d *dualServer
		d = newDualServer(t, "tcp4", redirectingTo(status, func() string { return d.httpURL() }))
		return d.httpsURL(), d, nil
	}},
	{"https to http, same host, another port", func(t *testing.T, status int) (string, *dualServer, func(string) string) {
		plain := newDualServer(t, "tcp4", landing)
		origin := newDualServer(t, "tcp4", redirectingTo(status, plain.httpURL))
		return origin.httpsURL(), plain, nil
	}},
	{"https to another host (IPv6 loopback)", func(t *testing.T, status int) (string, *dualServer, func(string) string) {
		other := newDualServer(t, "tcp6", landing)
		origin := newDualServer(t, "tcp4", redirectingTo(status, other.httpsURL))
		return origin.httpsURL(), other, nil
	}},
	{"https to another host name, https", func(t *testing.T, status int) (string, *dualServer, func(string) string) {
		// example.com is in the test certificate; the caller's transport
		// takes it to a loopback server.
		other := newDualServer(t, "tcp4", landing)
		_, port, _ := net.SplitHostPort(other.addr)
		origin := newDualServer(t, "tcp4", redirectingTo(status, func() string { return "https://example.com:" + port }))
		dial := func(addr string) string {
			if strings.HasPrefix(addr, "example.com:") {
				return other.addr
			}
			return addr
		}
		return origin.httpsURL(), other, dial
	}},
}

// TestRedirect_httpsDowngradeOrHostChangeRefused: every operation, sent by
// every kind of client into every redirect of an https origin that
// downgrades to http or changes the host, is refused: the watched server
// receives no redirected request (so neither the Authorization header nor
// the client secret in the path), and the error matches
// ErrRedirectRefused.
func TestRedirect_httpsDowngradeOrHostChangeRefused(t *testing.T) {
	t.Parallel()
	for _, target := range tlsTargets {
		for _, cc := range callerClients {
			for _, status := range redirectStatuses {
				for _, rc := range redirectCases {
					t.Run(fmt.Sprintf("%s/%s/%d/%s", target.name, cc.name, status, rc.name), func(t *testing.T) {
						t.Parallel()
						origin, watched, dial := target.setup(t, status)
						opts := append([]polar.Option{polar.WithBaseURL(origin), polar.WithAccessToken(testToken), polar.WithSleep(noSleep), polar.WithMaxRetries(0)}, cc.opts(t, dial)...)
						c, err := polar.NewClient(opts...)
						if err != nil {
							t.Fatal(err)
						}
						checkRefused(t, rc, rc.call(c, t))
						for _, r := range watched.requests() {
							if strings.HasPrefix(r.path, "/landed/") {
								t.Errorf("the redirect was followed: %s %s (tls %v, Authorization %q) reached %s", r.method, r.path, r.tls, r.header.Get("Authorization"), r.host)
							}
						}
						for _, r := range watched.plain() {
							if r.header.Get("Authorization") != "" || strings.Contains(r.path, testSecret) {
								t.Errorf("credentials over plain http: %s %s, Authorization %q", r.method, r.path, r.header.Get("Authorization"))
							}
						}
					})
				}
			}
		}
	}
}

// TestRedirect_httpsSameHostFollowed: a redirect that keeps scheme, host
// and port is followed by every kind of client, with the token (for token
// operations) and without a Referer (it would carry the client secret of
// the previous URL).
func TestRedirect_httpsSameHostFollowed(t *testing.T) {
	t.Parallel()
	for _, cc := range callerClients {
		for _, rc := range redirectCases {
			if rc.post {
				continue // net/http follows a POST's 307 only with a body it can rewind; see checkRefused
			}
			t.Run(cc.name+"/"+rc.name, func(t *testing.T) {
				t.Parallel()
				var d *dualServer
				d = newDualServer(t, "tcp4", redirectingTo(http.StatusTemporaryRedirect, func() string { return d.httpsURL() }))
				opts := append([]polar.Option{polar.WithBaseURL(d.httpsURL()), polar.WithAccessToken(testToken), polar.WithSleep(noSleep), polar.WithMaxRetries(0)}, cc.opts(t, nil)...)
				c, err := polar.NewClient(opts...)
				if err != nil {
					t.Fatal(err)
				}
				if err := rc.call(c, t); err != nil {
					t.Fatalf("a same-host https redirect was not followed: %v", err)
				}
				landed := 0
				for _, r := range d.requests() {
					if !strings.HasPrefix(r.path, "/landed/") {
						continue
					}
					landed++
					if !r.tls {
						t.Errorf("landed over plain http: %s %s", r.method, r.path)
					}
					if ref := r.header.Get("Referer"); ref != "" {
						t.Errorf("the redirected request carries Referer %q", ref)
					}
					if !rc.secret && r.header.Get("Authorization") != "Bearer "+testToken {
						t.Errorf("the redirected token request lost its Authorization header: %q", r.header.Get("Authorization"))
					}
				}
				if landed == 0 {
					t.Error("no redirected request reached the server")
				}
			})
		}
	}
}
