// Package projbench measures the projections at national scale against a
// raw JetStream baseline in the same run: full rebuild, append-to-visible
// latency under concurrent writers, and query latency. `jejak bench
// projections` calls Run. There are no timing assertions anywhere: it
// reports figures, the caller judges them.
package projbench

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/api"
	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/export"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/projections/snapshot"
	"github.com/jejak-id/jejak/sampledata"
)

// Options sizes the run; zero values mean the defaults.
type Options struct {
	Scale   float64 // generated data, 1 = national (~1M events); default 1
	Seed    int64   // default 1
	Rounds  int     // rebuild rounds per side, median taken; default 5
	Writers int     // concurrent writers for append-to-visible; default 64
	Appends int     // appends measured for append-to-visible; default 6400
	Queries int     // queries per kind; default 2000
	DataDir string  // default a fresh temp dir, removed after
	// SkipReads leaves out the query and append-to-visible measurements
	// (the cost curve needs only rebuild, memory, snapshot and export).
	SkipReads bool
	// HistoryCost adds, to each round, a rebuild whose index keeps no
	// score history (index.WithoutHistory): the history's share of the
	// rebuild time and memory, measured in the same run.
	HistoryCost bool
	// Progress reports generation progress.
	Progress func(done, total int)
}

func (o Options) withDefaults() Options {
	if o.Scale <= 0 {
		o.Scale = 1
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Rounds, 5)
	def(&o.Writers, 64)
	def(&o.Appends, 6400)
	def(&o.Queries, 2000)
	return o
}

// Report holds the figures of one run.
type Report struct {
	Options      Options
	Events       int     // events in the store
	Commits      uint64  // commits (stream messages)
	GenerateSecs float64 // time to generate the data
	// Rebuild: events per second, medians of interleaved rounds.
	RebuildRate, RawRate, RebuildRatio float64
	RebuildSecs                        float64 // median rebuild time (ranking scores included)
	HeapMiB, RSSMiB                    float64 // after a rebuild, live projections held, after GC
	// With HistoryCost: the same without the score history (median time,
	// live heap of those views), and the history's share of the rebuild
	// time (1 - without/with).
	NoHistorySecs, NoHistoryHeapMiB float64
	HistoryShare                    float64
	// The same in CPU time (the process's user and system time, which
	// the other load on a shared machine inflates less than the wall
	// time): median CPU seconds of a rebuild with and without the
	// history, and the history's share (1 - without/with).
	RebuildCPUSecs, NoHistoryCPUSecs float64
	HistoryCPUShare                  float64
	// The index snapshot of the rebuilt state: serialised and as stored
	// (gzip), and the export of the latest year from the live views,
	// taking that snapshot first (as `jejak export` and the API do).
	SnapshotBytes, SnapshotStoredBytes int
	ExportSecs                         float64
	// Append to visible in the index, with Writers concurrent writers.
	VisibleP50, VisibleP99 time.Duration
	// Queries through the HTTP handler (JSON included). Region reads go
	// round every region in turn (each one mostly cold); hot region reads
	// repeat the top 20 of the national ranking, as a dashboard audience does.
	RankingP50, RankingP99, RegionP50, RegionP99 time.Duration
	HotRegionP50, HotRegionP99                   time.Duration
	// Audit pages of 50 rows (the dashboard's page) read by an auditor,
	// p99 per kind, in the order of AuditPageKinds.
	AuditP99 []time.Duration
}

// AuditPageKinds names the audit pages Run reads, each for a region in
// turn (AuditP99 follows this order).
var AuditPageKinds = []struct{ Name, Query string }{
	{"newest", ""},
	{"a region's newest", "region=%s"},
	{"a region's, oldest first", "order=asc&region=%s"},
	{"search by a region's code", "q=%s"},
}

