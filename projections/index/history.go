package index

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strings"
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

// scoreStep is one change, as kept: the values after it (the values
// before are the previous step's, or zero). It holds no pointer, so that
// the collector never scans the history (hundreds of thousands of steps at
// national scale, kept for the life of the process): its strings are refs
// into the history's table and its time a stamp.
type scoreStep struct {
	Position uint64
	At       stamp     // occurred-at of the event
	EventID  uuid.UUID // the commit's first event touching the region-year
	Type     strRef
	Actor    strRef
	Role     strRef
	// Indicator and InnovationID are what the event was about ("" if
	// not one indicator or innovation).
	Indicator    strRef
	InnovationID strRef
	Events       int32 // events of the commit touching the region-year
	Verified     domain.Hundredths
	Provisional  domain.Hundredths
}

// scoreHistory is the score history of every region-year, keyed by
// assessment id ("2025-64.03"), with the table of its strings.
type scoreHistory struct {
	steps map[string][]scoreStep
	strs  []string          // by ref; strs[0] is ""
	refs  map[string]strRef // the table's index
	// recent is the last ref given per field of a step (stepType ...):
	// one commit after another has the same type, actor and role.
	recent [stepFields]strRef
}

// The string fields of a step, for scoreHistory.refIn.
const (
	stepType = iota
	stepActor
	stepRole
	stepIndicator
	stepInnovation
	stepFields
)

// strRef is a string of a scoreHistory's table.
type strRef uint32

func newScoreHistory() scoreHistory {
	return scoreHistory{steps: map[string][]scoreStep{}, strs: []string{""}, refs: map[string]strRef{"": 0}}
}

// ref returns s's ref, adding a copy of s to the table when new. The
// caller holds the index's write lock.
func (h *scoreHistory) ref(s string) strRef {
	if r, ok := h.refs[s]; ok {
		return r
	}
	s = strings.Clone(s) // not a piece of an event's buffer
	r := strRef(len(h.strs))
	h.strs = append(h.strs, s)
	h.refs[s] = r
	return r
}

func (h *scoreHistory) str(r strRef) string { return h.strs[r] }

// refIn is ref(s) for a field of a step, trying the field's last ref
// first. The caller holds the index's write lock.
func (h *scoreHistory) refIn(field int, s string) strRef {
	if r := h.recent[field]; h.strs[r] == s {
		return r
	}
	r := h.ref(s)
	h.recent[field] = r
	return r
}

// stamp is a time.Time without its location: seconds since 0001-01-01 UTC
// (the zero time is the zero stamp), nanoseconds, and the zone's offset
// from UTC (a zone's name is not kept, as the index codec does not keep
// it).
type stamp struct {
	sec    int64
	nsec   int32
	offset int32
}

// zeroUnix is the Unix time of the zero time.Time.
var zeroUnix = time.Time{}.Unix()

func stampOf(t time.Time) stamp {
	_, offset := t.Zone()
	return stamp{sec: t.Unix() - zeroUnix, nsec: int32(t.Nanosecond()), offset: int32(offset)}
}

func (s stamp) time() time.Time {
	if s == (stamp{}) {
		return time.Time{}
	}
	t := time.Unix(s.sec+zeroUnix, int64(s.nsec))
	if s.offset == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", int(s.offset)))
}

// scoreStepJSON is a step as the state's JSON shows it (StateJSON).
type scoreStepJSON struct {
	Position     uint64            `json:",omitzero"`
	At           time.Time         `json:",omitzero"`
	EventID      uuid.UUID         `json:",omitzero"`
	Type         string            `json:",omitzero"`
	Actor        string            `json:",omitzero"`
	Role         string            `json:",omitzero"`
	Indicator    string            `json:",omitzero"`
	InnovationID string            `json:",omitzero"`
	Events       int               `json:",omitzero"`
	Verified     domain.Hundredths `json:",omitzero"`
	Provisional  domain.Hundredths `json:",omitzero"`
}

