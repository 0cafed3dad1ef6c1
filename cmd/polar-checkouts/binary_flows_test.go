package main

import (
	"bufio"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
	"github.com/gopolar/checkouts/webhook"
	polar "github.com/gopolar/checkouts/wrapper"
)

// wireName is what every key of the CLI's JSON looks like: the API's
// snake_case names.
// Objects keyed by ID (prices by product ID) have UUID keys.
var wireName = regexp.MustCompile(`^([a-z][a-z0-9_]*|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

// userKeyed are objects whose keys are the user's, not the API's.
var userKeyed = map[string]bool{"metadata": true, "customer_metadata": true, "custom_field_data": true, "payment_processor_metadata": true}

// checkWireNames fails on any key of v that is not an API wire name.
func checkWireNames(t *testing.T, where string, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if !wireName.MatchString(k) {
				t.Errorf("%s: key %q is not a wire name", where, k)
			}
			if !userKeyed[k] {
				checkWireNames(t, where+"."+k, child)
			}
		}
	case []any:
		for _, child := range v {
			checkWireNames(t, where+"[]", child)
		}
	}
}

// decodeJSON decodes a command's output, failing the test if it is not
// JSON.
func decodeJSON(t *testing.T, name, out string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%s: output is not a JSON object: %v\n%s", name, err, out)
	}
	checkWireNames(t, name, v)
	return v
}

func keys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// TestBinary_jsonWireNames runs every command that prints JSON and checks
// that the output uses the API's names (issue 13.8): list is
// {"items", "pagination": {"total_count", "max_page"}} as in the API.
func TestBinary_jsonWireNames(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t)
	g := rec.flags()
	run := func(args ...string) string {
		t.Helper()
		r := exe(t, invocation{args: append(slices.Clone(g), args...)})
		if r.code != exitOK {
			t.Fatalf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
		return r.stdout
	}
	co := decodeJSON(t, "create", run("create", "--product", polartest.ProductOneTimeID, "--external-customer-id", "u1", "--metadata", "Order=7", "--customer-email", "ada@example.com"))
	id, secret := co["id"].(string), co["client_secret"].(string)
	run("create", "--product", polartest.ProductFreeID)
	decodeJSON(t, "get", run("get", id))
	decodeJSON(t, "update", run("update", id, "--customer-email", "ada@example.com"))
	decodeJSON(t, "client-get", run("client-get", secret))
	decodeJSON(t, "client-update", run("client-update", secret, "--customer-name", "Ada", "--billing-country", "fr"))
	decodeJSON(t, "client-confirm", run("client-confirm", secret, "--confirmation-token", polartest.TokenSuccess))
	decodeJSON(t, "mock --print-fixtures", run("mock", "--print-fixtures"))

	page := decodeJSON(t, "list", run("list", "--limit", "1"))
	if got := keys(page); !slices.Equal(got, []string{"items", "pagination"}) {
		t.Errorf("list keys %v, want items and pagination", got)
	}
	pg, _ := page["pagination"].(map[string]any)
	if got := keys(pg); !slices.Equal(got, []string{"max_page", "total_count"}) {
		t.Errorf("pagination keys %v, want total_count and max_page", got)
	}
	if pg["total_count"] != 2.0 || pg["max_page"] != 2.0 {
		t.Errorf("pagination %v, want 2 sessions on 2 pages of 1", pg)
	}
	if items, _ := page["items"].([]any); len(items) != 1 {
		t.Errorf("list --limit 1 printed %d items", len(items))
	}
	empty := decodeJSON(t, "list of nothing", run("list", "--external-customer-id", "nobody"))
	if items, ok := empty["items"].([]any); !ok || len(items) != 0 {
		t.Errorf("an empty list prints items %v, want []", empty["items"])
	}

	sc := bufio.NewScanner(strings.NewReader(run("list", "--all", "--limit", "1")))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		decodeJSON(t, "list --all line", sc.Text())
		n++
	}
	if n != 2 {
		t.Errorf("list --all printed %d lines, want 2", n)
	}
}

// TestBinary_apiVersionAndOrganization checks the headers the global
// flags and their environment variables send (issue 12.4): a flag wins
// over its variable, and without either the SDK's default version and no
// organization are sent.
func TestBinary_apiVersionAndOrganization(t *testing.T) {
	t.Parallel()
	const org1, org2 = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
	tests := []struct {
		name             string
		flags, env       []string
		version, orgWant string
	}{
		{"defaults", nil, nil, polar.DefaultAPIVersion, ""},
		{"flags", []string{"--api-version", polar.APIVersion2026_04, "--organization", org1}, nil, polar.APIVersion2026_04, org1},
		{"environment", nil, []string{"POLAR_API_VERSION=" + polar.APIVersion2026_04, "POLAR_ORGANIZATION_ID=" + org2}, polar.APIVersion2026_04, org2},
		{"flags win", []string{"--api-version", polar.APIVersion2026_10, "--organization", org1}, []string{"POLAR_API_VERSION=" + polar.APIVersion2026_04, "POLAR_ORGANIZATION_ID=" + org2}, polar.APIVersion2026_10, org1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := newRecorder(t)
			args := append(append(rec.flags(), tt.flags...), "list")
			if r := exe(t, invocation{args: args, env: tt.env}); r.code != exitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			got := rec.headers()
			if len(got) != 1 {
				t.Fatalf("%d requests, want 1", len(got))
			}
			if v := got[0].Get("Polar-Version"); v != tt.version {
				t.Errorf("Polar-Version %q, want %q", v, tt.version)
			}
			if o := got[0].Get("Polar-Organization"); o != tt.orgWant {
				t.Errorf("Polar-Organization %q, want %q", o, tt.orgWant)
			}
		})
	}
}

// TestBinary_version checks what version prints (issue 12.4).
func TestBinary_version(t *testing.T) {
	t.Parallel()
	r := exe(t, invocation{args: []string{"version"}})
	want := []string{
		"polar-checkouts " + polar.Version + " ",
		"default API version: " + polar.DefaultAPIVersion + " (known: " + strings.Join(polar.KnownAPIVersions(), ", ") + ")\n",
		"go: " + runtime.Version() + " ",
	}
	for _, w := range want {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("version output lacks %q:\n%s", w, r.stdout)
		}
	}
	if r.code != exitOK || r.stderr != "" || strings.Contains(r.stdout, "selected") {
		t.Errorf("exit %d, stderr %q, stdout %q", r.code, r.stderr, r.stdout)
	}
	r = exe(t, invocation{args: []string{"version"}, env: []string{"POLAR_API_VERSION=" + polar.APIVersion2027_01}})
	if !strings.Contains(r.stdout, "selected API version: "+polar.APIVersion2027_01+"\n") {
		t.Errorf("with POLAR_API_VERSION: %s", r.stdout)
	}
}

// TestBinary_mock runs the fake server as a separate process, drives it
// with the CLI as a test in another language would, and stops it with
// SIGINT.
func TestBinary_mock(t *testing.T) {
	t.Parallel()
	p := start(t, invocation{args: []string{"mock", "--addr", "127.0.0.1:0"}}, true)
	base := p.await(t, regexp.MustCompile(`listening on (http://\S+)`))
	g := []string{"--server", base, "--token", polartest.Token}
	r := exe(t, invocation{args: append(slices.Clone(g), "create", "--product", polartest.ProductOneTimeID)})
	if r.code != exitOK {
		t.Fatalf("create against mock: exit %d: %s", r.code, r.stderr)
	}
	co := decodeJSON(t, "create", r.stdout)
	secret := co["client_secret"].(string)
	r = exe(t, invocation{args: append(slices.Clone(g), "client-update", secret, "--customer-email", "ada@example.com", "--customer-name", "Ada", "--billing-country", "FR")})
	if r.code != exitOK {
		t.Fatalf("client-update against mock: exit %d: %s", r.code, r.stderr)
	}
	r = exe(t, invocation{args: append(slices.Clone(g), "client-confirm", secret, "--confirmation-token", polartest.TokenSuccess)})
	if r.code != exitOK {
		t.Fatalf("confirm against mock: exit %d: %s", r.code, r.stderr)
	}
	r = exe(t, invocation{args: append(slices.Clone(g), "get", co["id"].(string))})
	if st := decodeJSON(t, "get", r.stdout)["status"]; st != "succeeded" {
		t.Errorf("after confirm, status %v", st)
	}
	if code := p.stop(t); code != exitOK {
		t.Errorf("mock exited %d after SIGINT; stderr %q", code, p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "shutting down") {
		t.Errorf("mock stderr %q", p.stderr)
	}
}

// TestBinary_webhookSignListen signs bodies with webhook sign and sends
// them to webhook listen, both the built binary: verified payloads come
// out on stdout exactly, one per line; a tampered or unsigned delivery
// gets 403 and prints nothing on stdout; the secret is never printed.
func TestBinary_webhookSignListen(t *testing.T) {
	t.Parallel()
	const secret = "whsec_" + "bGlzdGVuLXRlc3Qtc2VjcmV0LWtleQ=="
	env := []string{"POLAR_WEBHOOK_SECRET=" + secret}
	p := start(t, invocation{args: []string{"webhook", "listen", "--addr", "127.0.0.1:0"}, env: env}, false)
	base := p.await(t, regexp.MustCompile(`on (http://\S+) `))

	sign := func(body string, args ...string) http.Header {
		t.Helper()
		r := exe(t, invocation{args: append([]string{"webhook", "sign"}, args...), env: env, stdin: body})
		if r.code != exitOK || r.stderr != "" {
			t.Fatalf("sign: exit %d, stderr %q", r.code, r.stderr)
		}
		h := http.Header{}
		for line := range strings.Lines(r.stdout) {
			name, value, ok := strings.Cut(strings.TrimSuffix(line, "\n"), ": ")
			if !ok {
				t.Fatalf("sign printed %q, not Name: value", line)
			}
			h.Set(name, value)
		}
		if len(h) != 3 {
			t.Fatalf("sign printed %d headers, want 3: %q", len(h), r.stdout)
		}
		// An independent check of the signature: the webhook package's
		// verifier, in this process.
		v, err := webhook.NewVerifier([]string{secret})
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Verify([]byte(body), h); err != nil {
			t.Fatalf("the webhook package refuses what sign printed: %v", err)
		}
		assertNoSecret(t, []string{secret}, r.stdout, r.stderr)
		return h
	}
	post := func(method, path, body string, h http.Header) int {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range h {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}

	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	keyLeakID := "msg_" + hex.EncodeToString(key)[:12]
	compact := `{"type":"customer.created","timestamp":"2026-12-05T12:00:00Z","data":{"note":"caf\u00e9 <b>"}}`
	pretty := "{\n  \"type\": \"benefit.granted\",\r\n  \"timestamp\": \"2026-12-05T12:00:01Z\" }\n"
	notJSON := "type=checkout.created"
	hCompact := sign(compact)
	tests := []struct {
		name, method, path, body string
		h                        http.Header
		want                     int
	}{
		{"compact body", "POST", "/", compact, hCompact, http.StatusNoContent},
		{"body with line breaks, any path", "POST", "/hooks/polar?x=1", pretty, sign(pretty, "--id", "msg_pretty"), http.StatusNoContent},
		{"tampered body", "POST", "/", strings.Replace(compact, "created", "updated", 1), hCompact, http.StatusForbidden},
		{"no signature", "POST", "/", compact, nil, http.StatusForbidden},
		{"signed by another secret", "POST", "/", compact, func() http.Header {
			h, _ := webhook.Sign("whsec_b3RoZXItc2VjcmV0LWtleS1ieXRlcw==", "msg_other", time.Now(), []byte(compact))
			return h
		}(), http.StatusForbidden},
		{"signed but not JSON", "POST", "/", notJSON, sign(notJSON), http.StatusBadRequest},
		{"not a POST", "GET", "/", "", hCompact, http.StatusMethodNotAllowed},
		// Only the secret's holder can sign this, but its diagnostics
		// still must not carry part of the key.
		{"webhook-id holding part of the key", "POST", "/", compact, sign(compact, "--id", keyLeakID), http.StatusNoContent},
	}
	for _, tt := range tests { // in order: stdout is checked as a whole below
		if got := post(tt.method, tt.path, tt.body, tt.h); got != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.want)
		}
	}
	if code := p.stop(t); code != exitOK {
		t.Errorf("listen exited %d after SIGINT", code)
	}
	wantStdout := compact + "\n" + `{"type":"benefit.granted","timestamp":"2026-12-05T12:00:01Z"}` + "\n" + compact + "\n"
	if got := p.stdout.String(); got != wantStdout {
		t.Errorf("stdout:\n%q\nwant exactly the two verified payloads:\n%q", got, wantStdout)
	}
	stderr := p.stderr.String()
	for _, want := range []string{"verified customer.created msg_", "verified benefit.granted msg_pretty", "refused POST / from", ": 403: webhook: no matching signature", ": 403: webhook: missing header", ": 400: verified, but the body is not JSON", ": 405: not a POST"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	assertNoSecret(t, []string{secret, "bGlzdGVuLXRlc3Qtc2VjcmV0LWtleQ"}, p.stdout.String(), stderr)
	if strings.Contains(stderr, keyLeakID[4:]) {
		t.Errorf("stderr carries the hex of the key:\n%s", stderr)
	}
}
