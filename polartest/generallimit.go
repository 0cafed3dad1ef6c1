package polartest

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// WithRateLimit makes the server enforce Polar's general rate limit:
// perMinute requests per minute per access token (per client address for
// requests without one), on every route, in fixed one-minute windows that
// start with a caller's first request, as Polar's limiter does. A request
// over the limit is answered 429 with an empty body and Retry-After in
// whole seconds until the window ends; it is counted in Stats but never
// reaches authentication or the store. Polar allows 500 a minute in
// production and 100 in the sandbox. perMinute ≤ 0 disables the limit
// (the default). The confirm limit of [WithConfirmRateLimit] applies on
// top. The window follows [WithClock].
func WithRateLimit(perMinute int) Option {
	return func(c *config) { c.perMinute = perMinute }
}

// generalLimiter counts requests per caller in fixed windows.
type generalLimiter struct {
	mu      sync.Mutex
	windows map[string]*window
}

type window struct {
	start time.Time
	hits  int
}

// allow counts a request of caller at now and says whether it may
// proceed, or how many seconds remain in the caller's window.
func (l *generalLimiter) allow(caller string, perMinute int, now time.Time) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.windows == nil {
		l.windows = make(map[string]*window)
	}
	w := l.windows[caller]
	if w == nil || now.Sub(w.start) >= time.Minute || now.Before(w.start) {
		w = &window{start: now}
		l.windows[caller] = w
	}
	if w.hits >= perMinute {
		return seconds(w.start.Add(time.Minute).Sub(now)), false
	}
	w.hits++
	return 0, true
}

// reset forgets every window.
func (l *generalLimiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.windows = nil
}

// limitGeneral applies WithRateLimit to r, and returns the 429 to send or
// nil.
func (h *Handler) limitGeneral(r *http.Request) *reply {
	if h.cfg.perMinute <= 0 {
		return nil
	}
	if wait, ok := h.limiter.allow(callerOf(r), h.cfg.perMinute, h.now()); !ok {
		return rateLimited(wait)
	}
	return nil
}

// callerOf is who a request counts against: its bearer token, else its
// client address, as Polar keys anonymous callers.
func callerOf(r *http.Request) string {
	if token, ok := bearer(r.Header.Get("Authorization")); ok {
		return "token:" + token
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	return "ip:" + ip
}
