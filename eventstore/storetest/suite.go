package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jejak-id/jejak/domain"
)

// Run runs the whole behaviour suite; every case gets a fresh backend.
func Run(t *testing.T, h Harness) {
	cases := []struct {
		name string
		run  func(t *testing.T, b Backend)
	}{
		{"a new aggregate starts at version 0", newAggregateStartsAtZero},
		{"rejects a stale expected version", rejectsStaleExpectedVersion},
		{"concurrent writers on one aggregate each win one version", concurrentWritersOneAggregate},
		{"many aggregates are written in parallel", manyAggregatesInParallel},
		{"a multi-event commit is appended all or nothing", multiEventCommitIsAtomic},
		{"rejects an oversize commit with too_large", rejectsOversizeCommit},
		{"a duplicate command id appends once within the window", duplicateWithinWindow},
		{"a duplicate command id appends once after the window", duplicateAfterWindow},
		{"a reused command id on a moved aggregate returns the original", reusedCommandOnMovedAggregate},
		{"a retried first commit of a new aggregate appends once", retriedFirstCommitAppendsOnce},
		{"concurrent retries of one commit append it once", concurrentRetriesAppendOnce},
		{"replay order equals commit order", replayOrderEqualsCommitOrder},
		{"subscribe catches up then goes live", subscribeCatchesUpThenLive},
		{"subscribe resumes from a checkpoint", subscribeResumesFromCheckpoint},
		{"a restart keeps everything", restartKeepsEverything},
		{"a closed store reports unavailable", closedStoreIsUnavailable},
		{"rejects invalid aggregate ids and commits", rejectsInvalidInput},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, h.NewBackend(t))
		})
	}
}

func newAggregateStartsAtZero(t *testing.T, b Backend) {
	s := MustOpen(t, b, StoreOptions{})
	if got := MustLoad(t, s, "18.04", 0); len(got) != 0 {
		t.Fatalf("a missing aggregate loads %d events", len(got))
	}
	if head := MustHead(t, s); head != 0 {
		t.Fatalf("an empty store has head %d", head)
	}
	res := MustAppend(t, s, NewCommit("18.04", 0, "first"))
	if res.Version != 1 || res.Position == 0 || len(res.EventIDs) != 1 || res.Duplicate {
		t.Fatalf("first append gave %+v", res)
	}
	if res.EventIDs[0].Version() != 7 {
		t.Fatalf("event id %s is not a UUID v7", res.EventIDs[0])
	}
	_, err := s.Append(context.Background(), NewCommit("18.04", 0, "again"))
	wantCode(t, err, domain.CodeVersionConflict)
	if got := err.(*domain.Error).CurrentVersion; got != 1 {
		t.Fatalf("conflict reports current version %d, want 1", got)
	}
	events := MustLoad(t, s, "18.04", 0)
	e := events[0]
	if len(events) != 1 || e.ID != res.EventIDs[0] || e.Position != res.Position || e.Version != 1 ||
		e.Type != "test.note-written" || e.SchemaVersion != 1 || e.AggregateID != "18.04" ||
		e.Actor.Region != "18.04" || e.CorrelationID != "corr-1" || e.CausationID != "cause-1" ||
		e.RecordedAt.IsZero() || e.OccurredAt.Year() != 2025 || e.Data != (NoteWritten{Text: "first"}) {
		t.Fatalf("loaded %+v", events)
	}
}

func rejectsStaleExpectedVersion(t *testing.T, b Backend) {
	s := MustOpen(t, b, StoreOptions{})
	MustAppend(t, s, NewCommit("r1", 0, "a"))
	MustAppend(t, s, NewCommit("r1", 1, "b", "c"))
	for _, expected := range []uint64{0, 1, 2, 7} {
		_, err := s.Append(context.Background(), NewCommit("r1", expected, "late"))
		wantCode(t, err, domain.CodeVersionConflict)
		var coded *domain.Error
		if errors.As(err, &coded); coded.CurrentVersion != 3 {
			t.Fatalf("expecting %d: current version %d, want 3", expected, coded.CurrentVersion)
		}
	}
	// A second store (another process) with a cold cache sees the same.
	other := MustOpen(t, b, StoreOptions{})
	_, err := other.Append(context.Background(), NewCommit("r1", 1, "late"))
	wantCode(t, err, domain.CodeVersionConflict)
	if res := MustAppend(t, other, NewCommit("r1", 3, "d")); res.Version != 4 {
		t.Fatalf("append on the current version gave version %d", res.Version)
	}
	// The first store's cache is now stale; the server still decides.
	_, err = s.Append(context.Background(), NewCommit("r1", 3, "stale"))
	wantCode(t, err, domain.CodeVersionConflict)
	if got := notes(MustLoad(t, s, "r1", 0)); strings.Join(got, ",") != "a,b,c,d" {
		t.Fatalf("history %v", got)
	}
}

