package redislimit

import (
	"testing"
	"time"
)

// TestHealthBackoff walks the reconnect schedule on a fake clock: one
// probe at a time, the interval doubling up to its bound, and only the
// probe ending an outage.
func TestHealthBackoff(t *testing.T) {
	t.Parallel()
	h := newHealth(100*time.Millisecond, 350*time.Millisecond)
	now := time.Unix(1_000_000, 0)
	if !h.useRedis(now) || h.degraded() {
		t.Fatal("a new health must use Redis")
	}
	if !h.failed(now) {
		t.Fatal("the first failure must report that Redis went down")
	}
	if h.failed(now) {
		t.Error("a second failure of a command already under way reported another outage")
	}
	if h.useRedis(now.Add(99 * time.Millisecond)) {
		t.Error("Redis tried before the first interval passed")
	}
	if h.succeeded() {
		t.Error("a success of a command from before the outage ended it")
	}
	for i, wait := range []time.Duration{100, 200, 350, 350} { // milliseconds: doubling, bounded
		now = now.Add(wait * time.Millisecond)
		if !h.useRedis(now) {
			t.Fatalf("probe %d: not allowed %s after the last failure", i+1, wait*time.Millisecond)
		}
		if h.useRedis(now) {
			t.Fatalf("probe %d: a second caller was let through while the probe runs", i+1)
		}
		if h.failed(now) {
			t.Fatalf("probe %d: a failed probe reported a new outage", i+1)
		}
	}
	if h.useRedis(now.Add(349 * time.Millisecond)) {
		t.Error("Redis tried before the bounded interval passed")
	}
	now = now.Add(350 * time.Millisecond)
	if !h.useRedis(now) || !h.succeeded() {
		t.Fatal("a successful probe must end the outage")
	}
	if h.degraded() || !h.useRedis(now) {
		t.Error("still degraded after the probe succeeded")
	}
}
