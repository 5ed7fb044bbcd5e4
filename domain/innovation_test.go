package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
)

func details() domain.InnovationDetails {
	return domain.InnovationDetails{Name: "SI-IDA", Unit: "Brida", Initiator: domain.InitiatorOPD, Form: domain.FormTataKelola,
		Digital: true, Affair: domain.AffairPenunjang, Problem: "data inovasi tersebar", Solution: "aplikasi SI-IDA", Benefit: "data satu pintu"}
}

func MustInnovation(tb testing.TB, stage domain.Stage) *domain.Innovation {
	tb.Helper()
	in, err := domain.ProposeInnovation("inn-1", "18.01", details(), testsupport.Day("2022-01-10"), domain.InnovationOrigin{})
	if err != nil {
		tb.Fatal(err)
	}
	steps := []func() error{
		func() error { return in.StartTrial(testsupport.Day("2022-03-01")) },
		func() error { return in.StartImplementation(testsupport.Day("2022-09-01")) },
		func() error { return in.RecordReplication("18.04", "inn-2", testsupport.Day("2023-02-01")) },
	}
	for i, st := range []domain.Stage{domain.StageTrial, domain.StageImplementation, domain.StageReplication} {
		if stage == domain.StageProposed || (stage == domain.StageWithdrawn && i > 0) {
			break
		}
		if err := steps[i](); err != nil {
			tb.Fatal(err)
		}
		if st == stage {
			break
		}
	}
	if stage == domain.StageWithdrawn {
		if err := in.Withdraw("tidak dilanjutkan", testsupport.Day("2022-04-01")); err != nil {
			tb.Fatal(err)
		}
	}
	return in
}

func wantCode(tb testing.TB, err error, code domain.Code) {
	tb.Helper()
	if !domain.IsCode(err, code) {
		tb.Fatalf("want %s, got %v", code, err)
	}
}

