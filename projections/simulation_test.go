package projections_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
)

// simWorld is a random assessment year driven through the service on
// embedded NATS: regions with innovations and random answers.
type simWorld struct {
	t           *testing.T
	s           *stack
	rng         *rand.Rand
	innovations map[string][]string // region -> innovation ids
	spd, sid    []string            // hand-answered indicator codes
}

func (w *simWorld) ok(what string) func(domain.CommitResult, error) {
	return func(_ domain.CommitResult, err error) {
		w.t.Helper()
		if err != nil {
			w.t.Fatalf("%s: %v", what, err)
		}
	}
}

func (w *simWorld) submit(region, innovation, indicator string, option int) {
	w.t.Helper()
	res, err := w.s.svc.SubmitAnswer(context.Background(), domain.SubmitAnswerCommand{CommandMeta: w.s.meta(operator(region)),
		Year: 2025, Region: region, Indicator: indicator, InnovationID: innovation, Option: option,
		Evidence: domain.Evidence{Note: fmt.Sprintf("bukti %s opsi %d", indicator, option)}})
	w.ok("submit "+region+" "+innovation+" "+indicator)(res, err)
}

func (w *simWorld) verify(region, innovation, indicator string, d domain.Decision, option int) {
	w.t.Helper()
	res, err := w.s.svc.VerifyAnswer(context.Background(), domain.VerifyAnswerCommand{CommandMeta: w.s.meta(verifier),
		Year: 2025, Region: region, Indicator: indicator, InnovationID: innovation, Decision: d, Option: option, Reason: "diperiksa"})
	w.ok("verify "+region+" "+innovation+" "+indicator)(res, err)
}

// answerKey names an answer in the maps below.
func answerKey(innovation, indicator string) string { return innovation + "/" + indicator }

