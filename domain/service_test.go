package domain_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore/memstore"
	"github.com/jejak-id/jejak/internal/testsupport"
)

var operator = testsupport.Operator("18.01")

func meta(a domain.Actor) domain.CommandMeta {
	return domain.CommandMeta{CommandID: uuid.New(), Actor: a, CorrelationID: "test"}
}

// conflictingStore is a memory store whose next Append can be made to fail
// with a version conflict, as if another writer had just won the race.
type conflictingStore struct {
	*memstore.Store
	conflictOnce atomic.Bool
}

func (s *conflictingStore) Append(ctx context.Context, c domain.Commit) (domain.CommitResult, error) {
	if s.conflictOnce.CompareAndSwap(true, false) {
		return domain.CommitResult{}, domain.ConflictError(c.AggregateType, c.AggregateID, c.ExpectedVersion, c.ExpectedVersion+1)
	}
	return s.Store.Append(ctx, c)
}

// MustMemoryStore returns an empty in-memory store, closed with the test.
func MustMemoryStore(tb testing.TB) *memstore.Store {
	tb.Helper()
	store := memstore.New()
	tb.Cleanup(func() { store.Close() })
	return store
}

func MustService(tb testing.TB) (*domain.Service, *conflictingStore) {
	tb.Helper()
	store := &conflictingStore{Store: MustMemoryStore(tb)}
	return domain.NewService(store, func() time.Time { return testsupport.Day("2025-07-01") }), store
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
		_, id, err := s.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.01", Details: details(), On: testsupport.Day("2022-01-10")})
		if err != nil {
			t.Fatal(err)
		}
		check(s.StartTrial(ctx, domain.StageCommand{CommandMeta: meta(operator), InnovationID: id, On: testsupport.Day("2022-03-01")}))(t)
		check(s.StartImplementation(ctx, domain.StageCommand{CommandMeta: meta(operator), InnovationID: id, On: testsupport.Day("2022-09-01")}))(t)
		lambar := testsupport.Operator("18.04")
		cmd := domain.RecordReplicationCommand{CommandMeta: meta(lambar), OriginInnovationID: id, AdopterRegion: "18.04", On: testsupport.Day("2023-02-01")}
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
		cmd := domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.01", Details: details(), On: testsupport.Day("2022-01-10")}
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
		_, _, err = s.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: meta(testsupport.Auditor), Region: "18.01", Details: details()})
		wantCode(t, err, domain.CodeForbidden)
	})
	t.Run("refuses dates in the future", func(t *testing.T) {
		s, _ := MustService(t)
		_, _, err := s.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.01", Details: details(), On: testsupport.Day("2026-01-01")})
		wantCode(t, err, domain.CodeInvalid)
	})
	t.Run("checks ExpectedVersion and retries conflicts without it", func(t *testing.T) {
		s, store := MustService(t)
		_, id := must2(t)(s.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.01", Details: details(), On: testsupport.Day("2022-01-10")}))
		stale := uint64(0)
		m := meta(operator)
		m.ExpectedVersion = &stale
		_, err := s.StartTrial(ctx, domain.StageCommand{CommandMeta: m, InnovationID: id, On: testsupport.Day("2022-03-01")})
		wantCode(t, err, domain.CodeVersionConflict)
		store.conflictOnce.Store(true)
		res := check(s.StartTrial(ctx, domain.StageCommand{CommandMeta: meta(operator), InnovationID: id, On: testsupport.Day("2022-03-01")}))(t)
		if res.Version != 2 {
			t.Fatalf("got %+v", res)
		}
	})
	t.Run("runs a year: answers in penjaringan, verification in pengukuran, four eyes", func(t *testing.T) {
		s, _ := MustService(t)
		_, err := s.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: meta(operator), Year: 2025, CatalogueVersion: "iid-2025.1", Schedule: testsupport.Schedule2025()})
		wantCode(t, err, domain.CodeForbidden)
		check(s.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: meta(testsupport.Coordinator), Year: 2025, CatalogueVersion: "iid-2025.1", Schedule: testsupport.Schedule2025()}))(t)
		_, err = s.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: meta(testsupport.Coordinator), Year: 2025, CatalogueVersion: "iid-2025.1", Schedule: testsupport.Schedule2025()})
		wantCode(t, err, domain.CodeAlreadyExists)
		answer := domain.SubmitAnswerCommand{CommandMeta: meta(operator), Year: 2025, Region: "18.01", Indicator: "8", Option: 3, Evidence: evidence}
		check(s.SubmitAnswer(ctx, answer))(t)
		verify := domain.VerifyAnswerCommand{CommandMeta: meta(testsupport.Verifier), Year: 2025, Region: "18.01", Indicator: "8", Decision: domain.DecisionAccept, Reason: "LHP BPK sesuai"}
		_, err = s.VerifyAnswer(ctx, verify)
		wantCode(t, err, domain.CodePhaseClosed)
		check(s.AdvancePhase(ctx, domain.AdvancePhaseCommand{CommandMeta: meta(testsupport.Coordinator), Year: 2025, To: domain.PhasePengukuran}))(t)
		answer.CommandMeta = meta(operator)
		_, err = s.SubmitAnswer(ctx, answer)
		wantCode(t, err, domain.CodePhaseClosed)
		_, err = s.VerifyAnswer(ctx, domain.VerifyAnswerCommand{CommandMeta: meta(operator), Year: 2025, Region: "18.01", Indicator: "8", Decision: domain.DecisionAccept, Reason: "x"})
		wantCode(t, err, domain.CodeForbidden)
		verify.CommandMeta = meta(testsupport.Verifier)
		check(s.VerifyAnswer(ctx, verify))(t)
		a := check(s.Assessment(ctx, 2025, "18.01"))(t)
		if len(a.Answers) != 1 || a.Answers[0].Status != domain.AnswerAccepted || a.Version != 3 {
			t.Fatalf("got %+v", a)
		}
	})
	t.Run("schedules Bimtek sessions and records attendance", func(t *testing.T) {
		now := plan().Date.AddDate(0, 0, -1)
		s := domain.NewService(MustMemoryStore(t), func() time.Time { return now })
		s.People = testsupport.People()
		lambar := testsupport.Operator("18.04")
		_, id := must2(t)(s.ScheduleBimtek(ctx, domain.ScheduleBimtekCommand{CommandMeta: meta(lambar), Plan: plan()}))
		who := domain.Participant{Name: "Siti", NIP: "198001012005012001", Unit: "Dinas Kesehatan", Role: "pamong inovasi"}
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
		_, err := s.UpdateRegionProfile(ctx, domain.UpdateRegionProfileCommand{CommandMeta: meta(testsupport.Coordinator), Region: "64.03", Perbatasan: &yes})
		wantCode(t, err, domain.CodeForbidden)
		check(s.UpdateRegionProfile(ctx, domain.UpdateRegionProfileCommand{CommandMeta: meta(testsupport.Admin), Region: "64.03", Perbatasan: &yes,
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
