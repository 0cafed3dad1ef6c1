package polartest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/gopolar/checkouts/client"
)

// DeliveryState is where a webhook delivery stands.
type DeliveryState int

// The delivery states.
const (
	// DeliveryPending: queued, being attempted, or waiting for a retry.
	DeliveryPending DeliveryState = iota
	// DeliveryDelivered: an attempt was answered with 2xx.
	DeliveryDelivered
	// DeliveryFailed: every attempt failed, or the Handler was closed
	// first.
	DeliveryFailed
	// DeliveryDropped: an injected [WebhookDrop] fault dropped it; it was
	// never sent.
	DeliveryDropped
)

// String names the state.
func (s DeliveryState) String() string {
	switch s {
	case DeliveryPending:
		return "pending"
	case DeliveryDelivered:
		return "delivered"
	case DeliveryFailed:
		return "failed"
	case DeliveryDropped:
		return "dropped"
	}
	return fmt.Sprintf("DeliveryState(%d)", int(s))
}

// ErrClosed is the error of the attempts cut short, and of the deliveries
// left undone, by [Handler.Close].
var ErrClosed = errors.New("polartest: handler closed")

// Delivery is one webhook event and what became of it, as
// [Handler.Deliveries] reports it.
type Delivery struct {
	// ID is the webhook-id header, the same on every attempt.
	ID string
	// Type is the event type, such as "checkout.updated".
	Type string
	// CheckoutID and CheckoutStatus are those of the checkout in the
	// payload.
	CheckoutID     string
	CheckoutStatus client.CheckoutStatus
	// Payload is the body sent on every attempt.
	Payload []byte
	// State says whether it is delivered.
	State DeliveryState
	// Err, when State is DeliveryFailed, says why: the error of the last
	// attempt, or ErrClosed.
	Err error
	// Fault is the injected fault applied to it; Kind is 0 if none.
	Fault WebhookFault
	// Duplicate marks the second sending of an event made by a
	// [WebhookDuplicate] fault: same ID and payload as the first.
	Duplicate bool
	// Attempts lists the attempts in order.
	Attempts []DeliveryAttempt
}

// DeliveryAttempt is one POST of a delivery.
type DeliveryAttempt struct {
	// At is when the attempt started, in real time.
	At time.Time
	// StatusCode is the status answered; 0 when there was no answer.
	StatusCode int
	// Err is why the attempt failed (a non-2xx status, a transport error,
	// a timeout, a panic of an in-process handler); nil on success.
	Err error
}

// delivery is the state of one Delivery; its fields are guarded by the
// deliverer's mu.
type delivery struct {
	Delivery
}

// deliverer sends the webhook events of a Handler: one goroutine makes
// the first attempts in the order of the events, retries wait in
// goroutines of their own, and a third goroutine sweeps due transitions.
type deliverer struct {
	h      *Handler
	cfg    webhookConfig
	client *http.Client
	ctx    context.Context // cancelled by close
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{} // an event was queued
	kick   chan struct{} // a transition is due now: sweep

	mu      sync.Mutex
	queue   []*delivery // waiting for their first attempt
	log     []*delivery // every delivery, in the order of the events
	faults  []WebhookFault
	pending int           // deliveries not ended
	idle    chan struct{} // closed when pending drops to 0
	closed  bool
}

// reorderWindow is how long a [WebhookReorder] fault waits for the next
// event when the fault sets no Delay.
const reorderWindow = time.Second

