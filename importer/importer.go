// Package importer reads a region's spreadsheet (XLSX or CSV, Indonesian
// column names) of innovations with their stage dates, and optionally SPD
// answers of the open year, and appends each row as the same commands the
// API uses (domain.Service). A dry run checks every row with the commands'
// Decide on aggregates loaded from the store and appends nothing. Re-running
// a file appends nothing: each row's command ids derive from a stable key
// (region and innovation name; region, year and indicator), and a row whose
// content differs from what is recorded is reported as changed, not
// applied.
package importer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// DefaultMaxRows bounds the data rows of one sheet.
const DefaultMaxRows = 20_000

// MaxFileBytes bounds the file the API accepts (the CLI reads up to 256 MiB).
const MaxFileBytes = 32 << 20

// Options of one import.
type Options struct {
	Actor domain.Actor
	// Year is the assessment year of SPD answers (its period must be in
	// penjaringan); 0: the current year.
	Year int
	// MaxRows bounds each sheet's data rows (0: DefaultMaxRows); a larger
	// file is refused before its rows are read.
	MaxRows int
	// DryRun checks every row and appends nothing.
	DryRun bool
	// ValidOnly imports the valid rows of a file that has invalid ones;
	// otherwise one invalid row stops the whole import.
	ValidOnly bool
	// Concurrency is the number of rows checked or appended at once (0: 16).
	Concurrency int
	// Known, if set, finds an innovation already recorded in region under
	// name (compared case- and space-insensitively) that the import did not
	// create, e.g. one entered by hand: its row is then compared with it
	// rather than proposed again. Nil: only the import's own innovations
	// are recognised.
	Known func(region, name string) (id string, ok bool)
	// Progress, if set, is told how many rows are done of how many while
	// rows are checked ("periksa") and appended ("impor"). It may be called
	// from several goroutines.
	Progress func(stage string, done, total int)
}

// Named is an innovation recorded in a region, for KnownFrom.
type Named struct{ ID, Name string }

// KnownFrom builds Options.Known from list, which returns the innovations
// recorded in a region; each region is listed once. Safe for concurrent use.
func KnownFrom(list func(region string) []Named) func(region, name string) (string, bool) {
	var mu sync.Mutex
	byRegion := map[string]map[string]string{}
	return func(region, name string) (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		m, ok := byRegion[region]
		if !ok {
			m = map[string]string{}
			for _, n := range list(region) {
				if _, dup := m[normalize(n.Name)]; !dup {
					m[normalize(n.Name)] = n.ID
				}
			}
			byRegion[region] = m
		}
		id, ok := m[normalize(name)]
		return id, ok
	}
}

// Status is what the import does (or did) with a row.
type Status string

const (
	StatusNew       Status = "baru"        // new: appended
	StatusContinued Status = "dilanjutkan" // known; its later stages appended
	StatusUnchanged Status = "sama"        // already recorded as it is: nothing to append
	StatusChanged   Status = "berubah"     // differs from what is recorded: reported, not applied
	StatusInvalid   Status = "bermasalah"  // has problems: not imported
	StatusFailed    Status = "gagal"       // valid, but appending failed: re-run the import
)

// RowResult is one row's outcome.
type RowResult struct {
	Sheet  string `json:"sheet"`
	Row    int    `json:"row"`
	Status Status `json:"status"`
	// Subject names the row: the innovation or the answer.
	Subject string `json:"subject"`
	// ID is the innovation's id (innovation rows).
	ID string `json:"id,omitempty"`
	// Detail says what is (or was) appended, or what changed.
	Detail string `json:"detail,omitempty"`
}

// Report is the outcome of an import or a dry run.
type Report struct {
	DryRun bool `json:"dry_run"`
	// Applied is true when rows were appended (a real run that was not
	// refused for invalid rows).
	Applied bool `json:"applied"`
	// Refused explains why nothing was appended, "" otherwise.
	Refused  string         `json:"refused,omitempty"`
	Year     int            `json:"year"`
	Rows     []RowResult    `json:"rows"`
	Problems []Problem      `json:"problems"`
	Notes    []Problem      `json:"notes"`
	Counts   map[Status]int `json:"counts"`
	Commits  int            `json:"commits"`
	Events   int            `json:"events"`
	// Position is the highest position appended (0: none), for reads that
	// should see the import (min_position).
	Position uint64 `json:"position"`
}

// Importer imports spreadsheets through a Service. It is safe for
// concurrent use.
type Importer struct {
	Service *domain.Service
}

// step is one command a valid row appends when run.
type step func(ctx context.Context) (domain.CommitResult, error)

// plan is one row checked: its result and, if valid and not yet
// recorded, the commands to append in order.
type plan struct {
	result   RowResult
	problems []Problem
	steps    []step
	// group names rows that append to one aggregate ("" for none): they
	// run one after the other, in row order.
	group string
}

