package polartest

import (
	"bytes"
	"cmp"
	"iter"
	"math"
	"slices"
	"sort"

	"github.com/google/uuid"
)

// entryKey places a session in the list order: created_at (Unix
// microseconds, the precision Polar stores), then ID. Both never change,
// so a session keeps its place in every index for its whole life.
type entryKey struct {
	at int64
	id uuid.UUID
}

// keyOf is the entry of cs.
func keyOf(cs *session) entryKey { return entryKey{at: cs.createdAt.UnixMicro(), id: cs.id} }

// compare orders by created_at, then ID, both ascending.
func (k entryKey) compare(o entryKey) int {
	if c := cmp.Compare(k.at, o.at); c != 0 {
		return c
	}
	return bytes.Compare(k.id[:], o.id[:])
}

// maxBlock bounds the blocks of an orderedSet: an insertion moves at most
// this many entries, and a lookup walks len/maxBlock block starts at most
// once after a change.
const maxBlock = 512

// orderedSet is a set of entries in ascending order, stored as a list of
// sorted blocks: insertion and removal cost O(maxBlock + n/maxBlock),
// finding the i-th entry or the rank of a key O(log n) once the block
// starts are up to date (they are recomputed on the first read after a
// change). The store's mutex guards it, reads included.
type orderedSet struct {
	blocks [][]entryKey // non-empty, each sorted, each before the next
	n      int
	starts []int // starts[i]: entries before blocks[i]; stale while dirty
	dirty  bool
}

// len is the number of entries.
func (s *orderedSet) len() int { return s.n }

// block returns the index of the first block whose last entry is not
// before k (len(s.blocks) if none).
func (s *orderedSet) block(k entryKey) int {
	return sort.Search(len(s.blocks), func(i int) bool {
		b := s.blocks[i]
		return b[len(b)-1].compare(k) >= 0
	})
}

// insert adds k, which must not be in the set.
func (s *orderedSet) insert(k entryKey) {
	s.n++
	s.dirty = true
	if len(s.blocks) == 0 {
		s.blocks = append(s.blocks, []entryKey{k})
		return
	}
	bi := min(s.block(k), len(s.blocks)-1)
	b := s.blocks[bi]
	at, _ := slices.BinarySearchFunc(b, k, entryKey.compare)
	b = slices.Insert(b, at, k)
	if len(b) <= maxBlock {
		s.blocks[bi] = b
		return
	}
	half := len(b) / 2
	upper := append(make([]entryKey, 0, maxBlock), b[half:]...)
	s.blocks[bi] = b[:half:half]
	s.blocks = slices.Insert(s.blocks, bi+1, upper)
}

// remove deletes k and reports whether it was there.
func (s *orderedSet) remove(k entryKey) bool {
	bi := s.block(k)
	if bi == len(s.blocks) {
		return false
	}
	b := s.blocks[bi]
	at, found := slices.BinarySearchFunc(b, k, entryKey.compare)
	if !found {
		return false
	}
	s.n--
	s.dirty = true
	if len(b) == 1 {
		s.blocks = slices.Delete(s.blocks, bi, bi+1)
		return true
	}
	s.blocks[bi] = slices.Delete(b, at, at+1)
	return true
}

// index brings the block starts up to date.
func (s *orderedSet) index() {
	if !s.dirty {
		return
	}
	s.starts = s.starts[:0]
	n := 0
	for _, b := range s.blocks {
		s.starts = append(s.starts, n)
		n += len(b)
	}
	s.dirty = false
}

// at returns the i-th entry, 0 ≤ i < len.
func (s *orderedSet) at(i int) entryKey {
	bi, off := s.locate(i)
	return s.blocks[bi][off]
}

// rank returns the number of entries before k.
func (s *orderedSet) rank(k entryKey) int {
	bi := s.block(k)
	if bi == len(s.blocks) {
		return s.n
	}
	s.index()
	at, _ := slices.BinarySearchFunc(s.blocks[bi], k, entryKey.compare)
	return s.starts[bi] + at
}

// countBefore returns the number of entries created before at.
func (s *orderedSet) countBefore(at int64) int { return s.rank(entryKey{at: at}) }

// countUpTo returns the number of entries created at or before at.
func (s *orderedSet) countUpTo(at int64) int {
	if at == math.MaxInt64 {
		return s.n
	}
	return s.countBefore(at + 1)
}

// view is an orderedSet seen in the order of a list sort: ascending
// created_at (the set's own order), or descending created_at with ties
// still by ascending ID, as compareSessions breaks them.
type view struct {
	set  *orderedSet
	desc bool
}

// len is the number of entries.
func (v view) len() int { return v.set.n }

// compare orders two entries as the view shows them.
func (v view) compare(a, b entryKey) int {
	if v.desc && a.at != b.at {
		return cmp.Compare(b.at, a.at)
	}
	return a.compare(b)
}

// at returns the entry at position p of the view. Descending, the
// created_at groups come in reverse but each group keeps its ascending
// IDs: p falls in the group of the p-th entry from the end, at the same
// offset from the group's start as from its end in the reversed set.
func (v view) at(p int) entryKey {
	if !v.desc {
		return v.set.at(p)
	}
	n := v.set.n
	at := v.set.at(n - 1 - p).at
	lo, hi := v.set.countBefore(at), v.set.countUpTo(at)
	return v.set.at(lo + p - (n - hi))
}

