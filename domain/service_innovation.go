package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// ProposeInnovationCommand proposes a new innovation of Region.
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

// ProposeInnovation creates an innovation (an operator for its own region,
// a coordinator or an admin) and returns its id, derived from the command id.
func (s *Service) ProposeInnovation(ctx context.Context, cmd ProposeInnovationCommand) (CommitResult, string, error) {
	if err := Authorize(cmd.Actor, ActionWriteRegion, cmd.Region); err != nil {
		return CommitResult{}, "", err
	}
	on, err := s.pastDay("proposed_on", cmd.On)
	if err != nil {
		return CommitResult{}, "", err
	}
	id := newID(cmd.CommandID, "innovation")
	res, err := execute(ctx, s, cmd.CommandMeta, AggregateInnovation, id,
		creating(AggregateInnovation, id, func() (*Innovation, error) {
			return ProposeInnovation(id, cmd.Region, cmd.Details, on, InnovationOrigin{})
		}),
		func(*Innovation) error { return nil })
	return res, id, err
}

// StartTrial moves an innovation from inisiatif to uji coba.
func (s *Service) StartTrial(ctx context.Context, cmd StageCommand) (CommitResult, error) {
	return s.onInnovation(ctx, cmd.CommandMeta, cmd.InnovationID, cmd.On, (*Innovation).StartTrial)
}

// StartImplementation moves an innovation from uji coba to penerapan.
func (s *Service) StartImplementation(ctx context.Context, cmd StageCommand) (CommitResult, error) {
	return s.onInnovation(ctx, cmd.CommandMeta, cmd.InnovationID, cmd.On, (*Innovation).StartImplementation)
}

// WithdrawInnovation withdraws an innovation at any stage.
func (s *Service) WithdrawInnovation(ctx context.Context, cmd WithdrawInnovationCommand) (CommitResult, error) {
	return s.onInnovation(ctx, cmd.CommandMeta, cmd.InnovationID, cmd.On, func(in *Innovation, on time.Time) error {
		return in.Withdraw(cmd.Reason, on)
	})
}

func (s *Service) onInnovation(ctx context.Context, m CommandMeta, id string, on time.Time, decide func(*Innovation, time.Time) error) (CommitResult, error) {
	day, err := s.pastDay("on", on)
	if err != nil {
		return CommitResult{}, err
	}
	return execute(ctx, s, m, AggregateInnovation, id,
		func(h []Event) (*Innovation, error) { return RebuildInnovation(id, h) },
		func(in *Innovation) error {
			if err := Authorize(m.Actor, ActionWriteRegion, in.Region()); err != nil {
				return err
			}
			return decide(in, day)
		})
}

// RecordReplication records a replication on both sides, in this order:
//
//  1. the origin innovation records InnovationReplicated (command id
//     cmd.CommandID), which checks that the origin is implemented and
//     not yet replicated by AdopterRegion;
//  2. the adopting region's innovation is created in inisiatif pointing at
//     the origin (command id and innovation id derived from cmd.CommandID
//     with uuid.NewSHA1).
//
// If step 2 fails, retrying the same command completes it: step 1 is then
// recognised as done. The actor must be allowed to write for AdopterRegion.
// It returns the result of step 2 (its position is the later one) and the
// new innovation's id.
func (s *Service) RecordReplication(ctx context.Context, cmd RecordReplicationCommand) (CommitResult, string, error) {
	if err := Authorize(cmd.Actor, ActionWriteRegion, cmd.AdopterRegion); err != nil {
		return CommitResult{}, "", err
	}
	on, err := s.pastDay("on", cmd.On)
	if err != nil {
		return CommitResult{}, "", err
	}
	adopterID := newID(cmd.CommandID, "adopter-innovation")
	var origin InnovationView
	_, err = execute(ctx, s, cmd.CommandMeta, AggregateInnovation, cmd.OriginInnovationID,
		func(h []Event) (*Innovation, error) { return RebuildInnovation(cmd.OriginInnovationID, h) },
		func(in *Innovation) error {
			origin = in.View()
			return in.RecordReplication(cmd.AdopterRegion, adopterID, on)
		})
	if err != nil {
		return CommitResult{}, "", err
	}
	if origin.ID == "" { // step 1 was a duplicate: read the origin
		if origin, err = s.Innovation(ctx, cmd.OriginInnovationID); err != nil {
			return CommitResult{}, "", err
		}
	}
	details := origin.Details
	if cmd.Details != nil {
		details = *cmd.Details
	}
	adopter := cmd.CommandMeta
	adopter.CommandID = uuid.NewSHA1(cmd.CommandID, []byte("adopter-commit"))
	adopter.ExpectedVersion = nil
	res, err := execute(ctx, s, adopter, AggregateInnovation, adopterID,
		creating(AggregateInnovation, adopterID, func() (*Innovation, error) {
			return ProposeInnovation(adopterID, cmd.AdopterRegion, details, on,
				InnovationOrigin{InnovationID: origin.ID, Region: origin.Region})
		}),
		func(*Innovation) error { return nil })
	return res, adopterID, err
}
