package projections_test

import (
	"slices"
	"testing"

	"github.com/jejak-id/jejak/projections/audit"
)

// TestRecentEventsByRegion: the latest events of one region are that
// region's and the national ones, newest first, and survive a checkpoint.
func TestRecentEventsByRegion(t *testing.T) {
	s := mustStack(t)
	scenario(t, s)
	live := caughtUp(t, s.store).Audit
	data, err := live.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored := audit.NewTrails(s.store)
	if err := restored.Restore(data); err != nil {
		t.Fatal(err)
	}
	for name, trails := range map[string]*audit.Trails{"live": live, "restored": restored} {
		t.Run(name, func(t *testing.T) {
			all := trails.Recent(50, "")
			regions := map[string]int{}
			for _, e := range all {
				regions[e.Region]++
			}
			if regions["18.04"] == 0 || regions["18.01"] == 0 || regions[""] == 0 {
				t.Fatalf("every region's latest events are about %v", regions)
			}
			own := trails.Recent(50, "18.01")
			var got []uint64
			for _, e := range own {
				if e.Region != "18.01" && e.Region != "" {
					t.Errorf("18.01's latest events hold one of %s (%s)", e.Region, e.Type)
				}
				got = append(got, e.Position)
			}
			// 18.01's assessment started with its answer (one commit), the
			// answer's verification, the period's opening and its move to
			// pengukuran
			if len(own) != 5 || !slices.IsSortedFunc(got, func(a, b uint64) int { return int(b) - int(a) }) {
				t.Errorf("18.01's latest events: %d at positions %v, want 5, newest first", len(own), got)
			}
			if n := len(trails.Recent(2, "18.01")); n != 2 {
				t.Errorf("a limit of 2 gave %d", n)
			}
			if empty := trails.Recent(10, "35.08"); empty == nil || len(empty) != 2 {
				t.Errorf("a region without events sees %v, want the 2 national ones", empty)
			}
		})
	}
}
