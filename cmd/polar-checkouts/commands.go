package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	polar "github.com/gopolar/checkouts/wrapper"
)

// command is one subcommand.
type command struct {
	run func(ctx context.Context, env *environment, args []string) error
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"list":           {runList},
		"create":         {runCreate},
		"get":            {runGet},
		"update":         {runUpdate},
		"client-get":     {runClientGet},
		"client-update":  {runClientUpdate},
		"client-confirm": {runClientConfirm},
		"mock":           {runMock},
		"demo":           {runDemo},
	}
}

// withTimeout bounds a command by --timeout.
func withTimeout(ctx context.Context, env *environment) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, env.globals.timeout)
}

// printJSON writes v as indented JSON on stdout.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// readBody fills v from a JSON file (or "-" for stdin), if path is set.
// Unknown fields are an error: a typo must not be silently dropped.
func readBody(path string, v any) error {
	if path == "" {
		return nil
	}
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return &usageError{msg: err.Error()}
		}
		defer f.Close()
		r = f
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return usagef("--body: %v", err)
	}
	return nil
}

// parseUUIDs parses repeated ID flags.
func parseUUIDs(flagName string, values []string) (*[]polar.UUID, error) {
	if len(values) == 0 {
		return nil, nil
	}
	ids := make([]polar.UUID, 0, len(values))
	for _, v := range values {
		id, err := polar.ParseUUID(v)
		if err != nil {
			return nil, usagef("--%s %q: not a UUID", flagName, v)
		}
		ids = append(ids, id)
	}
	return &ids, nil
}

func metadata(kv kvFlag) *polar.MetadataInput {
	if len(kv) == 0 {
		return nil
	}
	m := polar.MetadataInput{}
	for k, v := range kv {
		m[k] = v
	}
	return &m
}

func runList(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	var orgs, products, customers, external, statuses, sorting multiFlag
	fs.Var(&orgs, "organization-id", "only sessions of this organization (repeatable)")
	fs.Var(&products, "product-id", "only sessions offering this product (repeatable)")
	fs.Var(&customers, "customer-id", "only sessions of this customer (repeatable)")
	fs.Var(&external, "external-customer-id", "only sessions of this customer ID in your system (repeatable)")
	fs.Var(&statuses, "status", "only sessions in this state: open, expired, confirmed, succeeded, failed (repeatable)")
	fs.Var(&sorting, "sort", "sort key such as -created_at or status (repeatable, applied in order)")
	query := fs.String("query", "", "search on the customer email")
	page := fs.Int("page", 1, "page number")
	limit := fs.Int("limit", 10, "page size (Polar serves at most 100)")
	all := fs.Bool("all", false, "stream every session of every page as JSON lines, with progress on stderr")
	if _, err := parseFlags(fs, env, args, 0, ""); err != nil {
		return err
	}
	params := &polar.ListParams{Page: page, Limit: limit}
	var err error
	if params.OrganizationID, err = parseUUIDs("organization-id", orgs); err != nil {
		return err
	}
	if params.ProductID, err = parseUUIDs("product-id", products); err != nil {
		return err
	}
	if params.CustomerID, err = parseUUIDs("customer-id", customers); err != nil {
		return err
	}
	if len(external) > 0 {
		params.ExternalCustomerID = (*[]string)(&external)
	}
	if len(statuses) > 0 {
		st := make([]polar.CheckoutStatus, len(statuses))
		for i, s := range statuses {
			if st[i] = polar.CheckoutStatus(s); !st[i].Valid() {
				return usagef("--status %q: want open, expired, confirmed, succeeded or failed", s)
			}
		}
		params.Status = &st
	}
	if len(sorting) > 0 {
		keys := make([]polar.CheckoutSortProperty, len(sorting))
		for i, s := range sorting {
			if keys[i] = polar.CheckoutSortProperty(s); !keys[i].Valid() {
				return usagef("--sort %q: want created_at, expires_at or status, optionally with a leading -", s)
			}
		}
		params.Sorting = &keys
	}
	if *query != "" {
		params.Query = query
	}
	c, err := env.newClient()
	if err != nil {
		return err
	}
	ctx, cancel := withTimeout(ctx, env)
	defer cancel()
	if !*all {
		res, err := c.Checkouts.List(ctx, params)
		if err != nil {
			return err
		}
		return printJSON(env.stdout, res)
	}
	enc := json.NewEncoder(env.stdout)
	seen := 0
	for pg, err := range c.Checkouts.Pages(ctx, params) {
		if err != nil {
			return err
		}
		for _, co := range pg.Items {
			if err := enc.Encode(co); err != nil {
				return err
			}
		}
		seen += len(pg.Items)
		fmt.Fprintf(env.stderr, "page %d/%d: %d of %d sessions\n", pg.Page, pg.MaxPage, seen, pg.TotalCount)
	}
	return nil
}

