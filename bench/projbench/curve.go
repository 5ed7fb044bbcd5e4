package projbench

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
)

// TenYearEvents is the event count this package projects to as "ten years
// of national data": the five generated years (2021-2025, 1.92M events at
// scale 1) and five more at 2025's volume (36,742 innovations a year, about
// 12.9 events per innovation-year as generated).
const TenYearEvents = 4.29e6

// Curve runs the rebuild, memory, snapshot and export measurements at each
// scale in turn, each on a freshly generated store, and returns the reports
// in order. Queries and append-to-visible are left out (SkipReads).
func Curve(ctx context.Context, scales []float64, o Options, w io.Writer) ([]Report, error) {
	var out []Report
	for _, scale := range scales {
		o := o
		o.Scale, o.SkipReads = scale, true
		fmt.Fprintf(w, "== scale %g\n", scale)
		rep, err := Run(ctx, o, w)
		if err != nil {
			return out, fmt.Errorf("scale %g: %w", scale, err)
		}
		out = append(out, rep)
	}
	return out, nil
}

// Metric is one measured cost on the curve.
type Metric struct {
	Name, Unit string
	Value      func(Report) float64
}

// Metrics are the costs the curve shows against the event count.
func Metrics() []Metric {
	mib := func(n int) float64 { return float64(n) / (1 << 20) }
	return []Metric{
		{"full rebuild", "s", func(r Report) float64 { return r.RebuildSecs }},
		{"RSS after rebuild", "MiB", func(r Report) float64 { return r.RSSMiB }},
		{"index snapshot, serialised", "MiB", func(r Report) float64 { return mib(r.SnapshotBytes) }},
		{"index snapshot, stored (gzip)", "MiB", func(r Report) float64 { return mib(r.SnapshotStoredBytes) }},
		{"export of the latest year", "s", func(r Report) float64 { return r.ExportSecs }},
	}
}

// Fit describes how a metric grows with the event count: the least-squares
// line through the points, how well it fits, and the cost of one more event
// at the small and at the large end of the curve (the slopes of its first
// and last segments): equal for linear growth, whatever the fixed part.
type Fit struct {
	Intercept, Slope      float64 // y = Intercept + Slope*events
	R2                    float64
	FirstSlope, LastSlope float64
}

// At is the fitted value at n events.
func (f Fit) At(n float64) float64 { return f.Intercept + f.Slope*n }

// Growth says in words how the metric grows: linear when an event costs
// about the same at both ends of the curve (within 25%).
func (f Fit) Growth() string {
	r := f.LastSlope / f.FirstSlope
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0) || f.FirstSlope <= 0:
		return "not monotonic"
	case r < 0.8:
		return fmt.Sprintf("sublinear (marginal cost x%.2f)", r)
	case r > 1.25:
		return fmt.Sprintf("superlinear (marginal cost x%.2f)", r)
	default:
		return fmt.Sprintf("linear (marginal cost x%.2f)", r)
	}
}

// FitMetric fits m over the reports.
func FitMetric(reps []Report, m Metric) Fit {
	var xs, ys []float64
	for _, r := range reps {
		xs = append(xs, float64(r.Events))
		ys = append(ys, m.Value(r))
	}
	return fitLine(xs, ys)
}

// fitLine fits points given in increasing x.
func fitLine(xs, ys []float64) Fit {
	n := float64(len(xs))
	if len(xs) < 2 {
		return Fit{FirstSlope: math.NaN(), LastSlope: math.NaN()}
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		x, y := xs[i], ys[i]
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	f := Fit{}
	f.Slope = (n*sxy - sx*sy) / (n*sxx - sx*sx)
	f.Intercept = (sy - f.Slope*sx) / n
	last := len(xs) - 1
	f.FirstSlope = (ys[1] - ys[0]) / (xs[1] - xs[0])
	f.LastSlope = (ys[last] - ys[last-1]) / (xs[last] - xs[last-1])
	mean := sy / n
	var ssRes, ssTot float64
	for i := range xs {
		d := ys[i] - f.At(xs[i])
		ssRes += d * d
		ssTot += (ys[i] - mean) * (ys[i] - mean)
	}
	f.R2 = 1
	if ssTot > 0 {
		f.R2 = 1 - ssRes/ssTot
	}
	return f
}

// CurveTable is the curve as Markdown: one row per scale, then how each
// metric grows and what the fit projects for ten years of national data.
func CurveTable(reps []Report) string {
	var b strings.Builder
	b.WriteString("| scale | events | commits | rebuild | per million events | vs raw decode | RSS | snapshot (serialised / gzip) | export |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range reps {
		fmt.Fprintf(&b, "| %g | %s | %s | %.1f s | %.1f s | %.2fx | %.0f MiB | %.1f / %.1f MiB | %.1f s |\n",
			r.Options.Scale, thousands(r.Events), thousands(int(r.Commits)), r.RebuildSecs,
			r.RebuildSecs/(float64(r.Events)/1e6), r.RebuildRatio, r.RSSMiB,
			float64(r.SnapshotBytes)/(1<<20), float64(r.SnapshotStoredBytes)/(1<<20), r.ExportSecs)
	}
	fmt.Fprintf(&b, "\n| metric | growth | fit (per million events) | R² | at ten years (%.2fM events) |\n", TenYearEvents/1e6)
	b.WriteString("|---|---|---|---|---|\n")
	for _, m := range Metrics() {
		f := FitMetric(reps, m)
		fmt.Fprintf(&b, "| %s | %s | %.3g %s + %.3g %s | %.3f | %.1f %s |\n",
			m.Name, f.Growth(), f.Intercept, m.Unit, f.Slope*1e6, m.Unit, f.R2, f.At(TenYearEvents), m.Unit)
	}
	return b.String()
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
