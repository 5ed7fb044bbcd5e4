package projections_test

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/sampledata"
)

// TestScoreHistoryOfTheDemo checks the score history (riwayat skor) of every
// region and year of the demo against the log and the index: replaying a
// history's steps ends at the current score; every step's event exists, is
// at the step's position and touches that region and year; and the score as
// of a step's position (and just before it) is the step's after (before).
func TestScoreHistoryOfTheDemo(t *testing.T) {
	s := mustStack(t)
	if _, err := sampledata.LoadDemo(context.Background(), s.svc, sampledata.DemoOptions{}); err != nil {
		t.Fatal(err)
	}
	events := map[uuid.UUID]domain.RecordedEvent{}
	innovationRegion, sessionRegion := map[string]string{}, map[string]string{}
	if err := s.store.Read(context.Background(), 0, func(ev domain.RecordedEvent) error {
		events[ev.ID] = ev
		switch e := ev.Data.(type) {
		case domain.InnovationProposed:
			innovationRegion[e.InnovationID] = e.Region
		case domain.BimtekScheduled:
			sessionRegion[e.SessionID] = e.Region
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	touches := func(ev domain.RecordedEvent, year int, region string) bool {
		switch ev.AggregateType {
		case domain.AggregateAssessment:
			return ev.AggregateID == domain.AssessmentID(year, region)
		case domain.AggregateInnovation:
			return innovationRegion[ev.AggregateID] == region
		case domain.AggregateBimtek:
			return sessionRegion[ev.AggregateID] == region
		case domain.AggregatePeriod:
			y, _ := strconv.Atoi(ev.AggregateID)
			return y <= year // a year opens, or an earlier one froze which innovations counted
		}
		return false
	}

	views := caughtUp(t, s.store)
	live := views.Index
	var all []index.ScoreStep
	var where []string
	regions, err := domain.Regions()
	if err != nil {
		t.Fatal(err)
	}
	for _, year := range []int{2021, 2022, 2023, 2024, 2025, 2026} {
		for _, g := range regions.All() {
			steps, err := live.History(year, g.Code)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := live.Score(year, g.Code)
			if err != nil {
				t.Fatal(err)
			}
			var v, p domain.Hundredths
			for i, st := range steps {
				if st.VerifiedBefore != v || st.ProvisionalBefore != p {
					t.Fatalf("%d %s step %d starts at %s/%s, the one before ended at %s/%s", year, g.Code, i, st.VerifiedBefore, st.ProvisionalBefore, v, p)
				}
				if st.VerifiedAfter == v && st.ProvisionalAfter == p {
					t.Errorf("%d %s step %d changes nothing", year, g.Code, i)
				}
				v, p = st.VerifiedAfter, st.ProvisionalAfter
				ev, ok := events[st.EventID]
				switch {
				case !ok:
					t.Errorf("%d %s step %d: no event %s in the log", year, g.Code, i, st.EventID)
				case ev.Position != st.Position || ev.Type != st.Type:
					t.Errorf("%d %s step %d: event %s is %s at %d, the step says %s at %d", year, g.Code, i, st.EventID, ev.Type, ev.Position, st.Type, st.Position)
				case !touches(ev, year, g.Code):
					t.Errorf("%d %s step %d: event %s (%s %s) does not touch the region and year", year, g.Code, i, st.EventID, ev.AggregateType, ev.AggregateID)
				}
				all = append(all, st)
				where = append(where, domain.AssessmentID(year, g.Code))
			}
			if v != rs.Result.Verified.IID || p != rs.Result.Provisional.IID {
				t.Errorf("%d %s: the history ends at %s/%s, the score is %s/%s", year, g.Code, v, p, rs.Result.Verified.IID, rs.Result.Provisional.IID)
			}
		}
	}
	if len(all) < 100 {
		t.Fatalf("the demo's history has %d steps; the test needs a real history", len(all))
	}
	t.Logf("%d steps over the demo", len(all))

	// as of a step's position the score is its after, just before it its before
	rng := rand.New(rand.NewPCG(16, 16))
	for range 5 {
		i := rng.IntN(len(all))
		st := all[i]
		year, _ := strconv.Atoi(where[i][:4])
		region := where[i][5:]
		for _, c := range []struct {
			at   uint64
			v, p domain.Hundredths
		}{{st.Position, st.VerifiedAfter, st.ProvisionalAfter}, {st.Position - 1, st.VerifiedBefore, st.ProvisionalBefore}} {
			ix, _, err := views.IndexAt(context.Background(), projections.AsOf{Position: c.at})
			if err != nil {
				t.Fatal(err)
			}
			var v, p domain.Hundredths // zero before the year opened
			if rs, err := ix.Score(year, region); err == nil {
				v, p = rs.Result.Verified.IID, rs.Result.Provisional.IID
			} else if !domain.IsCode(err, domain.CodeNotFound) {
				t.Fatal(err)
			}
			if v != c.v || p != c.p {
				t.Errorf("%s as of %d: score %s/%s, the history says %s/%s", where[i], c.at, v, p, c.v, c.p)
			}
		}
	}
}
