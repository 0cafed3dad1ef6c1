package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// runDemo walks the whole checkout flow with the SDK and prints what
// happens. Without a token (or without --server sandbox) it runs against
// an in-process fake server; with both it runs the steps that do not take
// money against Polar's sandbox.
func runDemo(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	productID := fs.String("product-id", "", "sandbox only: product to check out (a one-time product of your sandbox organization)")
	if _, err := parseFlags(fs, env, args); err != nil {
		return err
	}
	ctx, cancel := withTimeout(ctx, env)
	defer cancel()
	if env.token() != "" && env.globals.server == "sandbox" {
		if *productID == "" {
			return usagef("--server sandbox needs --product-id (a product of your sandbox organization)")
		}
		c, err := env.newClient()
		if err != nil {
			return err
		}
		d := &demo{w: env.stdout, c: c}
		return d.sandbox(ctx, *productID)
	}
	rcv, err := newDemoReceiver()
	if err != nil {
		return err
	}
	defer rcv.Close()
	srv := polartest.NewServer(polartest.WithTaxRate(2000), // 20% tax, as in France
		polartest.WithWebhook(rcv.URL, rcv.secret))
	defer srv.Close()
	c, err := srv.Client(env.commonOptions()...)
	if err != nil {
		return err
	}
	d := &demo{w: env.stdout, c: c, fake: srv.Handler()}
	fmt.Fprintf(d.w, "Polar checkout demo against an in-process fake server (polartest) at %s,\n", srv.URL)
	fmt.Fprintf(d.w, "which sends signed webhooks to a verifying endpoint at %s.\n", rcv.URL)
	fmt.Fprintln(d.w, "Nothing leaves this machine. With POLAR_ACCESS_TOKEN, --server sandbox and --product-id it runs against Polar's sandbox.")
	if err := d.fakeFlow(ctx); err != nil {
		return err
	}
	if err := d.webhookStep(ctx, rcv); err != nil {
		return err
	}
	if d.missed > 0 {
		return fmt.Errorf("%d expectations of the demo did not hold", d.missed)
	}
	d.printf("\nDone: every step above went through the SDK over HTTP.")
	return nil
}

// demo prints the steps of the flow.
type demo struct {
	w      io.Writer
	c      *polar.Client
	fake   *polartest.Handler
	step   int
	missed int // expectations that did not hold
}

func (d *demo) printf(format string, args ...any) {
	fmt.Fprintf(d.w, format+"\n", args...)
}

func (d *demo) title(format string, args ...any) {
	d.step++
	fmt.Fprintf(d.w, "\n%d. %s\n", d.step, fmt.Sprintf(format, args...))
}

