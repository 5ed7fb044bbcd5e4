package httpbench

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/jejak-id/jejak/api"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/sampledata"
)

// Probe is one kind of signed-in read, measured one request at a time
// through the handler (JSON and gzip included, no network).
type Probe struct {
	Name     string
	Requests int
	P50, P99 time.Duration
	Max      time.Duration
}

// processStart is about when the process started: the probes say when
// each ended on the clock GODEBUG=gctrace=1 uses (gc N @Ts), so that a
// slow read can be matched with a collection.
var processStart = time.Now()

// probes measures the reads of issue 21 one at a time: the verification
// queue and the audit log (first pages and the pages after them, with
// filters), and time travel (a past ranking: the first at a position,
// again at a position near it, and again at the same one).
func probes(ctx context.Context, a signedIn, year int, regions []string, o Options, w io.Writer) ([]Probe, error) {
	rounds := o.Probes
	st, srv := a.st, a.srv
	get := func(path string) (time.Duration, map[string]any, error) {
		req := httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx)
		req.Header.Set("Authorization", "Bearer "+a.tok)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		t := time.Now()
		srv.ServeHTTP(rec, req)
		d := time.Since(t)
		if rec.Code != http.StatusOK {
			return d, nil, fmt.Errorf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
		return d, nil, nil
	}
	// getJSON is get without compression, to read the answer.
	getJSON := func(path string) (map[string]any, error) {
		req := httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx)
		req.Header.Set("Authorization", "Bearer "+a.tok)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var m map[string]any
		if rec.Code != http.StatusOK {
			return nil, fmt.Errorf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
		return m, json.Unmarshal(rec.Body.Bytes(), &m)
	}

	var out []Probe
	measureN := func(name string, count int, paths func(i int) string) error {
		var ds []time.Duration
		for i := range count {
			d, _, err := get(paths(i))
			if err != nil {
				return err
			}
			ds = append(ds, d)
		}
		p := Probe{Name: name, Requests: len(ds), P50: percentile(ds, 50), P99: percentile(ds, 99)}
		p.Max = ds[len(ds)-1]
		out = append(out, p)
		fmt.Fprintf(w, "%-58s %5d reads  p50 %-12s p99 %-12s max %-12s (at %.1fs)\n", name, p.Requests, p.P50, p.P99, p.Max,
			time.Since(processStart).Seconds())
		return nil
	}
	measure := func(name string, paths func(i int) string) error { return measureN(name, rounds, paths) }
	region := func(i int) string { return regions[(i*7919)%len(regions)] }

	// The audit log: the first read after start, then pages.
	if o.ProbeCPUProfile != "" {
		f, err := os.Create(o.ProbeCPUProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	t := time.Now()
	if _, _, err := get("/api/v1/audit?limit=100"); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "%-58s %s\n", "audit: first read after start (newest 100)", time.Since(t))
	next := func(query string) (string, error) {
		m, err := getJSON("/api/v1/audit?limit=100&" + query)
		if err != nil {
			return "", err
		}
		c, _ := m["next_cursor"].(string)
		return c, nil
	}
	cursor, err := next("")
	if err != nil {
		return nil, err
	}
	for _, c := range []struct{ name, query string }{
		{"audit: newest 100", ""},
		{"audit: the page after a cursor", "cursor=" + cursor},
		{"audit: one region's, newest 100", "region=%s"},
		{"audit: one region's verifications", "region=%s&type=assessment.answer_verified"},
		{"audit: one actor's (a region's operator)", "actor=%s"},
		{"audit: search term (a region's code)", "q=%s"},
		{"audit: search term (a region's name)", "q=%s"},
		{"audit: a month", "from=2025-03-01&to=2025-03-31"},
		{"audit: oldest first, one region", "order=asc&region=%s"},
	} {
		if err := measure(c.name, func(i int) string {
			q := c.query
			if len(q) > 0 && containsVerb(q) {
				arg := region(i)
				r, _ := domain.LookupRegion(arg)
				switch {
				case strings.HasPrefix(q, "actor="):
					arg = sampledata.OperatorOf(r)
				case strings.HasSuffix(c.name, "name)"):
					arg = r.Name
				}
				q = fmt.Sprintf(q, url.QueryEscape(arg))
			}
			return "/api/v1/audit?limit=100&" + q
		}); err != nil {
			return nil, err
		}
	}
	hits, misses, kept := st.views.Audit.CommitCacheStats()
	fmt.Fprintf(w, "audit: commit cache after the pages: %d hits, %d misses, %.1f MiB kept; the entries' rows %.1f MiB\n", hits, misses,
		float64(kept)/(1<<20), float64(st.views.Audit.RowBytes())/(1<<20))

	if o.AuditOnly {
		return out, nil
	}

	// The verification queue.
	for _, c := range []struct{ name, query string }{
		{"queue: pending, all regions", "status=pending"},
		{"queue: accepted, all regions (the largest)", "status=accepted"},
		{"queue: accepted, one year", fmt.Sprintf("status=accepted&year=%d", year)},
		{"queue: accepted, one region", "status=accepted&region=%s"},
		{"queue: accepted, one indicator", "status=accepted&indicator=16"},
		{"queue: accepted, submitted before a date", "status=accepted&submitted_before=2024-06-01"},
		{"queue: accepted, indicator and date", "status=accepted&indicator=16&submitted_before=2024-06-01"},
	} {
		if err := measure(c.name, func(i int) string {
			q := c.query
			if containsVerb(q) {
				q = fmt.Sprintf(q, region(i))
			}
			return "/api/v1/verification-queue?limit=100&" + q
		}); err != nil {
			return nil, err
		}
	}
	m, err := getJSON("/api/v1/verification-queue?limit=100&status=accepted")
	if err != nil {
		return nil, err
	}
	if c, _ := m["next_cursor"].(string); c != "" {
		if err := measure("queue: accepted, the page after a cursor", func(int) string {
			return "/api/v1/verification-queue?limit=100&status=accepted&cursor=" + c
		}); err != nil {
			return nil, err
		}
	}

	// Time travel: past rankings at positions spread over the stream.
	// Positions in the year's life: from its period's opening to the head.
	head := st.views.Runner.Position()
	evs, err := st.store.Load(ctx, domain.AggregatePeriod, strconv.Itoa(year), 0)
	if err != nil || len(evs) == 0 {
		return nil, fmt.Errorf("the period of %d: %v", year, err)
	}
	opened := evs[0].Position
	const n = 4 // distinct past instants
	at := func(i int) uint64 { return opened + (head-opened)/8 + uint64(i)*(head-opened)/2/n }
	if err := measureN("time travel: a new position (cold)", n, func(i int) string {
		return fmt.Sprintf("/api/v1/rankings/%d?limit=100&as_of=%d", year, at(i))
	}); err != nil {
		return nil, err
	}
	if err := measureN("time travel: a new position, a few commits after the last", n, func(i int) string {
		return fmt.Sprintf("/api/v1/rankings/%d?limit=100&as_of=%d", year, at(n-1)+uint64(1+i*97))
	}); err != nil {
		return nil, err
	}
	if err := measure("time travel: a kept position (warm)", func(int) string {
		return fmt.Sprintf("/api/v1/rankings/%d?limit=100&as_of=%d", year, at(n-1)+uint64(1+(n-1)*97))
	}); err != nil {
		return nil, err
	}
	// A region's reads at past positions (the profile's "Per tanggal"):
	// its summary from the region's own past state, first at a position
	// (cold), then again (warm), and its score history.
	if err := measure("time travel: a region's summary, new position (cold)", func(i int) string {
		return fmt.Sprintf("/api/v1/index/%d/%s?view=summary&as_of=%d", year, region(i), at(i%n)+uint64(11+i))
	}); err != nil {
		return nil, err
	}
	if err := measure("time travel: a region's summary, same position (warm)", func(i int) string {
		return fmt.Sprintf("/api/v1/index/%d/%s?view=summary&as_of=%d", year, region(i), at(i%n)+uint64(11+i))
	}); err != nil {
		return nil, err
	}
	if err := measure("time travel: a region's score history, new position", func(i int) string {
		return fmt.Sprintf("/api/v1/index/%d/%s/history?as_of=%d", year, region(i), at(i%n)+uint64(13+i))
	}); err != nil {
		return nil, err
	}
	idx, snaps, bytes := st.views.PastStats()
	fmt.Fprintf(w, "past states kept: %d indexes, %d snapshots, %.0f MiB estimated\n", idx, snaps, float64(bytes)/(1<<20))
	return out, nil
}

func containsVerb(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && s[i+1] == 's' {
			return true
		}
	}
	return false
}

