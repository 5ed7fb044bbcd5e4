package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jejak-id/jejak/domain"
)

func replayOrderEqualsCommitOrder(t *testing.T, b Backend) {
	s := MustOpen(t, b, StoreOptions{})
	var want []string
	var positions []uint64
	for i := range 12 {
		id := fmt.Sprintf("r%d", i%3)
		c := NewCommit(id, uint64(i/3)*2, fmt.Sprintf("%d-a", i), fmt.Sprintf("%d-b", i))
		positions = append(positions, MustAppend(t, s, c).Position)
		want = append(want, fmt.Sprintf("%d-a", i), fmt.Sprintf("%d-b", i))
	}
	all := MustReadAll(t, s, 0)
	if got := notes(all); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("replay order %v, want %v", got, want)
	}
	for i, e := range all {
		if e.Position != positions[i/2] || e.Index != i%2 {
			t.Fatalf("event %d at position %d index %d", i, e.Position, e.Index)
		}
	}
	if tail := notes(MustReadAll(t, s, positions[9])); fmt.Sprint(tail) != fmt.Sprint(want[20:]) {
		t.Fatalf("read after %d gave %v", positions[9], tail)
	}
	if rest := MustReadAll(t, s, MustHead(t, s)); len(rest) != 0 {
		t.Fatalf("read after the head gave %d events", len(rest))
	}
	stop := errors.New("enough")
	calls := 0
	err := s.Read(context.Background(), 0, func(domain.RecordedEvent) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("an error from fn gave %v after %d calls", err, calls)
	}
}

func subscribeCatchesUpThenLive(t *testing.T, b Backend) {
	s := MustOpen(t, b, StoreOptions{})
	MustAppend(t, s, NewCommit("live", 0, "h1", "h2"))
	MustAppend(t, s, NewCommit("live", 2, "h3"))
	sub := subscribe(s, 0)
	if got := notes(sub.next(t, 3)); fmt.Sprint(got) != "[h1 h2 h3]" {
		t.Fatalf("catch-up gave %v", got)
	}
	MustAppend(t, s, NewCommit("live", 3, "l1"))
	MustAppend(t, s, NewCommit("other", 0, "l2"))
	if got := notes(sub.next(t, 2)); fmt.Sprint(got) != "[l1 l2]" {
		t.Fatalf("live gave %v", got)
	}
	if err := sub.stop(t); !errors.Is(err, context.Canceled) {
		t.Fatalf("Subscribe returned %v after cancel, want context.Canceled", err)
	}
}

func subscribeResumesFromCheckpoint(t *testing.T, b Backend) {
	s := MustOpen(t, b, StoreOptions{})
	MustAppend(t, s, NewCommit("cp", 0, "a"))
	checkpoint := MustAppend(t, s, NewCommit("cp", 1, "b")).Position
	MustAppend(t, s, NewCommit("cp", 2, "c"))
	sub := subscribe(s, checkpoint)
	got := sub.next(t, 1)
	if notes(got)[0] != "c" || got[0].Position <= checkpoint {
		t.Fatalf("resumed with %v", notes(got))
	}
	failing := errors.New("projection failed")
	err := s.Subscribe(context.Background(), 0, func(domain.RecordedEvent) error { return failing })
	if !errors.Is(err, failing) {
		t.Fatalf("an error from fn gave %v", err)
	}
	sub.stop(t)
}

func restartKeepsEverything(t *testing.T, backend Backend) {
	b, ok := backend.(Restarter)
	if !ok {
		t.Skipf("%T is not a storetest.Restarter: its data does not outlive a server, so there is nothing to restart", backend)
	}
	s := MustOpen(t, b, StoreOptions{})
	first := MustAppend(t, s, NewCommit("durable", 0, "a", "b"))
	MustAppend(t, s, NewCommit("other", 0, "c"))
	before := MustReadAll(t, s, 0)
	b.Restart(t)
	s = MustOpen(t, b, StoreOptions{})
	after := MustReadAll(t, s, 0)
	if fmt.Sprint(notes(after)) != fmt.Sprint(notes(before)) || after[0].ID != first.EventIDs[0] ||
		!after[0].RecordedAt.Equal(before[0].RecordedAt) {
		t.Fatalf("after restart %v, before %v", notes(after), notes(before))
	}
	if res := MustAppend(t, s, NewCommit("durable", 2, "d")); res.Version != 3 {
		t.Fatalf("append after restart gave version %d", res.Version)
	}
	_, err := s.Append(context.Background(), NewCommit("durable", 2, "stale"))
	wantCode(t, err, domain.CodeVersionConflict)
}
