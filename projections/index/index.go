package index

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// Version is the version of the index projection's logic and state.
const Version = 10

// Index is the main read model: periods, regions, innovations, Bimtek
// sessions and assessments, from which it answers the IID of every region
// and year (with its explanation), rankings, statistics and the verification
// queue. One state serves all of them so a rebuild reads the stream once.
//
// Index is safe for concurrent use: Apply takes the write lock, queries the
// read lock. Scores are computed on demand and cached until an event touches
// the region.
type Index struct {
	mu    sync.RWMutex
	state *indexState
	// derived lookups, rebuilt from state on restore
	byRegion        map[string][]*innovationState
	sessionsBy      map[string][]*sessionState
	assessedRegions map[int][]string
	// syms shares the strings that repeat across events (indicators,
	// units, users, reasons), as the snapshot codec does on restore, so a
	// national rebuild does not keep a copy per answer. Held under mu.
	syms map[string]string
	// queue is the verification queue (queue.go). Held under mu.
	queue verificationQueue

	// snapshotSize is the last snapshot's size, to size the next one's buffer.
	snapshotSize atomic.Int64

	cacheMu     sync.Mutex
	scores      *scoreCache // scorecache.go; held under cacheMu
	scoreBudget int64       // its bound in bytes (SetScoreCacheBytes)
	// scoreGen and regionGen count invalidations, of every region and of
	// each (ScoreVersion); under cacheMu.
	scoreGen  uint64
	regionGen map[string]uint64

	// pending are the region-years the commit being applied touched
	// (history.go), a list reused from commit to commit, found through
	// pendingAt when long. Held under mu, like the history's other room:
	// touchKeys and touchIDs (touches), answerBuf (the answers scored) and
	// years (the periods' years in order, nil after a period event).
	pending   []pendingTouch
	pendingAt map[scoreKey]int
	touchKeys []scoreKey
	touchIDs  [1]string
	answerBuf []domain.AnswerInput
	years     []int
	// unitDates caches sessionDatesByUnit per region for the history,
	// kept up to date by Bimtek events (sessions and attendance change
	// only by them: noteSessionDates); reindex drops it.
	unitDates map[string]map[string]*unitDates
	// unitGen counts the times unitDates were dropped: an innovation's
	// pointer to its unit's dates holds while its generation is current.
	unitGen uint64
	// parts keep each region-year's score between commits (history.go).
	// Held under mu.
	parts map[scoreKey]*scoreParts
	// noHistory leaves the score history out (WithoutHistory), for
	// measuring what it costs. Set before the first event.
	noHistory bool
}

// WithoutHistory makes an index that keeps no score history, for one
// purpose only: measuring what the history costs a rebuild (jejak bench
// projections --history-cost). Its state differs from Jejak's (no steps),
// so it must never be checkpointed or served. Call it before any event.
func (x *Index) WithoutHistory() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.noHistory = true
}

// New returns an empty index.
func New() *Index {
	x := &Index{state: newIndexState(), scoreBudget: DefaultScoreCacheBytes}
	x.reindex()
	return x
}

func (x *Index) Name() string { return "index" }

// Events is the number of events applied to the index.
func (x *Index) Events() uint64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.state.Events
}
func (x *Index) Version() int { return Version }

func (x *Index) reindex() {
	x.byRegion = map[string][]*innovationState{}
	x.sessionsBy = map[string][]*sessionState{}
	x.assessedRegions = map[int][]string{}
	for _, id := range sortedKeys(x.state.Innovations) {
		inn := x.state.Innovations[id]
		inn.unit = normUnit(inn.Unit)
		inn.ord = len(x.byRegion[inn.Region])
		x.byRegion[inn.Region] = append(x.byRegion[inn.Region], inn)
	}
	for _, y := range sortedKeys(x.state.Periods) {
		p := x.state.Periods[y]
		for _, region := range sortedKeys(p.Results) {
			x.noteCounted(y, p.Results[region])
		}
	}
	for _, id := range sortedKeys(x.state.Sessions) {
		s := x.state.Sessions[id]
		x.sessionsBy[s.Region] = append(x.sessionsBy[s.Region], s)
	}
	for _, id := range sortedKeys(x.state.Assessments) {
		a := x.state.Assessments[id]
		x.assessedRegions[a.Year] = append(x.assessedRegions[a.Year], a.Region)
	}
	x.cacheMu.Lock()
	x.scores = newScoreCache(x.scoreBudget)
	x.scoreGen++ // a restored state: no earlier version holds
	if x.regionGen == nil {
		x.regionGen = map[string]uint64{}
	}
	x.cacheMu.Unlock()
	x.pending, x.pendingAt, x.years = nil, nil, nil
	x.parts = map[scoreKey]*scoreParts{}
	x.dropUnitDates("")
	if x.state.History.steps == nil {
		x.state.History = newScoreHistory()
	}
	if x.state.Figures == nil {
		x.state.Figures = map[string][]figureStep{}
	}
	x.syms = map[string]string{}
	x.rebuildQueue()
}

