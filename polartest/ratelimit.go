package polartest

import (
	"net"
	"net/http"
	"time"
)

// Polar's rate limit on confirmations, per client IP address.
const (
	confirmPerMinute = 6
	confirmPerHour   = 20
	confirmBlock     = 1800 * time.Second
)

// confirmLimiter keeps, per client address, the confirmations of the last
// hour and the end of a block. Guarded by the store's mutex.
type confirmLimiter struct {
	clients map[string]*confirmWindow
}

type confirmWindow struct {
	hits         []time.Time // oldest first, within the last hour
	blockedUntil time.Time
}

func newConfirmLimiter() *confirmLimiter {
	return &confirmLimiter{clients: make(map[string]*confirmWindow)}
}

// allowConfirm counts a confirmation from r's address and says whether it
// may proceed, or how many seconds to wait.
func (h *Handler) allowConfirm(r *http.Request) (int, bool) {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	return h.store.rateLimits.allow(ip, h.now())
}

// allow applies the minute and hour windows.
func (l *confirmLimiter) allow(client string, now time.Time) (int, bool) {
	w := l.clients[client]
	if w == nil {
		w = &confirmWindow{}
		l.clients[client] = w
	}
	if now.Before(w.blockedUntil) {
		return seconds(w.blockedUntil.Sub(now)), false
	}
	kept := w.hits[:0]
	for _, t := range w.hits {
		if now.Sub(t) < time.Hour {
			kept = append(kept, t)
		}
	}
	w.hits = kept
	if len(w.hits) >= confirmPerHour {
		w.blockedUntil = now.Add(confirmBlock)
		w.hits = nil
		return seconds(confirmBlock), false
	}
	inMinute := 0
	var oldest time.Time
	for _, t := range w.hits {
		if now.Sub(t) < time.Minute {
			if inMinute == 0 {
				oldest = t
			}
			inMinute++
		}
	}
	if inMinute >= confirmPerMinute {
		return seconds(oldest.Add(time.Minute).Sub(now)), false
	}
	w.hits = append(w.hits, now)
	return 0, true
}

// seconds rounds d up to whole seconds, at least 1.
func seconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
