package webhook

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSecret_publicKeyRefused: "whsec_" alone would make the HMAC key the
// six public bytes of the prefix, so anyone could sign; it is refused
// wherever a secret is taken.
func TestSecret_publicKeyRefused(t *testing.T) {
	t.Parallel()
	if _, err := NewVerifier([]string{"whsec_"}); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("NewVerifier(whsec_) = %v, want ErrInvalidSecret", err)
	}
	if _, err := NewVerifier([]string{testSecret, "whsec_"}); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("NewVerifier(good, whsec_) = %v, want ErrInvalidSecret", err)
	}
	if _, err := Sign("whsec_", "msg_1", testTime, nil); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("Sign(whsec_) = %v, want ErrInvalidSecret", err)
	}
}

// TestVerify_farTimestamps: a timestamp too far away for a time.Duration
// is still on the right side of the clock, whatever the clock says.
func TestVerify_farTimestamps(t *testing.T) {
	t.Parallel()
	body := []byte(`{}`)
	clocks := map[string]time.Time{"now": testTime, "zero time": {}, "year 9999": time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		ts   string
		want error
	}{
		{strconv.FormatInt(math.MaxInt64, 10), ErrTimestampTooNew},
		{strconv.FormatInt(math.MaxInt64/2, 10), ErrTimestampTooNew},
		{strconv.FormatInt(1<<40, 10), ErrTimestampTooNew},
		{"0", ErrTimestampTooOld},
		{"1", ErrTimestampTooOld},
	}
	for name, now := range clocks {
		v := mustVerifier(t, []string{testSecret}, WithClock(func() time.Time { return now }))
		for _, tt := range tests {
			if name == "zero time" && errors.Is(tt.want, ErrTimestampTooOld) {
				continue // 1970 is after year 1
			}
			signed, err := Sign(testSecret, "msg_far", time.Unix(0, 0), body)
			if err != nil {
				t.Fatal(err)
			}
			signed.Set(HeaderTimestamp, tt.ts)
			err = v.Verify(body, signed)
			if !errors.Is(err, tt.want) {
				t.Errorf("clock %s, timestamp %s: %v, want %v", name, tt.ts, err, tt.want)
			}
			var te *TimestampError
			if !errors.As(err, &te) || (te.Skew < 0) != errors.Is(tt.want, ErrTimestampTooOld) {
				t.Errorf("clock %s, timestamp %s: skew %v has the wrong sign", name, tt.ts, te)
			}
		}
	}
}

// TestVerify_signatureOverSeveralHeaderLines: a proxy may split the
// signature list into header lines; an entry on any line counts.
func TestVerify_signatureOverSeveralHeaderLines(t *testing.T) {
	t.Parallel()
	body := []byte(`{"type":"x"}`)
	v := mustVerifier(t, []string{testSecret}, WithClock(func() time.Time { return testTime }))
	signed, err := Sign(testSecret, "msg_split", testTime, body)
	if err != nil {
		t.Fatal(err)
	}
	good := signed.Get(HeaderSignature)
	signed.Set(HeaderSignature, "v1,"+base64.StdEncoding.EncodeToString(make([]byte, 32)))
	signed.Add(HeaderSignature, good)
	if err := v.Verify(body, signed); err != nil {
		t.Errorf("good signature on the second line: %v", err)
	}
	signed.Del(HeaderSignature)
	signed.Add(HeaderSignature, "v1,AAAA")
	signed.Add(HeaderSignature, "v1,BBBB")
	if err := v.Verify(body, signed); !errors.Is(err, ErrNoMatchingSignature) {
		t.Errorf("two bad lines: %v, want ErrNoMatchingSignature", err)
	}
}

// TestNewVerifier_apiVersionChecked: the opt-in version check takes only
// versions whose payloads carry api_version.
func TestNewVerifier_apiVersionChecked(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"garbage", "2026-10 ", " 2026-10", "2026-13", "2026-00", "26-10", "2026-1", "2026-04", "2025-12"} {
		if _, err := NewVerifier([]string{testSecret}, WithAPIVersion(version)); err == nil {
			t.Errorf("WithAPIVersion(%q) accepted", version)
		}
	}
	for _, version := range []string{"2026-10", "2027-01", "2031-05"} {
		if _, err := NewVerifier([]string{testSecret}, WithAPIVersion(version)); err != nil {
			t.Errorf("WithAPIVersion(%q): %v", version, err)
		}
	}
}

