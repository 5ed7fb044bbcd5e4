package sampledata

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// engine executes a plan without domain.Service, for speed: it keeps the
// aggregates in memory, decides each action's command with the domain's
// Decide methods (exec_engine_decide.go), exactly as the service would, and
// appends the commits directly with the expected versions it knows, in
// batches. It assumes it is the only writer of every aggregate it touches
// and that they start empty.
type engine struct {
	store       domain.EventStore
	people      domain.PersonalData // seals attendees
	correlation string
	workers     int
	batchSize   int

	trackers    map[string]*tracked
	periods     map[int]*domain.Period
	innovations map[string]*domain.Innovation
	assessments map[int]map[string]*domain.Assessment
	sessions    map[string]*domain.Bimtek
	profiles    map[string]*domain.RegionProfile
	evidence    map[string]*domain.EvidenceFile // by EvidenceFileID

	batch map[string][]domain.Commit
	order []string
	// ordered appends every commit in decision (time) order with one
	// writer, so that the stream's order is the order things happened in
	// and "as of a date" is exactly the facts dated up to then.
	ordered bool
	// existing holds the command ids already in the store: their commits
	// are decided (the state moves on) but not appended again.
	existing map[uuid.UUID]bool
	flat     []domain.Commit
	pending  int
	commits  int
	events   int
}

// tracked is an aggregate and how many of its changes were sent already.
type tracked struct {
	typ domain.AggregateType
	id  string
	agg interface {
		Version() uint64
		Changes() []domain.Event
	}
	sent int
}

func newEngine(store domain.EventStore, people domain.PersonalData, correlation string, workers, batchSize int) *engine {
	return &engine{store: store, people: people, correlation: correlation, workers: workers, batchSize: batchSize,
		trackers: map[string]*tracked{}, periods: map[int]*domain.Period{}, innovations: map[string]*domain.Innovation{},
		assessments: map[int]map[string]*domain.Assessment{}, sessions: map[string]*domain.Bimtek{},
		evidence: map[string]*domain.EvidenceFile{},
		profiles: map[string]*domain.RegionProfile{}, batch: map[string][]domain.Commit{}}
}

// run decides every action in order and appends the commits in batches;
// a period action flushes the batch before and after itself, so phases
// separate cleanly in the stream.
func (e *engine) run(ctx context.Context, actions []*action, progress func(done, total int)) error {
	for i, a := range actions {
		if a.alone() {
			if err := e.flush(ctx); err != nil {
				return err
			}
		}
		if err := e.decide(ctx, a); err != nil {
			return fmt.Errorf("sampledata: %s at %s: %w", describe(a), a.at.Format("2006-01-02 15:04"), err)
		}
		if a.alone() || e.pending >= e.batchSize {
			if err := e.flush(ctx); err != nil {
				return err
			}
			if progress != nil {
				progress(i+1, len(actions))
			}
		}
	}
	if err := e.flush(ctx); err != nil {
		return err
	}
	if progress != nil {
		progress(len(actions), len(actions))
	}
	return nil
}

// track registers a new aggregate.
func (e *engine) track(typ domain.AggregateType, id string, agg interface {
	Version() uint64
	Changes() []domain.Event
}) {
	e.trackers[string(typ)+"/"+id] = &tracked{typ: typ, id: id, agg: agg}
}

// commit queues the aggregate's new changes as one commit of action a.
func (e *engine) commit(a *action, typ domain.AggregateType, id string, cmd uuid.UUID) error {
	key := string(typ) + "/" + id
	t := e.trackers[key]
	all := t.agg.Changes()
	if len(all) == t.sent {
		return nil // nothing changed
	}
	if e.existing[cmd] {
		t.sent = len(all) // appended by an earlier, interrupted run
		return nil
	}
	c := domain.Commit{CommandID: cmd, AggregateType: typ, AggregateID: id,
		ExpectedVersion: t.agg.Version() + uint64(t.sent), Events: all[t.sent:], Actor: a.actor,
		OccurredAt: a.at, CorrelationID: e.correlation}
	t.sent = len(all)
	if _, ok := e.batch[key]; !ok {
		e.order = append(e.order, key)
	}
	e.batch[key] = append(e.batch[key], c)
	e.flat = append(e.flat, c)
	e.pending++
	return nil
}

// flush appends the queued commits: each aggregate's commits in order,
// different aggregates concurrently.
func (e *engine) flush(ctx context.Context) error {
	if e.pending == 0 {
		return nil
	}
	if e.ordered {
		return e.flushInOrder(ctx)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan []domain.Commit)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range min(e.workers, len(e.order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chain := range work {
				for _, c := range chain {
					res, err := e.store.Append(ctx, c)
					mu.Lock()
					if err != nil && first == nil {
						first = fmt.Errorf("sampledata: append %s %s: %w", c.AggregateType, c.AggregateID, err)
						cancel()
					}
					if err == nil && !res.Duplicate {
						e.commits++
						e.events += len(c.Events)
					}
					mu.Unlock()
					if err != nil {
						break
					}
				}
			}
		}()
	}
	for _, key := range e.order {
		select {
		case work <- e.batch[key]:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	clear(e.batch)
	e.order, e.flat, e.pending = e.order[:0], e.flat[:0], 0
	if first == nil && ctx.Err() != nil {
		first = ctx.Err()
	}
	return first
}

// flushInOrder appends the queued commits one by one in decision order.
func (e *engine) flushInOrder(ctx context.Context) error {
	defer func() {
		clear(e.batch)
		e.order, e.flat, e.pending = e.order[:0], e.flat[:0], 0
	}()
	for _, c := range e.flat {
		res, err := e.store.Append(ctx, c)
		if err != nil {
			return fmt.Errorf("sampledata: append %s %s: %w", c.AggregateType, c.AggregateID, err)
		}
		if !res.Duplicate {
			e.commits++
			e.events += len(c.Events)
		}
	}
	return nil
}
