package webhook

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestVerify_vectors checks every signature made by the independent
// implementations (testdata/vectors.json).
func TestVerify_vectors(t *testing.T) {
	t.Parallel()
	for _, vec := range loadVectors(t) {
		t.Run(vec.Name, func(t *testing.T) {
			t.Parallel()
			v := mustVerifier(t, vec.VerifySecrets, WithClock(clockAt(vec.Timestamp, 0)))
			err := v.Verify([]byte(vec.Body), vec.headers())
			if vec.Valid && err != nil {
				t.Fatalf("Verify: %v, want nil", err)
			}
			if !vec.Valid && !errors.Is(err, ErrNoMatchingSignature) {
				t.Fatalf("Verify: %v, want ErrNoMatchingSignature", err)
			}
		})
	}
}

// TestVerify_tampered alters each signed part of every valid vector: none
// may verify.
func TestVerify_tampered(t *testing.T) {
	t.Parallel()
	for _, vec := range loadVectors(t) {
		if !vec.Valid {
			continue
		}
		v := mustVerifier(t, vec.VerifySecrets, WithClock(clockAt(vec.Timestamp, 0)))
		body := []byte(vec.Body)
		cases := map[string]vector{}
		c := vec
		c.ID += "x"
		cases["id"] = c
		c = vec
		c.Timestamp++
		cases["timestamp"] = c
		c = vec
		c.Body = vec.Body[:len(vec.Body)-1] + "x"
		cases["last body byte"] = c
		c = vec
		c.Body = " " + vec.Body
		cases["leading space"] = c
		c = vec
		c.Signature = flipLastSignatureChar(vec.Signature)
		cases["signature"] = c
		for what, tc := range cases {
			b := body
			if tc.Body != vec.Body {
				b = []byte(tc.Body)
			}
			if err := v.Verify(b, tc.headers()); !errors.Is(err, ErrNoMatchingSignature) {
				t.Errorf("%s: tampered %s: Verify = %v, want ErrNoMatchingSignature", vec.Name, what, err)
			}
		}
	}
}

// flipLastSignatureChar changes the last base64 character before the
// padding of every v1 entry.
func flipLastSignatureChar(header string) string {
	entries := strings.Fields(header)
	for i, e := range entries {
		if !strings.HasPrefix(e, "v1,") {
			continue
		}
		b := []byte(strings.TrimRight(e, "="))
		if b[len(b)-1] == 'A' {
			b[len(b)-1] = 'E'
		} else {
			b[len(b)-1] = 'A'
		}
		entries[i] = string(b) + e[len(strings.TrimRight(e, "=")):]
	}
	return strings.Join(entries, " ")
}

func TestVerify_tolerance(t *testing.T) {
	t.Parallel()
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	body := []byte(`{"type":"checkout.created"}`)
	const signedAt = 1778432700
	h, err := Sign(secret, "msg_1", time.Unix(signedAt, 0), body)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		clock     time.Duration // clock minus signing time
		tolerance time.Duration
		want      error
	}{
		{"same second", 0, 0, nil},
		{"exactly tolerance later", 5 * time.Minute, 0, nil},
		{"just past tolerance later", 5*time.Minute + time.Nanosecond, 0, ErrTimestampTooOld},
		{"a second past tolerance later", 5*time.Minute + time.Second, 0, ErrTimestampTooOld},
		{"exactly tolerance earlier", -5 * time.Minute, 0, nil},
		{"just past tolerance earlier", -5*time.Minute - time.Nanosecond, 0, ErrTimestampTooNew},
		{"an hour later", time.Hour, 0, ErrTimestampTooOld},
		{"custom tolerance, inside", 50 * time.Minute, time.Hour, nil},
		{"custom tolerance, outside", 61 * time.Minute, time.Hour, ErrTimestampTooOld},
		{"short tolerance, outside", 2 * time.Second, time.Second, ErrTimestampTooOld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := []Option{WithClock(clockAt(signedAt, tt.clock))}
			if tt.tolerance != 0 {
				opts = append(opts, WithTolerance(tt.tolerance))
			}
			v := mustVerifier(t, []string{secret}, opts...)
			err := v.Verify(body, h)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			if tt.want != nil {
				var te *TimestampError
				if !errors.As(err, &te) {
					t.Fatalf("%v is not a *TimestampError", err)
				}
				if te.Skew != -tt.clock {
					t.Errorf("Skew = %v, want %v", te.Skew, -tt.clock)
				}
				other := ErrTimestampTooNew
				if errors.Is(tt.want, ErrTimestampTooNew) {
					other = ErrTimestampTooOld
				}
				if errors.Is(err, other) {
					t.Errorf("%v also matches %v", err, other)
				}
			}
		})
	}
}

