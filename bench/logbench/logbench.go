// Package logbench measures the Merkle log (package merklelog) in one run
// on one embedded server: appends with sealing on against sealing off,
// jejak verify --log against a raw ordered replay that only hashes each
// message, and the latency of proofs through the HTTP API. `jejak bench
// log` calls Run. No timing assertions anywhere: it reports figures.
package logbench

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/mod/sumdb/note"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/merklelog"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/sampledata"
)

// Options sizes the run; zero values mean the defaults.
type Options struct {
	Scale   float64 // generated data, 1 = national; default 0.1
	Rounds  int     // rounds per side, interleaved, median taken; default 5
	Writers int     // concurrent writers for the append figure; default 64
	Appends int     // appends per round, all writers together; default 6400
	Proofs  int     // proofs of each kind for the latency figure; default 2000
	DataDir string  // default a fresh temp dir, removed after
	// From is a data directory filled before (jejak generate): it is
	// copied into DataDir instead of generating, so that every run starts
	// from the same store. Scale is then ignored.
	From string
	// CPUProfile, when set, is the prefix of CPU profiles written for each
	// timed append round: <prefix>-<store|serve>-<on|off>-r<round>.pprof.
	CPUProfile string
	// Only, when not empty, names the parts to run among "store" (appends
	// to the bare store), "verify", "serve" (appends to jejak serve) and
	// "proofs"; the others are skipped.
	Only []string
	// Progress reports generation progress.
	Progress func(done, total int)
}

func (o Options) runs(part string) bool { return len(o.Only) == 0 || slices.Contains(o.Only, part) }

func (o Options) withDefaults() Options {
	if o.Scale <= 0 {
		o.Scale = 0.1
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Rounds, 5)
	def(&o.Writers, 64)
	def(&o.Appends, 6400)
	def(&o.Proofs, 2000)
	return o
}

// Report holds the figures of one run.
type Report struct {
	Commits uint64
	// Appends per second, medians of interleaved rounds: against a whole
	// Jejak (projections following the stream on both sides), and against
	// the bare store (nothing else reading the stream).
	AppendOff, AppendOn, AppendRatio          float64
	StoreAppendOff, StoreAppendOn, StoreRatio float64
	// CPU time of the whole process (the embedded server included) per
	// append, medians, and on/off: what the log costs whatever else the
	// machine runs (the rates above also move with other processes' load).
	CPUOn, CPUOff, StoreCPUOn, StoreCPUOff time.Duration
	CPURatio, StoreCPURatio                float64
	// Commits per second: raw replay hashing each message, verify --log.
	RawRate, VerifyRate, VerifyRatio float64 // ratio = verify / raw (>= 0.83 is "within 1.2x")
	VerifySecs                       float64 // median
	InclusionP50, InclusionP99       time.Duration
	ConsistencyP50, ConsistencyP99   time.Duration
}

