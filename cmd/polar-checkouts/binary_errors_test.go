package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopolar/checkouts/polartest"
)

// secretToken is a token the CLI must never print.
const secretToken = "polar_oat_Zq8vXw3Lk2Jm9Np4Rt6Y"

// TestBinary_messages checks stdout, stderr and the exit status of the
// usage mistakes and failures of issue 13.9 against golden files: errors
// name CLI flags, never SDK options; one "polar:"-free line; a usage error
// adds one hint line and no usage dump; help names the arguments.
func TestBinary_messages(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t)
	g := rec.flags()
	down := closedPort(t)
	_, downPort, _ := strings.Cut(down, ":")
	invalid422 := filepath.Join(t.TempDir(), "invalid.json")
	if err := os.WriteFile(invalid422, []byte(`{"products":["`+polartest.ProductPayWhatYouWantID+`"],"amount":-5,"success_url":"x","return_url":"y"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	const unknownID = "6f1e9d6a-3f4e-4c1a-9a57-2f1f6a7b8c9d"
	tests := []struct {
		name string
		inv  invocation
	}{
		{"no-command", invocation{}},
		{"unknown-command", invocation{args: []string{"refund"}}},
		{"help", invocation{args: []string{"-h", "--token", secretToken}}},
		{"no-token", invocation{args: []string{"--server", rec.URL, "list"}}},
		{"plain-http", invocation{args: []string{"--server", "http://example.com:1", "--token", secretToken, "list"}}},
		{"insecure-http", invocation{args: []string{"--server", "http://0.0.0.0:" + downPort, "--insecure-http", "--token", secretToken, "get", unknownID}}},
		{"metadata-noequals", invocation{args: append(g, "create", "--product", polartest.ProductOneTimeID, "--metadata", "noequals")}},
		{"amount-negative", invocation{args: append(g, "create", "--product", polartest.ProductOneTimeID, "--amount", "-1")}},
		{"get-help", invocation{args: []string{"get", "-h", "--token", secretToken}}},
		{"create-help", invocation{args: []string{"--token", secretToken, "create", "--help"}}},
		{"get-missing-id", invocation{args: append(g, "get")}},
		{"get-two-ids", invocation{args: append(g, "get", unknownID, unknownID)}},
		{"get-bad-id", invocation{args: append(g, "get", "../admin")}},
		{"get-token-as-id", invocation{args: append(g, "get", secretToken)}},
		{"bad-email", invocation{args: append(g, "create", "--product", polartest.ProductOneTimeID, "--customer-email", "ada")}},
		{"validation-422", invocation{args: append(g, "create", "--body", invalid422)}},
		{"not-found", invocation{args: append(g, "get", unknownID)}},
		{"bad-token", invocation{args: []string{"--server", rec.URL, "--token", secretToken, "get", unknownID}}},
		{"bad-token-env", invocation{args: []string{"--server", rec.URL, "get", unknownID}, env: []string{"POLAR_ACCESS_TOKEN=" + secretToken}}},
		{"connection-refused", invocation{args: []string{"--server", "http://" + down, "client-get", "polar_c_Zq8vXw3Lk2Jm9Np4Rt6Y"}}},
		{"bad-server", invocation{args: []string{"--server", "ftp://x", "get", unknownID}}},
		{"bad-api-version", invocation{args: append(g, "--api-version", "2019-01", "get", unknownID)}},
		{"bad-api-version-env", invocation{args: append(g, "get", unknownID), env: []string{"POLAR_API_VERSION=latest"}}},
		{"bad-organization", invocation{args: append(g, "--organization", "acme", "get", unknownID)}},
		{"bad-timeout", invocation{args: append(g, "--timeout", "soon", "list")}},
		{"webhook-no-subcommand", invocation{args: []string{"webhook"}}},
		{"webhook-help", invocation{args: []string{"webhook", "-h"}}},
		{"webhook-sign-help", invocation{args: []string{"webhook", "sign", "-h"}}},
		{"webhook-listen-help", invocation{args: []string{"webhook", "listen", "-h"}}},
		{"webhook-sign-no-secret", invocation{args: []string{"webhook", "sign"}, stdin: "{}"}},
		{"webhook-sign-bad-timestamp", invocation{args: []string{"webhook", "sign", "--timestamp", "yesterday"}, env: []string{"POLAR_WEBHOOK_SECRET=whsec_" + "c2VjcmV0c2VjcmV0c2VjcmV0"}}},
		{"webhook-sign-fixed", invocation{
			args:  []string{"webhook", "sign", "--id", "msg_golden", "--timestamp", "1796475461"},
			env:   []string{"POLAR_WEBHOOK_SECRET=whsec_c2VjcmV0c2VjcmV0c2VjcmV0"},
			stdin: `{"type":"checkout.created","timestamp":"2026-12-05T12:00:00Z","data":{}}`,
		}},
		{"list-limit-zero", invocation{args: append(g, "list", "--limit", "0")}},
		{"list-page-negative", invocation{args: append(g, "list", "--page", "-1")}},
		{"list-query-not-utf8", invocation{args: append(g, "list", "--query", "ada\xff")}},
		{"mock-expiry-zero", invocation{args: []string{"mock", "--addr", "127.0.0.1:0", "--expiry", "0s"}}},
		{"mock-confirm-delay-negative", invocation{args: []string{"mock", "--addr", "127.0.0.1:0", "--confirm-delay", "-1s"}}},
		{"mock-token-empty", invocation{args: []string{"mock", "--addr", "127.0.0.1:0", "--mock-token="}}},
		{"mock-bad-addr", invocation{args: []string{"mock", "--addr", "nonsense"}}},
		{"mock-webhook-bare-prefix", invocation{args: []string{"mock", "--addr", "127.0.0.1:0", "--webhook-url", "http://127.0.0.1:1/", "--webhook-secret", "whsec_"}}},
		{"mock-webhook-secret-spaces", invocation{args: []string{"mock", "--addr", "127.0.0.1:0", "--webhook-url", "http://127.0.0.1:1/", "--webhook-secret", " my-old-raw-secret"}}},
		{"webhook-listen-bad-addr", invocation{args: []string{"webhook", "listen", "--secret", "my-old-raw-secret", "--addr", "nonsense"}}},
		{"webhook-sign-id-newline", invocation{args: []string{"webhook", "sign", "--secret", "my-old-raw-secret", "--id", "a\nwebhook-signature: v1,evil"}, stdin: "{}"}},
		{"webhook-sign-timestamp-plus", invocation{args: []string{"webhook", "sign", "--secret", "my-old-raw-secret", "--timestamp", "+100"}, stdin: "{}"}},
		{"webhook-sign-timestamp-negative", invocation{args: []string{"webhook", "sign", "--secret", "my-old-raw-secret", "--timestamp", "-5"}, stdin: "{}"}},
		{"webhook-sign-secret-spaces", invocation{args: []string{"webhook", "sign", "--secret", "my-old-raw-secret "}, stdin: "{}"}},
		{"webhook-sign-bare-prefix", invocation{args: []string{"webhook", "sign", "--secret", "whsec_"}, stdin: "{}"}},
		{"webhook-sign-raw-secret-flag", invocation{
			args:  []string{"webhook", "sign", "--secret", "my-old-raw-secret", "--id", "msg_golden", "--timestamp", "1796475461"},
			stdin: `{"type":"checkout.created","timestamp":"2026-12-05T12:00:00Z","data":{}}`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := exe(t, tt.inv)
			r.stdout = strings.ReplaceAll(r.stdout, rec.URL, "$SERVER")
			r.stderr = strings.ReplaceAll(strings.ReplaceAll(r.stderr, rec.URL, "$SERVER"), downPort, "$PORT")
			golden(t, tt.name, r.render())
			assertNoSecret(t, []string{secretToken, "c2VjcmV0c2VjcmV0c2VjcmV0", "my-old-raw-secret"}, r.stdout, r.stderr)
			checkMessageRules(t, r)
		})
	}
}

// checkMessageRules are the rules every message follows, whatever the
// golden files say.
func checkMessageRules(t *testing.T, r result) {
	t.Helper()
	for _, bad := range []string{"polar: ", "With", "%7B", "(default -1)", "Usage of", "params.", "panic", "goroutine "} {
		if strings.Contains(r.stdout+r.stderr, bad) {
			t.Errorf("output contains %q: stdout %q, stderr %q", bad, r.stdout, r.stderr)
		}
	}
	if r.code == exitOK {
		return
	}
	if r.stdout != "" {
		t.Errorf("stdout on failure: %q", r.stdout)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	switch {
	case r.code == exitAPI && len(lines) != 1:
		t.Errorf("an API error is one line, got %d: %q", len(lines), r.stderr)
	case r.code == exitUsage && len(lines) > 2 && !strings.HasPrefix(r.stderr, "usage:"):
		t.Errorf("a usage error is one line and a hint, got %d: %q", len(lines), r.stderr)
	}
}
