package domain

import (
	"fmt"
	"time"
)

// Stage is the life-cycle stage (tahapan) of an innovation.
type Stage string

const (
	StageProposed       Stage = "inisiatif" // proposal
	StageTrial          Stage = "uji_coba"  // trial
	StageImplementation Stage = "penerapan" // implementation
	StageReplication    Stage = "replikasi" // implemented and replicated by at least one other region
	StageWithdrawn      Stage = "ditarik"   // withdrawn, with a reason; final
)

// Replication is one adoption of an innovation by another region.
type Replication struct {
	AdopterRegion       string
	AdopterInnovationID string
	On                  time.Time
}

// Innovation is the aggregate of one regional innovation (id: a UUID string).
// Its state is unexported; build it with ProposeInnovation or
// RebuildInnovation and change it through its decision methods, each of which
// validates and records events (see Changes).
type Innovation struct {
	changes
	id            string
	region        string
	details       InnovationDetails
	stage         Stage
	proposedOn    time.Time
	trialOn       time.Time
	implementedOn time.Time
	withdrawnOn   time.Time
	withdrawnFrom Stage
	reason        string
	origin        InnovationOrigin
	replications  []Replication
	public        bool // the region made it public (InnovationPublicitySet)
}

// InnovationOrigin points an adopted innovation at the one it replicates.
type InnovationOrigin struct {
	InnovationID string
	Region       string
}

