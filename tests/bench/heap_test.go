package bench

import (
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// The heap metrics sampled, read without stopping the world.
const (
	// heapObjects is the memory occupied by heap objects, live or not yet
	// swept: what runtime.MemStats.HeapAlloc reports. Its peak is what
	// the process needed, GC pacing included (the heap grows to about
	// twice the live heap, and to at least 4 MB, before a collection).
	heapObjects = "/memory/classes/heap/objects:bytes"
	// heapLive is the heap found live by the last collection: what the
	// program retains, independent of GC pacing.
	heapLive = "/gc/heap/live:bytes"
)

// heapSampler records the peaks of heapObjects and heapLive, read every
// millisecond by a goroutine until stop.
type heapSampler struct {
	peak, peakLive atomic.Uint64
	quit           chan struct{}
	wg             sync.WaitGroup
}

func startHeapSampler() *heapSampler {
	s := &heapSampler{quit: make(chan struct{})}
	s.sample()
	s.wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.quit:
				return
			case <-t.C:
				s.sample()
			}
		}
	})
	return s
}

// sample reads the metrics and raises the peaks if needed.
func (s *heapSampler) sample() {
	m := []metrics.Sample{{Name: heapObjects}, {Name: heapLive}}
	metrics.Read(m)
	raise(&s.peak, m[0].Value.Uint64())
	raise(&s.peakLive, m[1].Value.Uint64())
}

func raise(peak *atomic.Uint64, v uint64) {
	for {
		p := peak.Load()
		if v <= p || peak.CompareAndSwap(p, v) {
			return
		}
	}
}

// stop ends sampling and returns the peaks of heapObjects and heapLive.
func (s *heapSampler) stop() (peak, peakLive uint64) {
	close(s.quit)
	s.wg.Wait()
	s.sample()
	return s.peak.Load(), s.peakLive.Load()
}