// Run generates the data and measures; it writes progress and figures to w.
func Run(ctx context.Context, o Options, w io.Writer) (Report, error) {
	o = o.withDefaults()
	var rep Report
	dir := o.DataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "jejak-logbench-")
		if err != nil {
			return rep, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if o.From != "" {
		start := time.Now()
		if err := os.CopyFS(dir, os.DirFS(o.From)); err != nil {
			return rep, fmt.Errorf("logbench: copy %s: %w", o.From, err)
		}
		fmt.Fprintf(w, "copied %s in %.1fs\n", o.From, time.Since(start).Seconds())
	}
	st, err := app.OpenStorage(ctx, app.StorageConfig{DataDir: dir, Replicas: 1}, nil)
	if err != nil {
		return rep, err
	}
	closed := false
	defer func() {
		if !closed {
			st.Close()
		}
	}()
	if o.From == "" {
		start := time.Now()
		sum, err := sampledata.Generate(ctx, st.Store, sampledata.GenerateOptions{Seed: 1, Scale: o.Scale, Progress: o.Progress})
		if err != nil {
			return rep, err
		}
		fmt.Fprintf(w, "generated %d events (scale %g) in %.1fs\n", sum.Events, o.Scale, time.Since(start).Seconds())
	}
	l, err := openLog(ctx, st, dir)
	if err != nil {
		return rep, err
	}
	if o.runs("store") {
		if err := appends(ctx, st, l, o, &rep, w); err != nil {
			return rep, err
		}
		fmt.Fprintf(w, "appends to the bare store, %d writers: sealing on %8.0f/s  off %8.0f/s  ratio %.2fx; CPU per append on %s off %s, off/on %.2fx\n",
			o.Writers, rep.StoreAppendOn, rep.StoreAppendOff, rep.StoreRatio, us(rep.StoreCPUOn), us(rep.StoreCPUOff), rep.StoreCPURatio)
	}
	if o.runs("verify") || o.runs("proofs") { // proofs need a head of the whole store
		if err := verify(ctx, st, l, o, &rep, w); err != nil {
			return rep, err
		}
	}
	if o.runs("verify") {
		fmt.Fprintf(w, "verify --log of %d commits:          %8.0f/s, raw hashing replay %8.0f/s  ratio %.2fx (target within 1.2x: >= 0.83x), %.1fs\n",
			rep.Commits, rep.VerifyRate, rep.RawRate, rep.VerifyRatio, rep.VerifySecs)
	}
	st.Close()
	closed = true
	if o.runs("serve") {
		if err := serverAppends(ctx, dir, o, &rep, w); err != nil {
			return rep, err
		}
		fmt.Fprintf(w, "appends to jejak serve, %d writers:  sealing on %8.0f/s  off %8.0f/s  ratio %.2fx (target >= 0.95x); CPU per append on %s off %s, off/on %.2fx\n",
			o.Writers, rep.AppendOn, rep.AppendOff, rep.AppendRatio, us(rep.CPUOn), us(rep.CPUOff), rep.CPURatio)
	}
	if !o.runs("proofs") {
		return rep, nil
	}
	if err := proofs(ctx, dir, o, &rep); err != nil {
		return rep, err
	}
	fmt.Fprintf(w, "proofs through the API, tree of %d:  inclusion p50 %s p99 %s, consistency p50 %s p99 %s (target p99 <= 10ms)\n",
		rep.Commits, ms(rep.InclusionP50), ms(rep.InclusionP99), ms(rep.ConsistencyP50), ms(rep.ConsistencyP99))
	return rep, nil
}

func us(d time.Duration) string { return fmt.Sprintf("%.1fµs", float64(d.Nanoseconds())/1000) }

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

// logParts is the Merkle log wired as app.Start wires it.
type logParts struct {
	tiles  *natsinfra.Tiles
	seals  *natsinfra.Seals
	heads  *merklelog.Heads
	tree   *merklelog.Tree
	sealer *merklelog.Sealer
}

func openLog(ctx context.Context, st *app.Storage, dir string) (*logParts, error) {
	reader, conn, _, err := st.Reader(ctx, app.StorageConfig{DataDir: dir})
	if err != nil {
		return nil, err
	}
	tiles, seals, err := app.OpenLogStores(ctx, conn, 1)
	if err != nil {
		return nil, err
	}
	key, err := merklelog.LoadOrCreateKey(app.SealKeyPath(dir), "")
	if err != nil {
		return nil, err
	}
	l := &logParts{tiles: tiles, seals: seals, heads: merklelog.NewHeads(seals, []note.Verifier{key.Verifier}),
		tree: merklelog.NewTree(tiles, 1024)}
	// Sealing every second, ten times the default rate: the sealer's
	// share of the work is not hidden by a long interval.
	l.sealer, err = merklelog.NewSealer(l.tree, seals, l.heads, merklelog.SealerConfig{Key: key, Interval: time.Second,
		Head: reader.Head, Read: app.ReadRawDirect(reader)})
	return l, err
}

// appends alternates rounds of concurrent appends with the log off and on
// (the sealer catching the tree up and sealing every second).
func appends(ctx context.Context, st *app.Storage, l *logParts, o Options, rep *Report, w io.Writer) error {
	var on, off, cpuOn, cpuOff []float64
	for r := range o.Rounds {
		for _, sealing := range sides(r) {
			runCtx, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			if sealing {
				if _, _, err := l.sealer.SealNow(ctx); err != nil { // catch up, untimed
					stop()
					return err
				}
				wg.Add(1)
				go func() { defer wg.Done(); l.sealer.Run(runCtx) }()
			}
			stopProfile, err := o.profile("store", sealing, r)
			if err != nil {
				stop()
				return err
			}
			began, cpu0 := time.Now(), cpuTime()
			err = parallelAppends(ctx, st.Store, o.Writers, o.Appends/o.Writers, fmt.Sprintf("r%d-%v", r, sealing))
			rate := float64(o.Appends/o.Writers*o.Writers) / time.Since(began).Seconds()
			cpu := (cpuTime() - cpu0) / time.Duration(o.Appends/o.Writers*o.Writers)
			stopProfile()
			stop()
			wg.Wait()
			if err != nil {
				return err
			}
			roundLine(w, "bare store", r, sealing, rate, cpu)
			if sealing {
				on, cpuOn = append(on, rate), append(cpuOn, float64(cpu))
			} else {
				off, cpuOff = append(off, rate), append(cpuOff, float64(cpu))
			}
		}
	}
	rep.StoreAppendOn, rep.StoreAppendOff = median(on), median(off)
	rep.StoreRatio = rep.StoreAppendOn / rep.StoreAppendOff
	rep.StoreCPUOn, rep.StoreCPUOff = time.Duration(median(cpuOn)), time.Duration(median(cpuOff))
	rep.StoreCPURatio = median(cpuOff) / median(cpuOn)
	return nil
}

// serverAppends alternates rounds of concurrent appends to a whole Jejak
// (jejak serve: projections following the stream) started with the Merkle
// log off and on (sealing every second). Each round starts Jejak on the
// data and waits until it has caught up before the clock starts.
func serverAppends(ctx context.Context, dir string, o Options, rep *Report, w io.Writer) error {
	var on, off, cpuOn, cpuOff []float64
	for r := range o.Rounds {
		for _, sealing := range sides(r) {
			// No projection checkpoints during the rounds: at national scale
			// one takes seconds of CPU, and under appends as fast as they go
			// the default policy (every 2,000 commits) runs them back to
			// back, loading one side or the other at random. The figure is
			// the log's cost, not theirs.
			a, err := app.Start(ctx, app.Config{Addr: "127.0.0.1:0", Storage: app.StorageConfig{DataDir: dir}, NoReactors: true,
				NoSeal: !sealing, SealEvery: time.Second, CheckpointEvery: time.Hour, CheckpointCommits: 1 << 40})
			if err != nil {
				return err
			}
			if err := a.WaitStarted(ctx); err != nil {
				a.Close()
				return err
			}
			// The projections replay what the last checkpoint misses: the
			// clock starts once they have caught up, on both sides.
			head, err := a.Store.Head(ctx)
			if err == nil {
				err = a.Views.Runner.WaitFor(ctx, head, 10*time.Minute)
			}
			if err != nil {
				a.Close()
				return err
			}
			if sealing {
				if _, _, err := a.Log().Sealer.SealNow(ctx); err != nil { // catch up, untimed
					a.Close()
					return err
				}
			}
			stopProfile, err := o.profile("serve", sealing, r)
			if err != nil {
				a.Close()
				return err
			}
			var before merklelog.Head
			if sealing {
				before = a.Log().Sealer.Latest()
			}
			began, cpu0 := time.Now(), cpuTime()
			err = parallelAppends(ctx, a.Store, o.Writers, o.Appends/o.Writers, fmt.Sprintf("s%d-%v", r, sealing))
			rate := float64(o.Appends/o.Writers*o.Writers) / time.Since(began).Seconds()
			cpu := (cpuTime() - cpu0) / time.Duration(o.Appends/o.Writers*o.Writers)
			stopProfile()
			var sealed string
			if sealing { // what the sealer did meanwhile, to show it worked
				after := a.Log().Sealer.Latest()
				sealed = fmt.Sprintf(" (%d heads sealed during the round, the last at %d commits, %d past the first)",
					after.Number-before.Number, after.Size, after.Size-before.Size)
			}
			a.Close()
			if err != nil {
				return err
			}
			roundLine(w, "jejak serve", r, sealing, rate, cpu)
			if sealed != "" {
				fmt.Fprintln(w, "   "+sealed)
			}
			if sealing {
				on, cpuOn = append(on, rate), append(cpuOn, float64(cpu))
			} else {
				off, cpuOff = append(off, rate), append(cpuOff, float64(cpu))
			}
		}
	}
	rep.AppendOn, rep.AppendOff = median(on), median(off)
	rep.AppendRatio = rep.AppendOn / rep.AppendOff
	rep.CPUOn, rep.CPUOff = time.Duration(median(cpuOn)), time.Duration(median(cpuOff))
	rep.CPURatio = median(cpuOff) / median(cpuOn)
	return nil
}

// parallelAppends runs writers goroutines, each appending each one-event
// commits to its own region aggregate.
func parallelAppends(ctx context.Context, store *eventstore.Store, writers, each int, prefix string) error {
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("bench-%s-%d", prefix, w)
			for v := range uint64(each) {
				_, err := store.Append(ctx, domain.Commit{CommandID: uuid.New(), AggregateType: domain.AggregateRegion,
					AggregateID: id, ExpectedVersion: v, Actor: domain.Actor{UserID: "bench", Role: domain.RoleAdmin},
					OccurredAt: time.Now(), Events: []domain.Event{domain.RegionProfileUpdated{Region: "18.04",
						OfficeName: "Badan Riset dan Inovasi Daerah", OfficeKind: domain.OfficeBrida}}})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// verify seals everything, then alternates a raw ordered replay hashing
// each message with VerifyLog.
func verify(ctx context.Context, st *app.Storage, l *logParts, o Options, rep *Report, w io.Writer) error {
	head, err := st.Store.Head(ctx)
	if err != nil {
		return err
	}
	if _, _, err := l.sealer.SealNow(ctx); err != nil {
		return err
	}
	rep.Commits = head
	if !o.runs("verify") {
		return nil
	}
	js, err := jetstream.New(st.Conn)
	if err != nil {
		return err
	}
	stream, err := js.Stream(ctx, eventstore.DefaultStream)
	if err != nil {
		return err
	}
	// One untimed replay first, so that both sides read a warm page cache
	// (the first read of a copied store waits on the disk).
	if err := rawReplay(ctx, stream, head); err != nil {
		return err
	}
	var raw, ver, secs []float64
	for r := range o.Rounds {
		for _, checking := range sides(r) { // raw replay first in even rounds
			stopProfile, err := o.profile(map[bool]string{false: "raw", true: "verify"}[checking], true, r)
			if err != nil {
				return err
			}
			began := time.Now()
			if !checking {
				err = rawReplay(ctx, stream, head)
			} else {
				var res merklelog.LogReport
				res, err = merklelog.VerifyLog(ctx, app.ReadRaw(st.Store), l.seals, l.tiles, l.heads, nil)
				if err == nil && !res.OK() {
					err = fmt.Errorf("logbench: verify --log found problems: %v", res.Problems)
				}
			}
			took := time.Since(began).Seconds()
			stopProfile()
			if err != nil {
				return err
			}
			if checking {
				ver, secs = append(ver, float64(head)/took), append(secs, took)
				fmt.Fprintf(w, "  verify round %d: verify --log %8.0f/s\n", r, float64(head)/took)
			} else {
				raw = append(raw, float64(head)/took)
				fmt.Fprintf(w, "  verify round %d: raw replay   %8.0f/s\n", r, float64(head)/took)
			}
		}
	}
	rep.RawRate, rep.VerifyRate, rep.VerifySecs = median(raw), median(ver), median(secs)
	rep.VerifyRatio = rep.VerifyRate / rep.RawRate
	return nil
}

// rawReplay is the baseline: an ordered consumer over the stream, 2048
// messages in flight, SHA-256 of each message's body, nothing else.
func rawReplay(ctx context.Context, stream jetstream.Stream, head uint64) error {
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return err
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(2048))
	if err != nil {
		return err
	}
	defer it.Stop()
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return err
		}
		meta, err := msg.Metadata()
		if err != nil {
			return err
		}
		_ = sha256.Sum256(msg.Data())
		if meta.Sequence.Stream >= head {
			return nil
		}
	}
}

