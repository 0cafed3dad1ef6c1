package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Defaults of a [Verifier].
const (
	// DefaultTolerance is how far webhook-timestamp may be from the clock,
	// either way, as the Standard Webhooks specification recommends.
	DefaultTolerance = 5 * time.Minute
	// DefaultMaxBodySize bounds the body read and verified: Polar's
	// checkout payloads are a few kilobytes.
	DefaultMaxBodySize int64 = 1 << 20
)

// A Verifier checks that deliveries were signed by Polar with one of its
// secrets, and decodes them. It is safe for concurrent use.
type Verifier struct {
	keys       [][]byte // every key of every secret, most likely first, no duplicates
	leaks      []string // every spelling of every key, for Redact
	tolerance  time.Duration
	now        func() time.Time
	maxBody    int64
	apiVersion string
}

// An Option configures a [Verifier].
type Option func(*Verifier)

// WithTolerance sets how far webhook-timestamp may be from the clock in
// either direction (default [DefaultTolerance]). It must be positive.
func WithTolerance(d time.Duration) Option { return func(v *Verifier) { v.tolerance = d } }

// WithClock sets the clock timestamps are checked against (default
// time.Now), for tests and for replaying stored deliveries.
func WithClock(now func() time.Time) Option { return func(v *Verifier) { v.now = now } }

// WithMaxBodySize sets the largest body accepted, in bytes (default
// [DefaultMaxBodySize]). It must be positive.
func WithMaxBodySize(n int64) Option { return func(v *Verifier) { v.maxBody = n } }

// WithAPIVersion makes [Verifier.ConstructEvent] refuse, with
// [ErrAPIVersionMismatch], a payload whose api_version is not version
// (such as "2026-10"), so that a webhook endpoint configured for another
// API version than the code expects is noticed instead of decoded
// wrongly. Payloads without api_version are refused too: Polar's 2026-04
// payloads carry none, so leave this off for 2026-04 endpoints. Off by
// default. [NewVerifier] refuses a version not of the form YYYY-MM, or
// older than 2026-10.
func WithAPIVersion(version string) Option { return func(v *Verifier) { v.apiVersion = version } }

// NewVerifier returns a verifier that accepts a delivery signed with any
// of secrets (give the old and the new one while rotating). Each secret
// may be of either kind, "whsec_<base64>" or an older raw secret: both
// keys are tried, as Polar's TypeScript SDK does. An empty list, an empty
// secret or one with surrounding white space is an [ErrInvalidSecret].
func NewVerifier(secrets []string, opts ...Option) (*Verifier, error) {
	v := &Verifier{tolerance: DefaultTolerance, now: time.Now, maxBody: DefaultMaxBodySize}
	for _, opt := range opts {
		opt(v)
	}
	if err := v.check(); err != nil {
		return nil, err
	}
	if len(secrets) == 0 {
		return nil, fmt.Errorf("%w: no secret given", ErrInvalidSecret)
	}
	for i, s := range secrets {
		if err := checkSecret(i, s); err != nil {
			return nil, err
		}
		for _, k := range keysOf(s) {
			v.addKey(k)
		}
	}
	return v, nil
}

// check validates the options.
func (v *Verifier) check() error {
	switch {
	case v.tolerance <= 0:
		return errors.New("webhook: WithTolerance needs a positive duration")
	case v.now == nil:
		return errors.New("webhook: WithClock needs a non-nil clock")
	case v.maxBody <= 0:
		return errors.New("webhook: WithMaxBodySize needs a positive size")
	case v.apiVersion != "" && !apiVersionPattern.MatchString(v.apiVersion):
		return errors.New("webhook: WithAPIVersion needs a version of the form YYYY-MM, such as 2026-10")
	case v.apiVersion != "" && v.apiVersion < firstVersionedPayloads:
		return fmt.Errorf("webhook: WithAPIVersion: payloads carry api_version only from %s; leave the check off for older endpoints", firstVersionedPayloads)
	}
	return nil
}

// addKey appends k unless an earlier secret already gave it.
func (v *Verifier) addKey(k []byte) {
	for _, have := range v.keys {
		if bytes.Equal(have, k) {
			return
		}
	}
	v.keys = append(v.keys, k)
	v.leaks = append(v.leaks, leakForms(k)...)
}

// apiVersionPattern is the form of Polar's API versions.
var apiVersionPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// firstVersionedPayloads is the first API version whose payloads carry
// api_version; 2026-04 payloads have none.
const firstVersionedPayloads = "2026-10"

// MaxBodySize is the largest body the verifier accepts, in bytes.
func (v *Verifier) MaxBodySize() int64 { return v.maxBody }

// Verify checks a delivery: body is the raw request body exactly as
// received (re-encoded JSON does not verify), h its headers. It returns
// nil when the body fits the size limit, the three headers are present,
// webhook-timestamp is within the tolerance of the clock and at least one
// v1 entry of webhook-signature matches a key of a secret. Errors match
// [ErrBodyTooLarge], [ErrMissingHeader], [ErrInvalidTimestamp],
// [ErrTimestampTooOld], [ErrTimestampTooNew] or [ErrNoMatchingSignature].
func (v *Verifier) Verify(body []byte, h Headers) error {
	if int64(len(body)) > v.maxBody {
		return bodyTooLarge(v.maxBody)
	}
	id, ts, sigs, err := signatureHeaders(h)
	if err != nil {
		return err
	}
	signedAt, err := parseTimestamp(ts)
	if err != nil {
		return err
	}
	if err := v.checkTime(signedAt); err != nil {
		return err
	}
	return v.checkSignature(id, ts, body, sigs)
}

