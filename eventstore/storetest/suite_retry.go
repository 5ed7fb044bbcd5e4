package storetest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
)

func wantSameResult(tb testing.TB, retry, original domain.CommitResult) {
	tb.Helper()
	if !retry.Duplicate || retry.Position != original.Position || retry.Version != original.Version ||
		!slices.Equal(retry.EventIDs, original.EventIDs) {
		tb.Fatalf("retry gave %+v, want the original %+v marked duplicate", retry, original)
	}
}

func duplicateWithinWindow(t *testing.T, b Backend) {
	s := MustOpen(t, b, StoreOptions{})
	c := NewCommit("dup", 0, "once", "twice")
	original := MustAppend(t, s, c)
	wantSameResult(t, MustAppend(t, s, c), original)
	// Another process retrying, with a cold cache.
	wantSameResult(t, MustAppend(t, MustOpen(t, b, StoreOptions{}), c), original)
	if got := MustLoad(t, s, "dup", 0); len(got) != 2 {
		t.Fatalf("%d events after retries, want 2", len(got))
	}
	if head := MustHead(t, s); head != original.Position {
		t.Fatalf("head moved to %d", head)
	}
}

func duplicateAfterWindow(t *testing.T, b Backend) {
	opts := StoreOptions{DuplicateWindow: 100 * time.Millisecond}
	s := MustOpen(t, b, opts)
	c := NewCommit("late-retry", 0, "once")
	original := MustAppend(t, s, c)
	MustAppend(t, s, NewCommit("late-retry", 1, "next"))
	MustAppend(t, s, NewCommit("late-retry", 2, "and next"))
	b.ForgetCommand(t, c.CommandID)
	wantSameResult(t, MustAppend(t, s, c), original)
	wantSameResult(t, MustAppend(t, MustOpen(t, b, opts), c), original)
	if got := MustLoad(t, s, "late-retry", 0); len(got) != 3 {
		t.Fatalf("%d events after the late retry, want 3", len(got))
	}
}

func reusedCommandOnMovedAggregate(t *testing.T, b Backend) {
	opts := StoreOptions{DuplicateWindow: 100 * time.Millisecond}
	s := MustOpen(t, b, opts)
	c := NewCommit("reuse", 0, "once")
	original := MustAppend(t, s, c)
	c.ExpectedVersion = 1 // the aggregate's current version: only the id says "already done"
	wantSameResult(t, MustAppend(t, s, c), original)
	// After the window, and from another process with a cold cache.
	b.ForgetCommand(t, c.CommandID)
	wantSameResult(t, MustAppend(t, s, c), original)
	wantSameResult(t, MustAppend(t, MustOpen(t, b, opts), c), original)
	if head := MustHead(t, s); head != original.Position {
		t.Fatalf("head moved to %d", head)
	}
}

// A new aggregate's first commit (ExpectedVersion 0) is the one a store
// cannot look up in its cache before sending: a retry must still be
// recognised, whoever sends it and however late.
func retriedFirstCommitAppendsOnce(t *testing.T, b Backend) {
	opts := StoreOptions{DuplicateWindow: 100 * time.Millisecond}
	s := MustOpen(t, b, opts)
	c := NewCommit("first", 0, "one", "two")
	original := MustAppend(t, s, c)
	wantSameResult(t, MustAppend(t, s, c), original)
	wantSameResult(t, MustAppend(t, MustOpen(t, b, opts), c), original)
	b.ForgetCommand(t, c.CommandID)
	wantSameResult(t, MustAppend(t, s, c), original)
	wantSameResult(t, MustAppend(t, MustOpen(t, b, opts), c), original)
	// Also once the aggregate has moved on.
	next := MustAppend(t, s, NewCommit("first", 2, "three"))
	wantSameResult(t, MustAppend(t, s, c), original)
	wantSameResult(t, MustAppend(t, MustOpen(t, b, opts), c), original)
	if got := notes(MustLoad(t, s, "first", 0)); strings.Join(got, ",") != "one,two,three" {
		t.Fatalf("history %v", got)
	}
	if head := MustHead(t, s); head != next.Position {
		t.Fatalf("head moved to %d", head)
	}
}

