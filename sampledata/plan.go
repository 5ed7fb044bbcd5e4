package sampledata

import (
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// actionKind names what an action does.
type actionKind int

const (
	actOpenPeriod actionKind = iota
	actAdvancePhase
	actSetOffice
	actSetPerbatasan
	actPropose
	actStartTrial
	actStartImplementation
	actWithdraw
	actReplicate
	actScheduleBimtek
	actAttend
	actCloseBimtek
	actSubmitAnswers
	actVerifyAnswers
	actRejectInnovation
	actUploadEvidence
	actMakePublic
)

// action is one step of a planned history. Actions of one region never
// run concurrently; period actions and replications (which touch two
// regions) run alone.
type action struct {
	at    time.Time
	seq   int       // tie-break: planning order
	id    uuid.UUID // the command id
	kind  actionKind
	actor domain.Actor

	year     int
	region   string
	phase    domain.Phase
	schedule []domain.PhaseWindow
	version  string // catalogue version

	officeName string
	officeKind domain.OfficeKind
	reason     string

	inn     *innovationPlan // propose, stages, withdraw, make public, replicate (origin)
	adopter *innovationPlan // replicate: the adopting region's innovation
	session *sessionPlan
	people  []domain.Participant

	innovationID string // answers, verification, rejection ("" for SPD)
	answers      []answerPlan
	document     *Document // upload
}

// alone reports whether the action must run with nothing else in flight.
func (a *action) alone() bool {
	return a.kind == actOpenPeriod || a.kind == actAdvancePhase || a.kind == actReplicate
}

// innovationPlan is one innovation and its stage dates (zero: not reached).
type innovationPlan struct {
	id          string
	region      string
	details     domain.InnovationDetails
	proposed    time.Time
	trial       time.Time
	implemented time.Time
	withdrawn   time.Time
	origin      *innovationPlan
	replicas    []*innovationPlan // adopting regions' copies, by date
	counted     []int             // years in which the plan expects it to count
}

// sessionPlan is one Bimtek, sosialisasi or workshop session.
type sessionPlan struct {
	id        string
	plan      domain.BimtekPlan
	attendees []domain.Participant
}

// answerPlan is one answer and its verification.
type answerPlan struct {
	indicator string
	claimed   int
	evidence  domain.Evidence
	decision  domain.Decision // "" leaves it pending
	verified  int             // for DecisionLower
	reason    string
}

// plan collects actions with deterministic command ids.
type plan struct {
	ns      uuid.UUID
	actions []*action
}

func newPlan(namespace string) *plan {
	return &plan{ns: uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://jejak.id/sampledata/"+namespace))}
}

// cmd returns the deterministic command id of a named step.
func (p *plan) cmd(name string) uuid.UUID { return uuid.NewSHA1(p.ns, []byte(name)) }

// add appends an action named name (its command id derives from it).
func (p *plan) add(name string, a *action) *action {
	a.id = p.cmd(name)
	a.seq = len(p.actions)
	p.actions = append(p.actions, a)
	return a
}

// sorted returns the actions in the order they happen.
func (p *plan) sorted() []*action {
	out := slices.Clone(p.actions)
	slices.SortStableFunc(out, func(x, y *action) int {
		if c := x.at.Compare(y.at); c != 0 {
			return c
		}
		return cmp.Compare(x.seq, y.seq)
	})
	return out
}

// groups splits sorted actions into runs that may execute together: each
// run is either one action that must run alone, or consecutive actions of
// one UTC day, to be executed per region in order.
func groups(actions []*action) [][]*action {
	var out [][]*action
	var cur []*action
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	for _, a := range actions {
		if a.alone() {
			flush()
			out = append(out, []*action{a})
			continue
		}
		if len(cur) > 0 && !domain.Day(cur[0].at).Equal(domain.Day(a.at)) {
			flush()
		}
		cur = append(cur, a)
	}
	flush()
	return out
}

// Summary counts what a loader wrote.
type Summary struct {
	Regions     int // regions with a profile, innovations or answers
	Innovations int // innovations proposed (including replicas)
	Sessions    int // Bimtek, sosialisasi and workshop sessions
	Answers     int // answers submitted
	Commits     int // commits appended (duplicates not counted)
	Events      int // events appended
}

// summarise counts the plan's regions, innovations, sessions and answers.
func summarise(actions []*action) Summary {
	var s Summary
	regions := map[string]bool{}
	for _, a := range actions {
		if a.region != "" {
			regions[a.region] = true
		}
		switch a.kind {
		case actPropose, actReplicate:
			s.Innovations++
		case actScheduleBimtek:
			s.Sessions++
		case actSubmitAnswers:
			s.Answers += len(a.answers)
		}
	}
	s.Regions = len(regions)
	return s
}
