package domain

import (
	"fmt"
	"slices"
	"time"
)

// SessionKind is the kind of training session; all kinds count for
// indicator 20 (Jejak's choice, docs/DOMAIN.md §11).
type SessionKind string

const (
	SessionBimtek      SessionKind = "bimtek"
	SessionSosialisasi SessionKind = "sosialisasi"
	SessionWorkshop    SessionKind = "workshop"
)

// SessionMode is how a session is held.
type SessionMode string

const (
	ModeLuring SessionMode = "luring" // in person
	ModeDaring SessionMode = "daring" // online
	ModeHybrid SessionMode = "hybrid"
)

// BimtekPlan is what scheduling a session needs.
type BimtekPlan struct {
	Region    string
	Title     string
	Kind      SessionKind
	Date      time.Time
	Venue     string
	Organiser string
	Mode      SessionMode
	Speakers  []string
}

// Bimtek is the aggregate of one training session (id: a UUID string).
type Bimtek struct {
	changes
	id        string
	plan      BimtekPlan
	attendees []Attendee
	closed    bool
}

// maxSpeakers bounds the speakers of one session.
const maxSpeakers = 50

// ScheduleBimtek plans a session; every problem is reported at once.
func ScheduleBimtek(id string, plan BimtekPlan) (*Bimtek, error) {
	var p Problems
	p.Check(id != "", "id", "is required")
	checkAssessedRegion(&p, "region", plan.Region)
	plan.Title = cleanText(&p, "title", plan.Title, nameText)
	p.Check(plan.Title != "", "title", "is required")
	p.Check(plan.Kind == SessionBimtek || plan.Kind == SessionSosialisasi || plan.Kind == SessionWorkshop, "kind", "must be bimtek, sosialisasi or workshop")
	checkDay(&p, "date", plan.Date)
	plan.Venue = cleanText(&p, "venue", plan.Venue, nameText)
	p.Check(plan.Venue != "" || plan.Mode == ModeDaring, "venue", "is required unless the session is daring")
	plan.Organiser = cleanText(&p, "organiser", plan.Organiser, nameText)
	p.Check(plan.Organiser != "", "organiser", "is required")
	p.Check(plan.Mode == ModeLuring || plan.Mode == ModeDaring || plan.Mode == ModeHybrid, "mode", "must be luring, daring or hybrid")
	p.Check(len(plan.Speakers) <= maxSpeakers, "speakers", "at most %d speakers", maxSpeakers)
	speakers := slices.Clone(plan.Speakers) // nil stays nil, empty stays empty
	for i, s := range plan.Speakers {
		f := fmt.Sprintf("speakers[%d]", i)
		s = cleanText(&p, f, s, nameText)
		p.Check(s != "", f, "is empty")
		speakers[i] = s
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	b := &Bimtek{}
	record(b, &b.changes, BimtekScheduled{SessionID: id, Region: plan.Region, Title: plan.Title, Kind: plan.Kind,
		Date: plan.Date, Venue: plan.Venue, Organiser: plan.Organiser, Mode: plan.Mode, Speakers: speakers})
	return b, nil
}

// RebuildBimtek rebuilds a session; CodeNotFound for an empty history.
func RebuildBimtek(id string, history []Event) (*Bimtek, error) {
	if len(history) == 0 {
		return nil, Errorf(CodeNotFound, "there is no Bimtek session %s", Quote(id))
	}
	b := &Bimtek{}
	rebuild(b, &b.changes, history)
	return b, nil
}

// RecordAttendance adds an attendee whose personal fields were sealed
// (PersonalData.Seal of a participant CheckParticipant accepted). The same
// person (subject) attends a session once (CodeDuplicate); a closed session
// takes no more attendance (CodeIllegalTransition).
func (b *Bimtek) RecordAttendance(who Attendee) error {
	if b.closed {
		return Errorf(CodeIllegalTransition, "the session is closed; allowed next: nothing")
	}
	var p Problems
	p.Check(ValidSubject(who.Subject), "subject", "must be a UUID (version 4 or 7)")
	p.Check(who.NIPHash != "" && who.NIP != "" && who.Name != "", "participant", "must be sealed (subject, nip_hash, name_ct, nip_ct)")
	p.Check(who.LegacyName == "", "legacy_name", "is only for attendance recorded before issue 20")
	who.Unit = cleanText(&p, "unit", who.Unit, nameText)
	who.Role = cleanText(&p, "role", who.Role, roleText)
	if who.Region == "" {
		who.Region = b.plan.Region
	}
	p.Check(who.Unit != "", "unit", "is required")
	p.Check(who.Role != "", "role", "is required")
	if who.Region != b.plan.Region {
		checkAssessedRegion(&p, "region", who.Region)
	}
	if err := p.Err(); err != nil {
		return err
	}
	for _, a := range b.attendees {
		if a.Subject == who.Subject || a.NIPHash == who.NIPHash {
			return Errorf(CodeDuplicate, "this person (subject %s, %s) is already recorded for this session", who.Subject, who.Unit)
		}
	}
	record(b, &b.changes, BimtekAttendanceRecorded{SessionID: b.id, Region: b.plan.Region, SessionDate: b.plan.Date, Attendee: who})
	return nil
}

// Close closes the attendance list.
func (b *Bimtek) Close(at time.Time) error {
	if b.closed {
		return Errorf(CodeIllegalTransition, "the session is already closed; allowed next: nothing")
	}
	record(b, &b.changes, BimtekClosed{SessionID: b.id, Region: b.plan.Region, ClosedAt: at})
	return nil
}

func (b *Bimtek) apply(e Event) {
	switch e := e.(type) {
	case BimtekScheduled:
		b.id = e.SessionID
		b.plan = BimtekPlan{Region: e.Region, Title: e.Title, Kind: e.Kind, Date: e.Date, Venue: e.Venue, Organiser: e.Organiser,
			Mode: e.Mode, Speakers: slices.Clone(e.Speakers)}
	case BimtekAttendanceRecorded:
		b.attendees = append(b.attendees, e.Attendee)
	case BimtekClosed:
		b.closed = true
	default:
		panic(fmt.Sprintf("bimtek: unexpected event %T", e))
	}
}

// Region is the session's region.
func (b *Bimtek) Region() string { return b.plan.Region }

// BimtekView is a read-only snapshot of a session.
type BimtekView struct {
	ID        string
	Plan      BimtekPlan
	Attendees []Attendee
	Closed    bool
	Version   uint64
}

// View returns a snapshot of the session.
func (b *Bimtek) View() BimtekView {
	plan := b.plan
	plan.Speakers = slices.Clone(plan.Speakers)
	return BimtekView{ID: b.id, Plan: plan, Attendees: slices.Clone(b.attendees), Closed: b.closed, Version: b.version + uint64(len(b.pending))}
}
