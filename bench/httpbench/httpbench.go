// Package httpbench measures the read side under a crowd: N concurrent
// readers of the rankings and the region profiles for a bounded time,
// against the HTTP API on a loopback port, with generated data. `jejak
// bench http` calls Run. No timing assertions: it reports figures.
package httpbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"time"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/sampledata"
)

// Options size the run; zero values mean the defaults.
type Options struct {
	Readers  int           // concurrent readers; default 500
	Duration time.Duration // how long they read; default 20s
	Scale    float64       // generated data when the store is empty, 1 = national; default 0.1
	Seed     int64         // default 1
	// DataDir is a Jejak data directory to read (generated into when it
	// holds no events); default a fresh temp dir, removed after.
	DataDir string
	// Probes, when above zero, also measures the queue, audit and time
	// travel reads one at a time, that many of each (probes.go).
	Probes int
	// SizesOnly measures the region profiles' sizes (ProfileSizes) and
	// stops: no crowd, no probes.
	SizesOnly bool
	// AuditOnly stops the probes after the audit log's (no profile sizes,
	// queue or time travel): what a change to the audit pages is measured by.
	AuditOnly bool
	// ProbeCPUProfile, when set, is a file for a CPU profile of the probes
	// only (not of the replay before them, which would swamp it).
	ProbeCPUProfile string
	// Inflate makes the readers inflate gzip answers themselves, as the
	// Go transport does by default (and as this benchmark did before):
	// the readers' share of the CPU then grows by the inflating.
	Inflate bool
	// CrowdCPUProfile, when set, is a file for a CPU profile of the crowd
	// only (server and readers share the process).
	CrowdCPUProfile string
	// Progress reports generation progress.
	Progress func(done, total int)
}

