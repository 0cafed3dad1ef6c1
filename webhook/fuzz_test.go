package webhook

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzSecrets are the verifier's secrets in FuzzVerify: one of each kind.
var fuzzSecrets = []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "polar_whs_kX4r9TqL2mWb7Zc1Vn8Hy3Pd6Fs0Ga5J"}

// FuzzVerify: no input panics; Verify accepts only a header carrying the
// signature of one of the keys, and always accepts what Sign made.
func FuzzVerify(f *testing.F) {
	for _, vec := range loadVectors(f) {
		f.Add([]byte(vec.Body), vec.ID, vec.headers().Get(HeaderTimestamp), vec.Signature)
	}
	f.Add([]byte(`{}`), "msg", "1778432700", "v1,")
	f.Add([]byte(``), "", "", "")
	v := mustVerifier(f, fuzzSecrets, WithClock(clockAt(1778432700, 0)), WithTolerance(100*365*24*time.Hour))
	f.Fuzz(func(t *testing.T, body []byte, id, ts, sigHeader string) {
		h := http.Header{}
		h.Set(HeaderID, id)
		h.Set(HeaderTimestamp, ts)
		h.Set(HeaderSignature, sigHeader)
		err := v.Verify(body, h)
		if err == nil {
			ok := false
			for _, k := range v.keys {
				want := "v1," + signature(k, h.Get(HeaderID), h.Get(HeaderTimestamp), body)
				for _, e := range strings.Fields(h.Get(HeaderSignature)) {
					ok = ok || e == want
				}
			}
			if !ok {
				t.Fatalf("verified without a matching signature: id %q ts %q sig %q", id, ts, sigHeader)
			}
		} else if !errors.Is(err, ErrMissingHeader) && !errors.Is(err, ErrInvalidTimestamp) && !errors.Is(err, ErrNoMatchingSignature) &&
			!errors.Is(err, ErrTimestampTooOld) && !errors.Is(err, ErrTimestampTooNew) {
			t.Fatalf("untyped error %v", err)
		}
		if id == "" {
			return
		}
		for _, secret := range fuzzSecrets {
			signed, err := Sign(secret, id, time.Unix(1778432700, 0), body)
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Verify(body, signed); err != nil {
				t.Fatalf("Sign's output did not verify: %v", err)
			}
		}
	})
}

// FuzzParse: no input panics, every error is a *ParseError, and the
// scanner accepts exactly what json.Valid accepts.
func FuzzParse(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "payloads"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		f.Add(payload(f, e.Name()))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if got, want := validJSON(body), json.Valid(body); got != want {
			t.Fatalf("validJSON = %v, json.Valid = %v", got, want)
		}
		ev, err := Parse("msg", body)
		if err != nil {
			var pe *ParseError
			if ev != nil || !errors.As(err, &pe) || !errors.Is(err, ErrInvalidPayload) {
				t.Fatalf("Parse = %v, %v", ev, err)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatal("Parse accepted invalid JSON")
		}
		m := ev.Meta()
		if m.Type == "" || m.ID != "msg" {
			t.Fatalf("meta %+v", m)
		}
		if _, unknown := ev.(*UnknownEvent); unknown == (knownType(m.Type) != "") {
			t.Fatalf("%T for type %q", ev, m.Type)
		}
	})
}