// signedIn is the API over a store and its views, with an admin's token,
// for reads one at a time through the handler.
type signedIn struct {
	st  storeViews
	srv *api.Server
	tok string
}

func signIn(st storeViews) (signedIn, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return signedIn{}, err
	}
	tokens := api.NewTokens(key, nil)
	tok, err := tokens.Issue(domain.Actor{UserID: "bench-admin", Role: domain.RoleAdmin}, time.Hour)
	if err != nil {
		return signedIn{}, err
	}
	srv, err := api.New(api.Config{Store: st.store, Service: domain.NewService(st.store, nil), Views: st.views, Tokens: tokens})
	if err != nil {
		return signedIn{}, err
	}
	return signedIn{st, srv, tok}, nil
}

// size is the length of path's answer body, gzipped or not.
func (a signedIn) size(ctx context.Context, path string, gz bool) (int, error) {
	req := httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer "+a.tok)
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return 0, fmt.Errorf("%s: %d", path, rec.Code)
	}
	return rec.Body.Len(), nil
}

// ProfileSizes are the body sizes, in bytes, of the region profile whose
// full explanation is the largest (issue 21: its summary at most 100 KB),
// and the largest summary of any region.
type ProfileSizes struct {
	Region                             string
	Full, FullGzip                     int
	Summary, SummaryGzip               int
	LargestSummaryRegion               string
	LargestSummary, LargestSummaryGzip int
}