// Run generates the data into an embedded server with file storage and
// measures. It writes progress lines and a summary to w.
func Run(ctx context.Context, o Options, w io.Writer) (Report, error) {
	o = o.withDefaults()
	rep := Report{Options: o}
	dir := o.DataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "jejak-projbench-")
		if err != nil {
			return rep, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	st, err := app.OpenStorage(ctx, app.StorageConfig{DataDir: dir, Replicas: 1}, nil)
	if err != nil {
		return rep, err
	}
	defer st.Close()
	store := st.Store

	start := time.Now()
	sum, err := sampledata.Generate(ctx, store, sampledata.GenerateOptions{Seed: o.Seed, Scale: o.Scale, Progress: o.Progress})
	if err != nil {
		return rep, err
	}
	rep.GenerateSecs = time.Since(start).Seconds()
	rep.Events = sum.Events
	if rep.Commits, err = store.Head(ctx); err != nil {
		return rep, err
	}
	fmt.Fprintf(w, "generated %d events in %d commits (scale %g) in %.1fs\n", rep.Events, rep.Commits, o.Scale, rep.GenerateSecs)

	views, err := rebuild(ctx, st, &rep, w)
	if err != nil {
		return rep, err
	}
	if err := snapshotAndExport(ctx, st, views, &rep); err != nil {
		return rep, err
	}
	fmt.Fprintf(w, "snapshot %.1f MiB serialised, %.1f MiB stored (gzip); export of the latest year %.1fs (snapshot included)\n",
		float64(rep.SnapshotBytes)/(1<<20), float64(rep.SnapshotStoredBytes)/(1<<20), rep.ExportSecs)
	if o.SkipReads {
		return rep, nil
	}
	if err := queries(ctx, store, views, &rep); err != nil {
		return rep, err
	}
	fmt.Fprintf(w, "queries (HTTP handler, JSON): ranking p50 %s p99 %s; region score p50 %s p99 %s; hot region score p50 %s p99 %s\n",
		rep.RankingP50, rep.RankingP99, rep.RegionP50, rep.RegionP99, rep.HotRegionP50, rep.HotRegionP99)
	var audit []string
	for i, k := range AuditPageKinds {
		audit = append(audit, fmt.Sprintf("%s p99 %s", k.Name, rep.AuditP99[i]))
	}
	fmt.Fprintf(w, "audit pages of 50 (auditor, HTTP handler): %s (target <= 50ms)\n", strings.Join(audit, "; "))
	if err := appendToVisible(ctx, store, views, &rep); err != nil {
		return rep, err
	}
	fmt.Fprintf(w, "append to visible in the index with %d writers: p50 %s p99 %s\n", o.Writers, rep.VisibleP50, rep.VisibleP99)
	return rep, nil
}

// rebuild alternates a raw ordered consumer that decodes every message into
// the typed events (the baseline) with a full rebuild of all projections,
// and keeps the last rebuilt views.
func rebuild(ctx context.Context, st *app.Storage, rep *Report, w io.Writer) (*projections.Views, error) {
	store := st.Store
	js, err := jetstream.New(st.Conn)
	if err != nil {
		return nil, err
	}
	stream, err := js.Stream(ctx, eventstore.DefaultStream)
	if err != nil {
		return nil, err
	}
	types := map[string]reflect.Type{}
	for _, s := range domain.EventSpecs() {
		types[s.Type] = reflect.TypeOf(s.New())
	}
	var raws, builds, secs, bare, cpus, bareCPUs []float64
	var views *projections.Views
	for range rep.Options.Rounds {
		if rep.Options.HistoryCost {
			views = nil
			runtime.GC()
			c := cpuSecs()
			d, heap, err := rebuildWithoutHistory(ctx, store)
			if err != nil {
				return nil, err
			}
			bare, bareCPUs = append(bare, d), append(bareCPUs, cpuSecs()-c)
			rep.NoHistoryHeapMiB = heap
		}
		t := time.Now()
		n, err := rawReplay(ctx, stream, rep.Commits, types)
		if err != nil {
			return nil, err
		}
		raws = append(raws, float64(n)/time.Since(t).Seconds())

		views = nil
		runtime.GC()
		c := cpuSecs()
		t = time.Now()
		v := projections.NewViews(store)
		var events int
		v.Runner.OnApplied(func(domain.RecordedEvent) { events++ })
		if err := v.Runner.CatchUp(ctx); err != nil {
			return nil, err
		}
		// Scores are computed on demand: a rebuild is done when every
		// ranking can be served, so compute them all.
		for _, p := range v.Index.Years() {
			if _, err := v.Index.Rankings(p.Year, index.ClusterNational); err != nil {
				return nil, err
			}
		}
		d := time.Since(t).Seconds()
		cpus = append(cpus, cpuSecs()-c)
		builds = append(builds, float64(events)/d)
		secs = append(secs, d)
		views = v
	}
	rep.RawRate, rep.RebuildRate, rep.RebuildSecs = median(raws), median(builds), median(secs)
	rep.RebuildRatio = rep.RebuildRate / rep.RawRate
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rep.HeapMiB = float64(ms.HeapInuse) / (1 << 20)
	rep.RSSMiB = rssMiB()
	fmt.Fprintf(w, "rebuild of all projections: %.0f events/s vs raw decode %.0f events/s: ratio %.2fx (target 0.75x); last rebuild %.1fs (%.1fs per million events); heap %.0f MiB, RSS %.0f MiB\n",
		rep.RebuildRate, rep.RawRate, rep.RebuildRatio, rep.RebuildSecs, rep.RebuildSecs/(float64(rep.Events)/1e6), rep.HeapMiB, rep.RSSMiB)
	if rep.Options.HistoryCost {
		rep.NoHistorySecs = median(bare)
		rep.HistoryShare = 1 - rep.NoHistorySecs/rep.RebuildSecs
		rep.RebuildCPUSecs, rep.NoHistoryCPUSecs = median(cpus), median(bareCPUs)
		rep.HistoryCPUShare = 1 - rep.NoHistoryCPUSecs/rep.RebuildCPUSecs
		fmt.Fprintf(w, "without the score history: rebuild %.1fs, heap %.0f MiB; the history is %.1f%% of the rebuild time (budget 10%%) and %.0f MiB of heap\n",
			rep.NoHistorySecs, rep.NoHistoryHeapMiB, 100*rep.HistoryShare, rep.HeapMiB-rep.NoHistoryHeapMiB)
		fmt.Fprintf(w, "in CPU time (user and system, medians): rebuild %.1fs with the score history, %.1fs without; the history is %.1f%% of the rebuild's CPU time\n",
			rep.RebuildCPUSecs, rep.NoHistoryCPUSecs, 100*rep.HistoryCPUShare)
	}
	return views, nil
}