func (d *demo) fakeFlow(ctx context.Context) error {
	c := d.c.Checkouts
	one, monthly := polar.MustParseUUID(polartest.ProductOneTimeID), polar.MustParseUUID(polartest.ProductMonthlyID)

	d.title("Create a checkout for the one-time license and the monthly plan, with the $5 discount and metadata")
	co, err := c.Create(ctx, &polar.CheckoutCreate{
		Products:           []polar.UUID{one, monthly},
		DiscountID:         polar.Value(polar.MustParseUUID(polartest.DiscountFixedID)),
		ExternalCustomerID: polar.Value("user_1042"),
		Metadata:           &polar.MetadataInput{"order": "1042"},
	})
	if err != nil {
		return err
	}
	d.printf("   → %s  %s  %s", co.ID, co.Status, amounts(co.Amount, co.DiscountAmount, co.TaxAmount.GetOrEmpty(), co.TaxAmount.IsNull(), co.TotalAmount, co.Currency))
	d.printf("   → pay at %s (expires %s)", redactURL(co.URL), co.ExpiresAt.Format("15:04 MST"))

	d.title("Get it back by ID")
	got, err := c.Get(ctx, co.ID)
	if err != nil {
		return err
	}
	d.printf("   → %s, %d products offered, metadata %v", got.Status, len(got.Products), got.Metadata)

	d.title("Update it: new metadata, the customer's email, and remove the discount (null clears)")
	upd, err := c.Update(ctx, co.ID, &polar.CheckoutUpdate{
		Metadata:      &polar.MetadataInput{"order": "1042", "channel": "newsletter"},
		CustomerEmail: polar.Value[polar.Email]("ada@example.com"),
		DiscountID:    polar.Null[polar.UUID](),
	})
	if err != nil {
		return err
	}
	d.printf("   → discount removed: %s; email %s", amounts(upd.Amount, upd.DiscountAmount, upd.TaxAmount.GetOrEmpty(), upd.TaxAmount.IsNull(), upd.TotalAmount, upd.Currency), upd.CustomerEmail.GetOrEmpty())

	d.title("List: create three more checkouts, then walk every page of two open checkouts")
	for _, p := range []string{polartest.ProductMonthlyID, polartest.ProductPayWhatYouWantID, polartest.ProductFreeID} {
		if _, err := c.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(p)}}); err != nil {
			return err
		}
	}
	params := &polar.ListParams{Status: &[]polar.CheckoutStatus{polar.CheckoutStatusOpen}, Limit: polar.Ptr(2)}
	for page, err := range c.Pages(ctx, params) {
		if err != nil {
			return err
		}
		ids := make([]string, len(page.Items))
		for i, it := range page.Items {
			ids[i] = it.ID.String()[:8] + "…"
		}
		d.printf("   → page %d/%d (%d in all): %s", page.Page, page.MaxPage, page.TotalCount, strings.Join(ids, ", "))
	}

	secret := co.ClientSecret
	d.title("The customer's browser reads the checkout with its client secret (%s)", redactSecret(secret))
	pub, err := c.ClientGet(ctx, secret)
	if err != nil {
		return err
	}
	d.printf("   → public view: seller %q, %d products, selected %q", pub.Organization.Name, len(pub.Products), productName(pub))

	d.title("The customer enters a billing address (Paris, France)")
	pub, err = c.ClientUpdate(ctx, secret, &polar.CheckoutUpdatePublic{
		CustomerName:           polar.Value("Ada Lovelace"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR", City: polar.Value("Paris"), PostalCode: polar.Value("75001")}),
	})
	if err != nil {
		return err
	}
	d.printf("   → %s", amounts(pub.Amount, pub.DiscountAmount, pub.TaxAmount.GetOrEmpty(), pub.TaxAmount.IsNull(), pub.TotalAmount, pub.Currency))

	d.title("The customer confirms with the test card %s", polartest.TokenSuccess)
	conf, err := c.ClientConfirm(ctx, secret, &polar.CheckoutConfirmStripe{ConfirmationTokenID: polar.Value(polartest.TokenSuccess)})
	if err != nil {
		return err
	}
	d.printf("   → %s; customer session token %s", conf.Status, redactSecret(conf.CustomerSessionToken.GetOrEmpty()))

	d.title("Get by ID again: the payment went through")
	got, err = c.Get(ctx, co.ID)
	if err != nil {
		return err
	}
	d.printf("   → %s, customer %s", got.Status, got.CustomerID.GetOrEmpty())

	d.title("Typed errors, matched with errors.Is")
	_, err = c.Get(ctx, polar.MustParseUUID("00000000-0000-4000-8000-000000000000"))
	d.expect(err, polar.ErrNotFound, "ErrNotFound", "get of an unknown ID")
	expired, err := c.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{one}})
	if err != nil {
		return err
	}
	d.fake.Expire(expired.ID.String())
	_, err = c.ClientGet(ctx, expired.ClientSecret)
	d.expect(err, polar.ErrCheckoutExpired, "ErrCheckoutExpired", "client-get of an expired checkout")
	_, err = c.ClientConfirm(ctx, secret, &polar.CheckoutConfirmStripe{ConfirmationTokenID: polar.Value(polartest.TokenSuccess)})
	d.expect(err, polar.ErrCheckoutNotOpen, "ErrCheckoutNotOpen", "confirming the paid checkout again")
	declined, err := c.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{one}})
	if err != nil {
		return err
	}
	_, err = c.ClientConfirm(ctx, declined.ClientSecret, &polar.CheckoutConfirmStripe{
		ConfirmationTokenID:    polar.Value(polartest.TokenDeclined),
		CustomerEmail:          polar.Value[polar.Email]("grace@example.com"),
		CustomerName:           polar.Value("Grace Hopper"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "US", Line1: polar.Value("1 Main St"), City: polar.Value("New York"), State: polar.Value("US-NY"), PostalCode: polar.Value("10001")}),
	})
	d.expect(err, polar.ErrPaymentFailed, "ErrPaymentFailed", "a declined card")
	_, err = polar.ParseUUID("../admin")
	d.expect(err, polar.ErrInvalidArgument, "ErrInvalidArgument", "an ID that is not a UUID (refused before any request)")

	return nil
}

// expect prints how err matched the sentinel it should match.
func (d *demo) expect(err, sentinel error, name, what string) {
	if errors.Is(err, sentinel) {
		d.printf("   ✓ %s → errors.Is(err, polar.%s): %s", what, name, err)
		return
	}
	d.printf("   ✗ %s → expected polar.%s, got %v", what, name, err)
	d.missed++
}

