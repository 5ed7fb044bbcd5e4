package index

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// Score returns the IID of region in year with its full explanation: every
// point names the events behind it. For a year frozen at pleno, Frozen holds
// the published figures.
func (x *Index) Score(year int, region string) (RegionScore, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	p, ok := x.state.Periods[year]
	if !ok {
		return RegionScore{}, domain.Errorf(domain.CodeNotFound, "no assessment period for %d", year)
	}
	if _, ok := domain.LookupRegion(region); !ok {
		return RegionScore{}, domain.Errorf(domain.CodeNotFound, "no region with code %s", domain.Quote(region))
	}
	res, err := x.score(year, region)
	if err != nil {
		return RegionScore{}, err
	}
	rs := RegionScore{Result: res, Phase: p.Phase}
	if _, assessed := x.state.Assessments[domain.AssessmentID(year, region)]; !assessed {
		rs.NotAssessed = true
	}
	if fr, ok := p.Results[region]; ok {
		rs.Frozen = fr
		rs.ChangedSincePleno = fr.IID != res.Verified.IID
	}
	return rs, nil
}

// RegionScore is a score with its publication state.
type RegionScore struct {
	Result *domain.ScoreResult
	Phase  domain.Phase
	// NotAssessed is true when the region entered nothing that year.
	NotAssessed bool
	// Frozen is the result published at pleno, nil before.
	Frozen *frozenResult
	// ChangedSincePleno is true when facts recorded after pleno (a late
	// withdrawal, a back-dated session) would change the frozen result.
	ChangedSincePleno bool
}

// score computes (or returns the cached) result; the caller holds x.mu.
func (x *Index) score(year int, region string) (*domain.ScoreResult, error) {
	id := domain.AssessmentID(year, region)
	key := scoreKey{year, region}
	x.cacheMu.Lock()
	cached, ok := x.scores.result(key)
	x.cacheMu.Unlock()
	if ok {
		return cached, nil
	}
	p := x.state.Periods[year]
	cat, err := domain.CatalogueByVersion(p.CatalogueVersion)
	if err != nil {
		return nil, err
	}
	in := x.scoreInput(p, region)
	res, err := domain.Score(cat, in)
	if err != nil {
		return nil, fmt.Errorf("score %s: %w", id, err)
	}
	x.cacheMu.Lock()
	x.scores.put(key, &res)
	x.cacheMu.Unlock()
	return &res, nil
}

// totals returns the totals of region's score in year, kept (whatever the
// bound on explained results) or computed; the caller holds x.mu.
func (x *Index) totals(year int, region string) (scoreTotals, error) {
	x.cacheMu.Lock()
	t, ok := x.scores.totalsOf(scoreKey{year, region})
	x.cacheMu.Unlock()
	if ok {
		return t, nil
	}
	res, err := x.score(year, region)
	if err != nil {
		return scoreTotals{}, err
	}
	return scoreTotals{verified: res.Verified, provisionalIID: res.Provisional.IID}, nil
}

// scoreInput gathers what the score of region in p's year depends on.
func (x *Index) scoreInput(p *periodState, region string) domain.ScoreInput {
	closes := p.closesAt()
	in := domain.ScoreInput{Region: region, Year: p.Year, ClosesAt: closes}
	a := x.state.Assessments[domain.AssessmentID(p.Year, region)]
	byInnovation := map[string][]domain.AnswerInput{}
	if a != nil {
		for _, k := range sortedKeys(a.Answers) {
			ans := a.Answers[k]
			if ans.InnovationID == "" {
				in.SPD = append(in.SPD, x.answerInput(region, ans))
			} else {
				byInnovation[ans.InnovationID] = append(byInnovation[ans.InnovationID], x.answerInput(region, ans))
			}
		}
	}
	sessions := x.sessionsByUnit(region, "")
	counted := x.countedYears(p.Year, region)
	for _, inn := range x.byRegion[region] {
		if !closes.IsZero() && dayOf(inn.ProposedOn).After(closes) {
			continue // did not exist yet when the period closed
		}
		in.Innovations = append(in.Innovations, x.innovationInput(inn, a, byInnovation[inn.ID], sessions[normUnit(inn.Unit)], counted[inn.ID]))
	}
	return in
}

// innovationInput is what inn's score in a's year depends on (a is nil
// when the region has not entered anything that year).
func (x *Index) innovationInput(inn *innovationState, a *assessmentState, answers []domain.AnswerInput, sessions []domain.DatedFact, counted []int) domain.InnovationInput {
	ii := domain.InnovationInput{
		ID: inn.ID, Name: inn.Name, Unit: inn.Unit, Affair: inn.Affair, Stage: inn.Stage,
		ProposedOn: inn.ProposedOn, TrialStartedOn: inn.TrialStartedOn, ImplementationStartedOn: inn.ImplementationStartedOn,
		ProposedEventID: inn.ProposedEventID, TrialEventID: inn.TrialEventID,
		CountedYears: counted, Answers: answers,
		BimtekSessions: sessions, Replications: inn.Replications,
	}
	if a != nil {
		if reason, rejected := a.Rejected[inn.ID]; rejected {
			ii.RejectedForYear, ii.RejectionReason = true, reason
		}
	}
	return ii
}

