package projections

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/index"
)

// PastConfig bounds time travel (Views.IndexAt for a past position).
type PastConfig struct {
	// Every is the distance in positions (commits) between the index
	// snapshots kept for past states: a past state replays at most Every
	// commits from the one below it once that one is kept. Default 20,000.
	Every uint64
	// MaxBytes bounds the memory of past states and their snapshots, by
	// estimated size, least recently used first out. Default 1 GiB.
	MaxBytes int64
	// MaxComputing bounds the distinct past states computed at once;
	// beyond it IndexAt answers CodeUnavailable at once. Default 2.
	MaxComputing int
}

// Validate reports every wrong setting at once.
func (c PastConfig) Validate() error {
	var errs []error
	if c.MaxBytes < 0 {
		errs = append(errs, errors.New("past states: MaxBytes must not be negative"))
	}
	if c.MaxComputing < 0 {
		errs = append(errs, errors.New("past states: MaxComputing must not be negative"))
	}
	return errors.Join(errs...)
}

func (c PastConfig) withDefaults() PastConfig {
	if c.Every == 0 {
		c.Every = 20_000
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = 1 << 30
	}
	if c.MaxComputing == 0 {
		c.MaxComputing = 2
	}
	return c
}

// ErrPastBusy is IndexAt's error when MaxComputing past states are being
// computed already (CodeUnavailable: try again shortly).
var ErrPastBusy = domain.Errorf(domain.CodeUnavailable, "other past states are being computed; try again in a few seconds")

// Admit is asked before a past state is computed (not when it is kept or
// being computed for another caller): an error refuses the work.
type Admit func() error

// pastStates computes and keeps past indexes. Identical concurrent
// requests share one computation (singleflight, by position); a
// computation stops when every caller waiting for it has gone. What it
// keeps, in one LRU bounded by estimated bytes:
//   - past indexes at the positions asked for;
//   - snapshots (the index codec's bytes) at multiples of Every, taken
//     when a replay passes the last one below its target, so the next
//     past state near it replays at most Every commits.
//
// Safe for concurrent use.
type pastStates struct {
	cfg   PastConfig
	store domain.EventStore
	// base finds a stored index at or before a position and after another
	// (may be nil).
	base func(ctx context.Context, after, position uint64) (*index.Index, uint64, error)
	// scoped computes a region's past state (Views.regionIndex).
	scoped func(ctx context.Context, region string, position uint64) (*index.Index, error)

	group singleflight.Group
	slots chan struct{} // one per computation running

	mu      sync.Mutex
	lru     *list.List // of *pastEntry, most recent first
	entries map[pastKey]*list.Element
	bytes   int64
	flights map[pastKey]*flight
}

type pastKey struct {
	position uint64
	snapshot bool   // a snapshot at a multiple of Every, not an index
	region   string // a region's past state (Views.RegionIndexAt), not the whole index
}

func (k pastKey) String() string {
	if k.region != "" {
		return fmt.Sprintf("%d/%s", k.position, k.region)
	}
	return fmt.Sprint(k.position)
}

type pastEntry struct {
	key   pastKey
	size  int64
	index *index.Index // !key.snapshot
	data  []byte       // key.snapshot
}

// flight is one computation and the callers waiting for it.
type flight struct {
	ctx     context.Context
	cancel  context.CancelFunc
	waiting int
}

// indexBytesPerEvent estimates a decoded index's memory per event applied
// (the national store: about 0.8 GiB of heap for 1.9M events, index and
// audit together).
const indexBytesPerEvent = 400

func newPastStates(store domain.EventStore, cfg PastConfig) *pastStates {
	cfg = cfg.withDefaults()
	return &pastStates{cfg: cfg, store: store, slots: make(chan struct{}, cfg.MaxComputing),
		lru: list.New(), entries: map[pastKey]*list.Element{}, flights: map[pastKey]*flight{}}
}

// get returns the index key names (not a snapshot), kept or computed.
func (p *pastStates) get(ctx context.Context, key pastKey, admit Admit) (*index.Index, error) {
	for {
		if e := p.lookup(key); e != nil {
			return e.index, nil
		}
		// Asked before joining, so that one caller's refusal is not
		// everyone's: a computation already running costs nothing more.
		p.mu.Lock()
		_, running := p.flights[key]
		p.mu.Unlock()
		if !running && admit != nil {
			if err := admit(); err != nil {
				return nil, err
			}
		}
		f := p.join(key)
		ch := p.group.DoChan(key.String(), func() (any, error) {
			if e := p.lookup(key); e != nil { // computed just before this flight
				return e.index, nil
			}
			select {
			case p.slots <- struct{}{}:
			default:
				return nil, ErrPastBusy
			}
			defer func() { <-p.slots }()
			if key.region != "" {
				return p.computeRegion(f.ctx, key)
			}
			return p.compute(f.ctx, key.position)
		})
		select {
		case res := <-ch:
			p.leave(key, f)
			if res.Err != nil {
				if errors.Is(res.Err, context.Canceled) && ctx.Err() == nil {
					continue // joined a flight its callers had left: start another
				}
				return nil, res.Err
			}
			return res.Val.(*index.Index), nil
		case <-ctx.Done():
			p.leave(key, f)
			return nil, ctx.Err()
		}
	}
}