// profileSizes measures the profiles of every region in regions.
func profileSizes(ctx context.Context, a signedIn, year int, regions []string, w io.Writer) (ProfileSizes, error) {
	var ps ProfileSizes
	for _, code := range regions {
		path := fmt.Sprintf("/api/v1/index/%d/%s", year, code)
		n, err := a.size(ctx, path, false)
		if err != nil {
			return ps, err
		}
		if n > ps.Full {
			ps.Region, ps.Full = code, n
		}
		if n, err = a.size(ctx, path+"?view=summary", false); err != nil {
			return ps, err
		}
		if n > ps.LargestSummary {
			ps.LargestSummaryRegion, ps.LargestSummary = code, n
		}
	}
	var err error
	for _, m := range []struct {
		to   *int
		path string
		gz   bool
	}{
		{&ps.Summary, fmt.Sprintf("/api/v1/index/%d/%s?view=summary", year, ps.Region), false},
		{&ps.SummaryGzip, fmt.Sprintf("/api/v1/index/%d/%s?view=summary", year, ps.Region), true},
		{&ps.FullGzip, fmt.Sprintf("/api/v1/index/%d/%s", year, ps.Region), true},
		{&ps.LargestSummaryGzip, fmt.Sprintf("/api/v1/index/%d/%s?view=summary", year, ps.LargestSummaryRegion), true},
	} {
		if *m.to, err = a.size(ctx, m.path, m.gz); err != nil {
			return ps, err
		}
	}
	fmt.Fprintf(w, "largest profile (%s, %d): full %d bytes (%d gzipped), summary %d bytes (%d gzipped)\n",
		ps.Region, year, ps.Full, ps.FullGzip, ps.Summary, ps.SummaryGzip)
	fmt.Fprintf(w, "largest summary of %d regions (%s): %d bytes (%d gzipped)\n", len(regions), ps.LargestSummaryRegion, ps.LargestSummary, ps.LargestSummaryGzip)
	return ps, nil
}

type storeViews struct {
	store domain.EventStore
	views *projections.Views
}
