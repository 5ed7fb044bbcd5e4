package sampledata

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// decide decides the action's command with the domain's Decide methods on
// the in-memory aggregates (so every rule, authorisation, derived id and
// date check is the service's) and queues the resulting commits. "Now" and
// "today" are the action's time, as serviceRunner's clock gives them.
func (e *engine) decide(ctx context.Context, a *action) error {
	switch cmd := a.command(e.correlation).(type) {
	case domain.OpenPeriodCommand:
		pd, err := cmd.Decide()
		if err != nil {
			return err
		}
		e.periods[cmd.Year] = pd
		e.track(domain.AggregatePeriod, domain.PeriodID(cmd.Year), pd)
		return e.commit(a, domain.AggregatePeriod, domain.PeriodID(cmd.Year), cmd.CommandID)
	case domain.AdvancePhaseCommand:
		pd, err := e.period(cmd.Year)
		if err != nil {
			return err
		}
		if err := cmd.Decide(pd, a.at); err != nil {
			return err
		}
		if cmd.To == domain.PhasePleno {
			for region := range e.assessments[cmd.Year] { // nothing changes a frozen assessment: free it
				delete(e.trackers, string(domain.AggregateAssessment)+"/"+domain.AssessmentID(cmd.Year, region))
			}
			delete(e.assessments, cmd.Year)
		}
		return e.commit(a, domain.AggregatePeriod, domain.PeriodID(cmd.Year), cmd.CommandID)
	case domain.UpdateRegionProfileCommand:
		r, err := e.profile(cmd.Region)
		if err != nil {
			return err
		}
		if err := cmd.Decide(r); err != nil {
			return err
		}
		return e.commit(a, domain.AggregateRegion, cmd.Region, cmd.CommandID)
	case domain.ProposeInnovationCommand:
		in, err := cmd.Decide(a.at)
		if err != nil {
			return err
		}
		return e.created(a, in, cmd.InnovationID(), cmd.CommandID)
	case startTrial:
		return e.onInnovation(a, cmd.InnovationID, cmd.CommandMeta, func(in *domain.Innovation) error { return cmd.DecideTrial(in, a.at) })
	case startImplementation:
		return e.onInnovation(a, cmd.InnovationID, cmd.CommandMeta, func(in *domain.Innovation) error { return cmd.DecideImplementation(in, a.at) })
	case domain.WithdrawInnovationCommand:
		return e.onInnovation(a, cmd.InnovationID, cmd.CommandMeta, func(in *domain.Innovation) error { return cmd.Decide(in, a.at) })
	case domain.SetPublicityCommand:
		return e.onInnovation(a, cmd.InnovationID, cmd.CommandMeta, cmd.Decide)
	case domain.RecordReplicationCommand:
		err := e.onInnovation(a, cmd.OriginInnovationID, cmd.CommandMeta, func(origin *domain.Innovation) error { return cmd.DecideOrigin(origin, a.at) })
		if err != nil {
			return err
		}
		adopter, err := cmd.DecideAdopter(e.innovations[cmd.OriginInnovationID], a.at)
		if err != nil {
			return err
		}
		return e.created(a, adopter, cmd.AdopterInnovationID(), cmd.AdopterCommandID())
	case domain.ScheduleBimtekCommand:
		b, err := cmd.Decide()
		if err != nil {
			return err
		}
		e.sessions[cmd.SessionID()] = b
		e.track(domain.AggregateBimtek, cmd.SessionID(), b)
		return e.commit(a, domain.AggregateBimtek, cmd.SessionID(), cmd.CommandID)
	case domain.RecordAttendanceListCommand:
		return e.onSession(a, cmd.SessionID, cmd.CommandMeta, func(b *domain.Bimtek) error {
			who, err := domain.SealParticipants(ctx, e.people, b.Region(), cmd.Participants)
			if err != nil {
				return err
			}
			return cmd.Decide(b, who, a.at)
		})
	case domain.CloseBimtekCommand:
		return e.onSession(a, cmd.SessionID, cmd.CommandMeta, func(b *domain.Bimtek) error { return cmd.Decide(b, a.at) })
	case domain.SubmitAnswersCommand:
		pd, in, as, err := e.answered(cmd.Year, cmd.Region, cmd.InnovationID)
		if err != nil {
			return err
		}
		if err := cmd.Decide(pd, in, as, e.uploadedFiles(cmd.Region, cmd.Answers)); err != nil {
			return err
		}
		return e.commit(a, domain.AggregateAssessment, domain.AssessmentID(cmd.Year, cmd.Region), cmd.CommandID)
	case domain.VerifyAnswersCommand:
		pd, _, as, err := e.answered(cmd.Year, cmd.Region, "")
		if err != nil {
			return err
		}
		if err := cmd.Decide(pd, as); err != nil {
			return err
		}
		return e.commit(a, domain.AggregateAssessment, domain.AssessmentID(cmd.Year, cmd.Region), cmd.CommandID)
	case domain.UploadEvidenceCommand:
		id := domain.EvidenceFileID(cmd.Region, cmd.SHA256)
		f, ok := e.evidence[id]
		if !ok {
			f = domain.RebuildEvidenceFile(cmd.Region, cmd.SHA256, nil)
			e.evidence[id] = f
			e.track(domain.AggregateEvidence, id, f)
		}
		if err := cmd.Decide(f); err != nil {
			return err
		}
		return e.commit(a, domain.AggregateEvidence, id, cmd.CommandID)
	case domain.RejectInnovationCommand:
		in, err := e.innovation(cmd.InnovationID)
		if err != nil {
			return err
		}
		pd, _, as, err := e.answered(cmd.Year, in.Region(), "")
		if err != nil {
			return err
		}
		if err := cmd.Decide(pd, in, as); err != nil {
			return err
		}
		return e.commit(a, domain.AggregateAssessment, domain.AssessmentID(cmd.Year, in.Region()), cmd.CommandID)
	}
	return fmt.Errorf("unknown action kind %d", a.kind)
}