// symsLimit bounds the shared strings; the table starts afresh when full.
const symsLimit = 1 << 16

// sym returns the shared copy of s. The caller holds x.mu for writing.
func (x *Index) sym(s string) string {
	if shared, ok := x.syms[s]; ok {
		return shared
	}
	if len(x.syms) >= symsLimit {
		clear(x.syms)
	}
	x.syms[s] = s
	return s
}

// innovationID returns the innovation's own copy of id when it is known.
func (x *Index) innovationID(id string) string {
	if inn, ok := x.state.Innovations[id]; ok {
		return inn.ID
	}
	return id
}

// Apply folds one event into the index.
func (x *Index) Apply(ev domain.RecordedEvent) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.state.Events++
	region, err := x.apply(ev)
	if err != nil {
		return err
	}
	if ev.AggregateType == domain.AggregateBimtek {
		x.noteSessionDates(ev)
	}
	if ev.AggregateType == domain.AggregatePeriod {
		x.years = nil
	}
	x.setVersion(ev)
	x.invalidate(region)
	if x.noHistory {
		return nil
	}
	return x.noteTouches(ev)
}

// setVersion records the version ev brought its aggregate to; apply has
// created the aggregate's state. The caller holds the write lock.
func (x *Index) setVersion(ev domain.RecordedEvent) {
	s := x.state
	switch ev.AggregateType {
	case domain.AggregatePeriod:
		if year, err := strconv.Atoi(ev.AggregateID); err == nil && s.Periods[year] != nil {
			s.Periods[year].Version = ev.Version
		}
	case domain.AggregateRegion:
		x.region(ev.AggregateID).Version = ev.Version
	case domain.AggregateInnovation:
		if inn := s.Innovations[ev.AggregateID]; inn != nil {
			inn.Version = ev.Version
		}
	case domain.AggregateBimtek:
		if ss := s.Sessions[ev.AggregateID]; ss != nil {
			ss.Version = ev.Version
		}
	case domain.AggregateAssessment:
		if a := s.Assessments[ev.AggregateID]; a != nil {
			a.Version = ev.Version
		}
	case domain.AggregateEvidence:
		if e, ok := ev.Data.(domain.EvidenceUploaded); ok {
			if u := s.Evidence[e.SHA256].upload(e.Region); u != nil {
				u.Version = ev.Version
			}
		}
	}
}

// invalidate drops cached scores of a region ("" drops all) and moves its
// score version on.
func (x *Index) invalidate(region string) {
	x.cacheMu.Lock()
	defer x.cacheMu.Unlock()
	if region == "" {
		x.scoreGen++
	} else {
		x.regionGen[region]++
	}
	if len(x.scores.totals) == 0 {
		return
	}
	if region == "" {
		x.scores.clear()
		return
	}
	for year := range x.state.Periods {
		x.scores.drop(scoreKey{year, region})
	}
}

