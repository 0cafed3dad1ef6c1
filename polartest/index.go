package polartest

import (
	"container/heap"
	"time"

	"github.com/google/uuid"

	"github.com/gopolar/checkouts/client"
)

// The list indexes: every session in created_at order, and the sessions
// of each value of the common filters, so that a page costs O(page size +
// log n) instead of a scan of the store (see list.go). They are kept by
// store.put and store.replace, the only two ways a session is stored; a
// session's entry (created_at, ID) never changes, only the sets it is in.

// attrIndex is the index of one filter: the sessions of each value.
type attrIndex[K comparable] struct {
	key  func(*session) (K, bool) // false: the session has no value
	sets map[K]*orderedSet
}

func newAttrIndex[K comparable](key func(*session) (K, bool)) attrIndex[K] {
	return attrIndex[K]{key: key, sets: make(map[K]*orderedSet)}
}

// update moves the session from old's value to next's (old nil: a new
// session).
func (ix *attrIndex[K]) update(old, next *session) {
	nk, nok := ix.key(next)
	if old != nil {
		ok0, has := ix.key(old)
		if has == nok && (!has || ok0 == nk) {
			return
		}
		if has {
			ix.remove(ok0, keyOf(old))
		}
	}
	if nok {
		set := ix.sets[nk]
		if set == nil {
			set = &orderedSet{}
			ix.sets[nk] = set
		}
		set.insert(keyOf(next))
	}
}

// remove takes an entry out of the set of k, dropping the set once empty.
func (ix *attrIndex[K]) remove(k K, e entryKey) {
	if set := ix.sets[k]; set != nil {
		set.remove(e)
		if set.len() == 0 {
			delete(ix.sets, k)
		}
	}
}

// views returns the sets of the distinct values in order, skipping values
// no session has.
func (ix *attrIndex[K]) views(values []K, desc bool) union {
	out := make(union, 0, len(values))
	seen := make(map[K]bool, len(values))
	for _, v := range values {
		if seen[v] {
			continue
		}
		seen[v] = true
		if set := ix.sets[v]; set != nil {
			out = append(out, view{set: set, desc: desc})
		}
	}
	return out
}

// statusAnd is the key of a compound index: a status and the value of
// another filter, so that the pair of filters is answered exactly.
type statusAnd[K comparable] struct {
	status client.CheckoutStatus
	value  K
}

// indexes are the list indexes of a store. Status has few values, so its
// sets are large; it is also kept paired with product, the other filter
// whose sets are large, which makes status with product as cheap as one
// filter. Customer and external customer sets are small, so a walk of
// them, checking the status, is already cheap. Every session belongs to
// the token's organization (create refuses products of another one), so
// the organization filter holds every session or none.
type indexes struct {
	all           orderedSet
	status        attrIndex[client.CheckoutStatus]
	product       attrIndex[uuid.UUID]
	org           attrIndex[uuid.UUID]
	customer      attrIndex[uuid.UUID]
	external      attrIndex[string]
	statusProduct attrIndex[statusAnd[uuid.UUID]]
	deadlines     deadlines
}

// newIndexes returns empty indexes; orgOf gives the organization of a
// product (the catalogue is fixed, so a session's organization changes
// only with its product).
func newIndexes(orgOf func(product uuid.UUID) uuid.UUID) *indexes {
	return &indexes{
		status:  newAttrIndex(func(cs *session) (client.CheckoutStatus, bool) { return cs.status, true }),
		product: newAttrIndex(func(cs *session) (uuid.UUID, bool) { return cs.productID, true }),
		org:     newAttrIndex(func(cs *session) (uuid.UUID, bool) { return orgOf(cs.productID), true }),
		customer: newAttrIndex(func(cs *session) (uuid.UUID, bool) {
			if cs.customerID == nil {
				return uuid.Nil, false
			}
			return *cs.customerID, true
		}),
		external: newAttrIndex(func(cs *session) (string, bool) {
			if cs.externalCustomerID == nil {
				return "", false
			}
			return *cs.externalCustomerID, true
		}),
		statusProduct: newAttrIndex(func(cs *session) (statusAnd[uuid.UUID], bool) {
			return statusAnd[uuid.UUID]{cs.status, cs.productID}, true
		}),
	}
}

// filterKind names a filter the indexes hold.
type filterKind int

