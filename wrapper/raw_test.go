package polar_test

import (
	"errors"
	"net/http"
	"testing"

	polar "github.com/gopolar/checkouts/wrapper"
)

func TestDo_rawRequestsShareTheStack(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.Handle("GET /v1/checkouts/{id}", newScript(t, status(503, ""), func(w http.ResponseWriter, r *http.Request) {
		testSDKHeaders(t, r, "Bearer "+testToken)
		if r.URL.RawQuery != "expand=x" {
			t.Errorf("query = %q", r.URL.RawQuery)
		}
		writeJSON(w, 200, checkoutJSON)
	}))
	var out struct {
		ID     string `json:"id"`
		Amount int    `json:"amount"`
	}
	if err := c.Do(t.Context(), "GET", "/v1/checkouts/"+testID+"?expand=x", nil, &out); err != nil {
		t.Fatalf("Do: %v", err)
	}
	if out.ID != testID || out.Amount != 2500 {
		t.Errorf("out = %+v", out)
	}
}

func TestDo_postIsNotRepeated(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	s := newScript(t, status(500, ""))
	mux.Handle("POST /v1/things", s)
	err := c.Do(t.Context(), "POST", "/v1/things", map[string]int{"a": 1}, nil)
	if !errors.Is(err, polar.ErrMaybeApplied) || s.count() != 1 {
		t.Errorf("err = %v after %d POSTs, want ErrMaybeApplied after 1", err, s.count())
	}
	if b := s.bodies()[0]; b != `{"a":1}` {
		t.Errorf("body = %s", b)
	}
}

func TestDo_clientRoutesGetNoToken(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/v1/checkouts/client/{secret}", func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Authorization", "")
		writeJSON(w, 404, notFoundBody)
	})
	err := c.Do(t.Context(), "GET", "/v1/checkouts/client/"+testSecret, nil, nil)
	if !errors.Is(err, polar.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	noSecrets(t, "error", err.Error())
}

func TestDo_badPaths(t *testing.T) {
	t.Parallel()
	c, _, _ := setup(t)
	for _, p := range []string{"", "v1/checkouts", "https://evil.example/v1", "//evil.example/v1", "/v1/../admin", "/v1/./x"} {
		if err := c.Do(t.Context(), "GET", p, nil, nil); !errors.Is(err, polar.ErrInvalidArgument) {
			t.Errorf("Do(%q): err = %v, want ErrInvalidArgument", p, err)
		}
	}
}
