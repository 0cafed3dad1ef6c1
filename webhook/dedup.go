package webhook

import (
	"context"
	"sync"
)

// dedup remembers the webhook-ids of the last size deliveries that were
// processed successfully (a ring: the oldest is forgotten first), and the
// ones being processed right now.
type dedup struct {
	mu       sync.Mutex
	done     map[string]struct{}
	ring     []string // done ids in the order they finished; "" is a free slot
	next     int
	inflight map[string]chan struct{} // closed when that delivery finishes
}

func newDedup(size int) *dedup {
	return &dedup{
		done:     make(map[string]struct{}, size),
		ring:     make([]string, size),
		inflight: map[string]chan struct{}{},
	}
}

// claim returns duplicate=true if id was processed successfully.
// Otherwise it makes the caller the one processing id and returns finish,
// which must be called once with whether processing succeeded. A caller
// that finds id in flight waits for that delivery: if it succeeded, this
// one is a duplicate; if it failed, this one processes it. err is ctx's
// error if ctx ends while waiting.
func (d *dedup) claim(ctx context.Context, id string) (finish func(ok bool), duplicate bool, err error) {
	for {
		d.mu.Lock()
		if _, ok := d.done[id]; ok {
			d.mu.Unlock()
			return nil, true, nil
		}
		wait, busy := d.inflight[id]
		if !busy {
			ch := make(chan struct{})
			d.inflight[id] = ch
			d.mu.Unlock()
			return func(ok bool) { d.finish(id, ch, ok) }, false, nil
		}
		d.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
}

// finish records the outcome of id and wakes the deliveries waiting on it.
func (d *dedup) finish(id string, ch chan struct{}, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.inflight, id)
	close(ch)
	if !ok {
		return
	}
	if old := d.ring[d.next]; old != "" {
		delete(d.done, old)
	}
	d.ring[d.next] = id
	d.done[id] = struct{}{}
	d.next = (d.next + 1) % len(d.ring)
}
