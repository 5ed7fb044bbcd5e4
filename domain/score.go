package domain

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// IndicatorScore is the breakdown of one indicator: what was claimed, what
// counts, and the events behind it.
type IndicatorScore struct {
	Code      string
	Name      string
	Aspect    Aspect
	Bobot     Milli
	Mandatory bool
	Derived   bool
	// Status is the answer's verification status, "" when unanswered
	// (derived indicators have none).
	Status               AnswerStatus
	Claimed              int // claimed option, 0 if unanswered or derived
	Parameter            int // verified parameter
	ProvisionalParameter int // parameter counting pending answers at their claim
	Points               Milli
	ProvisionalPoints    Milli
	EventIDs             []uuid.UUID // the answer's events, or the facts behind a derived value
	Files                []CitedFile // the evidence files the answer cites
	Note                 string      // e.g. "2 sessions", "3 months"
}

// InnovationScore is the SID breakdown of one innovation (skor kematangan).
type InnovationScore struct {
	ID                string
	Name              string
	Unit              string
	Affair            Affair
	Counted           bool
	Rule              CountRule // the counting rule that decided Counted
	Reason            string    // why it counts, or why not, in words (with the dates)
	Points            Milli
	ProvisionalPoints Milli
	Indicators        []IndicatorScore
}

// Totals are the aggregate figures of one score variant.
type Totals struct {
	SPD         Milli
	SIDSum      Milli // sum of the counted innovations' points
	Counted     int   // n
	Divisor     int   // max(MinDivisor, n)
	Indicator36 Milli
	SIDMean     *big.Rat // SIDSum / Divisor, exact
	SID         *big.Rat // SIDMean + Indicator36, exact
	Total       *big.Rat // SPD + SID, exact
	IIDExact    *big.Rat // Total / MaxTotal x 100 before rounding
	IID         Hundredths
	Predicate   string
}

// Warning is a mandatory indicator without points.
type Warning struct {
	Indicator    string
	InnovationID string // "" for SPD
	Message      string
}

// BasicServiceCoverage is one line of the basic-service checklist.
type BasicServiceCoverage struct {
	Affair        Affair
	Covered       bool
	InnovationIDs []string // counted innovations of this affair
}

// ScoreResult is the IID of one region in one year with its explanation.
type ScoreResult struct {
	Region           string
	Year             int
	CatalogueVersion string
	// Verified counts only verified answers; Provisional also counts pending
	// answers at their claimed option, so a region sees what it would get.
	Verified      Totals
	Provisional   Totals
	SPD           []IndicatorScore
	Innovations   []InnovationScore
	Warnings      []Warning
	BasicServices []BasicServiceCoverage
	// Method is the catalogue arithmetic behind the totals.
	Method ScoreMethod
}

// Score computes the IID of one region-year. It is a pure function: the same
// catalogue and input give the same result. Points are exact; only the IID is
// rounded, half-up to two decimals. It returns an *Error with CodeInvalid
// listing every malformed input (unknown indicator, hand answer to a derived
// indicator, option out of range, duplicate answer, wrong year).
func Score(c *Catalogue, in ScoreInput) (ScoreResult, error) {
	var p Problems
	p.Check(in.Year == c.Year(), "year", "the catalogue is for %d, not %d", c.Year(), in.Year)
	p.Check(!in.ClosesAt.IsZero(), "closes_at", "is required")
	spdAnswers := indexAnswers(&p, c, AspectSPD, "spd", "", in.SPD)
	innAnswers := make([]map[string]AnswerInput, len(in.Innovations))
	for i, inn := range in.Innovations {
		innAnswers[i] = indexAnswers(&p, c, AspectSID, "innovations", inn.ID, inn.Answers)
	}
	if err := p.Err(); err != nil {
		return ScoreResult{}, err
	}
	r := ScoreResult{Region: in.Region, Year: in.Year, CatalogueVersion: c.Version(), Method: c.Method()}
	var spd, spdProv Milli
	r.SPD = make([]IndicatorScore, 0, len(c.byAspect[AspectSPD]))
	for _, ind := range c.byAspect[AspectSPD] {
		s := answeredScore(ind, spdAnswers[ind.Code])
		spd += s.Points
		spdProv += s.ProvisionalPoints
		if ind.Mandatory && s.Points == 0 {
			r.Warnings = append(r.Warnings, Warning{Indicator: ind.Code, Message: mandatoryMessage(s)})
		}
		r.SPD = append(r.SPD, s)
	}
	var sum, sumProv Milli
	counted := 0
	for i, inn := range in.Innovations {
		s := scoreInnovation(c, in, inn, innAnswers[i])
		if s.Counted {
			counted++
			sum += s.Points
			sumProv += s.ProvisionalPoints
			for _, is := range s.Indicators {
				if is.Mandatory && is.Points == 0 {
					r.Warnings = append(r.Warnings, Warning{Indicator: is.Code, InnovationID: inn.ID, Message: mandatoryMessage(is)})
				}
			}
		}
		r.Innovations = append(r.Innovations, s)
	}
	r.Verified = totals(c, spd, sum, counted)
	r.Provisional = totals(c, spdProv, sumProv, counted)
	r.BasicServices = basicServices(c, r.Innovations)
	return r, nil
}

