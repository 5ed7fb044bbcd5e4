// Package projections turns the event stream into the read models that
// auditors, the dashboard and the exports read: the IID index, rankings,
// audit history and statistics.
//
// Data flows one way: the Runner reads events from the domain.EventStore and
// applies them, in commit order, to every registered Projection. Readers ask
// a projection for its state; Runner.WaitFor gives read-your-writes.
package projections

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// Projection is a read model built from events.
//
// Apply is called by one goroutine at a time, in commit order; readers may
// call the projection's query methods concurrently with Apply, so
// implementations guard their state.
type Projection interface {
	// Name is the projection's stable name; it keys its checkpoint.
	Name() string
	// Version changes whenever the projection's logic or state layout
	// changes; a checkpoint of another version is not reused.
	Version() int
	// Apply folds one event into the state. An error stops the runner: a
	// projection that cannot apply an event must not silently skip it.
	Apply(ev domain.RecordedEvent) error
}

// Runner feeds a set of projections from the event store and tracks how far
// they have got.
//
// Runner is safe for concurrent use: Run is called once, the other methods
// from any goroutine.
type Runner struct {
	store       domain.EventStore
	projections []Projection

	// applyMu is held while a commit is being applied, so Exclusive sees
	// the projections only between commits.
	applyMu  sync.Mutex
	inCommit bool // applyMu is held by the applying goroutine

	mu       sync.Mutex
	position uint64        // last complete commit applied
	changed  chan struct{} // closed and replaced whenever position moves
	err      error         // why Run stopped, if it did
	listener func(domain.RecordedEvent)
}

// NewRunner returns a runner that starts from position start (0 for the
// beginning, or the position the projections' checkpoint was taken at).
func NewRunner(store domain.EventStore, start uint64, ps ...Projection) *Runner {
	return &Runner{store: store, projections: ps, position: start, changed: make(chan struct{})}
}

// OnApplied registers fn to be called after every event has been applied to
// all projections (for live updates). It must not block. Call before Run.
func (r *Runner) OnApplied(fn func(domain.RecordedEvent)) { r.listener = fn }

// Run catches up from the start position and then follows the store live.
// It blocks until ctx is done (returning nil) or a projection or the store
// fails (returning that error).
func (r *Runner) Run(ctx context.Context) error {
	err := r.store.Subscribe(ctx, r.Position(), r.apply)
	if ctx.Err() != nil {
		err = nil
	}
	r.mu.Lock()
	r.err = err
	if err == nil {
		r.err = errors.New("projections stopped")
	}
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
	return err
}

// CatchUp applies every event up to the store's current head and returns. It
// is used by rebuilds and tools that do not follow the store live.
func (r *Runner) CatchUp(ctx context.Context) error {
	return r.store.Read(ctx, r.Position(), r.apply)
}

func (r *Runner) apply(ev domain.RecordedEvent) error {
	last := ev.Index >= ev.CommitSize-1
	if !r.inCommit {
		r.applyMu.Lock()
		r.inCommit = true
	}
	if last {
		defer func() {
			r.inCommit = false
			r.applyMu.Unlock()
		}()
	}
	for _, p := range r.projections {
		if err := p.Apply(ev); err != nil {
			if !last {
				r.inCommit = false
				r.applyMu.Unlock()
			}
			return fmt.Errorf("projection %s at position %d (%s): %w", p.Name(), ev.Position, ev.Type, err)
		}
	}
	if r.listener != nil {
		r.listener(ev)
	}
	if last {
		r.mu.Lock()
		r.position = ev.Position
		close(r.changed)
		r.changed = make(chan struct{})
		r.mu.Unlock()
	}
	return nil
}

// Position returns the position of the last commit applied to every
// projection.
func (r *Runner) Position() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.position
}

// WaitFor blocks until the projections have applied the commit at position,
// or until timeout passes (an *domain.Error with CodeTimeout) or ctx is done.
// A zero position returns at once.
func (r *Runner) WaitFor(ctx context.Context, position uint64, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		pos, changed, failed := r.position, r.changed, r.err
		r.mu.Unlock()
		if pos >= position {
			return nil
		}
		if failed != nil {
			return domain.Errorf(domain.CodeUnavailable, "projections are not running")
		}
		select {
		case <-changed:
		case <-deadline.C:
			return &domain.Error{Code: domain.CodeTimeout, Message: fmt.Sprintf(
				"projections reached position %d, not %d, within %s; retry shortly", pos, position, timeout)}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Exclusive runs fn while no commit is being applied, with the position the
// projections are at: a consistent moment to snapshot them.
func (r *Runner) Exclusive(fn func(position uint64) error) error {
	r.applyMu.Lock()
	defer r.applyMu.Unlock()
	return fn(r.Position())
}

// resetTo sets the start position (after restoring a checkpoint).
func (r *Runner) resetTo(position uint64) {
	r.mu.Lock()
	r.position = position
	r.mu.Unlock()
}