const (
	filterStatus filterKind = iota
	filterProduct
	filterOrg
	filterCustomer
	filterExternal
)

// filter is one filter of a query, as the union of the sets of its
// distinct values (disjoint: a session has one value of each filter, or
// none), in the order of the sort.
type filter struct {
	kind filterKind
	u    union
}

// filters returns the filters of lq that the indexes hold.
func (ix *indexes) filters(lq listQuery, desc bool) []filter {
	var out []filter
	if lq.statuses != nil {
		out = append(out, filter{filterStatus, ix.status.views(lq.statuses, desc)})
	}
	if lq.products != nil {
		out = append(out, filter{filterProduct, ix.product.views(lq.products, desc)})
	}
	if lq.orgs != nil {
		out = append(out, filter{filterOrg, ix.org.views(lq.orgs, desc)})
	}
	if lq.customers != nil {
		out = append(out, filter{filterCustomer, ix.customer.views(lq.customers, desc)})
	}
	if lq.externals != nil {
		out = append(out, filter{filterExternal, ix.external.views(lq.externals, desc)})
	}
	return out
}

// statusAndProduct returns the exact answer to the status and product
// filters of lq together, from the compound index.
func (ix *indexes) statusAndProduct(lq listQuery, desc bool) union {
	products := distinct(lq.products)
	keys := make([]statusAnd[uuid.UUID], 0, len(lq.statuses)*len(products))
	for _, st := range distinct(lq.statuses) {
		for _, p := range products {
			keys = append(keys, statusAnd[uuid.UUID]{st, p})
		}
	}
	return ix.statusProduct.views(keys, desc)
}

// distinct returns the values in order without repeats.
func distinct[K comparable](values []K) []K {
	seen := make(map[K]bool, len(values))
	out := make([]K, 0, len(values))
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// update indexes next, the new state of a session whose previous state
// is old (nil for a new session).
func (ix *indexes) update(old, next *session) {
	if old == nil {
		ix.all.insert(keyOf(next))
	}
	ix.status.update(old, next)
	ix.product.update(old, next)
	ix.org.update(old, next)
	ix.customer.update(old, next)
	ix.external.update(old, next)
	ix.statusProduct.update(old, next)
	ix.deadlines.track(old, next)
}

// deadlines is a min-heap of the times at which sessions change by
// themselves (store.refresh): the expiry of open ones and the settlement
// of confirmed ones. An entry can be stale (the session changed since);
// refresh is then a no-op. Every open session, and every confirmed one
// with a settlement, has an entry for its current time, so popping the
// entries that are due and refreshing their sessions makes every due
// transition.
type deadlines []deadline

type deadline struct {
	at time.Time
	id uuid.UUID
}

func (d deadlines) Len() int           { return len(d) }
func (d deadlines) Less(i, j int) bool { return d[i].at.Before(d[j].at) }
func (d deadlines) Swap(i, j int)      { d[i], d[j] = d[j], d[i] }
func (d *deadlines) Push(x any)        { *d = append(*d, x.(deadline)) }
func (d *deadlines) Pop() any {
	old := *d
	x := old[len(old)-1]
	*d = old[:len(old)-1]
	return x
}

// track queues next's time of change when it is new: a session that
// became open or got another expires_at, or became confirmed or got
// another settlement time. An update that changes neither queues nothing.
func (d *deadlines) track(old, next *session) {
	if at, ok := changeTime(next); ok {
		if prev, had := changeTime(old); !had || !prev.Equal(at) || old.status != next.status {
			heap.Push(d, deadline{at: at, id: next.id})
		}
	}
}

// changeTime is when cs changes by itself, if it does.
func changeTime(cs *session) (time.Time, bool) {
	switch {
	case cs == nil:
		return time.Time{}, false
	case cs.status == client.CheckoutStatusOpen:
		return cs.expiresAt, true
	case cs.status == client.CheckoutStatusConfirmed && cs.settleAt != nil:
		return *cs.settleAt, true
	}
	return time.Time{}, false
}

// refreshDue makes every transition due at now; the caller holds mu.
func (s *store) refreshDue(now time.Time) {
	d := &s.index.deadlines
	for d.Len() > 0 && !now.Before((*d)[0].at) {
		e := heap.Pop(d).(deadline)
		if cs := s.byID[e.id]; cs != nil {
			s.refresh(cs, now)
		}
	}
}
