package domain

import (
	"context"
	"fmt"
	"time"
)

// ScheduleBimtekCommand plans a session; its id is derived from CommandID
// (SessionID).
type ScheduleBimtekCommand struct {
	CommandMeta
	Plan BimtekPlan
}

// RecordAttendanceCommand records one participant of a session.
type RecordAttendanceCommand struct {
	CommandMeta
	SessionID   string
	Participant Participant
}

// RecordAttendanceListCommand records several participants of a session at
// once, as one commit (all or none): a signed attendance list.
type RecordAttendanceListCommand struct {
	CommandMeta
	SessionID    string
	Participants []Participant
}

// CloseBimtekCommand closes a session's attendance.
type CloseBimtekCommand struct {
	CommandMeta
	SessionID string
}

// SessionID is the id of the scheduled session, derived from the command id
// so that a retried command schedules the same session.
func (c ScheduleBimtekCommand) SessionID() string { return derivedID(c.CommandID, "bimtek") }

// Decide plans the session (a regional write for the plan's region); the
// plan is checked by ScheduleBimtek.
func (c ScheduleBimtekCommand) Decide() (*Bimtek, error) {
	if err := c.authorize(); err != nil {
		return nil, err
	}
	return ScheduleBimtek(c.SessionID(), c.Plan)
}

func (c ScheduleBimtekCommand) authorize() error {
	return Authorize(c.Actor, ActionWriteRegion, c.Plan.Region)
}

// Decide adds the participant to b (a regional write for the session's
// region), from the day of the session on; who is c.Participant sealed
// (Seal). The personal fields never reach the aggregate in clear.
func (c RecordAttendanceCommand) Decide(b *Bimtek, who Attendee, today time.Time) error {
	if err := checkAttendance(c.Actor, b, today); err != nil {
		return err
	}
	return b.RecordAttendance(who)
}

// Decide records each sealed participant in turn, as
// RecordAttendanceCommand does (who[i] is c.Participants[i] sealed).
func (c RecordAttendanceListCommand) Decide(b *Bimtek, who []Attendee, today time.Time) error {
	if err := checkAttendance(c.Actor, b, today); err != nil {
		return err
	}
	if len(who) != len(c.Participants) {
		return Errorf(CodeInternal, "%d participants, %d sealed", len(c.Participants), len(who))
	}
	for _, a := range who {
		if err := b.RecordAttendance(a); err != nil {
			return err
		}
	}
	return nil
}

// SealParticipants checks each participant of a session of sessionRegion
// (CheckParticipant; every problem at once, fields named
// participants[i].<field> when there is more than one) and seals them
// with people. Nothing is sealed, and no key is created, when one is
// invalid.
func SealParticipants(ctx context.Context, people PersonalData, sessionRegion string, ps []Participant) ([]Attendee, error) {
	if people == nil {
		return nil, Errorf(CodeUnavailable, "personal data keys are not configured")
	}
	var pr Problems
	clean := make([]Participant, len(ps))
	for i, p := range ps {
		prefix := ""
		if len(ps) > 1 {
			prefix = fmt.Sprintf("participants[%d].", i)
		}
		clean[i] = checkParticipant(&pr, prefix, p, sessionRegion)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	out := make([]Attendee, len(clean))
	for i, p := range clean {
		a, err := people.Seal(ctx, p)
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// checkAttendance checks that the actor may write for the session's region
// and that the session's day has come: attendance of a session that has
// not happened yet would count for indicator 20 before anyone attended.
func checkAttendance(a Actor, b *Bimtek, today time.Time) error {
	if err := Authorize(a, ActionWriteRegion, b.Region()); err != nil {
		return err
	}
	if on := Day(b.plan.Date); latestToday(today).Before(on) {
		return Errorf(CodeIllegalTransition, "attendance can be recorded from the day of the session (%s) on", date(on))
	}
	return nil
}

// Decide closes b's attendance (a regional write for the session's region)
// at the instant now.
func (c CloseBimtekCommand) Decide(b *Bimtek, now time.Time) error {
	if err := Authorize(c.Actor, ActionWriteRegion, b.Region()); err != nil {
		return err
	}
	return b.Close(now)
}

// ScheduleBimtek plans a session of a region and returns its id.
func (s *Service) ScheduleBimtek(ctx context.Context, cmd ScheduleBimtekCommand) (CommitResult, string, error) {
	if err := cmd.authorize(); err != nil {
		return CommitResult{}, "", err
	}
	id := cmd.SessionID()
	res, err := execute(ctx, s, cmd.CommandMeta, AggregateBimtek, id, creating(AggregateBimtek, id, cmd.Decide), decided)
	return res, id, err
}

// RecordAttendance adds a participant to an open session. The actor's
// right to write for the session's region and the session's day are
// checked before the participant is sealed, so that nobody else's request
// creates a key.
func (s *Service) RecordAttendance(ctx context.Context, cmd RecordAttendanceCommand) (CommitResult, error) {
	return s.onBimtek(ctx, cmd.CommandMeta, cmd.SessionID, func(b *Bimtek) error {
		if err := checkAttendance(cmd.Actor, b, s.now()); err != nil {
			return err
		}
		who, err := SealParticipants(ctx, s.People, b.Region(), []Participant{cmd.Participant})
		if err != nil {
			return err
		}
		return cmd.Decide(b, who[0], s.now())
	})
}

// RecordAttendanceList adds several participants to an open session at once.
func (s *Service) RecordAttendanceList(ctx context.Context, cmd RecordAttendanceListCommand) (CommitResult, error) {
	return s.onBimtek(ctx, cmd.CommandMeta, cmd.SessionID, func(b *Bimtek) error {
		if err := checkAttendance(cmd.Actor, b, s.now()); err != nil {
			return err
		}
		who, err := SealParticipants(ctx, s.People, b.Region(), cmd.Participants)
		if err != nil {
			return err
		}
		return cmd.Decide(b, who, s.now())
	})
}

// CloseBimtek closes a session.
func (s *Service) CloseBimtek(ctx context.Context, cmd CloseBimtekCommand) (CommitResult, error) {
	return s.onBimtek(ctx, cmd.CommandMeta, cmd.SessionID, func(b *Bimtek) error { return cmd.Decide(b, s.now()) })
}

func (s *Service) onBimtek(ctx context.Context, m CommandMeta, id string, decide func(*Bimtek) error) (CommitResult, error) {
	return execute(ctx, s, m, AggregateBimtek, id, func(h []Event) (*Bimtek, error) { return RebuildBimtek(id, h) }, decide)
}
