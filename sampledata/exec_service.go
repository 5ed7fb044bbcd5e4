package sampledata

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

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

// count records a command's result.
func (r *serviceRunner) count(res domain.CommitResult) {
	if !res.Duplicate && len(res.EventIDs) > 0 {
		r.commits.Add(1)
		r.events.Add(int64(len(res.EventIDs)))
	}
}

// exec executes the action's command.
func (r *serviceRunner) exec(ctx context.Context, svc *domain.Service, a *action) error {
	res, err := r.command(ctx, svc, a)
	if err != nil {
		return fmt.Errorf("sampledata: %s at %s: %w", describe(a), a.at.Format(time.DateTime), err)
	}
	r.count(res)
	return nil
}

func (r *serviceRunner) command(ctx context.Context, svc *domain.Service, a *action) (domain.CommitResult, error) {
	switch cmd := a.command(r.correlation).(type) {
	case domain.OpenPeriodCommand:
		return svc.OpenPeriod(ctx, cmd)
	case domain.AdvancePhaseCommand:
		return svc.AdvancePhase(ctx, cmd)
	case domain.UpdateRegionProfileCommand:
		return svc.UpdateRegionProfile(ctx, cmd)
	case domain.ProposeInnovationCommand:
		res, id, err := svc.ProposeInnovation(ctx, cmd)
		return res, planned(err, "innovation", id, a.inn.id)
	case startTrial:
		return svc.StartTrial(ctx, cmd.StageCommand)
	case startImplementation:
		return svc.StartImplementation(ctx, cmd.StageCommand)
	case domain.WithdrawInnovationCommand:
		return svc.WithdrawInnovation(ctx, cmd)
	case domain.SetPublicityCommand:
		return svc.SetInnovationPublicity(ctx, cmd)
	case domain.RecordReplicationCommand:
		res, id, err := svc.RecordReplication(ctx, cmd)
		if err == nil && !res.Duplicate {
			r.commits.Add(1) // the origin's InnovationReplicated
			r.events.Add(1)
		}
		return res, planned(err, "adopter innovation", id, a.adopter.id)
	case domain.ScheduleBimtekCommand:
		res, id, err := svc.ScheduleBimtek(ctx, cmd)
		return res, planned(err, "session", id, a.session.id)
	case domain.RecordAttendanceListCommand:
		return svc.RecordAttendanceList(ctx, cmd)
	case domain.CloseBimtekCommand:
		return svc.CloseBimtek(ctx, cmd)
	case domain.SubmitAnswersCommand:
		return svc.SubmitAnswers(ctx, cmd)
	case domain.VerifyAnswersCommand:
		return svc.VerifyAnswers(ctx, cmd)
	case domain.RejectInnovationCommand:
		return svc.RejectInnovation(ctx, cmd)
	case domain.UploadEvidenceCommand:
		res, _, err := svc.UploadEvidence(ctx, cmd)
		return res, err
	}
	return domain.CommitResult{}, fmt.Errorf("unknown action kind %d", a.kind)
}

// planned checks that the service created what the plan expects.
func planned(err error, what, got, want string) error {
	if err == nil && got != want {
		return fmt.Errorf("%s id %s, planned %s", what, got, want)
	}
	return err
}

// describe names an action for error messages.
func describe(a *action) string {
	names := map[actionKind]string{
		actOpenPeriod: "open period", actAdvancePhase: "advance phase", actSetOffice: "set office",
		actSetPerbatasan: "set perbatasan", actPropose: "propose innovation", actStartTrial: "start trial",
		actStartImplementation: "start implementation", actWithdraw: "withdraw innovation", actReplicate: "record replication",
		actScheduleBimtek: "schedule session", actAttend: "record attendance", actCloseBimtek: "close session",
		actSubmitAnswers: "submit answers", actVerifyAnswers: "verify answers", actRejectInnovation: "reject innovation",
		actUploadEvidence: "upload evidence",
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
