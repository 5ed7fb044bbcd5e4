package index

import (
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

// pendingTouch is what a commit in progress did to one region-year. The
// index keeps the commit's in a list it reuses (Index.pending), slices and
// all: a commit allocates nothing for its touches.
type pendingTouch struct {
	key    scoreKey
	ev     domain.RecordedEvent // the first event touching it
	events int
	touch
}

// touch is what an event changes in a region-year's score input: everything
// (a new year, an earlier year frozen), the SPD answers, innovations whose
// own facts changed, innovations whose answers changed, or the facts of a
// unit's innovations (a Bimtek attendance). The lists may repeat an entry
// until the commit is scored.
type touch struct {
	all, spd    bool
	innovations []string
	answered    []string
	units       []string
}

func (t *touch) merge(o touch) {
	t.all, t.spd = t.all || o.all, t.spd || o.spd
	t.innovations = append(t.innovations, o.innovations...)
	t.answered = append(t.answered, o.answered...)
	t.units = append(t.units, o.units...)
}

// reset empties t, keeping its lists' room.
func (t *touch) reset() {
	*t = touch{innovations: t.innovations[:0], answered: t.answered[:0], units: t.units[:0]}
}

// settle sorts t's lists and drops repeats.
func (t *touch) settle() {
	for _, l := range []*[]string{&t.innovations, &t.answered, &t.units} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
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

// innovationPart is one innovation's points in a region-year: the part its
// answers give (domain.InnovationAnswered), which an answer changes alone,
// and the part derived from events with the count decision
// (domain.InnovationDerived).
type innovationPart struct {
	counted                       bool
	answered, answeredProvisional domain.Milli
	derived                       domain.Milli
}

func (p innovationPart) points() domain.Milli      { return p.answered + p.derived }
func (p innovationPart) provisional() domain.Milli { return p.answeredProvisional + p.derived }

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
		t := x.pendingFor(k)
		if t.events == 0 {
			t.ev = ev
		}
		t.events++
		t.merge(what)
	}
	if ev.Index >= ev.CommitSize-1 {
		return x.flushHistory()
	}
	return nil
}

// pendingIndexFrom is the number of region-years in one commit from which
// pendingFor finds them through a map rather than by a scan.
const pendingIndexFrom = 16

// pendingFor returns the commit's entry for k, adding it (events 0) if the
// commit has not touched k yet. The caller holds the write lock.
func (x *Index) pendingFor(k scoreKey) *pendingTouch {
	if len(x.pendingAt) > 0 {
		if i, ok := x.pendingAt[k]; ok {
			return &x.pending[i]
		}
	} else {
		for i := range x.pending {
			if x.pending[i].key == k {
				return &x.pending[i]
			}
		}
	}
	if len(x.pending) < cap(x.pending) {
		x.pending = x.pending[:len(x.pending)+1] // an entry of an earlier commit, reset
	} else {
		x.pending = append(x.pending, pendingTouch{})
	}
	t := &x.pending[len(x.pending)-1]
	t.key = k
	if n := len(x.pending); n >= pendingIndexFrom {
		if x.pendingAt == nil {
			x.pendingAt = make(map[scoreKey]int, 2*n)
		}
		if len(x.pendingAt) == 0 {
			for i := range x.pending {
				x.pendingAt[x.pending[i].key] = i
			}
		}
		x.pendingAt[k] = n - 1
	}
	return t
}

