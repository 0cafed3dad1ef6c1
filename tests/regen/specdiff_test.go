package regen

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// oasdiff change levels in its JSON output.
const (
	levelInfo = 1
	levelWarn = 2
	levelErr  = 3
)

// change is one finding of oasdiff, as in `-f json`.
type change struct {
	ID          string `json:"id"`
	Level       int    `json:"level"`
	OperationID string `json:"operationId"`
	Text        string `json:"text"`
}

// oasdiff runs the pinned oasdiff (tools/oasdiff/go.mod) with args and
// returns its stdout and exit code.
func oasdiff(t *testing.T, args ...string) ([]byte, int) {
	t.Helper()
	modfile, err := filepath.Abs(filepath.Join(repoRoot, "tools", "oasdiff", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append([]string{"tool", "-modfile=" + modfile, "oasdiff"}, args...)...)
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out, 0
	case errors.As(err, &exit):
		return out, exit.ExitCode()
	}
	t.Fatalf("oasdiff %v: %v\n%s", args, err, stderr.String())
	return nil, 0
}

// diff writes base and changed specs into a temporary directory and
// returns what `oasdiff breaking --fail-on ERR` and `oasdiff changelog`
// report.
func diff(t *testing.T, base, changed string) (breaking []change, exit int, changelog []change) {
	t.Helper()
	dir := t.TempDir()
	b, c := filepath.Join(dir, "base.yaml"), filepath.Join(dir, "changed.yaml")
	if err := os.WriteFile(b, []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	out, exit := oasdiff(t, "breaking", "-f", "json", "--fail-on", "ERR", b, c)
	if err := json.Unmarshal(out, &breaking); err != nil {
		t.Fatalf("oasdiff breaking (exit %d): not JSON: %v\n%s", exit, err, out)
	}
	out, code := oasdiff(t, "changelog", "-f", "json", b, c)
	if code != 0 {
		t.Fatalf("oasdiff changelog exit %d:\n%s", code, out)
	}
	if err := json.Unmarshal(out, &changelog); err != nil {
		t.Fatalf("oasdiff changelog: not JSON: %v\n%s", err, out)
	}
	return breaking, exit, changelog
}

// has reports whether changes hold id at level for every operation of ops.
func has(changes []change, id string, level int, ops ...string) []string {
	var missing []string
	for _, op := range ops {
		if !slices.ContainsFunc(changes, func(c change) bool { return c.ID == id && c.Level == level && c.OperationID == op }) {
			missing = append(missing, op)
		}
	}
	return missing
}

func readSpec(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "openapi", "checkouts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSpecDiff_verdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("slow (builds the pinned oasdiff); runs without -short, as in make test")
	}
	t.Parallel()
	base := readSpec(t)
	checkoutOps := []string{"listCheckouts", "createCheckout", "getCheckout", "updateCheckout"}

	t.Run("additions are not breaking", func(t *testing.T) {
		t.Parallel()
		breaking, exit, log := diff(t, base, applyEdits(t, base, editLoyaltyTier, editCreatedAfter, edit451, editVersion))
		if exit != 0 || len(breaking) != 0 {
			t.Errorf("oasdiff breaking: exit %d, %v; want exit 0 and nothing", exit, breaking)
		}
		if m := has(log, "response-optional-property-added", levelInfo, checkoutOps...); m != nil {
			t.Errorf("changelog lacks an INFO response-optional-property-added (loyalty_tier) for %v: %v", m, log)
		}
		if m := has(log, "new-optional-request-parameter", levelInfo, "listCheckouts"); m != nil {
			t.Errorf("changelog lacks an INFO new-optional-request-parameter (created_after): %v", log)
		}
		if m := has(log, "response-non-success-status-added", levelInfo, "getCheckout"); m != nil {
			t.Errorf("changelog lacks an INFO response-non-success-status-added (451): %v", log)
		}
		for _, c := range log {
			if c.Level != levelInfo {
				t.Errorf("changelog has a level-%d finding for a compatible change: %+v", c.Level, c)
			}
		}
	})

	t.Run("removing a required property is breaking", func(t *testing.T) {
		t.Parallel()
		breaking, exit, _ := diff(t, base, applyEdits(t, base, editRemoveSubscriptionID...))
		if exit != 1 {
			t.Errorf("oasdiff breaking --fail-on ERR: exit %d, want 1", exit)
		}
		if m := has(breaking, "response-required-property-removed", levelErr, checkoutOps...); m != nil {
			t.Errorf("breaking lacks an ERR response-required-property-removed (subscription_id) for %v: %v", m, breaking)
		}
	})

	// oasdiff judges a new response enum value breaking, for clients with
	// closed enums. This SDK accepts unknown values (CheckoutStatus.Valid
	// tells them apart), so for it the change is compatible; spec-diff
	// still reports it, and a reviewer should expect that.
	t.Run("a new response enum value is reported as breaking", func(t *testing.T) {
		t.Parallel()
		breaking, exit, _ := diff(t, base, applyEdits(t, base, editRefunded))
		if exit != 1 {
			t.Errorf("oasdiff breaking --fail-on ERR: exit %d, want 1", exit)
		}
		if m := has(breaking, "response-property-enum-value-added", levelErr, "getCheckout", "clientGetCheckout"); m != nil {
			t.Errorf("breaking lacks response-property-enum-value-added (refunded) for %v: %v", m, breaking)
		}
	})
}

