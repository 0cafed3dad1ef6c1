package bench

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/webhook"
)

// The webhook benchmark's delivery: a checkout.updated payload of about
// 3 KB, signed with a current (whsec_) secret.
const (
	benchWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	benchWebhookID     = "msg_2x7Kq9LmBench"
)

type webhookDelivery struct {
	body    []byte
	headers http.Header
	at      time.Time
}

func newWebhookDelivery(b *testing.B) webhookDelivery {
	b.Helper()
	body, err := os.ReadFile("testdata/webhook_checkout_updated.json")
	if err != nil {
		b.Fatal(err)
	}
	at := time.Unix(1778432700, 0)
	h, err := webhook.Sign(benchWebhookSecret, benchWebhookID, at, body)
	if err != nil {
		b.Fatal(err)
	}
	return webhookDelivery{body: body, headers: h, at: at}
}

// webhookImpls are the two ways to check and decode a delivery: the
// baseline is the least any verifier does (one HMAC-SHA256 over
// "<id>.<ts>.<body>", a constant-time compare with the header, and
// json.Unmarshal into the generated payload type); sdk is
// webhook.Verifier.ConstructEvent (header parsing, timestamp window,
// both key schemes, required members, typed event).
func webhookImpls(b *testing.B, d webhookDelivery) [2]func() error {
	key, err := base64.StdEncoding.DecodeString(benchWebhookSecret[len("whsec_"):])
	if err != nil {
		b.Fatal(err)
	}
	ts, sig := d.headers.Get(webhook.HeaderTimestamp), d.headers.Get(webhook.HeaderSignature)[len("v1,"):]
	baseline := func() error {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(benchWebhookID + "." + ts + "."))
		mac.Write(d.body)
		want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
		if subtle.ConstantTimeCompare([]byte(want), []byte(sig)) != 1 {
			return webhook.ErrNoMatchingSignature
		}
		var p client.WebhookCheckoutUpdatedPayload
		return json.Unmarshal(d.body, &p)
	}
	v, err := webhook.NewVerifier([]string{benchWebhookSecret}, webhook.WithClock(func() time.Time { return d.at }))
	if err != nil {
		b.Fatal(err)
	}
	sdk := func() error {
		ev, err := v.ConstructEvent(d.body, d.headers)
		if err == nil {
			if _, ok := ev.(*webhook.CheckoutUpdated); !ok {
				b.Fatalf("ConstructEvent gave %T", ev)
			}
		}
		return err
	}
	return [2]func() error{baseline, sdk}
}

// BenchmarkWebhook measures verify + parse of one delivery, for each
// implementation separately (benchstat -col /impl).
func BenchmarkWebhook(b *testing.B) {
	d := newWebhookDelivery(b)
	impls := webhookImpls(b, d)
	for i, name := range []string{"baseline", "sdk"} {
		b.Run("impl="+name, func(b *testing.B) {
			b.SetBytes(int64(len(d.body)))
			for b.Loop() {
				if err := impls[i](); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWebhookInterleaved calls both in turn in one loop and reports
// sdk/baseline, the goal's ratio (≤ 1.3), free of drift between runs.
func BenchmarkWebhookInterleaved(b *testing.B) {
	d := newWebhookDelivery(b)
	impls := webhookImpls(b, d)
	var total [2]time.Duration
	i := 0
	for b.Loop() {
		for j := range impls {
			k := (i + j) % len(impls)
			start := time.Now()
			if err := impls[k](); err != nil {
				b.Fatal(err)
			}
			total[k] += time.Since(start)
		}
		i++
	}
	b.ReportMetric(float64(total[1])/float64(total[0]), "sdk/baseline")
}