// touches lists the region-years whose score ev may change, exactly those
// whose score input it is part of (see scoreInput), and what it changes.
// Both are valid until the next call (they reuse the index's room). The
// caller holds the write lock.
func (x *Index) touches(ev domain.RecordedEvent) ([]scoreKey, touch) {
	s := x.state
	keys := x.touchKeys[:0]
	defer func() { x.touchKeys = keys[:0] }()
	one := func(year int, region string) []scoreKey {
		keys = append(keys, scoreKey{year, region})
		return keys
	}
	whole := func(id string) touch { x.touchIDs[0] = id; return touch{innovations: x.touchIDs[:]} }
	answer := func(innovation string) touch {
		if innovation == "" {
			return touch{spd: true}
		}
		x.touchIDs[0] = innovation
		return touch{answered: x.touchIDs[:]}
	}
	switch e := ev.Data.(type) {
	case domain.AnswerSubmitted:
		return one(e.Year, e.Region), answer(e.InnovationID)
	case domain.AnswerVerified:
		return one(e.Year, e.Region), answer(e.InnovationID)
	case domain.InnovationRejected:
		return one(e.Year, e.Region), whole(e.InnovationID)
	case domain.AssessmentStarted:
		// changes no score, but puts the region in the year's ranking
		// (its first figures, figures.go)
		return one(e.Year, e.Region), touch{}
	case domain.InnovationProposed:
		keys = x.yearsFrom(keys, e.Region, e.ProposedOn)
		return keys, whole(e.InnovationID)
	case domain.InnovationTrialStarted, domain.InnovationImplementationStarted, domain.InnovationReplicated, domain.InnovationWithdrawn:
		// a year scores an innovation proposed by its closing date
		if inn := s.Innovations[ev.AggregateID]; inn != nil {
			keys = x.yearsFrom(keys, inn.Region, inn.ProposedOn)
			return keys, whole(inn.ID)
		}
	case domain.BimtekAttendanceRecorded:
		// a year counts sessions held by its closing date, for the
		// innovations of the attendee's unit
		if ss := s.Sessions[e.SessionID]; ss != nil {
			if u := normUnit(e.Attendee.Unit); u != "" {
				keys = x.yearsFrom(keys, ss.Region, ss.Date)
				x.touchIDs[0] = u
				return keys, touch{units: x.touchIDs[:]}
			}
		}
	case domain.PeriodOpened:
		// a new year scores every region's innovations at once
		for _, region := range sortedKeys(x.byRegion) {
			keys = append(keys, scoreKey{e.Year, region})
		}
		return keys, touch{all: true}
	case domain.PeriodPhaseAdvanced:
		// freezing a year sets which innovations counted in it, and an
		// innovation counts at most twice: later years may change
		if p := s.Periods[e.Year]; p == nil || p.FrozenAt != ev.Position {
			return nil, touch{}
		}
		for _, y := range sortedKeys(s.Periods) {
			if y <= e.Year {
				continue
			}
			for _, region := range sortedKeys(x.byRegion) {
				keys = append(keys, scoreKey{y, region})
			}
		}
		return keys, touch{all: true}
	}
	return nil, touch{}
}

// yearsFrom appends to keys region's years whose closing date is on or
// after day (or which have none).
func (x *Index) yearsFrom(keys []scoreKey, region string, day time.Time) []scoreKey {
	if x.years == nil {
		x.years = sortedKeys(x.state.Periods)
	}
	for _, y := range x.years {
		closes := x.state.Periods[y].closesAt()
		if closes.IsZero() || !dayOf(day).After(closes) {
			keys = append(keys, scoreKey{y, region})
		}
	}
	return keys
}

