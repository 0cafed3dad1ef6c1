package main

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gopolar/checkouts/polartest"
)

// TestBinary_mockDeliversToListen runs mock with --webhook-url pointing
// at webhook listen, both the built binary, drives a checkout to paid with
// the CLI, and checks that listen verified every event in order: the
// secret comes from POLAR_WEBHOOK_SECRET for both and is never printed.
func TestBinary_mockDeliversToListen(t *testing.T) {
	t.Parallel()
	const secret = "whsec_" + "bW9jay10by1saXN0ZW4tc2VjcmV0LWtleQ=="
	env := []string{"POLAR_WEBHOOK_SECRET=" + secret}
	listen := start(t, invocation{args: []string{"webhook", "listen", "--addr", "127.0.0.1:0"}, env: env}, false)
	hookURL := listen.await(t, regexp.MustCompile(`on (http://\S+) `))
	mock := start(t, invocation{args: []string{"mock", "--addr", "127.0.0.1:0", "--webhook-url", hookURL + "/hooks/polar"}, env: env}, true)
	base := mock.await(t, regexp.MustCompile(`listening on (http://\S+)`))
	mock.await(t, regexp.MustCompile(`^webhooks: +(checkout)`))

	g := []string{"--server", base, "--token", polartest.Token}
	steps := [][]string{
		{"create", "--product", polartest.ProductOneTimeID},
		{"client-update", "SECRET", "--customer-email", "ada@example.com", "--customer-name", "Ada", "--billing-country", "FR"},
		{"client-confirm", "SECRET", "--confirmation-token", polartest.TokenSuccess},
	}
	var clientSecret string
	for _, step := range steps {
		args := slices.Clone(step)
		for i, a := range args {
			if a == "SECRET" {
				args[i] = clientSecret
			}
		}
		r := exe(t, invocation{args: append(slices.Clone(g), args...)})
		if r.code != exitOK {
			t.Fatalf("%s: exit %d: %s", step[0], r.code, r.stderr)
		}
		if step[0] == "create" {
			clientSecret = decodeJSON(t, "create", r.stdout)["client_secret"].(string)
		}
	}
	for _, typ := range []string{"checkout.created", "checkout.updated", "checkout.updated", "checkout.updated"} {
		listen.await(t, regexp.MustCompile(`verified (`+regexp.QuoteMeta(typ)+`) msg_`))
	}
	if code := mock.stop(t); code != exitOK {
		t.Errorf("mock exited %d; stderr %q", code, mock.stderr)
	}
	if code := listen.stop(t); code != exitOK {
		t.Errorf("listen exited %d", code)
	}

	var statuses []string
	for line := range strings.Lines(listen.stdout.String()) {
		var p struct {
			Type string `json:"type"`
			Data struct {
				Status string `json:"status"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("listen printed %q: %v", line, err)
		}
		statuses = append(statuses, p.Type+":"+p.Data.Status)
	}
	want := []string{"checkout.created:open", "checkout.updated:open", "checkout.updated:confirmed", "checkout.updated:succeeded"}
	if !slices.Equal(statuses, want) {
		t.Errorf("listen verified %v, want %v", statuses, want)
	}
	if n := strings.Count(mock.stderr.String(), "webhook delivery attempt"); n != len(want) {
		t.Errorf("mock logged %d attempts, want %d:\n%s", n, len(want), mock.stderr)
	}
	assertNoSecret(t, []string{secret, "bW9jay10by1saXN0ZW4tc2VjcmV0LWtleQ"},
		listen.stdout.String(), listen.stderr.String(), mock.stdout.String(), mock.stderr.String())
}

// TestBinary_mockWebhookFlags: bad webhook flags are usage errors named
// by flag, before anything listens; a secret is never echoed.
func TestBinary_mockWebhookFlags(t *testing.T) {
	t.Parallel()
	const secret = "polar_whs_do-not-print-me"
	tests := []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"not a URL", []string{"--webhook-url", "ftp://example.com/", "--webhook-secret", secret}, nil, "--webhook-url"},
		{"relative URL", []string{"--webhook-url", "/hooks", "--webhook-secret", secret}, nil, "--webhook-url"},
		{"URL without secret", []string{"--webhook-url", "http://127.0.0.1:9/"}, nil, "POLAR_WEBHOOK_SECRET"},
		{"secret without URL", []string{"--webhook-secret", secret}, nil, "need --webhook-url"},
		{"unknown payload version", []string{"--webhook-url", "http://127.0.0.1:9/", "--webhook-api-version", "2025-01"}, []string{"POLAR_WEBHOOK_SECRET=" + secret}, "--webhook-api-version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := exe(t, invocation{args: append([]string{"mock", "--addr", "127.0.0.1:0"}, tt.args...), env: tt.env})
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want %d mentioning %q", r.code, r.stderr, exitUsage, tt.want)
			}
			assertNoSecret(t, []string{secret}, r.stdout, r.stderr)
		})
	}
}
