package domain

import (
	"cmp"
	"slices"
)

// SimulatedAction is what it takes for an answer to reach a parameter.
type SimulatedAction string

const (
	// SimulateSubmit: during penjaringan, submit (or change) the answer at
	// the parameter; it counts once a verifier accepts it.
	SimulateSubmit SimulatedAction = "submit"
	// SimulateVerify: during pengukuran, a verifier accepts the claim or
	// lowers it to the parameter (a pending or a lowered answer).
	SimulateVerify SimulatedAction = "verify"
	// SimulateResubmit: during pengukuran, resubmit a rejected answer at the
	// parameter; it counts once a verifier accepts it.
	SimulateResubmit SimulatedAction = "resubmit"
)

// SimulatedOption is the score an answer would give at one parameter, all
// else as verified now.
type SimulatedOption struct {
	Parameter int
	Points    Milli      // bobot x parameter
	IID       Hundredths // the region's verified IID with this answer
	Gain      Hundredths // IID minus the current verified IID
	Predicate string
}

// Suggestion is one answer that could still change, with what each higher
// parameter would bring.
type Suggestion struct {
	Indicator      string
	Name           string
	InnovationID   string // "" for an SPD indicator
	InnovationName string
	Mandatory      bool
	Bobot          Milli
	Status         AnswerStatus // "" when unanswered
	Claimed        int
	Parameter      int // the verified parameter now
	Action         SimulatedAction
	Options        []SimulatedOption // parameters above Parameter, lowest first
}

// Best is the option with the highest parameter (the largest gain).
func (s Suggestion) Best() SimulatedOption { return s.Options[len(s.Options)-1] }

// RejectionImpact is the verified score if one counted innovation were
// rejected for the year.
type RejectionImpact struct {
	InnovationID string
	Name         string
	Points       Milli // the innovation's verified points, lost
	IID          Hundredths
	Gain         Hundredths // zero or negative
	Predicate    string
}

// Simulation (simulasi skor) answers "what should we work on to raise our
// score?" for one region and year.
type Simulation struct {
	Region string
	Year   int
	Phase  Phase
	// Current is the verified score; Provisional counts every pending
	// answer as accepted at its claim.
	Current     Totals
	Provisional Totals
	// Suggestions are ranked: largest gain at the best parameter first,
	// then mandatory indicators, then catalogue order (SPD, then by
	// innovation).
	Suggestions []Suggestion
	// BestCase has every suggestion at its highest parameter.
	BestCase   Totals
	Rejections []RejectionImpact // one per counted innovation, in score order
}

// Simulate lists every answer of a region-year that could still change in
// phase, ranked by the gain in verified IID each would bring, with the
// combined best case, the provisional score and the effect of rejecting
// each counted innovation. It is a pure function over Score and the same
// totals: an answer's points are bobot x parameter and every figure is
// computed by the code that computes the real score.
//
// What could change follows the assessment rules: during penjaringan every
// hand-answered indicator can be (re)submitted at any option; during
// pengukuran a pending answer can be accepted or lowered, a lowered one
// re-verified up to its claim, and a rejected one resubmitted; later phases
// change nothing. Derived indicators and innovations that do not count are
// left out (their answers bring nothing). Rejections are listed during
// penjaringan and pengukuran. It returns Score's errors.
func Simulate(c *Catalogue, in ScoreInput, phase Phase) (Simulation, error) {
	res, err := Score(c, in)
	if err != nil {
		return Simulation{}, err
	}
	cur := res.Verified
	sim := Simulation{Region: in.Region, Year: in.Year, Phase: phase, Current: cur, Provisional: res.Provisional, BestCase: cur}
	if phase != PhasePenjaringan && phase != PhasePengukuran {
		return sim, nil
	}
	with := func(spd, sum Milli) Totals { return totals(c, spd, sum, cur.Counted) }
	var bestSPD, bestSum Milli
	add := func(s IndicatorScore, inn *InnovationScore) {
		sg, ok := suggest(s, phase)
		if !ok {
			return
		}
		if inn != nil {
			sg.InnovationID, sg.InnovationName = inn.ID, inn.Name
		}
		for k := sg.Parameter + 1; k <= maxParameter(s, phase); k++ {
			delta := s.Bobot * Milli(k-s.Parameter)
			t := with(cur.SPD+delta, cur.SIDSum)
			if inn != nil {
				t = with(cur.SPD, cur.SIDSum+delta)
			}
			sg.Options = append(sg.Options, SimulatedOption{Parameter: k, Points: s.Bobot * Milli(k), IID: t.IID, Gain: t.IID - cur.IID, Predicate: t.Predicate})
		}
		top := s.Bobot * Milli(sg.Best().Parameter-s.Parameter)
		if inn != nil {
			bestSum += top
		} else {
			bestSPD += top
		}
		sim.Suggestions = append(sim.Suggestions, sg)
	}
	for _, s := range res.SPD {
		add(s, nil)
	}
	for i := range res.Innovations {
		inn := &res.Innovations[i]
		if !inn.Counted {
			continue
		}
		for _, s := range inn.Indicators {
			add(s, inn)
		}
		t := totals(c, cur.SPD, cur.SIDSum-inn.Points, cur.Counted-1)
		sim.Rejections = append(sim.Rejections, RejectionImpact{InnovationID: inn.ID, Name: inn.Name, Points: inn.Points,
			IID: t.IID, Gain: t.IID - cur.IID, Predicate: t.Predicate})
	}
	sim.BestCase = with(cur.SPD+bestSPD, cur.SIDSum+bestSum)
	// Stable: equal suggestions keep the catalogue order.
	slices.SortStableFunc(sim.Suggestions, func(a, b Suggestion) int {
		if c := cmp.Compare(b.Best().Gain, a.Best().Gain); c != 0 {
			return c
		}
		if a.Mandatory != b.Mandatory {
			if a.Mandatory {
				return -1
			}
			return 1
		}
		return 0
	})
	return sim, nil
}

// suggest reports whether the answer scored by s could still change in
// phase, and how.
func suggest(s IndicatorScore, phase Phase) (Suggestion, bool) {
	sg := Suggestion{Indicator: s.Code, Name: s.Name, Mandatory: s.Mandatory, Bobot: s.Bobot, Status: s.Status, Claimed: s.Claimed, Parameter: s.Parameter}
	if s.Derived || maxParameter(s, phase) <= s.Parameter {
		return sg, false
	}
	switch {
	case phase == PhasePenjaringan:
		sg.Action = SimulateSubmit
	case s.Status == AnswerRejected:
		sg.Action = SimulateResubmit
	default:
		sg.Action = SimulateVerify
	}
	return sg, true
}

// maxParameter is the highest parameter the answer can still be verified
// at in phase (see Simulate).
func maxParameter(s IndicatorScore, phase Phase) int {
	switch {
	case s.Derived:
		return s.Parameter
	case phase == PhasePenjaringan:
		return 3
	case phase != PhasePengukuran:
		return s.Parameter
	}
	switch s.Status {
	case AnswerPending, AnswerLowered:
		return s.Claimed
	case AnswerRejected:
		return 3
	}
	return s.Parameter // unanswered (too late) or accepted
}
