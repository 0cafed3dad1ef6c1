// Command polar-checkouts drives Polar checkout sessions from the shell,
// runs a fake Polar server for tests in any language, and demonstrates the
// whole checkout flow.
//
//	polar-checkouts [global flags] <command> [flags] [args]
//
// Commands: list, create, get, update, client-get, client-update,
// client-confirm, mock, demo. Results are JSON on stdout; errors are one
// line on stderr. Exit status: 0 success, 1 API or network error, 2 usage.
//
// Global flags (before or after the command):
//
//	--server production|sandbox|URL   Polar environment (default production)
//	--token TOKEN                     access token (default $POLAR_ACCESS_TOKEN)
//	--timeout DURATION                bound for the whole command (default 60s)
//	-v                                debug logs on stderr (never secrets)
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

// usageError marks a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	env := &environment{stdout: stdout, stderr: stderr, getenv: os.Getenv}
	top := flag.NewFlagSet("polar-checkouts", flag.ContinueOnError)
	top.SetOutput(stderr)
	env.globals.register(top)
	top.Usage = func() { printUsage(stderr) }
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if top.NArg() == 0 {
		printUsage(stderr)
		return exitUsage
	}
	name, rest := top.Arg(0), top.Args()[1:]
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "polar-checkouts: unknown command %q\n", name)
		printUsage(stderr)
		return exitUsage
	}
	err := cmd.run(ctx, env, rest)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case isUsage(err):
		fmt.Fprintf(stderr, "polar-checkouts %s: %s\n", name, oneLine(err.Error()))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "polar-checkouts %s: %s\n", name, oneLine(err.Error()))
		return exitAPI
	}
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `usage: polar-checkouts [global flags] <command> [flags] [args]

Commands:
  list            list checkout sessions (--all streams every page)
  create          create a checkout session
  get ID          get a checkout session
  update ID       update a checkout session
  client-get SECRET       get a session by client secret
  client-update SECRET    update a session by client secret
  client-confirm SECRET   confirm a session by client secret
  mock            run a fake Polar checkout server (for tests in any language)
  demo            walk the whole checkout flow (fake server unless a token and --server sandbox are given)

Global flags:
  --server production|sandbox|URL   Polar environment (default production)
  --token TOKEN                     access token (default $POLAR_ACCESS_TOKEN)
  --timeout DURATION                bound for the whole command (default 60s)
  -v                                debug logs on stderr

Run 'polar-checkouts <command> -h' for the flags of a command.
Exit status: 0 success, 1 API or network error, 2 usage error.
`)
}
