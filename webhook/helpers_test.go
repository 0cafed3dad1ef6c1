package webhook

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// vector is one entry of testdata/vectors.json (see testdata/README.md).
type vector struct {
	Name          string   `json:"name"`
	SignSecret    string   `json:"sign_secret"`
	Scheme        string   `json:"scheme"`
	VerifySecrets []string `json:"verify_secrets"`
	ID            string   `json:"id"`
	Timestamp     int64    `json:"timestamp"`
	Body          string   `json:"body"`
	Signature     string   `json:"signature"`
	Valid         bool     `json:"valid"`
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	var doc struct {
		Vectors []vector `json:"vectors"`
	}
	if err := json.Unmarshal(readTestdata(t, "vectors.json"), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	return doc.Vectors
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func payload(t testing.TB, name string) []byte {
	t.Helper()
	return readTestdata(t, filepath.Join("payloads", name))
}

// headers builds the three signature headers.
func (v vector) headers() HeaderFunc {
	h := map[string]string{
		HeaderID:        v.ID,
		HeaderTimestamp: strconv.FormatInt(v.Timestamp, 10),
		HeaderSignature: v.Signature,
	}
	return func(name string) string { return h[name] }
}

// clockAt returns a clock stopped at unix second sec plus extra.
func clockAt(sec int64, extra time.Duration) func() time.Time {
	at := time.Unix(sec, 0).Add(extra)
	return func() time.Time { return at }
}

// mustVerifier builds a verifier or fails the test.
func mustVerifier(t testing.TB, secrets []string, opts ...Option) *Verifier {
	t.Helper()
	v, err := NewVerifier(secrets, opts...)
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	return v
}
