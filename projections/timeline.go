package projections

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// Timeline maps instants to positions for time travel: it remembers when
// each commit occurred. Occurred-at times are made monotonic (a commit that
// claims an earlier time than its predecessor is placed at the
// predecessor's), so "as of T" is always a prefix of the stream.
type Timeline struct {
	mu        sync.RWMutex
	positions []uint64
	times     []int64 // unix nanoseconds, non-decreasing
}

func (t *Timeline) Name() string { return "timeline" }
func (t *Timeline) Version() int { return 1 }

// Apply records the first event of each commit.
func (t *Timeline) Apply(ev domain.RecordedEvent) error {
	if ev.Index != 0 {
		return nil
	}
	at := ev.OccurredAt.UnixNano()
	t.mu.Lock()
	defer t.mu.Unlock()
	if n := len(t.times); n > 0 && at < t.times[n-1] {
		at = t.times[n-1]
	}
	t.positions = append(t.positions, ev.Position)
	t.times = append(t.times, at)
	return nil
}

// PositionAt returns the last position that occurred at or before at (0 when
// none did).
func (t *Timeline) PositionAt(at time.Time) uint64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	n := at.UnixNano()
	i := sort.Search(len(t.times), func(i int) bool { return t.times[i] > n })
	if i == 0 {
		return 0
	}
	return t.positions[i-1]
}

// TimeAt returns when the commit at position occurred (zero if unknown).
func (t *Timeline) TimeAt(position uint64) time.Time {
	t.mu.RLock()
	defer t.mu.RUnlock()
	i := sort.Search(len(t.positions), func(i int) bool { return t.positions[i] >= position })
	if i == len(t.positions) || t.positions[i] != position {
		return time.Time{}
	}
	return time.Unix(0, t.times[i]).UTC()
}

type timelineState struct {
	Positions []uint64
	Times     []int64
}

// Snapshot serialises the timeline.
func (t *Timeline) Snapshot() ([]byte, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return json.Marshal(timelineState{Positions: t.positions, Times: t.times})
}

// Restore replaces the timeline with a snapshot.
func (t *Timeline) Restore(data []byte) error {
	var st timelineState
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("timeline restore: %w", err)
	}
	if len(st.Positions) != len(st.Times) {
		return errors.New("timeline restore: positions and times differ in length")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.positions, t.times = st.Positions, st.Times
	return nil
}
