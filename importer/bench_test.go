package importer_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jejak-id/jejak/importer"
)

// benchFile is an XLSX of n innovations of 18.04, each with its trial and
// implementation dates (3 commits per row), the dates as date cells.
func benchFile(b *testing.B, n int) []byte {
	rows := [][]any{innovationHeader}
	for i := range n {
		rows = append(rows, innovation("18.04", fmt.Sprintf("Inovasi Uji %05d", i), day("2024-01-10"), day("2024-03-01"), day("2024-06-01")))
	}
	return book(b, map[string][][]any{"Inovasi": rows}, func(*excelize.File) {})
}

// BenchmarkImport5000 imports 5,000 rows (15,000 commits) into a fresh
// store on embedded NATS, after a dry run of the same file (reported
// separately). Run it under flock /work/bench.lock (docs/BENCHMARKS.md).
func BenchmarkImport5000(b *testing.B) {
	data := benchFile(b, 5000)
	var dry, real time.Duration
	for b.Loop() {
		b.StopTimer()
		w := mustWorld(b)
		b.StartTimer()
		start := time.Now()
		rep, err := w.run(data, importer.Options{DryRun: true})
		if err != nil || len(rep.Problems) != 0 {
			b.Fatalf("dry run: %v %v", err, rep.Problems)
		}
		dry += time.Since(start)
		start = time.Now()
		rep, err = w.run(data, importer.Options{Concurrency: 32})
		if err != nil || !rep.Applied || rep.Commits != 15000 {
			b.Fatalf("import: %v, %d commits", err, rep.Commits)
		}
		real += time.Since(start)
	}
	b.ReportMetric(dry.Seconds()/float64(b.N), "s-dry-run/op")
	b.ReportMetric(real.Seconds()/float64(b.N), "s-import/op")
}