// ConstructEvent verifies a delivery as [Verifier.Verify] does and, if it
// is authentic, decodes it as [Parse] does. With [WithAPIVersion] it also
// checks the payload's api_version.
func (v *Verifier) ConstructEvent(body []byte, h Headers) (Event, error) {
	if err := v.Verify(body, h); err != nil {
		return nil, err
	}
	ev, err := Parse(h.Get(HeaderID), body)
	if err != nil {
		return nil, err
	}
	if v.apiVersion != "" {
		if got := ev.Meta().APIVersion; got != v.apiVersion {
			return nil, &APIVersionError{Got: got, Want: v.apiVersion}
		}
	}
	return ev, nil
}

// ReadEvent reads the body of r (at most [Verifier.MaxBodySize] bytes) and
// returns [Verifier.ConstructEvent] of it, for frameworks that hand you an
// *http.Request. It does not close r.Body. A body over the limit is an
// [ErrBodyTooLarge]; a failure to read it is returned as is.
func (v *Verifier) ReadEvent(r *http.Request) (Event, error) {
	body, err := v.readBody(r)
	if err != nil {
		return nil, err
	}
	return v.ConstructEvent(body, r.Header)
}

// readBody reads at most maxBody bytes of r.Body, one byte more to tell a
// body of exactly the limit from a longer one.
func (v *Verifier) readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength > v.maxBody {
		return nil, bodyTooLarge(v.maxBody)
	}
	if r.Body == nil {
		return nil, nil
	}
	buf := bytes.NewBuffer(make([]byte, 0, max(r.ContentLength, 0)+1))
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, v.maxBody+1)); err != nil {
		return nil, fmt.Errorf("webhook: read body: %w", err)
	}
	if int64(buf.Len()) > v.maxBody {
		return nil, bodyTooLarge(v.maxBody)
	}
	return buf.Bytes(), nil
}

func bodyTooLarge(limit int64) error {
	return fmt.Errorf("%w: limit is %d bytes", ErrBodyTooLarge, limit)
}

// signatureHeaders reads the three headers, naming every missing one.
func signatureHeaders(h Headers) (id, ts, sigs string, err error) {
	if h != nil {
		id, ts, sigs = h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	}
	if hh, ok := h.(http.Header); ok && len(hh.Values(HeaderSignature)) > 1 {
		// A proxy may split the list into several header lines; every
		// entry of every line counts.
		sigs = strings.Join(hh.Values(HeaderSignature), " ")
	}
	var missing []string
	for _, hv := range [...]struct{ name, value string }{{HeaderID, id}, {HeaderTimestamp, ts}, {HeaderSignature, sigs}} {
		if hv.value == "" {
			missing = append(missing, hv.name)
		}
	}
	if missing != nil {
		return "", "", "", &MissingHeaderError{Headers: missing}
	}
	return id, ts, sigs, nil
}

// parseTimestamp accepts decimal digits only: no sign, no space, no
// fraction (the header is an integer number of Unix seconds).
func parseTimestamp(ts string) (int64, error) {
	for i := 0; i < len(ts); i++ {
		if ts[i] < '0' || ts[i] > '9' {
			return 0, ErrInvalidTimestamp
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return 0, ErrInvalidTimestamp
	}
	return sec, nil
}

// farSeconds is a distance in seconds past which a time.Duration
// overflows (about 292 years); skews beyond it are saturated.
const farSeconds = float64(math.MaxInt64 / int64(time.Second))

// checkTime accepts a skew of exactly the tolerance, either way.
func (v *Verifier) checkTime(signedAt int64) error {
	skew := skewOf(signedAt, v.now())
	if skew < -v.tolerance || skew > v.tolerance {
		return &TimestampError{Skew: skew, Tolerance: v.tolerance}
	}
	return nil
}

// skewOf is the time from now to the Unix second signedAt, saturated at
// the largest durations so that a far-future timestamp stays in the
// future (time.Unix(sec).Sub(now) wraps around for huge sec).
func skewOf(signedAt int64, now time.Time) time.Duration {
	d := float64(signedAt) - float64(now.Unix()) // float: no overflow; coarse is enough for the test
	switch {
	case d > farSeconds:
		return math.MaxInt64
	case d < -farSeconds:
		return math.MinInt64
	}
	return time.Unix(signedAt, 0).Sub(now)
}

// checkSignature computes one HMAC per key (most likely key first) and
// compares it, in constant time, with every v1 entry of the header.
func (v *Verifier) checkSignature(id, ts string, body []byte, header string) error {
	var entries [4]string
	v1 := entries[:0]
	for entry := range strings.FieldsSeq(header) {
		if sig, ok := strings.CutPrefix(entry, "v1,"); ok {
			v1 = append(v1, sig)
		}
	}
	if len(v1) == 0 {
		return fmt.Errorf("%w: the header has no v1 entry", ErrNoMatchingSignature)
	}
	var sum [sha256.Size]byte
	var want [44]byte // base64 of 32 bytes
	for _, key := range v.keys {
		mac := hmac.New(sha256.New, key)
		writeSigned(mac, id, ts, body)
		base64.StdEncoding.Encode(want[:], mac.Sum(sum[:0]))
		for _, sig := range v1 {
			if subtle.ConstantTimeCompare(want[:], []byte(sig)) == 1 {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: %d v1 entries, %d keys tried", ErrNoMatchingSignature, len(v1), len(v.keys))
}

// writeSigned writes the signed content: "<id>.<timestamp>.<body>".
func writeSigned(w io.Writer, id, ts string, body []byte) {
	io.WriteString(w, id)
	io.WriteString(w, ".")
	io.WriteString(w, ts)
	io.WriteString(w, ".")
	w.Write(body)
}
