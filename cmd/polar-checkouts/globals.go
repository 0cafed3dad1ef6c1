package main

import (
	"flag"
	"io"
	"log/slog"
	"strings"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// Environment variables the CLI reads. A flag wins over its variable.
const (
	envToken        = "POLAR_ACCESS_TOKEN"
	envAPIVersion   = "POLAR_API_VERSION"
	envOrganization = "POLAR_ORGANIZATION_ID"
	envWebhookKey   = "POLAR_WEBHOOK_SECRET"
)

// Defaults of the global flags.
const (
	defaultServer  = "production"
	defaultTimeout = 60 * time.Second
)

// globals are the flags every command accepts, before or after its name.
type globals struct {
	server       string
	token        string
	apiVersion   string
	organization string
	insecureHTTP bool
	timeout      time.Duration
	verbose      bool
}

// globalFlagNames are the names register adds, so that a command's help
// can list them apart from its own flags.
var globalFlagNames = map[string]bool{
	"server": true, "token": true, "api-version": true, "organization": true,
	"insecure-http": true, "timeout": true, "v": true,
}

// register adds the global flags to fs, bound to g. Registering them on
// several flag sets in turn (the top level, then the command) keeps what
// an earlier set parsed, and the defaults shown in help never include a
// value given on the command line, so --token is never echoed.
func (g *globals) register(fs *flag.FlagSet) {
	if g.server == "" {
		g.server = defaultServer
	}
	if g.timeout == 0 {
		g.timeout = defaultTimeout
	}
	fs.Var(textValue{&g.server, defaultServer}, "server", "Polar `environment`: production, sandbox or a base URL")
	fs.Var(textValue{p: &g.token}, "token", "access `token` (default $"+envToken+")")
	fs.Var(textValue{p: &g.apiVersion}, "api-version", "`version` to send as Polar-Version, such as "+polar.APIVersion2026_10+" (default $"+envAPIVersion+", else "+polar.DefaultAPIVersion+")")
	fs.Var(textValue{p: &g.organization}, "organization", "organization `ID` sent as Polar-Organization, for tokens that act for several (default $"+envOrganization+")")
	fs.Var(boolValue{&g.insecureHTTP}, "insecure-http", "allow a plain http:// --server that is not on this machine (the token travels in clear)")
	fs.Var(durationValue{&g.timeout, defaultTimeout}, "timeout", "bound for the whole command (a `duration` such as 30s)")
	fs.Var(boolValue{&g.verbose}, "v", "debug logs on stderr (never secrets)")
}

// environment is what commands read and write.
type environment struct {
	globals globals
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	getenv  func(string) string
	// secrets are credentials the command was given (token, webhook
	// secrets); they are removed from anything printed on stderr.
	secrets []string
	// flags are the command's, once parsed: errors name them.
	flags *flag.FlagSet
}

// setting returns the flag's value, else the environment variable's.
func (e *environment) setting(flagValue, variable string) string {
	if flagValue != "" {
		return flagValue
	}
	return strings.TrimSpace(e.getenv(variable))
}

// token returns the access token from --token or POLAR_ACCESS_TOKEN.
func (e *environment) token() string {
	tok := e.setting(e.globals.token, envToken)
	e.addSecret(tok)
	return tok
}

// addSecret records a credential to keep out of error messages.
func (e *environment) addSecret(s string) {
	if s != "" {
		e.secrets = append(e.secrets, s)
	}
}

// redact removes the credentials the command was given from s.
func (e *environment) redact(s string) string {
	for _, secret := range e.secrets {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[REDACTED]")
		}
	}
	return s
}

// commonOptions are the SDK options of every client the CLI makes, also
// the demo's client of the in-process fake: its name in the User-Agent,
// the API version and organization, and debug logs with -v.
func (e *environment) commonOptions() []polar.Option {
	opts := []polar.Option{polar.WithAppInfo("polar-checkouts-cli", polar.Version)}
	if v := e.setting(e.globals.apiVersion, envAPIVersion); v != "" {
		opts = append(opts, polar.WithAPIVersion(v))
	}
	if org := e.setting(e.globals.organization, envOrganization); org != "" {
		opts = append(opts, polar.WithOrganization(org))
	}
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
	if e.globals.insecureHTTP {
		opts = append(opts, polar.WithInsecureHTTP())
	}
	if tok := e.token(); tok != "" {
		opts = append(opts, polar.WithAccessToken(tok))
	}
	return opts, nil
}

// newClient builds the SDK client from the global flags. Its errors name
// the flags, not the SDK options behind them.
func (e *environment) newClient() (*polar.Client, error) {
	opts, err := e.clientOptions()
	if err != nil {
		return nil, err
	}
	c, err := polar.NewClient(opts...)
	if err != nil {
		return nil, &usageError{msg: explain(err)}
	}
	return c, nil
}
