package index

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// The index state is plain data with exported fields so that it serialises
// deterministically (encoding/json sorts map keys): the snapshot, the state
// hash and the checkpoint are all that one encoding.
//
// Every aggregate's state keeps its Version: the aggregate version (number
// of events) as of the index's position, so a read can answer an ETag
// without loading the aggregate from the store, and a read as of a past
// position answers the version of then.

type periodState struct {
	Year             int                  `json:",omitzero"`
	CatalogueVersion string               `json:",omitzero"`
	Phase            domain.Phase         `json:",omitzero"`
	Schedule         []domain.PhaseWindow `json:",omitzero"`
	OpenedAt         time.Time            `json:",omitzero"`
	// FrozenAt is the position of the commit that moved the period to pleno;
	// Results are the scores frozen then, by region.
	FrozenAt uint64                   `json:",omitzero"`
	Results  map[string]*frozenResult `json:",omitzero"`
	// Version is the period aggregate's version (see aggregateVersions).
	Version uint64 `json:",omitzero"`
}

// frozenResult is a region's published result of a year.
type frozenResult struct {
	SPD            domain.Milli      `json:",omitzero"`
	SID            string            `json:",omitzero"` // exact rational, big.Rat.RatString
	Total          string            `json:",omitzero"` // exact rational
	IID            domain.Hundredths `json:",omitzero"`
	Predicate      string            `json:",omitzero"`
	ProvisionalIID domain.Hundredths `json:",omitzero"`
	Counted        []string          `json:",omitzero"` // innovation ids that counted
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
	Perbatasan bool              `json:",omitzero"`
	OfficeName string            `json:",omitzero"`
	OfficeKind domain.OfficeKind `json:",omitzero"`
	Version    uint64            `json:",omitzero"`
}

type innovationState struct {
	ID     string `json:",omitzero"`
	Region string `json:",omitzero"`
	Name   string `json:",omitzero"`
	Unit   string `json:",omitzero"`
	// unit is normUnit(Unit), derived when the innovation is applied or
	// restored (not serialised): the score history asks on every commit.
	unit string
	// ord is the innovation's place among its region's innovations in
	// the order the index came to know them (derived, not serialised): the
	// score history keeps a region's innovation parts by it.
	ord int
	// dates is the innovation's unit's sessions for the history, while
	// datesGen is the index's unitGen (derived, not serialised; see
	// unitDates).
	dates    *unitDates
	datesGen uint64
	// countedIn is the frozen years in which the innovation counted
	// (derived from the periods' results, not serialised): the history's
	// count decision takes the earlier ones.
	countedIn               []int
	Initiator               domain.Initiator   `json:",omitzero"`
	Form                    domain.Form        `json:",omitzero"`
	Digital                 bool               `json:",omitzero"`
	Affair                  domain.Affair      `json:",omitzero"`
	Stage                   domain.Stage       `json:",omitzero"`
	ProposedOn              time.Time          `json:",omitzero"`
	TrialStartedOn          time.Time          `json:",omitzero"`
	ImplementationStartedOn time.Time          `json:",omitzero"`
	WithdrawnOn             time.Time          `json:",omitzero"`
	WithdrawReason          string             `json:",omitzero"`
	ProposedEventID         uuid.UUID          `json:",omitzero"`
	TrialEventID            uuid.UUID          `json:",omitzero"`
	OriginInnovationID      string             `json:",omitzero"`
	OriginRegion            string             `json:",omitzero"`
	Replications            []domain.DatedFact `json:",omitzero"`
	// MadePublicAt is when the region made the innovation public
	// (innovation.publicity_set), zero while it has not or took it back.
	MadePublicAt time.Time `json:",omitzero"`
	// Timeline lists the stage events, oldest first.
	Timeline []stageEvent `json:",omitzero"`
	Version  uint64       `json:",omitzero"`
}

type stageEvent struct {
	Stage   domain.Stage `json:",omitzero"`
	On      time.Time    `json:",omitzero"`
	EventID uuid.UUID    `json:",omitzero"`
	Actor   string       `json:",omitzero"`
}

