package sampledata

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// serviceRunner executes a plan through domain.Service. Each worker uses
// its own copy of the service whose clock reads the time of the action it
// is executing, so commands see "today" as the day they happened.
type serviceRunner struct {
	base        *domain.Service
	correlation string
	workers     int
	commits     atomic.Int64
	events      atomic.Int64
}

// run executes the sorted actions group by group; within a group, each
// region's actions run in order and different regions concurrently.
func (r *serviceRunner) run(ctx context.Context, actions []*action) error {
	for _, g := range groups(actions) {
		byRegion := map[string][]*action{}
		var order []string
		for _, a := range g {
			if _, ok := byRegion[a.region]; !ok {
				order = append(order, a.region)
			}
			byRegion[a.region] = append(byRegion[a.region], a)
		}
		work := make(chan []*action)
		errs := make(chan error, len(order))
		var wg sync.WaitGroup
		for range min(r.workers, len(order)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var now time.Time
				svc := *r.base
				svc.Now = func() time.Time { return now }
				for list := range work {
					for _, a := range list {
						now = a.at
						if err := r.exec(ctx, &svc, a); err != nil {
							errs <- err
							break
						}
					}
				}
			}()
		}
		for _, region := range order {
			work <- byRegion[region]
		}
		close(work)
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

func (r *serviceRunner) meta(id uuid.UUID, actor domain.Actor) domain.CommandMeta {
	return domain.CommandMeta{CommandID: id, Actor: actor, CorrelationID: r.correlation}
}

// count records a command's result.
func (r *serviceRunner) count(res domain.CommitResult) {
	if !res.Duplicate && len(res.EventIDs) > 0 {
		r.commits.Add(1)
		r.events.Add(int64(len(res.EventIDs)))
	}
}

// exec executes one action as one or more commands.
func (r *serviceRunner) exec(ctx context.Context, svc *domain.Service, a *action) error {
	res, err := r.command(ctx, svc, a)
	if err != nil {
		return fmt.Errorf("sampledata: %s at %s: %w", describe(a), a.at.Format(time.DateTime), err)
	}
	r.count(res)
	return nil
}

func (r *serviceRunner) command(ctx context.Context, svc *domain.Service, a *action) (domain.CommitResult, error) {
	m := r.meta(a.id, a.actor)
	switch a.kind {
	case actOpenPeriod:
		return svc.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: m, Year: a.year, CatalogueVersion: a.version, Schedule: a.schedule})
	case actAdvancePhase:
		return svc.AdvancePhase(ctx, domain.AdvancePhaseCommand{CommandMeta: m, Year: a.year, To: a.phase})
	case actSetOffice:
		return svc.UpdateRegionProfile(ctx, domain.UpdateRegionProfileCommand{CommandMeta: m, Region: a.region, OfficeName: a.officeName, OfficeKind: a.officeKind})
	case actSetPerbatasan:
		on := true
		return svc.UpdateRegionProfile(ctx, domain.UpdateRegionProfileCommand{CommandMeta: m, Region: a.region, Perbatasan: &on, PerbatasanReason: a.reason})
	case actPropose:
		res, id, err := svc.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: m, Region: a.region, Details: a.inn.details, On: a.inn.proposed})
		if err == nil && id != a.inn.id {
			err = fmt.Errorf("innovation id %s, planned %s", id, a.inn.id)
		}
		return res, err
	case actStartTrial:
		return svc.StartTrial(ctx, domain.StageCommand{CommandMeta: m, InnovationID: a.inn.id, On: a.inn.trial})
	case actStartImplementation:
		return svc.StartImplementation(ctx, domain.StageCommand{CommandMeta: m, InnovationID: a.inn.id, On: a.inn.implemented})
	case actWithdraw:
		return svc.WithdrawInnovation(ctx, domain.WithdrawInnovationCommand{CommandMeta: m, InnovationID: a.inn.id, Reason: a.reason, On: a.inn.withdrawn})
	case actReplicate:
		d := a.adopter.details
		res, id, err := svc.RecordReplication(ctx, domain.RecordReplicationCommand{CommandMeta: m, OriginInnovationID: a.inn.id,
			AdopterRegion: a.adopter.region, Details: &d, On: a.adopter.proposed})
		if err == nil && id != a.adopter.id {
			err = fmt.Errorf("adopter innovation id %s, planned %s", id, a.adopter.id)
		}
		if err == nil && !res.Duplicate {
			r.commits.Add(1) // the origin's InnovationReplicated
			r.events.Add(1)
		}
		return res, err
	case actScheduleBimtek:
		res, id, err := svc.ScheduleBimtek(ctx, domain.ScheduleBimtekCommand{CommandMeta: m, Plan: a.session.plan})
		if err == nil && id != a.session.id {
			err = fmt.Errorf("session id %s, planned %s", id, a.session.id)
		}
		return res, err
	case actAttend:
		for _, p := range a.people {
			res, err := svc.RecordAttendance(ctx, domain.RecordAttendanceCommand{
				CommandMeta: r.meta(uuid.NewSHA1(a.id, []byte(p.Name+"|"+p.Unit)), a.actor), SessionID: a.session.id, Participant: p})
			if err != nil {
				return res, err
			}
			r.count(res)
		}
		return domain.CommitResult{}, nil
	case actCloseBimtek:
		return svc.CloseBimtek(ctx, domain.CloseBimtekCommand{CommandMeta: m, SessionID: a.session.id})
	case actSubmitAnswers:
		for _, ans := range a.answers {
			res, err := svc.SubmitAnswer(ctx, domain.SubmitAnswerCommand{CommandMeta: r.meta(answerCommand(a, ans.indicator), a.actor),
				Year: a.year, Region: a.region, Indicator: ans.indicator, InnovationID: a.innovationID, Option: ans.claimed, Evidence: ans.evidence})
			if err != nil {
				return res, err
			}
			r.count(res)
		}
		return domain.CommitResult{}, nil
	case actVerifyAnswers:
		for _, ans := range a.answers {
			res, err := svc.VerifyAnswer(ctx, domain.VerifyAnswerCommand{CommandMeta: r.meta(answerCommand(a, ans.indicator), a.actor),
				Year: a.year, Region: a.region, Indicator: ans.indicator, InnovationID: a.innovationID,
				Decision: ans.decision, Option: ans.verified, Reason: ans.reason})
			if err != nil {
				return res, err
			}
			r.count(res)
		}
		return domain.CommitResult{}, nil
	case actRejectInnovation:
		return svc.RejectInnovation(ctx, domain.RejectInnovationCommand{CommandMeta: m, Year: a.year, InnovationID: a.innovationID, Reason: a.reason})
	}
	return domain.CommitResult{}, fmt.Errorf("unknown action kind %d", a.kind)
}

// describe names an action for error messages.
func describe(a *action) string {
	names := map[actionKind]string{
		actOpenPeriod: "open period", actAdvancePhase: "advance phase", actSetOffice: "set office",
		actSetPerbatasan: "set perbatasan", actPropose: "propose innovation", actStartTrial: "start trial",
		actStartImplementation: "start implementation", actWithdraw: "withdraw innovation", actReplicate: "record replication",
		actScheduleBimtek: "schedule session", actAttend: "record attendance", actCloseBimtek: "close session",
		actSubmitAnswers: "submit answers", actVerifyAnswers: "verify answers", actRejectInnovation: "reject innovation",
	}
	s := names[a.kind]
	if a.region != "" {
		s += " " + a.region
	}
	if a.year != 0 {
		s += fmt.Sprintf(" %d", a.year)
	}
	if a.inn != nil {
		s += " " + a.inn.details.Name
	} else if a.innovationID != "" {
		s += " innovation " + a.innovationID
	}
	return s
}
