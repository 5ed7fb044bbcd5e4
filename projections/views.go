package projections

import (
	"context"
	"errors"
	"strconv"
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
	// skipped: the newer checkpoints the restore could not read.
	skipped []error

	// past computes and keeps past states (paststates.go).
	past *pastStates
}

// StartFrom sets where past states start from: base finds a stored index
// at or before position and after after, nil when there is none (package
// snapshot sets itself). Call before reads.
func (v *Views) StartFrom(base func(ctx context.Context, after, position uint64) (*index.Index, uint64, error)) {
	v.past.mu.Lock()
	v.past.base = base
	v.past.mu.Unlock()
}

// ConfigurePast sets the bounds of time travel (PastConfig's defaults for
// zero fields) and forgets the past states kept. Call before reads.
func (v *Views) ConfigurePast(cfg PastConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	v.past.mu.Lock()
	base := v.past.base
	v.past.mu.Unlock()
	v.past = newPastStates(v.store, cfg)
	v.past.base, v.past.scoped = base, v.regionIndex
	return nil
}

// PastStats reports the past states kept: indexes, snapshots and their
// estimated bytes.
func (v *Views) PastStats() (indexes, snapshots int, bytes int64) { return v.past.stats() }

// NewViews returns the live projections, fed by a runner from position 0.
func NewViews(store domain.EventStore) *Views {
	v := &Views{store: store, Index: index.New(), Audit: audit.NewTrails(store), Timeline: &Timeline{},
		past: newPastStates(store, PastConfig{})}
	v.Runner = NewRunner(store, 0, v.Index, v.Audit, v.Timeline)
	v.Runner.Beside(v.Index) // the index (and its score history) beside the audit and the timeline
	v.past.scoped = v.regionIndex
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
// are computed as PastConfig describes, starting from the nearest snapshot
// kept or stored below them, and kept for the next reads. A past state
// being computed for another caller is shared; ctx ending stops waiting,
// and stops the computation when no other caller waits for it. Errors:
// ErrPastBusy (CodeUnavailable) beyond PastConfig.MaxComputing, ctx's
// error, the store's.
func (v *Views) IndexAt(ctx context.Context, asOf AsOf) (*index.Index, uint64, error) {
	return v.IndexAtAdmitted(ctx, asOf, nil)
}

// IndexAtAdmitted is IndexAt asking admit before it computes a past
// state (admit's error refuses the work; a state kept or computed for
// another caller does not ask).
func (v *Views) IndexAtAdmitted(ctx context.Context, asOf AsOf, admit Admit) (*index.Index, uint64, error) {
	pos := v.Position(asOf)
	if pos >= v.Runner.Position() {
		return v.Index, pos, nil
	}
	ix, err := v.past.get(ctx, pastKey{position: pos}, admit)
	if err != nil {
		return nil, 0, err
	}
	return ix, pos, nil
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

// PhaseAt is the phase year's period was in at position (ok false when it
// was not open yet). It loads the period's few events from the store, so
// a read can be authorised before any past state is computed.
func (v *Views) PhaseAt(ctx context.Context, year int, position uint64) (phase domain.Phase, ok bool, err error) {
	evs, err := v.store.Load(ctx, domain.AggregatePeriod, strconv.Itoa(year), 0)
	if err != nil {
		return "", false, err
	}
	for _, ev := range evs {
		if ev.Position > position {
			break
		}
		switch e := ev.Data.(type) {
		case domain.PeriodOpened:
			phase, ok = domain.PhasePenjaringan, true
		case domain.PeriodPhaseAdvanced:
			phase = e.To
		}
	}
	return phase, ok, nil
}