// flushHistory scores the pending region-years and records a step for each
// whose verified or provisional IID moved. The caller holds the write lock.
func (x *Index) flushHistory() error {
	if len(x.pending) == 0 {
		return nil
	}
	defer x.resetPending()
	if len(x.pending) > 1 {
		slices.SortFunc(x.pending, func(a, b pendingTouch) int {
			if a.key.year != b.key.year {
				return a.key.year - b.key.year
			}
			return strings.Compare(a.key.region, b.key.region)
		})
	}
	for i := range x.pending {
		t := &x.pending[i]
		k := t.key
		if _, ok := x.state.Periods[k.year]; !ok {
			continue
		}
		t.settle()
		id := domain.AssessmentID(k.year, k.region)
		a := x.state.Assessments[id]
		v, p, err := x.rescore(k, a, &t.touch)
		if err != nil {
			return err
		}
		if a != nil {
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
	return nil
}

// resetPending empties the commit's list, keeping its room (the events it
// held are let go).
func (x *Index) resetPending() {
	for i := range x.pending {
		t := &x.pending[i]
		t.touch.reset()
		t.ev, t.events, t.key = domain.RecordedEvent{}, 0, scoreKey{}
	}
	x.pending = x.pending[:0]
	clear(x.pendingAt)
}

// rescore returns k's verified and provisional IID after a commit that
// touched t (settled), re-scoring the touched parts alone. An answer
// changes an innovation's answered part alone; any other fact of an
// innovation (its stage, a session of its unit, a rejection, a year frozen
// before) changes its derived part and count decision alone. A region-year
// with no parts yet is scored whole. a is k's assessment (nil: none yet).
// Numbers only: the history builds no explanation. The caller holds the
// write lock.
func (x *Index) rescore(k scoreKey, a *assessmentState, t *touch) (v, p domain.Hundredths, err error) {
	period := x.state.Periods[k.year]
	c, err := domain.CatalogueByVersion(period.CatalogueVersion)
	if err != nil {
		return 0, 0, err
	}
	in := domain.ScoreInput{Region: k.region, Year: k.year, ClosesAt: period.closesAt()}
	parts := x.parts[k]
	all := parts == nil || t.all
	if parts == nil {
		parts = &scoreParts{innovations: make(map[string]innovationPart, len(x.byRegion[k.region]))}
		x.parts[k] = parts
	}
	if all {
		// the earlier years frozen, read when the parts were made or an
		// earlier year froze since (which touches every later year)
		parts.counted = x.countedYears(k.year, k.region)
	}
	if all || t.spd {
		spd := x.answerBuf[:0]
		if a != nil {
			var key []byte
			for _, ind := range c.IndicatorsOf(domain.AspectSPD) {
				key = appendAnswerKey(key[:0], "", ind.Code)
				if ans := a.Answers[string(key)]; ans != nil { // no copy of key to look it up
					spd = append(spd, ans.input())
				}
			}
		}
		x.answerBuf = spd[:0]
		if parts.spd, parts.spdProvisional, err = domain.ScoreSPD(c, spd); err != nil {
			return 0, 0, err
		}
	}
	// innovations whose facts changed: every one, those of the touched
	// units, the touched ones
	for _, inn := range x.byRegion[k.region] {
		if all || len(t.units) > 0 && slices.Contains(t.units, inn.unit) {
			if err := x.rescoreFacts(c, in, a, parts, inn.ID); err != nil {
				return 0, 0, err
			}
		}
	}
	if !all {
		for _, id := range t.innovations {
			if inn := x.state.Innovations[id]; len(t.units) > 0 && inn != nil && slices.Contains(t.units, inn.unit) {
				continue // done with its unit
			}
			if err := x.rescoreFacts(c, in, a, parts, id); err != nil {
				return 0, 0, err
			}
		}
	}
	for _, id := range t.answered {
		if err := x.rescoreAnswers(c, a, parts, id); err != nil {
			return 0, 0, err
		}
	}
	return domain.IIDOf(c, parts.spd, parts.sum, parts.n), domain.IIDOf(c, parts.spdProvisional, parts.sumProvisional, parts.n), nil
}

// rescoreFacts re-scores innovation id's derived part and count decision
// in a region-year (in) after a change to its facts, with its answered
// part too when it had no part before; or removes its part when id is not
// part of the year's score. The caller holds the write lock.
func (x *Index) rescoreFacts(c *domain.Catalogue, in domain.ScoreInput, a *assessmentState, parts *scoreParts, id string) error {
	inn := x.state.Innovations[id]
	if inn == nil || inn.Region != in.Region || !in.ClosesAt.IsZero() && dayOf(inn.ProposedOn).After(in.ClosesAt) {
		parts.set(id, innovationPart{}, false) // not part of this year's score
		return nil
	}
	part, had := parts.innovations[id]
	if !had { // its answers so far (an innovation becomes part of a year when proposed)
		var err error
		if part.answered, part.answeredProvisional, err = x.answeredPoints(c, a, id); err != nil {
			return err
		}
	}
	var sessions []domain.DatedFact
	if inn.unit != "" {
		sessions = x.sessionDatesOfUnit(in.Region, inn.unit)
	}
	part.counted, part.derived = domain.InnovationDerived(c, in, x.innovationInput(inn, a, nil, sessions, parts.counted[id]))
	parts.set(id, part, true)
	return nil
}

// rescoreAnswers re-scores the answered part of innovation id alone, after
// a change to its answers; an innovation that is not part of the
// region-year's score stays out (an answer does not make it part). The
// caller holds the write lock.
func (x *Index) rescoreAnswers(c *domain.Catalogue, a *assessmentState, parts *scoreParts, id string) error {
	part, ok := parts.innovations[id]
	if !ok {
		return nil
	}
	var err error
	if part.answered, part.answeredProvisional, err = x.answeredPoints(c, a, id); err != nil {
		return err
	}
	parts.set(id, part, true)
	return nil
}

// answeredPoints is domain.InnovationAnswered of innovation id's answers in
// a (nil: none) to the catalogue's SID indicators (answers to an indicator
// the catalogue does not hold as one are left out, as the score leaves
// them). The caller holds the write lock (it borrows the index's room).
func (x *Index) answeredPoints(c *domain.Catalogue, a *assessmentState, id string) (points, provisional domain.Milli, err error) {
	if a == nil {
		return 0, 0, nil
	}
	order := sidOrder(c)
	answers := x.answerBuf[:0]
	for _, ans := range a.innovationAnswers(id) {
		if _, ok := order[ans.Indicator]; ok {
			answers = append(answers, ans.input())
		}
	}
	x.answerBuf = answers[:0]
	return domain.InnovationAnswered(c, id, answers)
}

// set replaces innovation id's part (keep false: removes it), keeping the
// sums of the counted ones.
func (s *scoreParts) set(id string, part innovationPart, keep bool) {
	if old, ok := s.innovations[id]; ok && old.counted {
		s.n--
		s.sum -= old.points()
		s.sumProvisional -= old.provisional()
	}
	if !keep {
		delete(s.innovations, id)
		return
	}
	s.innovations[id] = part
	if part.counted {
		s.n++
		s.sum += part.points()
		s.sumProvisional += part.provisional()
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