// sessionsByUnit lists, per normalised unit name, the region's sessions
// attended by someone from that unit (indicator 20's facts).
// only, when not "", keeps that unit alone.
func (x *Index) sessionsByUnit(region, only string) map[string][]domain.DatedFact {
	if only != "" {
		return map[string][]domain.DatedFact{only: x.sessionsOfUnit(region, only)}
	}
	out := map[string][]domain.DatedFact{}
	seen := map[string]int{} // unit -> index in out[unit], per session
	for _, s := range x.sessionsBy[region] {
		clear(seen)
		for _, att := range s.Attendees {
			u := att.unit
			if u == "" {
				continue
			}
			if i, ok := seen[u]; ok {
				out[u][i].EventIDs = append(out[u][i].EventIDs, att.EventID)
				continue
			}
			seen[u] = len(out[u])
			out[u] = append(out[u], domain.DatedFact{Ref: s.ID, Date: s.Date, EventIDs: []uuid.UUID{att.EventID}})
		}
	}
	return out
}

// sessionsOfUnit is sessionsByUnit for one unit.
func (x *Index) sessionsOfUnit(region, unit string) []domain.DatedFact {
	var out []domain.DatedFact
	for _, s := range x.sessionsBy[region] {
		var fact *domain.DatedFact
		for _, att := range s.Attendees {
			if att.unit != unit {
				continue
			}
			if fact == nil {
				out = append(out, domain.DatedFact{Ref: s.ID, Date: s.Date})
				fact = &out[len(out)-1]
			}
			fact.EventIDs = append(fact.EventIDs, att.EventID)
		}
	}
	return out
}

// unitDates is the sessions (and their dates) attended by someone from one
// unit of a region, for the history: sessionsOfUnit without the event ids.
// The index keeps one per region and unit in unitDates, and each
// innovation of the unit points to it, so that scoring an innovation finds
// its unit's sessions without looking its unit up.
type unitDates struct {
	facts []domain.DatedFact
}

// unitSessionsOf is the sessions attended by inn's unit (see unitDates).
// The caller holds the write lock.
func (x *Index) unitSessionsOf(inn *innovationState) []domain.DatedFact {
	if inn.unit == "" {
		return nil
	}
	if inn.dates != nil && inn.datesGen == x.unitGen {
		return inn.dates.facts
	}
	byUnit, ok := x.unitDates[inn.Region]
	if !ok {
		byUnit = x.sessionDatesByUnit(inn.Region)
		if x.unitDates == nil {
			x.unitDates = map[string]map[string]*unitDates{}
		}
		x.unitDates[inn.Region] = byUnit
	}
	d := byUnit[inn.unit]
	if d == nil { // none yet: an attendance will add to it
		d = &unitDates{}
		byUnit[inn.unit] = d
	}
	inn.dates, inn.datesGen = d, x.unitGen
	return d.facts
}

// dropUnitDates forgets the unit dates of region ("": of every region),
// and every innovation's pointer to them. The caller holds the write lock.
func (x *Index) dropUnitDates(region string) {
	if region == "" {
		x.unitDates = nil
	} else {
		delete(x.unitDates, region)
	}
	x.unitGen++
}

// noteSessionDates keeps unitDates up to date after the Bimtek event ev:
// an attendance adds its session to its unit's dates (the order of the
// dates does not matter to a score), a new session or a closing changes
// nothing (a new session has no attendees yet; any other schedule drops
// every region's), an event of another kind drops its session's region's. The caller holds the write lock and has
// applied ev.
func (x *Index) noteSessionDates(ev domain.RecordedEvent) {
	ss := x.state.Sessions[ev.AggregateID]
	switch e := ev.Data.(type) {
	case domain.BimtekScheduled:
		if ev.Version != 1 { // not a new session (with no attendees yet)
			x.dropUnitDates("")
		}
	case domain.BimtekAttendanceRecorded:
		if ss == nil {
			x.dropUnitDates("")
			return
		}
		byUnit, ok := x.unitDates[ss.Region]
		u := normUnit(e.Attendee.Unit)
		if !ok || u == "" {
			return
		}
		d := byUnit[u]
		if d == nil {
			d = &unitDates{}
			byUnit[u] = d
		}
		if !slices.ContainsFunc(d.facts, func(f domain.DatedFact) bool { return f.Ref == ss.ID }) {
			d.facts = append(d.facts, domain.DatedFact{Ref: ss.ID, Date: ss.Date})
		}
	case domain.BimtekClosed:
		// a closed session keeps its date and attendance
	default:
		if ss == nil {
			x.dropUnitDates("")
			return
		}
		x.dropUnitDates(ss.Region)
	}
}