// ProposeInnovation starts a new innovation in the inisiatif stage. region
// must be an autonomous reference region. Every validation problem is
// reported at once (CodeInvalid).
func ProposeInnovation(id, region string, d InnovationDetails, on time.Time, origin InnovationOrigin) (*Innovation, error) {
	var p Problems
	p.Check(id != "", "id", "is required")
	checkAssessedRegion(&p, "region", region)
	d = d.clean(&p)
	checkDay(&p, "proposed_on", on)
	if origin.InnovationID != "" {
		p.Check(origin.Region != region, "origin", "an innovation cannot replicate one of its own region")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	in := &Innovation{}
	record(in, &in.changes, InnovationProposed{
		InnovationID: id, Region: region, Name: d.Name, Unit: d.Unit,
		Initiator: d.Initiator, Form: d.Form, Digital: d.Digital, Affair: d.Affair,
		Problem: d.Problem, Solution: d.Solution, Benefit: d.Benefit, ProposedOn: Day(on),
		OriginInnovationID: origin.InnovationID, OriginRegion: origin.Region,
	})
	return in, nil
}

// RebuildInnovation rebuilds an innovation from its stored history. It
// returns an *Error with CodeNotFound for an empty history.
func RebuildInnovation(id string, history []Event) (*Innovation, error) {
	if len(history) == 0 {
		return nil, Errorf(CodeNotFound, "innovation %s does not exist", Quote(id))
	}
	in := &Innovation{}
	rebuild(in, &in.changes, history)
	return in, nil
}

func checkAssessedRegion(p *Problems, field, code string) {
	g, ok := LookupRegion(code)
	switch {
	case !ok:
		p.Add(field, "%q is not a Kemendagri region code", code)
	case !g.Autonomous:
		p.Add(field, "%s is not an autonomous regional government", g.Name)
	}
}

// nextAllowed describes what may happen next, for illegal-transition messages.
func (in *Innovation) nextAllowed() string {
	switch in.stage {
	case StageProposed:
		return "start the trial (uji coba) or withdraw"
	case StageTrial:
		return "start the implementation (penerapan) or withdraw"
	case StageImplementation, StageReplication:
		return "record a replication or withdraw"
	}
	return "nothing: the innovation was withdrawn"
}

func (in *Innovation) illegal(action string) error {
	return Errorf(CodeIllegalTransition, "cannot %s an innovation in stage %s; allowed next: %s", action, in.stage, in.nextAllowed())
}

// lastDate is the latest stage date so far.
func (in *Innovation) lastDate() time.Time {
	last := in.proposedOn
	for _, t := range []time.Time{in.trialOn, in.implementedOn} {
		if t.After(last) {
			last = t
		}
	}
	for _, r := range in.replications {
		if r.On.After(last) {
			last = r.On
		}
	}
	return last
}

func notBefore(on, last time.Time, what string) error {
	var dp Problems
	if checkDay(&dp, "on", on); len(dp) > 0 {
		return dp.Err()
	}
	if Day(on).Before(last) {
		// A wrong date, not a wrong step: reported against the field.
		var p Problems
		p.Add("on", "%s on %s would go back before %s: stage dates never go backwards", what, date(on), date(last))
		return p.Err()
	}
	return nil
}

// StartTrial moves a proposed innovation into uji coba.
func (in *Innovation) StartTrial(on time.Time) error {
	if in.stage != StageProposed {
		return in.illegal("start the trial of")
	}
	if err := notBefore(on, in.proposedOn, "a trial starting"); err != nil {
		return err
	}
	record(in, &in.changes, InnovationTrialStarted{InnovationID: in.id, Region: in.region, Unit: in.details.Unit, StartedOn: Day(on)})
	return nil
}

// StartImplementation moves an innovation in trial into penerapan.
func (in *Innovation) StartImplementation(on time.Time) error {
	if in.stage != StageTrial {
		return in.illegal("start the implementation of")
	}
	if err := notBefore(on, in.trialOn, "an implementation starting"); err != nil {
		return err
	}
	record(in, &in.changes, InnovationImplementationStarted{InnovationID: in.id, Region: in.region, Unit: in.details.Unit, StartedOn: Day(on)})
	return nil
}

// RecordReplication records that another region adopted the innovation
// (its own innovation adopterInnovationID). The first replication moves the
// stage to replikasi. Recording the same adopter innovation again changes
// nothing (idempotent retries); a region replicates an innovation once.
func (in *Innovation) RecordReplication(adopterRegion, adopterInnovationID string, on time.Time) error {
	for _, r := range in.replications {
		if r.AdopterInnovationID == adopterInnovationID {
			return nil
		}
	}
	if in.stage != StageImplementation && in.stage != StageReplication {
		return in.illegal("record a replication of")
	}
	var p Problems
	checkAssessedRegion(&p, "adopter_region", adopterRegion)
	p.Check(adopterRegion != in.region, "adopter_region", "a region cannot replicate its own innovation")
	p.Check(adopterInnovationID != "", "adopter_innovation_id", "is required")
	if err := p.Err(); err != nil {
		return err
	}
	for _, r := range in.replications {
		if r.AdopterRegion == adopterRegion {
			return Errorf(CodeDuplicate, "region %s already replicated this innovation", adopterRegion)
		}
	}
	if err := notBefore(on, in.implementedOn, "a replication"); err != nil {
		return err
	}
	record(in, &in.changes, InnovationReplicated{InnovationID: in.id, Region: in.region, Unit: in.details.Unit,
		AdopterRegion: adopterRegion, AdopterInnovationID: adopterInnovationID, ReplicatedOn: Day(on)})
	return nil
}

// Withdraw ends the innovation at any stage, with a reason.
func (in *Innovation) Withdraw(reason string, on time.Time) error {
	if in.stage == StageWithdrawn {
		return in.illegal("withdraw")
	}
	var p Problems
	reason = cleanText(&p, "reason", reason, reasonText)
	p.Check(reason != "", "reason", "a withdrawal needs a reason")
	if err := p.Err(); err != nil {
		return err
	}
	if err := notBefore(on, in.lastDate(), "a withdrawal"); err != nil {
		return err
	}
	record(in, &in.changes, InnovationWithdrawn{InnovationID: in.id, Region: in.region, Unit: in.details.Unit,
		FromStage: in.stage, Reason: reason, WithdrawnOn: Day(on)})
	return nil
}

// SetPublic records the region's choice to show the innovation in the
// public innovation database before a published year lists it (on), or to
// take that back (off). Setting the current value again changes nothing. A
// withdrawn innovation cannot be made public (the region no longer runs it;
// a published year that lists it still shows it), but it can be made private.
func (in *Innovation) SetPublic(on bool) error {
	if on == in.public {
		return nil
	}
	if on && in.stage == StageWithdrawn {
		return Errorf(CodeIllegalTransition, "cannot make a withdrawn innovation public; allowed next: nothing (a published year that lists it still shows it)")
	}
	record(in, &in.changes, InnovationPublicitySet{InnovationID: in.id, Region: in.region, Unit: in.details.Unit, Public: on})
	return nil
}

func (in *Innovation) apply(e Event) {
	switch e := e.(type) {
	case InnovationProposed:
		in.id, in.region, in.stage, in.proposedOn = e.InnovationID, e.Region, StageProposed, e.ProposedOn
		in.details = InnovationDetails{Name: e.Name, Unit: e.Unit, Initiator: e.Initiator, Form: e.Form, Digital: e.Digital,
			Affair: e.Affair, Problem: e.Problem, Solution: e.Solution, Benefit: e.Benefit}
		in.origin = InnovationOrigin{InnovationID: e.OriginInnovationID, Region: e.OriginRegion}
	case InnovationTrialStarted:
		in.stage, in.trialOn = StageTrial, e.StartedOn
	case InnovationImplementationStarted:
		in.stage, in.implementedOn = StageImplementation, e.StartedOn
	case InnovationReplicated:
		in.stage = StageReplication
		in.replications = append(in.replications, Replication{AdopterRegion: e.AdopterRegion, AdopterInnovationID: e.AdopterInnovationID, On: e.ReplicatedOn})
	case InnovationWithdrawn:
		in.withdrawnFrom, in.stage, in.reason, in.withdrawnOn = e.FromStage, StageWithdrawn, e.Reason, e.WithdrawnOn
	case InnovationPublicitySet:
		in.public = e.Public
	default:
		panic(fmt.Sprintf("innovation: unexpected event %T", e))
	}
}

// InnovationView is a read-only snapshot of an innovation for the API.
type InnovationView struct {
	ID                      string
	Region                  string
	Details                 InnovationDetails
	Stage                   Stage
	ProposedOn              time.Time
	TrialStartedOn          time.Time
	ImplementationStartedOn time.Time
	WithdrawnOn             time.Time
	WithdrawnFrom           Stage
	WithdrawalReason        string
	Origin                  InnovationOrigin
	Replications            []Replication
	// Public: the region made it public before a published year lists it.
	Public  bool
	Version uint64
}

// View returns a snapshot of the innovation's state.
func (in *Innovation) View() InnovationView {
	return InnovationView{
		ID: in.id, Region: in.region, Details: in.details, Stage: in.stage,
		ProposedOn: in.proposedOn, TrialStartedOn: in.trialOn, ImplementationStartedOn: in.implementedOn,
		WithdrawnOn: in.withdrawnOn, WithdrawnFrom: in.withdrawnFrom, WithdrawalReason: in.reason,
		Origin: in.origin, Replications: append([]Replication(nil), in.replications...), Public: in.public,
		Version: in.version + uint64(len(in.pending)),
	}
}

// ID, Region, Stage and Unit are the facts other decisions need.
func (in *Innovation) ID() string     { return in.id }
func (in *Innovation) Region() string { return in.region }
func (in *Innovation) Stage() Stage   { return in.stage }
func (in *Innovation) Unit() string   { return in.details.Unit }

// Public reports whether the region made the innovation public.
func (in *Innovation) Public() bool { return in.public }