type answerState struct {
	Indicator    string              `json:",omitzero"`
	InnovationID string              `json:",omitzero"`
	Unit         string              `json:",omitzero"`
	Revision     int                 `json:",omitzero"`
	Claimed      int                 `json:",omitzero"`
	Status       domain.AnswerStatus `json:",omitzero"`
	Verified     int                 `json:",omitzero"`
	Evidence     domain.Evidence     `json:",omitzero"`
	SubmittedBy  string              `json:",omitzero"`
	SubmittedAt  time.Time           `json:",omitzero"`
	Reason       string              `json:",omitzero"`
	VerifiedBy   string              `json:",omitzero"`
	VerifiedAt   time.Time           `json:",omitzero"`
	EventIDs     []uuid.UUID         `json:",omitzero"`
}

func (a *answerState) input() domain.AnswerInput {
	return domain.AnswerInput{Indicator: a.Indicator, Claimed: a.Claimed, Status: a.Status, Verified: a.Verified, EventIDs: a.EventIDs}
}

type assessmentState struct {
	Year   int    `json:",omitzero"`
	Region string `json:",omitzero"`
	// Answers are keyed by answerKey(innovation, indicator).
	Answers map[string]*answerState `json:",omitzero"`
	// Rejected maps innovation ids rejected for the year to the reason.
	Rejected       map[string]string `json:",omitzero"`
	FirstSubmitted time.Time         `json:",omitzero"`
	LastSubmitted  time.Time         `json:",omitzero"`
	Version        uint64            `json:",omitzero"`
	// byInnovation lists each innovation's answers (the values of Answers
	// with that InnovationID), derived (not serialised): built on first
	// use and kept as answers are submitted, so the score history reads an
	// innovation's twenty-odd answers without a map lookup for each.
	byInnovation map[string][]*answerState
}

// innovationAnswers returns innovation id's answers, in no order. The
// caller holds the index's write lock (the list is built on first use).
func (a *assessmentState) innovationAnswers(id string) []*answerState {
	if a.byInnovation == nil {
		a.byInnovation = map[string][]*answerState{}
		for _, ans := range a.Answers {
			if ans.InnovationID != "" {
				a.byInnovation[ans.InnovationID] = append(a.byInnovation[ans.InnovationID], ans)
			}
		}
	}
	return a.byInnovation[id]
}

// answerSet notes that ans replaced old (nil: none) in Answers, for
// innovationAnswers once its lists exist.
func (a *assessmentState) answerSet(old, ans *answerState) {
	if a.byInnovation == nil || ans.InnovationID == "" {
		return
	}
	list := a.byInnovation[ans.InnovationID]
	if i := slices.Index(list, old); old != nil && i >= 0 {
		list[i] = ans
		return
	}
	a.byInnovation[ans.InnovationID] = append(list, ans)
}

func answerKey(innovationID, indicator string) string {
	if innovationID == "" {
		return "spd/" + indicator
	}
	return innovationID + "/" + indicator
}

// appendAnswerKey appends answerKey(innovationID, indicator) to b.
func appendAnswerKey(b []byte, innovationID, indicator string) []byte {
	if innovationID == "" {
		b = append(b, "spd"...)
	} else {
		b = append(b, innovationID...)
	}
	return append(append(b, '/'), indicator...)
}

// attendeeState is an attendee as the event holds it: personal fields
// sealed (or a legacy plain name), never opened here, so checkpoints and
// snapshots hold no plaintext personal data of sealed attendees.
type attendeeState struct {
	Subject    string        `json:",omitzero"`
	Name       domain.Sealed `json:",omitzero"`
	NIP        domain.Sealed `json:",omitzero"`
	Position   domain.Sealed `json:",omitzero"`
	Contact    domain.Sealed `json:",omitzero"`
	LegacyName string        `json:",omitzero"`
	Unit       string        `json:",omitzero"`
	Role       string        `json:",omitzero"`
	Region     string        `json:",omitzero"`
	EventID    uuid.UUID     `json:",omitzero"`
	// unit is normUnit(Unit), derived when the attendee is applied or
	// restored (not serialised): indicator 20 groups by it on every score.
	unit string
}

