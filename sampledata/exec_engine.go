package sampledata

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// engine executes a plan without domain.Service: it keeps the aggregates
// in memory, lets them decide (the domain constructors and decision methods
// validate everything), and appends their commits directly with the
// expected versions it knows. It assumes it is the only writer of every
// aggregate it touches and that they start empty.
type engine struct {
	store       domain.EventStore
	correlation string
	workers     int
	batchSize   int

	trackers    map[string]*tracked
	periods     map[int]*domain.Period
	innovations map[string]*domain.Innovation
	assessments map[int]map[string]*domain.Assessment
	sessions    map[string]*domain.Bimtek
	profiles    map[string]*domain.RegionProfile

	batch map[string][]domain.Commit
	order []string
	// ordered appends every commit in decision (time) order with one
	// writer, so that the stream's order is the order things happened in
	// and "as of a date" is exactly the facts dated up to then.
	ordered bool
	flat    []domain.Commit
	pending int
	commits int
	events  int
}

// tracked is an aggregate and how many of its changes were sent already.
type tracked struct {
	typ domain.AggregateType
	id  string
	agg interface {
		Version() uint64
		Changes() []domain.Event
	}
	sent int
}

func newEngine(store domain.EventStore, correlation string, workers, batchSize int) *engine {
	return &engine{store: store, correlation: correlation, workers: workers, batchSize: batchSize,
		trackers: map[string]*tracked{}, periods: map[int]*domain.Period{}, innovations: map[string]*domain.Innovation{},
		assessments: map[int]map[string]*domain.Assessment{}, sessions: map[string]*domain.Bimtek{},
		profiles: map[string]*domain.RegionProfile{}, batch: map[string][]domain.Commit{}}
}

// run decides every action in order and appends the commits in batches;
// a period action flushes the batch before and after itself, so phases
// separate cleanly in the stream.
func (e *engine) run(ctx context.Context, actions []*action, progress func(done, total int)) error {
	for i, a := range actions {
		if a.alone() {
			if err := e.flush(ctx); err != nil {
				return err
			}
		}
		if err := e.decide(a); err != nil {
			return fmt.Errorf("sampledata: %s at %s: %w", describe(a), a.at.Format("2006-01-02 15:04"), err)
		}
		if a.alone() || e.pending >= e.batchSize {
			if err := e.flush(ctx); err != nil {
				return err
			}
			if progress != nil {
				progress(i+1, len(actions))
			}
		}
	}
	if err := e.flush(ctx); err != nil {
		return err
	}
	if progress != nil {
		progress(len(actions), len(actions))
	}
	return nil
}

// track registers a new aggregate.
func (e *engine) track(typ domain.AggregateType, id string, agg interface {
	Version() uint64
	Changes() []domain.Event
}) {
	e.trackers[string(typ)+"/"+id] = &tracked{typ: typ, id: id, agg: agg}
}

// commit queues the aggregate's new changes as one commit of action a.
func (e *engine) commit(a *action, typ domain.AggregateType, id string, cmd uuid.UUID) error {
	key := string(typ) + "/" + id
	t := e.trackers[key]
	all := t.agg.Changes()
	if len(all) == t.sent {
		return nil // nothing changed
	}
	c := domain.Commit{CommandID: cmd, AggregateType: typ, AggregateID: id,
		ExpectedVersion: t.agg.Version() + uint64(t.sent), Events: all[t.sent:], Actor: a.actor,
		OccurredAt: a.at, CorrelationID: e.correlation}
	t.sent = len(all)
	if _, ok := e.batch[key]; !ok {
		e.order = append(e.order, key)
	}
	e.batch[key] = append(e.batch[key], c)
	e.flat = append(e.flat, c)
	e.pending++
	return nil
}

