package projections_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/sampledata"
)

// TestRegionIndexAtEqualsThePastState checks a region's past state, built
// from the region's own events and the periods', against the whole past
// state replayed event by event: the score and explanation of every year
// and the region's profile, at every 997th commit and around each commit
// that moved a period, two regions at a time in turn.
func TestRegionIndexAtEqualsThePastState(t *testing.T) {
	ctx := context.Background()
	s := mustStack(t)
	if _, err := sampledata.LoadDemo(ctx, s.svc, sampledata.DemoOptions{}); err != nil {
		t.Fatal(err)
	}
	views := caughtUp(t, s.store)
	head := views.Runner.Position()
	var regions []string
	for _, p := range views.Index.Years() {
		for _, row := range mustRanking(t, views.Index, p.Year) {
			if !contains(regions, row) {
				regions = append(regions, row)
			}
		}
	}
	if len(regions) < 10 {
		t.Fatalf("the demo assesses only %d regions", len(regions))
	}
	years := []int{2021, 2022, 2023, 2024, 2025, 2026}
	asJSON := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	replayed := index.New()
	turn, checked, scores := 0, 0, 0
	check := func(pos uint64) {
		t.Helper()
		for range 2 {
			region := regions[turn%len(regions)]
			turn++
			scoped, at, err := views.RegionIndexAt(ctx, region, projections.AsOf{Position: pos}, nil)
			if err != nil || at != pos {
				t.Fatalf("RegionIndexAt(%s, %d) = %d, %v", region, pos, at, err)
			}
			if got, want := scoped.RegionProfile(region), replayed.RegionProfile(region); got != want {
				t.Fatalf("%s at %d: profile %+v, the past state's %+v", region, pos, got, want)
			}
			for _, year := range years {
				want, wantErr := replayed.Score(year, region)
				got, err := scoped.Score(year, region)
				if wantErr != nil || err != nil {
					if domain.ErrorCode(wantErr) != domain.ErrorCode(err) {
						t.Fatalf("%s %d at %d: error %v, the past state's %v", region, year, pos, err, wantErr)
					}
					continue
				}
				if g, w := asJSON(got), asJSON(want); !bytes.Equal(g, w) {
					t.Fatalf("%s %d at %d:\n got %s\nwant %s", region, year, pos, g, w)
				}
				scores++
			}
			checked++
		}
	}
	replayChecking(t, s, replayed, head, 997, check)
	if checked < 60 || scores < 150 {
		t.Fatalf("only %d region states with %d scores compared", checked, scores)
	}
	t.Logf("%d region past states (%d scores) equal the past states", checked, scores)
}

// mustRanking lists the regions ranked nationally in year.
func mustRanking(t *testing.T, ix *index.Index, year int) []string {
	t.Helper()
	r, err := ix.Rankings(year, index.ClusterNational)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, row := range r.Rows {
		out = append(out, row.Region.Code)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
