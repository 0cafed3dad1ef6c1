package main

import (
	"context"
	"encoding/json"
	"errors"
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
	// args names the positional arguments, for help and checks.
	args []string
	// help says what the command does, for -h.
	help string
	// sub marks a subcommand of a group ("webhook sign"), not reachable
	// by its full name from the top level.
	sub bool
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"list":           {run: runList, help: "List checkout sessions, newest first unless --sort says otherwise. Prints the page as the API does:\n{\"items\": [...], \"pagination\": {\"total_count\": N, \"max_page\": M}}; with --all, one session per line."},
		"create":         {run: runCreate, help: "Create a checkout session and print it. Give at least one --product, or a --body."},
		"get":            {run: runGet, args: []string{"ID"}, help: "Get a checkout session by its ID (a UUID, the \"id\" that create and list print)."},
		"update":         {run: runUpdate, args: []string{"ID"}, help: "Update the checkout session with this ID (a UUID). Only what the flags (or --body) name changes."},
		"client-get":     {run: runClientGet, args: []string{"SECRET"}, help: "Get a checkout session by its client secret (the \"client_secret\" create prints), as the customer's browser does. No token is sent."},
		"client-update":  {run: runClientUpdate, args: []string{"SECRET"}, help: "Update a checkout session by its client secret, as the customer's browser does. No token is sent."},
		"client-confirm": {run: runClientConfirm, args: []string{"SECRET"}, help: "Confirm a checkout session by its client secret: the customer pays. The SDK never sends the confirmation twice unless it proved the first did not apply."},
		"webhook":        {run: runWebhook, args: []string{"sign|listen"}, help: webhookHelp},
		"webhook sign":   {run: runWebhookSign, help: webhookSignHelp, sub: true},
		"webhook listen": {run: runWebhookListen, help: webhookListenHelp, sub: true},
		"mock":           {run: runMock, help: "Serve the fake Polar checkout API (polartest) until interrupted, for tests in any language. The banner on stdout gives its URL, token and fixture IDs."},
		"demo":           {run: runDemo, help: "Walk the whole checkout flow, with a webhook listener verifying the deliveries, against an in-process fake server; with a token, --server sandbox and --product-id, the steps that take no money against Polar's sandbox."},
		"version":        {run: runVersion, help: "Print the SDK version, the default API version (and the one selected by --api-version or $POLAR_API_VERSION) and the Go version."},
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
func readBody(env *environment, path string, v any) error {
	if path == "" {
		return nil
	}
	r := env.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return usagef("--body: %v", err)
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

// parseID turns a command-line value into a Polar ID; what is the flag
// or argument it came from. The error quotes the value only when it
// cannot be a credential typed in the wrong place.
func parseID(what, s string) (polar.UUID, error) {
	id, err := polar.ParseUUID(s)
	if err != nil {
		var ae *polar.InvalidArgumentError
		if errors.As(err, &ae) {
			return id, usagef("%s: %s", what, ae.Reason)
		}
		return id, usagef("%s: not a UUID", what)
	}
	return id, nil
}

// parseUUIDs parses repeated ID flags.
func parseUUIDs(flagName string, values []string) (*[]polar.UUID, error) {
	if len(values) == 0 {
		return nil, nil
	}
	ids := make([]polar.UUID, 0, len(values))
	for _, v := range values {
		id, err := parseID("--"+flagName, v)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return &ids, nil
}

// parseEmail checks an email flag the way the request encoder will,
// so that a typo is named by its flag.
func parseEmail(flagName, s string) (polar.Email, error) {
	e := polar.Email(s)
	if _, err := json.Marshal(e); err != nil {
		return e, usagef("--%s: not an email address", flagName)
	}
	return e, nil
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

// listPage is a page as the API sends it (ListResource_Checkout_), so the
// output of list reads like the API's documentation.
type listPage struct {
	Items      []polar.Checkout `json:"items"`
	Pagination pagination       `json:"pagination"`
}

// pagination is the API's Pagination object.
type pagination struct {
	TotalCount int `json:"total_count"`
	MaxPage    int `json:"max_page"`
}

// wirePage renders an SDK page in the API's shape.
func wirePage(p *polar.Page) listPage {
	items := p.Items
	if items == nil {
		items = []polar.Checkout{}
	}
	return listPage{Items: items, Pagination: pagination{TotalCount: p.TotalCount, MaxPage: p.MaxPage}}
}

// listFlags are the filters of list.
type listFlags struct {
	orgs, products, customers, external, statuses, sorting multiFlag
	query                                                  string
	page, limit                                            int
	all                                                    bool
}

func newListFlags(fs *flag.FlagSet) *listFlags {
	l := &listFlags{}
	fs.Var(&l.orgs, "organization-id", "only sessions of this organization `ID` (repeatable)")
	fs.Var(&l.products, "product-id", "only sessions offering this product `ID` (repeatable)")
	fs.Var(&l.customers, "customer-id", "only sessions of this customer `ID` (repeatable)")
	fs.Var(&l.external, "external-customer-id", "only sessions of this customer `ID` in your system (repeatable)")
	fs.Var(&l.statuses, "status", "only sessions in this `state`: open, expired, confirmed, succeeded, failed (repeatable)")
	fs.Var(&l.sorting, "sort", "sort `key` such as -created_at or status (repeatable, applied in order)")
	fs.StringVar(&l.query, "query", "", "search on the customer `email`")
	fs.IntVar(&l.page, "page", 1, "page `number`")
	fs.IntVar(&l.limit, "limit", 10, "page `size` (Polar serves at most 100)")
	fs.BoolVar(&l.all, "all", false, "stream every session of every page as JSON lines, with progress on stderr")
	return l
}

// params turns the flags into list parameters.
func (l *listFlags) params() (*polar.ListParams, error) {
	params := &polar.ListParams{Page: &l.page, Limit: &l.limit}
	var err error
	if params.OrganizationID, err = parseUUIDs("organization-id", l.orgs); err != nil {
		return nil, err
	}
	if params.ProductID, err = parseUUIDs("product-id", l.products); err != nil {
		return nil, err
	}
	if params.CustomerID, err = parseUUIDs("customer-id", l.customers); err != nil {
		return nil, err
	}
	if len(l.external) > 0 {
		params.ExternalCustomerID = (*[]string)(&l.external)
	}
	if len(l.statuses) > 0 {
		st := make([]polar.CheckoutStatus, len(l.statuses))
		for i, s := range l.statuses {
			if st[i] = polar.CheckoutStatus(s); !st[i].Valid() {
				return nil, usagef("--status %q: want open, expired, confirmed, succeeded or failed", s)
			}
		}
		params.Status = &st
	}
	if len(l.sorting) > 0 {
		keys := make([]polar.CheckoutSortProperty, len(l.sorting))
		for i, s := range l.sorting {
			if keys[i] = polar.CheckoutSortProperty(s); !keys[i].Valid() {
				return nil, usagef("--sort %q: want created_at, expires_at or status, optionally with a leading -", s)
			}
		}
		params.Sorting = &keys
	}
	if l.query != "" {
		params.Query = &l.query
	}
	return params, nil
}

func runList(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	l := newListFlags(fs)
	if _, err := parseFlags(fs, env, args); err != nil {
		return err
	}
	params, err := l.params()
	if err != nil {
		return err
	}
	c, err := env.newClient()
	if err != nil {
		return err
	}
	ctx, cancel := withTimeout(ctx, env)
	defer cancel()
	if !l.all {
		res, err := c.Checkouts.List(ctx, params)
		if err != nil {
			return err
		}
		return printJSON(env.stdout, wirePage(res))
	}
	return streamAll(ctx, env, c, params)
}

// streamAll prints every session of every page as one JSON line each,
// with progress on stderr.
func streamAll(ctx context.Context, env *environment, c *polar.Client, params *polar.ListParams) error {
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
	var amount optionalInt
	meta := kvFlag{}
	fs.Var(&products, "product", "product `ID` to offer (repeatable; the first is selected)")
	fs.Var(meta, "metadata", "metadata `key=value` (repeatable)")
	external := fs.String("external-customer-id", "", "the customer's `ID` in your system")
	email := fs.String("customer-email", "", "the customer's `email`")
	discount := fs.String("discount-id", "", "discount `ID` to apply")
	successURL := fs.String("success-url", "", "`URL` to send the customer to after paying")
	fs.Var(&amount, "amount", "amount in `cents`, for pay-what-you-want prices")
	bodyPath := fs.String("body", "", "JSON `file` (or - for stdin) with the full CheckoutCreate body; flags override it")
	if _, err := parseFlags(fs, env, args); err != nil {
		return err
	}
	body := &polar.CheckoutCreate{}
	if err := readBody(env, *bodyPath, body); err != nil {
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
		e, err := parseEmail("customer-email", *email)
		if err != nil {
			return err
		}
		body.CustomerEmail = polar.Value(e)
	}
	if *discount != "" {
		id, err := parseID("--discount-id", *discount)
		if err != nil {
			return err
		}
		body.DiscountID = polar.Value(id)
	}
	if *successURL != "" {
		body.SuccessURL = polar.Value(*successURL)
	}
	if amount.set {
		body.Amount = polar.Value(amount.value)
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
	return runLookup(ctx, env, args, "get", func(ctx context.Context, c *polar.Client, arg string) (any, error) {
		id, err := parseID("ID argument", arg)
		if err != nil {
			return nil, err
		}
		return c.Checkouts.Get(ctx, id)
	})
}

// runLookup runs a command that takes one argument and no flags of its
// own, and prints what call returns.
func runLookup(ctx context.Context, env *environment, args []string, name string, call func(context.Context, *polar.Client, string) (any, error)) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	pos, err := parseFlags(fs, env, args)
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
	fs.Var(meta, "metadata", "set the metadata to these `key=value` pairs (repeatable)")
	email := fs.String("customer-email", "", "set the customer's `email`")
	discount := fs.String("discount-id", "", "apply the discount with this `ID`")
	clearDiscount := fs.Bool("clear-discount", false, "remove the applied discount")
	product := fs.String("product-id", "", "select the product with this `ID`")
	bodyPath := fs.String("body", "", "JSON `file` (or - for stdin) with a CheckoutUpdate body: absent keys are kept, null clears")
	pos, err := parseFlags(fs, env, args)
	if err != nil {
		return err
	}
	id, err := parseID("ID argument", pos[0])
	if err != nil {
		return err
	}
	body := &polar.CheckoutUpdate{}
	if err := readBody(env, *bodyPath, body); err != nil {
		return err
	}
	if m := metadata(meta); m != nil {
		body.Metadata = m
	}
	if *email != "" {
		e, err := parseEmail("customer-email", *email)
		if err != nil {
			return err
		}
		body.CustomerEmail = polar.Value(e)
	}
	switch {
	case *discount != "" && *clearDiscount:
		return usagef("--discount-id and --clear-discount exclude each other")
	case *discount != "":
		did, err := parseID("--discount-id", *discount)
		if err != nil {
			return err
		}
		body.DiscountID = polar.Value(did)
	case *clearDiscount:
		body.DiscountID = polar.Null[polar.UUID]()
	}
	if *product != "" {
		pid, err := parseID("--product-id", *product)
		if err != nil {
			return err
		}
		body.ProductID = polar.Value(pid)
	}
	c, err := env.newClient()
	if err != nil {
		return err
	}
	ctx, cancel := withTimeout(ctx, env)
	defer cancel()
	co, err := c.Checkouts.Update(ctx, id, body)
	if err != nil {
		return err
	}
	return printJSON(env.stdout, co)
}

func runClientGet(ctx context.Context, env *environment, args []string) error {
	return runLookup(ctx, env, args, "client-get", func(ctx context.Context, c *polar.Client, secret string) (any, error) {
		env.addSecret(secret)
		return c.Checkouts.ClientGet(ctx, secret)
	})
}

// addressFlags are the billing address flags of the client commands.
type addressFlags struct {
	country, line1, postalCode, city, state *string
}

func newAddressFlags(fs *flag.FlagSet) addressFlags {
	return addressFlags{
		country:    fs.String("billing-country", "", "billing address `country` (ISO 3166-1 alpha-2, such as FR)"),
		line1:      fs.String("billing-line1", "", "billing address first `line`"),
		postalCode: fs.String("billing-postal-code", "", "billing address postal `code`"),
		city:       fs.String("billing-city", "", "billing address `city`"),
		state:      fs.String("billing-state", "", "billing address `state` or province code"),
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
	email := fs.String("customer-email", "", "set the customer's `email`")
	name := fs.String("customer-name", "", "set the customer's `name`")
	code := fs.String("discount-code", "", "apply a discount `code`")
	clearCode := fs.Bool("clear-discount-code", false, "remove the discount code")
	addr := newAddressFlags(fs)
	bodyPath := fs.String("body", "", "JSON `file` (or - for stdin) with a CheckoutUpdatePublic body")
	pos, err := parseFlags(fs, env, args)
	if err != nil {
		return err
	}
	env.addSecret(pos[0])
	body := &polar.CheckoutUpdatePublic{}
	if err := readBody(env, *bodyPath, body); err != nil {
		return err
	}
	if *email != "" {
		e, err := parseEmail("customer-email", *email)
		if err != nil {
			return err
		}
		body.CustomerEmail = polar.Value(e)
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
	token := fs.String("confirmation-token", "", "Stripe confirmation `token` (not needed for free checkouts)")
	bodyPath := fs.String("body", "", "JSON `file` (or - for stdin) with a CheckoutConfirmStripe body")
	pos, err := parseFlags(fs, env, args)
	if err != nil {
		return err
	}
	env.addSecret(pos[0])
	body := &polar.CheckoutConfirmStripe{}
	if err := readBody(env, *bodyPath, body); err != nil {
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
