package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/internal/testsupport"
	"github.com/jejak-id/jejak/projections"
)

// stack is a real event store on an embedded nats-server with file storage,
// and the domain service writing to it with a controllable clock.
type stack struct {
	storage *app.Storage
	store   *eventstore.Store
	svc     *domain.Service
	now     time.Time
	seq     int
}

func mustStack(tb testing.TB) *stack {
	tb.Helper()
	st := testsupport.MustStorage(tb)
	s := &stack{storage: st, store: st.Store, now: time.Date(2025, 6, 25, 9, 0, 0, 0, time.UTC)}
	s.svc = domain.NewService(st.Store, func() time.Time { return s.now })
	s.svc.People = testsupport.People()
	return s
}

func (s *stack) meta(actor domain.Actor) domain.CommandMeta {
	s.seq++
	return domain.CommandMeta{CommandID: uuid.NewSHA1(uuid.NameSpaceOID, []byte{byte(s.seq >> 8), byte(s.seq)}), Actor: actor}
}

var (
	admin    = testsupport.Admin
	verifier = testsupport.Verifier
	operator = testsupport.Operator
	day      = testsupport.Day
)

func scenario(tb testing.TB, s *stack) map[string]uint64 {
	tb.Helper()
	ctx := context.Background()
	pos := map[string]uint64{}
	step := func(name string) func(domain.CommitResult, error) {
		return func(res domain.CommitResult, err error) {
			tb.Helper()
			if err != nil {
				tb.Fatalf("%s: %v", name, err)
			}
			pos[name] = res.Position
		}
	}
	step("open")(s.svc.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: s.meta(admin), Year: 2025,
		CatalogueVersion: "iid-2025.1", Schedule: testsupport.Schedule2025()}))

	lb := operator("18.04")
	res, innA, err := s.svc.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: s.meta(lb), Region: "18.04",
		On: day("2024-01-10"), Details: domain.InnovationDetails{Name: "Layanan Adminduk Keliling (data contoh)",
			Unit: "Dinas Kependudukan dan Pencatatan Sipil", Initiator: domain.InitiatorOPD, Form: domain.FormPelayananPublik,
			Digital: true, Affair: domain.AffairAdminduk, Problem: "jarak jauh", Solution: "layanan keliling", Benefit: "dekat"}})
	step("propose")(res, err)
	step("trial")(s.svc.StartTrial(ctx, domain.StageCommand{CommandMeta: s.meta(lb), InnovationID: innA, On: day("2024-03-01")}))
	step("implementation")(s.svc.StartImplementation(ctx, domain.StageCommand{CommandMeta: s.meta(lb), InnovationID: innA, On: day("2024-06-01")}))

	answer := func(actor domain.Actor, region, innovation, indicator string, option int) {
		tb.Helper()
		step("answer " + region + " " + indicator)(s.svc.SubmitAnswer(ctx, domain.SubmitAnswerCommand{CommandMeta: s.meta(actor),
			Year: 2025, Region: region, Indicator: indicator, InnovationID: innovation, Option: option,
			Evidence: domain.Evidence{DocumentRef: "bukti-" + indicator, Note: "data contoh"}}))
	}
	answer(lb, "18.04", "", "1", 3)
	answer(lb, "18.04", "", "8", 3)
	answer(lb, "18.04", "", "12", 2)
	answer(lb, "18.04", innA, "16", 3)
	answer(lb, "18.04", innA, "33", 2)
	ls := operator("18.01")
	answer(ls, "18.01", "", "1", 1)

	s.now = day("2025-09-02").Add(9 * time.Hour)
	step("pengukuran")(s.svc.AdvancePhase(ctx, domain.AdvancePhaseCommand{CommandMeta: s.meta(admin), Year: 2025, To: domain.PhasePengukuran}))
	verify := func(region, innovation, indicator string, d domain.Decision, option int) {
		tb.Helper()
		step("verify " + region + " " + indicator)(s.svc.VerifyAnswer(ctx, domain.VerifyAnswerCommand{CommandMeta: s.meta(verifier),
			Year: 2025, Region: region, Indicator: indicator, InnovationID: innovation, Decision: d, Option: option,
			Reason: "bukti sesuai"}))
	}
	verify("18.04", "", "1", domain.DecisionAccept, 0)
	verify("18.04", "", "8", domain.DecisionAccept, 0)
	verify("18.04", innA, "16", domain.DecisionAccept, 0)
	verify("18.04", innA, "33", domain.DecisionLower, 1)
	verify("18.01", "", "1", domain.DecisionAccept, 0)
	return pos
}

// views returns live projections caught up with the store.
func caughtUp(tb testing.TB, store domain.EventStore) *projections.Views {
	tb.Helper()
	v := projections.NewViews(store)
	if err := v.Runner.CatchUp(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return v
}

func hash(tb testing.TB, p projections.Snapshotter) string {
	tb.Helper()
	h, err := projections.StateHash(p)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}
