package domain_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
)

// InnovationPoints is ScoreInnovation's numbers, on the worked example and
// on random innovations (stages, dates around the windows, answers of every
// status, repeated sessions and replications, earlier counted years).
func TestInnovationPointsAreScoreInnovations(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	for _, year := range []int{2024, 2025} {
		c := MustCatalogue(t, year)
		in := workedExample()
		in.Year, in.ClosesAt = year, testsupport.Day(fmt.Sprintf("%d-08-23", year))
		inns := in.Innovations
		day := func() time.Time { return in.ClosesAt.AddDate(0, 0, rng.IntN(1400)-1200) }
		facts := func() []domain.DatedFact {
			var out []domain.DatedFact
			for range rng.IntN(6) {
				out = append(out, fact(fmt.Sprint("r", rng.IntN(4)), day()))
			}
			return out
		}
		stages := []domain.Stage{domain.StageProposed, domain.StageTrial, domain.StageImplementation, domain.StageReplication, domain.StageWithdrawn}
		statuses := []domain.AnswerStatus{domain.AnswerPending, domain.AnswerAccepted, domain.AnswerLowered, domain.AnswerRejected}
		for i := range 2000 {
			inn := domain.InnovationInput{ID: fmt.Sprint("R", i), Unit: "Dinas", Stage: stages[rng.IntN(len(stages))], ProposedOn: day()}
			if rng.IntN(4) > 0 {
				inn.TrialStartedOn = inn.ProposedOn.AddDate(0, rng.IntN(30), rng.IntN(30))
			}
			if rng.IntN(4) > 0 {
				inn.ImplementationStartedOn = day()
			}
			inn.RejectedForYear = rng.IntN(8) == 0
			for range rng.IntN(4) {
				inn.CountedYears = append(inn.CountedYears, year-3+rng.IntN(4))
			}
			for _, ind := range c.IndicatorsOf(domain.AspectSID) {
				if ind.IsDerived() || rng.IntN(3) == 0 {
					continue
				}
				claimed := 1 + rng.IntN(3)
				switch st := statuses[rng.IntN(len(statuses))]; st {
				case domain.AnswerLowered:
					if claimed > 1 {
						inn.Answers = append(inn.Answers, ans(ind.Code, claimed, st, 1+rng.IntN(claimed-1)))
					}
				case domain.AnswerAccepted:
					inn.Answers = append(inn.Answers, accepted(ind.Code, claimed))
				default:
					inn.Answers = append(inn.Answers, ans(ind.Code, claimed, st, 0))
				}
			}
			inn.BimtekSessions, inn.Replications = facts(), facts()
			inns = append(inns, inn)
		}
		counted := 0
		for _, inn := range inns {
			want, err := domain.ScoreInnovation(c, in, inn)
			if err != nil {
				t.Fatal(err)
			}
			ok, points, provisional, err := domain.InnovationPoints(c, in, inn)
			if err != nil {
				t.Fatal(err)
			}
			if ok != want.Counted || points != want.Points || provisional != want.ProvisionalPoints {
				t.Fatalf("%d, %s: counted %v, points %s, provisional %s; ScoreInnovation says %v (%s), %s, %s",
					year, inn.ID, ok, points, provisional, want.Counted, want.Reason, want.Points, want.ProvisionalPoints)
			}
			if ok {
				counted++
			}
		}
		if counted < 50 || counted > len(inns)-50 {
			t.Errorf("%d: %d of %d innovations counted: the inputs test little", year, counted, len(inns))
		}
	}
	c := MustCatalogue(t, 2025)
	var sid string // an answerable SID indicator
	for _, ind := range c.IndicatorsOf(domain.AspectSID) {
		if !ind.IsDerived() {
			sid = ind.Code
			break
		}
	}
	for name, answers := range map[string][]domain.AnswerInput{
		"an SPD indicator":    {accepted("1", 2)},
		"answered twice":      {accepted(sid, 2), ans(sid, 3, domain.AnswerPending, 0)},
		"a bad claim":         {ans(sid, 4, domain.AnswerPending, 0)},
		"a raised lowering":   {ans(sid, 2, domain.AnswerLowered, 3)},
		"an unknown status":   {ans(sid, 2, "approved", 2)},
		"an unknown code":     {accepted("no-such-indicator", 2)},
		"two wrongs, in turn": {accepted(sid, 2), accepted("1", 2), accepted(sid, 2)},
	} {
		bad := domain.InnovationInput{ID: "X", Answers: answers}
		_, errScore := domain.ScoreInnovation(c, workedExample(), bad)
		_, _, _, errPoints := domain.InnovationPoints(c, workedExample(), bad)
		_, _, errAnswered := domain.InnovationAnswered(c, bad.ID, bad.Answers)
		if errScore == nil || errPoints == nil || errAnswered == nil || errScore.Error() != errPoints.Error() || errScore.Error() != errAnswered.Error() {
			t.Errorf("%s: InnovationPoints says %v, InnovationAnswered %v; ScoreInnovation says %v", name, errPoints, errAnswered, errScore)
		}
	}
}
