package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gopolar/checkouts/webhook"
)

// demoReceiver is the demo's webhook endpoint: what a merchant's server
// runs, built from package webhook, listening on a loopback port. It
// records each verified event.
type demoReceiver struct {
	URL    string
	secret string
	srv    *http.Server

	mu     sync.Mutex
	events []webhook.Event
}

// newDemoReceiver starts the endpoint with a fresh secret of the current
// scheme ("whsec_<base64>").
func newDemoReceiver() (*demoReceiver, error) {
	key := make([]byte, 24)
	_, _ = rand.Read(key) // never fails
	r := &demoReceiver{secret: "whsec_" + base64.StdEncoding.EncodeToString(key)}
	v, err := webhook.NewVerifier([]string{r.secret})
	if err != nil {
		return nil, err
	}
	h, err := webhook.NewHandler(v, r.record, webhook.WithDedup(1000))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r.URL = "http://" + ln.Addr().String() + "/webhooks/polar"
	r.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = r.srv.Serve(ln) }() // ends with Close
	return r, nil
}

// record is the merchant's handler function: here it only keeps the
// event; a real one queues the work and returns.
func (r *demoReceiver) record(_ context.Context, ev webhook.Event) error {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	return nil
}

func (r *demoReceiver) received() []webhook.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]webhook.Event(nil), r.events...)
}

// forge sends a delivery signed with another secret, as an attacker
// would, and returns the status the endpoint answered.
func (r *demoReceiver) forge(ctx context.Context) (int, error) {
	body := []byte(`{"type":"checkout.updated","timestamp":"2026-12-01T00:00:00Z","data":{}}`)
	h, err := webhook.Sign("whsec_"+base64.StdEncoding.EncodeToString([]byte("not the endpoint's secret")), "msg_forged", time.Now(), body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

func (r *demoReceiver) Close() { _ = r.srv.Close() }

// webhookStep prints the events the fake server delivered, each verified
// by the receiver, and a forged delivery refused.
func (d *demo) webhookStep(ctx context.Context, rcv *demoReceiver) error {
	d.title("Webhooks: every event the fake server sent, verified by a handler built with package webhook")
	if err := d.fake.WaitWebhooks(ctx); err != nil {
		return fmt.Errorf("waiting for webhook deliveries: %w", err)
	}
	events := rcv.received()
	for _, ev := range events {
		m := ev.Meta()
		co, ok := webhook.CheckoutOf(ev)
		if !ok {
			d.printf("   ✓ %-16s %s", m.Type, m.ID[:12]+"…")
			continue
		}
		d.printf("   ✓ %-16s %s  checkout %s…  %-9s → %s", m.Type, m.ID[:12]+"…", co.ID.String()[:8], co.Status, webhook.StateOf(co))
	}
	if sent := len(d.fake.Deliveries()); len(events) != sent {
		d.printf("   ✗ the server sent %d events, the handler verified %d", sent, len(events))
		d.missed++
	}
	code, err := rcv.forge(ctx)
	if err != nil {
		return err
	}
	if code != http.StatusForbidden {
		d.printf("   ✗ a forged delivery got %d, want 403", code)
		d.missed++
		return nil
	}
	d.printf("   ✓ a delivery signed with another secret → 403, not passed to the handler")
	d.printf("   Only succeeded means paid; confirmed is a payment still being processed.")
	return nil
}
