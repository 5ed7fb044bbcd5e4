package domain

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Event is a fact that happened, named in the past tense (InnovationProposed).
// Event structs are plain data with explicit JSON names (the stored schema,
// see events.go) and no store metadata. The event
// store's codec turns them into bytes and back.
type Event interface {
	// EventType is the stable name of the event, e.g. "innovation.proposed".
	EventType() string
}

// AggregateType names a consistency boundary. Each aggregate instance has its
// own ordered history, guarded by optimistic concurrency.
type AggregateType string

const (
	AggregateRegion     AggregateType = "region"
	AggregateInnovation AggregateType = "innovation"
	AggregateAssessment AggregateType = "assessment"
	AggregatePeriod     AggregateType = "period"
	AggregateBimtek     AggregateType = "bimtek"
	AggregatePerson     AggregateType = "person" // id: the subject
)

// Commit is what a command decided: the new events of one aggregate, appended
// together (all or none) on top of ExpectedVersion.
type Commit struct {
	// CommandID identifies the command; a retried command carries the same
	// id and is appended at most once.
	CommandID       uuid.UUID
	AggregateType   AggregateType
	AggregateID     string
	ExpectedVersion uint64 // 0 for a new aggregate
	Events          []Event
	Actor           Actor
	OccurredAt      time.Time
	CorrelationID   string
	CausationID     string
}

// CommitResult says where a commit landed.
type CommitResult struct {
	// Position is the global position of the commit; reads may wait for it
	// (read-your-writes).
	Position uint64
	// Version is the aggregate's version after the commit.
	Version uint64
	// EventIDs are the ids given to the commit's events, in order.
	EventIDs []uuid.UUID
	// Duplicate is true when the command had already been appended; the
	// result then describes the original append.
	Duplicate bool
}

// RecordedEvent is an event as stored: the domain event with its envelope.
type RecordedEvent struct {
	ID            uuid.UUID // UUID v7
	Type          string
	SchemaVersion int // the version the event was written with (before upcasting)
	AggregateType AggregateType
	AggregateID   string
	// Version is the aggregate version this event brought it to (1-based).
	Version uint64
	// Position is the global position of the commit holding the event; all
	// events of one commit share it. Index orders them within the commit.
	Position uint64
	Index    int
	// CommitSize is the number of events in the commit; the commit is
	// complete once the event with Index CommitSize-1 has been seen.
	CommitSize    int
	CommandID     uuid.UUID
	OccurredAt    time.Time
	RecordedAt    time.Time
	Actor         Actor
	CorrelationID string
	CausationID   string
	Data          Event
}

// EventStore is the port to the durable, ordered log of all events.
//
// Implementations are safe for concurrent use. Every method returns an *Error
// with CodeUnavailable once the store is closed or its server unreachable,
// never panics, and honours ctx cancellation.
type EventStore interface {
	// Append appends the commit's events atomically to one aggregate.
	//
	// It returns an *Error with CodeVersionConflict (CurrentVersion set) when
	// the aggregate is not at c.ExpectedVersion, CodeInvalid for a malformed
	// commit (no events, bad ids, unknown event type) and CodeTooLarge when the
	// encoded commit exceeds the store's limit. A commit whose CommandID was
	// already appended is not appended again: the original result is returned
	// with Duplicate set, also long after the server's duplicate window.
	Append(ctx context.Context, c Commit) (CommitResult, error)

	// Load returns the events of one aggregate with Version > afterVersion, in
	// order. It reads only that aggregate's events. A missing aggregate gives
	// an empty slice and no error.
	Load(ctx context.Context, aggregate AggregateType, id string, afterVersion uint64) ([]RecordedEvent, error)

	// Read calls fn for every event with Position > after, in commit order,
	// up to the head as it was when Read started, then returns. An error from
	// fn stops the read and is returned.
	Read(ctx context.Context, after uint64, fn func(RecordedEvent) error) error

	// Subscribe calls fn for every event with Position > after, in commit
	// order: first the history (catch-up), then live as events are appended.
	// It blocks until ctx is done (returning ctx.Err()), fn returns an error
	// (returned), or the store closes. fn is never called concurrently.
	Subscribe(ctx context.Context, after uint64, fn func(RecordedEvent) error) error

	// Head returns the position of the latest commit, 0 for an empty store.
	Head(ctx context.Context) (uint64, error)

	// Close releases the store's resources. Calls after Close fail with
	// CodeUnavailable.
	Close() error
}

// EventSpec describes one event type to the store's codec: its stable name,
// the schema version the domain writes today, and how to make an empty value
// to decode into. Older versions are turned into the current one by upcasters
// registered with the codec.
type EventSpec struct {
	Type    string
	Version int
	New     func() Event
}

// Upcaster turns the stored JSON of one event type from schema version From
// into version From+1. Upcasters chain: a v1 event of a type now at v3 goes
// through the 1->2 and the 2->3 upcasters. The store's codec applies them on
// read; an upcaster must be a pure function of its input.
type Upcaster struct {
	Type   string
	From   int
	Upcast func(data json.RawMessage) (json.RawMessage, error)
}
