package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
)

// cli runs one command line and returns its exit status and output.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(t.Context(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// fake starts a polartest server and returns the global flags that point
// the CLI at it.
func fake(t *testing.T) (*polartest.Server, []string) {
	t.Helper()
	srv := polartest.NewServer()
	t.Cleanup(srv.Close)
	return srv, []string{"--server", srv.URL, "--token", polartest.Token}
}

func TestCLI_fullFlow(t *testing.T) {
	t.Parallel()
	_, g := fake(t)
	code, out, errOut := cli(t, append(g, "create", "--product", polartest.ProductOneTimeID, "--external-customer-id", "u1", "--metadata", "order=7", "--customer-email", "ada@example.com")...)
	if code != exitOK {
		t.Fatalf("create: exit %d: %s", code, errOut)
	}
	var co struct {
		ID           string            `json:"id"`
		Status       string            `json:"status"`
		ClientSecret string            `json:"client_secret"`
		Metadata     map[string]string `json:"metadata"`
		TotalAmount  int64             `json:"total_amount"`
	}
	if err := json.Unmarshal([]byte(out), &co); err != nil {
		t.Fatalf("create output is not JSON: %v\n%s", err, out)
	}
	if co.Status != "open" || co.Metadata["order"] != "7" || co.TotalAmount != 2500 {
		t.Errorf("created %+v", co)
	}
	steps := [][]string{
		{"get", co.ID},
		{"update", co.ID, "--metadata", "order=8", "--discount-id", polartest.DiscountFixedID},
		{"list", "--status", "open", "--external-customer-id", "u1", "--sort", "-created_at"},
		{"client-get", co.ClientSecret},
		{"client-update", co.ClientSecret, "--customer-name", "Ada", "--billing-country", "fr", "--billing-city", "Paris"},
		{"client-confirm", co.ClientSecret, "--confirmation-token", polartest.TokenSuccess},
	}
	for _, s := range steps {
		code, out, errOut := cli(t, append(g, s...)...)
		if code != exitOK || !json.Valid([]byte(out)) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", s[0], code, out, errOut)
		}
	}
	_, out, _ = cli(t, append(g, "get", co.ID)...)
	if !strings.Contains(out, `"status": "succeeded"`) {
		t.Errorf("after confirm, get shows: %s", out)
	}
}

func TestCLI_listAllStreamsWithProgress(t *testing.T) {
	t.Parallel()
	_, g := fake(t)
	for range 5 {
		if code, _, e := cli(t, append(g, "create", "--product", polartest.ProductFreeID)...); code != 0 {
			t.Fatal(e)
		}
	}
	code, out, errOut := cli(t, append(g, "list", "--all", "--limit", "2")...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Errorf("line %d is not JSON", lines+1)
		}
		lines++
	}
	if lines != 5 || !strings.Contains(errOut, "page 3/3: 5 of 5 sessions") {
		t.Errorf("%d JSON lines, progress %q; want 5 lines and a page 3/3 line", lines, errOut)
	}
}

func TestCLI_exitCodesAndErrors(t *testing.T) {
	t.Parallel()
	_, g := fake(t)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no command", nil, exitUsage, "usage"},
		{"unknown command", []string{"refund"}, exitUsage, `unknown command "refund"`},
		{"missing id", append(g, "get"), exitUsage, "missing the ID argument"},
		{"bad id", append(g, "get", "../x"), exitUsage, "ID argument: contains a URL delimiter"},
		{"bad flag", append(g, "list", "--status", "archived"), exitUsage, `--status "archived"`},
		{"bad server", []string{"--server", "ftp://x", "get", "6f1e9d6a-3f4e-4c1a-9a57-2f1f6a7b8c9d"}, exitUsage, "--server"},
		{"not found", append(g, "get", "6f1e9d6a-3f4e-4c1a-9a57-2f1f6a7b8c9d"), exitAPI, "404 ResourceNotFound"},
		{"bad token", []string{"--server", g[1], "--token", "wrong", "get", "6f1e9d6a-3f4e-4c1a-9a57-2f1f6a7b8c9d"}, exitAPI, "401 invalid_token"},
		{"expired secret", append(g, "client-get", "polar_c_doesnotexist"), exitAPI, "404"},
		{"create without product", append(g, "create"), exitUsage, "--product"},
		{"flags after the argument", append([]string{"get", "6f1e9d6a-3f4e-4c1a-9a57-2f1f6a7b8c9d"}, g...), exitAPI, "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := cli(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d stderr %q; want exit %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
			if code != exitOK && out != "" {
				t.Errorf("stdout on failure: %q", out)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") > 0 && code == exitAPI {
				t.Errorf("API error is not one line: %q", errOut)
			}
		})
	}
}

func TestCLI_demo(t *testing.T) {
	t.Parallel()
	code, out, errOut := cli(t, "demo")
	if code != exitOK {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"1. Create a checkout", "succeeded", "✓ client-get of an expired checkout",
		"Webhooks:", "✓ checkout.created", "confirmed → processing", "succeeded → paid", "✓ checkout.expired",
		"another secret → 403", "Done",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if strings.Contains(out, "✗") {
		t.Errorf("a typed error was not as expected:\n%s", out)
	}
}

func TestCLI_mockPrintFixtures(t *testing.T) {
	t.Parallel()
	code, out, _ := cli(t, "mock", "--print-fixtures")
	var f polartest.FixtureSet
	if code != exitOK || json.Unmarshal([]byte(out), &f) != nil || f.Token != polartest.Token || len(f.Products) != 5 {
		t.Errorf("exit %d, output %s", code, out)
	}
}

// TestCLI_mockServesUntilStopped drives the standalone server with a plain
// HTTP client, as a test in another language would, then stops it the way
// SIGINT does (the command's context ends).
func TestCLI_mockServesUntilStopped(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(ctx, []string{"mock", "--addr", "127.0.0.1:0"}, strings.NewReader(""), pw, io.Discard)
		_ = pw.Close()
		done <- code
	}()
	sc := bufio.NewScanner(pr)
	var base string
	for sc.Scan() {
		if _, after, ok := strings.Cut(sc.Text(), "listening on "); ok {
			base = strings.Fields(after)[0]
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if base == "" {
		t.Fatal("no URL in the banner")
	}
	req, _ := http.NewRequest("POST", base+"/v1/checkouts/", strings.NewReader(`{"products":["`+polartest.ProductOneTimeID+`"]}`))
	req.Header.Set("Authorization", "Bearer "+polartest.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("create on the standalone server: %d", resp.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("mock exited %d after the stop signal", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("mock did not shut down")
	}
}
