package domain_test

import (
	"context"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
)

func TestDecide(t *testing.T) {
	ctx := context.Background()
	t.Run("decides without a store, with the ids the service derives", func(t *testing.T) {
		s, _ := MustService(t)
		cmd := domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.01", Details: details(), On: testsupport.Day("2022-01-10")}
		in, err := cmd.Decide(testsupport.Day("2025-07-01"))
		if err != nil {
			t.Fatal(err)
		}
		_, id := must2(t)(s.ProposeInnovation(ctx, cmd))
		if in.ID() != cmd.InnovationID() || id != cmd.InnovationID() || len(in.Changes()) != 1 {
			t.Fatalf("decided %s (%d changes), service created %s, command derives %s", in.ID(), len(in.Changes()), id, cmd.InnovationID())
		}
	})
	t.Run("checks dates against the today it is given", func(t *testing.T) {
		cmd := domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.01", Details: details(), On: testsupport.Day("2025-07-02")}
		_, err := cmd.Decide(testsupport.Day("2025-07-01"))
		wantCode(t, err, domain.CodeInvalid)
		if _, err := cmd.Decide(testsupport.Day("2025-07-02")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("authorises inside Decide", func(t *testing.T) {
		in := MustInnovation(t, domain.StageProposed)
		stage := domain.StageCommand{CommandMeta: meta(testsupport.Operator("18.04")), InnovationID: in.ID(), On: testsupport.Day("2022-03-01")}
		wantCode(t, stage.DecideTrial(in, testsupport.Day("2025-07-01")), domain.CodeOutOfScope)
		if len(in.Changes()) != 1 {
			t.Fatalf("a refused decision recorded %d changes", len(in.Changes()))
		}
	})
	t.Run("derives a replication's ids from its command id", func(t *testing.T) {
		a := domain.RecordReplicationCommand{CommandMeta: meta(operator)}
		b := domain.RecordReplicationCommand{CommandMeta: a.CommandMeta}
		if a.AdopterInnovationID() != b.AdopterInnovationID() || a.AdopterCommandID() != b.AdopterCommandID() ||
			a.AdopterCommandID() == a.CommandID || a.AdopterInnovationID() == a.AdopterCommandID().String() {
			t.Fatalf("ids %s %s of command %s", a.AdopterInnovationID(), a.AdopterCommandID(), a.CommandID)
		}
	})
}

func TestListCommands(t *testing.T) {
	ctx := context.Background()
	t.Run("submit and verify several answers as one commit, all or none", func(t *testing.T) {
		s, _ := MustService(t)
		check(s.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: meta(testsupport.Coordinator), Year: 2025, CatalogueVersion: "iid-2025.1", Schedule: testsupport.Schedule2025()}))(t)
		bad := domain.SubmitAnswersCommand{CommandMeta: meta(operator), Year: 2025, Region: "18.01", Answers: []domain.AnswerChoice{
			{Indicator: "8", Option: 3, Evidence: evidence}, {Indicator: "9", Option: 7, Evidence: evidence}}}
		_, err := s.SubmitAnswers(ctx, bad)
		wantCode(t, err, domain.CodeInvalid)
		if a := check(s.Assessment(ctx, 2025, "18.01"))(t); a.Version != 0 {
			t.Fatalf("a refused list left version %d", a.Version)
		}
		good := domain.SubmitAnswersCommand{CommandMeta: meta(operator), Year: 2025, Region: "18.01", Answers: []domain.AnswerChoice{
			{Indicator: "8", Option: 3, Evidence: evidence}, {Indicator: "9", Option: 2, Evidence: evidence}}}
		res := check(s.SubmitAnswers(ctx, good))(t)
		if res.Version != 3 || len(res.EventIDs) != 3 { // started, two answers
			t.Fatalf("got %+v", res)
		}
		if again := check(s.SubmitAnswers(ctx, good))(t); !again.Duplicate || again.Position != res.Position {
			t.Fatalf("retry gave %+v", again)
		}
		check(s.AdvancePhase(ctx, domain.AdvancePhaseCommand{CommandMeta: meta(testsupport.Coordinator), Year: 2025, To: domain.PhasePengukuran}))(t)
		verify := domain.VerifyAnswersCommand{CommandMeta: meta(testsupport.Verifier), Year: 2025, Region: "18.01", Decisions: []domain.AnswerDecision{
			{Indicator: "8", Decision: domain.DecisionAccept, Reason: "sesuai"}, {Indicator: "9", Decision: domain.DecisionLower, Option: 1, Reason: "kurang"}}}
		if res := check(s.VerifyAnswers(ctx, verify))(t); res.Version != 5 || len(res.EventIDs) != 2 {
			t.Fatalf("got %+v", res)
		}
		a := check(s.Assessment(ctx, 2025, "18.01"))(t)
		if a.Answers[0].Status != domain.AnswerAccepted || a.Answers[1].Status != domain.AnswerLowered || a.Answers[1].Verified != 1 {
			t.Fatalf("got %+v", a.Answers)
		}
	})
	t.Run("record an attendance list as one commit, all or none", func(t *testing.T) {
		s := domain.NewService(MustMemoryStore(t), func() time.Time { return plan().Date })
		s.People = testsupport.People()
		lambar := testsupport.Operator("18.04")
		_, id := must2(t)(s.ScheduleBimtek(ctx, domain.ScheduleBimtekCommand{CommandMeta: meta(lambar), Plan: plan()}))
		siti := domain.Participant{Name: "Siti", NIP: "198001012005012001", Unit: "Dinas Kesehatan", Role: "pamong inovasi"}
		budi := domain.Participant{Name: "Budi", NIP: "198102022006021002", Unit: "Bappeda", Role: "ASN"}
		_, err := s.RecordAttendanceList(ctx, domain.RecordAttendanceListCommand{CommandMeta: meta(lambar), SessionID: id,
			Participants: []domain.Participant{siti, budi, siti}})
		wantCode(t, err, domain.CodeDuplicate)
		res := check(s.RecordAttendanceList(ctx, domain.RecordAttendanceListCommand{CommandMeta: meta(lambar), SessionID: id,
			Participants: []domain.Participant{siti, budi}}))(t)
		if res.Version != 3 || len(res.EventIDs) != 2 {
			t.Fatalf("got %+v", res)
		}
	})
}
