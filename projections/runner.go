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
	"slices"
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
	// beside are applied on a goroutine of their own (the lane), commit
	// by commit, while the next commits are applied to the others: two
	// cores share a replay. The position moves when the lane has applied
	// a commit, the last to do so. See Beside.
	beside   []Projection
	lane     chan []domain.RecordedEvent // nil while no lane runs
	laneBusy sync.WaitGroup              // commits sent to the lane, not yet applied
	laneErr  error                       // guarded by mu
	commit   []domain.RecordedEvent      // the commit being gathered for the lane

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

// Beside moves ps (projections of the runner) to a goroutine of their own:
// each commit is applied to the other projections, then handed to ps,
// which apply it while the next commits are read and applied to the
// others (at most laneDepth commits behind). Position, WaitFor, OnApplied
// and Exclusive keep their meaning: a commit counts as applied when ps have
// applied it too. Readers of two projections may see one a few commits
// ahead of the other, as they could see one an event ahead before. Call
// before Run or CatchUp.
func (r *Runner) Beside(ps ...Projection) {
	for _, p := range ps {
		r.projections = slices.DeleteFunc(r.projections, func(q Projection) bool { return q == p })
	}
	r.beside = append(r.beside, ps...)
}

// laneDepth is how many commits the lane may be behind.
const laneDepth = 1024

// startLane starts the lane's goroutine, if the runner has projections
// beside; stop waits for it to apply what it was given and returns its
// error.
func (r *Runner) startLane() (stop func() error) {
	if len(r.beside) == 0 {
		return func() error { return nil }
	}
	in, done := make(chan []domain.RecordedEvent, laneDepth), make(chan struct{})
	r.lane = in
	go r.runLane(in, done)
	return func() error {
		close(in)
		<-done
		r.lane, r.commit = nil, nil
		r.mu.Lock()
		defer r.mu.Unlock()
		err := r.laneErr
		r.laneErr = nil
		return err
	}
}

// runLane applies each commit it is given to the projections beside,
// then moves the position. After an error it only drains (the applying
// goroutine finds the error at its next event).
func (r *Runner) runLane(in <-chan []domain.RecordedEvent, done chan<- struct{}) {
	defer close(done)
	failed := false
	for commit := range in {
		if !failed {
			if err := r.applyBeside(commit); err != nil {
				r.mu.Lock()
				r.laneErr = err
				r.mu.Unlock()
				failed = true
			} else {
				r.advance(commit[len(commit)-1].Position)
			}
		}
		r.laneBusy.Done()
	}
}

func (r *Runner) applyBeside(commit []domain.RecordedEvent) error {
	for _, ev := range commit {
		for _, p := range r.beside {
			if err := p.Apply(ev); err != nil {
				return fmt.Errorf("projection %s at position %d (%s): %w", p.Name(), ev.Position, ev.Type, err)
			}
		}
		if r.listener != nil {
			r.listener(ev)
		}
	}
	return nil
}

// advance records that every projection has applied the commit at
// position.
func (r *Runner) advance(position uint64) {
	r.mu.Lock()
	r.position = position
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// Run catches up from the start position and then follows the store live.
// It blocks until ctx is done (returning nil) or a projection or the store
// fails (returning that error).
func (r *Runner) Run(ctx context.Context) error {
	stop := r.startLane()
	err := r.store.Subscribe(ctx, r.Position(), r.apply)
	if laneErr := stop(); laneErr != nil {
		err = laneErr
	} else if ctx.Err() != nil {
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
	stop := r.startLane()
	err := r.store.Read(ctx, r.Position(), r.apply)
	if laneErr := stop(); laneErr != nil {
		return laneErr
	}
	return err
}

func (r *Runner) apply(ev domain.RecordedEvent) error {
	last := ev.Index >= ev.CommitSize-1
	if !r.inCommit {
		r.applyMu.Lock()
		r.inCommit = true
	}
	release := func() {
		r.inCommit = false
		r.applyMu.Unlock()
	}
	if r.lane != nil {
		r.mu.Lock()
		err := r.laneErr
		r.mu.Unlock()
		if err != nil {
			release()
			return err
		}
	}
	for _, p := range r.projections {
		if err := p.Apply(ev); err != nil {
			release()
			return fmt.Errorf("projection %s at position %d (%s): %w", p.Name(), ev.Position, ev.Type, err)
		}
	}
	if r.lane != nil {
		r.commit = append(r.commit, ev)
		if last {
			r.laneBusy.Add(1)
			r.lane <- r.commit // the lane owns it now
			r.commit = nil
			release()
		}
		return nil
	}
	if r.listener != nil {
		r.listener(ev)
	}
	if last {
		r.advance(ev.Position)
		release()
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
	r.laneBusy.Wait() // the projections beside apply what they were given
	return fn(r.Position())
}

// resetTo sets the start position (after restoring a checkpoint).
func (r *Runner) resetTo(position uint64) {
	r.mu.Lock()
	r.position = position
	r.mu.Unlock()
}
