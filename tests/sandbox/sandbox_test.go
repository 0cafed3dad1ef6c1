// Package sandbox runs the non-paying checkout flow against Polar's real
// sandbox (https://sandbox-api.polar.sh). It needs an organization access
// token of the sandbox with the checkouts:read and checkouts:write scopes
// and the ID of a product of that organization; without them every test
// skips. From tests/:
//
//	POLAR_SANDBOX_TOKEN=polar_oat_… POLAR_SANDBOX_PRODUCT_ID=… go test ./sandbox/ -run Sandbox -v
//
// Each run creates one checkout session (left open: it expires after an
// hour) and never confirms or pays anything.
package sandbox

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

const howToRun = "set POLAR_SANDBOX_TOKEN (a sandbox organization access token with checkouts:read and checkouts:write) " +
	"and POLAR_SANDBOX_PRODUCT_ID (a product of that organization) to run against Polar's sandbox; from tests/: " +
	"POLAR_SANDBOX_TOKEN=… POLAR_SANDBOX_PRODUCT_ID=… go test ./sandbox/ -run Sandbox -v"

// sandbox returns a client of Polar's sandbox and the product to sell,
// or skips the test.
func sandbox(t *testing.T) (*polar.Client, polar.UUID) {
	t.Helper()
	token := strings.TrimSpace(os.Getenv("POLAR_SANDBOX_TOKEN"))
	product := strings.TrimSpace(os.Getenv("POLAR_SANDBOX_PRODUCT_ID"))
	if token == "" || product == "" {
		t.Skip(howToRun)
	}
	productID, err := polar.ParseUUID(product)
	if err != nil {
		t.Fatalf("POLAR_SANDBOX_PRODUCT_ID %q is not a UUID: %v", product, err)
	}
	c, err := polar.NewClient(
		polar.WithServer(polar.Sandbox),
		polar.WithAccessToken(token),
		polar.WithAppInfo("gopolar-sandbox-test", "1"),
		polar.WithTimeout(time.Minute),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.BaseURL(); got != string(polar.Sandbox) {
		t.Fatalf("base URL %q, want the sandbox", got)
	}
	return c, productID
}

// TestSandboxFlow: create, get, update, list by external customer ID,
// client get, client update with a billing address, and a 404, all on
// one session. Steps depend on each other, so they run in order.
func TestSandboxFlow(t *testing.T) {
	c, productID := sandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	external := "gopolar-sandbox-" + rand.Text()[:12]

	var co *polar.Checkout
	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"create", func(t *testing.T) {
			var err error
			co, err = c.Checkouts.Create(ctx, &polar.CheckoutCreate{
				Products:           []polar.UUID{productID},
				ExternalCustomerID: polar.Value(external),
				Metadata:           &polar.MetadataInput{"suite": "gopolar sandbox"},
			})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if co.Status != polar.CheckoutStatusOpen || co.ClientSecret == "" || co.URL == "" {
				t.Fatalf("created: status %q, client secret set %v, url %q", co.Status, co.ClientSecret != "", co.URL)
			}
			if ext, _ := co.ExternalCustomerID.Get(); ext != external {
				t.Errorf("external_customer_id %q, want %q", ext, external)
			}
		}},
		{"get", func(t *testing.T) {
			got, err := c.Checkouts.Get(ctx, co.ID)
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if got.ID != co.ID || got.ClientSecret != co.ClientSecret {
				t.Errorf("got %s, want %s", got.ID, co.ID)
			}
		}},
		{"update", func(t *testing.T) {
			got, err := c.Checkouts.Update(ctx, co.ID, &polar.CheckoutUpdate{
				Metadata:      &polar.MetadataInput{"suite": "gopolar sandbox", "step": "update"},
				CustomerEmail: polar.Value[polar.Email]("sandbox@example.com"),
			})
			if err != nil {
				t.Fatalf("update: %v", err)
			}
			if fmt.Sprint(got.Metadata["step"]) != "update" {
				t.Errorf("metadata %v", got.Metadata)
			}
			if email, _ := got.CustomerEmail.Get(); email != "sandbox@example.com" {
				t.Errorf("customer_email %q", email)
			}
		}},
		{"list by external customer id", func(t *testing.T) {
			page, err := c.Checkouts.List(ctx, &polar.ListParams{ExternalCustomerID: &[]string{external}})
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if page.TotalCount != 1 || len(page.Items) != 1 || page.Items[0].ID != co.ID {
				t.Errorf("list: %d items of %d, want only %s", len(page.Items), page.TotalCount, co.ID)
			}
		}},
		{"client get", func(t *testing.T) {
			got, err := c.Checkouts.ClientGet(ctx, co.ClientSecret)
			if err != nil {
				t.Fatalf("client get: %v", err)
			}
			if got.ID != co.ID || got.Status != polar.CheckoutStatusOpen {
				t.Errorf("client get: %s %q", got.ID, got.Status)
			}
		}},
		{"client update with a billing address", func(t *testing.T) {
			got, err := c.Checkouts.ClientUpdate(ctx, co.ClientSecret, &polar.CheckoutUpdatePublic{
				CustomerName: polar.Value("Sandbox Tester"),
				CustomerBillingAddress: polar.Value(polar.AddressInput{
					Country:    "FR",
					Line1:      polar.Value("1 rue de Rivoli"),
					City:       polar.Value("Paris"),
					PostalCode: polar.Value("75001"),
				}),
			})
			if err != nil {
				t.Fatalf("client update: %v", err)
			}
			addr, err := got.CustomerBillingAddress.Get()
			if err != nil || string(addr.Country) != "FR" {
				t.Errorf("billing address %+v (%v)", addr, err)
			}
			if name, _ := got.CustomerName.Get(); name != "Sandbox Tester" {
				t.Errorf("customer_name %q", name)
			}
		}},
		{"not found", func(t *testing.T) {
			missing := polar.MustParseUUID("00000000-0000-4000-8000-000000000000")
			_, err := c.Checkouts.Get(ctx, missing)
			if !errors.Is(err, polar.ErrNotFound) {
				t.Fatalf("get %s: %v, want ErrNotFound", missing, err)
			}
			var apiErr *polar.Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
				t.Errorf("error %v, want a *polar.Error 404", err)
			}
			if token := strings.TrimSpace(os.Getenv("POLAR_SANDBOX_TOKEN")); token != "" && strings.Contains(err.Error(), token) {
				t.Error("the error message contains the access token")
			}
			_, err = c.Checkouts.ClientGet(ctx, "polar_c_doesnotexist0000000000000000000000000")
			if !errors.Is(err, polar.ErrNotFound) {
				t.Errorf("client get of an unknown secret: %v, want ErrNotFound", err)
			}
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			t.Fatalf("step %q failed; stopping", s.name)
		}
	}
}
