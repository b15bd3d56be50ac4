package main

import (
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
)

// Heap goals. Pipelines hold a few large frames: collecting at 25% heap growth instead of 100%
// keeps the peak memory of a run near its live data (train_linear on 11 months: 200–250 → ~175
// MB) at no measurable cost in time. A small heap, though, would then be collected every few
// hundred kilobytes: a 20-block run of no-op blocks spent 26% of its worker's time in 44 collections
// of a 4 MB heap. So the goal is 25% above the live heap, but never under minHeapGoal.
const (
	gcPercent   = 25
	minHeapGoal = 64 << 20
)

// tuneGC sets the collector's percentage after every collection from the live heap it found.
// GOGC in the environment turns the tuning off.
func tuneGC() {
	sample := []rtmetrics.Sample{{Name: "/gc/heap/live:bytes"}}
	last := -1
	var adjust func()
	adjust = func() {
		rtmetrics.Read(sample)
		live := int64(0)
		if sample[0].Value.Kind() == rtmetrics.KindUint64 {
			live = int64(sample[0].Value.Uint64())
		}
		pct := gcPercent
		if live < minHeapGoal*100/(100+gcPercent) {
			pct = int(minHeapGoal*100/max(live, 1<<20)) - 100
		}
		if last < 0 || pct*10 < last*9 || pct*10 > last*11 {
			debug.SetGCPercent(pct)
			last = pct
		}
		// A new sentinel each cycle: its finalizer runs after the next collection.
		s := new([16]byte)
		runtime.SetFinalizer(s, func(*[16]byte) { adjust() })
	}
	adjust()
}
