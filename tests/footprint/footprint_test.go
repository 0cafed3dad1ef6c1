// Package footprint checks what an SDK user inherits: a program that
// imports the SDK must not pull in the generator, kin-openapi or any tool.
package footprint

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// forbidden are modules that must never reach an SDK user's build list.
var forbidden = []string{
	"github.com/oapi-codegen/oapi-codegen/v2",
	"github.com/getkin/kin-openapi",
	"github.com/oasdiff/",
	"honnef.co/go/tools",
	"github.com/speakeasy-api/",
	"golang.org/x/tools",
	"go.uber.org/goleak",
}

// allowedDirect are the only modules the root go.mod may require directly:
// what the generated client and the wrapper import.
var allowedDirect = []string{
	"github.com/google/uuid",
	"github.com/oapi-codegen/nullable",
	"github.com/oapi-codegen/runtime",
}

func rootDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// TestFootprint_consumerBuildList builds a throwaway program that imports
// every public package of the SDK and lists the modules it depends on.
func TestFootprint_consumerBuildList(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a scratch module")
	}
	root := rootDir(t)
	dir := t.TempDir()
	gomod := "module example.com/consumer\n\ngo 1.26.0\n\nrequire github.com/gopolar/checkouts v0.0.0\n\nreplace github.com/gopolar/checkouts => " + root + "\n"
	main := `package main

import (
	"fmt"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

func main() {
	c, err := polar.NewClient()
	fmt.Println(c != nil, err, client.APIVersion, polartest.Token)
}
`
	for name, content := range map[string]string{"go.mod": gomod, "main.go": main} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goCmd(t, dir, "mod", "tidy")
	goCmd(t, dir, "build", "-o", os.DevNull, ".")
	mods := strings.Fields(goCmd(t, dir, "list", "-m", "-f", "{{.Path}}", "all"))
	for _, m := range mods {
		for _, bad := range forbidden {
			if strings.HasPrefix(m, bad) {
				t.Errorf("an SDK user's build list contains %s", m)
			}
		}
	}
	t.Logf("modules an SDK user gets: %v", mods)
}

// TestFootprint_rootRequires checks the root go.mod directly.
func TestFootprint_rootRequires(t *testing.T) {
	out := goCmd(t, rootDir(t), "list", "-m", "-f", "{{if not .Main}}{{if not .Indirect}}{{.Path}}{{end}}{{end}}", "all")
	for _, m := range strings.Fields(out) {
		if !slices.Contains(allowedDirect, m) {
			t.Errorf("root go.mod requires %s directly; only %v are allowed", m, allowedDirect)
		}
	}
}
