package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// CommandMeta is carried by every command.
type CommandMeta struct {
	// CommandID identifies the command; a retry with the same id is applied
	// at most once (the original result comes back with Duplicate set).
	CommandID uuid.UUID
	Actor     Actor
	// ExpectedVersion is the API's If-Match: the version of the target
	// aggregate the caller saw. Nil means "current": the service then
	// reloads and decides again on a version conflict, a few times.
	ExpectedVersion *uint64
	CorrelationID   string
}

// Service executes commands. Each command is decided by a pure method of
// the command (Decide: the command and the loaded aggregates in, the
// changes recorded on the aggregates out, authorisation, derived ids and
// date checks included); the service supplies what Decide needs and runs
// the shared execute step around it: load the aggregate through the
// EventStore port, recognise a retried command id, check ExpectedVersion,
// decide, append one Commit, and retry on a version conflict. The demo
// loader and the generator call the same Decide methods on aggregates they
// keep in memory. A Service is safe for concurrent use if its store is.
//
// Every method returns an *Error: CodeInvalid (every problem at once),
// CodeForbidden or CodeOutOfScope (Authorize), CodeNotFound,
// CodeIllegalTransition, CodePhaseClosed, CodeFourEyes, CodeDuplicate,
// CodeVersionConflict (ExpectedVersion given and stale, or retries
// exhausted) or the store's CodeUnavailable, CodeTooLarge, CodeTimeout.
// A command that changes nothing (e.g. the same answer submitted twice)
// appends nothing and returns the aggregate's current version.
//
// Checks that need only the command (who may write for the region it
// names, dates not in the future) run before anything is loaded, so an
// actor who may not act learns nothing about the aggregates; Decide
// repeats them, so that it is complete on its own.
type Service struct {
	Store EventStore
	// Now is the clock; commit times and "today" come from it.
	Now func() time.Time
	// Retries is how often a command without ExpectedVersion is decided
	// again after a version conflict (default 3).
	Retries int
	// People seals attendees' personal fields and shreds them on erasure;
	// attendance and erasure are CodeUnavailable without it.
	People PersonalData
}

// NewService returns a service on store with the given clock (time.Now if nil).
func NewService(store EventStore, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{Store: store, Now: now, Retries: 3}
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// aggregate is what execute needs from every aggregate.
type aggregate interface {
	Version() uint64
	Changes() []Event
}

// execute is the one execute step of every command: it loads one
// aggregate, returns the original result if the command id is already in
// its history, checks ExpectedVersion, decides and appends the changes as
// one commit, deciding again after a version conflict (unless the caller
// gave ExpectedVersion). rebuild turns history into the aggregate (it may
// create it when history is empty, see creating); decide records the
// changes.
func execute[A aggregate](ctx context.Context, s *Service, m CommandMeta, typ AggregateType, id string,
	rebuild func([]Event) (A, error), decide func(A) error) (CommitResult, error) {
	if m.CommandID == uuid.Nil {
		return CommitResult{}, (&Problems{{Field: "command_id", Message: "is required"}}).Err()
	}
	retries := s.Retries
	if retries <= 0 {
		retries = 3
	}
	for attempt := 0; ; attempt++ {
		recs, err := s.Store.Load(ctx, typ, id, 0)
		if err != nil {
			return CommitResult{}, err
		}
		if res, dup := duplicateOf(recs, m.CommandID); dup {
			return res, nil
		}
		a, err := rebuild(eventsOf(recs))
		if err != nil {
			return CommitResult{}, err
		}
		if m.ExpectedVersion != nil && *m.ExpectedVersion != a.Version() {
			return CommitResult{}, ConflictError(typ, id, *m.ExpectedVersion, a.Version())
		}
		if err := decide(a); err != nil {
			return CommitResult{}, err
		}
		events := a.Changes()
		if len(events) == 0 {
			res := CommitResult{Version: a.Version()}
			if len(recs) > 0 {
				res.Position = recs[len(recs)-1].Position
			}
			return res, nil
		}
		res, err := s.Store.Append(ctx, Commit{
			CommandID: m.CommandID, AggregateType: typ, AggregateID: id, ExpectedVersion: a.Version(),
			Events: events, Actor: m.Actor, OccurredAt: s.now(), CorrelationID: m.CorrelationID,
		})
		if IsCode(err, CodeVersionConflict) && m.ExpectedVersion == nil && attempt < retries {
			continue
		}
		return res, err
	}
}

// decided is the decide step of a command whose Decide already ran (in
// rebuild, for a new aggregate).
func decided[A aggregate](A) error { return nil }

// creating wraps a constructor for execute: an existing aggregate is
// CodeAlreadyExists, otherwise create decides the new one.
func creating[A aggregate](typ AggregateType, id string, create func() (A, error)) func([]Event) (A, error) {
	return func(history []Event) (A, error) {
		if len(history) > 0 {
			var zero A
			return zero, Errorf(CodeAlreadyExists, "%s %s already exists", typ, id)
		}
		return create()
	}
}

// duplicateOf reports the result of an earlier append of the command.
func duplicateOf(recs []RecordedEvent, id uuid.UUID) (CommitResult, bool) {
	res := CommitResult{Duplicate: true}
	for _, r := range recs {
		if r.CommandID == id {
			res.Position, res.Version = r.Position, r.Version
			res.EventIDs = append(res.EventIDs, r.ID)
		}
	}
	return res, len(res.EventIDs) > 0
}

func eventsOf(recs []RecordedEvent) []Event {
	history := make([]Event, len(recs))
	for i, r := range recs {
		history[i] = r.Data
	}
	return history
}

// load reads an aggregate's history.
func (s *Service) load(ctx context.Context, typ AggregateType, id string) ([]Event, error) {
	recs, err := s.Store.Load(ctx, typ, id, 0)
	if err != nil {
		return nil, err
	}
	return eventsOf(recs), nil
}

// derivedID derives the id of something a command creates from the
// command id, so that a retried command targets the same thing.
func derivedID(cmd uuid.UUID, what string) string { return uuid.NewSHA1(cmd, []byte(what)).String() }

// Indonesia's time zones run from WIB (UTC+7, Jakarta, where Kemendagri
// is) to WIT (UTC+9, Papua).
var (
	zoneWIB = time.FixedZone("WIB", 7*3600)
	zoneWIT = time.FixedZone("WIT", 9*3600)
)

// Today is the calendar day at now in WIB: the day a date left out means.
func Today(now time.Time) time.Time { return dayIn(now, zoneWIB) }

// latestToday is the calendar day at now in WIT, the latest day that is
// "today" somewhere in Indonesia: only a date after it is in the future for
// every office (a server's UTC day lags WIB's by seven hours each morning).
func latestToday(now time.Time) time.Time { return dayIn(now, zoneWIT) }

func dayIn(t time.Time, zone *time.Location) time.Time {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// pastDay returns on as a day, today (WIB) when on is zero, and
// CodeInvalid when it is after today everywhere in Indonesia.
func pastDay(field string, on, now time.Time) (time.Time, error) {
	if on.IsZero() {
		return Today(now), nil
	}
	if Day(on).After(latestToday(now)) {
		var p Problems
		p.Add(field, "%s is in the future", date(on))
		return time.Time{}, p.Err()
	}
	return Day(on), nil
}
