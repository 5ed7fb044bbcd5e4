package projections_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/index"
)

// TestHistoryWhenAnEarlierYearFreezes: an innovation enters the award in at
// most two years. When the second of them freezes while a later year is
// already open, the later year stops counting it at that commit: the score
// history records the drop there and ends at the score. (Periods close
// here six months apart, so that one implementation is within the
// counting window of three years.)
func TestHistoryWhenAnEarlierYearFreezes(t *testing.T) {
	s := mustStack(t)
	ctx := context.Background()
	must := func(what string) func(domain.CommitResult, error) domain.CommitResult {
		return func(res domain.CommitResult, err error) domain.CommitResult {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			return res
		}
	}
	closes := map[int]string{2024: "2024-08-23", 2025: "2025-02-28", 2026: "2026-02-28"}
	for _, year := range []int{2024, 2025, 2026} {
		end := day(closes[year])
		s.now = end.AddDate(0, -3, 0) // a period opens on its own dates
		var schedule []domain.PhaseWindow
		for i, ph := range domain.Phases() {
			start := end.AddDate(0, 0, -40) // within the period's year
			if i > 0 {
				start = end.AddDate(0, 0, 3*i)
			}
			schedule = append(schedule, domain.PhaseWindow{Phase: ph, Start: start, End: end.AddDate(0, 0, 3*i)})
		}
		must("open")(s.svc.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: s.meta(admin), Year: year,
			CatalogueVersion: "iid-" + closes[year][:4] + ".1", Schedule: schedule}))
	}
	s.now = day("2025-06-01").Add(9 * time.Hour)
	lb := operator("18.04")
	res, inn, err := s.svc.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: s.meta(lb), Region: "18.04",
		On: day("2023-06-01"), Details: domain.InnovationDetails{Name: "Layanan Adminduk Keliling (data uji)",
			Unit: "Dinas Kependudukan dan Pencatatan Sipil", Initiator: domain.InitiatorOPD, Form: domain.FormPelayananPublik,
			Digital: true, Affair: domain.AffairAdminduk, Problem: "jarak jauh", Solution: "layanan keliling", Benefit: "dekat"}})
	must("propose")(res, err)
	must("trial")(s.svc.StartTrial(ctx, domain.StageCommand{CommandMeta: s.meta(lb), InnovationID: inn, On: day("2023-10-01")}))
	must("implementation")(s.svc.StartImplementation(ctx, domain.StageCommand{CommandMeta: s.meta(lb), InnovationID: inn, On: day("2024-03-01")}))
	for _, year := range []int{2024, 2025, 2026} {
		must("answer")(s.svc.SubmitAnswer(ctx, domain.SubmitAnswerCommand{CommandMeta: s.meta(lb), Year: year, Region: "18.04",
			Indicator: "1", Option: 2, Evidence: domain.Evidence{DocumentRef: "bukti-1", Note: "data uji"}}))
	}
	var pleno uint64
	var restored *index.Index // from a snapshot taken after 2024 froze
	var snapshotAt uint64
	for _, year := range []int{2024, 2025} { // 2026 stays open
		for _, ph := range domain.Phases()[1:] {
			res := must("advance")(s.svc.AdvancePhase(ctx, domain.AdvancePhaseCommand{CommandMeta: s.meta(admin), Year: year, To: ph}))
			if ph == domain.PhasePleno {
				pleno = res.Position
				break
			}
		}
		if year == 2024 {
			data, err := caughtUp(t, s.store).Index.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			restored = index.New()
			if err := restored.Restore(data); err != nil {
				t.Fatal(err)
			}
			snapshotAt = pleno
		}
	}
	if err := s.store.Read(ctx, snapshotAt, restored.Apply); err != nil { // 2025's phases, to the restored index
		t.Fatal(err)
	}

	live := caughtUp(t, s.store).Index
	rs, err := live.Score(2026, "18.04")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Result.Innovations) != 1 || rs.Result.Innovations[0].Rule != domain.CountUsedUp {
		t.Fatalf("2026: the innovation should be used up after counting in 2024 and 2025: %+v", rs.Result.Innovations)
	}
	steps, err := live.History(2026, "18.04")
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) == 0 {
		t.Fatal("2026 has no score history")
	}
	last := steps[len(steps)-1]
	if last.Position != pleno || last.Type != "period.phase_advanced" || last.ProvisionalAfter >= last.ProvisionalBefore {
		t.Errorf("2026's last step should be the drop at 2025's pleno (position %d): %+v", pleno, last)
	}
	if last.VerifiedAfter != rs.Result.Verified.IID || last.ProvisionalAfter != rs.Result.Provisional.IID {
		t.Errorf("2026's history ends at %s/%s, the score is %s/%s", last.VerifiedAfter, last.ProvisionalAfter,
			rs.Result.Verified.IID, rs.Result.Provisional.IID)
	}
	// a restored index knows in which years the innovation counted
	if again, err := restored.History(2026, "18.04"); err != nil || !reflect.DeepEqual(again, steps) {
		t.Errorf("the index restored after 2024 froze has another 2026 history (%v):\n%+v\nlive:\n%+v", err, again, steps)
	}
	for _, year := range []int{2024, 2025} {
		frozen, err := live.Score(year, "18.04")
		if err != nil {
			t.Fatal(err)
		}
		if !frozen.Result.Innovations[0].Counted {
			t.Errorf("%d should count the innovation: %+v", year, frozen.Result.Innovations[0])
		}
	}
}
