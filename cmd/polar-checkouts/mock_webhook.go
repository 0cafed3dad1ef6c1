package main

import (
	"flag"
	"log/slog"
	"net/url"
	"slices"
	"strings"

	"github.com/gopolar/checkouts/polartest"
	"github.com/gopolar/checkouts/webhook"
	polar "github.com/gopolar/checkouts/wrapper"
)

// webhookFlags are mock's flags for delivering webhooks.
type webhookFlags struct {
	url, secret, apiVersion string
}

func (f *webhookFlags) register(fs *flag.FlagSet) {
	fs.Var(textValue{p: &f.url}, "webhook-url", "deliver signed checkout events to this http(s) `URL`, as Polar does")
	fs.Var(textValue{p: &f.secret}, "webhook-secret", "`secret` to sign deliveries with: whsec_<base64> or an older raw secret (default $"+envWebhookKey+")")
	fs.Var(textValue{p: &f.apiVersion}, "webhook-api-version", "API `version` of the payloads; 2026-10 and later carry api_version (default 2026-04: none)")
}

// options checks the flags and returns the polartest options they ask
// for; none without --webhook-url.
func (f *webhookFlags) options(env *environment) ([]polartest.Option, error) {
	if f.secret != "" {
		env.addSecret(f.secret)
	}
	if f.url == "" {
		if f.secret != "" || f.apiVersion != "" {
			return nil, usagef("--webhook-secret and --webhook-api-version need --webhook-url")
		}
		return nil, nil // POLAR_WEBHOOK_SECRET alone is for webhook listen and sign
	}
	if f.secret == "" {
		f.secret = strings.TrimSpace(env.getenv(envWebhookKey))
		env.addSecret(f.secret)
	}
	u, err := url.Parse(f.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("--webhook-url %q: want an absolute http:// or https:// URL", f.url)
	}
	if f.secret == "" {
		return nil, usagef("--webhook-url needs a secret: give --webhook-secret or set %s", envWebhookKey)
	}
	if _, err := webhook.NewVerifier([]string{f.secret}); err != nil {
		// The receiver would refuse this secret: refuse to sign with it.
		return nil, usagef("--webhook-secret (or $%s): %v", envWebhookKey, err)
	}
	opts := []polartest.Option{
		polartest.WithWebhook(f.url, f.secret),
		polartest.WithWebhookLogger(slog.New(slog.NewTextHandler(env.stderr, nil))),
	}
	if f.apiVersion != "" {
		if !slices.Contains(polar.KnownAPIVersions(), f.apiVersion) {
			return nil, usagef("--webhook-api-version %q: want one of %s", f.apiVersion, strings.Join(polar.KnownAPIVersions(), ", "))
		}
		opts = append(opts, polartest.WithWebhookAPIVersion(f.apiVersion))
	}
	return opts, nil
}