func runCreate(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("create", flag.ContinueOnError)
	var products multiFlag
	meta := kvFlag{}
	fs.Var(&products, "product", "product ID to offer (repeatable; the first is selected)")
	fs.Var(meta, "metadata", "metadata key=value (repeatable)")
	external := fs.String("external-customer-id", "", "the customer's ID in your system")
	email := fs.String("customer-email", "", "the customer's email")
	discount := fs.String("discount-id", "", "discount to apply")
	successURL := fs.String("success-url", "", "where to send the customer after paying")
	amount := fs.Int64("amount", -1, "amount in cents, for pay-what-you-want prices")
	bodyPath := fs.String("body", "", "JSON file (or - for stdin) with the full CheckoutCreate body; flags override it")
	if _, err := parseFlags(fs, env, args, 0, ""); err != nil {
		return err
	}
	body := &polar.CheckoutCreate{}
	if err := readBody(*bodyPath, body); err != nil {
		return err
	}
	if len(products) > 0 {
		ids, err := parseUUIDs("product", products)
		if err != nil {
			return err
		}
		body.Products = *ids
	}
	if len(body.Products) == 0 {
		return usagef("give at least one --product")
	}
	if m := metadata(meta); m != nil {
		body.Metadata = m
	}
	if *external != "" {
		body.ExternalCustomerID = polar.Value(*external)
	}
	if *email != "" {
		body.CustomerEmail = polar.Value(polar.Email(*email))
	}
	if *discount != "" {
		id, err := polar.ParseUUID(*discount)
		if err != nil {
			return usagef("--discount-id %q: not a UUID", *discount)
		}
		body.DiscountID = polar.Value(id)
	}
	if *successURL != "" {
		body.SuccessURL = polar.Value(*successURL)
	}
	if *amount >= 0 {
		body.Amount = polar.Value(*amount)
	}
	c, err := env.newClient()
	if err != nil {
		return err
	}
	ctx, cancel := withTimeout(ctx, env)
	defer cancel()
	co, err := c.Checkouts.Create(ctx, body)
	if err != nil {
		return err
	}
	return printJSON(env.stdout, co)
}

func runGet(ctx context.Context, env *environment, args []string) error {
	return runLookup(ctx, env, args, "get", "ID", func(ctx context.Context, c *polar.Client, id string) (any, error) {
		return c.Checkouts.Get(ctx, id)
	})
}

// runLookup runs a command that takes one argument and no flags of its
// own, and prints what call returns.
func runLookup(ctx context.Context, env *environment, args []string, name, argName string, call func(context.Context, *polar.Client, string) (any, error)) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	pos, err := parseFlags(fs, env, args, 1, argName)
	if err != nil {
		return err
	}
	c, err := env.newClient()
	if err != nil {
		return err
	}
	ctx, cancel := withTimeout(ctx, env)
	defer cancel()
	out, err := call(ctx, c, pos[0])
	if err != nil {
		return err
	}
	return printJSON(env.stdout, out)
}

func runUpdate(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("update", flag.ContinueOnError)
	meta := kvFlag{}
	fs.Var(meta, "metadata", "set the metadata to these key=value pairs (repeatable)")
	email := fs.String("customer-email", "", "set the customer's email")
	discount := fs.String("discount-id", "", "apply this discount")
	clearDiscount := fs.Bool("clear-discount", false, "remove the applied discount")
	product := fs.String("product-id", "", "select this product")
	bodyPath := fs.String("body", "", "JSON file (or - for stdin) with a CheckoutUpdate body: absent keys are kept, null clears")
	pos, err := parseFlags(fs, env, args, 1, "ID")
	if err != nil {
		return err
	}
	body := &polar.CheckoutUpdate{}
	if err := readBody(*bodyPath, body); err != nil {
		return err
	}
	if m := metadata(meta); m != nil {
		body.Metadata = m
	}
	if *email != "" {
		body.CustomerEmail = polar.Value(polar.Email(*email))
	}
	switch {
	case *discount != "" && *clearDiscount:
		return usagef("--discount-id and --clear-discount exclude each other")
	case *discount != "":
		id, err := polar.ParseUUID(*discount)
		if err != nil {
			return usagef("--discount-id %q: not a UUID", *discount)
		}
		body.DiscountID = polar.Value(id)
	case *clearDiscount:
		body.DiscountID = polar.Null[polar.UUID]()
	}
	if *product != "" {
		id, err := polar.ParseUUID(*product)
		if err != nil {
			return usagef("--product-id %q: not a UUID", *product)
		}
		body.ProductID = polar.Value(id)
	}
	c, err := env.newClient()
	if err != nil {
		return err
	}
	ctx, cancel := withTimeout(ctx, env)
	defer cancel()
	co, err := c.Checkouts.Update(ctx, pos[0], body)
	if err != nil {
		return err
	}
	return printJSON(env.stdout, co)
}

