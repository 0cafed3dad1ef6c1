package polar_test

import (
	"errors"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sync"
	"testing"

	polar "github.com/gopolar/checkouts/wrapper"
)

const testOrg = "10000000-0000-4000-8000-000000000001"

// recordHeaders answers Get and records the Polar-Version and
// Polar-Organization headers of each request.
func recordHeaders(t *testing.T, mux *http.ServeMux) func() [][2]string {
	t.Helper()
	var mu sync.Mutex
	var seen [][2]string
	mux.HandleFunc("/v1/checkouts/{id}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, [2]string{r.Header.Get("Polar-Version"), r.Header.Get("Polar-Organization")})
		mu.Unlock()
		writeJSON(w, http.StatusOK, checkoutJSON)
	})
	return func() [][2]string {
		mu.Lock()
		defer mu.Unlock()
		return append([][2]string(nil), seen...)
	}
}

func TestAPIVersion_defaultClientAndCall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		clientOpts []polar.Option
		callOpts   []polar.Option
		wantClient string // Client.APIVersion
		want       [2]string
	}{
		{"default", nil, nil, polar.DefaultAPIVersion, [2]string{polar.DefaultAPIVersion, ""}},
		{"client version", []polar.Option{polar.WithAPIVersion(polar.APIVersion2026_04)}, nil, "2026-04", [2]string{"2026-04", ""}},
		{"call overrides the client", []polar.Option{polar.WithAPIVersion(polar.APIVersion2026_04)}, []polar.Option{polar.WithAPIVersion(polar.APIVersion2027_01)}, "2026-04", [2]string{"2027-01", ""}},
		{"a newer, unknown version is sent as asked", []polar.Option{polar.WithAPIVersion("2031-02")}, nil, "2031-02", [2]string{"2031-02", ""}},
		{"client organization", []polar.Option{polar.WithOrganization(testOrg)}, nil, polar.DefaultAPIVersion, [2]string{polar.DefaultAPIVersion, testOrg}},
		{"call organization", nil, []polar.Option{polar.WithOrganization(testOrg)}, polar.DefaultAPIVersion, [2]string{polar.DefaultAPIVersion, testOrg}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t, tt.clientOpts...)
			seen := recordHeaders(t, mux)
			if got := c.APIVersion(); got != tt.wantClient {
				t.Errorf("Client.APIVersion() = %q, want %q", got, tt.wantClient)
			}
			if _, err := c.Checkouts.Get(t.Context(), testUUID, tt.callOpts...); err != nil {
				t.Fatal(err)
			}
			if got := seen(); len(got) != 1 || got[0] != tt.want {
				t.Errorf("headers sent = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAPIVersion_refusedBeforeSending(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"", "2026-4", "2026-13", "2026-00", "26-04", "2026-04 ", "2026_04", "latest", "2025-12", "1999-01", "polar_oat_x"} {
		c, mux, _ := setup(t)
		seen := recordHeaders(t, mux)
		_, err := c.Checkouts.Get(t.Context(), testUUID, polar.WithAPIVersion(v))
		if !errors.Is(err, polar.ErrInvalidArgument) || len(seen()) != 0 {
			t.Errorf("WithAPIVersion(%q): err = %v, requests %d; want ErrInvalidArgument and none", v, err, len(seen()))
		}
		if _, err := polar.NewClient(polar.WithAPIVersion(v)); !errors.Is(err, polar.ErrInvalidArgument) {
			t.Errorf("NewClient(WithAPIVersion(%q)): %v", v, err)
		}
	}
	for _, v := range polar.KnownAPIVersions() {
		if _, err := polar.NewClient(polar.WithAPIVersion(v)); err != nil {
			t.Errorf("known version %s refused: %v", v, err)
		}
	}
}

func TestOrganization_refusedBeforeSending(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", "acme", "10000000-0000-4000-8000-00000000000", "{10000000-0000-4000-8000-000000000001}", "urn:uuid:10000000-0000-4000-8000-000000000001", "10000000000040008000000000000001", "10000000-0000-4000-8000-000000000001\r\nX: y", "00000000-0000-0000-0000-000000000000"} {
		c, mux, _ := setup(t)
		seen := recordHeaders(t, mux)
		if _, err := c.Checkouts.Get(t.Context(), testUUID, polar.WithOrganization(id)); !errors.Is(err, polar.ErrInvalidArgument) || len(seen()) != 0 {
			t.Errorf("WithOrganization(%q): err = %v, requests %d", id, err, len(seen()))
		}
	}
}

// TestDefaultAPIVersion_isTheSpecsAndKnown: the default is the version the
// OpenAPI document describes (client/spec.gen.go may be stale otherwise:
// run make generate) and one this SDK knows.
func TestDefaultAPIVersion_isTheSpecsAndKnown(t *testing.T) {
	t.Parallel()
	spec, err := os.ReadFile("../openapi/checkouts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^info:\n(?:  .*\n)*?  version: "?([0-9-]+)"?`).FindSubmatch(spec)
	if m == nil {
		t.Fatal("no info.version in openapi/checkouts.yaml")
	}
	if got := string(m[1]); got != polar.DefaultAPIVersion {
		t.Errorf("the spec describes %s but DefaultAPIVersion is %s: run make generate", got, polar.DefaultAPIVersion)
	}
	if !slices.Contains(polar.KnownAPIVersions(), polar.DefaultAPIVersion) {
		t.Errorf("DefaultAPIVersion %s is not among KnownAPIVersions %v", polar.DefaultAPIVersion, polar.KnownAPIVersions())
	}
}
