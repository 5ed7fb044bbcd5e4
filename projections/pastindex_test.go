package projections_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
)

// firstRead records the first position each Read delivers.
type firstRead struct {
	domain.EventStore
	mu    sync.Mutex
	first []uint64
}

func (f *firstRead) Read(ctx context.Context, after uint64, fn func(domain.RecordedEvent) error) error {
	seen := false
	return f.EventStore.Read(ctx, after, func(ev domain.RecordedEvent) error {
		if !seen {
			seen = true
			f.mu.Lock()
			f.first = append(f.first, ev.Position)
			f.mu.Unlock()
		}
		return fn(ev)
	})
}

func TestPastStatesStartFromTheNearestSnapshot(t *testing.T) {
	ctx := context.Background()
	s := mustStack(t)
	scenario(t, s)
	head, err := s.store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	store := &firstRead{EventStore: s.store}
	v := caughtUp(t, store)
	snaps := mustSnapshots(t, s, v)
	early := head / 2
	if _, err := snaps.Create(ctx, projections.AsOf{Position: early}); err != nil {
		t.Fatal(err)
	}
	store.first = nil

	past, at, err := v.IndexAt(ctx, projections.AsOf{Position: head - 1})
	if err != nil || at != head-1 {
		t.Fatalf("IndexAt = %d, %v", at, err)
	}
	if len(store.first) != 1 || store.first[0] != early+1 {
		t.Fatalf("the past state read from positions %v, want one read from %d (after the snapshot)", store.first, early+1)
	}
	replayed := index.New()
	if err := projections.Replay(ctx, s.store, head-1, replayed); err != nil {
		t.Fatal(err)
	}
	if a, b := hash(t, past), hash(t, replayed); a != b {
		t.Fatalf("state from the snapshot %s, from the first event %s", a, b)
	}

	t.Run("a position before every snapshot replays from the start", func(t *testing.T) {
		store.first = nil
		if _, _, err := v.IndexAt(ctx, projections.AsOf{Position: early - 1}); err != nil {
			t.Fatal(err)
		}
		if len(store.first) != 1 || store.first[0] != 1 {
			t.Fatalf("read from %v, want from 1", store.first)
		}
	})
}

// gatedStore holds every Read until open is closed, and tells when a
// Read's context ends while it waits.
type gatedStore struct {
	domain.EventStore
	open     chan struct{}
	started  chan struct{} // receives one value per Read that waits
	canceled chan struct{} // receives one value per Read whose context ended
	reads    atomic.Int32
}

func (g *gatedStore) Read(ctx context.Context, after uint64, fn func(domain.RecordedEvent) error) error {
	g.reads.Add(1)
	select {
	case <-g.open:
	default:
		g.started <- struct{}{}
		select {
		case <-g.open:
		case <-ctx.Done():
			g.canceled <- struct{}{}
			return ctx.Err()
		}
	}
	return g.EventStore.Read(ctx, after, fn)
}

func newGated(store domain.EventStore) *gatedStore {
	return &gatedStore{EventStore: store, open: make(chan struct{}), started: make(chan struct{}, 16), canceled: make(chan struct{}, 16)}
}

func TestPastStatesReplayAtMostEveryCommits(t *testing.T) {
	ctx := context.Background()
	s := mustStack(t)
	scenario(t, s)
	head, err := s.store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	store := &firstRead{EventStore: s.store}
	v := caughtUp(t, store)
	if err := v.ConfigurePast(projections.PastConfig{Every: 4}); err != nil {
		t.Fatal(err)
	}
	check := func(at uint64) {
		t.Helper()
		store.first = nil
		past, got, err := v.IndexAt(ctx, projections.AsOf{Position: at})
		if err != nil || got != at {
			t.Fatalf("IndexAt(%d) = %d, %v", at, got, err)
		}
		replayed := index.New()
		if err := projections.Replay(ctx, s.store, at, replayed); err != nil {
			t.Fatal(err)
		}
		if a, b := hash(t, past), hash(t, replayed); a != b {
			t.Fatalf("position %d: past state %s, replayed from the first event %s", at, a, b)
		}
	}
	last := head - 1
	grid := last - last%4
	check(last) // cold: from the first event, keeping the snapshot at grid
	if len(store.first) != 2 || store.first[0] != 1 || store.first[1] != grid+1 {
		t.Fatalf("the first past state read from %v, want from 1 and then from %d (after the snapshot at %d)", store.first, grid+1, grid)
	}
	for at := grid + 1; at < last; at++ {
		check(at)
		if len(store.first) != 1 || store.first[0] != grid+1 {
			t.Fatalf("position %d read from %v, want one read from %d: at most 4 commits", at, store.first, grid+1)
		}
	}
	store.first = nil
	check(last) // kept
	if len(store.first) != 0 {
		t.Fatalf("a kept past state read the store from %v", store.first)
	}
	if ix, snaps, bytes := v.PastStats(); ix == 0 || snaps != 1 || bytes <= 0 {
		t.Fatalf("kept %d indexes, %d snapshots, %d bytes; want some indexes and the one snapshot", ix, snaps, bytes)
	}
}

