package domain

import "context"

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

// SubmitAnswerCommand answers an SPD indicator (InnovationID "") or an SID
// indicator of one of the region's innovations.
type SubmitAnswerCommand struct {
	CommandMeta
	Year         int
	Region       string
	Indicator    string
	InnovationID string
	Option       int
	Evidence     Evidence
}

// VerifyAnswerCommand records a verifier's decision on an answer.
type VerifyAnswerCommand struct {
	CommandMeta
	Year         int
	Region       string
	Indicator    string
	InnovationID string
	Decision     Decision
	Option       int // for DecisionLower
	Reason       string
}

// RejectInnovationCommand removes an innovation from its region's count in
// a year. ExpectedVersion is the assessment's version.
type RejectInnovationCommand struct {
	CommandMeta
	Year         int
	InnovationID string
	Reason       string
}

// OpenPeriod opens a period (coordinator, admin).
func (s *Service) OpenPeriod(ctx context.Context, cmd OpenPeriodCommand) (CommitResult, error) {
	if err := Authorize(cmd.Actor, ActionManagePeriod, ""); err != nil {
		return CommitResult{}, err
	}
	id := PeriodID(cmd.Year)
	return execute(ctx, s, cmd.CommandMeta, AggregatePeriod, id,
		creating(AggregatePeriod, id, func() (*Period, error) { return OpenPeriod(cmd.Year, cmd.CatalogueVersion, cmd.Schedule) }),
		func(*Period) error { return nil })
}

// AdvancePhase moves a period forward one phase (coordinator, admin).
func (s *Service) AdvancePhase(ctx context.Context, cmd AdvancePhaseCommand) (CommitResult, error) {
	if err := Authorize(cmd.Actor, ActionManagePeriod, ""); err != nil {
		return CommitResult{}, err
	}
	id := PeriodID(cmd.Year)
	return execute(ctx, s, cmd.CommandMeta, AggregatePeriod, id,
		func(h []Event) (*Period, error) { return RebuildPeriod(id, h) },
		func(pd *Period) error { return pd.Advance(cmd.To, s.now()) })
}

// SubmitAnswer records or changes an answer (operator of the region,
// coordinator, admin) while penjaringan lasts.
func (s *Service) SubmitAnswer(ctx context.Context, cmd SubmitAnswerCommand) (CommitResult, error) {
	if err := Authorize(cmd.Actor, ActionWriteRegion, cmd.Region); err != nil {
		return CommitResult{}, err
	}
	pd, err := s.period(ctx, cmd.Year)
	if err != nil {
		return CommitResult{}, err
	}
	var in *Innovation
	if cmd.InnovationID != "" {
		h, err := s.load(ctx, AggregateInnovation, cmd.InnovationID)
		if err != nil {
			return CommitResult{}, err
		}
		if in, err = RebuildInnovation(cmd.InnovationID, h); err != nil {
			return CommitResult{}, err
		}
	}
	return s.onAssessment(ctx, cmd.CommandMeta, cmd.Year, cmd.Region, func(a *Assessment) error {
		return a.SubmitAnswer(pd, Submission{Indicator: cmd.Indicator, Innovation: in, Option: cmd.Option,
			Evidence: cmd.Evidence, SubmittedBy: cmd.Actor.UserID})
	})
}

// VerifyAnswer records a verification decision (verifier, admin) during
// pengukuran.
func (s *Service) VerifyAnswer(ctx context.Context, cmd VerifyAnswerCommand) (CommitResult, error) {
	if err := Authorize(cmd.Actor, ActionVerify, cmd.Region); err != nil {
		return CommitResult{}, err
	}
	pd, err := s.period(ctx, cmd.Year)
	if err != nil {
		return CommitResult{}, err
	}
	return s.onAssessment(ctx, cmd.CommandMeta, cmd.Year, cmd.Region, func(a *Assessment) error {
		return a.VerifyAnswer(pd, Verification{Key: AnswerKey{Indicator: cmd.Indicator, InnovationID: cmd.InnovationID},
			Decision: cmd.Decision, Option: cmd.Option, Reason: cmd.Reason, VerifiedBy: cmd.Actor.UserID})
	})
}