// rebuildWithoutHistory rebuilds every projection, the index keeping no
// score history, as rebuild does (rankings scored), and returns its time
// and the live heap those views hold.
func rebuildWithoutHistory(ctx context.Context, store *eventstore.Store) (secs, heapMiB float64, err error) {
	t := time.Now()
	v := projections.NewViews(store)
	v.Index.WithoutHistory()
	if err := v.Runner.CatchUp(ctx); err != nil {
		return 0, 0, err
	}
	for _, p := range v.Index.Years() {
		if _, err := v.Index.Rankings(p.Year, index.ClusterNational); err != nil {
			return 0, 0, err
		}
	}
	secs = time.Since(t).Seconds()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(v)
	return secs, float64(ms.HeapInuse) / (1 << 20), nil
}

// snapshotAndExport takes, stores and exports a snapshot of the rebuilt
// index: the export of the latest year, timed as `jejak export` reports it.
func snapshotAndExport(ctx context.Context, st *app.Storage, views *projections.Views, rep *Report) error {
	years := views.Index.Years()
	if len(years) == 0 {
		return fmt.Errorf("no periods generated")
	}
	blobs, err := natsinfra.OpenBlobs(ctx, st.Conn, natsinfra.SnapshotBucket, 1)
	if err != nil {
		return err
	}
	snaps := snapshot.New(blobs, views)
	t := time.Now()
	bundle, err := export.Build(ctx, snaps, years[len(years)-1].Year, projections.AsOf{}, "bench", nil)
	if err != nil {
		return err
	}
	rep.ExportSecs = time.Since(t).Seconds()
	rep.SnapshotBytes = bundle.Snapshot.Size
	stored, ok, err := blobs.Get(ctx, bundle.Snapshot.Name)
	if err != nil || !ok {
		return fmt.Errorf("stored snapshot %s: found %v, %v", bundle.Snapshot.Name, ok, err)
	}
	rep.SnapshotStoredBytes = len(stored)
	return nil
}

// rawEnvelope mirrors the stored commit with the event data left raw, to be
// decoded into the registered type.
type rawEnvelope struct {
	CommandID     uuid.UUID `json:"command_id"`
	AggregateType string    `json:"aggregate_type"`
	AggregateID   string    `json:"aggregate_id"`
	FromVersion   uint64    `json:"from_version"`
	OccurredAt    time.Time `json:"occurred_at"`
	Events        []struct {
		ID            uuid.UUID       `json:"id"`
		Type          string          `json:"type"`
		SchemaVersion int             `json:"schema_version"`
		Data          json.RawMessage `json:"data"`
	} `json:"events"`
}

func rawReplay(ctx context.Context, stream jetstream.Stream, head uint64, types map[string]reflect.Type) (int, error) {
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return 0, err
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(2048))
	if err != nil {
		return 0, err
	}
	defer it.Stop()
	n := 0
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return n, err
		}
		meta, err := msg.Metadata()
		if err != nil {
			return n, err
		}
		var env rawEnvelope
		if err := json.Unmarshal(msg.Data(), &env); err != nil {
			return n, err
		}
		for _, e := range env.Events {
			typ, ok := types[e.Type]
			if !ok {
				return n, fmt.Errorf("unknown event type %s", e.Type)
			}
			if err := json.Unmarshal(e.Data, reflect.New(typ).Interface()); err != nil {
				return n, err
			}
			n++
		}
		if meta.Sequence.Stream >= head {
			return n, nil
		}
	}
}

