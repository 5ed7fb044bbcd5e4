package index

import (
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// Score history (riwayat skor): for each region and year, every change of
// the verified and the provisional IID, with the commit that made it.
//
// A commit is atomic (no reader ever saw the state between its events), so
// a step is one commit: the index notes which region-years the commit's
// events may change (touches), and after its last event it scores each of
// them once and records a step when either IID moved. The steps are part of
// the index state (checkpoints, snapshots, the state hash), so a read as of
// a past position or date sees the history of then.

// scoreStep is one change, as stored: the values after it (the values
// before are the previous step's, or zero).
type scoreStep struct {
	Position     uint64            `json:",omitzero"`
	At           time.Time         `json:",omitzero"` // occurred-at of the event
	EventID      uuid.UUID         `json:",omitzero"` // the commit's first event touching the region-year
	Type         string            `json:",omitzero"`
	Actor        string            `json:",omitzero"`
	Role         string            `json:",omitzero"`
	Indicator    string            `json:",omitzero"`
	InnovationID string            `json:",omitzero"`
	Events       int               `json:",omitzero"` // events of the commit touching the region-year
	Verified     domain.Hundredths `json:",omitzero"`
	Provisional  domain.Hundredths `json:",omitzero"`
}

// ScoreStep is one change of a region's IID in a year.
type ScoreStep struct {
	Position     uint64
	At           time.Time
	EventID      uuid.UUID
	Type         string
	Actor        domain.Actor
	Indicator    string // "" unless the event was about one indicator
	InnovationID string // "" unless the event was about one innovation
	// Events is how many events of the commit touched the region-year
	// (EventID is the first of them).
	Events                              int
	VerifiedBefore, VerifiedAfter       domain.Hundredths
	ProvisionalBefore, ProvisionalAfter domain.Hundredths
}

// pendingTouch is what a commit in progress did to one region-year.
type pendingTouch struct {
	ev     domain.RecordedEvent // the first event touching it
	events int
	touch
}

// touch is what an event changes in a region-year's score input: everything
// (a new year, an earlier year frozen), the SPD answers, one innovation, or
// the innovations of one unit (a Bimtek attendance).
type touch struct {
	all, spd    bool
	innovations map[string]bool
	units       map[string]bool
}

func (t *touch) merge(o touch) {
	t.all, t.spd = t.all || o.all, t.spd || o.spd
	for id := range o.innovations {
		if t.innovations == nil {
			t.innovations = map[string]bool{}
		}
		t.innovations[id] = true
	}
	for u := range o.units {
		if t.units == nil {
			t.units = map[string]bool{}
		}
		t.units[u] = true
	}
}

// scoreParts is a region-year's score kept up to date between commits, so
// that a commit re-scores only what it touched: the SPD points and each
// innovation's points and count decision. Derived (not in the state): it
// starts from a full score after a restore.
type scoreParts struct {
	spd, spdProvisional domain.Milli
	innovations         map[string]innovationPart
	// sum, sumProvisional and n are the counted innovations' points and
	// their number, kept as the innovations' parts change.
	sum, sumProvisional domain.Milli
	n                   int
	// counted is countedYears of the region-year, taken when the parts
	// are made: the frozen results it reads change only when an earlier
	// year freezes, which touches every later region-year with all.
	counted map[string][]int
}

type innovationPart struct {
	counted             bool
	points, provisional domain.Milli
}

// History returns every change of region's IID in year, oldest first.
// It returns a CodeNotFound error for an unknown period or region.
func (x *Index) History(year int, region string) ([]ScoreStep, error) {
	x.mu.Lock() // a replay cut inside a commit leaves touches to score
	defer x.mu.Unlock()
	if _, ok := x.state.Periods[year]; !ok {
		return nil, domain.Errorf(domain.CodeNotFound, "no assessment period for %d", year)
	}
	if _, ok := domain.LookupRegion(region); !ok {
		return nil, domain.Errorf(domain.CodeNotFound, "no region with code %s", domain.Quote(region))
	}
	if err := x.flushHistory(); err != nil {
		return nil, err
	}
	return x.steps(year, region, math.MaxUint64), nil
}

// HistoryAt is History as it was after the commit at position: the steps
// up to it (a step is one commit, and the history only grows). The index
// must have applied position.
func (x *Index) HistoryAt(year int, region string, position uint64) ([]ScoreStep, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if _, ok := x.state.Periods[year]; !ok {
		return nil, domain.Errorf(domain.CodeNotFound, "no assessment period for %d", year)
	}
	if _, ok := domain.LookupRegion(region); !ok {
		return nil, domain.Errorf(domain.CodeNotFound, "no region with code %s", domain.Quote(region))
	}
	return x.steps(year, region, position), nil
}

// steps is region's history in year up to position. The caller holds the
// lock.
func (x *Index) steps(year int, region string, position uint64) []ScoreStep {
	stored := x.state.History[domain.AssessmentID(year, region)]
	stored = stored[:sort.Search(len(stored), func(i int) bool { return stored[i].Position > position })]
	out := make([]ScoreStep, 0, len(stored))
	var v, p domain.Hundredths
	for _, s := range stored {
		out = append(out, ScoreStep{Position: s.Position, At: s.At, EventID: s.EventID, Type: s.Type,
			Actor:     domain.Actor{UserID: s.Actor, Role: domain.Role(s.Role)},
			Indicator: s.Indicator, InnovationID: s.InnovationID, Events: s.Events,
			VerifiedBefore: v, VerifiedAfter: s.Verified, ProvisionalBefore: p, ProvisionalAfter: s.Provisional})
		v, p = s.Verified, s.Provisional
	}
	return out
}

// noteTouches records the region-years ev may change the score of; after
// the last event of its commit they are scored. The caller holds the write
// lock and has applied ev.
func (x *Index) noteTouches(ev domain.RecordedEvent) error {
	keys, what := x.touches(ev)
	for _, k := range keys {
		if t, ok := x.pending[k]; ok {
			t.events++
			t.merge(what)
			continue
		}
		t := &pendingTouch{ev: ev, events: 1}
		t.merge(what)
		x.pending[k] = t
	}
	if ev.Index >= ev.CommitSize-1 {
		return x.flushHistory()
	}
	return nil
}

// touches lists the region-years whose score ev may change, exactly those
// whose score input it is part of (see scoreInput), and what it changes.
func (x *Index) touches(ev domain.RecordedEvent) ([]scoreKey, touch) {
	s := x.state
	one := func(id string) touch { return touch{innovations: map[string]bool{id: true}} }
	answer := func(innovation string) touch {
		if innovation == "" {
			return touch{spd: true}
		}
		return one(innovation)
	}
	switch e := ev.Data.(type) {
	case domain.AnswerSubmitted:
		return []scoreKey{{e.Year, e.Region}}, answer(e.InnovationID)
	case domain.AnswerVerified:
		return []scoreKey{{e.Year, e.Region}}, answer(e.InnovationID)
	case domain.InnovationRejected:
		return []scoreKey{{e.Year, e.Region}}, one(e.InnovationID)
	case domain.AssessmentStarted:
		// changes no score, but puts the region in the year's ranking
		// (its first figures, figures.go)
		return []scoreKey{{e.Year, e.Region}}, touch{}
	case domain.InnovationProposed:
		return x.yearsFrom(e.Region, e.ProposedOn), one(e.InnovationID)
	case domain.InnovationTrialStarted, domain.InnovationImplementationStarted, domain.InnovationReplicated, domain.InnovationWithdrawn:
		// a year scores an innovation proposed by its closing date
		if inn := s.Innovations[ev.AggregateID]; inn != nil {
			return x.yearsFrom(inn.Region, inn.ProposedOn), one(inn.ID)
		}
	case domain.BimtekAttendanceRecorded:
		// a year counts sessions held by its closing date, for the
		// innovations of the attendee's unit
		if ss := s.Sessions[e.SessionID]; ss != nil && normUnit(e.Attendee.Unit) != "" {
			return x.yearsFrom(ss.Region, ss.Date), touch{units: map[string]bool{normUnit(e.Attendee.Unit): true}}
		}
	case domain.PeriodOpened:
		// a new year scores every region's innovations at once
		var out []scoreKey
		for _, region := range sortedKeys(x.byRegion) {
			out = append(out, scoreKey{e.Year, region})
		}
		return out, touch{all: true}
	case domain.PeriodPhaseAdvanced:
		// freezing a year sets which innovations counted in it, and an
		// innovation counts at most twice: later years may change
		if p := s.Periods[e.Year]; p == nil || p.FrozenAt != ev.Position {
			return nil, touch{}
		}
		var out []scoreKey
		for _, y := range sortedKeys(s.Periods) {
			if y <= e.Year {
				continue
			}
			for _, region := range sortedKeys(x.byRegion) {
				out = append(out, scoreKey{y, region})
			}
		}
		return out, touch{all: true}
	}
	return nil, touch{}
}

// yearsFrom lists region's years whose closing date is on or after day
// (or which have none).
func (x *Index) yearsFrom(region string, day time.Time) []scoreKey {
	var out []scoreKey
	for _, y := range sortedKeys(x.state.Periods) {
		closes := x.state.Periods[y].closesAt()
		if closes.IsZero() || !dayOf(day).After(closes) {
			out = append(out, scoreKey{y, region})
		}
	}
	return out
}

// flushHistory scores the pending region-years and records a step for each
// whose verified or provisional IID moved. The caller holds the write lock.
func (x *Index) flushHistory() error {
	if len(x.pending) == 0 {
		return nil
	}
	keys := make([]scoreKey, 0, len(x.pending))
	for k := range x.pending {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b scoreKey) int {
		if a.year != b.year {
			return a.year - b.year
		}
		return strings.Compare(a.region, b.region)
	})
	for _, k := range keys {
		t := x.pending[k]
		if _, ok := x.state.Periods[k.year]; !ok {
			continue
		}
		v, p, err := x.rescore(k, t.touch)
		if err != nil {
			return err
		}
		id := domain.AssessmentID(k.year, k.region)
		if a := x.state.Assessments[id]; a != nil {
			x.noteFigures(id, t.ev.Position, a, x.parts[k])
		}
		steps := x.state.History[id]
		var lastV, lastP domain.Hundredths
		if n := len(steps); n > 0 {
			lastV, lastP = steps[n-1].Verified, steps[n-1].Provisional
		}
		if v == lastV && p == lastP {
			continue
		}
		ev := t.ev
		step := scoreStep{Position: ev.Position, At: ev.OccurredAt, EventID: ev.ID, Type: x.sym(ev.Type),
			Actor: x.sym(ev.Actor.UserID), Role: x.sym(string(ev.Actor.Role)), Events: t.events, Verified: v, Provisional: p}
		step.Indicator, step.InnovationID = x.subjectOf(ev)
		x.state.History[id] = append(steps, step)
	}
	clear(x.pending)
	return nil
}

