package hostile

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// redirectAfterApply serves polartest, but answers every POST and PATCH,
// after polartest applied it, with a redirect to where the checkout can be
// read: net/http would follow 301/302/303 as a GET and the SDK would take
// that read for the change's answer.
func redirectAfterApply(h *polartest.Handler, status int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		target := "/v1/checkouts/"
		if i := strings.Index(rec.Body.String(), `"id":"`); i >= 0 {
			target += rec.Body.String()[i+6:][:36]
		}
		if strings.Contains(r.URL.Path, "/client/") {
			target = strings.TrimSuffix(r.URL.Path, "/confirm")
		}
		http.Redirect(w, r, target, status)
	})
}

// TestRedirect_changesNeverFollowed: a POST answered with any redirect
// is not followed, nor a PATCH with one that would turn it into a GET.
// Create says ErrMaybeApplied (it was applied), Update fails,
// ClientConfirm reads the session back (it was confirmed); no change is
// sent twice, for the SDK's client and a caller's.
func TestRedirect_changesNeverFollowed(t *testing.T) {
	t.Parallel()
	clients := map[string]func() []polar.Option{
		"default":       func() []polar.Option { return nil },
		"caller client": func() []polar.Option { return []polar.Option{polar.WithHTTPClient(&http.Client{})} },
	}
	for _, status := range []int{301, 302, 303, 307, 308} {
		for name, extra := range clients {
			t.Run(strconv.Itoa(status)+"/"+name, func(t *testing.T) {
				t.Parallel()
				h := polartest.NewHandler()
				srv := httptest.NewServer(redirectAfterApply(h, status))
				t.Cleanup(srv.Close)
				c, err := polar.NewClient(append([]polar.Option{polar.WithBaseURL(srv.URL), polar.WithInsecureHTTP(), polar.WithAccessToken(polartest.Token)}, extra()...)...)
				if err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				_, err = c.Checkouts.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)}})
				if !errors.Is(err, polar.ErrMaybeApplied) {
					t.Fatalf("Create after %d: %v, want ErrMaybeApplied", status, err)
				}
				if got := h.Stats(); got.Applied[polartest.OpCreate] != 1 || got.Requests[polartest.OpGet] != 0 || got.Requests[polartest.OpCreate] != 1 {
					t.Fatalf("Create after %d: stats %+v, want one create and no read", status, got)
				}
				direct := httptest.NewServer(h) // the same store, without the redirects
				t.Cleanup(direct.Close)
				dc, err := polar.NewClient(polar.WithBaseURL(direct.URL), polar.WithInsecureHTTP(), polar.WithAccessToken(polartest.Token))
				if err != nil {
					t.Fatal(err)
				}
				co, err := dc.Checkouts.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(polartest.ProductOneTimeID)}})
				if err != nil {
					t.Fatal(err)
				}
				if status <= 303 { // 307 and 308 keep the method: a PATCH may follow them
					if _, err := c.Checkouts.Update(ctx, co.ID, &polar.CheckoutUpdate{Metadata: &polar.MetadataInput{"k": "v"}}); err == nil {
						t.Errorf("Update after %d: success, want an error (the answer is a redirect, not the update's)", status)
					}
				}
				conf, err := c.Checkouts.ClientConfirm(ctx, co.ClientSecret, &polar.CheckoutConfirmStripe{
					ConfirmationTokenID:    polar.Value(polartest.TokenSuccess),
					CustomerEmail:          polar.Value[polar.Email]("ada@example.com"),
					CustomerName:           polar.Value("Ada"),
					CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR"}),
				})
				if err != nil {
					t.Fatalf("ClientConfirm after %d: %v, want the session read back", status, err)
				}
				if conf.Status != polar.CheckoutStatusConfirmed && conf.Status != polar.CheckoutStatusSucceeded {
					t.Errorf("ClientConfirm after %d: status %s", status, conf.Status)
				}
				if n := h.ConfirmCount(co.ID.String()); n != 1 {
					t.Errorf("confirmed %d times, want 1", n)
				}
			})
		}
	}
}
