package domain_test

import (
	"slices"
	"testing"

	"github.com/jejak-id/jejak/domain"
)

// withAnswer returns in with one answer verified at parameter k.
func withAnswer(in domain.ScoreInput, innovation, code string, k int) domain.ScoreInput {
	set := func(list []domain.AnswerInput) []domain.AnswerInput {
		list = slices.Clone(list)
		a := accepted(code, k)
		if i := slices.IndexFunc(list, func(x domain.AnswerInput) bool { return x.Indicator == code }); i >= 0 {
			list[i] = a
		} else {
			list = append(list, a)
		}
		return list
	}
	in.Innovations = slices.Clone(in.Innovations)
	if innovation == "" {
		in.SPD = set(in.SPD)
		return in
	}
	for i := range in.Innovations {
		if in.Innovations[i].ID == innovation {
			in.Innovations[i].Answers = set(in.Innovations[i].Answers)
		}
	}
	return in
}

func TestSimulate(t *testing.T) {
	c := MustCatalogue(t, 2025)
	in := workedExample()
	score, err := domain.Score(c, in)
	if err != nil {
		t.Fatal(err)
	}
	find := func(sim domain.Simulation, innovation, code string) (domain.Suggestion, bool) {
		i := slices.IndexFunc(sim.Suggestions, func(s domain.Suggestion) bool { return s.InnovationID == innovation && s.Indicator == code })
		if i < 0 {
			return domain.Suggestion{}, false
		}
		return sim.Suggestions[i], true
	}

	t.Run("every option's IID is the score with that answer verified", func(t *testing.T) {
		for _, phase := range []domain.Phase{domain.PhasePenjaringan, domain.PhasePengukuran} {
			sim, err := domain.Simulate(c, in, phase)
			if err != nil {
				t.Fatal(err)
			}
			if sim.Current.IID != score.Verified.IID || sim.Provisional.IID != score.Provisional.IID {
				t.Fatalf("%s: current %s provisional %s, want %s %s", phase, sim.Current.IID, sim.Provisional.IID, score.Verified.IID, score.Provisional.IID)
			}
			best := in
			for i, sg := range sim.Suggestions {
				if i > 0 && sg.Best().Gain > sim.Suggestions[i-1].Best().Gain {
					t.Errorf("%s: suggestion %d (%s) ranks below a smaller gain", phase, i, sg.Indicator)
				}
				for _, o := range sg.Options {
					res, err := domain.Score(c, withAnswer(in, sg.InnovationID, sg.Indicator, o.Parameter))
					if err != nil {
						t.Fatal(err)
					}
					if res.Verified.IID != o.IID || o.Gain != o.IID-sim.Current.IID || res.Verified.Predicate != o.Predicate {
						t.Errorf("%s: %s%s at %d: simulated %s (%s), scored %s (%s)", phase, sg.InnovationID, sg.Indicator, o.Parameter,
							o.IID, o.Predicate, res.Verified.IID, res.Verified.Predicate)
					}
				}
				best = withAnswer(best, sg.InnovationID, sg.Indicator, sg.Best().Parameter)
			}
			res, err := domain.Score(c, best)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verified.IID != sim.BestCase.IID {
				t.Errorf("%s: best case %s, scored %s", phase, sim.BestCase.IID, res.Verified.IID)
			}
		}
	})

	t.Run("follows what each phase lets change", func(t *testing.T) {
		open, _ := domain.Simulate(c, in, domain.PhasePenjaringan)
		verifying, _ := domain.Simulate(c, in, domain.PhasePengukuran)
		if sg, ok := find(open, "", "10a"); !ok || sg.Action != domain.SimulateSubmit || len(sg.Options) != 3 {
			t.Errorf("penjaringan: unanswered SPD 10a = %+v, %v; want submit at 1, 2, 3", sg, ok)
		}
		if _, ok := find(verifying, "", "10a"); ok {
			t.Error("pengukuran: an unanswered indicator can no longer be answered")
		}
		if sg, ok := find(verifying, "", "6"); !ok || sg.Action != domain.SimulateVerify || len(sg.Options) != 1 || sg.Best().Parameter != 3 {
			t.Errorf("pengukuran: SPD 6 lowered from 3 to 2 = %+v; want verify at 3", sg)
		}
		if sg, ok := find(verifying, "", "12"); !ok || sg.Best().Parameter != 1 {
			t.Errorf("pengukuran: SPD 12 pending at 1 = %+v; want verify at 1", sg)
		}
		if sg, ok := find(verifying, "", "14"); !ok || sg.Action != domain.SimulateResubmit || len(sg.Options) != 3 {
			t.Errorf("pengukuran: SPD 14 rejected = %+v; want resubmit at 1, 2, 3", sg)
		}
		if _, ok := find(verifying, "", "1"); ok {
			t.Error("pengukuran: an accepted answer cannot change")
		}
		for _, sg := range open.Suggestions {
			if sg.InnovationID != "" && sg.InnovationID != "A" && sg.InnovationID != "B" {
				t.Errorf("suggestion for innovation %s, which does not count", sg.InnovationID)
			}
			if ind, _ := c.Indicator(sg.Indicator); ind.IsDerived() {
				t.Errorf("suggestion for derived indicator %s", sg.Indicator)
			}
		}
		if len(verifying.Rejections) != 2 || verifying.Rejections[0].InnovationID != "A" || verifying.Rejections[0].Gain >= 0 {
			t.Errorf("rejections = %+v; want A and B, each lowering the IID", verifying.Rejections)
		}
		for _, phase := range []domain.Phase{domain.PhasePresentasi, domain.PhasePleno, domain.PhasePublished} {
			sim, _ := domain.Simulate(c, in, phase)
			if len(sim.Suggestions) != 0 || len(sim.Rejections) != 0 || sim.BestCase.IID != sim.Current.IID {
				t.Errorf("%s: %d suggestions, best case %s; want none", phase, len(sim.Suggestions), sim.BestCase.IID)
			}
		}
	})
}
