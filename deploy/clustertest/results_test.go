package clustertest

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Results are the figures of one run, for docs/BENCHMARKS.md.
type Results struct {
	Compose             string
	Image               string        // the jejak image tested
	Startup             time.Duration // compose up until both replicas are ready
	KilledNode          string
	NodeLoss            LoadResult
	NodeDown            time.Duration // kill until the node was healthy again
	NodeRecovery        time.Duration // start until the node was healthy again
	NodeLossConvergence time.Duration
	Rolling             LoadResult
	ReplicaRestart      time.Duration // longest restart of one replica until ready
	RollingConvergence  time.Duration
	Stored              int
	Seals               SealResults // Merkle log heads during the node loss phase
	EvidenceUploaded    int         // evidence files acknowledged while the node was down
	EvidenceFailed      int
}

// Markdown renders the figures as a table.
func (r Results) Markdown() string {
	ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	var b strings.Builder
	fmt.Fprintf(&b, "### Cluster test (%s)\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "Three NATS JetStream nodes (R3) and two Jejak replicas in Docker on one host (%d CPUs, %s), %s. "+
		"Image %s. 4 writers, round-robin over both replicas, each failed write retried with the same Idempotency-Key.\n\n",
		runtime.NumCPU(), runtime.GOOS+"/"+runtime.GOARCH, r.Compose, r.Image)
	rows := [][2]string{
		{"cluster start (compose up to both replicas ready)", ms(r.Startup)},
		{"node loss: writes acknowledged", writes(r.NodeLoss)},
		{"node loss: NATS node killed", r.KilledNode + " (the stream leader), SIGKILL"},
		{"node loss: longest write stall (no acknowledgement at all)", ms(r.NodeLoss.MaxStall)},
		{"node loss: longest single write, retries included", ms(r.NodeLoss.MaxLatency)},
		{"node loss: killed node down (kill to healthy again)", ms(r.NodeDown)},
		{"node loss: killed node healthy again after restart", ms(r.NodeRecovery)},
		{"node loss: projections of both replicas converged after the load", ms(r.NodeLossConvergence)},
		{"node loss: signed heads (Merkle log), of which while the node was down", fmt.Sprintf("%d, %d (interval 10s; none twice in an interval; each consistent with the next)", r.Seals.Heads, r.Seals.DuringLoss)},
		{"node loss: longest gap between two heads", ms(r.Seals.LongestGap)},
		{"node loss: evidence files (192 KiB PNG, 2 chunks each) uploaded while the node was down", fmt.Sprintf("%d acknowledged, %d failed; every acknowledged file downloaded byte for byte from both replicas afterwards", r.EvidenceUploaded, r.EvidenceFailed)},
		{"rolling restart: writes acknowledged", writes(r.Rolling)},
		{"rolling restart: longest write stall", ms(r.Rolling.MaxStall)},
		{"rolling restart: longest single write, retries included", ms(r.Rolling.MaxLatency)},
		{"rolling restart: longest replica restart until ready", ms(r.ReplicaRestart)},
		{"rolling restart: projections converged after the load", ms(r.RollingConvergence)},
		{"innovations stored / writes acknowledged", fmt.Sprintf("%d / %d", r.Stored, len(r.NodeLoss.Acks)+len(r.Rolling.Acks))},
	}
	b.WriteString("| figure | value |\n|---|---|\n")
	for _, row := range rows {
		fmt.Fprintf(&b, "| %s | %s |\n", row[0], row[1])
	}
	return b.String()
}

func writes(l LoadResult) string {
	return fmt.Sprintf("%d in %s (%.0f/s); %d retries, %d answered as idempotent replays",
		len(l.Acks), l.Duration.Round(time.Millisecond), l.Throughput(), l.Retries, l.Replays)
}

// Print logs the figures.
func (r Results) Print(t *testing.T) { t.Logf("figures:\n%s", r.Markdown()) }

// MustWrite writes the figures to path.
func (r Results) MustWrite(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(r.Markdown()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("figures written to deploy/clustertest/%s", path)
}
