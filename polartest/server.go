package polartest

import (
	"net/http/httptest"

	polar "github.com/gopolar/checkouts/wrapper"
)

// Server is a [Handler] listening on a loopback address, for tests.
type Server struct {
	// URL is the base URL of the server, such as http://127.0.0.1:41234,
	// for polar.WithBaseURL or any HTTP client.
	URL string

	srv     *httptest.Server
	handler *Handler
}

// NewServer starts a server with a new [Handler] configured by opts.
// Checkout URLs use the server's URL unless [WithBaseURL] says otherwise.
// Close it when done, typically with t.Cleanup(srv.Close).
func NewServer(opts ...Option) *Server {
	h := NewHandler(opts...)
	ts := httptest.NewUnstartedServer(h)
	url := "http://" + ts.Listener.Addr().String()
	if h.cfg.baseURL == "" {
		h.cfg.baseURL = url // before the first request can read it
	}
	ts.Start()
	return &Server{URL: ts.URL, srv: ts, handler: h}
}

// Handler returns the server's handler, for state helpers, statistics and
// fault injection.
func (s *Server) Handler() *Handler { return s.handler }

// Close shuts the server down, closes its connections and stops its
// webhook deliveries ([Handler.Close]).
func (s *Server) Close() {
	s.srv.Close()
	s.handler.Close()
}

// Client returns a wrapper client for the server: its base URL, the
// server's token and an HTTP client for it. opts come after these and can
// override them (retries, logging, another token, ...).
func (s *Server) Client(opts ...polar.Option) (*polar.Client, error) {
	base := []polar.Option{
		polar.WithBaseURL(s.URL),
		polar.WithAccessToken(s.handler.cfg.token),
		polar.WithHTTPClient(s.srv.Client()),
	}
	return polar.NewClient(append(base, opts...)...)
}