func mandatoryMessage(s IndicatorScore) string {
	switch {
	case s.Derived:
		return fmt.Sprintf("mandatory indicator %q has no points: the events it is derived from are missing", s.Name)
	case s.Status == "":
		return fmt.Sprintf("mandatory indicator %q is not answered", s.Name)
	case s.Status == AnswerPending:
		return fmt.Sprintf("mandatory indicator %q awaits verification", s.Name)
	default:
		return fmt.Sprintf("mandatory indicator %q was rejected", s.Name)
	}
}

// indexAnswers maps answers by indicator, reporting invalid ones under
// group[.id].indicator; the field names are only built for a problem (this
// runs for every answer of every score).
func indexAnswers(p *Problems, c *Catalogue, aspect Aspect, group, id string, answers []AnswerInput) map[string]AnswerInput {
	out := make(map[string]AnswerInput, len(answers))
	for _, a := range answers {
		_, dup := out[a.Indicator]
		if checkAnswer(p, c, aspect, group, id, a, dup) != nil {
			out[a.Indicator] = a
		}
	}
	return out
}

// checkAnswer reports what is wrong with answer a to an indicator of
// aspect (dup: the indicator was answered before in the same list) under
// group[.id].indicator, and returns its indicator; nil when a is not an
// answerable indicator of the aspect (a is then left out).
func checkAnswer(p *Problems, c *Catalogue, aspect Aspect, group, id string, a AnswerInput, dup bool) *Indicator {
	bad := func(format string, args ...any) {
		f := group + "." + a.Indicator
		if id != "" {
			f = group + "[" + id + "]." + a.Indicator
		}
		p.Add(f, format, args...)
	}
	var ind *Indicator
	if at, ok := c.byCode[a.Indicator]; ok {
		ind = &c.indicators[at]
	}
	switch {
	case ind == nil || ind.Aspect != aspect:
		bad("is not an %s indicator of catalogue %s", aspect, c.Version())
		return nil
	case ind.IsDerived():
		bad("is derived from events and cannot be answered")
		return nil
	}
	if dup {
		bad("is answered twice")
	}
	if a.Claimed < 1 || a.Claimed > 3 {
		bad("claimed option must be 1, 2 or 3")
	}
	switch a.Status {
	case AnswerPending, AnswerRejected:
	case AnswerAccepted:
		if a.Verified != a.Claimed {
			bad("an accepted answer keeps its claimed option")
		}
	case AnswerLowered:
		if a.Verified < 1 || a.Verified >= a.Claimed {
			bad("a lowered answer needs a smaller option")
		}
	default:
		bad("unknown status %q", a.Status)
	}
	return ind
}

// answeredScore scores one hand-answered indicator ("" status if absent).
func answeredScore(ind Indicator, a AnswerInput) IndicatorScore {
	s := baseScore(ind)
	if a.Indicator == "" {
		return s
	}
	s.Status, s.Claimed, s.EventIDs, s.Files = a.Status, a.Claimed, slices.Clone(a.EventIDs), slices.Clone(a.Files)
	s.Parameter, s.ProvisionalParameter = answeredParameters(a)
	s.Points = ind.Bobot * Milli(s.Parameter)
	s.ProvisionalPoints = ind.Bobot * Milli(s.ProvisionalParameter)
	return s
}

// answeredParameters is the verified and provisional parameter of an
// answer ("" indicator: none).
func answeredParameters(a AnswerInput) (verified, provisional int) {
	switch a.Status {
	case AnswerAccepted, AnswerLowered:
		return a.Verified, a.Verified
	case AnswerPending:
		return 0, a.Claimed
	}
	return 0, 0
}

func baseScore(ind Indicator) IndicatorScore {
	return IndicatorScore{Code: ind.Code, Name: ind.Name, Aspect: ind.Aspect, Bobot: ind.Bobot, Mandatory: ind.Mandatory, Derived: ind.IsDerived()}
}

