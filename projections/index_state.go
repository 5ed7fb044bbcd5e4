package projections

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// The index state is plain data with exported fields so that it serialises
// deterministically (encoding/json sorts map keys): the snapshot, the state
// hash and the checkpoint are all that one encoding.

type periodState struct {
	Year             int
	CatalogueVersion string
	Phase            domain.Phase
	Schedule         []domain.PhaseWindow
	OpenedAt         time.Time
	// FrozenAt is the position of the commit that moved the period to pleno;
	// Results are the scores frozen then, by region.
	FrozenAt uint64
	Results  map[string]*frozenResult
}

// frozenResult is a region's published result of a year.
type frozenResult struct {
	SPD            domain.Milli
	SID            string // exact rational, big.Rat.RatString
	Total          string // exact rational
	IID            domain.Hundredths
	Predicate      string
	ProvisionalIID domain.Hundredths
	Counted        []string // innovation ids that counted
}

// closesAt is the end of penjaringan, the reference date of the windows.
func (p *periodState) closesAt() time.Time {
	for _, w := range p.Schedule {
		if w.Phase == domain.PhasePenjaringan {
			return w.End
		}
	}
	return time.Time{}
}

type regionState struct {
	Perbatasan bool
	OfficeName string
	OfficeKind domain.OfficeKind
}

type innovationState struct {
	ID                      string
	Region                  string
	Name                    string
	Unit                    string
	Initiator               domain.Initiator
	Form                    domain.Form
	Digital                 bool
	Affair                  domain.Affair
	Stage                   domain.Stage
	ProposedOn              time.Time
	TrialStartedOn          time.Time
	ImplementationStartedOn time.Time
	WithdrawnOn             time.Time
	WithdrawReason          string
	ProposedEventID         uuid.UUID
	TrialEventID            uuid.UUID
	OriginInnovationID      string
	OriginRegion            string
	Replications            []domain.DatedFact
	// Timeline lists the stage events, oldest first.
	Timeline []stageEvent
}

type stageEvent struct {
	Stage   domain.Stage
	On      time.Time
	EventID uuid.UUID
	Actor   string
}

type answerState struct {
	Indicator    string
	InnovationID string
	Unit         string
	Revision     int
	Claimed      int
	Status       domain.AnswerStatus
	Verified     int
	Evidence     domain.Evidence
	SubmittedBy  string
	SubmittedAt  time.Time
	Reason       string
	VerifiedBy   string
	VerifiedAt   time.Time
	EventIDs     []uuid.UUID
}

func (a *answerState) input() domain.AnswerInput {
	return domain.AnswerInput{Indicator: a.Indicator, Claimed: a.Claimed, Status: a.Status, Verified: a.Verified, EventIDs: a.EventIDs}
}

type assessmentState struct {
	Year   int
	Region string
	// Answers are keyed by answerKey(innovation, indicator).
	Answers map[string]*answerState
	// Rejected maps innovation ids rejected for the year to the reason.
	Rejected       map[string]string
	FirstSubmitted time.Time
	LastSubmitted  time.Time
}

func answerKey(innovationID, indicator string) string {
	if innovationID == "" {
		return "spd/" + indicator
	}
	return innovationID + "/" + indicator
}

type attendeeState struct {
	Name    string
	Unit    string
	Role    string
	Region  string
	EventID uuid.UUID
}

type sessionState struct {
	ID          string
	Region      string
	Title       string
	Kind        domain.SessionKind
	Date        time.Time
	Venue       string
	Organiser   string
	Mode        domain.SessionMode
	Speakers    []string
	Attendees   []attendeeState
	Closed      bool
	ScheduledBy string
}

// indexState is everything the index projection knows.
type indexState struct {
	Periods     map[int]*periodState
	Regions     map[string]*regionState
	Innovations map[string]*innovationState
	Sessions    map[string]*sessionState
	Assessments map[string]*assessmentState
	// Commits indexes time travel: the occurred-at of each commit.
	Events uint64
}

func newIndexState() *indexState {
	return &indexState{
		Periods:     map[int]*periodState{},
		Regions:     map[string]*regionState{},
		Innovations: map[string]*innovationState{},
		Sessions:    map[string]*sessionState{},
		Assessments: map[string]*assessmentState{},
	}
}

func normUnit(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