// RejectInnovation rejects a whole innovation for a year (verifier, admin)
// during pengukuran.
func (s *Service) RejectInnovation(ctx context.Context, cmd RejectInnovationCommand) (CommitResult, error) {
	h, err := s.load(ctx, AggregateInnovation, cmd.InnovationID)
	if err != nil {
		return CommitResult{}, err
	}
	in, err := RebuildInnovation(cmd.InnovationID, h)
	if err != nil {
		return CommitResult{}, err
	}
	if err := Authorize(cmd.Actor, ActionVerify, in.Region()); err != nil {
		return CommitResult{}, err
	}
	pd, err := s.period(ctx, cmd.Year)
	if err != nil {
		return CommitResult{}, err
	}
	return s.onAssessment(ctx, cmd.CommandMeta, cmd.Year, in.Region(), func(a *Assessment) error {
		return a.RejectInnovation(pd, in, cmd.Reason, cmd.Actor.UserID)
	})
}

func (s *Service) onAssessment(ctx context.Context, m CommandMeta, year int, region string, decide func(*Assessment) error) (CommitResult, error) {
	return execute(ctx, s, m, AggregateAssessment, AssessmentID(year, region),
		func(h []Event) (*Assessment, error) { return RebuildAssessment(year, region, h) }, decide)
}

// ScheduleBimtekCommand plans a session; the id is derived from CommandID.
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

// CloseBimtekCommand closes a session's attendance.
type CloseBimtekCommand struct {
	CommandMeta
	SessionID string
}

// ScheduleBimtek plans a session of a region and returns its id.
func (s *Service) ScheduleBimtek(ctx context.Context, cmd ScheduleBimtekCommand) (CommitResult, string, error) {
	if err := Authorize(cmd.Actor, ActionWriteRegion, cmd.Plan.Region); err != nil {
		return CommitResult{}, "", err
	}
	id := newID(cmd.CommandID, "bimtek")
	res, err := execute(ctx, s, cmd.CommandMeta, AggregateBimtek, id,
		creating(AggregateBimtek, id, func() (*Bimtek, error) { return ScheduleBimtek(id, cmd.Plan) }),
		func(*Bimtek) error { return nil })
	return res, id, err
}

// RecordAttendance adds a participant to an open session.
func (s *Service) RecordAttendance(ctx context.Context, cmd RecordAttendanceCommand) (CommitResult, error) {
	return s.onBimtek(ctx, cmd.CommandMeta, cmd.SessionID, func(b *Bimtek) error {
		// Attendance of a session that has not happened yet would count for
		// indicator 20 before anyone attended.
		if on := Day(b.plan.Date); Day(s.now()).Before(on) {
			return Errorf(CodeIllegalTransition, "attendance can be recorded from the day of the session (%s) on", date(on))
		}
		return b.RecordAttendance(cmd.Participant)
	})
}

// CloseBimtek closes a session.
func (s *Service) CloseBimtek(ctx context.Context, cmd CloseBimtekCommand) (CommitResult, error) {
	return s.onBimtek(ctx, cmd.CommandMeta, cmd.SessionID, func(b *Bimtek) error { return b.Close(s.now()) })
}

func (s *Service) onBimtek(ctx context.Context, m CommandMeta, id string, decide func(*Bimtek) error) (CommitResult, error) {
	return execute(ctx, s, m, AggregateBimtek, id,
		func(h []Event) (*Bimtek, error) { return RebuildBimtek(id, h) },
		func(b *Bimtek) error {
			if err := Authorize(m.Actor, ActionWriteRegion, b.Region()); err != nil {
				return err
			}
			return decide(b)
		})
}

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

// UpdateRegionProfile records the innovation office and/or the daerah
// perbatasan flag of a region.
func (s *Service) UpdateRegionProfile(ctx context.Context, cmd UpdateRegionProfileCommand) (CommitResult, error) {
	if cmd.OfficeName != "" || cmd.OfficeKind != "" {
		if err := Authorize(cmd.Actor, ActionWriteRegion, cmd.Region); err != nil {
			return CommitResult{}, err
		}
	}
	if cmd.Perbatasan != nil {
		if err := Authorize(cmd.Actor, ActionSetPerbatasan, cmd.Region); err != nil {
			return CommitResult{}, err
		}
	}
	if cmd.OfficeName == "" && cmd.OfficeKind == "" && cmd.Perbatasan == nil {
		return CommitResult{}, (&Problems{{Field: "profile", Message: "nothing to change"}}).Err()
	}
	return execute(ctx, s, cmd.CommandMeta, AggregateRegion, cmd.Region,
		func(h []Event) (*RegionProfile, error) { return RebuildRegionProfile(cmd.Region, h) },
		func(r *RegionProfile) error {
			if cmd.OfficeName != "" || cmd.OfficeKind != "" {
				if err := r.SetOffice(cmd.OfficeName, cmd.OfficeKind); err != nil {
					return err
				}
			}
			if cmd.Perbatasan != nil {
				return r.SetPerbatasan(*cmd.Perbatasan, cmd.PerbatasanReason)
			}
			return nil
		})
}