func runClientGet(ctx context.Context, env *environment, args []string) error {
	return runLookup(ctx, env, args, "client-get", "client secret", func(ctx context.Context, c *polar.Client, secret string) (any, error) {
		return c.Checkouts.ClientGet(ctx, secret)
	})
}

// addressFlags are the billing address flags of the client commands.
type addressFlags struct {
	country, line1, postalCode, city, state *string
}

func newAddressFlags(fs *flag.FlagSet) addressFlags {
	return addressFlags{
		country:    fs.String("billing-country", "", "billing address country (ISO 3166-1 alpha-2, such as FR)"),
		line1:      fs.String("billing-line1", "", "billing address first line"),
		postalCode: fs.String("billing-postal-code", "", "billing address postal code"),
		city:       fs.String("billing-city", "", "billing address city"),
		state:      fs.String("billing-state", "", "billing address state or province code"),
	}
}

// address returns the address given by the flags, if any.
func (a addressFlags) address() (*polar.AddressInput, error) {
	if *a.country == "" {
		if *a.line1 != "" || *a.postalCode != "" || *a.city != "" || *a.state != "" {
			return nil, usagef("a billing address needs --billing-country")
		}
		return nil, nil
	}
	addr := &polar.AddressInput{Country: polar.CountryAlpha2Input(strings.ToUpper(*a.country))}
	if !addr.Country.Valid() {
		return nil, usagef("--billing-country %q is not an accepted ISO 3166-1 alpha-2 code", *a.country)
	}
	if *a.line1 != "" {
		addr.Line1 = polar.Value(*a.line1)
	}
	if *a.postalCode != "" {
		addr.PostalCode = polar.Value(*a.postalCode)
	}
	if *a.city != "" {
		addr.City = polar.Value(*a.city)
	}
	if *a.state != "" {
		addr.State = polar.Value(*a.state)
	}
	return addr, nil
}

func runClientUpdate(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("client-update", flag.ContinueOnError)
	email := fs.String("customer-email", "", "set the customer's email")
	name := fs.String("customer-name", "", "set the customer's name")
	code := fs.String("discount-code", "", "apply a discount code")
	clearCode := fs.Bool("clear-discount-code", false, "remove the discount code")
	addr := newAddressFlags(fs)
	bodyPath := fs.String("body", "", "JSON file (or - for stdin) with a CheckoutUpdatePublic body")
	pos, err := parseFlags(fs, env, args, 1, "client secret")
	if err != nil {
		return err
	}
	body := &polar.CheckoutUpdatePublic{}
	if err := readBody(*bodyPath, body); err != nil {
		return err
	}
	if *email != "" {
		body.CustomerEmail = polar.Value(polar.Email(*email))
	}
	if *name != "" {
		body.CustomerName = polar.Value(*name)
	}
	switch {
	case *code != "" && *clearCode:
		return usagef("--discount-code and --clear-discount-code exclude each other")
	case *code != "":
		body.DiscountCode = polar.Value(*code)
	case *clearCode:
		body.DiscountCode = polar.Null[string]()
	}
	a, err := addr.address()
	if err != nil {
		return err
	}
	if a != nil {
		body.CustomerBillingAddress = polar.Value(*a)
	}
	c, err := env.newClient()
	if err != nil {
		return err
	}
	ctx, cancel := withTimeout(ctx, env)
	defer cancel()
	co, err := c.Checkouts.ClientUpdate(ctx, pos[0], body)
	if err != nil {
		return err
	}
	return printJSON(env.stdout, co)
}

func runClientConfirm(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("client-confirm", flag.ContinueOnError)
	token := fs.String("confirmation-token", "", "Stripe confirmation token (not needed for free checkouts)")
	bodyPath := fs.String("body", "", "JSON file (or - for stdin) with a CheckoutConfirmStripe body")
	pos, err := parseFlags(fs, env, args, 1, "client secret")
	if err != nil {
		return err
	}
	body := &polar.CheckoutConfirmStripe{}
	if err := readBody(*bodyPath, body); err != nil {
		return err
	}
	if *token != "" {
		body.ConfirmationTokenID = polar.Value(*token)
	}
	c, err := env.newClient()
	if err != nil {
		return err
	}
	ctx, cancel := withTimeout(ctx, env)
	defer cancel()
	co, err := c.Checkouts.ClientConfirm(ctx, pos[0], body)
	if err != nil {
		return err
	}
	return printJSON(env.stdout, co)
}
