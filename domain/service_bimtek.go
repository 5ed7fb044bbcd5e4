package domain

import (
	"context"
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
// region), from the day of the session on.
func (c RecordAttendanceCommand) Decide(b *Bimtek, today time.Time) error {
	if err := checkAttendance(c.Actor, b, today); err != nil {
		return err
	}
	return b.RecordAttendance(c.Participant)
}

// Decide records each participant in turn, as RecordAttendanceCommand does.
func (c RecordAttendanceListCommand) Decide(b *Bimtek, today time.Time) error {
	if err := checkAttendance(c.Actor, b, today); err != nil {
		return err
	}
	for _, p := range c.Participants {
		if err := b.RecordAttendance(p); err != nil {
			return err
		}
	}
	return nil
}

// checkAttendance checks that the actor may write for the session's region
// and that the session's day has come: attendance of a session that has
// not happened yet would count for indicator 20 before anyone attended.
func checkAttendance(a Actor, b *Bimtek, today time.Time) error {
	if err := Authorize(a, ActionWriteRegion, b.Region()); err != nil {
		return err
	}
	if on := Day(b.plan.Date); Day(today).Before(on) {
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

// RecordAttendance adds a participant to an open session.
func (s *Service) RecordAttendance(ctx context.Context, cmd RecordAttendanceCommand) (CommitResult, error) {
	return s.onBimtek(ctx, cmd.CommandMeta, cmd.SessionID, func(b *Bimtek) error { return cmd.Decide(b, s.now()) })
}

// RecordAttendanceList adds several participants to an open session at once.
func (s *Service) RecordAttendanceList(ctx context.Context, cmd RecordAttendanceListCommand) (CommitResult, error) {
	return s.onBimtek(ctx, cmd.CommandMeta, cmd.SessionID, func(b *Bimtek) error { return cmd.Decide(b, s.now()) })
}

// CloseBimtek closes a session.
func (s *Service) CloseBimtek(ctx context.Context, cmd CloseBimtekCommand) (CommitResult, error) {
	return s.onBimtek(ctx, cmd.CommandMeta, cmd.SessionID, func(b *Bimtek) error { return cmd.Decide(b, s.now()) })
}

func (s *Service) onBimtek(ctx context.Context, m CommandMeta, id string, decide func(*Bimtek) error) (CommitResult, error) {
	return execute(ctx, s, m, AggregateBimtek, id, func(h []Event) (*Bimtek, error) { return RebuildBimtek(id, h) }, decide)
}
