package polartest

import (
	mathrand "math/rand/v2"
	"slices"
	"testing"

	"github.com/google/uuid"
)

// refOrder sorts keys as a view shows them, by the rule compareSessions
// uses for created_at: the time in the view's direction, then ID
// ascending.
func refOrder(keys []entryKey, desc bool) []entryKey {
	out := slices.Clone(keys)
	slices.SortFunc(out, func(a, b entryKey) int {
		if desc && a.at != b.at {
			return compareInt(b.at, a.at)
		}
		return a.compare(b)
	})
	return out
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// randomKey draws a key among few times (so that ties are common) and
// random IDs.
func randomKey(rng *mathrand.Rand) entryKey {
	var id uuid.UUID
	for i := range id {
		id[i] = byte(rng.IntN(256))
	}
	return entryKey{at: int64(rng.IntN(40)) * 1000, id: id}
}

// TestOrderedSetAgainstSlice holds orderedSet, its views, their cursors
// and unions of them to sorted slices, through insertions and removals
// that split blocks and empty them.
func TestOrderedSetAgainstSlice(t *testing.T) {
	t.Parallel()
	rng := mathrand.New(mathrand.NewPCG(7, 7))
	sets := make([]orderedSet, 3)
	refs := make([][]entryKey, 3)
	check := func(step int) {
		t.Helper()
		for _, desc := range []bool{false, true} {
			var u union
			var all []entryKey
			for i := range sets {
				v := view{set: &sets[i], desc: desc}
				u = append(u, v)
				all = append(all, refs[i]...)
				want := refOrder(refs[i], desc)
				if v.len() != len(want) {
					t.Fatalf("step %d desc %v set %d: len %d, want %d", step, desc, i, v.len(), len(want))
				}
				for p, k := range want {
					if got := v.at(p); got != k {
						t.Fatalf("step %d desc %v set %d: at(%d) = %v, want %v", step, desc, i, p, got, k)
					}
					if r := v.rank(k); r != p {
						t.Fatalf("step %d desc %v set %d: rank = %d, want %d", step, desc, i, r, p)
					}
				}
				// A key that is not in the set ranks where it would go.
				probe := randomKey(rng)
				if r, want := v.rank(probe), countBefore(want, probe, v); r != want {
					t.Fatalf("step %d desc %v: rank of an absent key %d, want %d", step, desc, r, want)
				}
			}
			want := refOrder(all, desc)
			for _, start := range []int{0, 1, len(want) / 3, len(want) - 1, len(want), len(want) + 5} {
				var got []entryKey
				for k := range u.from(max(start, 0)) {
					got = append(got, k)
				}
				if start < 0 {
					continue
				}
				exp := want[min(start, len(want)):]
				if !slices.Equal(got, exp) {
					t.Fatalf("step %d desc %v: union from %d: %d entries, want %d", step, desc, start, len(got), len(exp))
				}
				if start < len(want) {
					if k := u.at(start); k != want[start] {
						t.Fatalf("step %d desc %v: union at(%d) = %v, want %v", step, desc, start, k, want[start])
					}
				}
			}
		}
	}
	for step := range 6000 {
		i := rng.IntN(3)
		if len(refs[i]) > 0 && rng.IntN(3) == 0 {
			j := rng.IntN(len(refs[i]))
			if !sets[i].remove(refs[i][j]) {
				t.Fatalf("step %d: remove of a present key failed", step)
			}
			refs[i] = slices.Delete(refs[i], j, j+1)
		} else {
			k := randomKey(rng)
			sets[i].insert(k)
			refs[i] = append(refs[i], k)
		}
		if sets[i].remove(randomKey(rng)) {
			t.Fatalf("step %d: removed an absent key", step)
		}
		if step%500 == 0 || step == 5999 {
			check(step)
		}
	}
	if len(sets[0].blocks) < 2 {
		t.Errorf("no block split: %d blocks for %d entries", len(sets[0].blocks), sets[0].len())
	}
	// Empty every set: blocks go away, and views of empty sets are empty.
	for i := range sets {
		for _, k := range refs[i] {
			sets[i].remove(k)
		}
		refs[i] = nil
		if sets[i].len() != 0 || len(sets[i].blocks) != 0 {
			t.Errorf("set %d not empty: %d entries, %d blocks", i, sets[i].len(), len(sets[i].blocks))
		}
	}
	check(6000)
}

// countBefore counts the keys of the sorted want that v shows before k.
func countBefore(want []entryKey, k entryKey, v view) int {
	n := 0
	for _, w := range want {
		if v.compare(w, k) < 0 {
			n++
		}
	}
	return n
}
