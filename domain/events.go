package domain

import "time"

// Events are plain past-tense facts. Field names are part of the stored
// format (the store's codec encodes Go field names): add fields, never
// rename them. Dates (…On) are calendar days in UTC.

// InnovationProposed starts an innovation (inisiatif). OriginInnovationID and
// OriginRegion are set when it is the adopting region's copy of a replicated
// innovation.
type InnovationProposed struct {
	InnovationID       string
	Region             string
	Name               string
	Unit               string
	Initiator          Initiator
	Form               Form
	Digital            bool
	Affair             Affair
	Problem            string
	Solution           string
	Benefit            string
	ProposedOn         time.Time
	OriginInnovationID string
	OriginRegion       string
}

// InnovationTrialStarted moves an innovation into uji coba.
type InnovationTrialStarted struct {
	InnovationID string
	Region       string
	Unit         string
	StartedOn    time.Time
}

// InnovationImplementationStarted moves an innovation into penerapan.
type InnovationImplementationStarted struct {
	InnovationID string
	Region       string
	Unit         string
	StartedOn    time.Time
}

// InnovationReplicated records, on the original innovation, that another
// region adopted it as its own innovation AdopterInnovationID.
type InnovationReplicated struct {
	InnovationID        string
	Region              string
	Unit                string
	AdopterRegion       string
	AdopterInnovationID string
	ReplicatedOn        time.Time
}

// InnovationWithdrawn ends an innovation.
type InnovationWithdrawn struct {
	InnovationID string
	Region       string
	Unit         string
	FromStage    Stage
	Reason       string
	WithdrawnOn  time.Time
}

// RegionProfileUpdated records the region's innovation office.
type RegionProfileUpdated struct {
	Region     string
	OfficeName string
	OfficeKind OfficeKind
}

// RegionBorderFlagSet sets or clears the daerah perbatasan flag.
type RegionBorderFlagSet struct {
	Region     string
	Perbatasan bool
	Reason     string
}

// PeriodOpened opens the assessment period of a year in penjaringan.
type PeriodOpened struct {
	Year             int
	CatalogueVersion string
	Schedule         []PhaseWindow
}

// PeriodPhaseAdvanced moves a period to its next phase.
type PeriodPhaseAdvanced struct {
	Year       int
	From       Phase
	To         Phase
	AdvancedAt time.Time
}

// AssessmentStarted is the first event of a region's assessment in a year.
type AssessmentStarted struct {
	Year             int
	Region           string
	CatalogueVersion string
}

// AnswerSubmitted records a region's answer to an indicator: SPD when
// InnovationID is "", otherwise SID for that innovation (Unit is its owning
// unit). Revision counts the submissions of this answer, from 1.
type AnswerSubmitted struct {
	Year         int
	Region       string
	Indicator    string
	InnovationID string
	Unit         string
	Revision     int
	Option       int
	Evidence     Evidence
	SubmittedBy  string
}

// AnswerVerified records a verifier's decision on revision Revision of an
// answer. Option is the verified option: the claim when accepted, a smaller
// one when lowered, 0 when rejected.
type AnswerVerified struct {
	Year          int
	Region        string
	Indicator     string
	InnovationID  string
	Revision      int
	Decision      Decision
	ClaimedOption int
	Option        int
	Reason        string
	VerifiedBy    string
}

// InnovationRejected removes an innovation from a region's count for a year.
type InnovationRejected struct {
	Year         int
	Region       string
	InnovationID string
	Reason       string
	RejectedBy   string
}

// BimtekScheduled plans a Bimtek, sosialisasi or workshop session.
type BimtekScheduled struct {
	SessionID string
	Region    string
	Title     string
	Kind      SessionKind
	Date      time.Time
	Venue     string
	Organiser string
	Mode      SessionMode
	Speakers  []string
}

// BimtekAttendanceRecorded records one participant of a session.
type BimtekAttendanceRecorded struct {
	SessionID   string
	Region      string // the session's region
	SessionDate time.Time
	Participant Participant
}

// BimtekClosed closes a session's attendance list.
type BimtekClosed struct {
	SessionID string
	Region    string
	ClosedAt  time.Time
}

func (InnovationProposed) EventType() string              { return "innovation.proposed" }
func (InnovationTrialStarted) EventType() string          { return "innovation.trial_started" }
func (InnovationImplementationStarted) EventType() string { return "innovation.implementation_started" }
func (InnovationReplicated) EventType() string            { return "innovation.replicated" }
func (InnovationWithdrawn) EventType() string             { return "innovation.withdrawn" }
func (RegionProfileUpdated) EventType() string            { return "region.profile_updated" }
func (RegionBorderFlagSet) EventType() string             { return "region.border_flag_set" }
func (PeriodOpened) EventType() string                    { return "period.opened" }
func (PeriodPhaseAdvanced) EventType() string             { return "period.phase_advanced" }
func (AssessmentStarted) EventType() string               { return "assessment.started" }
func (AnswerSubmitted) EventType() string                 { return "assessment.answer_submitted" }
func (AnswerVerified) EventType() string                  { return "assessment.answer_verified" }
func (InnovationRejected) EventType() string              { return "assessment.innovation_rejected" }
func (BimtekScheduled) EventType() string                 { return "bimtek.scheduled" }
func (BimtekAttendanceRecorded) EventType() string        { return "bimtek.attendance_recorded" }
func (BimtekClosed) EventType() string                    { return "bimtek.closed" }

// EventSpecs lists every domain event with the schema version the domain
// writes today, for the store's codec.
func EventSpecs() []EventSpec {
	spec := func(e func() Event) EventSpec { return EventSpec{Type: e().EventType(), Version: 1, New: e} }
	return []EventSpec{
		spec(func() Event { return InnovationProposed{} }),
		spec(func() Event { return InnovationTrialStarted{} }),
		spec(func() Event { return InnovationImplementationStarted{} }),
		spec(func() Event { return InnovationReplicated{} }),
		spec(func() Event { return InnovationWithdrawn{} }),
		spec(func() Event { return RegionProfileUpdated{} }),
		spec(func() Event { return RegionBorderFlagSet{} }),
		spec(func() Event { return PeriodOpened{} }),
		spec(func() Event { return PeriodPhaseAdvanced{} }),
		spec(func() Event { return AssessmentStarted{} }),
		spec(func() Event { return AnswerSubmitted{} }),
		spec(func() Event { return AnswerVerified{} }),
		spec(func() Event { return InnovationRejected{} }),
		spec(func() Event { return BimtekScheduled{} }),
		spec(func() Event { return BimtekAttendanceRecorded{} }),
		spec(func() Event { return BimtekClosed{} }),
	}
}
