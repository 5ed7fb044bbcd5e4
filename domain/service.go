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

// Service executes commands: it loads aggregates through the EventStore
// port, lets them decide, and appends one Commit per aggregate. It is safe
// for concurrent use if its store is.
//
// Every method returns an *Error: CodeInvalid (every problem at once),
// CodeForbidden or CodeOutOfScope (Authorize), CodeNotFound,
// CodeIllegalTransition, CodePhaseClosed, CodeFourEyes, CodeDuplicate,
// CodeVersionConflict (ExpectedVersion given and stale, or retries
// exhausted) or the store's CodeUnavailable, CodeTooLarge, CodeTimeout.
// A command that changes nothing (e.g. the same answer submitted twice)
// appends nothing and returns the aggregate's current version.
type Service struct {
	Store EventStore
	// Now is the clock; commit times and "today" defaults come from it.
	Now func() time.Time
	// Retries is how often a command without ExpectedVersion is decided
	// again after a version conflict (default 3).
	Retries int
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

// pastDay returns on as a day, today when zero, and CodeInvalid when it is
// after today.
func (s *Service) pastDay(field string, on time.Time) (time.Time, error) {
	today := Day(s.now())
	if on.IsZero() {
		return today, nil
	}
	if Day(on).After(today) {
		var p Problems
		p.Add(field, "%s is in the future", date(on))
		return time.Time{}, p.Err()
	}
	return Day(on), nil
}

// aggregate is what execute needs from every aggregate.
type aggregate interface {
	Version() uint64
	Changes() []Event
}

// execute loads one aggregate, decides and appends. rebuild turns history
// into the aggregate (it may create it when history is empty); decide
// records the changes.
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
		history := make([]Event, len(recs))
		for i, r := range recs {
			history[i] = r.Data
		}
		a, err := rebuild(history)
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

// load reads an aggregate's history for the read helpers.
func (s *Service) load(ctx context.Context, typ AggregateType, id string) ([]Event, error) {
	recs, err := s.Store.Load(ctx, typ, id, 0)
	if err != nil {
		return nil, err
	}
	history := make([]Event, len(recs))
	for i, r := range recs {
		history[i] = r.Data
	}
	return history, nil
}

// newID derives the id of a created aggregate from the command id, so that a
// retried creation targets the same aggregate.
func newID(cmd uuid.UUID, what string) string { return uuid.NewSHA1(cmd, []byte(what)).String() }

// creating wraps a constructor: an existing aggregate is CodeAlreadyExists.
func creating[A aggregate](typ AggregateType, id string, create func() (A, error)) func([]Event) (A, error) {
	return func(history []Event) (A, error) {
		if len(history) > 0 {
			var zero A
			return zero, Errorf(CodeAlreadyExists, "%s %s already exists", typ, id)
		}
		return create()
	}
}

// Innovation returns the current state of an innovation (CodeNotFound).
func (s *Service) Innovation(ctx context.Context, id string) (InnovationView, error) {
	h, err := s.load(ctx, AggregateInnovation, id)
	if err != nil {
		return InnovationView{}, err
	}
	in, err := RebuildInnovation(id, h)
	if err != nil {
		return InnovationView{}, err
	}
	return in.View(), nil
}

// Period returns the current state of a year's period (CodeNotFound).
func (s *Service) Period(ctx context.Context, year int) (PeriodView, error) {
	pd, err := s.period(ctx, year)
	if err != nil {
		return PeriodView{}, err
	}
	return pd.View(), nil
}

func (s *Service) period(ctx context.Context, year int) (*Period, error) {
	h, err := s.load(ctx, AggregatePeriod, PeriodID(year))
	if err != nil {
		return nil, err
	}
	return RebuildPeriod(PeriodID(year), h)
}

// Assessment returns a region's assessment in a year (empty if unanswered).
func (s *Service) Assessment(ctx context.Context, year int, region string) (AssessmentView, error) {
	h, err := s.load(ctx, AggregateAssessment, AssessmentID(year, region))
	if err != nil {
		return AssessmentView{}, err
	}
	a, err := RebuildAssessment(year, region, h)
	if err != nil {
		return AssessmentView{}, err
	}
	return a.View(), nil
}

// Bimtek returns a session (CodeNotFound).
func (s *Service) Bimtek(ctx context.Context, id string) (BimtekView, error) {
	h, err := s.load(ctx, AggregateBimtek, id)
	if err != nil {
		return BimtekView{}, err
	}
	b, err := RebuildBimtek(id, h)
	if err != nil {
		return BimtekView{}, err
	}
	return b.View(), nil
}

// Region returns a reference region with its profile (CodeNotFound).
func (s *Service) Region(ctx context.Context, code string) (RegionView, error) {
	h, err := s.load(ctx, AggregateRegion, code)
	if err != nil {
		return RegionView{}, err
	}
	r, err := RebuildRegionProfile(code, h)
	if err != nil {
		return RegionView{}, err
	}
	return r.View(), nil
}