func scoreInnovation(c *Catalogue, in ScoreInput, inn InnovationInput, answers map[string]AnswerInput) InnovationScore {
	s := InnovationScore{ID: inn.ID, Name: inn.Name, Unit: inn.Unit, Affair: inn.Affair}
	s.Rule = countRule(c, in, inn)
	s.Counted, s.Reason = s.Rule == CountOK, countDecision(c, in, inn, s.Rule)
	s.Indicators = make([]IndicatorScore, 0, len(c.byAspect[AspectSID]))
	for _, ind := range c.byAspect[AspectSID] {
		var is IndicatorScore
		if ind.IsDerived() {
			is = derivedScore(c, in, inn, ind)
		} else {
			is = answeredScore(ind, answers[ind.Code])
		}
		s.Points += is.Points
		s.ProvisionalPoints += is.ProvisionalPoints
		s.Indicators = append(s.Indicators, is)
	}
	return s
}

// countDecision words the counting rule that decided whether inn counts.
func countDecision(c *Catalogue, in ScoreInput, inn InnovationInput, rule CountRule) string {
	rules := c.Counting()
	switch rule {
	case CountWithdrawn:
		return "withdrawn"
	case CountNotImplemented:
		return fmt.Sprintf("still in %s: only innovations in penerapan or replikasi count", inn.Stage)
	case CountStartedAfter:
		return fmt.Sprintf("implementation started %s, after the period closed on %s", date(inn.ImplementationStartedOn), date(in.ClosesAt))
	case CountStartedBefore:
		return fmt.Sprintf("implementation started %s, more than %d months before the period closed on %s", date(inn.ImplementationStartedOn), rules.ImplementationWindowMonths, date(in.ClosesAt))
	case CountRejected:
		return "rejected for the year: " + inn.RejectionReason
	case CountUsedUp:
		var years []string
		for _, y := range slices.Compact(slices.Sorted(slices.Values(inn.CountedYears))) {
			if y < in.Year {
				years = append(years, fmt.Sprint(y))
			}
		}
		return fmt.Sprintf("already counted in %s (at most %d years)", strings.Join(years, ", "), rules.MaxCountedYears)
	}
	return fmt.Sprintf("in %s since %s, within %d months before %s", inn.Stage, date(inn.ImplementationStartedOn), rules.ImplementationWindowMonths, date(in.ClosesAt))
}

// countRule is which counting rule decides whether inn counts (CountOK:
// it counts); countDecision words it.
func countRule(c *Catalogue, in ScoreInput, inn InnovationInput) CountRule {
	rules := c.Counting()
	switch {
	case inn.Stage == StageWithdrawn:
		return CountWithdrawn
	case inn.Stage != StageImplementation && inn.Stage != StageReplication || inn.ImplementationStartedOn.IsZero():
		return CountNotImplemented
	case inn.ImplementationStartedOn.After(in.ClosesAt):
		return CountStartedAfter
	case inn.ImplementationStartedOn.Before(in.ClosesAt.AddDate(0, -rules.ImplementationWindowMonths, 0)):
		return CountStartedBefore
	case inn.RejectedForYear:
		return CountRejected
	case earlierYears(inn.CountedYears, in.Year) >= rules.MaxCountedYears:
		return CountUsedUp
	}
	return CountOK
}

// CountRule names the counting rule that decides whether an innovation
// counts in a year: a stable code, so that a summary can say why in a few
// bytes where the reason says it in a sentence with its dates.
type CountRule string

// The counting rules, in the order they are applied (the first that holds
// decides).
const (
	CountOK             CountRule = "counted"               // counts
	CountWithdrawn      CountRule = "withdrawn"             // the innovation was withdrawn
	CountNotImplemented CountRule = "not_implemented"       // not (yet) in penerapan or replikasi
	CountStartedAfter   CountRule = "started_after_close"   // implementation began after the period closed
	CountStartedBefore  CountRule = "started_before_window" // implementation began before the counting window
	CountRejected       CountRule = "rejected"              // rejected for the year by the verifiers
	CountUsedUp         CountRule = "counted_years_used_up" // already counted in the most years allowed
)

// CountRules lists every counting rule, CountOK first.
func CountRules() []CountRule {
	return []CountRule{CountOK, CountWithdrawn, CountNotImplemented, CountStartedAfter, CountStartedBefore, CountRejected, CountUsedUp}
}

// earlierYears is the number of distinct years before year in years.
func earlierYears(years []int, year int) int {
	n := 0
	for i, y := range years {
		if y < year && !slices.Contains(years[:i], y) {
			n++
		}
	}
	return n
}

