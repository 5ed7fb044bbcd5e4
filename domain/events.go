package domain

import "time"

// Events are plain past-tense facts. Their JSON tags are the stored format
// (schema version 2; the JSON names are independent of the Go names, and so
// are those of the value types they hold: Evidence, PhaseWindow,
// Participant). Add fields, never rename or retag them without a new schema
// version and an upcaster (events_v1.go turns version 1, which had Go field
// names, into version 2). testdata/events.golden.json pins the format.
// Dates (…On) are calendar days in UTC.

// InnovationProposed starts an innovation (inisiatif). OriginInnovationID and
// OriginRegion are set when it is the adopting region's copy of a replicated
// innovation.
type InnovationProposed struct {
	InnovationID       string    `json:"innovation_id"`
	Region             string    `json:"region"`
	Name               string    `json:"name"`
	Unit               string    `json:"unit"`
	Initiator          Initiator `json:"initiator"`
	Form               Form      `json:"form"`
	Digital            bool      `json:"digital"`
	Affair             Affair    `json:"affair"`
	Problem            string    `json:"problem"`
	Solution           string    `json:"solution"`
	Benefit            string    `json:"benefit"`
	ProposedOn         time.Time `json:"proposed_on"`
	OriginInnovationID string    `json:"origin_innovation_id"`
	OriginRegion       string    `json:"origin_region"`
}

// InnovationTrialStarted moves an innovation into uji coba.
type InnovationTrialStarted struct {
	InnovationID string    `json:"innovation_id"`
	Region       string    `json:"region"`
	Unit         string    `json:"unit"`
	StartedOn    time.Time `json:"started_on"`
}

// InnovationImplementationStarted moves an innovation into penerapan.
type InnovationImplementationStarted struct {
	InnovationID string    `json:"innovation_id"`
	Region       string    `json:"region"`
	Unit         string    `json:"unit"`
	StartedOn    time.Time `json:"started_on"`
}

// InnovationReplicated records, on the original innovation, that another
// region adopted it as its own innovation AdopterInnovationID.
type InnovationReplicated struct {
	InnovationID        string    `json:"innovation_id"`
	Region              string    `json:"region"`
	Unit                string    `json:"unit"`
	AdopterRegion       string    `json:"adopter_region"`
	AdopterInnovationID string    `json:"adopter_innovation_id"`
	ReplicatedOn        time.Time `json:"replicated_on"`
}

// InnovationWithdrawn ends an innovation.
type InnovationWithdrawn struct {
	InnovationID string    `json:"innovation_id"`
	Region       string    `json:"region"`
	Unit         string    `json:"unit"`
	FromStage    Stage     `json:"from_stage"`
	Reason       string    `json:"reason"`
	WithdrawnOn  time.Time `json:"withdrawn_on"`
}

// InnovationPublicitySet records that the innovation's region made it
// public (Public) in the public innovation database (basis data inovasi)
// before a published year lists it, or took that back (!Public). It is the
// region's consent only: a published year lists the innovation whatever it
// says (docs/DOMAIN.md, "Publicity").
type InnovationPublicitySet struct {
	InnovationID string `json:"innovation_id"`
	Region       string `json:"region"`
	Unit         string `json:"unit"`
	Public       bool   `json:"public"`
}

// RegionProfileUpdated records the region's innovation office.
type RegionProfileUpdated struct {
	Region     string     `json:"region"`
	OfficeName string     `json:"office_name"`
	OfficeKind OfficeKind `json:"office_kind"`
}

// RegionBorderFlagSet sets or clears the daerah perbatasan flag.
type RegionBorderFlagSet struct {
	Region     string `json:"region"`
	Perbatasan bool   `json:"perbatasan"`
	Reason     string `json:"reason"`
}

// PeriodOpened opens the assessment period of a year in penjaringan.
type PeriodOpened struct {
	Year             int           `json:"year"`
	CatalogueVersion string        `json:"catalogue_version"`
	Schedule         []PhaseWindow `json:"schedule"`
}

// PeriodPhaseAdvanced moves a period to its next phase.
type PeriodPhaseAdvanced struct {
	Year       int       `json:"year"`
	From       Phase     `json:"from"`
	To         Phase     `json:"to"`
	AdvancedAt time.Time `json:"advanced_at"`
}

// AssessmentStarted is the first event of a region's assessment in a year.
type AssessmentStarted struct {
	Year             int    `json:"year"`
	Region           string `json:"region"`
	CatalogueVersion string `json:"catalogue_version"`
}

// AnswerSubmitted records a region's answer to an indicator: SPD when
// InnovationID is "", otherwise SID for that innovation (Unit is its owning
// unit). Revision counts the submissions of this answer, from 1.
type AnswerSubmitted struct {
	Year         int      `json:"year"`
	Region       string   `json:"region"`
	Indicator    string   `json:"indicator"`
	InnovationID string   `json:"innovation_id"`
	Unit         string   `json:"unit"`
	Revision     int      `json:"revision"`
	Option       int      `json:"option"`
	Evidence     Evidence `json:"evidence"`
	SubmittedBy  string   `json:"submitted_by"`
}