// created tracks a new innovation and queues its first commit.
func (e *engine) created(a *action, in *domain.Innovation, id string, cmd uuid.UUID) error {
	e.innovations[id] = in
	e.track(domain.AggregateInnovation, id, in)
	return e.commit(a, domain.AggregateInnovation, id, cmd)
}

// onInnovation decides on a known innovation and queues the commit.
func (e *engine) onInnovation(a *action, id string, m domain.CommandMeta, decide func(*domain.Innovation) error) error {
	in, err := e.innovation(id)
	if err != nil {
		return err
	}
	if err := decide(in); err != nil {
		return err
	}
	return e.commit(a, domain.AggregateInnovation, id, m.CommandID)
}

// onSession decides on a known session and queues the commit.
func (e *engine) onSession(a *action, id string, m domain.CommandMeta, decide func(*domain.Bimtek) error) error {
	b, ok := e.sessions[id]
	if !ok {
		return fmt.Errorf("no session %s", id)
	}
	if err := decide(b); err != nil {
		return err
	}
	return e.commit(a, domain.AggregateBimtek, id, m.CommandID)
}

func (e *engine) period(year int) (*domain.Period, error) {
	pd, ok := e.periods[year]
	if !ok {
		return nil, fmt.Errorf("no period %d", year)
	}
	return pd, nil
}

func (e *engine) innovation(id string) (*domain.Innovation, error) {
	in, ok := e.innovations[id]
	if !ok {
		return nil, fmt.Errorf("innovation %s is not known", id)
	}
	return in, nil
}

// answered returns what an assessment command needs: the year's period,
// the innovation answered (when innovationID is set) and the region's
// assessment of the year, created empty on first use.
func (e *engine) answered(year int, region, innovationID string) (*domain.Period, *domain.Innovation, *domain.Assessment, error) {
	pd, err := e.period(year)
	if err != nil {
		return nil, nil, nil, err
	}
	var in *domain.Innovation
	if innovationID != "" {
		if in, err = e.innovation(innovationID); err != nil {
			return nil, nil, nil, err
		}
	}
	as, err := e.assessment(year, region)
	return pd, in, as, err
}

// uploadedFiles are the files the answers cite, as uploaded for region.
func (e *engine) uploadedFiles(region string, answers []domain.AnswerChoice) domain.UploadedFiles {
	files := domain.UploadedFiles{}
	for _, a := range answers {
		for _, h := range a.Evidence.Files {
			if f, ok := e.evidence[domain.EvidenceFileID(region, h)]; ok {
				files[h] = f
			}
		}
	}
	return files
}

func (e *engine) assessment(year int, region string) (*domain.Assessment, error) {
	byRegion := e.assessments[year]
	if byRegion == nil {
		byRegion = map[string]*domain.Assessment{}
		e.assessments[year] = byRegion
	}
	if as, ok := byRegion[region]; ok {
		return as, nil
	}
	as, err := domain.RebuildAssessment(year, region, nil)
	if err != nil {
		return nil, err
	}
	byRegion[region] = as
	e.track(domain.AggregateAssessment, domain.AssessmentID(year, region), as)
	return as, nil
}

func (e *engine) profile(region string) (*domain.RegionProfile, error) {
	if r, ok := e.profiles[region]; ok {
		return r, nil
	}
	r, err := domain.RebuildRegionProfile(region, nil)
	if err != nil {
		return nil, err
	}
	e.profiles[region] = r
	e.track(domain.AggregateRegion, region, r)
	return r, nil
}
