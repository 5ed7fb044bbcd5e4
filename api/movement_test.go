package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api/apitest"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/sampledata"
)

// TestMovementWithoutAPastState reads a ranking's movement (Pergerakan
// sejak) on the demo, in every cluster, since a day on which the year's
// results were frozen and since a day before: the earlier ranking comes
// from the ranking figures (no past state is computed) and the movement
// equals the one computed from the past state of that day.
func TestMovementWithoutAPastState(t *testing.T) {
	ctx := context.Background()
	s := apitest.Start(t)
	if _, err := sampledata.LoadDemo(ctx, s.Service, sampledata.DemoOptions{OtherRegions: 12}); err != nil {
		t.Fatal(err)
	}
	head := s.Head()
	s.WaitForProjections(head)
	const year = 2024
	var published, pengukuran time.Time
	evs, err := s.Store.Load(ctx, domain.AggregatePeriod, "2024", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if e, ok := ev.Data.(domain.PeriodPhaseAdvanced); ok {
			switch e.To {
			case domain.PhasePublished:
				published = ev.OccurredAt
			case domain.PhasePengukuran:
				pengukuran = ev.OccurredAt
			}
		}
	}
	if published.IsZero() || pengukuran.IsZero() {
		t.Fatalf("the demo's %d was not published (events %d)", year, len(evs))
	}
	admin := s.Token("admin-1", domain.RoleAdmin, "")
	computed := func() int {
		n, _, _ := s.Views.PastStats()
		return n
	}
	type row struct {
		Region   string `json:"region"`
		Rank     int    `json:"rank"`
		Movement *int   `json:"movement"`
	}
	movement := func(token, cluster string, since time.Time) map[string]int {
		t.Helper()
		res := s.Do(apitest.Request{Method: "GET", Token: token,
			Path: "/api/v1/rankings/2024?limit=1000&cluster=" + cluster + "&since=" + since.Format(time.DateOnly)})
		if res.Status != http.StatusOK {
			t.Fatalf("movement since %s in %s: %d %s", since.Format(time.DateOnly), cluster, res.Status, res.Body)
		}
		var body struct{ Items []row }
		if err := json.Unmarshal(res.Body, &body); err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, r := range body.Items {
			if r.Movement == nil {
				t.Fatalf("%s has no movement since %s", r.Region, since.Format(time.DateOnly))
			}
			out[r.Region] = *r.Movement
		}
		return out
	}
	// fromPast is the movement computed from the past state of the end of
	// the day since (the API's reading of since, in UTC).
	fromPast := func(cluster domain.Cluster, since time.Time) map[string]int {
		t.Helper()
		day, _ := time.Parse(time.DateOnly, since.Format(time.DateOnly))
		then, _, err := s.Views.IndexAt(ctx, projections.AsOf{Time: day.Add(24*time.Hour - time.Nanosecond)})
		if err != nil {
			t.Fatal(err)
		}
		before, err := then.Rankings(year, cluster)
		if err != nil {
			t.Fatal(err)
		}
		now, err := s.Views.Index.Rankings(year, cluster)
		if err != nil {
			t.Fatal(err)
		}
		return index.Movement(before, now)
	}
	same := func(what string, got, want map[string]int) {
		t.Helper()
		if len(got) == 0 || len(got) != len(want) {
			t.Fatalf("%s: %d rows, the past state gives %d", what, len(got), len(want))
		}
		for code, m := range want {
			if got[code] != m {
				t.Errorf("%s: %s moved %d, the past state says %d", what, code, got[code], m)
			}
		}
	}

	cases := []struct {
		name  string
		token string
		since time.Time
	}{
		{"since a day the results were frozen (a visitor)", "", published.Add(24 * time.Hour)},
		{"since a day in pengukuran, before the freeze (an admin)", admin, pengukuran.Add(24 * time.Hour)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, cluster := range index.Clusters() {
				before := computed()
				got := movement(c.token, string(cluster), c.since)
				if n := computed(); n != before {
					t.Fatalf("%s: %d past states computed, want none", cluster, n-before)
				}
				if want := fromPast(cluster, c.since); len(want) > 0 || len(got) > 0 {
					same(string(cluster), got, want)
				}
			}
		})
	}
}
