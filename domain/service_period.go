package domain

import (
	"context"
	"time"
)

// OpenPeriodCommand opens a year's assessment period.
type OpenPeriodCommand struct {
	CommandMeta
	Year             int
	CatalogueVersion string // e.g. "iid-2025.1"
	Schedule         []PhaseWindow
}

// AdvancePhaseCommand moves a period to the phase To, which must be next.
type AdvancePhaseCommand struct {
	CommandMeta
	Year int
	To   Phase
}

// Decide opens the period (coordinator, admin): the catalogue and the
// schedule are checked by OpenPeriod.
func (c OpenPeriodCommand) Decide() (*Period, error) {
	if err := c.authorize(); err != nil {
		return nil, err
	}
	return OpenPeriod(c.Year, c.CatalogueVersion, c.Schedule)
}

func (c OpenPeriodCommand) authorize() error { return Authorize(c.Actor, ActionManagePeriod, "") }

// Decide moves pd one phase forward (coordinator, admin) at the instant now.
func (c AdvancePhaseCommand) Decide(pd *Period, now time.Time) error {
	if err := c.authorize(); err != nil {
		return err
	}
	return pd.Advance(c.To, now)
}

func (c AdvancePhaseCommand) authorize() error { return Authorize(c.Actor, ActionManagePeriod, "") }

// OpenPeriod opens a period.
func (s *Service) OpenPeriod(ctx context.Context, cmd OpenPeriodCommand) (CommitResult, error) {
	if err := cmd.authorize(); err != nil {
		return CommitResult{}, err
	}
	id := PeriodID(cmd.Year)
	return execute(ctx, s, cmd.CommandMeta, AggregatePeriod, id, creating(AggregatePeriod, id, cmd.Decide), decided)
}

// AdvancePhase moves a period forward one phase.
func (s *Service) AdvancePhase(ctx context.Context, cmd AdvancePhaseCommand) (CommitResult, error) {
	if err := cmd.authorize(); err != nil {
		return CommitResult{}, err
	}
	id := PeriodID(cmd.Year)
	return execute(ctx, s, cmd.CommandMeta, AggregatePeriod, id,
		func(h []Event) (*Period, error) { return RebuildPeriod(id, h) },
		func(pd *Period) error { return cmd.Decide(pd, s.now()) })
}