func TestVerify_headers(t *testing.T) {
	t.Parallel()
	const secret = "polar_whs_kX4r9TqL2mWb7Zc1Vn8Hy3Pd6Fs0Ga5J"
	body := []byte(`{}`)
	now := time.Unix(1778432700, 0)
	good, err := Sign(secret, "msg_1", now, body)
	if err != nil {
		t.Fatal(err)
	}
	goodSig := good.Get(HeaderSignature)
	v := mustVerifier(t, []string{secret}, WithClock(func() time.Time { return now }))
	tests := []struct {
		name    string
		set     map[string]string // overrides; "" deletes
		want    error
		missing []string
	}{
		{"all present", nil, nil, nil},
		{"no id", map[string]string{HeaderID: ""}, ErrMissingHeader, []string{HeaderID}},
		{"no timestamp", map[string]string{HeaderTimestamp: ""}, ErrMissingHeader, []string{HeaderTimestamp}},
		{"no signature", map[string]string{HeaderSignature: ""}, ErrMissingHeader, []string{HeaderSignature}},
		{"none", map[string]string{HeaderID: "", HeaderTimestamp: "", HeaderSignature: ""}, ErrMissingHeader, []string{HeaderID, HeaderTimestamp, HeaderSignature}},
		{"timestamp with a fraction", map[string]string{HeaderTimestamp: "1778432700.5"}, ErrInvalidTimestamp, nil},
		{"timestamp with a sign", map[string]string{HeaderTimestamp: "+1778432700"}, ErrInvalidTimestamp, nil},
		{"negative timestamp", map[string]string{HeaderTimestamp: "-1"}, ErrInvalidTimestamp, nil},
		{"timestamp with spaces", map[string]string{HeaderTimestamp: " 1778432700"}, ErrInvalidTimestamp, nil},
		{"timestamp in milliseconds", map[string]string{HeaderTimestamp: "1778432700000"}, ErrTimestampTooNew, nil},
		{"timestamp overflowing int64", map[string]string{HeaderTimestamp: "99999999999999999999"}, ErrInvalidTimestamp, nil},
		{"timestamp as a date", map[string]string{HeaderTimestamp: "2026-05-10T17:05:00Z"}, ErrInvalidTimestamp, nil},
		{"no v1 entry", map[string]string{HeaderSignature: "v2," + goodSig[3:]}, ErrNoMatchingSignature, nil},
		{"no comma", map[string]string{HeaderSignature: "v1" + goodSig[3:]}, ErrNoMatchingSignature, nil},
		{"version in upper case", map[string]string{HeaderSignature: "V1," + goodSig[3:]}, ErrNoMatchingSignature, nil},
		{"signature without padding", map[string]string{HeaderSignature: strings.TrimRight(goodSig, "=")}, ErrNoMatchingSignature, nil},
		{"signature hex, not base64", map[string]string{HeaderSignature: "v1,0123456789abcdef"}, ErrNoMatchingSignature, nil},
		{"empty v1 entry", map[string]string{HeaderSignature: "v1,"}, ErrNoMatchingSignature, nil},
		{"extra spaces around entries", map[string]string{HeaderSignature: "  v1,AAAA   " + goodSig + "  "}, nil, nil},
		{"comma-separated entries (not the format)", map[string]string{HeaderSignature: "v1,AAAA," + goodSig}, ErrNoMatchingSignature, nil},
		{"many bad entries then the good one", map[string]string{HeaderSignature: strings.Repeat("v1,AAAA ", 50) + goodSig}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := good.Clone()
			for k, val := range tt.set {
				if val == "" {
					h.Del(k)
				} else {
					h.Set(k, val)
				}
			}
			err := v.Verify(body, h)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			if tt.missing != nil {
				var me *MissingHeaderError
				if !errors.As(err, &me) || !slices.Equal(me.Headers, tt.missing) {
					t.Fatalf("missing headers = %v, want %v", err, tt.missing)
				}
			}
		})
	}
}