// TestSign_refusesWhatCannotVerify: Sign never returns headers that break
// a header line or that its own verifier refuses.
func TestSign_refusesWhatCannotVerify(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"a\nwebhook-signature: v1,evil", "a\rb", "a\x00b", "a\x7fb", "\tmsg", " msg_1", "msg_1 "} {
		if _, err := Sign(testSecret, id, testTime, nil); err == nil {
			t.Errorf("Sign(id %q) accepted", id)
		}
	}
	for _, at := range []time.Time{time.Unix(-1, 0), time.Unix(-5, 0), {}} {
		if _, err := Sign(testSecret, "msg_1", at, nil); !errors.Is(err, ErrInvalidTimestamp) {
			t.Errorf("Sign(at %v) = %v, want ErrInvalidTimestamp", at, err)
		}
	}
	v := mustVerifier(t, []string{testSecret}, WithClock(func() time.Time { return time.Unix(0, 0) }))
	for _, id := range []string{"msg_1", "clé", "a b", "msg_" + strings.Repeat("x", 300)} {
		h, err := Sign(testSecret, id, time.Unix(0, 0), []byte("{}"))
		if err != nil {
			t.Errorf("Sign(id %q): %v", id, err)
			continue
		}
		if err := v.Verify([]byte("{}"), h); err != nil {
			t.Errorf("id %q: own signature refused: %v", id, err)
		}
	}
}

// TestRedact_everySpellingOfAKey: the decoded key of a whsec_ secret and
// the bytes of a raw one are redacted in the spellings code would print
// them in, and so is the secret itself.
func TestRedact_everySpellingOfAKey(t *testing.T) {
	t.Parallel()
	rawSecret := "polar-legacy-webhook-secret-0123"
	for _, secret := range []string{testSecret, rawSecret} {
		v := mustVerifier(t, []string{secret})
		key := signingKey(secret)
		spellings := map[string]string{
			"secret":    secret,
			"key":       string(key),
			"hex":       hex.EncodeToString(key),
			"HEX":       strings.ToUpper(hex.EncodeToString(key)),
			"base64":    base64.StdEncoding.EncodeToString(key),
			"%v":        fmt.Sprint(key),
			"%x":        fmt.Sprintf("%x", key),
			"%X":        fmt.Sprintf("%X", key),
			"hex slice": hex.EncodeToString(key[4:12]),
		}
		for name, s := range spellings {
			for _, part := range []string{s, s[len(s)/3:][:8], "error: " + s[1:9] + " at the end"} {
				if got := v.Redact(part); got != redacted {
					t.Errorf("%.12s…: %s %q not redacted", secret, name, part)
				}
			}
		}
		for _, clean := range []string{"msg_2x7Kq9LmBench", "checkout.updated", "db: connection refused", ""} {
			if got := v.Redact(clean); got != clean {
				t.Errorf("%q redacted to %q", clean, got)
			}
		}
	}
}

// TestHandler_logsNoSpellingOfAKey: a failing function whose error holds
// the key in any spelling is logged redacted.
func TestHandler_logsNoSpellingOfAKey(t *testing.T) {
	t.Parallel()
	key := signingKey(testSecret)
	for _, leak := range []string{hex.EncodeToString(key), fmt.Sprintf("%X", key), fmt.Sprint(key), base64.StdEncoding.EncodeToString(key)} {
		var buf syncBuffer
		h := newTestHandler(t, func(context.Context, Event) error {
			return fmt.Errorf("hmac key %s rejected", leak)
		}, nil, WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, signedRequest(t, "http://x/", testSecret, "msg_leak", payload(t, "order_paid.json")))
		if rec.Code != http.StatusInternalServerError {
			t.Fatalf("status %d", rec.Code)
		}
		if out := buf.String(); strings.Contains(out, leak[2:10]) || !strings.Contains(out, redacted) {
			t.Errorf("log carries the key: %s", out)
		}
	}
}

// TestHandler_panics: any panic value of the function answers 500 and is
// logged; http.ErrAbortHandler keeps aborting the response.
func TestHandler_panics(t *testing.T) {
	t.Parallel()
	for _, value := range []any{"text", errors.New("an error"), 42, fmt.Errorf("wrapped: %w", context.Canceled)} {
		var buf syncBuffer
		h := newTestHandler(t, func(context.Context, Event) error { panic(value) }, nil,
			WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, signedRequest(t, "http://x/", testSecret, "msg_panic", payload(t, "order_paid.json")))
		if rec.Code != http.StatusInternalServerError || !strings.Contains(buf.String(), "panicked") {
			t.Errorf("panic(%v): status %d, log %q", value, rec.Code, buf.String())
		}
	}
	h := newTestHandler(t, func(context.Context, Event) error { panic(http.ErrAbortHandler) }, nil)
	defer func() {
		if p, _ := recover().(error); !errors.Is(p, http.ErrAbortHandler) {
			t.Errorf("recovered %v, want http.ErrAbortHandler re-raised", p)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), signedRequest(t, "http://x/", testSecret, "msg_abort", payload(t, "order_paid.json")))
	t.Error("ErrAbortHandler was swallowed")
}
