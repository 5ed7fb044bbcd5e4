package projections_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/sampledata"
)

// TestRankingsAtEqualsThePastState checks the past rankings read from the
// ranking figures against the rankings of the past state itself, replayed
// event by event: for every year and cluster of the demo, at every 53rd
// commit and at each commit that moved a period (opened, advanced, froze),
// with a daerah perbatasan flag changed at the end so that the earlier
// rankings must read the flag as it was.
func TestRankingsAtEqualsThePastState(t *testing.T) {
	ctx := context.Background()
	s := mustStack(t)
	if _, err := sampledata.LoadDemo(ctx, s.svc, sampledata.DemoOptions{}); err != nil {
		t.Fatal(err)
	}
	// Kabupaten Berau (64.03) leaves the daerah perbatasan cluster, and
	// Kabupaten Lampung Barat (18.04) joins it.
	for _, c := range []struct {
		region string
		on     bool
	}{{"64.03", false}, {"18.04", true}} {
		on := c.on
		if _, err := s.svc.UpdateRegionProfile(ctx, domain.UpdateRegionProfileCommand{CommandMeta: s.meta(admin), Region: c.region,
			Perbatasan: &on, PerbatasanReason: "uji perubahan status perbatasan"}); err != nil {
			t.Fatal(err)
		}
	}
	views := caughtUp(t, s.store)
	head := views.Runner.Position()

	years := []int{2021, 2022, 2023, 2024, 2025, 2026}
	replayed := index.New()
	checked, rows := 0, 0
	check := func(pos uint64) {
		t.Helper()
		for _, year := range years {
			for _, cluster := range index.Clusters() {
				want, wantErr := replayed.Rankings(year, cluster)
				got, at, err := views.RankingsAt(ctx, year, cluster, projections.AsOf{Position: pos})
				where := fmt.Sprintf("position %d, %d %s", pos, year, cluster)
				if wantErr != nil || err != nil {
					if domain.ErrorCode(wantErr) != domain.ErrorCode(err) {
						t.Fatalf("%s: RankingsAt's error %v, the past state's %v", where, err, wantErr)
					}
					continue
				}
				if at != pos {
					t.Fatalf("%s: RankingsAt at %d", where, at)
				}
				sameRanking(t, where, got, want)
				checked++
				rows += len(want.Rows)
			}
		}
	}
	replayChecking(t, s, replayed, head, 53, check)
	if checked < 500 || rows < 5000 {
		t.Fatalf("only %d rankings with %d rows compared", checked, rows)
	}
	t.Logf("%d past rankings (%d rows) equal their past states", checked, rows)
}

// replayChecking replays s's store into replayed, event by event, and calls
// check after every commit before head whose position is a multiple of
// every, and after each commit that moved a period and the one after it:
// replayed then holds the whole past state at that position.
func replayChecking(t *testing.T, s *stack, replayed *index.Index, head, every uint64, check func(pos uint64)) {
	t.Helper()
	moved := map[uint64]bool{}
	err := s.store.Read(context.Background(), 0, func(ev domain.RecordedEvent) error {
		if err := replayed.Apply(ev); err != nil {
			return err
		}
		if ev.AggregateType == domain.AggregatePeriod {
			moved[ev.Position] = true
		}
		if ev.Index < ev.CommitSize-1 || ev.Position >= head {
			return nil
		}
		if ev.Position%every == 0 || moved[ev.Position] || moved[ev.Position-1] {
			check(ev.Position)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// sameRanking fails t unless got and want rank the same regions the same way
// with the same figures.
func sameRanking(t *testing.T, where string, got, want index.Ranking) {
	t.Helper()
	if got.Year != want.Year || got.Cluster != want.Cluster || got.Phase != want.Phase || len(got.Rows) != len(want.Rows) {
		t.Fatalf("%s: got %d %s %s with %d rows, want %d %s %s with %d", where, got.Year, got.Cluster, got.Phase, len(got.Rows),
			want.Year, want.Cluster, want.Phase, len(want.Rows))
	}
	for i, g := range got.Rows {
		w := want.Rows[i]
		same := g.Rank == w.Rank && g.Region == w.Region && g.Province == w.Province && fmt.Sprint(g.Clusters) == fmt.Sprint(w.Clusters) &&
			g.IID == w.IID && g.Predicate == w.Predicate && g.SPD == w.SPD && g.SID.Cmp(w.SID) == 0 && g.Total.Cmp(w.Total) == 0 &&
			g.Provisional == w.Provisional && g.Counted == w.Counted && g.Published == w.Published && g.LastAnswered.Equal(w.LastAnswered)
		if !same {
			t.Fatalf("%s, row %d:\n got %+v\nwant %+v", where, i+1, g, w)
		}
	}
}