// sandbox runs the steps that take no money against Polar's sandbox.
func (d *demo) sandbox(ctx context.Context, productID string) error {
	c := d.c.Checkouts
	pid, err := polar.ParseUUID(productID)
	if err != nil {
		return usagef("--product-id %q is not a UUID", productID)
	}
	fmt.Fprintln(d.w, "Polar checkout demo against the Polar sandbox (https://sandbox-api.polar.sh). No payment is made.")

	d.title("Create a checkout for product %s", productID)
	co, err := c.Create(ctx, &polar.CheckoutCreate{
		Products:           []polar.UUID{pid},
		ExternalCustomerID: polar.Value("gopolar-demo"),
		Metadata:           &polar.MetadataInput{"source": "polar-checkouts demo"},
	})
	if err != nil {
		return err
	}
	d.printf("   → %s  %s  %s", co.ID, co.Status, amounts(co.Amount, co.DiscountAmount, co.TaxAmount.GetOrEmpty(), co.TaxAmount.IsNull(), co.TotalAmount, co.Currency))
	d.printf("   → pay at %s", redactURL(co.URL))

	d.title("Get it back by ID")
	if co, err = c.Get(ctx, co.ID); err != nil {
		return err
	}
	d.printf("   → %s, metadata %v", co.Status, co.Metadata)

	d.title("Update the customer's email")
	if co, err = c.Update(ctx, co.ID, &polar.CheckoutUpdate{CustomerEmail: polar.Value[polar.Email]("demo@example.com")}); err != nil {
		return err
	}
	d.printf("   → email %s", co.CustomerEmail.GetOrEmpty())

	d.title("List the open checkouts of this demo's customer")
	page, err := c.List(ctx, &polar.ListParams{ExternalCustomerID: &[]string{"gopolar-demo"}, Status: &[]polar.CheckoutStatus{polar.CheckoutStatusOpen}, Limit: polar.Ptr(5)})
	if err != nil {
		return err
	}
	d.printf("   → %d open (page %d of %d)", page.TotalCount, page.Page, page.MaxPage)

	d.title("Read and update it with the client secret, as the customer's browser does")
	pub, err := c.ClientGet(ctx, co.ClientSecret)
	if err != nil {
		return err
	}
	d.printf("   → seller %q", pub.Organization.Name)
	if pub, err = c.ClientUpdate(ctx, co.ClientSecret, &polar.CheckoutUpdatePublic{
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "US", State: polar.Value("US-NY"), PostalCode: polar.Value("10001")}),
	}); err != nil {
		return err
	}
	d.printf("   → %s", amounts(pub.Amount, pub.DiscountAmount, pub.TaxAmount.GetOrEmpty(), pub.TaxAmount.IsNull(), pub.TotalAmount, pub.Currency))

	d.title("Typed errors")
	_, err = c.Get(ctx, polar.MustParseUUID("00000000-0000-4000-8000-000000000000"))
	d.expect(err, polar.ErrNotFound, "ErrNotFound", "get of an unknown ID")
	d.printf("\nNot run against the sandbox: confirmation (it needs a Stripe confirmation token from the payment form).")
	if d.missed > 0 {
		return fmt.Errorf("%d typed errors were not as expected", d.missed)
	}
	return nil
}

// amounts renders the money of a checkout.
func amounts(amount, discount, tax int64, taxUnknown bool, total int64, currency string) string {
	taxText := money(tax, currency)
	if taxUnknown {
		taxText = "unknown until the billing address is known"
	}
	return fmt.Sprintf("amount %s, discount %s, tax %s, total %s", money(amount, currency), money(discount, currency), taxText, money(total, currency))
}

// money renders cents in a currency.
func money(cents int64, currency string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	if currency == "usd" {
		return fmt.Sprintf("%s$%d.%02d", sign, cents/100, cents%100)
	}
	return fmt.Sprintf("%s%d.%02d %s", sign, cents/100, cents%100, strings.ToUpper(currency))
}

// redactSecret shows only the prefix of a credential.
func redactSecret(s string) string {
	if i := strings.LastIndexByte(s, '_'); i >= 0 && i+5 < len(s) {
		return s[:i+5] + "…"
	}
	return "…"
}

// redactURL hides the client secret at the end of a checkout URL.
func redactURL(u string) string {
	if i := strings.LastIndexByte(u, '/'); i >= 0 {
		return u[:i+1] + redactSecret(u[i+1:])
	}
	return u
}

// productName is the name of the selected product of a public checkout.
func productName(p *polar.CheckoutPublic) string {
	if prod, err := p.Product.Get(); err == nil {
		return prod.Name
	}
	return "none"
}
