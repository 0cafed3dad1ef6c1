package redislimit

import (
	"sync"
	"time"
)

// health remembers whether Redis answers. After a failure, Redis is left
// alone for an interval that doubles with each failed try up to a bound;
// then one caller at a time (the probe) tries it while the others use the
// fallback. No goroutine: the callers themselves probe.
type health struct {
	first, limit time.Duration

	mu      sync.Mutex
	down    bool
	probing bool
	retryAt time.Time
	backoff time.Duration
}

func newHealth(first, limit time.Duration) *health {
	return &health{first: first, limit: limit}
}

// useRedis reports whether a caller should go to Redis now. While Redis is
// down it says yes to one probe once the interval has passed.
func (h *health) useRedis(now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.down {
		return true
	}
	if h.probing || now.Before(h.retryAt) {
		return false
	}
	h.probing = true
	return true
}

// failed records a failed Redis command and reports whether Redis just
// went down (to log it once). A command that was already under way when
// Redis went down does not count as a failed probe.
func (h *health) failed(now time.Time) (wentDown bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case !h.down:
		h.down, h.backoff, wentDown = true, h.first, true
	case h.probing:
		h.probing = false
		h.backoff = min(2*h.backoff, h.limit)
	default:
		return false
	}
	h.retryAt = now.Add(h.backoff)
	return wentDown
}

// succeeded records an answer from Redis and reports whether Redis just
// came back. A command from before an outage does not end it: only the
// probe does.
func (h *health) succeeded() (cameBack bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.down || !h.probing {
		return false
	}
	h.down, h.probing = false, false
	return true
}

// degraded reports whether Redis is considered down.
func (h *health) degraded() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.down
}
