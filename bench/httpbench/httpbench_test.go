package httpbench_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/jejak-id/jejak/bench/httpbench"
)

// TestRunSmall lets a few readers read a tiny generated store: every
// request must succeed and the report must hold both kinds of read. It
// asserts no timing.
func TestRunSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("benchmark smoke test")
	}
	rep, err := httpbench.Run(context.Background(), httpbench.Options{Readers: 8, Duration: time.Second, Scale: 0.002, Probes: 3,
		DataDir: t.TempDir()}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if rep.All.Errors != 0 || rep.Rankings.Requests == 0 || rep.Profiles.Requests == 0 || rep.All.P99 == 0 || len(rep.Probes) < 10 {
		t.Fatalf("report %+v (first error %q)", rep, rep.FirstError)
	}
}

// TestSizesOnly measures the region profiles of a tiny generated store and
// stops: the largest summary is smaller than the largest full explanation.
func TestSizesOnly(t *testing.T) {
	rep, err := httpbench.Run(context.Background(), httpbench.Options{Scale: 0.002, SizesOnly: true, DataDir: t.TempDir()}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	p := rep.Profile
	if p.Region == "" || p.Summary == 0 || p.Summary >= p.Full || p.SummaryGzip >= p.Summary || p.LargestSummary < p.Summary || rep.All.Requests != 0 {
		t.Fatalf("sizes %+v, %d requests", p, rep.All.Requests)
	}
}