// TestSpecDiff_makeTarget runs the Makefile's spec-diff recipe itself in a
// scratch git repository: the working-tree spec against BASE=HEAD.
func TestSpecDiff_makeTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("slow (builds the pinned oasdiff); runs without -short, as in make test")
	}
	for _, tool := range []string{"make", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	t.Parallel()
	dir := t.TempDir()
	for _, f := range []string{"Makefile", "go.mod", "go.sum", "tools/oasdiff/go.mod", "tools/oasdiff/go.sum", "openapi/checkouts.yaml", "openapi/oasdiff-levels.txt"} {
		b, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(name string, args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "."},
		{"-c", "user.name=regen", "-c", "user.email=regen@example.com", "commit", "-q", "-m", "base"},
	} {
		if out, err := run("git", args...); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	spec := filepath.Join(dir, "openapi", "checkouts.yaml")
	// Compatible edits only (a new optional property, a new enum value,
	// which the SDK decodes): spec-diff passes.
	if err := os.WriteFile(spec, []byte(applyEdits(t, readSpec(t), editLoyaltyTier, editRefunded)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run("make", "--no-print-directory", "spec-diff", "BASE=HEAD"); err != nil {
		t.Fatalf("make spec-diff on compatible edits: %v\n%s", err, out)
	}
	// A breaking edit: spec-diff fails and says why.
	if err := os.WriteFile(spec, []byte(applyEdits(t, readSpec(t), append([]specEdit{editLoyaltyTier, editVersion}, editRemoveSubscriptionID...)...)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run("make", "--no-print-directory", "spec-diff", "BASE=HEAD")
	if err == nil {
		t.Fatalf("make spec-diff passed on a breaking change:\n%s", out)
	}
	breakingPart, allPart, ok := strings.Cut(out, "== all changes since HEAD ==")
	if !ok || !strings.Contains(breakingPart, "== breaking changes since HEAD ==") {
		t.Fatalf("make spec-diff output lacks its two sections:\n%s", out)
	}
	// The report names the API versions it compares (editVersion's pair).
	if want := "== API version 2026-10 (HEAD) -> 2027-01 (working tree) =="; !strings.Contains(out, want) {
		t.Errorf("make spec-diff output does not name the version pair %q:\n%s", want, out)
	}
	if !strings.Contains(breakingPart, "[response-required-property-removed]") || strings.Contains(breakingPart, "[response-optional-property-added]") {
		t.Errorf("breaking section should list the removed property and not the added one:\n%s", breakingPart)
	}
	if !strings.Contains(allPart, "[response-required-property-removed]") || !strings.Contains(allPart, "[response-optional-property-added]") {
		t.Errorf("changelog section should list both changes:\n%s", allPart)
	}
}
