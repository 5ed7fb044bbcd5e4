package sampledata

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore/memstore"
	"github.com/jejak-id/jejak/personal"
	"github.com/jejak-id/jejak/projections"
)

// TestDemoBothWays loads the demo through domain.Service (serviceRunner,
// the path of a demo resumed on a store with history) and through the
// batch engine (the path of an empty store) into two fresh stores, and
// finds the same history and the same index state: both paths decide with
// the same domain Decide methods, so a rule cannot diverge between them.
//
// The stores are in memory, with event ids derived from the commit (the
// JetStream store's ids are random, so two stores could never hash alike),
// which makes the index's state hash comparable byte for byte. Only the
// index is compared: the service path runs regions concurrently within a
// day, so the timeline and the audit trails' most-recent lists may
// interleave commits of different regions in another order.
func TestDemoBothWays(t *testing.T) {
	ctx := context.Background()
	p, err := planDemo(40)
	if err != nil {
		t.Fatal(err)
	}
	actions := p.sorted()
	// One vault for both ways, with nonces derived from the plaintext, so
	// that the same attendee is sealed to the same bytes each way.
	people, err := personal.NewVault(personal.NewMemoryKeys(), personal.NewMasterKey(), personal.Options{SyntheticNonces: true})
	if err != nil {
		t.Fatal(err)
	}

	viaEngine := mustDerivedIDStore(t)
	e := newEngine(viaEngine, people, "sampledata-demo", 16, 1024)
	e.ordered = true
	if err := e.run(ctx, actions, nil); err != nil {
		t.Fatal(err)
	}
	viaService := mustDerivedIDStore(t)
	svc := domain.NewService(viaService, nil)
	svc.People = people
	r := &serviceRunner{base: svc, correlation: "sampledata-demo", workers: 4}
	if err := r.run(ctx, actions); err != nil {
		t.Fatal(err)
	}

	t.Run("writes the same commits", func(t *testing.T) {
		if int(r.commits.Load()) != e.commits || int(r.events.Load()) != e.events {
			t.Errorf("service: %d commits, %d events; engine: %d commits, %d events", r.commits.Load(), r.events.Load(), e.commits, e.events)
		}
		want, got := histories(t, viaEngine), histories(t, viaService)
		if len(got) != len(want) {
			t.Errorf("service wrote %d aggregates, engine %d", len(got), len(want))
		}
		diffs := 0
		for key, events := range want {
			if i, ok := firstDifference(events, got[key]); ok && diffs < 5 {
				diffs++
				t.Errorf("%s differs from event %d:\n engine  %s\n service %s", key, i+1, eventAt(events, i), eventAt(got[key], i))
			}
		}
	})
	t.Run("gives the same index state hash", func(t *testing.T) {
		// The service runner's workers interleave commits differently from
		// the engine, so the score history's steps may come in another
		// order; everything else must be equal.
		want, got := orderFreeHash(t, viaEngine), orderFreeHash(t, viaService)
		t.Logf("index state hash: %s", want)
		if got != want {
			t.Errorf("index state hash through the service %s, through the engine %s", got, want)
		}
	})
	t.Run("completes a demo cut off part-way through the service", func(t *testing.T) {
		// LoadDemo's path for a store that holds part of the demo: the
		// service recognises what the engine appended by command id.
		resumed := mustDerivedIDStore(t)
		cut := newEngine(resumed, people, "sampledata-demo", 16, 1024)
		cut.ordered = true
		if err := cut.run(ctx, actions[:len(actions)/2], nil); err != nil {
			t.Fatal(err)
		}
		svc := domain.NewService(resumed, nil)
		svc.People = people
		sum, err := LoadDemo(ctx, svc, DemoOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Commits+cut.commits != e.commits || sum.Events+cut.events != e.events {
			t.Errorf("%d+%d commits and %d+%d events, want %d and %d", cut.commits, sum.Commits, cut.events, sum.Events, e.commits, e.events)
		}
		if got, want := indexHash(t, resumed), indexHash(t, viaEngine); got != want {
			t.Errorf("index state hash of the resumed demo %s, of the demo loaded at once %s", got, want)
		}
	})
}

// mustDerivedIDStore is an empty memory store whose event ids derive from
// the commit's command id and the event's index.
func mustDerivedIDStore(tb testing.TB) *memstore.Store {
	tb.Helper()
	s, err := memstore.Open(memstore.NewLog(), memstore.Config{NewEventID: func(c domain.Commit, i int) uuid.UUID {
		return uuid.NewSHA1(c.CommandID, binary.BigEndian.AppendUint32(nil, uint32(i)))
	}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// histories returns every aggregate's events as text (all but the
// position, which depends on how the commits of different aggregates
// interleave, and the record time).
func histories(tb testing.TB, store domain.EventStore) map[string][]string {
	tb.Helper()
	out := map[string][]string{}
	err := store.Read(context.Background(), 0, func(e domain.RecordedEvent) error {
		data, err := json.Marshal(e.Data)
		if err != nil {
			return err
		}
		key := string(e.AggregateType) + "/" + e.AggregateID
		out[key] = append(out[key], fmt.Sprintf("v%d %s (%d/%d of command %s, id %s) by %+v at %s, correlation %q: %s",
			e.Version, e.Type, e.Index+1, e.CommitSize, e.CommandID, e.ID, e.Actor, e.OccurredAt.Format("2006-01-02T15:04:05.999999999Z07:00"),
			e.CorrelationID, data))
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func firstDifference(a, b []string) (int, bool) {
	for i := range max(len(a), len(b)) {
		if i >= len(a) || i >= len(b) || a[i] != b[i] {
			return i, true
		}
	}
	return 0, false
}

func eventAt(events []string, i int) string {
	if i < len(events) {
		return events[i]
	}
	return "(nothing)"
}

// orderFreeHash catches the projections up with the store and returns
// OrderFreeStateHash of the index.
func orderFreeHash(tb testing.TB, store domain.EventStore) string {
	tb.Helper()
	v := projections.NewViews(store)
	if err := v.Runner.CatchUp(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return OrderFreeStateHash(tb, v.Index)
}

// indexHash catches the projections up with the store and returns the
// index's state hash.
func indexHash(tb testing.TB, store domain.EventStore) string {
	tb.Helper()
	v := projections.NewViews(store)
	if err := v.Runner.CatchUp(context.Background()); err != nil {
		tb.Fatal(err)
	}
	h, err := projections.StateHash(v.Index)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}
