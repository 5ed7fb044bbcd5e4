package sampledata

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// choice is one answerable indicator for the option solver.
type choice struct {
	code      string
	weight    int // bobot in solver units
	mandatory bool
}

// answerable lists the hand-answered indicators of an aspect with their
// weights in units of unit points (1000 = whole points, 250 = quarters).
func answerable(c *domain.Catalogue, aspect domain.Aspect, unit domain.Milli) []choice {
	var out []choice
	for _, ind := range c.IndicatorsOf(aspect) {
		if ind.IsDerived() {
			continue
		}
		out = append(out, choice{code: ind.Code, weight: int(ind.Bobot / unit), mandatory: ind.Mandatory})
	}
	return out
}

// pickOptions chooses an option (0 = unanswered, 1..3) per indicator so that
// the sum of weight x option is exactly target, answering every mandatory
// indicator and preferring options near the average level the target needs.
func pickOptions(cs []choice, target int, rnd *rand.Rand) ([]int, error) {
	total := 0
	for _, c := range cs {
		total += c.weight
	}
	// reach[i][s]: indicators i.. can add exactly s.
	reach := make([][]bool, len(cs)+1)
	reach[len(cs)] = make([]bool, 3*total+1)
	reach[len(cs)][0] = true
	for i := len(cs) - 1; i >= 0; i-- {
		reach[i] = make([]bool, 3*total+1)
		for s, ok := range reach[i+1] {
			if !ok {
				continue
			}
			for o := optMin(cs[i]); o <= 3; o++ {
				reach[i][s+o*cs[i].weight] = true
			}
		}
	}
	if target < 0 || target > 3*total || !reach[0][target] {
		return nil, fmt.Errorf("no answers add up to %d", target)
	}
	level := float64(target) / float64(total)
	out := make([]int, len(cs))
	left := target
	for i, c := range cs {
		opts := []int{0, 1, 2, 3}[optMin(c):]
		jitter := rnd.Float64() - 0.5
		slices.SortStableFunc(opts, func(a, b int) int {
			da, db := abs(float64(a)-level-jitter), abs(float64(b)-level-jitter)
			switch {
			case da < db:
				return -1
			case da > db:
				return 1
			}
			return 0
		})
		for _, o := range opts {
			if rest := left - o*c.weight; rest >= 0 && reach[i+1][rest] {
				out[i], left = o, rest
				break
			}
		}
	}
	return out, nil
}

func optMin(c choice) int {
	if c.mandatory {
		return 1
	}
	return 0
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// exactTarget describes the verified result a seed region must reach in a
// year: its SPD points and the sum of its counted innovations' SID points.
type exactTarget struct {
	spd    domain.Milli
	sidSum int
}

// targetFor returns an exact target for an IID (rounded to what the
// integer SID sum allows) with a given SPD and n counted innovations.
func targetFor(iid float64, spd domain.Milli, n int) exactTarget {
	total := iid * 2.5
	sid := (total - float64(spd)/1000 - 0.38*float64(n)) * float64(max(10, n))
	return exactTarget{spd: spd, sidSum: int(sid + 0.5)}
}

// derivedPoints is what indicators 20, 31 and 32 give an innovation in the
// year closing at closes, computed from the plan with the catalogue's rules
// (the projection computes the same from the events).
func derivedPoints(c *domain.Catalogue, in *innovationPlan, sessions []*sessionPlan, closes time.Time) int {
	bobot := func(code string) int {
		ind, _ := c.Indicator(code)
		return int(ind.Bobot / 1000)
	}
	from := closes.AddDate(0, -c.Counting().BimtekWindowMonths, 0)
	attended := 0
	for _, s := range sessions {
		if s.plan.Region != in.region || s.plan.Date.After(closes) || s.plan.Date.Before(from) {
			continue
		}
		for _, p := range s.attendees {
			if domain.SameUnit(p.Unit, in.details.Unit) {
				attended++
				break
			}
		}
	}
	replicated := 0
	for _, r := range in.replicas {
		if !r.proposed.After(closes) {
			replicated++
		}
	}
	points := c.BimtekParameter(attended)*bobot("20") + c.ReplicationParameter(replicated)*bobot("31")
	if !in.trial.IsZero() {
		points += c.CreationSpeedParameter(domain.MonthsBetween(in.proposed, in.trial)) * bobot("32")
	}
	return points
}

// exactAnswers plans SPD and SID answers whose verified points hit t
// exactly for the given counted innovations. Some answers are claimed one
// option higher and lowered by the verifier, and a few unplanned ones are
// claimed and rejected: neither changes the verified total.
func exactAnswers(c *domain.Catalogue, t exactTarget, counted []*innovationPlan, sessions []*sessionPlan,
	closes time.Time, evidence func(code string, option int) domain.Evidence, rnd *rand.Rand) ([]answerPlan, [][]answerPlan, error) {
	spdChoices := answerable(c, domain.AspectSPD, 250)
	spdOpts, err := pickOptions(spdChoices, int(t.spd/250), rnd)
	if err != nil {
		return nil, nil, fmt.Errorf("SPD %s: %w", t.spd, err)
	}
	spd := decorate(spdChoices, spdOpts, evidence, rnd)
	answered := t.sidSum
	for _, in := range counted {
		answered -= derivedPoints(c, in, sessions, closes)
	}
	sidChoices := answerable(c, domain.AspectSID, 1000)
	n := len(counted)
	sid := make([][]answerPlan, n)
	for i := range counted {
		share := answered / n
		if i < answered%n {
			share++
		}
		opts, err := pickOptions(sidChoices, share, rnd)
		if err != nil {
			return nil, nil, fmt.Errorf("SID of %s: %w", counted[i].details.Name, err)
		}
		sid[i] = decorate(sidChoices, opts, evidence, rnd)
	}
	return spd, sid, nil
}

// decorate turns verified options into answers with claims and decisions.
func decorate(cs []choice, opts []int, evidence func(string, int) domain.Evidence, rnd *rand.Rand) []answerPlan {
	var out []answerPlan
	for i, c := range cs {
		o := opts[i]
		switch {
		case o == 0 && rnd.IntN(12) == 0:
			claim := 1 + rnd.IntN(3)
			out = append(out, answerPlan{indicator: c.code, claimed: claim, evidence: evidence(c.code, claim),
				decision: domain.DecisionReject, reason: "Bukti dukung tidak sesuai parameter yang dipilih (data contoh)"})
		case o == 0:
		case o < 3 && rnd.IntN(8) == 0:
			out = append(out, answerPlan{indicator: c.code, claimed: o + 1, evidence: evidence(c.code, o+1),
				decision: domain.DecisionLower, verified: o, reason: "Bukti dukung hanya memenuhi parameter yang lebih rendah (data contoh)"})
		default:
			out = append(out, answerPlan{indicator: c.code, claimed: o, evidence: evidence(c.code, o),
				decision: domain.DecisionAccept, reason: "Bukti dukung sesuai (data contoh)"})
		}
	}
	return out
}
