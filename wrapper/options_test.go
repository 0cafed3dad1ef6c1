package polar_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	polar "github.com/gopolar/checkouts/wrapper"
)

func TestNewClient_invalidOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  polar.Option
	}{
		{"empty token", polar.WithAccessToken(" ")},
		{"token with newline", polar.WithAccessToken("a\nb")},
		{"nil token source", polar.WithTokenSource(nil)},
		{"unknown server", polar.WithServer("https://evil.example")},
		{"ftp base URL", polar.WithBaseURL("ftp://example.com")},
		{"base URL without host", polar.WithBaseURL("https://")},
		{"base URL with credentials", polar.WithBaseURL("https://user:pw@example.com")},
		{"plain http to a remote host", polar.WithBaseURL("http://api.example.com")},
		{"nil HTTP client", polar.WithHTTPClient(nil)},
		{"nil *http.Client", polar.WithHTTPClient((*http.Client)(nil))},
		{"nil logger", polar.WithLogger(nil)},
		{"nil middleware", polar.WithMiddleware(nil)},
		{"negative retries", polar.WithMaxRetries(-1)},
		{"negative retry policy", polar.WithRetryPolicy(polar.RetryPolicy{MaxDelay: -1})},
		{"negative budget", polar.WithRetryBudget(-1)},
		{"Authorization header", polar.WithHeader("Authorization", "Bearer x")},
		{"header injection", polar.WithHeader("X-A", "b\r\nX-Evil: 1")},
		{"zero response cap", polar.WithMaxResponseBytes(0)},
		{"negative timeout", polar.WithAttemptTimeout(-1)},
		{"zero rate", polar.WithRateLimit(0)},
		{"too much look-ahead", polar.WithLookahead(100)},
		{"bad app info", polar.WithAppInfo("my app", "1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := polar.NewClient(tt.opt)
			if err == nil || c != nil {
				t.Errorf("NewClient = %v, %v; want an error", c, err)
			}
		})
	}
}

func TestNewClient_plainHTTP(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"http://127.0.0.1:8080", "http://localhost:12111", "http://[::1]:1"} {
		if _, err := polar.NewClient(polar.WithBaseURL(base)); err != nil {
			t.Errorf("loopback %s refused: %v", base, err)
		}
	}
	if _, err := polar.NewClient(polar.WithBaseURL("http://polar.internal:8080"), polar.WithInsecureHTTP()); err != nil {
		t.Errorf("explicit WithInsecureHTTP refused: %v", err)
	}
}

func TestNewClient_servers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		opts []polar.Option
		want string
	}{
		{nil, "https://api.polar.sh"},
		{[]polar.Option{polar.WithServer(polar.Sandbox)}, "https://sandbox-api.polar.sh"},
		{[]polar.Option{polar.WithBaseURL("https://proxy.example.com/polar/")}, "https://proxy.example.com/polar"},
	} {
		c, err := polar.NewClient(tt.opts...)
		if err != nil {
			t.Fatal(err)
		}
		if c.BaseURL() != tt.want {
			t.Errorf("BaseURL = %s, want %s", c.BaseURL(), tt.want)
		}
	}
}

func TestCallOptions_doNotChangeTheClient(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, polar.WithAppInfo("shop", "1.2"))
	var uas, extra []string
	mux.HandleFunc("/v1/checkouts/{id}", func(w http.ResponseWriter, r *http.Request) {
		uas = append(uas, r.Header.Get("User-Agent"))
		extra = append(extra, r.Header.Get("X-Request-Source"))
		writeJSON(w, 200, checkoutJSON)
	})
	var resp *http.Response
	if _, err := c.Checkouts.Get(t.Context(), testUUID, polar.WithHeader("X-Request-Source", "cron"), polar.WithResponseInto(&resp)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Checkouts.Get(t.Context(), testUUID); err != nil {
		t.Fatal(err)
	}
	if extra[0] != "cron" || extra[1] != "" {
		t.Errorf("X-Request-Source per call = %q, want [cron, \"\"]", extra)
	}
	if !strings.HasSuffix(uas[0], " shop/1.2") || uas[0] != uas[1] {
		t.Errorf("User-Agent = %q", uas)
	}
	if resp == nil || resp.StatusCode != 200 {
		t.Errorf("WithResponseInto captured %v", resp)
	}
}

func TestCallOptions_invalidOptionFailsTheCall(t *testing.T) {
	t.Parallel()
	c, _, _ := setup(t)
	if _, err := c.Checkouts.Get(t.Context(), testUUID, polar.WithMaxRetries(-3)); err == nil || errors.Is(err, polar.ErrNotFound) {
		t.Errorf("err = %v, want the option's error", err)
	}
}

// TestOptions_safeToShare: an Option value may be applied by many clients
// and calls at once (a package-level option, say); applying it must not
// write to what it captured. Run with -race.
func TestOptions_safeToShare(t *testing.T) {
	t.Parallel()
	shared := []polar.Option{
		polar.WithRetryPolicy(polar.RetryPolicy{MaxRetries: 1}),
		polar.WithAccessToken("  polar_oat_shared  "),
		polar.WithBaseURL("http://127.0.0.1:1/base"),
		polar.WithAppInfo("shop", "1"),
		polar.WithHeader("X-A", "b"),
		polar.WithMiddleware(func(r *http.Request, next polar.MiddlewareNext) (*http.Response, error) { return next(r) }),
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := polar.NewClient(shared...); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