func (o Options) withDefaults() Options {
	if o.Readers <= 0 {
		o.Readers = 500
	}
	if o.Duration <= 0 {
		o.Duration = 20 * time.Second
	}
	if o.Scale <= 0 {
		o.Scale = 0.1
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Figures are one kind of read's results.
type Figures struct {
	Requests, Errors int
	RPS              float64
	P50, P99         time.Duration
}

// Report holds the figures of a run.
type Report struct {
	Options  Options
	Events   uint64 // commits in the store
	Year     int
	All      Figures
	Rankings Figures
	Profiles Figures
	// FirstError is the first failure seen, for the reader of the report.
	FirstError string
	Probes     []Probe
	// Profile holds the profiles' sizes, measured with the probes or
	// alone (SizesOnly).
	Profile ProfileSizes
}

// Run prepares the store and projections, serves them on 127.0.0.1 and
// lets the readers read, writing progress lines to w.
func Run(ctx context.Context, o Options, w io.Writer) (Report, error) {
	o = o.withDefaults()
	rep := Report{Options: o}
	dir := o.DataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "jejak-httpbench-")
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
	head, err := st.Store.Head(ctx)
	if err != nil {
		return rep, err
	}
	if head == 0 {
		start := time.Now()
		sum, err := sampledata.Generate(ctx, st.Store, sampledata.GenerateOptions{Seed: o.Seed, Scale: o.Scale, Progress: o.Progress})
		if err != nil {
			return rep, err
		}
		fmt.Fprintf(w, "generated %d events (scale %g) in %.1fs\n", sum.Events, o.Scale, time.Since(start).Seconds())
	}
	start := time.Now()
	views := projections.NewViews(st.Store)
	if err := views.Runner.CatchUp(ctx); err != nil {
		return rep, err
	}
	rep.Events = views.Runner.Position()
	fmt.Fprintf(w, "projections replayed to position %d in %.1fs\n", rep.Events, time.Since(start).Seconds())
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "heap in use after the replay (after a GC): %.0f MiB\n", float64(ms.HeapInuse)/(1<<20))
	t := time.Now()
	if snap, err := views.Audit.Snapshot(); err == nil { // its part of every checkpoint
		fmt.Fprintf(w, "the audit projection's snapshot: %.1f MiB in %s\n", float64(len(snap))/(1<<20), time.Since(t).Round(time.Millisecond))
	}

	year, regions, err := published(views.Index)
	if err != nil {
		return rep, err
	}
	rep.Year = year
	if o.SizesOnly {
		a, err := signIn(storeViews{st.Store, views})
		if err != nil {
			return rep, err
		}
		rep.Profile, err = profileSizes(ctx, a, year, regions, w)
		return rep, err
	}
	handler, err := app.NewHandler(st.Store, views)
	if err != nil {
		return rep, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return rep, err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: o.Readers, MaxIdleConnsPerHost: o.Readers, IdleConnTimeout: time.Minute}}
	defer client.CloseIdleConnections()
	clusters := index.Clusters()
	paths := func(reader, i int) (string, bool) {
		if (reader+i)%2 == 0 {
			return fmt.Sprintf("%s/api/v1/rankings/%d?cluster=%s&limit=100", base, year, clusters[(reader+i)%len(clusters)]), true
		}
		return fmt.Sprintf("%s/api/v1/index/%d/%s?view=summary", base, year, regions[(reader*31+i*7919)%len(regions)]), false
	}
	fmt.Fprintf(w, "%d readers of rankings and profiles of %d for %s on %s\n", o.Readers, year, o.Duration, base)
	runCtx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	type sample struct {
		d       time.Duration
		ranking bool
		err     error
	}
	results := make([][]sample, o.Readers)
	var wg sync.WaitGroup
	if o.CrowdCPUProfile != "" {
		f, err := os.Create(o.CrowdCPUProfile)
		if err != nil {
			return rep, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return rep, err
		}
	}
	began := time.Now()
	for reader := range o.Readers {
		wg.Go(func() {
			for i := 0; runCtx.Err() == nil; i++ {
				url, ranking := paths(reader, i)
				t := time.Now()
				err := get(runCtx, client, url, o.Inflate)
				if runCtx.Err() != nil && err != nil {
					return // cut off by the end of the run, not a failure
				}
				results[reader] = append(results[reader], sample{time.Since(t), ranking, err})
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began).Seconds()
	if o.CrowdCPUProfile != "" {
		pprof.StopCPUProfile()
	}
	var all, rankings, profiles []time.Duration
	for _, rs := range results {
		for _, s := range rs {
			f := &rep.Profiles
			if s.ranking {
				f = &rep.Rankings
			}
			f.Requests++
			rep.All.Requests++
			if s.err != nil {
				f.Errors++
				rep.All.Errors++
				if rep.FirstError == "" {
					rep.FirstError = s.err.Error()
				}
				continue
			}
			all = append(all, s.d)
			if s.ranking {
				rankings = append(rankings, s.d)
			} else {
				profiles = append(profiles, s.d)
			}
		}
	}
	for _, x := range []struct {
		f  *Figures
		ds []time.Duration
	}{{&rep.All, all}, {&rep.Rankings, rankings}, {&rep.Profiles, profiles}} {
		x.f.RPS = float64(x.f.Requests) / elapsed
		x.f.P50, x.f.P99 = percentile(x.ds, 50), percentile(x.ds, 99)
	}
	fmt.Fprintf(w, "all: %d requests, %.0f req/s, p50 %s, p99 %s, %d errors\n", rep.All.Requests, rep.All.RPS, rep.All.P50, rep.All.P99, rep.All.Errors)
	fmt.Fprintf(w, "rankings: %d requests, %.0f req/s, p50 %s, p99 %s, %d errors\n", rep.Rankings.Requests, rep.Rankings.RPS, rep.Rankings.P50, rep.Rankings.P99, rep.Rankings.Errors)
	fmt.Fprintf(w, "profiles (summary): %d requests, %.0f req/s, p50 %s, p99 %s, %d errors\n", rep.Profiles.Requests, rep.Profiles.RPS, rep.Profiles.P50, rep.Profiles.P99, rep.Profiles.Errors)
	if rep.FirstError != "" {
		fmt.Fprintf(w, "first error: %s\n", rep.FirstError)
	}
	if o.Probes > 0 {
		srv.Close()
		a, err := signIn(storeViews{st.Store, views})
		if err != nil {
			return rep, err
		}
		if !o.AuditOnly {
			if rep.Profile, err = profileSizes(ctx, a, year, regions, w); err != nil {
				return rep, err
			}
		}
		if rep.Probes, err = probes(ctx, a, year, regions, o, w); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// published is the latest published year and its ranked regions: what a
// visitor without a token reads.
func published(ix *index.Index) (int, []string, error) {
	years := ix.Years()
	for i := len(years) - 1; i >= 0; i-- {
		if years[i].Phase != domain.PhasePublished {
			continue
		}
		r, err := ix.Rankings(years[i].Year, index.ClusterNational)
		if err != nil || len(r.Rows) == 0 {
			continue
		}
		var regions []string
		for _, row := range r.Rows {
			regions = append(regions, row.Region.Code)
		}
		return years[i].Year, regions, nil
	}
	return 0, nil, errors.New("no published year with a ranking in the store")
}

// get reads url's whole answer; anything but 200 is an error. Unless
// inflate, it asks for gzip itself, so the transport hands over the
// compressed bytes as they came: a visitor's browser inflates them on its
// own machine, while these readers share this one with the server
// (inflating took 60% of the crowd's CPU when the transport did it).
func get(ctx context.Context, client *http.Client, url string, inflate bool) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if !inflate {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d", url, res.StatusCode)
	}
	return nil
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[min(len(ds)-1, len(ds)*p/100)]
}
