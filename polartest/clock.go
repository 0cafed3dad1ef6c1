package polartest

import (
	"sync"
	"time"
)

// Clock is a settable clock for [WithClock]: time stands still until the
// test moves it. It is safe for concurrent use.
//
//	clock := polartest.NewClock(time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC))
//	srv := polartest.NewServer(polartest.WithClock(clock.Now))
//	clock.Advance(2 * time.Hour) // every open checkout has now expired
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the current time of the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (backward if d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}
