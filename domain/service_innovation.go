package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// ProposeInnovationCommand proposes a new innovation of Region; its id is
// derived from CommandID (InnovationID).
type ProposeInnovationCommand struct {
	CommandMeta
	Region  string
	Details InnovationDetails
	On      time.Time // proposal date; zero: today
}

// StageCommand moves an innovation to its next stage on a date.
type StageCommand struct {
	CommandMeta
	InnovationID string
	On           time.Time // zero: today
}

// WithdrawInnovationCommand withdraws an innovation with a reason.
type WithdrawInnovationCommand struct {
	CommandMeta
	InnovationID string
	Reason       string
	On           time.Time // zero: today
}

// RecordReplicationCommand records that AdopterRegion adopted an innovation.
// ExpectedVersion, if set, is the origin innovation's version.
type RecordReplicationCommand struct {
	CommandMeta
	OriginInnovationID string
	AdopterRegion      string
	// Details of the adopting region's own innovation; nil copies the
	// origin's details (the operator usually changes at least the Unit).
	Details *InnovationDetails
	On      time.Time // zero: today
}

// SetPublicityCommand makes an innovation public in the public innovation
// database (basis data inovasi) before a published year lists it (Public),
// or private again (!Public): the region's consent, given or taken back.
type SetPublicityCommand struct {
	CommandMeta
	InnovationID string
	Public       bool
}

// InnovationID is the id of the proposed innovation, derived from the
// command id so that a retried proposal creates the same innovation.
func (c ProposeInnovationCommand) InnovationID() string { return derivedID(c.CommandID, "innovation") }

// Decide creates the innovation (an operator for its own region, a
// coordinator or an admin), proposed on c.On, which may not be after today.
func (c ProposeInnovationCommand) Decide(today time.Time) (*Innovation, error) {
	on, err := c.check(today)
	if err != nil {
		return nil, err
	}
	return ProposeInnovation(c.InnovationID(), c.Region, c.Details, on, InnovationOrigin{})
}

func (c ProposeInnovationCommand) check(today time.Time) (time.Time, error) {
	if err := Authorize(c.Actor, ActionWriteRegion, c.Region); err != nil {
		return time.Time{}, err
	}
	return pastDay("proposed_on", c.On, today)
}

// DecideTrial moves in from inisiatif to uji coba (a regional write for its
// region) on c.On, which may not be after today.
func (c StageCommand) DecideTrial(in *Innovation, today time.Time) error {
	on, err := checkOnInnovation(c.Actor, in, c.On, today)
	if err != nil {
		return err
	}
	return in.StartTrial(on)
}

// DecideImplementation moves in from uji coba to penerapan, as DecideTrial.
func (c StageCommand) DecideImplementation(in *Innovation, today time.Time) error {
	on, err := checkOnInnovation(c.Actor, in, c.On, today)
	if err != nil {
		return err
	}
	return in.StartImplementation(on)
}

// Decide withdraws in at any stage, as StageCommand.DecideTrial.
func (c WithdrawInnovationCommand) Decide(in *Innovation, today time.Time) error {
	on, err := checkOnInnovation(c.Actor, in, c.On, today)
	if err != nil {
		return err
	}
	return in.Withdraw(c.Reason, on)
}

// Decide sets in's publicity: a regional write for its region (the
// region's operator, a coordinator or an admin), see Innovation.SetPublic.
func (c SetPublicityCommand) Decide(in *Innovation) error {
	if err := Authorize(c.Actor, ActionWriteRegion, in.Region()); err != nil {
		return err
	}
	return in.SetPublic(c.Public)
}

// check refuses, before anything is loaded, an actor who may write for no
// region at all (the public, verifiers, auditors).
func (c SetPublicityCommand) check() error {
	return Authorize(c.Actor, ActionWriteRegion, c.Actor.Region)
}

// checkOnInnovation is what every change of an existing innovation checks:
// the date (not after today; zero means today), then that the actor may
// write for the innovation's region. It returns the date as a day.
func checkOnInnovation(a Actor, in *Innovation, on, today time.Time) (time.Time, error) {
	day, err := pastDay("on", on, today)
	if err != nil {
		return time.Time{}, err
	}
	return day, Authorize(a, ActionWriteRegion, in.Region())
}

// AdopterInnovationID is the id of the adopting region's new innovation,
// derived from the command id.
func (c RecordReplicationCommand) AdopterInnovationID() string {
	return derivedID(c.CommandID, "adopter-innovation")
}

// AdopterCommandID is the command id of the second step (the adopting
// region's innovation), derived from the command id.
func (c RecordReplicationCommand) AdopterCommandID() uuid.UUID {
	return uuid.NewSHA1(c.CommandID, []byte("adopter-commit"))
}

// DecideOrigin is step 1 of a replication: the origin records it, which
// checks that the origin is implemented and not yet replicated by
// AdopterRegion. The actor must be allowed to write for AdopterRegion; the
// date may not be after today.
func (c RecordReplicationCommand) DecideOrigin(origin *Innovation, today time.Time) error {
	on, err := c.check(today)
	if err != nil {
		return err
	}
	return origin.RecordReplication(c.AdopterRegion, c.AdopterInnovationID(), on)
}

