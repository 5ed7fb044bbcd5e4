package projbench

import (
	"bytes"
	"fmt"
	"image/color"
	"os"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// WriteCurveChart draws the curve as a PNG: one panel per metric against
// millions of events, the measured points, the fitted line drawn on to ten
// years of national data, and the projection there. gonum/plot draws it:
// the maintained plotting library of the Go numeric ecosystem, with fonts
// built in, so the chart needs no external tool.
func WriteCurveChart(reps []Report, path string) error {
	metrics := Metrics()
	// The two snapshot sizes share a panel.
	panels := [][]Metric{{metrics[0]}, {metrics[1]}, {metrics[2], metrics[3]}, {metrics[4]}}
	colours := []color.Color{color.RGBA{R: 0x1f, G: 0x5f, B: 0xa8, A: 0xff}, color.RGBA{R: 0xc0, G: 0x50, B: 0x10, A: 0xff}}
	tenYears := TenYearEvents / 1e6
	plots := [][]*plot.Plot{make([]*plot.Plot, 2), make([]*plot.Plot, 2)}
	for i, panel := range panels {
		p := plot.New()
		p.Title.Text = panel[0].Name
		if len(panel) > 1 {
			p.Title.Text = "index snapshot"
		}
		p.X.Label.Text = "events (millions)"
		p.Y.Label.Text = panel[0].Unit
		p.X.Min, p.Y.Min = 0, 0
		p.X.Max = tenYears * 1.05
		p.Add(plotter.NewGrid())
		for j, m := range panel {
			var pts plotter.XYs
			for _, r := range reps {
				pts = append(pts, plotter.XY{X: float64(r.Events) / 1e6, Y: m.Value(r)})
			}
			f := FitMetric(reps, m)
			line := plotter.NewFunction(func(x float64) float64 { return f.At(x * 1e6) })
			line.XMin, line.XMax = 0, tenYears
			line.Color, line.Dashes = colours[j], []vg.Length{vg.Points(4), vg.Points(3)}
			dots, err := plotter.NewScatter(pts)
			if err != nil {
				return err
			}
			dots.Color, dots.Shape, dots.Radius = colours[j], draw.CircleGlyph{}, vg.Points(3.5)
			projected, err := plotter.NewScatter(plotter.XYs{{X: tenYears, Y: f.At(TenYearEvents)}})
			if err != nil {
				return err
			}
			projected.Color, projected.Shape, projected.Radius = colours[j], draw.RingGlyph{}, vg.Points(5)
			p.Add(line, dots, projected)
			label := fmt.Sprintf("%s: %s", strings.TrimPrefix(m.Name, "index snapshot, "), f.Growth())
			if len(panel) == 1 {
				label = f.Growth()
			}
			p.Legend.Add(label, dots)
			p.Legend.Add(fmt.Sprintf("ten years: %.1f %s", f.At(TenYearEvents), m.Unit), projected)
		}
		p.Legend.Top, p.Legend.Left = true, true
		plots[i/2][i%2] = p
	}
	img := vgimg.NewWith(vgimg.UseWH(vg.Points(900), vg.Points(640)), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 2, Cols: 2, PadX: vg.Points(24), PadY: vg.Points(24),
		PadTop: vg.Points(10), PadBottom: vg.Points(10), PadLeft: vg.Points(10), PadRight: vg.Points(14)}
	canvases := plot.Align(plots, tiles, dc)
	for r := range plots {
		for c := range plots[r] {
			plots[r][c].Draw(canvases[r][c])
		}
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
