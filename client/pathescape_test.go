package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gopolar/checkouts/client"
)

// These tests DOCUMENT how the generated client puts path parameters into
// the URL; they assert what a server really receives today, not what we
// would like. The generated code escapes a parameter with url.PathEscape
// (so "/", "?", "#" and " " stay inside one segment) and then resolves
// the path against the server URL, which applies RFC 3986 dot-segment
// removal. A client secret of "..", "." or "" therefore does NOT stay in
// its segment: the request goes to a different endpoint (".." on
// clientGetCheckout is GET /v1/checkouts/, the token-authenticated list
// endpoint). The wrapper must refuse such values (anything that is not
// "polar_c_" followed by alphanumerics) before it calls the generated
// client.

// seenRequest is what the test server saw of a request.
type seenRequest struct {
	method      string
	requestURI  string // as sent on the wire
	escapedPath string // r.URL.EscapedPath()
	rawPath     string // r.URL.RawPath: set only when Path alone loses information
	path        string // r.URL.Path, decoded
}

// recordRequest sends one request through a generated client pointed at a
// test server and returns what the server saw.
func recordRequest(t *testing.T, call func(ctx context.Context, c *client.Client) (*http.Response, error)) seenRequest {
	t.Helper()

	seen := make(chan seenRequest, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- seenRequest{
			method:      r.Method,
			requestURI:  r.RequestURI,
			escapedPath: r.URL.EscapedPath(),
			rawPath:     r.URL.RawPath,
			path:        r.URL.Path,
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)

	// srv.Client has a transport of its own: the default client would share
	// http.DefaultTransport, whose idle connections every srv.Close of a
	// parallel test closes.
	c, err := client.NewClient(srv.URL, client.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	resp, err := call(t.Context(), c)
	if err != nil {
		t.Fatalf("request failed before reaching the server: %v", err)
	}
	resp.Body.Close()

	select {
	case r := <-seen:
		return r
	default:
		t.Fatal("the server saw no request")
		return seenRequest{}
	}
}

func TestClientGetCheckout_pathEscaping(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		secret string
		want   seenRequest // method is always GET
	}{
		{
			name:   "ordinary secret",
			secret: "polar_c_abc",
			want: seenRequest{
				requestURI: "/v1/checkouts/client/polar_c_abc", escapedPath: "/v1/checkouts/client/polar_c_abc",
				path: "/v1/checkouts/client/polar_c_abc",
			},
		},
		{
			name:   "slash stays in one segment",
			secret: "a/b",
			want: seenRequest{
				requestURI: "/v1/checkouts/client/a%2Fb", escapedPath: "/v1/checkouts/client/a%2Fb",
				rawPath: "/v1/checkouts/client/a%2Fb",
				// A server routing on the decoded Path sees two segments.
				path: "/v1/checkouts/client/a/b",
			},
		},
		{
			name:   "dot segments behind a slash stay in one segment",
			secret: "../../x",
			want: seenRequest{
				requestURI: "/v1/checkouts/client/..%2F..%2Fx", escapedPath: "/v1/checkouts/client/..%2F..%2Fx",
				rawPath: "/v1/checkouts/client/..%2F..%2Fx",
				path:    "/v1/checkouts/client/../../x",
			},
		},
		{
			name:   "space",
			secret: "a b",
			want: seenRequest{
				requestURI: "/v1/checkouts/client/a%20b", escapedPath: "/v1/checkouts/client/a%20b",
				path: "/v1/checkouts/client/a b",
			},
		},
		{
			name:   "query and fragment characters",
			secret: "a?b#c",
			want: seenRequest{
				requestURI: "/v1/checkouts/client/a%3Fb%23c", escapedPath: "/v1/checkouts/client/a%3Fb%23c",
				path: "/v1/checkouts/client/a?b#c",
			},
		},
		{
			name:   "percent is escaped, not passed through",
			secret: "%2F",
			want: seenRequest{
				requestURI: "/v1/checkouts/client/%252F", escapedPath: "/v1/checkouts/client/%252F",
				path: "/v1/checkouts/client/%2F",
			},
		},
		// Dangerous: the request leaves /v1/checkouts/client/{client_secret}.
		{
			name:   "dot-dot reaches the list endpoint",
			secret: "..",
			want: seenRequest{
				requestURI: "/v1/checkouts/", escapedPath: "/v1/checkouts/",
				path: "/v1/checkouts/",
			},
		},
		{
			name:   "dot drops the secret segment",
			secret: ".",
			want: seenRequest{
				requestURI: "/v1/checkouts/client/", escapedPath: "/v1/checkouts/client/",
				path: "/v1/checkouts/client/",
			},
		},
		{
			name:   "empty secret leaves an empty segment",
			secret: "",
			want: seenRequest{
				requestURI: "/v1/checkouts/client/", escapedPath: "/v1/checkouts/client/",
				path: "/v1/checkouts/client/",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := recordRequest(t, func(ctx context.Context, c *client.Client) (*http.Response, error) {
				return c.ClientGetCheckout(ctx, tt.secret)
			})
			want := tt.want
			want.method = http.MethodGet
			if got != want {
				t.Errorf("ClientGetCheckout(%q): the server saw\n  %+v\nwant (current behaviour)\n  %+v", tt.secret, got, want)
			}
		})
	}
}

// The same dot segments move the other client-secret operations too.
func TestClientSecretOperations_dotSegments(t *testing.T) {
	t.Parallel()

	update := func(secret string) func(context.Context, *client.Client) (*http.Response, error) {
		return func(ctx context.Context, c *client.Client) (*http.Response, error) {
			return c.ClientUpdateCheckout(ctx, secret, client.CheckoutUpdatePublic{})
		}
	}
	confirm := func(secret string) func(context.Context, *client.Client) (*http.Response, error) {
		return func(ctx context.Context, c *client.Client) (*http.Response, error) {
			return c.ClientConfirmCheckout(ctx, secret, client.CheckoutConfirmStripe{})
		}
	}

	tests := []struct {
		name       string
		call       func(context.Context, *client.Client) (*http.Response, error)
		wantMethod string
		wantURI    string
	}{
		{"update ..", update(".."), http.MethodPatch, "/v1/checkouts/"},
		{"update .", update("."), http.MethodPatch, "/v1/checkouts/client/"},
		{"update empty", update(""), http.MethodPatch, "/v1/checkouts/client/"},
		{"confirm ..", confirm(".."), http.MethodPost, "/v1/checkouts/confirm"},
		// "confirm" becomes the client secret of another route.
		{"confirm .", confirm("."), http.MethodPost, "/v1/checkouts/client/confirm"},
		{"confirm empty", confirm(""), http.MethodPost, "/v1/checkouts/client//confirm"},
		{"confirm ordinary", confirm("polar_c_abc"), http.MethodPost, "/v1/checkouts/client/polar_c_abc/confirm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := recordRequest(t, tt.call)
			if got.method != tt.wantMethod || got.requestURI != tt.wantURI {
				t.Errorf("the server saw %s %s, want (current behaviour) %s %s", got.method, got.requestURI, tt.wantMethod, tt.wantURI)
			}
		})
	}
}