// TestVerify_headerSources: http.Header in any case, a HeaderFunc, nil.
func TestVerify_headerSources(t *testing.T) {
	t.Parallel()
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	body := []byte(`{"a":1}`)
	now := time.Unix(1778432700, 0)
	signed, err := Sign(secret, "msg_1", now, body)
	if err != nil {
		t.Fatal(err)
	}
	v := mustVerifier(t, []string{secret}, WithClock(func() time.Time { return now }))

	upper := http.Header{}
	for k, vals := range signed {
		upper[strings.ToUpper(k)] = vals // not canonical: Get would miss it
	}
	lower := map[string]string{}
	for k := range signed {
		lower[strings.ToLower(k)] = signed.Get(k)
	}
	received := http.Header{}
	for k := range signed {
		received.Add(strings.ToUpper(k), signed.Get(k)) // Add canonicalises, as net/http does
	}
	if err := v.Verify(body, received); err != nil {
		t.Errorf("http.Header from upper-case names: %v", err)
	}
	if err := v.Verify(body, HeaderFunc(func(name string) string { return lower[name] })); err != nil {
		t.Errorf("HeaderFunc over lower-case names: %v", err)
	}
	if err := v.Verify(body, upper); !errors.Is(err, ErrMissingHeader) {
		t.Errorf("non-canonical map used as http.Header: %v, want ErrMissingHeader", err)
	}
	if err := v.Verify(body, nil); !errors.Is(err, ErrMissingHeader) {
		t.Errorf("nil headers: %v, want ErrMissingHeader", err)
	}
	if err := v.Verify(body, http.Header(nil)); !errors.Is(err, ErrMissingHeader) {
		t.Errorf("nil http.Header: %v, want ErrMissingHeader", err)
	}
}

func TestVerify_bodySize(t *testing.T) {
	t.Parallel()
	const secret = "polar_whs_kX4r9TqL2mWb7Zc1Vn8Hy3Pd6Fs0Ga5J"
	now := time.Unix(1778432700, 0)
	v := mustVerifier(t, []string{secret}, WithClock(func() time.Time { return now }), WithMaxBodySize(64))
	for _, n := range []int{0, 1, 63, 64, 65, 1000} {
		body := []byte(strings.Repeat("x", n))
		h, err := Sign(secret, "msg_1", now, body)
		if err != nil {
			t.Fatal(err)
		}
		err = v.Verify(body, h)
		if n <= 64 && err != nil {
			t.Errorf("%d bytes: %v", n, err)
		}
		if n > 64 && !errors.Is(err, ErrBodyTooLarge) {
			t.Errorf("%d bytes: %v, want ErrBodyTooLarge", n, err)
		}
	}
	if got := mustVerifier(t, []string{secret}).MaxBodySize(); got != DefaultMaxBodySize {
		t.Errorf("default MaxBodySize = %d", got)
	}
}