// join counts a caller waiting for key's computation.
func (p *pastStates) join(key pastKey) *flight {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.flights[key]
	if f == nil {
		ctx, cancel := context.WithCancel(context.Background())
		f = &flight{ctx: ctx, cancel: cancel}
		p.flights[key] = f
	}
	f.waiting++
	return f
}

// leave stops the computation when its last caller has gone.
func (p *pastStates) leave(key pastKey, f *flight) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f.waiting--; f.waiting > 0 {
		return
	}
	f.cancel()
	if p.flights[key] == f {
		delete(p.flights, key)
	}
	p.group.Forget(key.String())
}

func (p *pastStates) lookup(key pastKey) *pastEntry {
	p.mu.Lock()
	defer p.mu.Unlock()
	el, ok := p.entries[key]
	if !ok {
		return nil
	}
	p.lru.MoveToFront(el)
	return el.Value.(*pastEntry)
}

// keep adds e, then drops the least recently used entries beyond MaxBytes
// (e too when it alone is larger).
func (p *pastStates) keep(e *pastEntry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if el, ok := p.entries[e.key]; ok {
		p.lru.MoveToFront(el)
		return
	}
	p.entries[e.key] = p.lru.PushFront(e)
	p.bytes += e.size
	for p.bytes > p.cfg.MaxBytes && p.lru.Len() > 0 {
		last := p.lru.Back()
		old := p.lru.Remove(last).(*pastEntry)
		delete(p.entries, old.key)
		p.bytes -= old.size
	}
}

// stats reports what is kept: indexes, snapshots and their estimated bytes.
func (p *pastStates) stats() (indexes, snapshots int, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for el := p.lru.Front(); el != nil; el = el.Next() {
		if el.Value.(*pastEntry).key.snapshot {
			snapshots++
		} else {
			indexes++
		}
	}
	return indexes, snapshots, p.bytes
}

// start finds where a past state at position starts: the nearest kept
// snapshot or stored index at or below it, or the first event.
func (p *pastStates) start(ctx context.Context, position uint64) (*index.Index, uint64, error) {
	var from uint64
	var data []byte
	p.mu.Lock()
	for el := p.lru.Front(); el != nil; el = el.Next() {
		e := el.Value.(*pastEntry)
		if e.key.snapshot && e.key.position <= position && e.key.position > from {
			from, data = e.key.position, e.data
		}
	}
	if data != nil {
		p.lru.MoveToFront(p.entries[pastKey{position: from, snapshot: true}])
	}
	base := p.base
	p.mu.Unlock()
	if base != nil {
		// A stored index that cannot be read only costs a longer replay.
		if ix, at, err := base(ctx, from, position); err == nil && ix != nil && at <= position && at > from {
			return ix, at, nil
		}
	}
	ix := index.New()
	if data != nil {
		if err := ix.Restore(data); err != nil {
			return nil, 0, err
		}
	}
	return ix, from, nil
}

// compute replays the index to position from where start says, keeping a
// snapshot at the last multiple of Every on the way.
func (p *pastStates) compute(ctx context.Context, position uint64) (*index.Index, error) {
	ix, from, err := p.start(ctx, position)
	if err != nil {
		return nil, err
	}
	if grid := position - position%p.cfg.Every; grid > from && grid < position {
		if err := replayRange(ctx, p.store, from, grid, ix); err != nil {
			return nil, err
		}
		data, err := ix.Snapshot()
		if err != nil {
			return nil, err
		}
		p.keep(&pastEntry{key: pastKey{position: grid, snapshot: true}, size: int64(len(data)), data: data})
		from = grid
	}
	if err := replayRange(ctx, p.store, from, position, ix); err != nil {
		return nil, err
	}
	if position%p.cfg.Every == 0 {
		if data, err := ix.Snapshot(); err == nil {
			p.keep(&pastEntry{key: pastKey{position: position, snapshot: true}, size: int64(len(data)), data: data})
		}
	}
	p.keep(&pastEntry{key: pastKey{position: position}, size: int64(ix.Events()) * indexBytesPerEvent, index: ix})
	return ix, nil
}

// computeRegion computes a region's past state (Views.RegionIndexAt) and
// keeps it.
func (p *pastStates) computeRegion(ctx context.Context, key pastKey) (*index.Index, error) {
	p.mu.Lock()
	scoped := p.scoped
	p.mu.Unlock()
	if scoped == nil {
		return nil, errors.New("past states: no region scope")
	}
	ix, err := scoped(ctx, key.region, key.position)
	if err != nil {
		return nil, err
	}
	p.keep(&pastEntry{key: key, size: int64(ix.Events()) * indexBytesPerEvent, index: ix})
	return ix, nil
}