// GetCheckout takes an openapi_types.UUID, whose text form is always 36
// hex digits and dashes: an id cannot inject anything into the path.
func TestGetCheckout_uuidPath(t *testing.T) {
	t.Parallel()

	tests := []struct {
		id   string
		want string
	}{
		{"172f80c9-33d9-41b3-945a-aa4e11f252c9", "/v1/checkouts/172f80c9-33d9-41b3-945a-aa4e11f252c9"},
		// Upper case and braces parse, but the path is canonical.
		{"{172F80C9-33D9-41B3-945A-AA4E11F252C9}", "/v1/checkouts/172f80c9-33d9-41b3-945a-aa4e11f252c9"},
		{"00000000-0000-0000-0000-000000000000", "/v1/checkouts/00000000-0000-0000-0000-000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			id := mustUUID(tt.id)
			got := recordRequest(t, func(ctx context.Context, c *client.Client) (*http.Response, error) {
				return c.GetCheckout(ctx, id)
			})
			if got.method != http.MethodGet || got.requestURI != tt.want || got.path != tt.want || got.rawPath != "" {
				t.Errorf("GetCheckout(%s): the server saw %+v, want GET %s", tt.id, got, tt.want)
			}
			if strings.Count(got.path, "/") != 3 {
				t.Errorf("path %q does not have exactly three segments", got.path)
			}
		})
	}
}
