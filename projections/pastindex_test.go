package projections_test

import (
	"context"
	"sync"
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
