package projbench_test

import (
	"context"
	"io"
	"slices"
	"testing"

	"github.com/jejak-id/jejak/bench/projbench"
)

// TestRunSmall runs the whole benchmark on a tiny generated store: every
// scenario must complete and report figures. It asserts no timing.
func TestRunSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("benchmark smoke test")
	}
	rep, err := projbench.Run(context.Background(), projbench.Options{Scale: 0.002, Rounds: 1, Writers: 4, Appends: 40,
		Queries: 20, DataDir: t.TempDir(), HistoryCost: true}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Events == 0 || rep.RebuildRate == 0 || rep.RawRate == 0 || rep.VisibleP99 == 0 || rep.RankingP99 == 0 || rep.RegionP99 == 0 || rep.HotRegionP99 == 0 ||
		rep.NoHistorySecs == 0 || rep.NoHistoryHeapMiB == 0 || rep.RebuildCPUSecs == 0 || rep.NoHistoryCPUSecs == 0 ||
		len(rep.AuditP99) != len(projbench.AuditPageKinds) || slices.Contains(rep.AuditP99, 0) {
		t.Fatalf("incomplete report: %+v", rep)
	}
}

// TestRunPrivacySmall runs the sealed-versus-clear comparison on a tiny
// store: both rebuilds and the opening of every attendee complete.
func TestRunPrivacySmall(t *testing.T) {
	if testing.Short() {
		t.Skip("benchmark smoke test")
	}
	rep, err := projbench.RunPrivacy(context.Background(), projbench.Options{Scale: 0.002, Rounds: 1, DataDir: t.TempDir()}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Events == 0 || rep.PlainRate == 0 || rep.SealedRate == 0 || rep.Attendees == 0 || rep.SealedMiB <= rep.PlainMiB {
		t.Fatalf("incomplete report: %+v", rep)
	}
}