func derivedScore(c *Catalogue, in ScoreInput, inn InnovationInput, ind Indicator) IndicatorScore {
	s := baseScore(ind)
	var value int
	switch ind.Derived.Kind {
	case DerivedBimtekSessions:
		from := in.ClosesAt.AddDate(0, -c.Counting().BimtekWindowMonths, 0)
		value, s.EventIDs = distinctFacts(inn.BimtekSessions, from, in.ClosesAt)
		s.Note = fmt.Sprintf("%d Bimtek sessions attended by %s between %s and %s", value, inn.Unit, date(from), date(in.ClosesAt))
	case DerivedReplications:
		value, s.EventIDs = distinctFacts(inn.Replications, time.Time{}, in.ClosesAt)
		s.Note = fmt.Sprintf("replicated by %d other regions", value)
	case DerivedCreationMonths:
		if inn.TrialStartedOn.IsZero() || inn.ProposedOn.IsZero() {
			s.Note = "no trial yet"
			return s
		}
		value = MonthsBetween(inn.ProposedOn, inn.TrialStartedOn)
		s.EventIDs = []uuid.UUID{inn.ProposedEventID, inn.TrialEventID}
		s.Note = fmt.Sprintf("%d months from proposal to trial", value)
	}
	s.Parameter = ind.Derived.Parameter(value)
	s.ProvisionalParameter = s.Parameter
	s.Points = ind.Bobot * Milli(s.Parameter)
	s.ProvisionalPoints = s.Points
	return s
}

// derivedPoints is derivedScore's points alone.
func derivedPoints(c *Catalogue, in ScoreInput, inn InnovationInput, ind Indicator) Milli {
	var value int
	switch ind.Derived.Kind {
	case DerivedBimtekSessions:
		value = distinctRefs(inn.BimtekSessions, in.ClosesAt.AddDate(0, -c.Counting().BimtekWindowMonths, 0), in.ClosesAt)
	case DerivedReplications:
		value = distinctRefs(inn.Replications, time.Time{}, in.ClosesAt)
	case DerivedCreationMonths:
		if inn.TrialStartedOn.IsZero() || inn.ProposedOn.IsZero() {
			return 0 // as derivedScore: no parameter
		}
		value = MonthsBetween(inn.ProposedOn, inn.TrialStartedOn)
	}
	return ind.Bobot * Milli(ind.Derived.Parameter(value))
}

// distinctRefs is distinctFacts's count alone.
func distinctRefs(facts []DatedFact, from, to time.Time) int {
	n := 0
	for i, f := range facts {
		if f.Date.After(to) || (!from.IsZero() && f.Date.Before(from)) {
			continue
		}
		first := true
		for _, g := range facts[:i] {
			if g.Ref == f.Ref && !g.Date.After(to) && (from.IsZero() || !g.Date.Before(from)) {
				first = false
				break
			}
		}
		if first {
			n++
		}
	}
	return n
}

// distinctFacts counts the distinct Refs dated within [from, to] (zero from:
// no lower bound) and collects their event ids.
func distinctFacts(facts []DatedFact, from, to time.Time) (int, []uuid.UUID) {
	seen := map[string]bool{}
	var ids []uuid.UUID
	for _, f := range facts {
		if f.Date.After(to) || (!from.IsZero() && f.Date.Before(from)) {
			continue
		}
		seen[f.Ref] = true
		ids = append(ids, f.EventIDs...)
	}
	return len(seen), ids
}

// MonthsBetween is the number of whole months from a to b (0 if b is before a).
func MonthsBetween(a, b time.Time) int {
	a, b = Day(a), Day(b)
	m := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if b.Day() < a.Day() {
		m--
	}
	return max(m, 0)
}

func totals(c *Catalogue, spd, sum Milli, n int) Totals {
	rule := c.InnovationCount()
	t := Totals{SPD: spd, SIDSum: sum, Counted: n, Divisor: max(c.Counting().MinDivisor, n)}
	t.Indicator36 = rule.PointsPerInnovation * Milli(min(n, rule.MaxInnovations))
	t.SIDMean = sidMean(sum, t.Divisor)
	t.SID = new(big.Rat).Add(t.SIDMean, t.Indicator36.Rat())
	t.Total = new(big.Rat).Add(spd.Rat(), t.SID)
	iid := new(big.Rat).Mul(t.Total, big.NewRat(100, 1))
	iid.Quo(iid, c.MaxTotal().Rat())
	t.IIDExact = iid
	t.IID = Round2(iid)
	t.Predicate = c.Predicate(t.IID)
	return t
}

func basicServices(c *Catalogue, innovations []InnovationScore) []BasicServiceCoverage {
	var out []BasicServiceCoverage
	for _, a := range c.BasicServiceAffairs() {
		line := BasicServiceCoverage{Affair: a}
		for _, s := range innovations {
			if s.Counted && s.Affair == a {
				line.InnovationIDs = append(line.InnovationIDs, s.ID)
			}
		}
		line.Covered = len(line.InnovationIDs) > 0
		out = append(out, line)
	}
	return out
}

func date(t time.Time) string { return t.Format("2006-01-02") }
