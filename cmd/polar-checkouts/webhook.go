package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gopolar/checkouts/webhook"
)

const webhookHelp = `Sign and verify Polar webhook deliveries (Standard Webhooks signatures).

  polar-checkouts webhook sign   [--secret S] [--id ID] [--timestamp UNIX] < body.json
  polar-checkouts webhook listen [--secret S] [--addr HOST:PORT]

The secret comes from --secret or $` + envWebhookKey + ` (keeps it out of your shell
history); it is never printed. Run 'polar-checkouts webhook <sign|listen> -h' for details.`

const webhookSignHelp = `Read a webhook body on stdin and print the three headers Polar would send with it,
one "Name: value" line each, for curl:

  polar-checkouts webhook sign < body.json > headers.txt
  curl -H @headers.txt -H 'Content-Type: application/json' --data-binary @body.json http://127.0.0.1:8080/

The signature covers the exact bytes read, including a final newline: send them with
--data-binary (curl -d strips newlines). The secret comes from --secret or
$` + envWebhookKey + `: "whsec_<base64>" signs with the decoded key, like Polar's secrets
since 2026-09-08; anything else with the raw bytes of the string, like older ones.`

const webhookListenHelp = `Verify webhook deliveries on any path of --addr and print each verified payload
on stdout as one line: exactly the bytes received. Polar sends compact JSON; a body with
line breaks (JSON allows them only between tokens) is printed with that white space
removed, and nothing else changed. A delivery that fails verification gets 403 and
prints nothing on stdout; diagnostics, including one line per delivery with its
webhook-id and type, go to stderr. Retries of a delivery (same webhook-id) are printed
again. Several --secret flags accept any of the secrets (rotation).

Answers: 204 verified and printed; 403 bad or missing signature or timestamp;
400 verified but not JSON; 413 too large; 405 not a POST.`

// webhookSecrets returns the secrets of --secret (repeatable), else of
// POLAR_WEBHOOK_SECRET, and records them to keep them out of messages.
func webhookSecrets(env *environment, flagged []string) ([]string, error) {
	secrets := flagged
	if len(secrets) == 0 {
		if s := strings.TrimSpace(env.getenv(envWebhookKey)); s != "" {
			secrets = []string{s}
		}
	}
	if len(secrets) == 0 {
		return nil, usagef("no webhook secret: give --secret or set %s", envWebhookKey)
	}
	for _, s := range secrets {
		env.addSecret(s)
	}
	return secrets, nil
}

// runWebhook is the webhook group without a known subcommand (run
// resolves "webhook sign" and "webhook listen" itself).
func runWebhook(_ context.Context, env *environment, args []string) error {
	switch {
	case len(args) == 0:
		return usagef("want a subcommand: sign or listen")
	case args[0] == "-h" || args[0] == "-help" || args[0] == "--help":
		fmt.Fprintln(env.stdout, webhookHelp)
		return nil
	}
	return usagef("unknown subcommand %q: want sign or listen", args[0])
}

func runWebhookSign(_ context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("webhook sign", flag.ContinueOnError)
	var secrets multiFlag
	fs.Var(&secrets, "secret", "webhook `secret` (default $"+envWebhookKey+")")
	id := fs.String("id", "", "webhook-id `ID` (default a fresh msg_… id)")
	ts := fs.String("timestamp", "", "webhook-timestamp in Unix `seconds` (default now)")
	if _, err := parseFlags(fs, env, args); err != nil {
		return err
	}
	keys, err := webhookSecrets(env, secrets)
	if err != nil {
		return err
	}
	if len(keys) > 1 {
		return usagef("webhook sign takes one --secret")
	}
	at := time.Now()
	if *ts != "" {
		sec, err := parseUnixSeconds(*ts)
		if err != nil {
			return err
		}
		at = time.Unix(sec, 0)
	}
	if *id == "" {
		*id = newMessageID()
	}
	body, err := io.ReadAll(env.stdin)
	if err != nil {
		return fmt.Errorf("reading the body on stdin: %w", err)
	}
	h, err := webhook.Sign(keys[0], *id, at, body)
	if err != nil {
		return signUsage(err)
	}
	for _, name := range []string{webhook.HeaderID, webhook.HeaderTimestamp, webhook.HeaderSignature} {
		fmt.Fprintf(env.stdout, "%s: %s\n", name, h.Get(name))
	}
	return nil
}

// parseUnixSeconds reads --timestamp as a verifier reads the header it
// becomes: decimal digits only, so "+100" or "-5" are refused here rather
// than printed and refused by the receiver.
func parseUnixSeconds(s string) (int64, error) {
	refuse := usagef("--timestamp: want Unix seconds (digits only), such as the output of date +%%s")
	if strings.Trim(s, "0123456789") != "" {
		return 0, refuse
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, refuse
	}
	return sec, nil
}

// signUsage names the flag behind an error of webhook.Sign.
func signUsage(err error) error {
	switch {
	case errors.Is(err, webhook.ErrInvalidSecret):
		return usagef("--secret (or $%s): %v", envWebhookKey, err)
	case errors.Is(err, webhook.ErrInvalidTimestamp):
		return usagef("--timestamp: %v", err)
	}
	return usagef("--id: %v", err)
}

// newMessageID returns a fresh webhook-id in the style of Polar's:
// "msg_" and 26 random characters.
func newMessageID() string { return "msg_" + rand.Text() }
