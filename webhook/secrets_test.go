package webhook

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// leaks reports the first part of secret (redactWindow bytes, or all of a
// shorter one) found in text.
func leaks(text, secret string) (string, bool) {
	w := min(redactWindow, len(secret))
	for i := 0; i+w <= len(secret); i++ {
		if part := secret[i : i+w]; strings.Contains(text, part) {
			return part, true
		}
	}
	return "", false
}

// TestSecrets_neverInErrorsOrLogs drives every error path with the secret
// planted in the headers, the body and the user's error, and checks that
// no part of it reaches an error string, a log line or a response.
func TestSecrets_neverInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	for _, secret := range []string{
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		"polar_whs_kX4r9TqL2mWb7Zc1Vn8Hy3Pd6Fs0Ga5J",
		"clé-secrète-ünïcødé-2026",
		"whsec_not*valid/base64!",
	} {
		t.Run(secret[:6], func(t *testing.T) {
			t.Parallel()
			var texts []string
			record := func(err error) {
				if err != nil {
					texts = append(texts, err.Error())
				}
			}
			now := time.Unix(1778432700, 0)
			var logs syncBuffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			v := mustVerifier(t, []string{secret, "polar_whs_other"}, WithClock(func() time.Time { return now }), WithMaxBodySize(4096), WithAPIVersion("2026-10"))
			h, err := NewHandler(v, func(ctx context.Context, ev Event) error {
				return errors.New("could not store event with secret " + secret + " and body " + string(ev.Meta().Raw))
			}, WithLogger(logger), WithDedup(8))
			if err != nil {
				t.Fatal(err)
			}

			// Construction.
			_, err = NewVerifier([]string{secret + "\n"})
			record(err)
			_, err = NewVerifier([]string{secret, ""})
			record(err)
			_, err = Sign(" "+secret, "id", now, nil)
			record(err)

			good := payload(t, "checkout_updated_api_version.json")
			bodies := [][]byte{
				good,
				[]byte(`{"type":"` + secret + `","timestamp":"2026-05-10T17:05:00Z"}`),
				[]byte(`{"type":"checkout.updated","timestamp":"` + secret + `","data":{}}`),
				[]byte(`{"type":"checkout.updated","timestamp":"2026-05-10T17:05:00Z","api_version":"` + secret + `","data":{}}`),
				[]byte(`{"type":"customer.created","timestamp":"2026-05-10T17:05:00Z","api_version":"` + secret + `"}`),
				[]byte(`{"type":"checkout.updated","timestamp":"2026-05-10T17:05:00Z","data":{"` + secret + `":1}}`),
				edit(t, "checkout_updated_succeeded.json", "id", strconv.Quote(secret)),
				edit(t, "checkout_updated_succeeded.json", "created_at", strconv.Quote(secret)),
				edit(t, "checkout_updated_succeeded.json", "amount", strconv.Quote(secret)),
				edit(t, "checkout_updated_succeeded.json", "metadata", `{"`+secret+`":5}`),
				edit(t, "order_paid.json", "status", strconv.Quote(secret)),
				[]byte(secret),
				[]byte(`{"` + secret + `"`),
				[]byte(strings.Repeat(secret, 200)),
			}
			ids := []string{"msg_1", secret, "msg_" + secret}
			for _, body := range bodies {
				for _, id := range ids {
					signed, err := Sign(secret, id, now, body)
					if err != nil {
						t.Fatal(err)
					}
					sig := signed.Get(HeaderSignature)
					variants := []http.Header{signed}
					for _, name := range []string{HeaderTimestamp, HeaderSignature} {
						for _, value := range []string{secret, "v1," + secret, sig + " v1," + secret, ""} {
							hv := signed.Clone()
							hv.Set(name, value)
							variants = append(variants, hv)
						}
					}
					for _, hv := range variants {
						record(v.Verify(body, hv))
						_, err := v.ConstructEvent(body, hv)
						record(err)
						req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
						req.Header = hv
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, req)
						texts = append(texts, rec.Body.String())
						resp, _ := io.ReadAll(rec.Result().Body)
						texts = append(texts, string(resp))
					}
					_, err = Parse(id, body)
					record(err)
					// The signature value itself is never quoted either.
					for _, text := range texts {
						if strings.Contains(text, sig[3:]) {
							t.Fatalf("a signature value appears in %q", text)
						}
					}
				}
			}
			texts = append(texts, strings.Split(logs.String(), "\n")...)
			if !strings.Contains(logs.String(), "[redacted]") {
				t.Error("the user's error quoting the secret was not logged as [redacted]")
			}
			for _, text := range texts {
				if part, ok := leaks(text, secret); ok {
					t.Fatalf("part %q of the secret appears in %q", part, text)
				}
			}
			if len(texts) < 100 {
				t.Fatalf("only %d texts checked", len(texts))
			}
		})
	}
}