// rank returns the number of entries the view shows before k.
func (v view) rank(k entryKey) int {
	if !v.desc {
		return v.set.rank(k)
	}
	later := v.set.n - v.set.countUpTo(k.at)
	return later + v.set.rank(k) - v.set.countBefore(k.at)
}

// locate returns the block and offset of the i-th entry, 0 ≤ i < len.
func (s *orderedSet) locate(i int) (int, int) {
	s.index()
	bi := sort.Search(len(s.starts), func(j int) bool { return s.starts[j] > i }) - 1
	return bi, i - s.starts[bi]
}

// cursor walks a view from a position on, one entry at a time, without a
// lookup per entry. Ascending, it walks the blocks forward. Descending, it
// walks them backward and buffers each created_at group, which it hands
// out in ascending ID order.
type cursor struct {
	v       view
	bi, off int        // ascending: the next entry; descending: the last entry not yet buffered
	rest    int        // descending: entries not yet buffered (those before bi, off included)
	group   []entryKey // descending: the current group, from gi on
	gi      int
}

// cursorAt returns a cursor at position p of v.
func (v view) cursorAt(p int) *cursor {
	c := &cursor{v: v}
	n := v.set.n
	switch {
	case p >= n:
		c.bi = len(v.set.blocks) // done in both directions
	case !v.desc:
		c.bi, c.off = v.set.locate(p)
	default:
		at := v.set.at(n - 1 - p).at
		lo, hi := v.set.countBefore(at), v.set.countUpTo(at)
		for i := lo + p - (n - hi); i < hi; i++ {
			c.group = append(c.group, v.set.at(i))
		}
		c.rest = lo
		if lo > 0 {
			c.bi, c.off = v.set.locate(lo - 1)
		}
	}
	return c
}

// peek returns the entry at the cursor, false past the end.
func (c *cursor) peek() (entryKey, bool) {
	if !c.v.desc {
		if c.bi >= len(c.v.set.blocks) {
			return entryKey{}, false
		}
		return c.v.set.blocks[c.bi][c.off], true
	}
	if c.gi == len(c.group) && !c.fill() {
		return entryKey{}, false
	}
	return c.group[c.gi], true
}

// next moves past the entry at the cursor, which peek returned.
func (c *cursor) next() {
	if c.v.desc {
		c.gi++
		return
	}
	c.off++
	if c.off == len(c.v.set.blocks[c.bi]) {
		c.bi, c.off = c.bi+1, 0
	}
}

// fill buffers the next created_at group of a descending cursor: the
// entries before the last one buffered, walking back while created_at is
// the same.
func (c *cursor) fill() bool {
	if c.rest == 0 {
		return false
	}
	blocks := c.v.set.blocks
	at := blocks[c.bi][c.off].at
	c.group, c.gi = c.group[:0], 0
	for c.rest > 0 && blocks[c.bi][c.off].at == at {
		c.group = append(c.group, blocks[c.bi][c.off])
		c.rest--
		if c.off > 0 {
			c.off--
		} else if c.bi > 0 {
			c.bi--
			c.off = len(blocks[c.bi]) - 1
		}
	}
	slices.Reverse(c.group)
	return true
}

// union is the union of disjoint views in the same order: the sets of
// several values of one filter (a session has one status, one product).
type union []view

// len is the number of entries.
func (u union) len() int {
	n := 0
	for _, v := range u {
		n += v.len()
	}
	return n
}

// rank returns the number of entries before k in the union.
func (u union) rank(k entryKey) int {
	r := 0
	for _, v := range u {
		r += v.rank(k)
	}
	return r
}

// at returns the entry at position t of the union, 0 ≤ t < len: the one
// entry whose rank in the union is t, found by a binary search in the
// view that holds it.
func (u union) at(t int) entryKey {
	for _, v := range u {
		i := sort.Search(v.len(), func(i int) bool { return u.rank(v.at(i)) >= t })
		if i < v.len() {
			if k := v.at(i); u.rank(k) == t {
				return k
			}
		}
	}
	panic("polartest: union.at out of range")
}

// from returns the entries of the union from position start on, in
// order: the views' cursors merged.
func (u union) from(start int) iter.Seq[entryKey] {
	return func(yield func(entryKey) bool) {
		if start >= u.len() {
			return
		}
		cursors := make([]*cursor, len(u))
		if len(u) == 1 || start == 0 {
			for i, v := range u {
				cursors[i] = v.cursorAt(min(start, v.len()))
			}
		} else {
			first := u.at(start)
			for i, v := range u {
				cursors[i] = v.cursorAt(v.rank(first))
			}
		}
		for {
			best, bestKey := -1, entryKey{}
			for i, c := range cursors {
				if k, ok := c.peek(); ok && (best < 0 || u[i].compare(k, bestKey) < 0) {
					best, bestKey = i, k
				}
			}
			if best < 0 || !yield(bestKey) {
				return
			}
			cursors[best].next()
		}
	}
}