// apply changes the state and returns the region whose scores it touched
// ("" for all).
func (x *Index) apply(ev domain.RecordedEvent) (string, error) {
	s := x.state
	switch e := ev.Data.(type) {
	case domain.PeriodOpened:
		s.Periods[e.Year] = &periodState{Year: e.Year, CatalogueVersion: e.CatalogueVersion,
			Phase: domain.PhasePenjaringan, Schedule: e.Schedule, OpenedAt: ev.OccurredAt}
		return "", nil
	case domain.PeriodPhaseAdvanced:
		p, ok := s.Periods[e.Year]
		if !ok {
			return "", fmt.Errorf("phase advanced in unknown period %d", e.Year)
		}
		p.Phase = e.To
		if frozenPhase(e.To) && p.Results == nil {
			x.invalidate("")
			if err := x.freeze(p, ev.Position); err != nil {
				return "", err
			}
		}
		return "", nil
	case domain.RegionProfileUpdated:
		r := x.region(e.Region)
		r.OfficeName, r.OfficeKind = e.OfficeName, e.OfficeKind
		return e.Region, nil
	case domain.RegionBorderFlagSet:
		x.region(e.Region).Perbatasan = e.Perbatasan
		return e.Region, nil
	case domain.InnovationProposed:
		inn := &innovationState{ID: e.InnovationID, Region: e.Region, Name: e.Name, Unit: e.Unit, unit: normUnit(e.Unit),
			Initiator: e.Initiator, Form: e.Form, Digital: e.Digital, Affair: e.Affair,
			Stage: domain.StageProposed, ProposedOn: e.ProposedOn, ProposedEventID: ev.ID,
			OriginInnovationID: e.OriginInnovationID, OriginRegion: e.OriginRegion}
		inn.Timeline = append(inn.Timeline, stageEvent{Stage: domain.StageProposed, On: e.ProposedOn, EventID: ev.ID, Actor: ev.Actor.UserID})
		s.Innovations[inn.ID] = inn
		inn.ord = len(x.byRegion[inn.Region])
		x.byRegion[inn.Region] = insertSorted(x.byRegion[inn.Region], inn, func(i *innovationState) string { return i.ID })
		return inn.Region, nil
	case domain.InnovationTrialStarted:
		inn, err := x.innovation(e.InnovationID)
		if err != nil {
			return "", err
		}
		inn.Stage, inn.TrialStartedOn, inn.TrialEventID = domain.StageTrial, e.StartedOn, ev.ID
		inn.Timeline = append(inn.Timeline, stageEvent{Stage: domain.StageTrial, On: e.StartedOn, EventID: ev.ID, Actor: ev.Actor.UserID})
		return inn.Region, nil
	case domain.InnovationImplementationStarted:
		inn, err := x.innovation(e.InnovationID)
		if err != nil {
			return "", err
		}
		inn.Stage, inn.ImplementationStartedOn = domain.StageImplementation, e.StartedOn
		inn.Timeline = append(inn.Timeline, stageEvent{Stage: domain.StageImplementation, On: e.StartedOn, EventID: ev.ID, Actor: ev.Actor.UserID})
		return inn.Region, nil
	case domain.InnovationReplicated:
		inn, err := x.innovation(e.InnovationID)
		if err != nil {
			return "", err
		}
		inn.Stage = domain.StageReplication
		inn.Replications = append(inn.Replications, domain.DatedFact{Ref: e.AdopterRegion, Date: e.ReplicatedOn, EventIDs: []uuid.UUID{ev.ID}})
		inn.Timeline = append(inn.Timeline, stageEvent{Stage: domain.StageReplication, On: e.ReplicatedOn, EventID: ev.ID, Actor: ev.Actor.UserID})
		return inn.Region, nil
	case domain.InnovationWithdrawn:
		inn, err := x.innovation(e.InnovationID)
		if err != nil {
			return "", err
		}
		inn.Stage, inn.WithdrawnOn, inn.WithdrawReason = domain.StageWithdrawn, e.WithdrawnOn, e.Reason
		inn.Timeline = append(inn.Timeline, stageEvent{Stage: domain.StageWithdrawn, On: e.WithdrawnOn, EventID: ev.ID, Actor: ev.Actor.UserID})
		return inn.Region, nil
	case domain.InnovationPublicitySet:
		inn, err := x.innovation(e.InnovationID)
		if err != nil {
			return "", err
		}
		inn.MadePublicAt = time.Time{}
		if e.Public {
			inn.MadePublicAt = ev.OccurredAt
		}
		return inn.Region, nil
	case domain.AssessmentStarted:
		x.assessment(e.Year, e.Region)
		return e.Region, nil
	case domain.AnswerSubmitted:
		a := x.assessment(e.Year, e.Region)
		ids := make([]uuid.UUID, 1, 2) // room for the verification
		ids[0] = ev.ID
		evidence := e.Evidence
		evidence.Note = x.sym(evidence.Note)
		if evidence.Files != nil {
			files := make([]string, len(evidence.Files))
			for i, h := range evidence.Files {
				files[i] = x.sym(h)
			}
			evidence.Files = files
		}
		key := answerKey(e.InnovationID, e.Indicator)
		old := a.Answers[key]
		if old != nil {
			x.queue.remove(a, key, old)
		}
		ans := &answerState{
			Indicator: x.sym(e.Indicator), InnovationID: x.innovationID(e.InnovationID), Unit: x.sym(e.Unit),
			Revision: e.Revision, Claimed: e.Option, Status: domain.AnswerPending, Evidence: evidence,
			SubmittedBy: x.sym(e.SubmittedBy), SubmittedAt: ev.OccurredAt, EventIDs: ids}
		a.Answers[key] = ans
		a.answerSet(old, ans)
		x.queue.add(a, key, ans)
		if a.FirstSubmitted.IsZero() {
			a.FirstSubmitted = ev.OccurredAt
		}
		a.LastSubmitted = ev.OccurredAt
		return e.Region, nil
	case domain.AnswerVerified:
		a := x.assessment(e.Year, e.Region)
		key := answerKey(e.InnovationID, e.Indicator)
		ans, ok := a.Answers[key]
		if !ok {
			return "", fmt.Errorf("verification of an unknown answer %s/%s in %s", e.InnovationID, e.Indicator, domain.AssessmentID(e.Year, e.Region))
		}
		x.queue.remove(a, key, ans)
		defer x.queue.add(a, key, ans)
		ans.Status = decisionStatus(e.Decision)
		ans.Verified, ans.Reason, ans.VerifiedBy, ans.VerifiedAt = e.Option, x.sym(e.Reason), x.sym(e.VerifiedBy), ev.OccurredAt
		ans.EventIDs = append(ans.EventIDs, ev.ID)
		return e.Region, nil
	case domain.InnovationRejected:
		x.assessment(e.Year, e.Region).Rejected[e.InnovationID] = e.Reason
		return e.Region, nil
	case domain.BimtekScheduled:
		ss := &sessionState{ID: e.SessionID, Region: e.Region, Title: e.Title, Kind: e.Kind, Date: e.Date,
			Venue: e.Venue, Organiser: e.Organiser, Mode: e.Mode, Speakers: e.Speakers, ScheduledBy: ev.Actor.UserID}
		s.Sessions[ss.ID] = ss
		x.sessionsBy[ss.Region] = insertSorted(x.sessionsBy[ss.Region], ss, func(s *sessionState) string { return s.ID })
		return ss.Region, nil
	case domain.BimtekAttendanceRecorded:
		ss, ok := s.Sessions[e.SessionID]
		if !ok {
			return "", fmt.Errorf("attendance in unknown session %s", e.SessionID)
		}
		a := e.Attendee
		ss.Attendees = append(ss.Attendees, attendeeState{Subject: a.Subject, Name: a.Name, NIP: a.NIP, Position: a.Position,
			Contact: a.Contact, LegacyName: a.LegacyName, Unit: a.Unit, Role: a.Role, Region: a.Region, EventID: ev.ID,
			unit: normUnit(a.Unit)})
		return ss.Region, nil
	case domain.BimtekClosed:
		ss, ok := s.Sessions[e.SessionID]
		if !ok {
			return "", fmt.Errorf("closing unknown session %s", e.SessionID)
		}
		ss.Closed = true
		return ss.Region, nil
	case domain.EvidenceUploaded:
		f := s.Evidence[e.SHA256]
		if f == nil {
			f = &evidenceState{SHA256: e.SHA256, Size: e.Size, MediaType: e.MediaType, Pages: e.Pages}
			s.Evidence[e.SHA256] = f
		}
		if f.upload(e.Region) == nil {
			f.Uploads = append(f.Uploads, evidenceUpload{Region: e.Region, Name: e.Name, UploadedBy: e.UploadedBy,
				UploadedAt: ev.OccurredAt, EventID: ev.ID})
		}
		return e.Region, nil
	case domain.PersonErased:
		// Nothing to change: the index holds only sealed fields, which no
		// longer open (the key is gone); counts and scores stay.
		return "", nil
	default:
		return "", fmt.Errorf("index: no rule for event %s", ev.Type)
	}
}

func decisionStatus(d domain.Decision) domain.AnswerStatus {
	switch d {
	case domain.DecisionAccept:
		return domain.AnswerAccepted
	case domain.DecisionLower:
		return domain.AnswerLowered
	default:
		return domain.AnswerRejected
	}
}

func (x *Index) region(code string) *regionState {
	r, ok := x.state.Regions[code]
	if !ok {
		r = &regionState{}
		x.state.Regions[code] = r
	}
	return r
}

func (x *Index) innovation(id string) (*innovationState, error) {
	inn, ok := x.state.Innovations[id]
	if !ok {
		return nil, fmt.Errorf("event for unknown innovation %s", id)
	}
	return inn, nil
}

func (x *Index) assessment(year int, region string) *assessmentState {
	id := domain.AssessmentID(year, region)
	a, ok := x.state.Assessments[id]
	if !ok {
		a = &assessmentState{Year: year, Region: region, Answers: map[string]*answerState{}, Rejected: map[string]string{}}
		x.state.Assessments[id] = a
		x.assessedRegions[year] = append(x.assessedRegions[year], region)
	}
	return a
}

// scoreKey names a cached score.
type scoreKey struct {
	year   int
	region string
}

// dayOf truncates t to its calendar day in UTC.
func dayOf(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }
