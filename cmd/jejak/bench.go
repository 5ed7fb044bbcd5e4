package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jejak-id/jejak/bench/evidencebench"
	"github.com/jejak-id/jejak/bench/httpbench"
	"github.com/jejak-id/jejak/bench/logbench"
	"github.com/jejak-id/jejak/bench/projbench"
	"github.com/jejak-id/jejak/bench/storebench"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	usage := `Usage: jejak bench store|projections|log|http|evidence [flags]

Measure Jejak against raw JetStream doing the same work, in one run on one
embedded server (file storage in a temp dir), and print medians and ratios.
Absolute numbers move with the machine; the ratios are what to compare.

  store         append with concurrency check, 64 concurrent writers, replay
  projections   national-scale rebuild, append-to-visible, query latency
  log           the Merkle log: appends with sealing on/off, verify --log
                against a raw hashing replay, proof latency
  http          a crowd: concurrent readers of rankings and profiles for a
                bounded time against the API on a loopback port
  evidence      a 20 MB upload against a raw object store put, RSS during a
                100 MB request, concurrent 1 MB uploads, verify of evidence
                objects against reading them raw`
	if len(args) == 0 || (args[0] != "store" && args[0] != "projections" && args[0] != "log" && args[0] != "http" && args[0] != "evidence") {
		fmt.Fprintln(stderr, usage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	fmt.Fprintf(stdout, "machine: %d CPUs, %s %s/%s, %s\n", runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		time.Now().UTC().Format(time.RFC3339))
	if args[0] == "store" {
		fs := newFlags("bench store [flags]", "Event store against raw JetStream.", stderr)
		var o storebench.Options
		fs.IntVar(&o.Rounds, "rounds", 5, "rounds per side, interleaved; the median is reported")
		fs.IntVar(&o.AppendOps, "appends", 2000, "sequential appends per round")
		fs.IntVar(&o.Writers, "writers", 64, "concurrent writers")
		fs.IntVar(&o.ConcurrentOps, "concurrent-appends", 20000, "appends per round, all writers together")
		fs.IntVar(&o.ReplayEvents, "events", 1_000_000, "events replayed per round")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "jejak bench store --rounds %d --appends %d --writers %d --concurrent-appends %d --events %d\n",
			o.Rounds, o.AppendOps, o.Writers, o.ConcurrentOps, o.ReplayEvents)
		_, err := storebench.Run(ctx, o, stdout)
		return err
	}
	if args[0] == "log" {
		return benchLog(ctx, args[1:], stdout, stderr)
	}
	if args[0] == "http" {
		return benchHTTP(ctx, args[1:], stdout, stderr)
	}
	if args[0] == "evidence" {
		fs := newFlags("bench evidence [flags]", "Evidence uploads and checks against the raw object store.", stderr)
		var o evidencebench.Options
		fs.IntVar(&o.Rounds, "rounds", 5, "rounds of the 20 MB comparison, interleaved; the median is reported")
		fs.IntVar(&o.Concurrent, "concurrent", 64, "concurrent 1 MB uploads")
		fs.IntVar(&o.Objects, "objects", 1000, "evidence objects re-hashed")
		fs.IntVar(&o.ObjectSize, "object-size", 64<<10, "bytes per re-hashed object")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "jejak bench evidence --rounds %d --concurrent %d --objects %d --object-size %d\n",
			o.Rounds, o.Concurrent, o.Objects, o.ObjectSize)
		_, err := evidencebench.Run(ctx, o, stdout)
		return err
	}
	fs := newFlags("bench projections [flags]", "Projections at national scale against raw JetStream.", stderr)
	var o projbench.Options
	fs.Float64Var(&o.Scale, "scale", 1, "generated data, 1 = national (about 1M events)")
	fs.IntVar(&o.Rounds, "rounds", 5, "rebuild rounds per side, interleaved; the median is reported")
	fs.IntVar(&o.Writers, "writers", 64, "concurrent writers for append-to-visible")
	fs.IntVar(&o.Appends, "appends", 6400, "appends measured for append-to-visible")
	fs.IntVar(&o.Queries, "queries", 2000, "queries per kind")
	scales := fs.String("scales", "", "comma-separated scales for a cost curve (e.g. 0.25,0.5,1,2): rebuild, memory, snapshot and export at each, no reads")
	chart := fs.String("chart", "", "with --scales: write the cost curve as a PNG to this file")
	fs.BoolVar(&o.HistoryCost, "history-cost", false, "also rebuild without the score history in each round: the history's share of the rebuild time and heap (issue 16's 10% budget)")
	privacy := fs.Bool("privacy", false, "compare, in one run, the rebuild with sealed attendance (issue 20) against the same history in clear, and time opening every attendee")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *privacy {
		fmt.Fprintf(stdout, "jejak bench projections --privacy --scale %g --rounds %d\n", o.Scale, o.Rounds)
		bar := newProgress(stderr, "membuat data")
		o.Progress = bar.Update
		rep, err := projbench.RunPrivacy(ctx, o, stdout)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nsummary: rebuild with sealed attendance at %.2fx of the rebuild in clear (target >= 0.9x)\n", rep.Ratio)
		return nil
	}
	if *scales != "" {
		return runCurve(ctx, *scales, *chart, o, stdout, stderr)
	}
	fmt.Fprintf(stdout, "jejak bench projections --scale %g --rounds %d --writers %d --appends %d --queries %d --history-cost=%t\n",
		o.Scale, o.Rounds, o.Writers, o.Appends, o.Queries, o.HistoryCost)
	bar := newProgress(stderr, "membuat data")
	o.Progress = bar.Update
	rep, err := projbench.Run(ctx, o, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nsummary: rebuild ratio %.2fx (target 0.75x), rebuild %.1fs (%.1fs per million events), RSS %.0f MiB (target <= 819), "+
		"append-to-visible p99 %s (target <= 50ms), ranking p99 %s, region p99 %s cold, %s hot (target <= 5ms), audit page p99 at most %s (target <= 50ms)\n",
		rep.RebuildRatio, rep.RebuildSecs, rep.RebuildSecs/(float64(rep.Events)/1e6), rep.RSSMiB, rep.VisibleP99, rep.RankingP99, rep.RegionP99, rep.HotRegionP99,
		slices.Max(append(rep.AuditP99, 0)))
	if o.HistoryCost {
		fmt.Fprintf(stdout, "summary: the score history is %.1f%% of the rebuild time and %.1f%% of its CPU time (budget 10%%), %.0f MiB of heap\n",
			100*rep.HistoryShare, 100*rep.HistoryCPUShare, rep.HeapMiB-rep.NoHistoryHeapMiB)
	}
	return nil
}

// runCurve runs `bench projections` at each scale and prints the cost
// curve as a Markdown table (and writes its chart).
func runCurve(ctx context.Context, list, chart string, o projbench.Options, stdout, stderr io.Writer) error {
	var scales []float64
	for _, f := range strings.Split(list, ",") {
		s, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || s <= 0 {
			fmt.Fprintf(stderr, "--scales: %q is not a positive number\n", f)
			return errUsage
		}
		scales = append(scales, s)
	}
	fmt.Fprintf(stdout, "jejak bench projections --scales %s --rounds %d\n", list, o.Rounds)
	reps, err := projbench.Curve(ctx, scales, o, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%s", projbench.CurveTable(reps))
	if chart != "" {
		return projbench.WriteCurveChart(reps, chart)
	}
	return nil
}

func benchLog(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench log [flags]", "The Merkle log: sealing cost, verify --log, proofs.", stderr)
	var o logbench.Options
	fs.Float64Var(&o.Scale, "scale", 0.1, "generated data, 1 = national (about 1.9M events, 557k commits)")
	fs.IntVar(&o.Rounds, "rounds", 5, "rounds per side, interleaved; the median is reported")
	fs.IntVar(&o.Writers, "writers", 64, "concurrent writers for the append figure")
	fs.IntVar(&o.Appends, "appends", 6400, "appends per round")
	fs.IntVar(&o.Proofs, "proofs", 2000, "proofs of each kind")
	fs.StringVar(&o.From, "from", "", "a data directory filled before (jejak generate --data DIR): copied and used instead of generating; --scale is ignored")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of each timed append round to PREFIX-<store|serve>-<on|off>-r<round>.pprof")
	only := fs.String("only", "", "run only these parts, comma separated: store (appends to the bare store), verify, serve (appends to jejak serve), proofs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *only != "" {
		o.Only = strings.Split(*only, ",")
	}
	fmt.Fprintf(stdout, "jejak bench log --scale %g --rounds %d --writers %d --appends %d --proofs %d --from %q --only %q\n",
		o.Scale, o.Rounds, o.Writers, o.Appends, o.Proofs, o.From, *only)
	bar := newProgress(stderr, "membuat data")
	o.Progress = bar.Update
	_, err := logbench.Run(ctx, o, stdout)
	return err
}

func benchHTTP(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench http [flags]", "A crowd of readers against the API on a loopback port.", stderr)
	var o httpbench.Options
	fs.IntVar(&o.Readers, "readers", 500, "concurrent readers")
	fs.DurationVar(&o.Duration, "duration", 20*time.Second, "how long they read")
	fs.Float64Var(&o.Scale, "scale", 0.1, "generated data when the store is empty, 1 = national (about 1.9M events)")
	fs.StringVar(&o.DataDir, "data", "", "a Jejak data directory to read (e.g. one `jejak generate` filled); default a temp dir")
	fs.IntVar(&o.Probes, "probes", 0, "then measure the queue, audit and time travel reads one at a time, this many of each (0: none)")
	fs.BoolVar(&o.SizesOnly, "sizes", false, "only measure the region profiles' sizes (the largest full explanation and summary), no crowd and no probes")
	fs.BoolVar(&o.AuditOnly, "audit-only", false, "with --probes: measure only the audit log's pages (no profile sizes, queue or time travel)")
	fs.StringVar(&o.ProbeCPUProfile, "probe-cpuprofile", "", "with --probes: write a CPU profile of the probes (not of the replay before them) to this file")
	fs.BoolVar(&o.Inflate, "inflate", false, "the readers inflate gzip answers themselves (Go's default, and this benchmark's before 2026-11-27); by default they take the compressed bytes, as a browser downloads them")
	fs.StringVar(&o.CrowdCPUProfile, "crowd-cpuprofile", "", "write a CPU profile of the crowd (server and readers, not the replay before them) to this file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if o.Readers > 10_000 || o.Duration > 10*time.Minute {
		return fmt.Errorf("bench http: at most 10,000 readers for at most 10 minutes")
	}
	// A store given with --data is read as it is: --scale applies only to
	// data generated into an empty one.
	data := fmt.Sprintf("--scale %g", o.Scale)
	if o.DataDir != "" {
		data = "--data " + o.DataDir + " (" + data + " if empty)"
	}
	if o.SizesOnly {
		fmt.Fprintf(stdout, "jejak bench http --sizes %s\n", data)
	} else {
		fmt.Fprintf(stdout, "jejak bench http --readers %d --duration %s %s --probes %d --inflate=%t\n", o.Readers, o.Duration, data, o.Probes, o.Inflate)
	}
	bar := newProgress(stderr, "membuat data")
	o.Progress = bar.Update
	_, err := httpbench.Run(ctx, o, stdout)
	return err
}