func concurrentWritersOneAggregate(t *testing.T, b Backend) {
	s := MustOpen(t, b, StoreOptions{})
	const writers, commitsEach = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var version uint64
			for i := 0; i < commitsEach; {
				_, err := s.Append(context.Background(), NewCommit("hot", version, fmt.Sprintf("w%d-%d", w, i)))
				var coded *domain.Error
				switch {
				case err == nil:
					version++
					i++
				case errors.As(err, &coded) && coded.Code == domain.CodeVersionConflict:
					version = coded.CurrentVersion
				default:
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	events := MustLoad(t, s, "hot", 0)
	if len(events) != writers*commitsEach {
		t.Fatalf("%d events, want %d", len(events), writers*commitsEach)
	}
	wantVersions(t, events, 1)
	seen := map[string]bool{}
	for _, n := range notes(events) {
		if seen[n] {
			t.Fatalf("%s appended twice", n)
		}
		seen[n] = true
	}
}

func manyAggregatesInParallel(t *testing.T, b Backend) {
	s := MustOpen(t, b, StoreOptions{})
	const aggregates, commits = 24, 4
	var wg sync.WaitGroup
	errs := make(chan error, aggregates)
	for a := range aggregates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range uint64(commits) {
				if _, err := s.Append(context.Background(), NewCommit(fmt.Sprintf("agg-%d", a), v, "x")); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for a := range aggregates {
		events := MustLoad(t, s, fmt.Sprintf("agg-%d", a), 0)
		if len(events) != commits {
			t.Fatalf("agg-%d has %d events", a, len(events))
		}
		wantVersions(t, events, 1)
	}
	if head := MustHead(t, s); head != aggregates*commits {
		t.Fatalf("head %d, want %d", head, aggregates*commits)
	}
}

func multiEventCommitIsAtomic(t *testing.T, b Backend) {
	s := MustOpen(t, b, StoreOptions{})
	bad := NewCommit("atomic", 0, "one")
	bad.Events = append(bad.Events, Unencodable{Ch: make(chan int)}, NoteWritten{Text: "three"})
	_, err := s.Append(context.Background(), bad)
	wantCode(t, err, domain.CodeInvalid)
	unknown := NewCommit("atomic", 0, "one")
	unknown.Events = append(unknown.Events, Unregistered{})
	_, err = s.Append(context.Background(), unknown)
	wantCode(t, err, domain.CodeInvalid)
	if head := MustHead(t, s); head != 0 {
		t.Fatalf("a failed commit left head at %d", head)
	}

	good := NewCommit("atomic", 0, "one")
	good.Events = append(good.Events, &Counted{N: 2}, NoteWritten{Text: "three"})
	res := MustAppend(t, s, good)
	if res.Version != 3 || len(res.EventIDs) != 3 {
		t.Fatalf("result %+v", res)
	}
	events := MustLoad(t, s, "atomic", 0)
	if len(events) != 3 {
		t.Fatalf("%d events", len(events))
	}
	wantVersions(t, events, 1)
	for i, e := range events {
		if e.Position != res.Position || e.Index != i || e.ID != res.EventIDs[i] || e.CommandID != good.CommandID {
			t.Fatalf("event %d: %+v", i, e)
		}
	}
	if c, ok := events[1].Data.(*Counted); !ok || c.N != 2 {
		t.Fatalf("second event decoded as %#v", events[1].Data)
	}
	if tail := MustLoad(t, s, "atomic", 2); len(tail) != 1 || tail[0].Version != 3 {
		t.Fatalf("load after version 2 gave %+v", tail)
	}
}

func rejectsOversizeCommit(t *testing.T, b Backend) {
	s := MustOpen(t, b, StoreOptions{MaxCommitBytes: 4096})
	_, err := s.Append(context.Background(), NewCommit("big", 0, "small", strings.Repeat("x", 5000)))
	wantCode(t, err, domain.CodeTooLarge)
	if !strings.Contains(err.Error(), "4096") {
		t.Fatalf("message %q does not state the limit", err)
	}
	// Many small events adding up are too large as well.
	many := make([]string, 100)
	for i := range many {
		many[i] = strings.Repeat("y", 60)
	}
	_, err = s.Append(context.Background(), NewCommit("big", 0, many...))
	wantCode(t, err, domain.CodeTooLarge)
	if head := MustHead(t, s); head != 0 {
		t.Fatalf("an oversize commit left head at %d", head)
	}
	MustAppend(t, s, NewCommit("big", 0, "fits"))
}
