package eventstore_test

import (
	"context"
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/eventstore/storetest"
)

// TestReadType reads the events of one aggregate type up to the type's last
// commit, and nothing when the type has none (the start-up read of
// erasures, on a store that has never seen one).
func TestReadType(t *testing.T) {
	ctx := context.Background()
	b := newBackend(t)
	s := b.Open(t, storetest.StoreOptions{Specs: storetest.Specs()}).(*eventstore.Store)
	storetest.MustAppend(t, s, storetest.NewCommit("catatan-a", 0, "satu"))
	storetest.MustAppend(t, s, storetest.NewCommit("catatan-b", 0, "dua", "tiga"))
	last := storetest.MustAppend(t, s, storetest.NewCommit("catatan-a", 1, "empat"))

	var notes []uint64
	got, err := s.ReadType(ctx, storetest.NewCommit("x", 0, "x").AggregateType, func(ev domain.RecordedEvent) error {
		notes = append(notes, ev.Position)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != last.Position || len(notes) != 4 {
		t.Errorf("read up to %d (%d events), want up to %d (4 events)", got, len(notes), last.Position)
	}

	got, err = s.ReadType(ctx, domain.AggregatePerson, func(domain.RecordedEvent) error {
		t.Error("an event of a type the store has never seen")
		return nil
	})
	if err != nil || got != 0 {
		t.Errorf("a type without events: %d, %v; want 0, nil", got, err)
	}
}