// IsZero makes the state's JSON leave a nil history out.
func (h scoreHistory) IsZero() bool { return h.steps == nil }

// MarshalJSON writes the history as the state's JSON shows it: the steps
// with their strings and times, by assessment id.
func (h scoreHistory) MarshalJSON() ([]byte, error) {
	out := make(map[string][]scoreStepJSON, len(h.steps))
	for k, steps := range h.steps {
		list := make([]scoreStepJSON, len(steps))
		for i, s := range steps {
			list[i] = scoreStepJSON{Position: s.Position, At: s.At.time(), EventID: s.EventID, Type: h.str(s.Type),
				Actor: h.str(s.Actor), Role: h.str(s.Role), Indicator: h.str(s.Indicator), InnovationID: h.str(s.InnovationID),
				Events: int(s.Events), Verified: s.Verified, Provisional: s.Provisional}
		}
		out[k] = list
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as StateJSON
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
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
	// innovations are the parts of the region's innovations, by their
	// ord (a slice, not a map: a commit reads and writes a few of them,
	// a year opened all of them).
	innovations []innovationPart
	// sum, sumProvisional and n are the counted innovations' points and
	// their number, kept as the innovations' parts change.
	sum, sumProvisional domain.Milli
	n                   int
}

// innovationPart is one innovation's points in a region-year: the part its
// answers give (domain.InnovationAnswered), which an answer changes alone,
// and the part derived from events with the count decision
// (domain.InnovationDerived).
type innovationPart struct {
	in                            bool // part of the year's score
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
	h := &x.state.History
	stored := h.steps[domain.AssessmentID(year, region)]
	stored = stored[:sort.Search(len(stored), func(i int) bool { return stored[i].Position > position })]
	out := make([]ScoreStep, 0, len(stored))
	var v, p domain.Hundredths
	for _, s := range stored {
		out = append(out, ScoreStep{Position: s.Position, At: s.At.time(), EventID: s.EventID, Type: h.str(s.Type),
			Actor:     domain.Actor{UserID: h.str(s.Actor), Role: domain.Role(h.str(s.Role))},
			Indicator: h.str(s.Indicator), InnovationID: h.str(s.InnovationID), Events: int(s.Events),
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
		h := &x.state.History
		steps := h.steps[id]
		var lastV, lastP domain.Hundredths
		if n := len(steps); n > 0 {
			lastV, lastP = steps[n-1].Verified, steps[n-1].Provisional
		}
		if v == lastV && p == lastP {
			continue
		}
		ev := t.ev
		step := scoreStep{Position: ev.Position, At: stampOf(ev.OccurredAt), EventID: ev.ID, Type: h.refIn(stepType, ev.Type),
			Actor: h.refIn(stepActor, ev.Actor.UserID), Role: h.refIn(stepRole, string(ev.Actor.Role)),
			Events: int32(t.events), Verified: v, Provisional: p}
		indicator, innovation := x.subjectOf(ev)
		step.Indicator, step.InnovationID = h.refIn(stepIndicator, indicator), h.refIn(stepInnovation, innovation)
		h.steps[id] = append(steps, step)
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
		parts = &scoreParts{innovations: make([]innovationPart, len(x.byRegion[k.region]))}
		x.parts[k] = parts
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
			if err := x.rescoreFacts(c, in, a, parts, inn); err != nil {
				return 0, 0, err
			}
		}
	}
	if !all {
		for _, id := range t.innovations {
			inn := x.state.Innovations[id]
			if inn == nil || inn.Region != k.region || len(t.units) > 0 && slices.Contains(t.units, inn.unit) {
				continue // not the region's (no part), or done with its unit
			}
			if err := x.rescoreFacts(c, in, a, parts, inn); err != nil {
				return 0, 0, err
			}
		}
	}
	for _, id := range t.answered {
		if err := x.rescoreAnswers(c, a, parts, k.region, id); err != nil {
			return 0, 0, err
		}
	}
	return domain.IIDOf(c, parts.spd, parts.sum, parts.n), domain.IIDOf(c, parts.spdProvisional, parts.sumProvisional, parts.n), nil
}

// rescoreFacts re-scores the derived part and count decision of inn, one
// of the region's innovations, in a region-year (in) after a change to its
// facts, with its answered part too when it had no part before; or takes
// its part out when inn is not part of the year's score. The caller holds
// the write lock.
func (x *Index) rescoreFacts(c *domain.Catalogue, in domain.ScoreInput, a *assessmentState, parts *scoreParts, inn *innovationState) error {
	if !in.ClosesAt.IsZero() && dayOf(inn.ProposedOn).After(in.ClosesAt) {
		parts.set(inn.ord, innovationPart{}) // not part of this year's score
		return nil
	}
	part := parts.part(inn.ord)
	if !part.in { // its answers so far (an innovation becomes part of a year when proposed)
		var err error
		if part.answered, part.answeredProvisional, err = x.answeredPoints(c, a, inn.ID); err != nil {
			return err
		}
		part.in = true
	}
	sessions := x.unitSessionsOf(inn)
	part.counted, part.derived = domain.InnovationDerived(c, in, x.innovationInput(inn, a, nil, sessions, inn.countedIn))
	parts.set(inn.ord, part)
	return nil
}

// rescoreAnswers re-scores the answered part of innovation id alone, after
// a change to its answers; an innovation that is not part of the
// region-year's score stays out (an answer does not make it part). The
// caller holds the write lock.
func (x *Index) rescoreAnswers(c *domain.Catalogue, a *assessmentState, parts *scoreParts, region, id string) error {
	inn := x.state.Innovations[id]
	if inn == nil || inn.Region != region {
		return nil
	}
	part := parts.part(inn.ord)
	if !part.in {
		return nil
	}
	var err error
	if part.answered, part.answeredProvisional, err = x.answeredPoints(c, a, id); err != nil {
		return err
	}
	parts.set(inn.ord, part)
	return nil
}

// answeredPoints is domain.InnovationAnswered of innovation id's answers in
// a (nil: none), as the score takes them (it refuses what the score
// refuses). The caller holds the write lock (it borrows the index's room).
func (x *Index) answeredPoints(c *domain.Catalogue, a *assessmentState, id string) (points, provisional domain.Milli, err error) {
	if a == nil {
		return 0, 0, nil
	}
	answers := x.answerBuf[:0]
	for _, ans := range a.innovationAnswers(id) {
		answers = append(answers, ans.input())
	}
	x.answerBuf = answers[:0]
	return domain.InnovationAnswered(c, id, answers)
}

// part is the part of the innovation at ord (not in: none yet).
func (s *scoreParts) part(ord int) innovationPart {
	if ord < len(s.innovations) {
		return s.innovations[ord]
	}
	return innovationPart{}
}

// set replaces the part of the innovation at ord (a part not in takes it
// out of the year's score), keeping the sums of the counted ones.
func (s *scoreParts) set(ord int, part innovationPart) {
	if ord >= len(s.innovations) {
		s.innovations = append(s.innovations, make([]innovationPart, ord+1-len(s.innovations))...)
	}
	if old := s.innovations[ord]; old.in && old.counted {
		s.n--
		s.sum -= old.points()
		s.sumProvisional -= old.provisional()
	}
	if !part.in {
		part = innovationPart{}
	}
	s.innovations[ord] = part
	if part.in && part.counted {
		s.n++
		s.sum += part.points()
		s.sumProvisional += part.provisional()
	}
}

// subjectOf is the indicator and innovation an event is about.
func (x *Index) subjectOf(ev domain.RecordedEvent) (indicator, innovation string) {
	switch e := ev.Data.(type) {
	case domain.AnswerSubmitted:
		return e.Indicator, e.InnovationID
	case domain.AnswerVerified:
		return e.Indicator, e.InnovationID
	case domain.InnovationRejected:
		return "", e.InnovationID
	}
	if ev.AggregateType == domain.AggregateInnovation {
		return "", ev.AggregateID
	}
	return "", ""
}
