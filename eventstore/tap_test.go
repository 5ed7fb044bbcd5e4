package eventstore_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/eventstore/storetest"
)

// TestTapRaw: the readers of the whole stream that decode (Read,
// Subscribe) show the tap every message as stored, once per reader and in
// order; a read of one type does not; a removed tap sees nothing more.
func TestTapRaw(t *testing.T) {
	ctx := context.Background()
	b := newBackend(t)
	s := b.Open(t, storetest.StoreOptions{Specs: storetest.Specs()}).(*eventstore.Store)
	storetest.MustAppend(t, s, storetest.NewCommit("catatan-a", 0, "satu"))
	storetest.MustAppend(t, s, storetest.NewCommit("catatan-b", 0, "dua", "tiga"))

	var tapped []eventstore.RawCommit
	s.TapRaw(func(c eventstore.RawCommit) { tapped = append(tapped, c) })
	if err := s.Read(ctx, 0, func(domain.RecordedEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	positions := func() []uint64 {
		var out []uint64
		for _, c := range tapped {
			out = append(out, c.Position)
		}
		return out
	}
	if got := positions(); !slices.Equal(got, []uint64{1, 2}) {
		t.Fatalf("tapped positions %v, want [1 2] (one per commit)", got)
	}
	for _, c := range tapped {
		raw, err := s.GetRaw(ctx, c.Position)
		if err != nil {
			t.Fatal(err)
		}
		if c.Subject != raw.Subject || !bytes.Equal(c.Data, raw.Data) || !slices.Equal(c.Header["Nats-Msg-Id"], raw.Header["Nats-Msg-Id"]) {
			t.Errorf("tapped commit %d differs from the stored message", c.Position)
		}
	}
	if _, err := s.ReadType(ctx, storetest.NewCommit("x", 0, "x").AggregateType, func(domain.RecordedEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := positions(); len(got) != 2 {
		t.Errorf("a read of one type was tapped: %v", got)
	}
	s.TapRaw(nil)
	if err := s.Read(ctx, 0, func(domain.RecordedEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := positions(); len(got) != 2 {
		t.Errorf("a removed tap saw %v", got)
	}
}