func TestNewVerifier_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		secrets []string
		opts    []Option
		want    error // nil: any error
	}{
		{"no secrets", nil, nil, ErrInvalidSecret},
		{"empty list", []string{}, nil, ErrInvalidSecret},
		{"empty secret", []string{""}, nil, ErrInvalidSecret},
		{"empty second secret", []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ""}, nil, ErrInvalidSecret},
		{"trailing newline", []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"}, nil, ErrInvalidSecret},
		{"leading space", []string{" polar_whs_abc"}, nil, ErrInvalidSecret},
		{"zero tolerance", []string{"s"}, []Option{WithTolerance(0)}, nil},
		{"negative tolerance", []string{"s"}, []Option{WithTolerance(-time.Second)}, nil},
		{"nil clock", []string{"s"}, []Option{WithClock(nil)}, nil},
		{"zero body size", []string{"s"}, []Option{WithMaxBodySize(0)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := NewVerifier(tt.secrets, tt.opts...)
			if err == nil || v != nil {
				t.Fatalf("NewVerifier = %v, %v; want an error", v, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestKeysOf pins the key derivation and the order of attempts: the
// likely key first, so the common delivery costs one HMAC.
func TestKeysOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		secret string
		want   []string // "raw" or "decoded:<base64 suffix>"
	}{
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", []string{"decoded", "raw"}},
		{"polar_whs_kX4r9TqL2mWb7Zc1Vn8Hy3Pd6Fs0Ga5J", []string{"raw"}},
		{"bGVnYWN5LXJhdy1zZWNyZXQtMDE=", []string{"raw", "decoded"}},
		{"whsec_not*valid/base64!", []string{"raw"}},
		{"whsec_", []string{"raw"}},
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", []string{"raw"}}, // bad length
		{"short", []string{"raw"}},
	}
	for _, tt := range tests {
		keys := keysOf(tt.secret)
		var got []string
		for _, k := range keys {
			if string(k) == tt.secret {
				got = append(got, "raw")
			} else {
				got = append(got, "decoded")
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("keysOf(%q) = %v, want %v", tt.secret, got, tt.want)
		}
	}
}

// TestVerify_duplicateSecrets: a rotation list that repeats a secret
// tries each key once.
func TestVerify_duplicateSecrets(t *testing.T) {
	t.Parallel()
	s := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	v := mustVerifier(t, []string{s, s, "polar_whs_x"})
	if len(v.keys) != 3 {
		t.Fatalf("%d keys, want 3 (decoded, raw, the legacy one)", len(v.keys))
	}
}

func TestConstructEvent_apiVersion(t *testing.T) {
	t.Parallel()
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	now := time.Unix(1778432700, 0)
	clock := WithClock(func() time.Time { return now })
	with := payload(t, "checkout_updated_api_version.json")  // api_version 2026-10
	without := payload(t, "checkout_updated_succeeded.json") // none
	sign := func(body []byte) http.Header {
		h, err := Sign(secret, "msg_v", now, body)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	tests := []struct {
		name string
		want string // WithAPIVersion; "" = off
		body []byte
		err  error
	}{
		{"off, payload without", "", without, nil},
		{"off, payload with", "", with, nil},
		{"matching", "2026-10", with, nil},
		{"different", "2027-01", with, ErrAPIVersionMismatch},
		{"expected but none", "2026-10", without, ErrAPIVersionMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := []Option{clock}
			if tt.want != "" {
				opts = append(opts, WithAPIVersion(tt.want))
			}
			v := mustVerifier(t, []string{secret}, opts...)
			ev, err := v.ConstructEvent(tt.body, sign(tt.body))
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("ConstructEvent = %v, want %v", err, tt.err)
			}
			if tt.err != nil {
				var ae *APIVersionError
				if !errors.As(err, &ae) || ae.Want != tt.want || ev != nil {
					t.Fatalf("err = %#v, ev = %v", err, ev)
				}
				return
			}
			if ev.Meta().ID != "msg_v" {
				t.Errorf("ID = %q", ev.Meta().ID)
			}
		})
	}
}

// TestConstructEvent_verifiesFirst: a forged body is never parsed.
func TestConstructEvent_verifiesFirst(t *testing.T) {
	t.Parallel()
	v := mustVerifier(t, []string{"polar_whs_a"})
	ev, err := v.ConstructEvent([]byte("not json"), HeaderFunc(func(name string) string {
		return map[string]string{HeaderID: "m", HeaderTimestamp: strconv.FormatInt(time.Now().Unix(), 10), HeaderSignature: "v1,AAAA"}[name]
	}))
	if ev != nil || !errors.Is(err, ErrNoMatchingSignature) || errors.Is(err, ErrInvalidPayload) {
		t.Fatalf("ConstructEvent = %v, %v", ev, err)
	}
}
