package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// globals are the flags every command accepts.
type globals struct {
	server  string
	token   string
	timeout time.Duration
	verbose bool
}

// register adds the global flags to fs, bound to g, so they can be given
// before or after the command name.
func (g *globals) register(fs *flag.FlagSet) {
	if g.server == "" {
		g.server = "production"
	}
	if g.timeout == 0 {
		g.timeout = 60 * time.Second
	}
	fs.StringVar(&g.server, "server", g.server, "Polar environment: production, sandbox or a base URL")
	fs.StringVar(&g.token, "token", g.token, "access token (default $POLAR_ACCESS_TOKEN)")
	fs.DurationVar(&g.timeout, "timeout", g.timeout, "bound for the whole command")
	fs.BoolVar(&g.verbose, "v", g.verbose, "debug logs on stderr")
}

// environment is what commands read and write.
type environment struct {
	globals globals
	stdout  io.Writer
	stderr  io.Writer
	getenv  func(string) string
}

// token returns the access token from --token or POLAR_ACCESS_TOKEN.
func (e *environment) token() string {
	if e.globals.token != "" {
		return e.globals.token
	}
	return strings.TrimSpace(e.getenv("POLAR_ACCESS_TOKEN"))
}

// commonOptions are the SDK options of every client the CLI makes: its
// name in the User-Agent, and debug logs with -v.
func (e *environment) commonOptions() []polar.Option {
	opts := []polar.Option{polar.WithAppInfo("polar-checkouts-cli", polar.Version)}
	if e.globals.verbose {
		logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		opts = append(opts, polar.WithLogger(logger))
	}
	return opts
}

// clientOptions turns the global flags into SDK options.
func (e *environment) clientOptions() ([]polar.Option, error) {
	opts := e.commonOptions()
	switch s := e.globals.server; s {
	case "production", "":
		opts = append(opts, polar.WithServer(polar.Production))
	case "sandbox":
		opts = append(opts, polar.WithServer(polar.Sandbox))
	default:
		if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
			return nil, usagef("--server must be production, sandbox or a URL, not %q", s)
		}
		opts = append(opts, polar.WithBaseURL(s))
	}
	if tok := e.token(); tok != "" {
		opts = append(opts, polar.WithAccessToken(tok))
	}
	return opts, nil
}

// newClient builds the SDK client from the global flags.
func (e *environment) newClient() (*polar.Client, error) {
	opts, err := e.clientOptions()
	if err != nil {
		return nil, err
	}
	c, err := polar.NewClient(opts...)
	if err != nil {
		return nil, &usageError{msg: err.Error()}
	}
	return c, nil
}

// isUsage reports whether err is a command-line mistake rather than a
// failure of the API: bad flags, or an argument the SDK refused before
// sending anything.
func isUsage(err error) bool {
	var ue *usageError
	return errors.As(err, &ue) || errors.Is(err, polar.ErrInvalidArgument) || errors.Is(err, polar.ErrNoAccessToken)
}

// oneLine flattens a message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// parseFlags parses a command's flags, with the global flags added, and
// returns the positional arguments. Flags may come before or after them.
func parseFlags(fs *flag.FlagSet, env *environment, args []string, wantArgs int, argName string) ([]string, error) {
	fs.SetOutput(env.stderr)
	env.globals.register(fs)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{msg: err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(positional) != wantArgs {
		if wantArgs == 0 {
			return nil, usagef("unexpected argument %q", positional[0])
		}
		return nil, usagef("want exactly one %s argument", argName)
	}
	return positional, nil
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// kvFlag is a repeatable key=value flag.
type kvFlag map[string]string

func (k kvFlag) String() string { return fmt.Sprint(map[string]string(k)) }
func (k kvFlag) Set(v string) error {
	key, val, ok := strings.Cut(v, "=")
	if !ok || key == "" {
		return fmt.Errorf("want key=value, got %q", v)
	}
	k[key] = val
	return nil
}