// rescore returns k's verified and provisional IID after a commit that
// touched t, re-scoring the touched parts alone: every part when k has no
// parts yet (or t is all). Numbers only: the history builds no
// explanation. The caller holds the write lock.
func (x *Index) rescore(k scoreKey, t touch) (v, p domain.Hundredths, err error) {
	parts := x.parts[k]
	if parts == nil || t.all {
		// the parts of a full score: the SPD and the region's innovations
		parts = &scoreParts{innovations: make(map[string]innovationPart, len(x.byRegion[k.region])),
			counted: x.countedYears(k.year, k.region)}
		x.parts[k] = parts
		all := make(map[string]bool, len(x.byRegion[k.region]))
		for _, inn := range x.byRegion[k.region] {
			all[inn.ID] = true
		}
		t = touch{spd: true, innovations: all}
	}
	period := x.state.Periods[k.year]
	c, err := domain.CatalogueByVersion(period.CatalogueVersion)
	if err != nil {
		return 0, 0, err
	}
	a := x.state.Assessments[domain.AssessmentID(k.year, k.region)]
	in := domain.ScoreInput{Region: k.region, Year: k.year, ClosesAt: period.closesAt()}
	if t.spd {
		var spd []domain.AnswerInput
		if a != nil {
			var key []byte
			for _, ind := range c.IndicatorsOf(domain.AspectSPD) {
				key = appendAnswerKey(key[:0], "", ind.Code)
				if ans := a.Answers[string(key)]; ans != nil { // no copy of key to look it up
					spd = append(spd, ans.input())
				}
			}
		}
		if parts.spd, parts.spdProvisional, err = domain.ScoreSPD(c, spd); err != nil {
			return 0, 0, err
		}
	}
	ids := t.innovations
	if len(t.units) > 0 {
		ids = maps.Clone(ids)
		if ids == nil {
			ids = map[string]bool{}
		}
		for _, inn := range x.byRegion[k.region] {
			if t.units[inn.unit] {
				ids[inn.ID] = true
			}
		}
	}
	if len(ids) > 0 {
		order := sidOrder(c)
		for _, id := range sortedKeys(ids) {
			inn := x.state.Innovations[id]
			if inn == nil || inn.Region != k.region || !in.ClosesAt.IsZero() && dayOf(inn.ProposedOn).After(in.ClosesAt) {
				parts.set(id, innovationPart{}, false) // not part of this year's score
				continue
			}
			var sessions []domain.DatedFact
			if inn.unit != "" {
				sessions = x.sessionDatesOfUnit(k.region, inn.unit)
			}
			var answers []domain.AnswerInput
			if a != nil {
				answers = sidAnswers(order, a.innovationAnswers(id))
			}
			ok, points, provisional, err := domain.InnovationPoints(c, in, x.innovationInput(inn, a, answers, sessions, parts.counted[id]))
			if err != nil {
				return 0, 0, err
			}
			parts.set(id, innovationPart{counted: ok, points: points, provisional: provisional}, true)
		}
	}
	return domain.IIDOf(c, parts.spd, parts.sum, parts.n), domain.IIDOf(c, parts.spdProvisional, parts.sumProvisional, parts.n), nil
}

