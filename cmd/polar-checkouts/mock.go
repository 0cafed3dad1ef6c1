package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gopolar/checkouts/polartest"
	polar "github.com/gopolar/checkouts/wrapper"
)

// runMock serves the fake Polar checkout API until the process is told
// to stop (SIGINT or SIGTERM), for tests written in any language.
func runMock(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("mock", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:12111", "address to listen on (port 0 picks a free one)")
	printFixtures := fs.Bool("print-fixtures", false, "print the fixture IDs, token and test confirmation tokens as JSON and exit")
	token := fs.String("mock-token", polartest.Token, "access token the server requires on token operations")
	anyToken := fs.Bool("any-token", false, "accept any bearer token")
	confirmDelay := fs.Duration("confirm-delay", 0, "time between a confirmation and the checkout succeeding")
	rateLimit := fs.Bool("confirm-rate-limit", false, "limit confirmations like Polar (6/min, 20/h, then 429)")
	expiry := fs.Duration("expiry", time.Hour, "lifetime of a new checkout")
	var hooks webhookFlags
	hooks.register(fs)
	if _, err := parseFlags(fs, env, args); err != nil {
		return err
	}
	if err := checkMockFlags(*token, *expiry, *confirmDelay); err != nil {
		return err
	}
	if err := checkAddr(*addr); err != nil {
		return err
	}
	hookOpts, err := hooks.options(env)
	if err != nil {
		return err
	}
	if *printFixtures {
		return printJSON(env.stdout, polartest.Fixtures())
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	opts := []polartest.Option{polartest.WithBaseURL(base), polartest.WithToken(*token), polartest.WithExpiry(*expiry), polartest.WithConfirmDelay(*confirmDelay)}
	if *anyToken {
		opts = append(opts, polartest.WithAnyToken())
	}
	if *rateLimit {
		opts = append(opts, polartest.WithConfirmRateLimit())
	}
	h := polartest.NewHandler(append(opts, hookOpts...)...)
	defer h.Close()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	printMockBanner(env, base, *token, *anyToken)
	if hooks.url != "" {
		fmt.Fprintf(env.stdout, "webhooks:     checkout.created/updated/expired → %s (signed; each attempt is logged on stderr)\n", hooks.url)
	}

	return serve(ctx, env, "mock", srv, ln)
}

// printMockBanner tells the user where the server is and what it holds.
func printMockBanner(env *environment, base, token string, anyToken bool) {
	f := polartest.Fixtures()
	w := env.stdout
	fmt.Fprintf(w, "Polar fake checkout server listening on %s (API versions %s)\n", base, strings.Join(polar.KnownAPIVersions(), ", "))
	if anyToken {
		fmt.Fprintln(w, "token:        any bearer token")
	} else {
		fmt.Fprintf(w, "token:        %s   (Authorization: Bearer %s)\n", token, token)
	}
	fmt.Fprintf(w, "organization: %s  %s\n", f.Organization.ID, f.Organization.Name)
	for _, p := range f.Products {
		fmt.Fprintf(w, "product:      %s  %s\n", p.ID, p.Name)
	}
	for _, d := range f.Discounts {
		fmt.Fprintf(w, "discount:     %s  %s (code %s)\n", d.ID, d.Name, d.Code)
	}
	fmt.Fprintf(w, "confirmation tokens: success %s, declined %s, processing %s, declined after confirming %s\n",
		f.ConfirmationTokens.Success, f.ConfirmationTokens.Declined, f.ConfirmationTokens.Processing, f.ConfirmationTokens.DeclinedLater)
	fmt.Fprintln(w, "try: curl -s -X POST "+base+"/v1/checkouts/ -H 'Authorization: Bearer "+token+"' -H 'Content-Type: application/json' -d '{\"products\":[\""+polartest.ProductOneTimeID+"\"]}'")
	fmt.Fprintln(w, "Ctrl-C stops it.")
}

// checkMockFlags refuses, as usage errors, the values polartest's options
// would panic on.
func checkMockFlags(token string, expiry, confirmDelay time.Duration) error {
	switch {
	case strings.TrimSpace(token) == "" || strings.ContainsAny(token, " \t\r\n"):
		return usagef("--mock-token: want a non-empty token without white space")
	case expiry <= 0:
		return usagef("--expiry: want a positive duration, such as 1h")
	case confirmDelay < 0:
		return usagef("--confirm-delay: want a duration of 0 or more, such as 5s")
	}
	return nil
}
