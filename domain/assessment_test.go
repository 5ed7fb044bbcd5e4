package domain_test

import (
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
)

func MustPeriod(tb testing.TB, phase domain.Phase) *domain.Period {
	tb.Helper()
	pd, err := domain.OpenPeriod(2025, "iid-2025.1", testsupport.Schedule2025())
	if err != nil {
		tb.Fatal(err)
	}
	for pd.Phase() != phase {
		if err := pd.Advance(domain.Phases()[indexOf(pd.Phase())+1], testsupport.Day("2025-09-01")); err != nil {
			tb.Fatal(err)
		}
	}
	return pd
}

func indexOf(p domain.Phase) int {
	for i, q := range domain.Phases() {
		if q == p {
			return i
		}
	}
	return -1
}

var evidence = domain.Evidence{DocumentRef: "Perbup 39/2024"}

func MustAssessment(tb testing.TB) *domain.Assessment {
	tb.Helper()
	a, err := domain.RebuildAssessment(2025, "18.01", nil)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func TestPeriod(t *testing.T) {
	t.Run("opens in penjaringan and closes at its end", func(t *testing.T) {
		pd := MustPeriod(t, domain.PhasePenjaringan)
		if pd.ClosesAt() != testsupport.Day("2025-08-23") || pd.Frozen() {
			t.Fatalf("got %+v", pd.View())
		}
	})
	t.Run("lists every schedule problem at once", func(t *testing.T) {
		s := testsupport.Schedule2025()
		s[1], s[2] = s[2], s[1]
		s[0].End = testsupport.Day("2025-06-01")
		_, err := domain.OpenPeriod(2025, "iid-2024.1", s)
		wantCode(t, err, domain.CodeInvalid)
		if n := len(err.(*domain.Error).Problems); n < 4 {
			t.Fatalf("got %d problems: %v", n, err)
		}
	})
	t.Run("moves forward one phase at a time and freezes at pleno", func(t *testing.T) {
		pd := MustPeriod(t, domain.PhasePengukuran)
		wantCode(t, pd.Advance(domain.PhasePleno, testsupport.Day("2025-10-01")), domain.CodeIllegalTransition)
		wantCode(t, pd.Advance(domain.PhasePenjaringan, testsupport.Day("2025-10-01")), domain.CodeIllegalTransition)
		if MustPeriod(t, domain.PhaseValidasiLapangan).Frozen() || !MustPeriod(t, domain.PhasePleno).Frozen() {
			t.Fatal("frozen at the wrong phase")
		}
		wantCode(t, MustPeriod(t, domain.PhasePublished).Advance("x", testsupport.Day("2025-12-10")), domain.CodeIllegalTransition)
	})
}

func TestAssessment(t *testing.T) {
	inn := MustInnovation(t, domain.StageImplementation)
	t.Run("takes SPD and SID answers during penjaringan", func(t *testing.T) {
		a := MustAssessment(t)
		pd := MustPeriod(t, domain.PhasePenjaringan)
		if err := a.SubmitAnswer(pd, domain.Submission{Indicator: "1", Option: 3, Evidence: evidence, SubmittedBy: "op"}); err != nil {
			t.Fatal(err)
		}
		if err := a.SubmitAnswer(pd, domain.Submission{Indicator: "16", Innovation: inn, Option: 2, Evidence: evidence, SubmittedBy: "op"}); err != nil {
			t.Fatal(err)
		}
		if err := a.SubmitAnswer(pd, domain.Submission{Indicator: "1", Option: 2, Evidence: evidence, SubmittedBy: "op"}); err != nil {
			t.Fatal(err)
		}
		types := []string{}
		for _, e := range a.Changes() {
			types = append(types, e.EventType())
		}
		if len(types) != 4 || types[0] != "assessment.started" {
			t.Fatalf("got %v", types)
		}
		if v, _ := a.Answer(domain.AnswerKey{Indicator: "1"}); v.Claimed != 2 || v.Revision != 2 || v.Status != domain.AnswerPending {
			t.Fatalf("got %+v", v)
		}
	})
	t.Run("lists every problem of an answer at once", func(t *testing.T) {
		err := MustAssessment(t).SubmitAnswer(MustPeriod(t, domain.PhasePenjaringan), domain.Submission{Indicator: "16", Option: 4, Evidence: domain.Evidence{Link: "ftp://x"}, SubmittedBy: "op"})
		wantCode(t, err, domain.CodeInvalid)
		if n := len(err.(*domain.Error).Problems); n != 3 {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("refuses hand answers to derived indicators", func(t *testing.T) {
		for _, code := range []string{"20", "31", "32"} {
			err := MustAssessment(t).SubmitAnswer(MustPeriod(t, domain.PhasePenjaringan), domain.Submission{Indicator: code, Innovation: inn, Option: 3, Evidence: evidence, SubmittedBy: "op"})
			wantCode(t, err, domain.CodeInvalid)
		}
	})
	t.Run("refuses answers for another region's innovation", func(t *testing.T) {
		a, _ := domain.RebuildAssessment(2025, "18.04", nil)
		wantCode(t, a.SubmitAnswer(MustPeriod(t, domain.PhasePenjaringan), domain.Submission{Indicator: "16", Innovation: inn, Option: 3, Evidence: evidence, SubmittedBy: "op"}), domain.CodeOutOfScope)
	})
	t.Run("changes answers only in penjaringan", func(t *testing.T) {
		wantCode(t, MustAssessment(t).SubmitAnswer(MustPeriod(t, domain.PhasePengukuran), domain.Submission{Indicator: "1", Option: 3, Evidence: evidence, SubmittedBy: "op"}), domain.CodePhaseClosed)
	})
	submitted := func(t *testing.T) *domain.Assessment {
		a := MustAssessment(t)
		pd := MustPeriod(t, domain.PhasePenjaringan)
		for _, code := range []string{"6", "8", "14"} {
			if err := a.SubmitAnswer(pd, domain.Submission{Indicator: code, Option: 3, Evidence: evidence, SubmittedBy: "op"}); err != nil {
				t.Fatal(err)
			}
		}
		return a
	}
	verify := func(a *domain.Assessment, pd *domain.Period, code string, d domain.Decision, option int, by string) error {
		return a.VerifyAnswer(pd, domain.Verification{Key: domain.AnswerKey{Indicator: code}, Decision: d, Option: option, Reason: "cek bukti", VerifiedBy: by})
	}
	t.Run("accepts, lowers and rejects in pengukuran", func(t *testing.T) {
		a := submitted(t)
		pd := MustPeriod(t, domain.PhasePengukuran)
		for _, err := range []error{verify(a, pd, "8", domain.DecisionAccept, 0, "v"), verify(a, pd, "6", domain.DecisionLower, 2, "v"), verify(a, pd, "14", domain.DecisionReject, 0, "v")} {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := map[string]int{}
		for _, v := range a.View().Answers {
			got[v.Indicator] = v.Verified
		}
		if got["8"] != 3 || got["6"] != 2 || got["14"] != 0 {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("only lowers to a smaller option and always needs a reason", func(t *testing.T) {
		a := submitted(t)
		pd := MustPeriod(t, domain.PhasePengukuran)
		wantCode(t, verify(a, pd, "6", domain.DecisionLower, 3, "v"), domain.CodeInvalid)
		err := a.VerifyAnswer(pd, domain.Verification{Key: domain.AnswerKey{Indicator: "8"}, Decision: domain.DecisionAccept, VerifiedBy: "v"})
		wantCode(t, err, domain.CodeInvalid)
	})
	t.Run("refuses verification outside pengukuran", func(t *testing.T) {
		a := submitted(t)
		wantCode(t, verify(a, MustPeriod(t, domain.PhasePenjaringan), "8", domain.DecisionAccept, 0, "v"), domain.CodePhaseClosed)
		wantCode(t, verify(a, MustPeriod(t, domain.PhasePleno), "8", domain.DecisionAccept, 0, "v"), domain.CodePhaseClosed)
	})
	t.Run("does not let a verifier verify their own submission", func(t *testing.T) {
		wantCode(t, verify(submitted(t), MustPeriod(t, domain.PhasePengukuran), "8", domain.DecisionAccept, 0, "op"), domain.CodeFourEyes)
	})
	t.Run("lets a rejected answer be resubmitted in pengukuran and accepted", func(t *testing.T) {
		a := submitted(t)
		pd := MustPeriod(t, domain.PhasePengukuran)
		if err := verify(a, pd, "14", domain.DecisionReject, 0, "v"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, a.SubmitAnswer(pd, domain.Submission{Indicator: "8", Option: 2, Evidence: evidence, SubmittedBy: "op"}), domain.CodePhaseClosed)
		if err := a.SubmitAnswer(pd, domain.Submission{Indicator: "14", Option: 2, Evidence: evidence, SubmittedBy: "op"}); err != nil {
			t.Fatal(err)
		}
		if err := verify(a, pd, "14", domain.DecisionAccept, 0, "v"); err != nil {
			t.Fatal(err)
		}
		if v, _ := a.Answer(domain.AnswerKey{Indicator: "14"}); v.Verified != 2 || v.Revision != 2 {
			t.Fatalf("got %+v", v)
		}
	})
	t.Run("rejects a whole innovation for the year, once, in pengukuran", func(t *testing.T) {
		a := MustAssessment(t)
		wantCode(t, a.RejectInnovation(MustPeriod(t, domain.PhasePenjaringan), inn, "bukan inovasi", "v"), domain.CodePhaseClosed)
		pd := MustPeriod(t, domain.PhasePengukuran)
		wantCode(t, a.RejectInnovation(pd, inn, "", "v"), domain.CodeInvalid)
		if err := a.RejectInnovation(pd, inn, "bukan inovasi", "v"); err != nil {
			t.Fatal(err)
		}
		n := len(a.Changes())
		if err := a.RejectInnovation(pd, inn, "bukan inovasi", "v"); err != nil || len(a.Changes()) != n {
			t.Fatal("rejected twice")
		}
		if a.View().Rejected[inn.ID()] != "bukan inovasi" {
			t.Fatalf("got %+v", a.View())
		}
	})
	t.Run("is rebuilt from its events to the same state", func(t *testing.T) {
		a := submitted(t)
		again, err := domain.RebuildAssessment(2025, "18.01", a.Changes())
		if err != nil {
			t.Fatal(err)
		}
		if len(again.View().Answers) != 3 || again.View().CatalogueVersion != "iid-2025.1" {
			t.Fatalf("got %+v", again.View())
		}
	})
}
