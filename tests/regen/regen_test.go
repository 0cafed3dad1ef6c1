// Package regen checks that a change of openapi/checkouts.yaml flows into
// the SDK by regenerating alone: in a copy of the repository, the spec is
// edited as a contributor would, `go generate ./...` is run, and the copy
// must build, vet and pass the wrapper's tests with no edit outside
// client/, while a small program reaches the new property, enum value,
// list parameter and error status through package polar.
//
// These tests are slow (they compile the pinned generator, about 30 s
// cold) and skip under -short; `make test` runs them.
package regen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// repoRoot is the root module, seen from tests/regen.
const repoRoot = "../.."

// specEdit is a plain-text change of the spec: after (or before) the one
// occurrence of anchor, insert text; or replace anchor by text.
type specEdit struct {
	name    string
	anchor  string
	text    string
	replace bool
	before  bool
}

// Edits a contributor would make for a new API version. Each anchor must
// occur exactly once, so a reshuffled spec fails loudly here instead of
// silently testing nothing.
var (
	editLoyaltyTier = specEdit{
		name:   "optional nullable property Checkout.loyalty_tier",
		anchor: "        customer_metadata:\n          $ref: '#/components/schemas/CustomerMetadataOutput'\n    CheckoutPublic:\n",
		text:   "        loyalty_tier:\n          type: string\n          nullable: true\n          description: Loyalty tier of the customer.\n",
		before: true,
	}
	editRefunded = specEdit{
		name:    "CheckoutStatus value refunded",
		anchor:  "      enum: [open, expired, confirmed, succeeded, failed]\n",
		text:    "      enum: [open, expired, confirmed, succeeded, failed, refunded]\n",
		replace: true,
	}
	editCreatedAfter = specEdit{
		name:   "optional list parameter created_after",
		anchor: "        - name: query\n          in: query\n          description: Search on the customer email.\n",
		text:   "        - name: created_after\n          in: query\n          description: Only sessions created after this instant.\n          schema:\n            type: string\n            format: date-time\n",
		before: true,
	}
	edit451 = specEdit{
		name:   "getCheckout error status 451",
		anchor: "        5XX:\n          $ref: '#/components/responses/ServerError'\n    patch:\n      operationId: updateCheckout\n",
		text:   "        '451':\n          description: Unavailable for legal reasons.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/PolarError'\n",
		before: true,
	}
	editVersion = specEdit{
		name:    "info.version 2027-01",
		anchor:  "\n  version: \"2026-10\"\n",
		text:    "\n  version: \"2027-01\"\n",
		replace: true,
	}
	// editRemoveSubscriptionID removes a required response property: a
	// breaking change.
	editRemoveSubscriptionID = []specEdit{{
		name:    "remove Checkout.subscription_id",
		anchor:  "        subscription_id:\n          type: string\n          format: uuid\n          nullable: true\n          description: Subscription being upgraded, if any.\n",
		replace: true,
	}, {
		name:    "remove subscription_id from Checkout.required",
		anchor:  " discount, subscription_id, attached_custom_fields, customer_metadata]\n",
		text:    " discount, attached_custom_fields, customer_metadata]\n",
		replace: true,
	}}
)

// applyEdits returns spec with the edits applied, failing t when an anchor
// does not occur exactly once.
func applyEdits(t *testing.T, spec string, edits ...specEdit) string {
	t.Helper()
	for _, e := range edits {
		if n := strings.Count(spec, e.anchor); n != 1 {
			t.Fatalf("spec edit %q: anchor occurs %d times in openapi/checkouts.yaml (want 1); update the anchor in %s", e.name, n, "tests/regen/regen_test.go")
		}
		switch {
		case e.replace:
			spec = strings.Replace(spec, e.anchor, e.text, 1)
		case e.before:
			spec = strings.Replace(spec, e.anchor, e.text+e.anchor, 1)
		default:
			spec = strings.Replace(spec, e.anchor, e.anchor+e.text, 1)
		}
	}
	return spec
}

