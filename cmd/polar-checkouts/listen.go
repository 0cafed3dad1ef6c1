package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gopolar/checkouts/webhook"
)

func runWebhookListen(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("webhook listen", flag.ContinueOnError)
	var secrets multiFlag
	fs.Var(&secrets, "secret", "webhook `secret` (default $"+envWebhookKey+"; repeat to accept several while rotating)")
	addr := fs.String("addr", "127.0.0.1:8080", "`address` to listen on (port 0 picks a free one)")
	tolerance := fs.Duration("tolerance", webhook.DefaultTolerance, "how far webhook-timestamp may be from this machine's clock")
	if _, err := parseFlags(fs, env, args); err != nil {
		return err
	}
	keys, err := webhookSecrets(env, secrets)
	if err != nil {
		return err
	}
	if *tolerance <= 0 {
		return usagef("--tolerance must be positive")
	}
	v, err := webhook.NewVerifier(keys, webhook.WithTolerance(*tolerance))
	if err != nil {
		return &usageError{msg: "--secret: " + err.Error()}
	}
	if err := checkAddr(*addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	note := env.notef("webhook listen")
	l := &listener{verifier: v, stdout: env.stdout, note: func(format string, args ...any) {
		note("%s", v.Redact(fmt.Sprintf(format, args...))) // parts of a key too, not only the whole secret
	}}
	l.note("verifying deliveries on http://%s (any path); payloads on stdout, one per line", ln.Addr())
	return serve(ctx, env, "webhook listen", &http.Server{Handler: l, ReadHeaderTimeout: 10 * time.Second}, ln)
}

// checkAddr refuses an --addr that is not HOST:PORT as a usage error, so
// that only a failure to listen on a good address is a runtime one.
func checkAddr(addr string) error {
	if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
		return usagef("--addr %q: want HOST:PORT, such as 127.0.0.1:8080 (port 0 picks a free one)", addr)
	}
	return nil
}

// notef returns a printf to stderr for the diagnostics of a command,
// with the command's credentials removed.
func (env *environment) notef(name string) func(format string, args ...any) {
	var mu sync.Mutex
	return func(format string, args ...any) {
		msg := env.redact(fmt.Sprintf(format, args...))
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(env.stderr, "polar-checkouts %s: %s\n", name, msg)
	}
}

// listener verifies deliveries and prints each verified payload as one
// line.
type listener struct {
	verifier *webhook.Verifier
	note     func(format string, args ...any)
	mu       sync.Mutex // serializes the lines on stdout
	stdout   io.Writer
}

// ServeHTTP handles one delivery. The line is written before the answer,
// so a sender that got 204 can read it.
func (l *listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	from := r.Method + " " + r.URL.Path + " from " + r.RemoteAddr
	if r.Method != http.MethodPost {
		l.refuse(w, http.StatusMethodNotAllowed, from, errors.New("not a POST"))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, l.verifier.MaxBodySize()+1))
	if err != nil {
		l.refuse(w, http.StatusBadRequest, from, fmt.Errorf("reading the body: %w", err))
		return
	}
	if err := l.verifier.Verify(body, r.Header); err != nil {
		status := http.StatusForbidden
		if errors.Is(err, webhook.ErrBodyTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		l.refuse(w, status, from, err)
		return
	}
	line, err := payloadLine(body)
	if err != nil {
		l.refuse(w, http.StatusBadRequest, from, err)
		return
	}
	l.print(line)
	w.WriteHeader(http.StatusNoContent)
	l.note("verified %s %s (%d bytes)", describeEvent(r.Header.Get(webhook.HeaderID), body), r.Header.Get(webhook.HeaderID), len(body))
}

// refuse answers status and says why on stderr; nothing goes to stdout.
func (l *listener) refuse(w http.ResponseWriter, status int, from string, err error) {
	l.note("refused %s: %d: %v", from, status, err)
	http.Error(w, http.StatusText(status), status)
}

// print writes one line on stdout, whole.
func (l *listener) print(line []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.stdout.Write(append(line, '\n'))
}

// payloadLine returns the payload as one line: the body itself when it
// has no line break, which is what Polar sends. JSON allows line breaks
// only as white space between tokens, so a body with some is compacted:
// that white space goes, every token stays byte for byte (nothing is
// re-escaped). A body that is not JSON cannot be a payload.
func payloadLine(body []byte) ([]byte, error) {
	if !json.Valid(body) {
		return nil, errors.New("verified, but the body is not JSON")
	}
	if !bytes.ContainsAny(body, "\r\n") {
		return body, nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, body); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// describeEvent names the type of a verified payload for stderr, or says
// why the SDK would not decode it.
func describeEvent(id string, body []byte) string {
	ev, err := webhook.Parse(id, body)
	if err != nil {
		return "payload (not one the SDK decodes: " + cut(err.Error(), 160) + ")"
	}
	return ev.Meta().Type
}

// cut shortens s to at most n bytes, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