// The same commit sent by many writers at once (a client retrying while its
// first try is still in flight) lands once; every writer gets its result.
func concurrentRetriesAppendOnce(t *testing.T, b Backend) {
	s := MustOpen(t, b, StoreOptions{})
	MustAppend(t, s, NewCommit("busy", 0, "a", "b"))
	for _, c := range []domain.Commit{NewCommit("fresh", 0, "x"), NewCommit("busy", 2, "c")} {
		const writers = 8
		results := make(chan domain.CommitResult, writers)
		errs := make(chan error, writers)
		stores := make([]domain.EventStore, writers)
		for w := range stores {
			stores[w] = s
			if w%2 == 1 {
				stores[w] = MustOpen(t, b, StoreOptions{}) // another process
			}
		}
		var wg sync.WaitGroup
		for _, store := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := store.Append(context.Background(), c)
				if err != nil {
					errs <- err
					return
				}
				results <- res
			}()
		}
		wg.Wait()
		close(results)
		close(errs)
		for err := range errs {
			t.Fatalf("%s: %v", c.AggregateID, err)
		}
		var first *domain.CommitResult
		landed := 0
		for res := range results {
			if !res.Duplicate {
				landed++
			}
			if first == nil {
				first = &res
			} else if res.Position != first.Position || res.Version != first.Version || !slices.Equal(res.EventIDs, first.EventIDs) {
				t.Fatalf("%s: results differ: %+v and %+v", c.AggregateID, res, *first)
			}
		}
		if landed != 1 {
			t.Fatalf("%s: %d writers appended, want exactly 1", c.AggregateID, landed)
		}
	}
	if got := notes(MustLoad(t, s, "busy", 0)); strings.Join(got, ",") != "a,b,c" {
		t.Fatalf("busy holds %v", got)
	}
	if got := notes(MustLoad(t, s, "fresh", 0)); strings.Join(got, ",") != "x" {
		t.Fatalf("fresh holds %v", got)
	}
}

func closedStoreIsUnavailable(t *testing.T, b Backend) {
	s := MustOpen(t, b, StoreOptions{})
	MustAppend(t, s, NewCommit("c", 0, "a"))
	sub := subscribe(s, 0)
	sub.next(t, 1)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	select {
	case err := <-sub.done:
		wantCode(t, err, domain.CodeUnavailable)
	case <-time.After(waitTimeout):
		t.Fatal("Subscribe did not return when the store closed")
	}
	ctx := context.Background()
	_, err := s.Append(ctx, NewCommit("c", 1, "b"))
	wantCode(t, err, domain.CodeUnavailable)
	_, err = s.Load(ctx, domain.AggregateRegion, "c", 0)
	wantCode(t, err, domain.CodeUnavailable)
	_, err = s.Head(ctx)
	wantCode(t, err, domain.CodeUnavailable)
	err = s.Read(ctx, 0, func(domain.RecordedEvent) error { return nil })
	wantCode(t, err, domain.CodeUnavailable)
	err = s.Subscribe(ctx, 0, func(domain.RecordedEvent) error { return nil })
	wantCode(t, err, domain.CodeUnavailable)
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}

func rejectsInvalidInput(t *testing.T, b Backend) {
	s := MustOpen(t, b, StoreOptions{})
	ctx := context.Background()
	for _, id := range []string{"", "18_04", "-18", ".18", "a b", "a*", "a>", string(make([]byte, 129))} {
		_, err := s.Append(ctx, NewCommit(id, 0, "x"))
		wantCode(t, err, domain.CodeInvalid)
		_, err = s.Load(ctx, domain.AggregateRegion, id, 0)
		wantCode(t, err, domain.CodeInvalid)
	}
	_, err := s.Load(ctx, "Not A Type", "18.04", 0)
	wantCode(t, err, domain.CodeInvalid)
	empty := NewCommit("18.04", 0)
	_, err = s.Append(ctx, empty)
	wantCode(t, err, domain.CodeInvalid)
	noID := NewCommit("18.04", 0, "x")
	noID.CommandID = [16]byte{}
	_, err = s.Append(ctx, noID)
	wantCode(t, err, domain.CodeInvalid)
	// Valid ids that differ only in '.' and '-' are different aggregates.
	for _, id := range []string{"18.04", "18-04", "1804", "2025-18.04", "0190a5e2-7b1c-7d3e-9f00-1234567890ab"} {
		if res := MustAppend(t, s, NewCommit(id, 0, id)); res.Version != 1 {
			t.Fatalf("%s: version %d", id, res.Version)
		}
	}
	if got := notes(MustLoad(t, s, "18.04", 0)); len(got) != 1 || got[0] != "18.04" {
		t.Fatalf("18.04 holds %v", got)
	}
}
