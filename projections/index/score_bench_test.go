package index_test

import (
	"context"
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/sampledata"
)

// BenchmarkScoreAll scores every region of every year of the demo from a
// cold cache (as a rebuild does at pleno, and an export for its tables).
func BenchmarkScoreAll(b *testing.B) {
	st := testsupport.MustStorage(b)
	if _, err := sampledata.LoadDemo(context.Background(), domain.NewService(st.Store, nil), sampledata.DemoOptions{}); err != nil {
		b.Fatal(err)
	}
	views := projections.NewViews(st.Store)
	if err := views.Runner.CatchUp(context.Background()); err != nil {
		b.Fatal(err)
	}
	data, err := views.Index.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		ix := index.New()
		if err := ix.Restore(data); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, p := range ix.Years() {
			if _, err := ix.Rankings(p.Year, index.ClusterNational); err != nil {
				b.Fatal(err)
			}
			for _, region := range []string{"64.03", "18.04", "18.01", "35.08"} {
				if _, err := ix.Score(p.Year, region); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}