// AnswerVerified records a verifier's decision on revision Revision of an
// answer. Option is the verified option: the claim when accepted, a smaller
// one when lowered, 0 when rejected.
type AnswerVerified struct {
	Year          int      `json:"year"`
	Region        string   `json:"region"`
	Indicator     string   `json:"indicator"`
	InnovationID  string   `json:"innovation_id"`
	Revision      int      `json:"revision"`
	Decision      Decision `json:"decision"`
	ClaimedOption int      `json:"claimed_option"`
	Option        int      `json:"option"`
	Reason        string   `json:"reason"`
	VerifiedBy    string   `json:"verified_by"`
}

// InnovationRejected removes an innovation from a region's count for a year.
type InnovationRejected struct {
	Year         int    `json:"year"`
	Region       string `json:"region"`
	InnovationID string `json:"innovation_id"`
	Reason       string `json:"reason"`
	RejectedBy   string `json:"rejected_by"`
}

// BimtekScheduled plans a Bimtek, sosialisasi or workshop session.
type BimtekScheduled struct {
	SessionID string      `json:"session_id"`
	Region    string      `json:"region"`
	Title     string      `json:"title"`
	Kind      SessionKind `json:"kind"`
	Date      time.Time   `json:"date"`
	Venue     string      `json:"venue"`
	Organiser string      `json:"organiser"`
	Mode      SessionMode `json:"mode"`
	Speakers  []string    `json:"speakers"`
}

// BimtekAttendanceRecorded records one attendee of a session, personal
// fields sealed (schema version 3; version 2 held a plain participant,
// upcast to an Attendee with LegacyName).
type BimtekAttendanceRecorded struct {
	SessionID   string    `json:"session_id"`
	Region      string    `json:"region"` // the session's region
	SessionDate time.Time `json:"session_date"`
	Attendee    Attendee  `json:"attendee"`
}

// BimtekClosed closes a session's attendance list.
type BimtekClosed struct {
	SessionID string    `json:"session_id"`
	Region    string    `json:"region"`
	ClosedAt  time.Time `json:"closed_at"`
}

// PersonErased records that a person's personal data was erased: their
// data key is destroyed, so every field sealed for them is unreadable from
// now on (crypto-shredding). It holds no personal data: the subject id, the
// reason (the controller's reference to the request) and the official who
// erased.
type PersonErased struct {
	Subject  string    `json:"subject"`
	Reason   string    `json:"reason"`
	ErasedBy string    `json:"erased_by"`
	ErasedAt time.Time `json:"erased_at"`
}

func (InnovationProposed) EventType() string              { return "innovation.proposed" }
func (InnovationTrialStarted) EventType() string          { return "innovation.trial_started" }
func (InnovationImplementationStarted) EventType() string { return "innovation.implementation_started" }
func (InnovationReplicated) EventType() string            { return "innovation.replicated" }
func (InnovationWithdrawn) EventType() string             { return "innovation.withdrawn" }
func (InnovationPublicitySet) EventType() string          { return "innovation.publicity_set" }
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
func (PersonErased) EventType() string                    { return "person.erased" }

// EventSchemaVersion is the schema version of most event types today: 1
// encoded Go field names, 2 explicit snake_case names. Types changed since
// are at a higher version (EventSpecs): bimtek.attendance_recorded is at 3
// (personal fields sealed, issue 20).
const EventSchemaVersion = 2

// attendanceSchemaVersion is bimtek.attendance_recorded's version: 3 holds
// a sealed attendee, 2 held a plain participant (events_v2.go upcasts it).
const attendanceSchemaVersion = 3

// EventSpecs lists every domain event with the schema version the domain
// writes today, for the store's codec. EventUpcasters turns older versions
// into it.
func EventSpecs() []EventSpec {
	spec := func(e func() Event) EventSpec {
		return EventSpec{Type: e().EventType(), Version: EventSchemaVersion, New: e}
	}
	specAt := func(version int, e func() Event) EventSpec {
		return EventSpec{Type: e().EventType(), Version: version, New: e}
	}
	return []EventSpec{
		spec(func() Event { return InnovationProposed{} }),
		spec(func() Event { return InnovationTrialStarted{} }),
		spec(func() Event { return InnovationImplementationStarted{} }),
		spec(func() Event { return InnovationReplicated{} }),
		spec(func() Event { return InnovationWithdrawn{} }),
		spec(func() Event { return InnovationPublicitySet{} }),
		spec(func() Event { return RegionProfileUpdated{} }),
		spec(func() Event { return RegionBorderFlagSet{} }),
		spec(func() Event { return PeriodOpened{} }),
		spec(func() Event { return PeriodPhaseAdvanced{} }),
		spec(func() Event { return AssessmentStarted{} }),
		spec(func() Event { return AnswerSubmitted{} }),
		spec(func() Event { return AnswerVerified{} }),
		spec(func() Event { return InnovationRejected{} }),
		spec(func() Event { return BimtekScheduled{} }),
		specAt(attendanceSchemaVersion, func() Event { return BimtekAttendanceRecorded{} }),
		spec(func() Event { return BimtekClosed{} }),
		spec(func() Event { return EvidenceUploaded{} }),
		spec(func() Event { return PersonErased{} }),
	}
}