// sessionDatesByUnit is sessionsByUnit without the event ids.
func (x *Index) sessionDatesByUnit(region string) map[string]*unitDates {
	out := map[string]*unitDates{}
	for _, s := range x.sessionsBy[region] {
		for i, att := range s.Attendees {
			u := att.unit
			if u == "" || slices.ContainsFunc(s.Attendees[:i], func(b attendeeState) bool { return b.unit == u }) {
				continue
			}
			d := out[u]
			if d == nil {
				d = &unitDates{}
				out[u] = d
			}
			d.facts = append(d.facts, domain.DatedFact{Ref: s.ID, Date: s.Date})
		}
	}
	return out
}

// noteCounted records, in each innovation fr counted, that it counted in
// year (innovationState.countedIn). The caller holds the write lock.
func (x *Index) noteCounted(year int, fr *frozenResult) {
	for _, id := range fr.Counted {
		if inn := x.state.Innovations[id]; inn != nil && !slices.Contains(inn.countedIn, year) {
			inn.countedIn = append(inn.countedIn, year)
		}
	}
}

// countedYears returns, per innovation, the earlier frozen years in which it
// counted (an innovation may enter the award at most twice).
func (x *Index) countedYears(year int, region string) map[string][]int {
	out := map[string][]int{}
	for _, y := range sortedKeys(x.state.Periods) {
		if y >= year {
			break
		}
		if fr, ok := x.state.Periods[y].Results[region]; ok {
			for _, id := range fr.Counted {
				out[id] = append(out[id], y)
			}
		}
	}
	return out
}

// freeze records the results of every assessed region of a year; called
// under the write lock when the period reaches pleno.
func (x *Index) freeze(p *periodState, position uint64) error {
	p.FrozenAt = position
	p.Results = map[string]*frozenResult{}
	regions := slices.Clone(x.assessedRegions[p.Year])
	slices.Sort(regions)
	results, err := x.scoreAll(p.Year, regions, true)
	if err != nil {
		return err
	}
	for _, region := range regions {
		res := results[region]
		fr := &frozenResult{SPD: res.Verified.SPD, SID: res.Verified.SID.RatString(), Total: res.Verified.Total.RatString(),
			IID: res.Verified.IID, Predicate: res.Verified.Predicate, ProvisionalIID: res.Provisional.IID}
		for _, inn := range res.Innovations {
			if inn.Counted {
				fr.Counted = append(fr.Counted, inn.ID)
			}
		}
		p.Results[region] = fr
		x.noteCounted(p.Year, fr)
	}
	return nil
}

// frozenPhase reports whether ph freezes results (pleno or later).
func frozenPhase(ph domain.Phase) bool {
	return ph == domain.PhasePleno || ph == domain.PhasePublished
}

// affairLabel is a readable label for an affair code.
func affairLabel(a domain.Affair) string { return strings.ReplaceAll(string(a), "_", " ") }

// scoresOf returns the explained scores of year's assessed regions, kept
// or computed on every CPU: an export reads all of them.
func (x *Index) scoresOf(year int) (map[string]*domain.ScoreResult, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if _, ok := x.state.Periods[year]; !ok {
		return nil, nil
	}
	return x.scoreAll(year, x.assessedRegions[year], true)
}

// scoreAll computes (and caches) the scores of regions in year on every
// CPU; one region's score does not depend on another's. The caller holds
// x.mu, read or write, for the workers too.
//
// full asks for the explained results (an export, a freeze, the phase
// summary read them next); otherwise the totals are enough (rankings),
// and a region whose totals are kept is not scored again.
func (x *Index) scoreAll(year int, regions []string, full bool) (map[string]*domain.ScoreResult, error) {
	// Rankings call this on every read: when the cache is warm (or one
	// region is missing) there is nothing to share out.
	var out map[string]*domain.ScoreResult
	if full {
		out = make(map[string]*domain.ScoreResult, len(regions))
	}
	x.cacheMu.Lock()
	var missing []string
	for _, r := range regions {
		k := scoreKey{year, r}
		if _, ok := x.scores.totals[k]; ok && !full {
			continue
		}
		if res, ok := x.scores.result(k); ok {
			if full {
				out[r] = res
			}
			continue
		}
		missing = append(missing, r)
	}
	x.cacheMu.Unlock()
	if len(missing) <= 1 && !full {
		return nil, nil // score() computes a single one on demand
	}
	regions = missing
	workers := max(1, min(runtime.GOMAXPROCS(0), len(regions)))
	errs := make([]error, workers)
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(regions) {
					return
				}
				res, err := x.score(year, regions[i])
				if err != nil {
					errs[w] = err
					return
				}
				if full {
					// kept here too: the cache may already have let it go
					mu.Lock()
					out[regions[i]] = res
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}
