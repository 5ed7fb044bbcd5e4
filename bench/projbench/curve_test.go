package projbench_test

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jejak-id/jejak/bench/projbench"
)

// curve is four made-up runs: rebuild time and snapshot grow linearly,
// memory grows slower than the events.
func curve() []projbench.Report {
	var reps []projbench.Report
	for _, scale := range []float64{0.25, 0.5, 1, 2} {
		events := int(scale * 2e6)
		reps = append(reps, projbench.Report{Options: projbench.Options{Scale: scale}, Events: events, Commits: uint64(events / 3),
			RebuildSecs: 15 * float64(events) / 1e6, RebuildRatio: 0.8, RSSMiB: 100 + 300*math.Sqrt(scale),
			SnapshotBytes: events * 56, SnapshotStoredBytes: events * 12, ExportSecs: 1 + 2*scale})
	}
	return reps
}

func TestCurveFits(t *testing.T) {
	reps := curve()
	metrics := projbench.Metrics()
	rebuild := projbench.FitMetric(reps, metrics[0])
	if math.Abs(rebuild.Slope*1e6-15) > 1e-9 || math.Abs(rebuild.Intercept) > 1e-9 || rebuild.R2 < 0.999999 ||
		rebuild.Growth() != "linear (marginal cost x1.00)" {
		t.Fatalf("rebuild fit %+v (%s)", rebuild, rebuild.Growth())
	}
	if g := projbench.FitMetric(reps, metrics[1]).Growth(); !strings.HasPrefix(g, "sublinear") {
		t.Fatalf("memory grows %s", g)
	}
	if g := projbench.FitMetric(reps, metrics[4]).Growth(); !strings.HasPrefix(g, "linear") {
		t.Fatalf("export time (fixed part and a linear part) grows %s", g)
	}
	table := projbench.CurveTable(reps)
	for _, want := range []string{"| 2 | 4,000,000 | 1,333,333 | 60.0 s | 15.0 s | 0.80x |", "| full rebuild | linear (marginal cost x1.00) |", "64.4 s |"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

func TestCurveChart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "curve.png")
	if p := os.Getenv("JEJAK_KEEPCHART"); p != "" {
		path = p
	}
	if err := projbench.WriteCurveChart(curve(), path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width < 800 || cfg.Height < 500 {
		t.Fatalf("chart %dx%d: %v", cfg.Width, cfg.Height, err)
	}
}
