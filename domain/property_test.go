package domain_test

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
)

// TestRandomCommands drives aggregates with random commands (fixed seeds):
// whatever is accepted leaves a valid state, and rebuilding from the events
// gives the same state.
func TestRandomCommands(t *testing.T) {
	order := map[domain.Stage]int{domain.StageProposed: 0, domain.StageTrial: 1, domain.StageImplementation: 2, domain.StageReplication: 3}
	regions := []string{"18.04", "35.08", "64.03", "31.71"}
	for seed := uint64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		date := func() time.Time { return testsupport.Day("2021-01-01").AddDate(0, 0, rng.IntN(1500)) }
		in, err := domain.ProposeInnovation("inn", "18.01", details(), date(), domain.InnovationOrigin{})
		if err != nil {
			t.Fatal(err)
		}
		prev := in.View()
		for step := 0; step < 12; step++ {
			switch rng.IntN(4) {
			case 0:
				err = in.StartTrial(date())
			case 1:
				err = in.StartImplementation(date())
			case 2:
				err = in.RecordReplication(regions[rng.IntN(len(regions))], "adopter-"+string(rune('a'+rng.IntN(3))), date())
			case 3:
				if rng.IntN(4) == 0 {
					err = in.Withdraw("alasan", date())
				}
			}
			v := in.View()
			if err != nil && !reflect.DeepEqual(v, prev) {
				t.Fatalf("seed %d: a refused command changed the state", seed)
			}
			if err == nil && v.Stage != domain.StageWithdrawn && prev.Stage != domain.StageWithdrawn && order[v.Stage] < order[prev.Stage] {
				t.Fatalf("seed %d: stage went back from %s to %s", seed, prev.Stage, v.Stage)
			}
			dates := []time.Time{v.ProposedOn, v.TrialStartedOn, v.ImplementationStartedOn}
			for i := 1; i < len(dates); i++ {
				if !dates[i].IsZero() && dates[i].Before(dates[i-1]) {
					t.Fatalf("seed %d: stage dates go backwards: %v", seed, dates)
				}
			}
			for _, r := range v.Replications {
				if r.AdopterRegion == "18.01" || r.AdopterRegion == "31.71" || r.On.Before(v.ImplementationStartedOn) {
					t.Fatalf("seed %d: invalid replication %+v", seed, r)
				}
			}
			prev = v
		}
		again, err := domain.RebuildInnovation("inn", in.Changes())
		if err != nil {
			t.Fatal(err)
		}
		if got := again.View(); !reflect.DeepEqual(got, in.View()) {
			t.Fatalf("seed %d: rebuilt %+v, want %+v", seed, got, in.View())
		}
	}
}

func TestRandomAssessment(t *testing.T) {
	inn := MustInnovation(t, domain.StageImplementation)
	codes := []string{"1", "6", "14", "16", "20"}
	for seed := uint64(1); seed <= 100; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		a := MustAssessment(t)
		pd := MustPeriod(t, domain.PhasePenjaringan)
		for step := 0; step < 20; step++ {
			if step == 10 {
				if err := pd.Advance(domain.PhasePengukuran, testsupport.Day("2025-09-01")); err != nil {
					t.Fatal(err)
				}
			}
			code := codes[rng.IntN(len(codes))]
			var in *domain.Innovation
			if code == "16" || code == "20" {
				in = inn
			}
			key := domain.AnswerKey{Indicator: code}
			if in != nil {
				key.InnovationID = in.ID()
			}
			users := []string{"op", "v1", "v2"}
			if rng.IntN(2) == 0 {
				_ = a.SubmitAnswer(pd, domain.Submission{Indicator: code, Innovation: in, Option: rng.IntN(4), Evidence: evidence, SubmittedBy: users[rng.IntN(3)]})
			} else {
				ds := []domain.Decision{domain.DecisionAccept, domain.DecisionLower, domain.DecisionReject}
				_ = a.VerifyAnswer(pd, domain.Verification{Key: key, Decision: ds[rng.IntN(3)], Option: rng.IntN(4), Reason: "r", VerifiedBy: users[rng.IntN(3)]})
			}
		}
		for _, v := range a.View().Answers {
			ok := v.Claimed >= 1 && v.Claimed <= 3 && v.Indicator != "20"
			switch v.Status {
			case domain.AnswerAccepted:
				ok = ok && v.Verified == v.Claimed && v.VerifiedBy != v.SubmittedBy
			case domain.AnswerLowered:
				ok = ok && v.Verified >= 1 && v.Verified < v.Claimed && v.VerifiedBy != v.SubmittedBy
			case domain.AnswerRejected:
				ok = ok && v.Verified == 0
			}
			if !ok {
				t.Fatalf("seed %d: invalid answer %+v", seed, v)
			}
		}
		again, err := domain.RebuildAssessment(2025, "18.01", a.Changes())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again.View(), a.View()) {
			t.Fatalf("seed %d: rebuilt state differs", seed)
		}
	}
}
