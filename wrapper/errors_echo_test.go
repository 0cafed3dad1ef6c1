package polar_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// TestErrors_echoedCredentialsNeverPrinted: a server (Polar's 422, a
// proxy) that echoes the request's credentials in a field's loc, input,
// type or ctx, or in a response header, leaks no part of them through
// Error, %v, %+v, %#v or the debug log, for an operation that knows the
// secret and for one that does not.
func TestErrors_echoedCredentialsNeverPrinted(t *testing.T) {
	t.Parallel()
	const whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	credentials := []string{testToken, testSecret, whsec}
	answers := map[string]func(w http.ResponseWriter){
		"422 loc": func(w http.ResponseWriter) {
			writeJSON(w, http.StatusUnprocessableEntity, `{"detail":[{"loc":["path","`+testSecret+`"],"msg":"bad","type":"value_error"},{"loc":["body","`+whsec+`",0],"msg":"bad","type":"value_error"}]}`)
		},
		"422 input and ctx": func(w http.ResponseWriter) {
			writeJSON(w, http.StatusUnprocessableEntity, `{"detail":[{"loc":["body","x"],"msg":"bad","type":"`+testToken+`","input":{"token":"Bearer `+testToken+`","list":["`+testSecret+`"]},"ctx":{"error":"`+whsec+`"}}]}`)
		},
		"header echo": func(w http.ResponseWriter) {
			w.Header().Set("X-Echo-Authorization", "Bearer "+testToken)
			w.Header().Set("X-Echo-Path", "/v1/checkouts/client/"+testSecret)
			writeJSON(w, http.StatusBadRequest, `{"error":"BadRequest","detail":"no"}`)
		},
	}
	ops := map[string]func(c *polar.Client) error{
		"client get": func(c *polar.Client) error {
			_, err := c.Checkouts.ClientGet(context.Background(), testSecret)
			return err
		},
		"get": func(c *polar.Client) error { _, err := c.Checkouts.Get(context.Background(), testUUID); return err },
	}
	for answer, write := range answers {
		for op, call := range ops {
			t.Run(answer+"/"+op, func(t *testing.T) {
				t.Parallel()
				var logs bytes.Buffer
				c, mux, _ := setup(t, polar.WithAccessToken(testToken), polar.WithMaxRetries(0),
					polar.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
				mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { write(w) })
				err := call(c)
				if err == nil {
					t.Fatal("no error")
				}
				printed := strings.Join([]string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), logs.String()}, "\n")
				var apiErr *polar.Error
				if errors.As(err, &apiErr) {
					printed += fmt.Sprintf("\n%#v\n%#v", apiErr, apiErr.Header)
				}
				var verr *polar.ValidationError
				if errors.As(err, &verr) {
					printed += fmt.Sprintf("\n%#v", verr.Fields)
					for _, f := range verr.Fields {
						printed += "\n" + polar.FieldPath(f)
					}
				}
				for _, secret := range credentials {
					for i := 0; i+8 <= len(secret); i++ {
						if strings.Contains(printed, secret[i:i+8]) {
							t.Fatalf("part %q of a credential printed:\n%s", secret[i:i+8], printed)
						}
					}
				}
			})
		}
	}
}

// TestOptions_neverQuoteWhatCouldBeACredential: an option given a token
// or client secret by mistake refuses it without quoting it.
func TestOptions_neverQuoteWhatCouldBeACredential(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]polar.Option{
		"WithServer":       polar.WithServer(polar.Server(testToken)),
		"WithBaseURL":      polar.WithBaseURL(testToken + "://api.example.com"),
		"WithAppInfo name": polar.WithAppInfo(testSecret+" x", "1.0"),
		"WithAppInfo ver":  polar.WithAppInfo("app", testToken+"\n"),
		"WithHeader":       polar.WithHeader(testToken+"\n", "v"),
		"WithOrganization": polar.WithOrganization(testSecret),
		"WithAPIVersion":   polar.WithAPIVersion(testToken),
	} {
		_, err := polar.NewClient(polar.WithAccessToken(testToken), opt)
		if !errors.Is(err, polar.ErrInvalidArgument) {
			t.Errorf("%s: err = %v, want ErrInvalidArgument", name, err)
			continue
		}
		noSecrets(t, name, err.Error())
		noSecrets(t, name, fmt.Sprintf("%#v", err))
	}
}

// TestNilContext: every operation given a nil context returns an
// ErrInvalidArgument instead of panicking, and sends nothing.
func TestNilContext(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, polar.WithTimeout(time.Second))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { t.Errorf("request sent: %s %s", r.Method, r.URL.Path) })
	var nilCtx context.Context // a variable: vet and staticcheck refuse a literal nil
	calls := map[string]func() error{
		"List": func() error { _, err := c.Checkouts.List(nilCtx, nil); return err },
		"Create": func() error {
			_, err := c.Checkouts.Create(nilCtx, &polar.CheckoutCreate{Products: []polar.UUID{testUUID}})
			return err
		},
		"Get":       func() error { _, err := c.Checkouts.Get(nilCtx, testUUID); return err },
		"Update":    func() error { _, err := c.Checkouts.Update(nilCtx, testUUID, &polar.CheckoutUpdate{}); return err },
		"ClientGet": func() error { _, err := c.Checkouts.ClientGet(nilCtx, testSecret); return err },
		"ClientUpdate": func() error {
			_, err := c.Checkouts.ClientUpdate(nilCtx, testSecret, &polar.CheckoutUpdatePublic{})
			return err
		},
		"ClientConfirm": func() error {
			_, err := c.Checkouts.ClientConfirm(nilCtx, testSecret, &polar.CheckoutConfirmStripe{})
			return err
		},
		"All": func() error {
			for _, err := range c.Checkouts.All(nilCtx, nil) {
				return err
			}
			return nil
		},
		"Do": func() error { return c.Do(nilCtx, http.MethodGet, "/v1/checkouts/", nil, nil) },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, polar.ErrInvalidArgument) {
			t.Errorf("%s(nil ctx) = %v, want ErrInvalidArgument", name, err)
		}
	}
	var page *polar.Page
	if page.NextPage() != 0 {
		t.Error("a nil page has a next page")
	}
}
