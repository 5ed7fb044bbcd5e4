package domain

import (
	"time"

	"github.com/google/uuid"
)

// AnswerStatus is the verification state of an answer.
type AnswerStatus string

const (
	AnswerPending  AnswerStatus = "pending"  // submitted, not yet verified: 0 verified, claimed option provisionally
	AnswerAccepted AnswerStatus = "accepted" // diterima: the claimed option
	AnswerLowered  AnswerStatus = "lowered"  // diturunkan: a smaller option
	AnswerRejected AnswerStatus = "rejected" // ditolak: 0 until resubmitted and accepted
)

// AnswerInput is the current state of one answer, as the score needs it.
//
// A projection builds it incrementally: on AnswerSubmitted set Claimed =
// Option, Status = pending, Verified = 0 and EventIDs = [the event's id]
// (a resubmission starts over); on AnswerVerified set Status from Decision,
// Verified = Option and append the event's id.
type AnswerInput struct {
	Indicator string
	Claimed   int // option claimed by the region, 1..3
	Status    AnswerStatus
	Verified  int // option after verification (accepted or lowered), else 0
	// EventIDs are the submission and verification events behind the
	// answer, oldest first.
	EventIDs []uuid.UUID
	// Files are the evidence files the answer cites.
	Files []CitedFile
}

// CitedFile names an evidence file an answer rests on: its SHA-256, the
// name it was uploaded with for the region, and its pages (PDF).
type CitedFile struct {
	SHA256 string
	Name   string
	Pages  int
}

// DatedFact is one event-derived fact behind a derived indicator.
type DatedFact struct {
	// Ref names the fact: a Bimtek session id (indicator 20) or the
	// adopting region code (indicator 31).
	Ref      string
	Date     time.Time
	EventIDs []uuid.UUID
}

// InnovationInput is what the score needs about one innovation in one year.
//
// A projection builds it from events: InnovationProposed sets the
// attributes, ProposedOn and ProposedEventID; InnovationTrialStarted sets
// TrialStartedOn and TrialEventID; InnovationImplementationStarted sets
// ImplementationStartedOn; InnovationReplicated sets Stage and appends to
// Replications (Ref = adopting region); InnovationWithdrawn sets Stage.
// From the assessment of the year: AnswerSubmitted/AnswerVerified maintain
// Answers (keyed by indicator), InnovationRejected sets RejectedForYear.
// BimtekAttendanceRecorded of an attendee whose unit is the innovation's unit
// (SameUnit) within the region appends the session to BimtekSessions once per
// session (Ref = session id, Date = session date; further attendees of the same
// session append their event ids). CountedYears is kept by the projection that
// publishes results: the earlier years in which this innovation counted.
//
// The score applies the windows (24 months before the period closes) itself,
// so a projection can keep every fact and recompute when the period changes.
type InnovationInput struct {
	ID                      string
	Name                    string
	Unit                    string
	Affair                  Affair
	Stage                   Stage
	ProposedOn              time.Time
	TrialStartedOn          time.Time // zero if no trial yet
	ImplementationStartedOn time.Time // zero if not implemented
	ProposedEventID         uuid.UUID
	TrialEventID            uuid.UUID
	RejectedForYear         bool
	RejectionReason         string
	CountedYears            []int // earlier assessment years in which it counted
	Answers                 []AnswerInput
	BimtekSessions          []DatedFact
	Replications            []DatedFact
}

// ScoreInput is everything the IID of one region in one year depends on.
type ScoreInput struct {
	Region string
	Year   int
	// ClosesAt is the end of penjaringan: the reference date of the
	// 24-month windows (Period.ClosesAt).
	ClosesAt    time.Time
	SPD         []AnswerInput
	Innovations []InnovationInput
}
