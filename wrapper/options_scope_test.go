package polar_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// optionScopes lists every option and where it may be used. A new option
// must be added here (TestOptions_everyOptionHasAScope fails otherwise).
var optionScopes = map[string]struct {
	make       func(t *testing.T) polar.Option
	client     bool // accepted by NewClient
	call       bool // accepted by a call
	clientOnly bool
}{
	"WithAccessToken": {func(*testing.T) polar.Option { return polar.WithAccessToken(testToken) }, true, true, false},
	"WithTokenSource": {func(*testing.T) polar.Option {
		return polar.WithTokenSource(func(context.Context) (string, error) { return testToken, nil })
	}, true, true, false},
	"WithServer":           {func(*testing.T) polar.Option { return polar.WithServer(polar.Sandbox) }, true, false, true},
	"WithBaseURL":          {func(*testing.T) polar.Option { return polar.WithBaseURL("http://127.0.0.1:1") }, true, false, true},
	"WithInsecureHTTP":     {func(*testing.T) polar.Option { return polar.WithInsecureHTTP() }, true, false, true},
	"WithHTTPClient":       {func(*testing.T) polar.Option { return polar.WithHTTPClient(&http.Client{}) }, true, true, false},
	"WithLogger":           {func(*testing.T) polar.Option { return polar.WithLogger(slog.New(slog.DiscardHandler)) }, true, true, false},
	"WithMiddleware":       {func(*testing.T) polar.Option { return polar.WithMiddleware() }, true, true, false},
	"WithAppInfo":          {func(*testing.T) polar.Option { return polar.WithAppInfo("shop", "1.0") }, true, true, false},
	"WithUserAgent":        {func(*testing.T) polar.Option { return polar.WithUserAgent("shop/1") }, true, true, false},
	"WithHeader":           {func(*testing.T) polar.Option { return polar.WithHeader("X-Trace", "1") }, true, true, false},
	"WithAttemptTimeout":   {func(*testing.T) polar.Option { return polar.WithAttemptTimeout(time.Second) }, true, true, false},
	"WithTimeout":          {func(*testing.T) polar.Option { return polar.WithTimeout(time.Second) }, true, true, false},
	"WithMaxResponseBytes": {func(*testing.T) polar.Option { return polar.WithMaxResponseBytes(1 << 20) }, true, true, false},
	"WithResponseInto":     {func(*testing.T) polar.Option { var r *http.Response; return polar.WithResponseInto(&r) }, false, true, false},
	"WithRateLimit":        {func(*testing.T) polar.Option { return polar.WithRateLimit(600) }, true, true, false},
	"WithRateLimiter":      {func(t *testing.T) polar.Option { l, _ := polar.NewRateLimiter(600, 1); return polar.WithRateLimiter(l) }, true, true, false},
	"WithLookahead":        {func(*testing.T) polar.Option { return polar.WithLookahead(2) }, true, true, false},
	"WithSleep": {func(*testing.T) polar.Option {
		return polar.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() })
	}, true, true, false},
	"WithRetryPolicy":  {func(*testing.T) polar.Option { return polar.WithRetryPolicy(polar.DefaultRetryPolicy()) }, true, true, false},
	"WithMaxRetries":   {func(*testing.T) polar.Option { return polar.WithMaxRetries(1) }, true, true, false},
	"WithRetryBudget":  {func(*testing.T) polar.Option { return polar.WithRetryBudget(100) }, true, false, true},
	"WithAPIVersion":   {func(*testing.T) polar.Option { return polar.WithAPIVersion(polar.APIVersion2027_01) }, true, true, false},
	"WithOrganization": {func(*testing.T) polar.Option { return polar.WithOrganization("10000000-0000-4000-8000-000000000001") }, true, true, false},
}

// TestOptions_everyOptionHasAScope finds every exported With… function of
// the package and requires it in optionScopes.
func TestOptions_everyOptionHasAScope(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || !strings.HasPrefix(fn.Name.Name, "With") {
				continue
			}
			if _, ok := optionScopes[fn.Name.Name]; !ok {
				t.Errorf("%s (%s) has no entry in optionScopes: say where it may be used, and document it", fn.Name.Name, name)
			}
		}
	}
}

