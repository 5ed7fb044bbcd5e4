package domain_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jejak-id/jejak/domain"
)

// memoryStore is a tiny in-memory EventStore for service tests.
type memoryStore struct {
	mu     sync.Mutex
	events []domain.RecordedEvent
	// conflictOnce makes the next Append fail with a version conflict.
	conflictOnce bool
}

func (m *memoryStore) Append(_ context.Context, c domain.Commit) (domain.CommitResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var current uint64
	res := domain.CommitResult{Duplicate: true}
	for _, e := range m.events {
		if e.AggregateType == c.AggregateType && e.AggregateID == c.AggregateID {
			current = e.Version
		}
		if e.CommandID == c.CommandID {
			res.Position, res.Version, res.EventIDs = e.Position, e.Version, append(res.EventIDs, e.ID)
		}
	}
	if res.Position > 0 {
		return res, nil
	}
	if m.conflictOnce || current != c.ExpectedVersion {
		m.conflictOnce = false
		return domain.CommitResult{}, domain.ConflictError(c.AggregateType, c.AggregateID, c.ExpectedVersion, current)
	}
	pos := uint64(len(m.events) + 1)
	res = domain.CommitResult{Position: pos}
	for i, e := range c.Events {
		current++
		id := uuid.Must(uuid.NewV7())
		m.events = append(m.events, domain.RecordedEvent{ID: id, Type: e.EventType(), SchemaVersion: 1, AggregateType: c.AggregateType,
			AggregateID: c.AggregateID, Version: current, Position: pos, Index: i, CommandID: c.CommandID, OccurredAt: c.OccurredAt,
			Actor: c.Actor, CorrelationID: c.CorrelationID, Data: e})
		res.EventIDs = append(res.EventIDs, id)
	}
	res.Version = current
	return res, nil
}

func (m *memoryStore) Load(_ context.Context, typ domain.AggregateType, id string, after uint64) ([]domain.RecordedEvent, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []domain.RecordedEvent
	for _, e := range m.events {
		if e.AggregateType == typ && e.AggregateID == id && e.Version > after {
			out = append(out, e)
		}
	}
	return out, nil
}

func (m *memoryStore) Read(context.Context, uint64, func(domain.RecordedEvent) error) error {
	return nil
}
func (m *memoryStore) Subscribe(context.Context, uint64, func(domain.RecordedEvent) error) error {
	return nil
}
func (m *memoryStore) Head(context.Context) (uint64, error) { return uint64(len(m.events)), nil }
func (m *memoryStore) Close() error                         { return nil }

var _ domain.EventStore = (*memoryStore)(nil)

var (
	admin    = domain.Actor{UserID: "admin", Role: domain.RoleAdmin}
	coord    = domain.Actor{UserID: "kemendagri", Role: domain.RoleCoordinator}
	operator = domain.Actor{UserID: "op-1801", Role: domain.RoleOperator, Region: "18.01"}
	verifier = domain.Actor{UserID: "ver", Role: domain.RoleVerifier}
)

func meta(a domain.Actor) domain.CommandMeta {
	return domain.CommandMeta{CommandID: uuid.New(), Actor: a, CorrelationID: "test"}
}

func MustService(tb testing.TB) (*domain.Service, *memoryStore) {
	tb.Helper()
	store := &memoryStore{}
	return domain.NewService(store, func() time.Time { return day(2025, 7, 1) }), store
}

// check returns v, failing tb on err: check(s.Do(ctx, cmd))(t).
func check[T any](v T, err error) func(testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
}