// DecideAdopter is step 2 of a replication: the adopting region's
// innovation, created in inisiatif pointing at origin, with c.Details or
// else the origin's details.
func (c RecordReplicationCommand) DecideAdopter(origin *Innovation, today time.Time) (*Innovation, error) {
	on, err := c.check(today)
	if err != nil {
		return nil, err
	}
	details := origin.details
	if c.Details != nil {
		details = *c.Details
	}
	return ProposeInnovation(c.AdopterInnovationID(), c.AdopterRegion, details, on,
		InnovationOrigin{InnovationID: origin.ID(), Region: origin.Region()})
}

func (c RecordReplicationCommand) check(today time.Time) (time.Time, error) {
	if err := Authorize(c.Actor, ActionWriteRegion, c.AdopterRegion); err != nil {
		return time.Time{}, err
	}
	return pastDay("on", c.On, today)
}

// ProposeInnovation creates an innovation and returns its id.
func (s *Service) ProposeInnovation(ctx context.Context, cmd ProposeInnovationCommand) (CommitResult, string, error) {
	today := s.now()
	if _, err := cmd.check(today); err != nil {
		return CommitResult{}, "", err
	}
	id := cmd.InnovationID()
	res, err := execute(ctx, s, cmd.CommandMeta, AggregateInnovation, id,
		creating(AggregateInnovation, id, func() (*Innovation, error) { return cmd.Decide(today) }), decided)
	return res, id, err
}

// StartTrial moves an innovation from inisiatif to uji coba.
func (s *Service) StartTrial(ctx context.Context, cmd StageCommand) (CommitResult, error) {
	today := s.now()
	return s.onInnovation(ctx, cmd.CommandMeta, cmd.InnovationID, cmd.On, today,
		func(in *Innovation) error { return cmd.DecideTrial(in, today) })
}

// StartImplementation moves an innovation from uji coba to penerapan.
func (s *Service) StartImplementation(ctx context.Context, cmd StageCommand) (CommitResult, error) {
	today := s.now()
	return s.onInnovation(ctx, cmd.CommandMeta, cmd.InnovationID, cmd.On, today,
		func(in *Innovation) error { return cmd.DecideImplementation(in, today) })
}

// WithdrawInnovation withdraws an innovation at any stage.
func (s *Service) WithdrawInnovation(ctx context.Context, cmd WithdrawInnovationCommand) (CommitResult, error) {
	today := s.now()
	return s.onInnovation(ctx, cmd.CommandMeta, cmd.InnovationID, cmd.On, today,
		func(in *Innovation) error { return cmd.Decide(in, today) })
}

// SetInnovationPublicity makes an innovation public or private again (see
// SetPublicityCommand). The same value again appends nothing.
func (s *Service) SetInnovationPublicity(ctx context.Context, cmd SetPublicityCommand) (CommitResult, error) {
	if err := cmd.check(); err != nil {
		return CommitResult{}, err
	}
	return execute(ctx, s, cmd.CommandMeta, AggregateInnovation, cmd.InnovationID,
		func(h []Event) (*Innovation, error) { return RebuildInnovation(cmd.InnovationID, h) }, cmd.Decide)
}

// onInnovation checks the date before anything is loaded, then executes
// decide on the innovation.
func (s *Service) onInnovation(ctx context.Context, m CommandMeta, id string, on, today time.Time, decide func(*Innovation) error) (CommitResult, error) {
	if _, err := pastDay("on", on, today); err != nil {
		return CommitResult{}, err
	}
	return execute(ctx, s, m, AggregateInnovation, id,
		func(h []Event) (*Innovation, error) { return RebuildInnovation(id, h) }, decide)
}

// RecordReplication records a replication on both sides, in this order:
// step 1 on the origin innovation (command id cmd.CommandID), step 2 the
// adopting region's innovation (cmd.AdopterCommandID, id
// cmd.AdopterInnovationID); see DecideOrigin and DecideAdopter.
//
// If step 2 fails, retrying the same command completes it: step 1 is then
// recognised as done. It returns the result of step 2 (its position is the
// later one) and the new innovation's id.
func (s *Service) RecordReplication(ctx context.Context, cmd RecordReplicationCommand) (CommitResult, string, error) {
	today := s.now()
	if _, err := cmd.check(today); err != nil {
		return CommitResult{}, "", err
	}
	var origin *Innovation
	_, err := execute(ctx, s, cmd.CommandMeta, AggregateInnovation, cmd.OriginInnovationID,
		func(h []Event) (*Innovation, error) { return RebuildInnovation(cmd.OriginInnovationID, h) },
		func(in *Innovation) error {
			origin = in
			return cmd.DecideOrigin(in, today)
		})
	if err != nil {
		return CommitResult{}, "", err
	}
	if origin == nil { // step 1 was a duplicate: read the origin
		if origin, err = s.innovation(ctx, cmd.OriginInnovationID); err != nil {
			return CommitResult{}, "", err
		}
	}
	adopter := cmd.CommandMeta
	adopter.CommandID = cmd.AdopterCommandID()
	adopter.ExpectedVersion = nil
	id := cmd.AdopterInnovationID()
	res, err := execute(ctx, s, adopter, AggregateInnovation, id,
		creating(AggregateInnovation, id, func() (*Innovation, error) { return cmd.DecideAdopter(origin, today) }), decided)
	return res, id, err
}
