package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/gopolar/checkouts/webhook"
)

// A complete endpoint: verify, decode, act on the status, deduplicate on
// the webhook-id, and answer fast. Here it receives one delivery signed
// with webhook.Sign, as Polar would send it.
func Example_handler() {
	// In production: os.Getenv("POLAR_WEBHOOK_SECRET"); during a rotation
	// pass the old and the new secret.
	secrets := []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
	v, err := webhook.NewVerifier(secrets)
	if err != nil {
		log.Fatal(err)
	}
	handle := func(ctx context.Context, ev webhook.Event) error {
		switch e := ev.(type) {
		case *webhook.CheckoutUpdated:
			switch webhook.StateOf(&e.Checkout) {
			case webhook.PaymentPaid:
				// Record it (keyed by e.ID, the webhook-id) and return; fulfil
				// from a queue. An error here makes Polar deliver it again.
				fmt.Println("paid:", e.Checkout.ID, e.Checkout.TotalAmount, e.Checkout.Currency)
			case webhook.PaymentProcessing:
				fmt.Println("confirmed, not paid yet")
			}
		case *webhook.OrderPaid:
			fmt.Println("order paid")
		case *webhook.UnknownEvent:
			// Event types this SDK does not know: acknowledge them.
		}
		return nil
	}
	h, err := webhook.NewHandler(v, handle, webhook.WithDedup(10_000))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/polar", h)

	// A delivery, and the same one again (a retry).
	body := []byte(`{"type":"checkout.updated","timestamp":"2026-05-10T17:05:00Z","data":` + checkoutJSON + `}`)
	headers, _ := webhook.Sign(secrets[0], "msg_2x7Kq9Lm", time.Now(), body)
	for range 2 {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/polar", bytes.NewReader(body))
		req.Header = headers.Clone()
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// paid: 00000000-0000-4000-8000-000000000000 5880 eur
	// 204
	// 204
}

// Sign gives the headers Polar would send, for tests of your endpoint.
func ExampleSign() {
	body := []byte(`{"type":"checkout.created","timestamp":"2026-05-10T17:05:00Z","data":{}}`)
	h, err := webhook.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_2x7Kq9Lm", time.Unix(1778432700, 0), body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Get(webhook.HeaderID))
	fmt.Println(h.Get(webhook.HeaderTimestamp))
	fmt.Println(h.Get(webhook.HeaderSignature))
	// Output:
	// msg_2x7Kq9Lm
	// 1778432700
	// v1,RAXTmudgjFivQ1D2VLIGxJToJDIaxcFN/f3cPSdGjvI=
}

// Verify checks the raw body against the headers; errors say why not.
func ExampleVerifier_Verify() {
	const secret = "polar_whs_kX4r9TqL2mWb7Zc1Vn8Hy3Pd6Fs0Ga5J" // an older, raw secret
	signedAt := time.Unix(1778432700, 0)
	body := []byte(`{"type":"checkout.created"}`)
	h, _ := webhook.Sign(secret, "msg_1", signedAt, body)

	v, _ := webhook.NewVerifier([]string{secret}, webhook.WithClock(func() time.Time { return signedAt.Add(time.Minute) }))
	fmt.Println(v.Verify(body, h))
	fmt.Println(v.Verify([]byte(`{"type":"checkout.created" }`), h))

	late, _ := webhook.NewVerifier([]string{secret}, webhook.WithClock(func() time.Time { return signedAt.Add(time.Hour) }))
	err := late.Verify(body, h)
	fmt.Println(errors.Is(err, webhook.ErrTimestampTooOld), err)

	// Headers from anything with a lookup function, such as a map.
	m := map[string]string{"webhook-id": h.Get("webhook-id"), "webhook-timestamp": h.Get("webhook-timestamp")}
	err = v.Verify(body, webhook.HeaderFunc(func(name string) string { return m[name] }))
	var missing *webhook.MissingHeaderError
	fmt.Println(errors.As(err, &missing), missing.Headers)
	// Output:
	// <nil>
	// webhook: no matching signature: 1 v1 entries, 1 keys tried
	// true webhook: timestamp too old: signed 1h0m0s ago, tolerance 5m0s
	// true [webhook-signature]
}

// ConstructEvent verifies and decodes; Parse decodes a body verified
// earlier (for example one stored by the handler to process later).
func ExampleVerifier_ConstructEvent() {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	body := []byte(`{"type":"order.paid","timestamp":"2026-05-10T17:05:00Z","data":{"id":"0f6d2b8e-4c1a-4e7f-9b3d-8a5c6e7f1a2b","checkout_id":"00000000-0000-4000-8000-000000000000","status":"paid","paid":true,"total_amount":5880}}`)
	h, _ := webhook.Sign(secret, "msg_31pQx0Zr4", time.Now(), body)

	v, _ := webhook.NewVerifier([]string{secret})
	ev, err := v.ConstructEvent(body, h)
	if err != nil {
		log.Fatal(err)
	}
	if o, ok := webhook.OrderOf(ev); ok {
		checkoutID, _ := o.CheckoutID.Get()
		fmt.Println(ev.Meta().ID, ev.Meta().Type, o.Paid, checkoutID)
	}

	_, err = webhook.Parse("msg_x", []byte(`{"type":"order.paid","timestamp":"2026-05-10T17:05:00Z","data":{"id":"0f6d2b8e-4c1a-4e7f-9b3d-8a5c6e7f1a2b"}}`))
	fmt.Println(err)
	// Output:
	// msg_31pQx0Zr4 order.paid true 00000000-0000-4000-8000-000000000000
	// webhook: invalid payload of type order.paid: field data: missing required member checkout_id, paid, status
}

// checkoutJSON is a paid checkout session as Polar sends it.
const checkoutJSON = `{"id":"00000000-0000-4000-8000-000000000000","created_at":"2026-05-10T17:03:11Z","modified_at":"2026-05-10T17:04:58Z",` +
	`"payment_processor":"stripe","status":"succeeded","client_secret":"polar_c_x","url":"https://buy.polar.sh/polar_c_x",` +
	`"expires_at":"2026-05-10T18:03:11Z","success_url":"https://example.com/thanks","return_url":null,"embed_origin":null,` +
	`"amount":4900,"discount_amount":0,"net_amount":4900,"tax_amount":980,"tax_behavior":null,"total_amount":5880,"currency":"eur",` +
	`"allow_trial":null,"active_trial_interval":null,"active_trial_interval_count":null,"trial_end":null,` +
	`"organization_id":"8e4f2c61-7a3b-4d95-a0c8-1f6e5b9d2a70","product_id":null,"product_price_id":null,"discount_id":null,` +
	`"allow_discount_codes":true,"require_billing_address":false,"is_discount_applicable":true,"is_free_product_price":false,` +
	`"is_payment_required":true,"is_payment_setup_required":false,"is_payment_form_required":true,"customer_id":null,` +
	`"is_business_customer":false,"customer_name":null,"customer_email":"ada@example.com","customer_ip_address":null,` +
	`"customer_billing_name":null,"customer_billing_address":null,"customer_tax_id":null,"payment_method_type":"card",` +
	`"payment_processor_metadata":{},"billing_address_fields":{"country":"required","state":"disabled","city":"disabled",` +
	`"postal_code":"disabled","line1":"disabled","line2":"disabled"},"trial_interval":null,"trial_interval_count":null,` +
	`"metadata":{},"external_customer_id":"user_42","products":[],"product":null,"product_price":null,"prices":null,` +
	`"discount":null,"subscription_id":null,"attached_custom_fields":null,"customer_metadata":{}}`
