package audit

import (
	"fmt"
	"testing"

	"github.com/jejak-id/jejak/domain"
)

func cachedEvents(pos uint64, n int) []domain.RecordedEvent {
	evs := make([]domain.RecordedEvent, n)
	for i := range evs {
		evs[i] = domain.RecordedEvent{Position: pos, Index: i, Type: "period.opened", AggregateType: domain.AggregatePeriod,
			AggregateID: "2025", Data: domain.PeriodOpened{Year: 2025, CatalogueVersion: fmt.Sprintf("v%03d", pos),
				Schedule: make([]domain.PhaseWindow, 3)}}
	}
	return evs
}

// TestCommitCacheKeepsTheRecentlyUsedWithinItsBound fills a cache past its
// bound: the least recently used commits leave first, a read makes a
// commit recent, the estimated bytes never pass the bound, and a commit
// larger than the bound is not kept.
func TestCommitCacheKeepsTheRecentlyUsedWithinItsBound(t *testing.T) {
	one := commitBytes(cachedEvents(1, 2))
	if one < 200 || one > 4000 {
		t.Fatalf("a commit of two events estimated at %d bytes", one)
	}
	c := newCommitCache(10 * one)
	for pos := uint64(1); pos <= 10; pos++ {
		c.put(pos, cachedEvents(pos, 2))
	}
	if _, ok := c.get(1); !ok { // 1 is now the most recently used
		t.Fatal("commit 1 not kept")
	}
	c.put(11, cachedEvents(11, 2))
	c.put(12, cachedEvents(12, 2))
	for pos, want := range map[uint64]bool{1: true, 2: false, 3: false, 4: true, 12: true} {
		evs, ok := c.get(pos)
		if ok != want {
			t.Errorf("commit %d kept: %v, want %v", pos, ok, want)
		}
		if ok && (len(evs) != 2 || evs[1].Position != pos || evs[1].Data.(domain.PeriodOpened).CatalogueVersion != fmt.Sprintf("v%03d", pos)) {
			t.Errorf("commit %d: %+v", pos, evs)
		}
	}
	hits, misses, bytes := c.stats()
	if hits != 4 || misses != 2 || bytes > 10*one || bytes < 9*one {
		t.Errorf("hits %d, misses %d, bytes %d (bound %d)", hits, misses, bytes, 10*one)
	}
	c.put(13, cachedEvents(13, 40)) // larger than the whole bound
	if _, ok := c.get(13); ok {
		t.Error("a commit larger than the bound was kept")
	}
	if _, ok := c.get(12); !ok {
		t.Error("a commit too large to keep pushed others out")
	}
	none := newCommitCache(0)
	none.put(1, cachedEvents(1, 1))
	if _, ok := none.get(1); ok {
		t.Error("a cache of 0 bytes kept a commit")
	}
}