// TestOptions_scopes: each option works where documented, and is refused
// with ErrInvalidArgument elsewhere, before anything is sent.
func TestOptions_scopes(t *testing.T) {
	t.Parallel()
	for name, tt := range optionScopes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := polar.NewClient(polar.WithBaseURL("http://127.0.0.1:1"), polar.WithAccessToken(testToken), tt.make(t))
			if tt.client != (err == nil) {
				t.Errorf("NewClient: err = %v, want accepted = %v", err, tt.client)
			}
			if err != nil && !errors.Is(err, polar.ErrInvalidArgument) {
				t.Errorf("NewClient: %v does not match ErrInvalidArgument", err)
			}
			c, mux, _ := setup(t, polar.WithMaxRetries(0))
			var sent atomic.Int32
			mux.HandleFunc("/v1/checkouts/{id}", func(w http.ResponseWriter, r *http.Request) {
				sent.Add(1)
				writeJSON(w, http.StatusOK, checkoutJSON)
			})
			_, err = c.Checkouts.Get(t.Context(), testUUID, tt.make(t))
			switch {
			case tt.call && err != nil && name != "WithServer" && name != "WithBaseURL":
				t.Errorf("as a call option: %v", err)
			case !tt.call && (!errors.Is(err, polar.ErrInvalidArgument) || sent.Load() != 0):
				t.Errorf("as a call option: err = %v, requests %d; want ErrInvalidArgument before sending", err, sent.Load())
			}
			if tt.clientOnly && err != nil && !strings.Contains(err.Error(), "NewClient") {
				t.Errorf("the error does not say where the option belongs: %v", err)
			}
		})
	}
}

// TestNewClient_constructionErrorsMatchSentinels: every option refused at
// construction matches ErrInvalidArgument (an empty token also
// ErrNoAccessToken), and the message names the option once.
func TestNewClient_constructionErrorsMatchSentinels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  polar.Option
		also error
	}{
		{"WithAccessToken", polar.WithAccessToken(""), polar.ErrNoAccessToken},
		{"WithAccessToken", polar.WithAccessToken("a\nb"), nil},
		{"WithTokenSource", polar.WithTokenSource(nil), nil},
		{"WithServer", polar.WithServer("https://example.com"), nil},
		{"WithBaseURL", polar.WithBaseURL("ftp://x"), nil},
		{"WithBaseURL", polar.WithBaseURL("http://example.com"), nil},
		{"WithBaseURL", polar.WithBaseURL("https://u:p@example.com"), nil},
		{"WithHTTPClient", polar.WithHTTPClient(nil), nil},
		{"WithLogger", polar.WithLogger(nil), nil},
		{"WithMiddleware", polar.WithMiddleware(nil), nil},
		{"WithAppInfo", polar.WithAppInfo("a b", ""), nil},
		{"WithUserAgent", polar.WithUserAgent(""), nil},
		{"WithHeader", polar.WithHeader("Authorization", "x"), nil},
		{"WithHeader", polar.WithHeader("polar-version", "2026-04"), nil},
		{"WithHeader", polar.WithHeader("Polar-Organization", "x"), nil},
		{"WithAttemptTimeout", polar.WithAttemptTimeout(-1), nil},
		{"WithTimeout", polar.WithTimeout(-1), nil},
		{"WithMaxResponseBytes", polar.WithMaxResponseBytes(0), nil},
		{"WithRateLimit", polar.WithRateLimit(0), nil},
		{"WithRateLimiter", polar.WithRateLimiter(nil), nil},
		{"WithLookahead", polar.WithLookahead(33), nil},
		{"WithSleep", polar.WithSleep(nil), nil},
		{"WithRetryPolicy", polar.WithRetryPolicy(polar.RetryPolicy{MaxRetries: -1}), nil},
		{"WithMaxRetries", polar.WithMaxRetries(-1), nil},
		{"WithRetryBudget", polar.WithRetryBudget(-1), nil},
		{"WithAPIVersion", polar.WithAPIVersion("2026-4"), nil},
		{"WithAPIVersion", polar.WithAPIVersion("2025-01"), nil},
		{"WithOrganization", polar.WithOrganization("not-a-uuid"), nil},
	}
	for _, tt := range tests {
		_, err := polar.NewClient(tt.opt)
		if !errors.Is(err, polar.ErrInvalidArgument) {
			t.Errorf("%s: err = %v, want ErrInvalidArgument", tt.name, err)
			continue
		}
		if tt.also != nil && !errors.Is(err, tt.also) {
			t.Errorf("%s: err = %v, want it to match %v too", tt.name, err, tt.also)
		}
		if msg := err.Error(); strings.Count(msg, "polar:") != 1 || !strings.Contains(msg, tt.name) {
			t.Errorf("%s: message %q should name the option and say polar: once", tt.name, msg)
		}
	}
}