func TestPastStatesMemoryIsBounded(t *testing.T) {
	ctx := context.Background()
	s := mustStack(t)
	scenario(t, s)
	head, err := s.store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v := caughtUp(t, s.store)
	const limit = 20_000 // bytes: a few of the scenario's small indexes
	if err := v.ConfigurePast(projections.PastConfig{Every: 3, MaxBytes: limit}); err != nil {
		t.Fatal(err)
	}
	for at := uint64(1); at < head; at++ {
		if _, _, err := v.IndexAt(ctx, projections.AsOf{Position: at}); err != nil {
			t.Fatal(err)
		}
		if _, _, bytes := v.PastStats(); bytes > limit {
			t.Fatalf("after position %d the past states hold %d bytes, over the bound of %d", at, bytes, limit)
		}
	}
	if ix, _, _ := v.PastStats(); ix == 0 || ix >= int(head)-1 {
		t.Fatalf("%d past indexes kept of %d computed: want some dropped, some kept", ix, head-1)
	}
}

func TestPastStatesShareAndBoundTheirWork(t *testing.T) {
	ctx := context.Background()
	s := mustStack(t)
	scenario(t, s)
	head, err := s.store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gated := newGated(s.store)
	v2 := projections.NewViews(gated)
	close(gated.open)
	if err := v2.Runner.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	reopen := func() { gated.open = make(chan struct{}) }
	reopen()
	if err := v2.ConfigurePast(projections.PastConfig{Every: 1000, MaxComputing: 1}); err != nil {
		t.Fatal(err)
	}

	t.Run("identical requests share one computation", func(t *testing.T) {
		gated.reads.Store(0)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				_, _, err := v2.IndexAt(ctx, projections.AsOf{Position: head - 1})
				errs <- err
			})
		}
		<-gated.started // the computation waits at the gate while the others arrive
		close(gated.open)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := gated.reads.Load(); n != 1 {
			t.Fatalf("8 identical requests read the store %d times, want once", n)
		}
	})

	t.Run("distinct requests beyond the bound are refused at once", func(t *testing.T) {
		reopen()
		done := make(chan error, 1)
		go func() {
			_, _, err := v2.IndexAt(ctx, projections.AsOf{Position: head - 2})
			done <- err
		}()
		<-gated.started
		_, _, err := v2.IndexAt(ctx, projections.AsOf{Position: head - 3})
		if !errors.Is(err, projections.ErrPastBusy) || !domain.IsCode(err, domain.CodeUnavailable) {
			t.Fatalf("a second distinct past state while one is computed: %v, want ErrPastBusy", err)
		}
		close(gated.open)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})

	t.Run("work stops when every caller has gone", func(t *testing.T) {
		reopen()
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			_, _, err := v2.IndexAt(cctx, projections.AsOf{Position: head - 4})
			done <- err
		}()
		<-gated.started
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("the caller that left got %v, want context.Canceled", err)
		}
		<-gated.canceled // the replay itself saw the end, not just the caller
		close(gated.open)
		if _, _, err := v2.IndexAt(ctx, projections.AsOf{Position: head - 4}); err != nil {
			t.Fatalf("the same past state asked again: %v", err)
		}
	})

	t.Run("admit is asked only for work", func(t *testing.T) {
		refused := errors.New("no more work for you this minute")
		asked := 0
		admit := func() error { asked++; return refused }
		if _, _, err := v2.IndexAtAdmitted(ctx, projections.AsOf{Position: head - 1}, admit); err != nil || asked != 0 {
			t.Fatalf("a kept past state: %v, admit asked %d times; want no error, not asked", err, asked)
		}
		if _, _, err := v2.IndexAtAdmitted(ctx, projections.AsOf{Position: head - 5}, admit); !errors.Is(err, refused) || asked != 1 {
			t.Fatalf("a new past state: %v, admit asked %d times; want admit's error, asked once", err, asked)
		}
	})
}