func TestService(t *testing.T) {
	ctx := context.Background()
	t.Run("runs an innovation through its life cycle and replication", func(t *testing.T) {
		s, _ := MustService(t)
		_, id, err := s.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.01", Details: details(), On: day(2022, 1, 10)})
		if err != nil {
			t.Fatal(err)
		}
		check(s.StartTrial(ctx, domain.StageCommand{CommandMeta: meta(operator), InnovationID: id, On: day(2022, 3, 1)}))(t)
		check(s.StartImplementation(ctx, domain.StageCommand{CommandMeta: meta(operator), InnovationID: id, On: day(2022, 9, 1)}))(t)
		lambar := domain.Actor{UserID: "op-1804", Role: domain.RoleOperator, Region: "18.04"}
		cmd := domain.RecordReplicationCommand{CommandMeta: meta(lambar), OriginInnovationID: id, AdopterRegion: "18.04", On: day(2023, 2, 1)}
		_, adopter, err := s.RecordReplication(ctx, cmd)
		if err != nil {
			t.Fatal(err)
		}
		res, again, err := s.RecordReplication(ctx, cmd)
		if err != nil || again != adopter || !res.Duplicate {
			t.Fatalf("retry: %v %s %+v", err, again, res)
		}
		origin := check(s.Innovation(ctx, id))(t)
		copyOf := check(s.Innovation(ctx, adopter))(t)
		if origin.Stage != domain.StageReplication || len(origin.Replications) != 1 || copyOf.Origin.InnovationID != id || copyOf.Region != "18.04" {
			t.Fatalf("origin %+v adopter %+v", origin, copyOf)
		}
	})
	t.Run("returns the original result for a retried command", func(t *testing.T) {
		s, _ := MustService(t)
		cmd := domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.01", Details: details(), On: day(2022, 1, 10)}
		first, id1 := must2(t)(s.ProposeInnovation(ctx, cmd))
		second, id2 := must2(t)(s.ProposeInnovation(ctx, cmd))
		if id1 != id2 || !second.Duplicate || second.Position != first.Position {
			t.Fatalf("first %+v second %+v", first, second)
		}
	})
	t.Run("refuses writes out of the operator's region and by auditors", func(t *testing.T) {
		s, _ := MustService(t)
		_, _, err := s.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.04", Details: details()})
		wantCode(t, err, domain.CodeOutOfScope)
		_, _, err = s.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: meta(domain.Actor{UserID: "a", Role: domain.RoleAuditor}), Region: "18.01", Details: details()})
		wantCode(t, err, domain.CodeForbidden)
	})
	t.Run("refuses dates in the future", func(t *testing.T) {
		s, _ := MustService(t)
		_, _, err := s.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.01", Details: details(), On: day(2026, 1, 1)})
		wantCode(t, err, domain.CodeInvalid)
	})
	t.Run("checks ExpectedVersion and retries conflicts without it", func(t *testing.T) {
		s, store := MustService(t)
		_, id := must2(t)(s.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.01", Details: details(), On: day(2022, 1, 10)}))
		stale := uint64(0)
		m := meta(operator)
		m.ExpectedVersion = &stale
		_, err := s.StartTrial(ctx, domain.StageCommand{CommandMeta: m, InnovationID: id, On: day(2022, 3, 1)})
		wantCode(t, err, domain.CodeVersionConflict)
		store.conflictOnce = true
		res := check(s.StartTrial(ctx, domain.StageCommand{CommandMeta: meta(operator), InnovationID: id, On: day(2022, 3, 1)}))(t)
		if res.Version != 2 {
			t.Fatalf("got %+v", res)
		}
	})
	t.Run("runs a year: answers in penjaringan, verification in pengukuran, four eyes", func(t *testing.T) {
		s, _ := MustService(t)
		_, err := s.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: meta(operator), Year: 2025, CatalogueVersion: "iid-2025.1", Schedule: schedule2025()})
		wantCode(t, err, domain.CodeForbidden)
		check(s.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: meta(coord), Year: 2025, CatalogueVersion: "iid-2025.1", Schedule: schedule2025()}))(t)
		_, err = s.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: meta(coord), Year: 2025, CatalogueVersion: "iid-2025.1", Schedule: schedule2025()})
		wantCode(t, err, domain.CodeAlreadyExists)
		answer := domain.SubmitAnswerCommand{CommandMeta: meta(operator), Year: 2025, Region: "18.01", Indicator: "8", Option: 3, Evidence: evidence}
		check(s.SubmitAnswer(ctx, answer))(t)
		verify := domain.VerifyAnswerCommand{CommandMeta: meta(verifier), Year: 2025, Region: "18.01", Indicator: "8", Decision: domain.DecisionAccept, Reason: "LHP BPK sesuai"}
		_, err = s.VerifyAnswer(ctx, verify)
		wantCode(t, err, domain.CodePhaseClosed)
		check(s.AdvancePhase(ctx, domain.AdvancePhaseCommand{CommandMeta: meta(coord), Year: 2025, To: domain.PhasePengukuran}))(t)
		answer.CommandMeta = meta(operator)
		_, err = s.SubmitAnswer(ctx, answer)
		wantCode(t, err, domain.CodePhaseClosed)
		_, err = s.VerifyAnswer(ctx, domain.VerifyAnswerCommand{CommandMeta: meta(operator), Year: 2025, Region: "18.01", Indicator: "8", Decision: domain.DecisionAccept, Reason: "x"})
		wantCode(t, err, domain.CodeForbidden)
		verify.CommandMeta = meta(verifier)
		check(s.VerifyAnswer(ctx, verify))(t)
		a := check(s.Assessment(ctx, 2025, "18.01"))(t)
		if len(a.Answers) != 1 || a.Answers[0].Status != domain.AnswerAccepted || a.Version != 3 {
			t.Fatalf("got %+v", a)
		}
	})
	t.Run("schedules Bimtek sessions and records attendance", func(t *testing.T) {
		now := plan().Date.AddDate(0, 0, -1)
		s := domain.NewService(&memoryStore{}, func() time.Time { return now })
		lambar := domain.Actor{UserID: "op-1804", Role: domain.RoleOperator, Region: "18.04"}
		_, id := must2(t)(s.ScheduleBimtek(ctx, domain.ScheduleBimtekCommand{CommandMeta: meta(lambar), Plan: plan()}))
		who := domain.Participant{Name: "Siti", Unit: "Dinas Kesehatan", Role: "pamong inovasi"}
		// not before the session's day: it would count before anyone attended
		_, err := s.RecordAttendance(ctx, domain.RecordAttendanceCommand{CommandMeta: meta(lambar), SessionID: id, Participant: who})
		wantCode(t, err, domain.CodeIllegalTransition)
		now = plan().Date
		check(s.RecordAttendance(ctx, domain.RecordAttendanceCommand{CommandMeta: meta(lambar), SessionID: id, Participant: who}))(t)
		_, err = s.RecordAttendance(ctx, domain.RecordAttendanceCommand{CommandMeta: meta(lambar), SessionID: id, Participant: who})
		wantCode(t, err, domain.CodeDuplicate)
		_, err = s.RecordAttendance(ctx, domain.RecordAttendanceCommand{CommandMeta: meta(operator), SessionID: id, Participant: who})
		wantCode(t, err, domain.CodeOutOfScope)
		check(s.CloseBimtek(ctx, domain.CloseBimtekCommand{CommandMeta: meta(lambar), SessionID: id}))(t)
		if v := check(s.Bimtek(ctx, id))(t); !v.Closed || len(v.Attendees) != 1 {
			t.Fatalf("got %+v", v)
		}
	})
	t.Run("lets only admins set the perbatasan flag", func(t *testing.T) {
		s, _ := MustService(t)
		yes := true
		_, err := s.UpdateRegionProfile(ctx, domain.UpdateRegionProfileCommand{CommandMeta: meta(coord), Region: "64.03", Perbatasan: &yes})
		wantCode(t, err, domain.CodeForbidden)
		check(s.UpdateRegionProfile(ctx, domain.UpdateRegionProfileCommand{CommandMeta: meta(admin), Region: "64.03", Perbatasan: &yes,
			OfficeName: "Bapelitbang Berau", OfficeKind: domain.OfficeBapelitbang}))(t)
		if v := check(s.Region(ctx, "64.03"))(t); !v.Perbatasan || v.OfficeName != "Bapelitbang Berau" {
			t.Fatalf("got %+v", v)
		}
	})
}

func must2(tb testing.TB) func(domain.CommitResult, string, error) (domain.CommitResult, string) {
	return func(r domain.CommitResult, id string, err error) (domain.CommitResult, string) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return r, id
	}
}