// TestSimulationMatchesReality is the simulator's property: for random
// states, appending the simulated answers and verifications for real gives
// exactly the simulated verified IID (one random suggestion at a random
// parameter, then the rejection of a random innovation, then the combined
// best case), in penjaringan and in pengukuran.
func TestSimulationMatchesReality(t *testing.T) {
	s := mustStack(t)
	ctx := context.Background()
	w := &simWorld{t: t, s: s, rng: rand.New(rand.NewPCG(18, 2025)), innovations: map[string][]string{}}
	cat, err := domain.CatalogueByVersion("iid-2025.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range cat.Indicators() {
		if ind.IsDerived() {
			continue
		}
		if ind.Aspect == domain.AspectSPD {
			w.spd = append(w.spd, ind.Code)
		} else {
			w.sid = append(w.sid, ind.Code)
		}
	}
	w.ok("open")(s.svc.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: s.meta(admin), Year: 2025,
		CatalogueVersion: "iid-2025.1", Schedule: testsupport.Schedule2025()}))

	var regions []string
	for _, g := range domain.MustRegions().Assessed() {
		if len(regions) < 16 && w.rng.IntN(20) == 0 {
			regions = append(regions, g.Code)
		}
	}
	early, late := regions[:6], regions[6:]
	for _, region := range regions {
		w.populate(region)
	}

	// Penjaringan: simulate, submit for real, then (in pengukuran) accept
	// exactly what the simulation assumed.
	type planned struct {
		region string
		want   domain.Hundredths
		accept []domain.Suggestion
		at     []int
	}
	var plans []planned
	checks := 0
	for _, region := range early {
		sim := w.simulate(region, domain.PhasePenjaringan)
		p := planned{region: region}
		if w.rng.IntN(2) == 0 && len(sim.Suggestions) > 0 {
			sg := sim.Suggestions[w.rng.IntN(len(sim.Suggestions))]
			o := sg.Options[w.rng.IntN(len(sg.Options))]
			p.want, p.accept, p.at = o.IID, []domain.Suggestion{sg}, []int{o.Parameter}
		} else {
			p.want, p.accept = sim.BestCase.IID, sim.Suggestions
			for _, sg := range sim.Suggestions {
				p.at = append(p.at, sg.Best().Parameter)
			}
		}
		for i, sg := range p.accept {
			if sg.Action != domain.SimulateSubmit {
				t.Fatalf("%s: penjaringan suggestion %+v is not a submission", region, sg)
			}
			w.submit(region, sg.InnovationID, sg.Indicator, p.at[i])
		}
		plans = append(plans, p)
	}

	s.now = day("2025-09-02").Add(9 * time.Hour)
	w.ok("pengukuran")(s.svc.AdvancePhase(ctx, domain.AdvancePhaseCommand{CommandMeta: s.meta(admin), Year: 2025, To: domain.PhasePengukuran}))
	for _, p := range plans {
		// Everything else stays unverified, as the simulation assumed.
		for _, sg := range p.accept {
			w.verify(p.region, sg.InnovationID, sg.Indicator, domain.DecisionAccept, 0)
		}
		checks++
		if got := w.verifiedIID(p.region); got != p.want {
			t.Errorf("%s (penjaringan): simulated IID %s, real %s", p.region, p.want, got)
		}
	}

	for _, region := range late {
		w.verifyRandomly(region)
		sim := w.simulate(region, domain.PhasePengukuran)
		if len(sim.Suggestions) > 0 {
			sg := sim.Suggestions[w.rng.IntN(len(sim.Suggestions))]
			o := sg.Options[w.rng.IntN(len(sg.Options))]
			w.apply(region, sg, o.Parameter)
			checks++
			if got := w.verifiedIID(region); got != o.IID {
				t.Errorf("%s: suggestion %s%s at %d: simulated IID %s, real %s", region, sg.Indicator, sg.InnovationID, o.Parameter, o.IID, got)
			}
		}
		sim = w.simulate(region, domain.PhasePengukuran)
		if len(sim.Rejections) > 0 && w.rng.IntN(2) == 0 {
			r := sim.Rejections[w.rng.IntN(len(sim.Rejections))]
			w.ok("reject")(s.svc.RejectInnovation(ctx, domain.RejectInnovationCommand{CommandMeta: s.meta(verifier), Year: 2025,
				InnovationID: r.InnovationID, Reason: "tidak memenuhi syarat"}))
			checks++
			if got := w.verifiedIID(region); got != r.IID {
				t.Errorf("%s: rejecting %s: simulated IID %s, real %s", region, r.InnovationID, r.IID, got)
			}
			sim = w.simulate(region, domain.PhasePengukuran)
		}
		for _, sg := range sim.Suggestions {
			w.apply(region, sg, sg.Best().Parameter)
		}
		checks++
		if got := w.verifiedIID(region); got != sim.BestCase.IID {
			t.Errorf("%s: best case: simulated IID %s, real %s", region, sim.BestCase.IID, got)
		}
		if after := w.simulate(region, domain.PhasePengukuran); len(after.Suggestions) != 0 || after.BestCase.IID != after.Current.IID {
			t.Errorf("%s: after the best case, %d suggestions remain", region, len(after.Suggestions))
		}
	}
	t.Logf("%d regions, %d simulated IIDs checked against the real score", len(regions), checks)
}

// populate gives region 0-3 innovations (some counting, some not) and
// random answers in penjaringan.
func (w *simWorld) populate(region string) {
	ctx := context.Background()
	op := operator(region)
	for i := range w.rng.IntN(4) {
		res, id, err := w.s.svc.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: w.s.meta(op), Region: region,
			On: day("2023-11-10").AddDate(0, w.rng.IntN(6), 0), Details: domain.InnovationDetails{Name: fmt.Sprintf("Inovasi %d", i),
				Unit: "Dinas Kesehatan", Initiator: domain.InitiatorOPD, Form: domain.FormPelayananPublik,
				Affair: domain.AffairKesehatan, Problem: "antrean", Solution: "daring", Benefit: "cepat"}})
		w.ok("propose")(res, err)
		w.ok("trial")(w.s.svc.StartTrial(ctx, domain.StageCommand{CommandMeta: w.s.meta(op), InnovationID: id, On: day("2024-05-01")}))
		if w.rng.IntN(4) > 0 { // the others stay in trial and do not count
			w.ok("implementation")(w.s.svc.StartImplementation(ctx, domain.StageCommand{CommandMeta: w.s.meta(op), InnovationID: id, On: day("2024-07-01")}))
		}
		w.innovations[region] = append(w.innovations[region], id)
	}
	for _, code := range w.spd {
		if w.rng.IntN(2) == 0 {
			w.submit(region, "", code, 1+w.rng.IntN(3))
		}
	}
	for _, id := range w.innovations[region] {
		for _, code := range w.sid {
			if w.rng.IntN(2) == 0 {
				w.submit(region, id, code, 1+w.rng.IntN(3))
			}
		}
	}
}

