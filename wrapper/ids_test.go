package polar_test

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	polar "github.com/gopolar/checkouts/wrapper"
)

// TestIDs_refusedBeforeAnyRequest: bad IDs and client secrets never reach
// the network, and the error names the argument without quoting a secret.
func TestIDs_refusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	c, mux, _ := setup(t)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(w, 200, `{}`)
	})
	bad := []string{"", ".", "..", "a/b", "../x", "%2e%2e", "?x=1", "#frag", "x y", "polar_c_ok\x00", strings.Repeat("a", 300), "\xff\xfe", "polar_c_abc/../../v1/checkouts/"}
	ctx := t.Context()
	for _, v := range bad {
		calls := map[string]func() error{
			"ParseUUID":     func() error { _, err := polar.ParseUUID(v); return err },
			"ClientGet":     func() error { _, err := c.Checkouts.ClientGet(ctx, v); return err },
			"ClientUpdate":  func() error { _, err := c.Checkouts.ClientUpdate(ctx, v, &polar.CheckoutUpdatePublic{}); return err },
			"ClientConfirm": func() error { _, err := c.Checkouts.ClientConfirm(ctx, v, &polar.CheckoutConfirmStripe{}); return err },
		}
		for name, call := range calls {
			err := call()
			var ia *polar.InvalidArgumentError
			if !errors.As(err, &ia) || !errors.Is(err, polar.ErrInvalidArgument) {
				t.Errorf("%s(%q): err = %v, want *InvalidArgumentError", name, v, err)
				continue
			}
			wantArg := "id"
			if strings.HasPrefix(name, "Client") {
				wantArg = "client_secret"
				if len(v) >= 4 && strings.Contains(err.Error(), v) {
					t.Errorf("%s: error quotes the secret: %q", name, err)
				}
			}
			if ia.Arg != wantArg {
				t.Errorf("%s(%q): Arg = %q, want %q", name, v, ia.Arg, wantArg)
			}
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server received %d requests for invalid arguments", n)
	}
}

func TestParseUUID_nonCanonicalRefused(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"6f1e9d6a3f4e4c1a9a572f1f6a7b8c9d", "{6f1e9d6a-3f4e-4c1a-9a57-2f1f6a7b8c9d}", "urn:uuid:6f1e9d6a-3f4e-4c1a-9a57-2f1f6a7b8c9d", "not-a-uuid", " " + testID, testID + "\n"} {
		if _, err := polar.ParseUUID(v); !errors.Is(err, polar.ErrInvalidArgument) {
			t.Errorf("ParseUUID(%q): err = %v, want ErrInvalidArgument", v, err)
		}
	}
}

func TestParseUUID_roundTrip(t *testing.T) {
	t.Parallel()
	for _, v := range []string{testID, strings.ToUpper(testID)} {
		id, err := polar.ParseUUID(v)
		if err != nil || id.String() != strings.ToLower(v) {
			t.Errorf("ParseUUID(%q) = %v, %v; want %s", v, id, err, strings.ToLower(v))
		}
	}
}

// TestIDs_zeroRefused: the zero UUID is what an unset ID field holds; it
// is refused before any request rather than sent and answered with 404.
func TestIDs_zeroRefused(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	c, mux, _ := setup(t)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	ctx := t.Context()
	for name, call := range map[string]func() error{
		"Get":    func() error { _, err := c.Checkouts.Get(ctx, polar.UUID{}); return err },
		"Update": func() error { _, err := c.Checkouts.Update(ctx, polar.UUID{}, &polar.CheckoutUpdate{}); return err },
	} {
		var ia *polar.InvalidArgumentError
		if err := call(); !errors.As(err, &ia) || ia.Arg != "id" || !errors.Is(err, polar.ErrInvalidArgument) {
			t.Errorf("%s(zero UUID): err = %v, want *InvalidArgumentError for id", name, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server received %d requests", n)
	}
}

func TestBodies_nilRefused(t *testing.T) {
	t.Parallel()
	c, _, _ := setup(t)
	ctx := t.Context()
	for name, err := range map[string]error{
		"Create":        func() error { _, err := c.Checkouts.Create(ctx, nil); return err }(),
		"Update":        func() error { _, err := c.Checkouts.Update(ctx, testUUID, nil); return err }(),
		"ClientUpdate":  func() error { _, err := c.Checkouts.ClientUpdate(ctx, testSecret, nil); return err }(),
		"ClientConfirm": func() error { _, err := c.Checkouts.ClientConfirm(ctx, testSecret, nil); return err }(),
	} {
		if !errors.Is(err, polar.ErrInvalidArgument) {
			t.Errorf("%s(nil body): err = %v, want ErrInvalidArgument", name, err)
		}
	}
}

func TestBodies_invalidEmailIsAnArgumentError(t *testing.T) {
	t.Parallel()
	c, _, _ := setup(t)
	_, err := c.Checkouts.Update(t.Context(), testUUID, &polar.CheckoutUpdate{CustomerEmail: polar.Value[polar.Email]("not an email")})
	if !errors.Is(err, polar.ErrInvalidArgument) {
		t.Errorf("err = %v, want ErrInvalidArgument", err)
	}
}