func TestInnovationLifeCycle(t *testing.T) {
	t.Run("is proposed in inisiatif with an InnovationProposed event", func(t *testing.T) {
		in := MustInnovation(t, domain.StageProposed)
		if in.Stage() != domain.StageProposed || len(in.Changes()) != 1 || in.Changes()[0].EventType() != "innovation.proposed" {
			t.Fatalf("stage %s changes %v", in.Stage(), in.Changes())
		}
	})
	t.Run("lists every invalid attribute at once", func(t *testing.T) {
		_, err := domain.ProposeInnovation("x", "31.71", domain.InnovationDetails{Initiator: "bupati", Form: "x", Affair: "y"}, time.Time{}, domain.InnovationOrigin{})
		wantCode(t, err, domain.CodeInvalid)
		fields := map[string]bool{}
		for _, p := range err.(*domain.Error).Problems {
			fields[p.Field] = true
		}
		for _, f := range []string{"region", "name", "unit", "initiator", "form", "affair", "problem", "solution", "benefit", "proposed_on"} {
			if !fields[f] {
				t.Errorf("no problem for %s in %v", f, err)
			}
		}
	})
	t.Run("moves through trial, implementation and replication", func(t *testing.T) {
		in := MustInnovation(t, domain.StageReplication)
		v := in.View()
		if v.Stage != domain.StageReplication || len(v.Replications) != 1 || v.ImplementationStartedOn != testsupport.Day("2022-09-01") {
			t.Fatalf("got %+v", v)
		}
	})
	t.Run("rejects implementation before trial, saying what is allowed next", func(t *testing.T) {
		in := MustInnovation(t, domain.StageProposed)
		err := in.StartImplementation(testsupport.Day("2022-05-01"))
		wantCode(t, err, domain.CodeIllegalTransition)
		if !strings.Contains(err.Error(), "start the trial") {
			t.Fatalf("message does not say what is next: %v", err)
		}
	})
	t.Run("rejects a second trial", func(t *testing.T) {
		wantCode(t, MustInnovation(t, domain.StageTrial).StartTrial(testsupport.Day("2022-05-01")), domain.CodeIllegalTransition)
	})
	t.Run("rejects replication before implementation", func(t *testing.T) {
		wantCode(t, MustInnovation(t, domain.StageTrial).RecordReplication("18.04", "x", testsupport.Day("2022-05-01")), domain.CodeIllegalTransition)
	})
	t.Run("never lets stage dates go backwards", func(t *testing.T) {
		wantCode(t, MustInnovation(t, domain.StageProposed).StartTrial(testsupport.Day("2021-12-31")), domain.CodeInvalid)
		wantCode(t, MustInnovation(t, domain.StageTrial).StartImplementation(testsupport.Day("2022-02-01")), domain.CodeInvalid)
		wantCode(t, MustInnovation(t, domain.StageImplementation).Withdraw("x", testsupport.Day("2022-08-01")), domain.CodeInvalid)
	})
	t.Run("does not let a region replicate its own innovation or replicate twice", func(t *testing.T) {
		in := MustInnovation(t, domain.StageReplication)
		wantCode(t, in.RecordReplication("18.01", "y", testsupport.Day("2023-03-01")), domain.CodeInvalid)
		wantCode(t, in.RecordReplication("18.04", "y", testsupport.Day("2023-03-01")), domain.CodeDuplicate)
	})
	t.Run("records the same replication once (idempotent retries)", func(t *testing.T) {
		in := MustInnovation(t, domain.StageReplication)
		n := len(in.Changes())
		if err := in.RecordReplication("18.04", "inn-2", testsupport.Day("2023-02-01")); err != nil || len(in.Changes()) != n {
			t.Fatalf("err %v, %d changes", err, len(in.Changes()))
		}
	})
	t.Run("withdraws at any stage with a reason, and nothing follows", func(t *testing.T) {
		for _, st := range []domain.Stage{domain.StageProposed, domain.StageTrial, domain.StageImplementation, domain.StageReplication} {
			in := MustInnovation(t, st)
			wantCode(t, in.Withdraw(" ", testsupport.Day("2024-01-01")), domain.CodeInvalid)
			if err := in.Withdraw("anggaran dihentikan", testsupport.Day("2024-01-01")); err != nil {
				t.Fatal(err)
			}
			if v := in.View(); v.Stage != domain.StageWithdrawn || v.WithdrawnFrom != st {
				t.Fatalf("got %+v", v)
			}
			wantCode(t, in.StartTrial(testsupport.Day("2024-02-01")), domain.CodeIllegalTransition)
			wantCode(t, in.Withdraw("again", testsupport.Day("2024-02-01")), domain.CodeIllegalTransition)
		}
	})
	t.Run("is rebuilt from its events to the same state", func(t *testing.T) {
		in := MustInnovation(t, domain.StageReplication)
		again, err := domain.RebuildInnovation("inn-1", in.Changes())
		if err != nil {
			t.Fatal(err)
		}
		want := in.View()
		got := again.View()
		if got.Version != uint64(len(in.Changes())) || got.Stage != want.Stage || got.ImplementationStartedOn != want.ImplementationStartedOn || len(got.Replications) != 1 {
			t.Fatalf("got %+v want %+v", got, want)
		}
	})
	t.Run("does not exist without history", func(t *testing.T) {
		_, err := domain.RebuildInnovation("nope", nil)
		wantCode(t, err, domain.CodeNotFound)
	})
}

func TestEventSpecs(t *testing.T) {
	t.Run("lists every event once at the current schema version with dotted names", func(t *testing.T) {
		seen := map[string]bool{}
		for _, s := range domain.EventSpecs() {
			want := domain.EventSchemaVersion
			if s.Type == "bimtek.attendance_recorded" {
				want = 3 // personal fields sealed (issue 20)
			}
			if s.Version != want || seen[s.Type] || !strings.Contains(s.Type, ".") || s.New().EventType() != s.Type {
				t.Errorf("bad spec %+v", s)
			}
			seen[s.Type] = true
		}
		for _, want := range []string{"innovation.proposed", "innovation.trial_started", "assessment.answer_submitted", "assessment.answer_verified", "bimtek.attendance_recorded", "person.erased"} {
			if !seen[want] {
				t.Errorf("missing %s", want)
			}
		}
	})
}