func newDeliverer(h *Handler) *deliverer {
	ctx, cancel := context.WithCancel(context.Background())
	d := &deliverer{
		h: h, cfg: h.cfg.webhook, client: h.cfg.webhook.httpClient,
		ctx: ctx, cancel: cancel,
		wake: make(chan struct{}, 1), kick: make(chan struct{}, 1),
		idle: closedChan(),
	}
	if d.client == nil {
		d.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	d.wg.Add(2)
	go d.run()
	go d.sweepLoop()
	return d
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// signal does a non-blocking send on a channel of capacity 1.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// onChange is the store's observer: it queues the event of a change. It
// runs under the store's lock, so it only renders and queues.
func (h *Handler) onChange(old, next *session) {
	typ := eventType(old, next)
	now := h.now()
	body, err := h.webhookPayload(typ, next, now)
	if err != nil {
		return // a stored state always renders; nothing to send otherwise
	}
	h.hooks.enqueue(&delivery{Delivery{
		ID: h.hookIDs.token(webhookIDPrefix), Type: typ,
		CheckoutID: next.id.String(), CheckoutStatus: next.status, Payload: body,
	}})
	if at, ok := nextTransition(next); ok && !now.Before(at) {
		signal(h.hooks.kick)
	}
}

// enqueue adds dv to the log and the queue, with the first injected fault
// that matches it.
func (d *deliverer) enqueue(dv *delivery) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, f := range d.faults {
		if f.Type == "" || f.Type == dv.Type {
			dv.Fault = f
			d.faults = append(d.faults[:i:i], d.faults[i+1:]...)
			break
		}
	}
	d.addLocked(dv)
	if d.closed {
		d.endLocked(dv, DeliveryFailed, ErrClosed)
		return
	}
	d.queue = append(d.queue, dv)
	signal(d.wake)
}

// addLocked logs a new pending delivery; the caller holds mu.
func (d *deliverer) addLocked(dv *delivery) {
	d.log = append(d.log, dv)
	if d.pending == 0 {
		d.idle = make(chan struct{})
	}
	d.pending++
}

// endLocked records the end of dv; the caller holds mu.
func (d *deliverer) endLocked(dv *delivery, state DeliveryState, err error) {
	if dv.State != DeliveryPending {
		return
	}
	dv.State = state
	if state == DeliveryFailed {
		dv.Err = err
		if dv.Err == nil && len(dv.Attempts) > 0 {
			dv.Err = dv.Attempts[len(dv.Attempts)-1].Err
		}
	}
	d.pending--
	if d.pending == 0 {
		close(d.idle)
	}
}

func (d *deliverer) end(dv *delivery, state DeliveryState, err error) {
	d.mu.Lock()
	d.endLocked(dv, state, err)
	d.mu.Unlock()
}

// run makes the first attempts, in order, until close.
func (d *deliverer) run() {
	defer d.wg.Done()
	for {
		dv, ok := d.next(nil)
		if !ok {
			return
		}
		d.dispatch(dv)
	}
}

// next waits for the first queued delivery; with a non-nil timeout
// channel it gives up when that fires. It reports false on close or
// timeout.
func (d *deliverer) next(timeout <-chan time.Time) (*delivery, bool) {
	for {
		d.mu.Lock()
		if len(d.queue) > 0 {
			dv := d.queue[0]
			d.queue = d.queue[1:]
			d.mu.Unlock()
			return dv, true
		}
		d.mu.Unlock()
		select {
		case <-d.wake:
		case <-timeout:
			return nil, false
		case <-d.ctx.Done():
			return nil, false
		}
	}
}

// dispatch sends dv as its fault says.
func (d *deliverer) dispatch(dv *delivery) {
	switch dv.Fault.Kind {
	case WebhookDrop:
		d.end(dv, DeliveryDropped, nil)
	case WebhookDelay:
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			if d.sleep(dv.Fault.Delay) {
				d.deliver(dv)
			}
		}()
	case WebhookReorder:
		window := dv.Fault.Delay
		if window <= 0 {
			window = reorderWindow
		}
		t := time.NewTimer(window)
		if later, ok := d.next(t.C); ok {
			d.dispatch(later)
		}
		t.Stop()
		d.deliver(dv)
	case WebhookDuplicate:
		d.deliver(dv)
		d.deliver(d.duplicate(dv))
	default:
		d.deliver(dv)
	}
}

// duplicate logs a second sending of dv.
func (d *deliverer) duplicate(dv *delivery) *delivery {
	d.mu.Lock()
	defer d.mu.Unlock()
	dup := &delivery{Delivery{
		ID: dv.ID, Type: dv.Type, CheckoutID: dv.CheckoutID, CheckoutStatus: dv.CheckoutStatus,
		Payload: dv.Payload, Fault: dv.Fault, Duplicate: true,
	}}
	d.addLocked(dup)
	return dup
}

// deliver makes the first attempt of dv now and leaves the retries, if it
// fails, to a goroutine, so that the next event is not held up.
func (d *deliverer) deliver(dv *delivery) {
	if d.attempt(dv) {
		d.end(dv, DeliveryDelivered, nil)
		return
	}
	d.wg.Add(1)
	go d.retry(dv)
}