// queries measures ranking and region reads through the HTTP handler.
func queries(ctx context.Context, store *eventstore.Store, views *projections.Views, rep *Report) error {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	tokens := api.NewTokens(key, nil)
	srv, err := api.New(api.Config{Store: store, Service: domain.NewService(store, nil), Views: views, Tokens: tokens})
	if err != nil {
		return err
	}
	auditor, err := tokens.Issue(domain.Actor{UserID: "auditor-bench", Role: domain.RoleAuditor}, time.Hour)
	if err != nil {
		return err
	}
	years := views.Index.Years()
	if len(years) == 0 {
		return fmt.Errorf("no periods generated")
	}
	year := years[len(years)-1].Year
	ranking, err := views.Index.Rankings(year, index.ClusterNational)
	if err != nil || len(ranking.Rows) == 0 {
		return fmt.Errorf("no ranking for %d: %v", year, err)
	}
	clusters := index.Clusters()
	getAs := func(token, path string) (time.Duration, error) {
		req := httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		t := time.Now()
		srv.ServeHTTP(rec, req)
		d := time.Since(t)
		if rec.Code != http.StatusOK {
			return d, fmt.Errorf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
		return d, nil
	}
	get := func(path string) (time.Duration, error) { return getAs("", path) }
	var rank, region []time.Duration
	for i := range rep.Options.Queries {
		d, err := get(fmt.Sprintf("/api/v1/rankings/%d?cluster=%s&limit=100", year, clusters[i%len(clusters)]))
		if err != nil {
			return err
		}
		rank = append(rank, d)
		row := ranking.Rows[(i*7919)%len(ranking.Rows)]
		if d, err = get(fmt.Sprintf("/api/v1/index/%d/%s", year, row.Region.Code)); err != nil {
			return err
		}
		region = append(region, d)
	}
	rep.RankingP50, rep.RankingP99 = percentile(rank, 50), percentile(rank, 99)
	rep.RegionP50, rep.RegionP99 = percentile(region, 50), percentile(region, 99)
	var hot []time.Duration
	for i := range rep.Options.Queries {
		row := ranking.Rows[i%min(20, len(ranking.Rows))]
		d, err := get(fmt.Sprintf("/api/v1/index/%d/%s", year, row.Region.Code))
		if err != nil {
			return err
		}
		hot = append(hot, d)
	}
	rep.HotRegionP50, rep.HotRegionP99 = percentile(hot, 50), percentile(hot, 99)
	// Audit pages, each kind for a region in turn (mostly cold: a region
	// read once), at most 200 reads a kind.
	for _, k := range AuditPageKinds {
		var ds []time.Duration
		for i := range min(rep.Options.Queries, 200) {
			q := k.Query
			if strings.Contains(q, "%s") {
				q = fmt.Sprintf(q, ranking.Rows[(i*7919)%len(ranking.Rows)].Region.Code)
			}
			d, err := getAs(auditor, "/api/v1/audit?limit=50&"+q)
			if err != nil {
				return err
			}
			ds = append(ds, d)
		}
		rep.AuditP99 = append(rep.AuditP99, percentile(ds, 99))
	}
	return nil
}

// appendToVisible runs the live runner and measures, for each of Appends
// proposals made by Writers concurrent writers, the time from the call to the
// moment the index has applied its commit.
func appendToVisible(ctx context.Context, store *eventstore.Store, views *projections.Views, rep *Report) error {
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- views.Runner.Run(runCtx) }()
	defer func() { cancel(); <-done }()

	svc := domain.NewService(store, nil)
	regions := domain.MustRegions().Assessed()
	admin := domain.Actor{UserID: "bench", Role: domain.RoleAdmin}
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	per := rep.Options.Appends / rep.Options.Writers
	for wi := range rep.Options.Writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				region := regions[(wi*per+i)%len(regions)]
				t := time.Now()
				res, _, err := svc.ProposeInnovation(ctx, domain.ProposeInnovationCommand{
					CommandMeta: domain.CommandMeta{CommandID: uuid.Must(uuid.NewV7()), Actor: admin},
					Region:      region.Code,
					Details: domain.InnovationDetails{Name: "Inovasi uji beban " + strconv.Itoa(i), Unit: "Dinas Kesehatan",
						Initiator: domain.InitiatorOPD, Form: domain.FormPelayananPublik, Affair: domain.AffairKesehatan,
						Problem: "uji", Solution: "uji", Benefit: "uji"}})
				if err == nil {
					err = views.Runner.WaitFor(ctx, res.Position, 30*time.Second)
				}
				d := time.Since(t)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	rep.VisibleP50, rep.VisibleP99 = percentile(lat, 50), percentile(lat, 99)
	return nil
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)].Round(time.Microsecond)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// rssMiB reads the resident set size from /proc (0 where unavailable).
// cpuSecs is the CPU time the process has used, user and system, in
// seconds (the embedded server's included: the same in every rebuild).
func cpuSecs() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func rssMiB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