// verifyRandomly decides most of region's answers: accepted, lowered or
// rejected; some stay pending.
func (w *simWorld) verifyRandomly(region string) {
	view, err := w.s.svc.Assessment(context.Background(), 2025, region)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, a := range view.Answers {
		switch n := w.rng.IntN(5); {
		case n == 0:
		case n == 1 && a.Claimed > 1:
			w.verify(region, a.InnovationID, a.Indicator, domain.DecisionLower, 1+w.rng.IntN(a.Claimed-1))
		case n == 2:
			w.verify(region, a.InnovationID, a.Indicator, domain.DecisionReject, 0)
		default:
			w.verify(region, a.InnovationID, a.Indicator, domain.DecisionAccept, 0)
		}
	}
}

// apply does for real what the suggestion says, in pengukuran, so that the
// answer ends verified at parameter k.
func (w *simWorld) apply(region string, sg domain.Suggestion, k int) {
	w.t.Helper()
	switch sg.Action {
	case domain.SimulateResubmit:
		w.submit(region, sg.InnovationID, sg.Indicator, k)
		w.verify(region, sg.InnovationID, sg.Indicator, domain.DecisionAccept, 0)
	case domain.SimulateVerify:
		if k == sg.Claimed {
			w.verify(region, sg.InnovationID, sg.Indicator, domain.DecisionAccept, 0)
		} else {
			w.verify(region, sg.InnovationID, sg.Indicator, domain.DecisionLower, k)
		}
	default:
		w.t.Fatalf("pengukuran suggestion with action %q", sg.Action)
	}
}

func (w *simWorld) simulate(region string, phase domain.Phase) domain.Simulation {
	w.t.Helper()
	v := caughtUp(w.t, w.s.store)
	sim, err := v.Index.Simulate(2025, region)
	if err != nil {
		w.t.Fatal(err)
	}
	if sim.Phase != phase {
		w.t.Fatalf("simulated in %s, want %s", sim.Phase, phase)
	}
	rs, err := v.Index.Score(2025, region)
	if err != nil {
		w.t.Fatal(err)
	}
	if sim.Current.IID != rs.Result.Verified.IID || sim.Provisional.IID != rs.Result.Provisional.IID {
		w.t.Fatalf("%s: simulation's current %s / provisional %s differ from the score's %s / %s", region,
			sim.Current.IID, sim.Provisional.IID, rs.Result.Verified.IID, rs.Result.Provisional.IID)
	}
	for i, sg := range sim.Suggestions {
		if len(sg.Options) == 0 || (i > 0 && sg.Best().Gain > sim.Suggestions[i-1].Best().Gain) {
			w.t.Fatalf("%s: suggestion %d %+v is not ranked by gain", region, i, sg)
		}
		if sim.BestCase.IID < sg.Best().IID {
			w.t.Fatalf("%s: best case %s below one suggestion's %s", region, sim.BestCase.IID, sg.Best().IID)
		}
	}
	return sim
}

func (w *simWorld) verifiedIID(region string) domain.Hundredths {
	w.t.Helper()
	rs, err := caughtUp(w.t, w.s.store).Index.Score(2025, region)
	if err != nil {
		w.t.Fatal(err)
	}
	return rs.Result.Verified.IID
}