// set replaces innovation id's part (keep false: removes it), keeping the
// sums of the counted ones.
func (s *scoreParts) set(id string, part innovationPart, keep bool) {
	if old, ok := s.innovations[id]; ok && old.counted {
		s.n--
		s.sum -= old.points
		s.sumProvisional -= old.provisional
	}
	if !keep {
		delete(s.innovations, id)
		return
	}
	s.innovations[id] = part
	if part.counted {
		s.n++
		s.sum += part.points
		s.sumProvisional += part.provisional
	}
}

// sidOrder maps each SID indicator code of c to its place in
// c.IndicatorsOf(domain.AspectSID), made once per catalogue (the history
// asks on every commit).
func sidOrder(c *domain.Catalogue) map[string]int {
	if v, ok := sidCache.Load(c); ok {
		return v.(map[string]int)
	}
	order := map[string]int{}
	for i, ind := range c.IndicatorsOf(domain.AspectSID) {
		order[ind.Code] = i
	}
	sidCache.Store(c, order)
	return order
}

// sidCache holds sidOrder per catalogue (a few, for ever).
var sidCache sync.Map

// sidAnswers is an innovation's answers to SID indicators in the
// catalogue's order, as the scoring takes them (answers to an indicator
// the catalogue does not hold are left out).
func sidAnswers(order map[string]int, answers []*answerState) []domain.AnswerInput {
	type placed struct {
		at  int
		ans *answerState
	}
	kept := make([]placed, 0, len(answers))
	for _, ans := range answers {
		if at, ok := order[ans.Indicator]; ok {
			kept = append(kept, placed{at, ans})
		}
	}
	slices.SortFunc(kept, func(a, b placed) int { return a.at - b.at })
	out := make([]domain.AnswerInput, len(kept))
	for i, p := range kept {
		out[i] = p.ans.input()
	}
	return out
}

// subjectOf is the indicator and innovation an event is about.
func (x *Index) subjectOf(ev domain.RecordedEvent) (indicator, innovation string) {
	switch e := ev.Data.(type) {
	case domain.AnswerSubmitted:
		return x.sym(e.Indicator), x.innovationID(e.InnovationID)
	case domain.AnswerVerified:
		return x.sym(e.Indicator), x.innovationID(e.InnovationID)
	case domain.InnovationRejected:
		return "", x.innovationID(e.InnovationID)
	}
	if ev.AggregateType == domain.AggregateInnovation {
		return "", x.innovationID(ev.AggregateID)
	}
	return "", ""
}