// sealed is the attendee as domain.PersonalData.Open takes it.
func (a attendeeState) sealed() domain.Attendee {
	return domain.Attendee{Subject: a.Subject, Name: a.Name, NIP: a.NIP, Position: a.Position, Contact: a.Contact,
		LegacyName: a.LegacyName, Unit: a.Unit, Role: a.Role, Region: a.Region}
}

type sessionState struct {
	ID          string             `json:",omitzero"`
	Region      string             `json:",omitzero"`
	Title       string             `json:",omitzero"`
	Kind        domain.SessionKind `json:",omitzero"`
	Date        time.Time          `json:",omitzero"`
	Venue       string             `json:",omitzero"`
	Organiser   string             `json:",omitzero"`
	Mode        domain.SessionMode `json:",omitzero"`
	Speakers    []string           `json:",omitzero"`
	Attendees   []attendeeState    `json:",omitzero"`
	Closed      bool               `json:",omitzero"`
	ScheduledBy string             `json:",omitzero"`
	Version     uint64             `json:",omitzero"`
}

// evidenceState is one evidence file (by its SHA-256) and the regions it was
// uploaded for, in upload order.
type evidenceState struct {
	SHA256    string           `json:",omitzero"`
	Size      int64            `json:",omitzero"`
	MediaType string           `json:",omitzero"`
	Pages     int              `json:",omitzero"`
	Uploads   []evidenceUpload `json:",omitzero"`
}

// evidenceUpload is the upload of a file for one region; Version is that
// evidence aggregate's version.
type evidenceUpload struct {
	Region     string    `json:",omitzero"`
	Name       string    `json:",omitzero"`
	UploadedBy string    `json:",omitzero"`
	UploadedAt time.Time `json:",omitzero"`
	EventID    uuid.UUID `json:",omitzero"`
	Version    uint64    `json:",omitzero"`
}

// upload returns the file's upload for region, nil if none.
func (e *evidenceState) upload(region string) *evidenceUpload {
	for i := range e.Uploads {
		if e.Uploads[i].Region == region {
			return &e.Uploads[i]
		}
	}
	return nil
}

// indexState is everything the index projection knows.
type indexState struct {
	Periods     map[int]*periodState        `json:",omitzero"`
	Regions     map[string]*regionState     `json:",omitzero"`
	Innovations map[string]*innovationState `json:",omitzero"`
	Sessions    map[string]*sessionState    `json:",omitzero"`
	Assessments map[string]*assessmentState `json:",omitzero"`
	Evidence    map[string]*evidenceState   `json:",omitzero"`
	// Commits indexes time travel: the occurred-at of each commit.
	Events uint64 `json:",omitzero"`
	// History is every change of each region-year's IID, keyed by
	// assessment id ("2025-64.03"); see history.go.
	History scoreHistory `json:",omitzero"`
	// Figures is, for each assessed region-year (keyed like History), what
	// its place in a ranking depended on after every commit that changed
	// it; see figures.go.
	Figures map[string][]figureStep `json:",omitzero"`
}

func newIndexState() *indexState {
	return &indexState{
		Periods:     map[int]*periodState{},
		Regions:     map[string]*regionState{},
		Innovations: map[string]*innovationState{},
		Sessions:    map[string]*sessionState{},
		Assessments: map[string]*assessmentState{},
		Evidence:    map[string]*evidenceState{},
		History:     newScoreHistory(),
		Figures:     map[string][]figureStep{},
	}
}

func normUnit(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// person identifies the attendee across sessions without opening anything:
// the subject, or for legacy attendance its plain name and unit.
func (a attendeeState) person() string {
	if a.Subject != "" {
		return a.Subject
	}
	return "legacy|" + normUnit(a.LegacyName) + "|" + normUnit(a.Unit)
}