// Run imports data (an XLSX or CSV file). It returns a *FileError for a
// file that cannot be imported at all (nothing is appended), a store error
// if checking failed, and otherwise the report: with invalid rows and
// without ValidOnly, or in a dry run, nothing is appended.
func (im *Importer) Run(ctx context.Context, data []byte, opts Options) (*Report, error) {
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultMaxRows
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 16
	}
	today := im.now()
	if opts.Year == 0 {
		opts.Year = today.Year()
	}
	wb, err := readWorkbook(data, opts.MaxRows)
	if err != nil {
		return nil, err
	}
	rep := &Report{DryRun: opts.DryRun, Year: opts.Year, Rows: []RowResult{}, Problems: []Problem{}, Notes: []Problem{}, Counts: map[Status]int{}}
	var plans []*plan
	if wb.innovations != nil {
		ps, notes, err := im.planInnovations(ctx, wb.innovations, opts, today)
		if err != nil {
			return nil, err
		}
		plans = append(plans, ps...)
		rep.Notes = append(rep.Notes, notes...)
	}
	if wb.answers != nil {
		ps, notes, err := im.planAnswers(ctx, wb.answers, opts)
		if err != nil {
			return nil, err
		}
		plans = append(plans, ps...)
		rep.Notes = append(rep.Notes, notes...)
	}
	invalid := 0
	for _, p := range plans {
		if len(p.problems) > 0 {
			p.result.Status = StatusInvalid
			invalid++
			rep.Problems = append(rep.Problems, p.problems...)
		}
		if p.result.Status == StatusChanged {
			rep.Notes = append(rep.Notes, Problem{Sheet: p.result.Sheet, Row: p.result.Row, Message: "berubah dari yang tercatat, tidak diimpor: " + p.result.Detail})
		}
	}
	switch {
	case opts.DryRun:
		rep.Refused = "pemeriksaan saja (dry run)"
	case invalid > 0 && !opts.ValidOnly:
		rep.Refused = fmt.Sprintf("%d baris bermasalah: tidak ada yang diimpor; perbaiki berkas, atau pilih impor baris yang valid saja", invalid)
	default:
		rep.Applied = true
		im.apply(ctx, plans, opts, rep)
	}
	for _, p := range plans {
		rep.Rows = append(rep.Rows, p.result)
		rep.Counts[p.result.Status]++
	}
	return rep, nil
}

func (im *Importer) now() time.Time {
	if im.Service.Now != nil {
		return im.Service.Now()
	}
	return time.Now()
}

// apply runs the steps of every valid row: rows concurrently, the steps of
// a row in order, and the rows of one group one after the other.
func (im *Importer) apply(ctx context.Context, plans []*plan, opts Options, rep *Report) {
	var jobs [][]*plan
	groups := map[string]int{}
	total := 0
	for _, p := range plans {
		if len(p.problems) > 0 || len(p.steps) == 0 {
			continue
		}
		total++
		if i, ok := groups[p.group]; ok && p.group != "" {
			jobs[i] = append(jobs[i], p)
			continue
		}
		groups[p.group] = len(jobs)
		jobs = append(jobs, []*plan{p})
	}
	var mu sync.Mutex
	done := 0
	_ = each(ctx, len(jobs), opts.Concurrency, nil, func(ctx context.Context, i int) error {
		for _, p := range jobs[i] {
			commits, events, pos, err := runSteps(ctx, p.steps)
			mu.Lock()
			rep.Commits += commits
			rep.Events += events
			rep.Position = max(rep.Position, pos)
			if err != nil {
				p.result.Status = StatusFailed
				p.result.Detail = "gagal ditambahkan (" + failure(err) + "); jalankan impor lagi untuk melanjutkan"
			}
			done++
			if opts.Progress != nil {
				opts.Progress("impor", done, total)
			}
			mu.Unlock()
		}
		return nil
	})
}

func runSteps(ctx context.Context, steps []step) (commits, events int, pos uint64, err error) {
	for _, s := range steps {
		res, err := s(ctx)
		if err != nil {
			return commits, events, pos, err
		}
		if !res.Duplicate && len(res.EventIDs) > 0 {
			commits++
			events += len(res.EventIDs)
			pos = max(pos, res.Position)
		}
	}
	return commits, events, pos, nil
}

// failure says in Indonesian why an append failed.
func failure(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		switch de.Code {
		case domain.CodeUnavailable, domain.CodeTimeout:
			return "penyimpanan tidak tersedia"
		case domain.CodeVersionConflict:
			return "data berubah bersamaan"
		}
		return string(de.Code) + ": " + de.Message
	}
	return "kesalahan tak terduga"
}

// each runs fn for every index below n, concurrency at once, reporting
// progress; it returns the first error.
func each(ctx context.Context, n, concurrency int, progress func(done, total int), fn func(ctx context.Context, i int) error) error {
	var (
		mu       sync.Mutex
		done     int
		firstErr error
		wg       sync.WaitGroup
		next     = make(chan int)
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(concurrency, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				err := fn(ctx, i)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				done++
				if progress != nil {
					progress(done, n)
				}
				mu.Unlock()
			}
		}()
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return firstErr
}
