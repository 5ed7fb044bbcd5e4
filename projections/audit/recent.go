package audit

import (
	"cmp"
	"slices"

	"github.com/jejak-id/jejak/domain"
)

// recentSize is how many latest events a window answers.
const recentSize = 50

// window keeps the latest events of one scope (every region, one region,
// or the national events): those applied since start-up and, before them,
// the entries restored from a checkpoint. Its owner's lock guards it.
type window struct {
	// live holds up to recentSize events, oldest first until it is full,
	// then as a ring whose oldest is at next: a national replay passes
	// every event through two windows, so adding is one copy, and a
	// window keeps no more than it answers.
	live     []domain.RecordedEvent
	next     int
	restored []Entry // newest last
}

func (w *window) add(ev domain.RecordedEvent) {
	if len(w.live) < recentSize {
		w.live = append(w.live, ev)
		return
	}
	w.live[w.next] = ev
	w.next = (w.next + 1) % recentSize
}

// latest returns up to recentSize latest entries, newest first.
func (w *window) latest() []Entry {
	if w == nil {
		return nil
	}
	var out []Entry
	for k := range len(w.live) { // newest first
		out = append(out, entry(w.live[(w.next-1-k+len(w.live))%len(w.live)], nil))
	}
	for i := len(w.restored) - 1; i >= 0 && len(out) < recentSize; i-- {
		out = append(out, w.restored[i])
	}
	return out
}

// Recent returns the latest events of region, newest first: every
// region's (and the national ones) when region is "", otherwise the
// region's and the national ones (periods), which are everyone's.
func (a *Trails) Recent(limit int, region string) []Entry {
	a.mu.RLock()
	defer a.mu.RUnlock()
	var list []Entry
	if region == "" {
		list = a.recent.latest()
	} else {
		list = append(a.recentBy[region].latest(), a.recentBy[""].latest()...)
		slices.SortFunc(list, func(x, y Entry) int {
			return cmp.Or(cmp.Compare(y.Position, x.Position), cmp.Compare(y.Index, x.Index))
		})
	}
	if list == nil {
		list = []Entry{}
	}
	return list[:min(limit, len(list))]
}