// flush appends the queued commits: each aggregate's commits in order,
// different aggregates concurrently.
func (e *engine) flush(ctx context.Context) error {
	if e.pending == 0 {
		return nil
	}
	if e.ordered {
		return e.flushInOrder(ctx)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan []domain.Commit)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range min(e.workers, len(e.order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chain := range work {
				for _, c := range chain {
					res, err := e.store.Append(ctx, c)
					mu.Lock()
					if err != nil && first == nil {
						first = fmt.Errorf("sampledata: append %s %s: %w", c.AggregateType, c.AggregateID, err)
						cancel()
					}
					if err == nil && !res.Duplicate {
						e.commits++
						e.events += len(c.Events)
					}
					mu.Unlock()
					if err != nil {
						break
					}
				}
			}
		}()
	}
	for _, key := range e.order {
		select {
		case work <- e.batch[key]:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	clear(e.batch)
	e.order, e.flat, e.pending = e.order[:0], e.flat[:0], 0
	if first == nil && ctx.Err() != nil {
		first = ctx.Err()
	}
	return first
}

// flushInOrder appends the queued commits one by one in decision order.
func (e *engine) flushInOrder(ctx context.Context) error {
	defer func() {
		clear(e.batch)
		e.order, e.flat, e.pending = e.order[:0], e.flat[:0], 0
	}()
	for _, c := range e.flat {
		res, err := e.store.Append(ctx, c)
		if err != nil {
			return fmt.Errorf("sampledata: append %s %s: %w", c.AggregateType, c.AggregateID, err)
		}
		if !res.Duplicate {
			e.commits++
			e.events += len(c.Events)
		}
	}
	return nil
}

func (e *engine) innovation(id string) (*domain.Innovation, error) {
	in, ok := e.innovations[id]
	if !ok {
		return nil, fmt.Errorf("innovation %s is not known", id)
	}
	return in, nil
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

// decide applies one action to the in-memory aggregates and queues the
// resulting commits.
func (e *engine) decide(a *action) error {
	if err := authorize(a); err != nil {
		return err
	}
	switch a.kind {
	case actOpenPeriod:
		pd, err := domain.OpenPeriod(a.year, a.version, a.schedule)
		if err != nil {
			return err
		}
		e.periods[a.year] = pd
		e.track(domain.AggregatePeriod, domain.PeriodID(a.year), pd)
		return e.commit(a, domain.AggregatePeriod, domain.PeriodID(a.year), a.id)
	case actAdvancePhase:
		pd, ok := e.periods[a.year]
		if !ok {
			return fmt.Errorf("no period %d", a.year)
		}
		if err := pd.Advance(a.phase, a.at); err != nil {
			return err
		}
		if a.phase == domain.PhasePleno {
			for region := range e.assessments[a.year] { // nothing changes a frozen assessment: free it
				delete(e.trackers, string(domain.AggregateAssessment)+"/"+domain.AssessmentID(a.year, region))
			}
			delete(e.assessments, a.year)
		}
		return e.commit(a, domain.AggregatePeriod, domain.PeriodID(a.year), a.id)
	case actSetOffice, actSetPerbatasan:
		r, err := e.profile(a.region)
		if err != nil {
			return err
		}
		if a.kind == actSetOffice {
			err = r.SetOffice(a.officeName, a.officeKind)
		} else {
			err = r.SetPerbatasan(true, a.reason)
		}
		if err != nil {
			return err
		}
		return e.commit(a, domain.AggregateRegion, a.region, a.id)
	case actPropose:
		in, err := domain.ProposeInnovation(a.inn.id, a.region, a.inn.details, a.inn.proposed, domain.InnovationOrigin{})
		if err != nil {
			return err
		}
		e.innovations[a.inn.id] = in
		e.track(domain.AggregateInnovation, a.inn.id, in)
		return e.commit(a, domain.AggregateInnovation, a.inn.id, a.id)
	case actStartTrial, actStartImplementation, actWithdraw:
		in, err := e.innovation(a.inn.id)
		if err != nil {
			return err
		}
		switch a.kind {
		case actStartTrial:
			err = in.StartTrial(a.inn.trial)
		case actStartImplementation:
			err = in.StartImplementation(a.inn.implemented)
		default:
			err = in.Withdraw(a.reason, a.inn.withdrawn)
		}
		if err != nil {
			return err
		}
		return e.commit(a, domain.AggregateInnovation, a.inn.id, a.id)
	case actReplicate:
		origin, err := e.innovation(a.inn.id)
		if err != nil {
			return err
		}
		if err := origin.RecordReplication(a.adopter.region, a.adopter.id, a.adopter.proposed); err != nil {
			return err
		}
		if err := e.commit(a, domain.AggregateInnovation, a.inn.id, a.id); err != nil {
			return err
		}
		in, err := domain.ProposeInnovation(a.adopter.id, a.adopter.region, a.adopter.details, a.adopter.proposed,
			domain.InnovationOrigin{InnovationID: a.inn.id, Region: a.inn.region})
		if err != nil {
			return err
		}
		e.innovations[a.adopter.id] = in
		e.track(domain.AggregateInnovation, a.adopter.id, in)
		return e.commit(a, domain.AggregateInnovation, a.adopter.id, uuid.NewSHA1(a.id, []byte("adopter-commit")))
	case actScheduleBimtek:
		b, err := domain.ScheduleBimtek(a.session.id, a.session.plan)
		if err != nil {
			return err
		}
		e.sessions[a.session.id] = b
		e.track(domain.AggregateBimtek, a.session.id, b)
		return e.commit(a, domain.AggregateBimtek, a.session.id, a.id)
	case actAttend, actCloseBimtek:
		b, ok := e.sessions[a.session.id]
		if !ok {
			return fmt.Errorf("no session %s", a.session.id)
		}
		if a.kind == actCloseBimtek {
			if err := b.Close(a.at); err != nil {
				return err
			}
		}
		for _, p := range a.people {
			if err := b.RecordAttendance(p); err != nil {
				return err
			}
		}
		return e.commit(a, domain.AggregateBimtek, a.session.id, a.id)
	case actSubmitAnswers, actVerifyAnswers, actRejectInnovation:
		return e.decideAssessment(a)
	}
	return fmt.Errorf("unknown action kind %d", a.kind)
}

func (e *engine) decideAssessment(a *action) error {
	pd, ok := e.periods[a.year]
	if !ok {
		return fmt.Errorf("no period %d", a.year)
	}
	var in *domain.Innovation
	if a.innovationID != "" {
		var err error
		if in, err = e.innovation(a.innovationID); err != nil {
			return err
		}
	}
	as, err := e.assessment(a.year, a.region)
	if err != nil {
		return err
	}
	switch a.kind {
	case actSubmitAnswers:
		for _, ans := range a.answers {
			if err := as.SubmitAnswer(pd, domain.Submission{Indicator: ans.indicator, Innovation: in, Option: ans.claimed,
				Evidence: ans.evidence, SubmittedBy: a.actor.UserID}); err != nil {
				return err
			}
		}
	case actVerifyAnswers:
		for _, ans := range a.answers {
			if err := as.VerifyAnswer(pd, domain.Verification{Key: domain.AnswerKey{Indicator: ans.indicator, InnovationID: a.innovationID},
				Decision: ans.decision, Option: ans.verified, Reason: ans.reason, VerifiedBy: a.actor.UserID}); err != nil {
				return err
			}
		}
	default:
		if err := as.RejectInnovation(pd, in, a.reason, a.actor.UserID); err != nil {
			return err
		}
	}
	return e.commit(a, domain.AggregateAssessment, domain.AssessmentID(a.year, a.region), a.id)
}

// authorize applies the domain's access rule to the action's actor, as the
// service would.
func authorize(a *action) error {
	switch a.kind {
	case actOpenPeriod, actAdvancePhase:
		return domain.Authorize(a.actor, domain.ActionManagePeriod, "")
	case actSetPerbatasan:
		return domain.Authorize(a.actor, domain.ActionSetPerbatasan, a.region)
	case actVerifyAnswers, actRejectInnovation:
		return domain.Authorize(a.actor, domain.ActionVerify, a.region)
	case actReplicate:
		return domain.Authorize(a.actor, domain.ActionWriteRegion, a.adopter.region)
	}
	return domain.Authorize(a.actor, domain.ActionWriteRegion, a.region)
}
