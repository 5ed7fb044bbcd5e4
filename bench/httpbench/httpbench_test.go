package httpbench_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
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

// TestRunAuditOnly stops after the audit log's probes and profiles them.
func TestRunAuditOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("benchmark smoke test")
	}
	prof := filepath.Join(t.TempDir(), "probes.pprof")
	rep, err := httpbench.Run(context.Background(), httpbench.Options{Readers: 2, Duration: 100 * time.Millisecond, Scale: 0.002, Probes: 2,
		DataDir: t.TempDir(), AuditOnly: true, ProbeCPUProfile: prof}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Probes {
		if !strings.HasPrefix(p.Name, "audit: ") {
			t.Errorf("probe %q after the audit log's", p.Name)
		}
	}
	if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 || len(rep.Probes) != 9 {
		t.Fatalf("%d probes; profile %v %v", len(rep.Probes), fi, err)
	}
}
