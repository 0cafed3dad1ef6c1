// Command polar-checkouts drives Polar checkout sessions from the shell,
// runs a fake Polar server for tests in any language, signs and verifies
// webhook deliveries, and demonstrates the whole checkout flow.
//
//	polar-checkouts [global flags] <command> [flags] [args]
//
// Commands: list, create, get, update, client-get, client-update,
// client-confirm, webhook sign, webhook listen, mock, demo, version.
// Results are JSON on stdout, in the API's wire names; errors are one line
// on stderr, naming the CLI's flags. Exit status: 0 success, 1 API or
// network error, 2 usage.
//
// Global flags (before or after the command):
//
//	--server production|sandbox|URL   Polar environment (default production)
//	--token TOKEN                     access token (default $POLAR_ACCESS_TOKEN)
//	--api-version YYYY-MM             Polar-Version (default $POLAR_API_VERSION, else the SDK's default)
//	--organization ID                 Polar-Organization (default $POLAR_ORGANIZATION_ID)
//	--insecure-http                   allow a plain http:// --server off this machine
//	--timeout DURATION                bound for the whole command (default 60s)
//	-v                                debug logs on stderr (never secrets)
//
// Webhook secrets come from --secret or $POLAR_WEBHOOK_SECRET. No
// credential is ever printed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses.
const (
	exitOK    = 0
	exitAPI   = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &environment{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	return env.run(ctx, args)
}

// run executes one command line in env and returns the exit status.
func (env *environment) run(ctx context.Context, args []string) int {
	top := flag.NewFlagSet("polar-checkouts", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	top.Usage = func() {}
	env.globals.register(top)
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(env.stdout)
			return exitOK
		}
		return env.fail("", &usageError{msg: err.Error()})
	}
	if top.NArg() == 0 {
		printUsage(env.stderr)
		return exitUsage
	}
	name, rest := top.Arg(0), top.Args()[1:]
	cmd, ok := commands[name]
	if !ok || cmd.sub {
		return env.fail("", usagef("unknown command %q", name))
	}
	if len(rest) > 0 {
		if sub, ok := commands[name+" "+rest[0]]; ok && sub.sub {
			name, cmd, rest = name+" "+rest[0], sub, rest[1:]
		}
	}
	return env.fail(name, cmd.run(ctx, env, rest))
}

// fail reports err (nil is success) on one line of stderr, without any
// credential the command was given, and returns the exit status. A usage
// error adds where to find help.
func (env *environment) fail(name string, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	prefix := "polar-checkouts"
	if name != "" {
		prefix += " " + name
	}
	err = env.inFlagTerms(err)
	fmt.Fprintf(env.stderr, "%s: %s\n", prefix, env.redact(explain(err)))
	if !isUsage(err) {
		return exitAPI
	}
	fmt.Fprintf(env.stderr, "run '%s -h' for help\n", prefix)
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `usage: polar-checkouts [global flags] <command> [flags] [args]

Commands:
  list                    list checkout sessions (--all streams every page)
  create                  create a checkout session
  get ID                  get a checkout session
  update ID               update a checkout session
  client-get SECRET       get a session by client secret
  client-update SECRET    update a session by client secret
  client-confirm SECRET   confirm a session by client secret
  webhook sign            print the signature headers of a body read on stdin
  webhook listen          verify webhook deliveries, print each payload as a JSON line
  mock                    run a fake Polar checkout server (for tests in any language)
  demo                    walk the whole checkout flow (fake server unless a token and --server sandbox are given)
  version                 print the SDK version, the default API version and the Go version

Global flags:
  --server production|sandbox|URL   Polar environment (default production)
  --token TOKEN                     access token (default $POLAR_ACCESS_TOKEN)
  --api-version YYYY-MM             Polar-Version (default $POLAR_API_VERSION, else the SDK's default)
  --organization ID                 Polar-Organization header (default $POLAR_ORGANIZATION_ID)
  --insecure-http                   allow a plain http:// --server that is not on this machine
  --timeout DURATION                bound for the whole command (default 60s)
  -v                                debug logs on stderr

Run 'polar-checkouts <command> -h' for the flags of a command.
Output is JSON on stdout, in the API's field names. Errors are one line on stderr.
Exit status: 0 success, 1 API or network error, 2 usage error.
`)
}
