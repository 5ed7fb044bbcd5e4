package domain

import "context"

// UpdateRegionProfileCommand changes a region's profile. Office fields are
// regional data; Perbatasan (when set) is reference data for admins only.
type UpdateRegionProfileCommand struct {
	CommandMeta
	Region           string
	OfficeName       string // "" leaves the office unchanged
	OfficeKind       OfficeKind
	Perbatasan       *bool
	PerbatasanReason string
}

// Decide records the innovation office (a regional write) and/or the daerah
// perbatasan flag (ActionSetPerbatasan) on r.
func (c UpdateRegionProfileCommand) Decide(r *RegionProfile) error {
	if err := c.check(); err != nil {
		return err
	}
	if c.setsOffice() {
		if err := r.SetOffice(c.OfficeName, c.OfficeKind); err != nil {
			return err
		}
	}
	if c.Perbatasan != nil {
		return r.SetPerbatasan(*c.Perbatasan, c.PerbatasanReason)
	}
	return nil
}

func (c UpdateRegionProfileCommand) setsOffice() bool {
	return c.OfficeName != "" || c.OfficeKind != ""
}

// check authorises each part of the change and refuses a command that
// changes nothing.
func (c UpdateRegionProfileCommand) check() error {
	if c.setsOffice() {
		if err := Authorize(c.Actor, ActionWriteRegion, c.Region); err != nil {
			return err
		}
	}
	if c.Perbatasan != nil {
		if err := Authorize(c.Actor, ActionSetPerbatasan, c.Region); err != nil {
			return err
		}
	}
	if !c.setsOffice() && c.Perbatasan == nil {
		return (&Problems{{Field: "profile", Message: "nothing to change"}}).Err()
	}
	return nil
}

// UpdateRegionProfile records the innovation office and/or the daerah
// perbatasan flag of a region.
func (s *Service) UpdateRegionProfile(ctx context.Context, cmd UpdateRegionProfileCommand) (CommitResult, error) {
	if err := cmd.check(); err != nil {
		return CommitResult{}, err
	}
	return execute(ctx, s, cmd.CommandMeta, AggregateRegion, cmd.Region,
		func(h []Event) (*RegionProfile, error) { return RebuildRegionProfile(cmd.Region, h) }, cmd.Decide)
}
