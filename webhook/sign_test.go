package webhook

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestSign_vectors: Sign reproduces the independent signatures for the key
// Polar signs with (decoded for whsec_<base64>, raw otherwise).
func TestSign_vectors(t *testing.T) {
	t.Parallel()
	checked := 0
	for _, vec := range loadVectors(t) {
		if !vec.Valid || strings.Contains(vec.Signature, " ") {
			continue
		}
		polarScheme := "raw"
		if len(keysOf(vec.SignSecret)) == 2 && strings.HasPrefix(vec.SignSecret, "whsec_") {
			polarScheme = "decoded"
		}
		if vec.Scheme != polarScheme {
			continue
		}
		h, err := Sign(vec.SignSecret, vec.ID, time.Unix(vec.Timestamp, 0), []byte(vec.Body))
		if err != nil {
			t.Fatalf("%s: %v", vec.Name, err)
		}
		if got := h.Get(HeaderSignature); got != vec.Signature {
			t.Errorf("%s: Sign = %s, want %s", vec.Name, got, vec.Signature)
		}
		if h.Get(HeaderID) != vec.ID || h.Get(HeaderTimestamp) != vec.headers().Get(HeaderTimestamp) {
			t.Errorf("%s: headers %v", vec.Name, h)
		}
		checked++
	}
	if checked < 5 {
		t.Fatalf("only %d vectors checked", checked)
	}
}

func TestSign_roundTrip(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 10, 17, 5, 0, 999, time.UTC) // sub-second part is dropped
	for _, secret := range []string{
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		"polar_whs_kX4r9TqL2mWb7Zc1Vn8Hy3Pd6Fs0Ga5J",
		"whsec_not*valid/base64!",
		"bGVnYWN5LXJhdy1zZWNyZXQtMDE=",
		"x",
	} {
		body := []byte(`{"type":"checkout.updated"}`)
		h, err := Sign(secret, "msg_rt", at, body)
		if err != nil {
			t.Fatal(err)
		}
		v := mustVerifier(t, []string{secret}, WithClock(func() time.Time { return at }))
		if err := v.Verify(body, h); err != nil {
			t.Errorf("%d-byte secret: %v", len(secret), err)
		}
		other := mustVerifier(t, []string{secret + "x"}, WithClock(func() time.Time { return at }))
		if err := other.Verify(body, h); !errors.Is(err, ErrNoMatchingSignature) {
			t.Errorf("another secret verified: %v", err)
		}
	}
}

func TestSign_errors(t *testing.T) {
	t.Parallel()
	if _, err := Sign("", "msg", time.Now(), nil); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("empty secret: %v", err)
	}
	if _, err := Sign("whsec_abc\n", "msg", time.Now(), nil); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("secret with a newline: %v", err)
	}
	if _, err := Sign("s", "", time.Now(), nil); !errors.Is(err, ErrMissingHeader) {
		t.Errorf("empty id: %v", err)
	}
}
