package projections_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/sampledata"
)

// TestBoundedScoreCache reads the demo through two indexes, one with the
// default bound on explained scores and one that keeps almost none: every
// ranking, region score, phase summary and export table is the same, read
// in an order that evicts, and the small cache stays within its bound
// while the totals of every region-year read are kept.
func TestBoundedScoreCache(t *testing.T) {
	s := mustStack(t)
	if _, err := sampledata.LoadDemo(context.Background(), s.svc, sampledata.DemoOptions{OtherRegions: 12}); err != nil {
		t.Fatal(err)
	}
	ref := caughtUp(t, s.store).Index
	small := caughtUp(t, s.store).Index
	const bound = 40 << 10 // a handful of the demo's explained scores
	small.SetScoreCacheBytes(bound)

	same := func(what string, read func(x *index.Index) (any, error)) {
		t.Helper()
		want, err := read(ref)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		got, err := read(small)
		if err != nil {
			t.Fatalf("%s (bounded): %v", what, err)
		}
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(got)
		if string(a) != string(b) {
			t.Fatalf("%s differs with a bounded cache:\n%s\n%s", what, a, b)
		}
	}
	years := ref.Years()
	if len(years) < 3 {
		t.Fatalf("the demo has %d years", len(years))
	}
	for round := range 2 { // the second round reads what the first evicted
		for _, y := range years {
			for _, cluster := range index.Clusters() {
				same("ranking", func(x *index.Index) (any, error) { return x.Rankings(y.Year, cluster) })
			}
			rk, err := ref.Rankings(y.Year, index.ClusterNational)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rk.Rows {
				same("score of "+row.Region.Code, func(x *index.Index) (any, error) { return x.Score(y.Year, row.Region.Code) })
			}
			same("phase summary", func(x *index.Index) (any, error) { return x.PhaseSummary(y.Year) })
			if round == 0 {
				same("export tables", func(x *index.Index) (any, error) {
					tables, _, err := x.Tables(y.Year)
					return tables, err
				})
			}
		}
	}
	results, bytes, totals := small.ScoreCacheStats()
	if bytes > bound || results == 0 {
		t.Errorf("bounded cache: %d results, %d bytes (bound %d)", results, bytes, bound)
	}
	refResults, _, refTotals := ref.ScoreCacheStats()
	if totals != refTotals || refResults <= results {
		t.Errorf("totals kept %d (default %d), results %d (default %d)", totals, refTotals, results, refResults)
	}
	t.Logf("default: %d results; bounded at %d bytes: %d results, %d bytes; totals of %d region-years", refResults, bound, results, bytes, totals)
}

// TestIndexWithoutHistory: the index bench projections --history-cost
// rebuilds keeps no score history and otherwise the same state: equal
// rankings and scores, no steps.
func TestIndexWithoutHistory(t *testing.T) {
	s := mustStack(t)
	if _, err := sampledata.LoadDemo(context.Background(), s.svc, sampledata.DemoOptions{OtherRegions: 4}); err != nil {
		t.Fatal(err)
	}
	ref := caughtUp(t, s.store).Index
	v := projections.NewViews(s.store)
	v.Index.WithoutHistory()
	if err := v.Runner.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	bare := v.Index
	for _, y := range ref.Years() {
		want, _ := ref.Rankings(y.Year, index.ClusterNational)
		got, _ := bare.Rankings(y.Year, index.ClusterNational)
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(got)
		if string(a) != string(b) || len(want.Rows) == 0 {
			t.Fatalf("%d: the ranking differs without the history", y.Year)
		}
		for _, row := range want.Rows {
			steps, err := bare.History(y.Year, row.Region.Code)
			if err != nil || len(steps) != 0 {
				t.Fatalf("%d %s: %d history steps without the history (%v)", y.Year, row.Region.Code, len(steps), err)
			}
			if kept, _ := ref.History(y.Year, row.Region.Code); len(kept) == 0 {
				t.Fatalf("%d %s: no history in the reference", y.Year, row.Region.Code)
			}
		}
	}
}
