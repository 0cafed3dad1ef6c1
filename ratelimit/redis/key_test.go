package redislimit

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"
)

const testToken = "polar_oat_Zx9Qm2Lk7Vb4Nc1Rt8Yw3Hs6Jd0Fg5Pa"

func TestHashKey(t *testing.T) {
	t.Parallel()
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	a, b := hashKey("org-a"), hashKey("org-b")
	if !hex32.MatchString(a) || !hex32.MatchString(b) {
		t.Fatalf("hashKey gave %q and %q, want 32 lower-case hex digits", a, b)
	}
	if a == b {
		t.Errorf("two organizations share the key %q", a)
	}
	if hashKey("org-a") != a {
		t.Errorf("hashKey is not deterministic")
	}
	// The first 16 bytes of SHA-256("abc"), the FIPS 180-2 test vector.
	if got, want := hashKey("abc"), "ba7816bf8f01cfea414140de5dae2223"; got != want {
		t.Errorf("hashKey(abc) = %q, want %q", got, want)
	}
}

// TestKeysNeverContainTheToken looks at everything the limiter stores in
// Redis and logs, and at the limiter value itself, for the token or any
// piece of it.
func TestKeysNeverContainTheToken(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	rdb := srv.Client(t)
	var logs bytes.Buffer
	lim, err := New(rdb, 600, WithKeyFromToken(testToken),
		WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := lim.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	lim.HoldUntil(time.Now().Add(time.Minute))

	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Fatalf("Redis holds %q, want the rate key and the hold key", keys)
	}
	var stored []string
	for _, k := range keys {
		v, err := rdb.Get(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, k, v)
		if !strings.Contains(k, hashKey(testToken)) {
			t.Errorf("key %q is not named by the token's hash", k)
		}
	}
	stored = append(stored, logs.String(), fmt.Sprintf("%+v %#v", lim, lim))
	for _, s := range stored {
		if piece, ok := containsPiece(s, testToken, 8); ok {
			t.Errorf("%q contains %q, a piece of the token", s, piece)
		}
	}
}

// TestKeyOptions: the key options name the same hash for the same value,
// the prefix is configurable, and a key is required.
func TestKeyOptions(t *testing.T) {
	t.Parallel()
	rdb := newClient("127.0.0.1:1") // New sends nothing
	t.Cleanup(func() { _ = rdb.Close() })
	byOrg, err := New(rdb, 100, WithKey("org_1"), WithPrefix("app:"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "app:" + hashKey("org_1"); byOrg.rateKey != want || byOrg.holdKey != want+":hold" {
		t.Errorf("keys %q, %q; want %q and its :hold", byOrg.rateKey, byOrg.holdKey, want)
	}
	byToken, err := New(rdb, 100, WithKeyFromToken("  "+testToken+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultPrefix + hashKey(testToken); byToken.rateKey != want {
		t.Errorf("token key %q, want %q (white space around the token ignored)", byToken.rateKey, want)
	}
}

// containsPiece reports whether s contains any n-byte piece of secret.
func containsPiece(s, secret string, n int) (string, bool) {
	for i := 0; i+n <= len(secret); i++ {
		if strings.Contains(s, secret[i:i+n]) {
			return secret[i : i+n], true
		}
	}
	return "", false
}