// proofs starts Jejak on the data and asks the API for proofs.
func proofs(ctx context.Context, dir string, o Options, rep *Report) error {
	a, err := app.Start(ctx, app.Config{Addr: "127.0.0.1:0", Storage: app.StorageConfig{DataDir: dir}, NoReactors: true,
		SealEvery: time.Hour, SealKey: filepath.Join(dir, "keys", "seal.key")})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.WaitStarted(ctx); err != nil {
		return err
	}
	head, ok, err := a.Log().Heads.Latest(ctx)
	if err != nil || !ok {
		return fmt.Errorf("logbench: no head: %v", err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	get := func(path string) (time.Duration, error) {
		began := time.Now()
		res, err := client.Get(a.URL() + path)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("logbench: GET %s: %s", path, res.Status)
		}
		return time.Since(began), nil
	}
	rnd := rand.New(rand.NewPCG(1, 1))
	var incl, cons []time.Duration
	for range o.Proofs {
		d, err := get(fmt.Sprintf("/api/v1/log/proof/inclusion?position=%d", 1+rnd.Uint64N(head.Size)))
		if err != nil {
			return err
		}
		incl = append(incl, d)
		d, err = get(fmt.Sprintf("/api/v1/log/proof/consistency?from=%d", 1+rnd.Uint64N(head.Size)))
		if err != nil {
			return err
		}
		cons = append(cons, d)
	}
	rep.InclusionP50, rep.InclusionP99 = percentile(incl, 50), percentile(incl, 99)
	rep.ConsistencyP50, rep.ConsistencyP99 = percentile(cons, 50), percentile(cons, 99)
	return nil
}

// profile starts a CPU profile of one timed round when o.CPUProfile is
// set; the returned func stops it.
func (o Options) profile(what string, sealing bool, round int) (func(), error) {
	if o.CPUProfile == "" {
		return func() {}, nil
	}
	name := fmt.Sprintf("%s-%s-%s-r%d.pprof", o.CPUProfile, what, map[bool]string{false: "off", true: "on"}[sealing], round)
	if what == "raw" || what == "verify" {
		name = fmt.Sprintf("%s-%s-r%d.pprof", o.CPUProfile, what, round)
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// cpuTime is the CPU time this process has used (user + system): the
// server is embedded, so it counts the server's work too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// sides is the order of a round's two sides, alternating (off-on, on-off,
// ...) so that a drift in the machine's load favours neither.
func sides(round int) []bool {
	if round%2 == 1 {
		return []bool{true, false}
	}
	return []bool{false, true}
}

// roundLine prints one round's rate.
func roundLine(w io.Writer, what string, round int, sealing bool, rate float64, cpu time.Duration) {
	fmt.Fprintf(w, "  %s round %d sealing %-3s %8.0f/s  %5.1f µs CPU per append\n", what, round,
		map[bool]string{false: "off", true: "on"}[sealing], rate, float64(cpu.Nanoseconds())/1000)
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

func percentile(ds []time.Duration, p int) time.Duration {
	slices.Sort(ds)
	return ds[min(len(ds)-1, len(ds)*p/100)]
}
