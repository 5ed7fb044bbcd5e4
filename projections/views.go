package projections

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/audit"
	"github.com/jejak-id/jejak/projections/index"
)

// Views owns the live projections and answers reads as of any instant.
// Safe for concurrent use.
type Views struct {
	store    domain.EventStore
	Index    *index.Index
	Audit    *audit.Trails
	Timeline *Timeline
	Runner   *Runner

	// checkpointAt is when the last checkpoint saved or restored was taken
	// (Unix nanoseconds).
	checkpointAt  atomic.Int64
	checkpointPos atomic.Uint64

	mu    sync.Mutex
	cache []*pastIndex // most recent first
	// base, when set, finds a stored index at or before a position for a
	// past state to start from instead of the first event.
	base func(ctx context.Context, position uint64) (*index.Index, uint64, error)
}

// StartFrom sets where past states start from: base finds a stored index
// at or before a position (package snapshot sets itself).
func (v *Views) StartFrom(base func(ctx context.Context, position uint64) (*index.Index, uint64, error)) {
	v.mu.Lock()
	v.base = base
	v.mu.Unlock()
}

type pastIndex struct {
	position uint64
	ready    chan struct{}
	index    *index.Index
	err      error
}

const pastCacheSize = 3

// NewViews returns the live projections, fed by a runner from position 0.
func NewViews(store domain.EventStore) *Views {
	v := &Views{store: store, Index: index.New(), Audit: audit.NewTrails(store), Timeline: &Timeline{}}
	v.Runner = NewRunner(store, 0, v.Index, v.Audit, v.Timeline)
	return v
}

// Position resolves asOf to a stream position; "now" is the live position.
func (v *Views) Position(asOf AsOf) uint64 {
	live := v.Runner.Position()
	switch {
	case asOf.IsZero():
		return live
	case asOf.Position != 0:
		return min(asOf.Position, live)
	default:
		return v.Timeline.PositionAt(asOf.Time)
	}
}

// IndexAt returns the index as it was at asOf, and the position it reflects.
// The live index answers "now" and any position it has reached; past states
// are replayed from the store, starting from the nearest stored snapshot
// before them when there is one, and kept for the next reads.
func (v *Views) IndexAt(ctx context.Context, asOf AsOf) (*index.Index, uint64, error) {
	pos := v.Position(asOf)
	if pos >= v.Runner.Position() {
		return v.Index, pos, nil
	}
	v.mu.Lock()
	for i, c := range v.cache {
		if c.position == pos {
			v.cache = append(append([]*pastIndex{c}, v.cache[:i]...), v.cache[i+1:]...)
			v.mu.Unlock()
			select {
			case <-c.ready:
				return c.index, pos, c.err
			case <-ctx.Done():
				return nil, 0, ctx.Err()
			}
		}
	}
	c := &pastIndex{position: pos, ready: make(chan struct{}), index: index.New()}
	v.cache = append([]*pastIndex{c}, v.cache...)
	if len(v.cache) > pastCacheSize {
		v.cache = v.cache[:pastCacheSize]
	}
	base := v.base
	v.mu.Unlock()

	var from uint64
	if base != nil {
		// A snapshot that cannot be read only costs the longer replay.
		if ix, at, err := base(context.WithoutCancel(ctx), pos); err == nil && ix != nil && at <= pos {
			c.index, from = ix, at
		}
	}
	c.err = replayRange(context.WithoutCancel(ctx), v.store, from, pos, c.index)
	if c.err != nil {
		v.mu.Lock()
		for i := range v.cache {
			if v.cache[i] == c {
				v.cache = append(v.cache[:i], v.cache[i+1:]...)
				break
			}
		}
		v.mu.Unlock()
	}
	close(c.ready)
	return c.index, pos, c.err
}

var errReached = errors.New("reached the target position")

// Replay applies every event up to and including position to ps.
func Replay(ctx context.Context, store domain.EventStore, position uint64, ps ...Projection) error {
	return replayRange(ctx, store, 0, position, ps...)
}

// replayRange applies the events after position after, up to and including
// position, to ps.
func replayRange(ctx context.Context, store domain.EventStore, after, position uint64, ps ...Projection) error {
	if position <= after {
		return nil
	}
	err := store.Read(ctx, after, func(ev domain.RecordedEvent) error {
		if ev.Position > position {
			return errReached
		}
		for _, p := range ps {
			if err := p.Apply(ev); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errReached) {
		return nil
	}
	return err
}