// retry attempts dv again after each retry delay until one succeeds.
func (d *deliverer) retry(dv *delivery) {
	defer d.wg.Done()
	for _, wait := range d.cfg.delays {
		if !d.sleep(wait) {
			d.end(dv, DeliveryFailed, ErrClosed)
			return
		}
		if d.attempt(dv) {
			d.end(dv, DeliveryDelivered, nil)
			return
		}
	}
	d.end(dv, DeliveryFailed, nil)
}

// sleep waits d, or less if the deliverer closes; it reports whether it
// waited the whole time.
func (d *deliverer) sleep(wait time.Duration) bool {
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-d.ctx.Done():
		return false
	}
}

// attempt sends dv once, signed at the server's current time, records the
// attempt and reports whether it was answered with 2xx.
func (d *deliverer) attempt(dv *delivery) bool {
	d.mu.Lock()
	id, body := dv.ID, dv.Payload
	d.mu.Unlock()
	ctx, cancel := context.WithTimeout(d.ctx, d.cfg.timeout)
	defer cancel()
	start := time.Now()
	code, err := d.send(ctx, signedHeaders(d.cfg.secret, id, d.h.now(), body), body)
	if err == nil && (code < 200 || code > 299) {
		err = fmt.Errorf("polartest: webhook endpoint answered %d", code)
	}
	d.mu.Lock()
	dv.Attempts = append(dv.Attempts, DeliveryAttempt{At: start, StatusCode: code, Err: err})
	n, typ, co := len(dv.Attempts), dv.Type, dv.CheckoutID
	d.mu.Unlock()
	d.logAttempt(id, typ, co, n, code, err)
	return err == nil
}

// logAttempt reports one attempt to the configured logger, if any.
func (d *deliverer) logAttempt(id, typ, checkoutID string, n, code int, err error) {
	if d.cfg.logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("webhook_id", id), slog.String("type", typ), slog.String("checkout_id", checkoutID),
		slog.Int("attempt", n), slog.Int("status", code),
	}
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	d.cfg.logger.LogAttrs(context.Background(), level, "polartest: webhook delivery attempt", attrs...)
}

// send POSTs body with hdr to the endpoint and returns the status.
func (d *deliverer) send(ctx context.Context, hdr http.Header, body []byte) (int, error) {
	if d.cfg.handler != nil {
		return serveInProcess(ctx, d.cfg.handler, hdr, body)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.cfg.endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header = hdr
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	return resp.StatusCode, nil
}

// serveInProcess calls h with a delivery request and returns the status
// it writes; a panic of h is an error. When ctx ends first, h is left to
// finish on its own.
func serveInProcess(ctx context.Context, h http.Handler, hdr http.Header, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://polartest.webhook/", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header = hdr
	req.RemoteAddr = "127.0.0.1:0"
	rec := httptest.NewRecorder()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("polartest: webhook handler panicked: %v", r)
			}
		}()
		h.ServeHTTP(rec, req)
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			return 0, err
		}
		return rec.Code, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// sweepLoop applies due transitions every SweepInterval, and at once when
// a change makes one due now.
func (d *deliverer) sweepLoop() {
	defer d.wg.Done()
	t := time.NewTicker(SweepInterval)
	defer t.Stop()
	for {
		select {
		case <-d.ctx.Done():
			return
		case <-t.C:
		case <-d.kick:
		}
		d.h.Sweep()
	}
}

// close stops the goroutines and fails what is left undone.
func (d *deliverer) close() {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.closed = true
	d.mu.Unlock()
	d.cancel()
	d.wg.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, dv := range d.log {
		d.endLocked(dv, DeliveryFailed, ErrClosed)
	}
	d.queue = nil
}

// reset forgets the ended deliveries and the queued faults.
func (d *deliverer) reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.faults = nil
	kept := d.log[:0:0]
	for _, dv := range d.log {
		if dv.State == DeliveryPending {
			kept = append(kept, dv)
		}
	}
	d.log = kept
}

// snapshot copies the log.
func (d *deliverer) snapshot() []Delivery {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Delivery, len(d.log))
	for i, dv := range d.log {
		out[i] = dv.Delivery
		out[i].Payload = append([]byte(nil), dv.Payload...)
		out[i].Attempts = append([]DeliveryAttempt(nil), dv.Attempts...)
	}
	return out
}

// waitIdle waits until no delivery is pending.
func (d *deliverer) waitIdle(ctx context.Context) error {
	for {
		d.mu.Lock()
		pending, idle := d.pending, d.idle
		d.mu.Unlock()
		if pending == 0 {
			return nil
		}
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
