package polartest

import (
	"container/heap"
	"time"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
)

// dueTimes schedules the transitions that happen with time (expiry of an
// open session, settlement of a confirmed one), so that [Handler.Sweep]
// finds the sessions due without scanning the store. Each session has at
// most one entry: the time of its next transition. Its fields are guarded
// by the store's lock.
type dueTimes struct {
	heap dueHeap
	at   map[uuid.UUID]time.Time // the scheduled time of each session in heap
}

// dueEntry is one scheduled transition.
type dueEntry struct {
	at time.Time
	id uuid.UUID
}

// dueHeap is a min-heap of entries by time.
type dueHeap []dueEntry

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(dueEntry)) }
func (h *dueHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

func newDueTimes() *dueTimes { return &dueTimes{at: make(map[uuid.UUID]time.Time)} }

// nextTransition returns when the state cs will change by itself, if it
// will.
func nextTransition(cs *session) (time.Time, bool) {
	switch {
	case cs.status == client.CheckoutStatusOpen:
		return cs.expiresAt, true
	case cs.status == client.CheckoutStatusConfirmed && cs.settleAt != nil:
		return *cs.settleAt, true
	}
	return time.Time{}, false
}

// schedule records the next transition of cs. An entry already at that
// time is kept; one at another time stays in the heap and is skipped when
// popped (pop checks the map).
func (d *dueTimes) schedule(cs *session) {
	at, ok := nextTransition(cs)
	if !ok {
		return
	}
	if old, ok := d.at[cs.id]; ok && old.Equal(at) {
		return
	}
	d.at[cs.id] = at
	heap.Push(&d.heap, dueEntry{at: at, id: cs.id})
}

// popDue removes and returns a session whose scheduled transition is due
// at now, or false when none is.
func (d *dueTimes) popDue(now time.Time) (uuid.UUID, bool) {
	for len(d.heap) > 0 && !now.Before(d.heap[0].at) {
		e := heap.Pop(&d.heap).(dueEntry)
		if at, ok := d.at[e.id]; ok && at.Equal(e.at) {
			delete(d.at, e.id)
			return e.id, true
		}
	}
	return uuid.UUID{}, false
}

// Sweep applies now every transition due on the server's clock, as
// Polar's periodic jobs do: open checkouts past expires_at expire and
// confirmed checkouts whose payment settled succeed. Reads apply them too,
// so a test needs Sweep only to see them happen without a request: with
// [WithWebhook] (which also sweeps in the background, every
// [SweepInterval] of real time), to have the checkout.expired or
// checkout.updated event sent right after moving a [Clock]. It returns how
// many checkouts changed.
func (h *Handler) Sweep() int {
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	now := h.now()
	n := 0
	for {
		id, ok := h.store.due.popDue(now)
		if !ok {
			return n
		}
		if cs := h.store.byID[id]; cs != nil && h.store.refresh(cs, now) != cs {
			n++
		}
	}
}