// goCmd runs the go command in dir with the workspace off and no toolchain
// switch, and returns its combined output; it fails t on error.
func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := goCmdErr(t, dir, args...)
	if err != nil {
		t.Fatalf("go %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return out
}

func goCmdErr(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// copyRepo copies the root module (without .git and the tests module)
// into dst.
func copyRepo(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel == ".git" || rel == "tests" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatalf("copying the repository: %v", err)
	}
}

// snapshot returns the SHA-256 of every regular file under dir, by path.
func snapshot(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	sums := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		sums[filepath.ToSlash(rel)] = sha256.Sum256(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

// changed lists the files added, removed or changed between two snapshots.
func changed(before, after map[string][32]byte) []string {
	var out []string
	for p, sum := range after {
		if b, ok := before[p]; !ok || b != sum {
			out = append(out, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// healthyPackages returns the packages of the module in dir that vet
// cleanly now, and those that do not (another engineer may be in the
// middle of editing them; they cannot be held to the regeneration).
func healthyPackages(t *testing.T, dir string) (healthy, broken []string) {
	t.Helper()
	if _, err := goCmdErr(t, dir, "vet", "./..."); err == nil {
		return []string{"./..."}, nil
	}
	pkgs := strings.Fields(goCmd(t, dir, "list", "-e", "./..."))
	for _, p := range pkgs {
		if _, err := goCmdErr(t, dir, "vet", p); err != nil {
			broken = append(broken, p)
		} else {
			healthy = append(healthy, p)
		}
	}
	return healthy, broken
}

// regenCheck is a program written into the regenerated copy: it uses the
// new property, enum value, list parameter and error status through the
// wrapper's aliases only, against an in-process server.
const regenCheck = `// Command regencheck is written by tests/regen into a regenerated copy.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

var id = polar.MustParseUUID("172f80c9-33d9-41b3-945a-aa4e11f252c9")

func main() {
	if err := run(); err != nil {
		fmt.Println("regencheck:", err)
		os.Exit(1)
	}
	fmt.Println("regencheck: ok")
}

func run() error {
	// The new optional property, through the alias polar.Checkout.
	var co polar.Checkout
	co.LoyaltyTier = polar.Value("gold")
	if co.LoyaltyTier.MustGet() != "gold" {
		return errors.New("LoyaltyTier not set")
	}
	// The new enum value is a known status now.
	if st := polar.CheckoutStatus("refunded"); !st.Valid() {
		return errors.New("refunded is not a valid CheckoutStatus")
	}
	if polar.DefaultAPIVersion != "2027-01" {
		return fmt.Errorf("polar.DefaultAPIVersion = %q, want 2027-01", polar.DefaultAPIVersion)
	}

	after := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	item, err := os.ReadFile("client/testdata/checkout.json")
	if err != nil {
		return err
	}
	// Later keys win: the new values override the fixture's status.
	end := bytes.LastIndexByte(item, '}')
	item = append(item[:end:end], ` + "`" + `,"loyalty_tier":"gold","status":"refunded"}` + "`" + `...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if v := r.Header.Get("Polar-Version"); v != "2027-01" {
			w.WriteHeader(400)
			fmt.Fprintf(w, ` + "`" + `{"error":"BadVersion","detail":%q}` + "`" + `, v)
			return
		}
		switch r.URL.Path {
		case "/v1/checkouts/":
			if got := r.URL.Query().Get("created_after"); got != after.Format(time.RFC3339) {
				w.WriteHeader(422)
				fmt.Fprintf(w, ` + "`" + `{"error":"RequestValidationError","detail":"created_after = %s"}` + "`" + `, got)
				return
			}
			fmt.Fprintf(w, ` + "`" + `{"items":[%s],"pagination":{"total_count":1,"max_page":1}}` + "`" + `, item)
		default:
			w.WriteHeader(451)
			fmt.Fprint(w, ` + "`" + `{"error":"UnavailableForLegalReasons","detail":"Blocked in this region."}` + "`" + `)
		}
	}))
	defer srv.Close()
	c, err := polar.NewClient(polar.WithBaseURL(srv.URL), polar.WithAccessToken("polar_oat_regencheck"), polar.WithMaxRetries(0))
	if err != nil {
		return err
	}
	ctx := context.Background()

	// The new list parameter, through the alias polar.ListParams.
	page, err := c.Checkouts.List(ctx, &polar.ListParams{CreatedAfter: &after})
	if err != nil {
		return fmt.Errorf("List: %w", err)
	}
	if len(page.Items) != 1 || page.Items[0].LoyaltyTier.MustGet() != "gold" || page.Items[0].Status != polar.CheckoutStatus("refunded") {
		if len(page.Items) != 1 {
			return fmt.Errorf("List decoded %d items, want 1", len(page.Items))
		}
		return fmt.Errorf("List decoded loyalty_tier %v, status %q; want gold, refunded", page.Items[0].LoyaltyTier, page.Items[0].Status)
	}

	// The new error status reaches the caller as an API error.
	_, err = c.Checkouts.Get(ctx, id)
	var apiErr *polar.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 451 || apiErr.Code != "UnavailableForLegalReasons" {
		return fmt.Errorf("Get: err = %v, want a *polar.Error with status 451", err)
	}
	return nil
}
`

func TestRegenerateOnSpecChange(t *testing.T) {
	if testing.Short() {
		t.Skip("slow (copies the repository and runs the pinned generator); runs without -short, as in make test")
	}
	t.Parallel()
	src, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copyRepo(t, src, dir)

	healthy, broken := healthyPackages(t, dir)
	for _, p := range broken {
		t.Logf("%s does not vet before the spec change either (being edited?); left out of the checks", p)
	}
	for _, p := range broken {
		switch p {
		case "github.com/gopolar/checkouts", "github.com/gopolar/checkouts/client", "github.com/gopolar/checkouts/wrapper", "github.com/gopolar/checkouts/internal/specinfo":
			t.Fatalf("%s does not vet before the spec change: nothing to test", p)
		}
	}

	specPath := filepath.Join(dir, "openapi", "checkouts.yaml")
	spec, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	edited := applyEdits(t, string(spec), editLoyaltyTier, editRefunded, editCreatedAfter, edit451, editVersion)
	if err := os.WriteFile(specPath, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}

	oldClient, err := os.ReadFile(filepath.Join(dir, "client", "client.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	oldSpecInfo, err := os.ReadFile(filepath.Join(dir, "client", "spec.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	goCmd(t, dir, "generate", "./...")
	after := snapshot(t, dir)

	// Regenerating touched client/ and nothing else.
	var outside []string
	for _, p := range changed(before, after) {
		if !strings.HasPrefix(p, "client/") {
			outside = append(outside, p)
		}
	}
	if len(outside) > 0 {
		t.Errorf("go generate changed files outside client/: %v", outside)
	}
	newClient, err := os.ReadFile(filepath.Join(dir, "client", "client.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(oldClient, newClient) {
		t.Fatal("client/client.gen.go did not change: the copy was not regenerated")
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`LoyaltyTier\s+nullable\.Nullable\[string\]\s+` + "`" + `json:"loyalty_tier,omitempty"` + "`"),
		regexp.MustCompile(`CheckoutStatusRefunded\s+CheckoutStatus = "refunded"`),
		regexp.MustCompile(`CreatedAfter\s+\*time\.Time\s+` + "`" + `form:"created_after,omitempty"`),
		regexp.MustCompile(`JSON451\s+\*PolarError`),
	} {
		if !want.Match(newClient) {
			t.Errorf("regenerated client/client.gen.go lacks %s", want)
		}
	}
	newSpecInfo, err := os.ReadFile(filepath.Join(dir, "client", "spec.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(newSpecInfo, []byte(`const APIVersion = "2027-01"`)) {
		t.Errorf("client/spec.gen.go does not follow info.version 2027-01:\n%s", newSpecInfo)
	}
	sumRE := regexp.MustCompile(`SpecSHA256 = "([0-9a-f]{64})"`)
	if o, n := sumRE.FindSubmatch(oldSpecInfo), sumRE.FindSubmatch(newSpecInfo); o == nil || n == nil || bytes.Equal(o[1], n[1]) {
		t.Errorf("SpecSHA256 did not change with the spec")
	}

	// The copy builds, vets and passes the wrapper's tests as generated,
	// and a program reaches the new API through package polar.
	progDir := filepath.Join(dir, "cmd", "regencheck")
	if err := os.MkdirAll(progDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(progDir, "main.go"), []byte(regenCheck), 0o644); err != nil {
		t.Fatal(err)
	}
	pkgs := healthy
	if !slices.Contains(pkgs, "./...") {
		pkgs = append(pkgs, "./cmd/regencheck")
	}
	goCmd(t, dir, append([]string{"build"}, pkgs...)...)
	goCmd(t, dir, append([]string{"vet"}, pkgs...)...)
	goCmd(t, dir, "test", "-count=1", "./wrapper/...")
	out := goCmd(t, dir, "run", "./cmd/regencheck")
	if !strings.Contains(out, "regencheck: ok") {
		t.Errorf("regencheck: %s", out)
	}
}
