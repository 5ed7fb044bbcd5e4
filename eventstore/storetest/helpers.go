package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// waitTimeout bounds every wait of the suite.
const waitTimeout = 10 * time.Second

// MustOpen opens a store with the suite's event specs.
func MustOpen(tb testing.TB, b Backend, o StoreOptions) domain.EventStore {
	tb.Helper()
	if o.Specs == nil {
		o.Specs = Specs()
	}
	return b.Open(tb, o)
}

// NewCommit returns a commit of notes for one aggregate on top of expected.
func NewCommit(aggregateID string, expected uint64, notes ...string) domain.Commit {
	events := make([]domain.Event, len(notes))
	for i, n := range notes {
		events[i] = NoteWritten{Text: n}
	}
	return domain.Commit{
		CommandID:       uuid.New(),
		AggregateType:   domain.AggregateRegion,
		AggregateID:     aggregateID,
		ExpectedVersion: expected,
		Events:          events,
		Actor:           domain.Actor{UserID: "ani", Role: domain.RoleOperator, Region: "18.04"},
		OccurredAt:      time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC),
		CorrelationID:   "corr-1",
		CausationID:     "cause-1",
	}
}

// MustAppend appends c and fails the test on error.
func MustAppend(tb testing.TB, s domain.EventStore, c domain.Commit) domain.CommitResult {
	tb.Helper()
	res, err := s.Append(context.Background(), c)
	if err != nil {
		tb.Fatalf("append %s v%d: %v", c.AggregateID, c.ExpectedVersion, err)
	}
	return res
}

// MustLoad loads an aggregate of the suite's type.
func MustLoad(tb testing.TB, s domain.EventStore, id string, after uint64) []domain.RecordedEvent {
	tb.Helper()
	events, err := s.Load(context.Background(), domain.AggregateRegion, id, after)
	if err != nil {
		tb.Fatalf("load %s: %v", id, err)
	}
	return events
}

// MustReadAll reads every event after the position.
func MustReadAll(tb testing.TB, s domain.EventStore, after uint64) []domain.RecordedEvent {
	tb.Helper()
	var events []domain.RecordedEvent
	err := s.Read(context.Background(), after, func(e domain.RecordedEvent) error {
		events = append(events, e)
		return nil
	})
	if err != nil {
		tb.Fatalf("read after %d: %v", after, err)
	}
	return events
}

// MustHead returns the store's head.
func MustHead(tb testing.TB, s domain.EventStore) uint64 {
	tb.Helper()
	head, err := s.Head(context.Background())
	if err != nil {
		tb.Fatalf("head: %v", err)
	}
	return head
}

func notes(events []domain.RecordedEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		n, ok := e.Data.(NoteWritten)
		if !ok {
			out[i] = fmt.Sprintf("<%T>", e.Data)
			continue
		}
		out[i] = n.Text
	}
	return out
}

func wantCode(tb testing.TB, err error, code domain.Code) {
	tb.Helper()
	if !domain.IsCode(err, code) {
		tb.Fatalf("got error %v (code %q), want code %q", err, domain.ErrorCode(err), code)
	}
}

func wantVersions(tb testing.TB, events []domain.RecordedEvent, from uint64) {
	tb.Helper()
	for i, e := range events {
		if want := from + uint64(i); e.Version != want {
			tb.Fatalf("event %d has version %d, want %d (contiguous)", i, e.Version, want)
		}
	}
}

// subscription runs Subscribe in the background and hands out its events.
type subscription struct {
	events chan domain.RecordedEvent
	done   chan error
	cancel context.CancelFunc
}

func subscribe(s domain.EventStore, after uint64) *subscription {
	ctx, cancel := context.WithCancel(context.Background())
	sub := &subscription{events: make(chan domain.RecordedEvent, 1024), done: make(chan error, 1), cancel: cancel}
	go func() {
		sub.done <- s.Subscribe(ctx, after, func(e domain.RecordedEvent) error {
			sub.events <- e
			return nil
		})
	}()
	return sub
}

// next waits for n events or fails the test at the deadline.
func (sub *subscription) next(tb testing.TB, n int) []domain.RecordedEvent {
	tb.Helper()
	deadline := time.After(waitTimeout)
	var got []domain.RecordedEvent
	for len(got) < n {
		select {
		case e := <-sub.events:
			got = append(got, e)
		case err := <-sub.done:
			tb.Fatalf("subscription ended after %d of %d events: %v", len(got), n, err)
		case <-deadline:
			tb.Fatalf("got %d of %d events before the deadline", len(got), n)
		}
	}
	return got
}

// stop cancels the subscription and returns what Subscribe returned.
func (sub *subscription) stop(tb testing.TB) error {
	tb.Helper()
	sub.cancel()
	select {
	case err := <-sub.done:
		return err
	case <-time.After(waitTimeout):
		tb.Fatal("Subscribe did not return after its context was cancelled")
		return nil
	}
}
