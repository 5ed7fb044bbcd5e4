package export

import (
	"archive/zip"
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/projections/kemendagri"
	"github.com/jejak-id/jejak/projections/snapshot"
)

// Job is one export built in the background. Finished exports are kept as
// zip files, with this description as metadata, in the export blob store,
// so every replica lists and serves them; a replica also knows the jobs it
// runs itself, with their progress.
type Job struct {
	ID          string                `json:"id"`
	Year        int                   `json:"year"`
	AsOf        string                `json:"as_of,omitempty"`
	Status      string                `json:"status"` // queued, running, done, failed
	Error       string                `json:"error,omitempty"`
	CreatedAt   time.Time             `json:"created_at"`
	RequestedBy string                `json:"requested_by"`
	Done        int                   `json:"done"`
	Total       int                   `json:"total"`
	Position    uint64                `json:"position,omitempty"`
	Snapshot    string                `json:"snapshot_sha256,omitempty"`
	Files       []kemendagri.FileInfo `json:"files,omitempty"`
}

// Job statuses.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// JobsConfig wires a job runner.
type JobsConfig struct {
	Snapshots *snapshot.Store
	Blobs     snapshot.Blobs
	// JejakVersion goes into every manifest.
	JejakVersion string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Progress, if set, is told every change of a job this replica runs; it
	// must not block.
	Progress func(Job)
	Logger   *slog.Logger
	// Timeout bounds one job (default 10 minutes).
	Timeout time.Duration
}

// Jobs runs exports in the background: Start answers at once with the
// queued job, the build runs on, and List, Get and Archive read the jobs.
// Safe for concurrent use.
type Jobs struct {
	cfg  JobsConfig
	mu   sync.Mutex
	jobs map[string]*Job // the jobs this replica started
}

// NewJobs returns a job runner.
func NewJobs(cfg JobsConfig) *Jobs {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Minute
	}
	if cfg.Progress == nil {
		cfg.Progress = func(Job) {}
	}
	return &Jobs{cfg: cfg, jobs: map[string]*Job{}}
}

// Request asks for the export of Year as of AsOf (a date, an RFC 3339 time
// or a stream position; "" for now).
type Request struct {
	Year        int
	AsOf        string
	RequestedBy string
}

// Start checks r and starts its export in the background, returning the
// queued job. It returns CodeInvalid (every problem at once: an unreadable
// or future as_of, a year without a period) without starting anything.
func (j *Jobs) Start(r Request) (Job, error) {
	var p domain.Problems
	var asOf projections.AsOf
	if r.AsOf != "" {
		var err error
		if asOf, err = projections.ParseAsOf(r.AsOf); err != nil {
			p.Add("as_of", "must be a date (2025-08-06), an RFC 3339 time or a stream position")
		} else if !asOf.Time.IsZero() && asOf.Time.After(j.cfg.Now()) {
			// The export would be of now, labelled with a future date.
			p.Add("as_of", "is in the future; leave it out for the current state")
		}
	}
	known := slices.ContainsFunc(j.cfg.Snapshots.Views().Index.Years(), func(y index.PeriodInfo) bool { return y.Year == r.Year })
	p.Check(known, "year", "no assessment period for %d", r.Year)
	if err := p.Err(); err != nil {
		return Job{}, err
	}
	job := &Job{ID: uuid.Must(uuid.NewV7()).String(), Year: r.Year, AsOf: r.AsOf, Status: JobQueued,
		CreatedAt: j.cfg.Now().UTC(), RequestedBy: r.RequestedBy}
	queued := *job // the answer, before run starts changing the job
	j.mu.Lock()
	j.jobs[job.ID] = job
	j.mu.Unlock()
	go j.run(job.ID, r.Year, asOf)
	return queued, nil
}

// Counts counts the jobs this replica started by status (for metrics).
func (j *Jobs) Counts() map[string]int {
	j.mu.Lock()
	defer j.mu.Unlock()
	counts := map[string]int{}
	for _, job := range j.jobs {
		counts[job.Status]++
	}
	return counts
}

// update changes a job under the lock and returns a copy.
func (j *Jobs) update(id string, fn func(*Job)) Job {
	j.mu.Lock()
	defer j.mu.Unlock()
	job := j.jobs[id]
	fn(job)
	return *job
}

func (j *Jobs) run(id string, year int, asOf projections.AsOf) {
	ctx, cancel := context.WithTimeout(context.Background(), j.cfg.Timeout)
	defer cancel()
	report := j.cfg.Progress
	report(j.update(id, func(job *Job) { job.Status = JobRunning }))
	b, err := Build(ctx, j.cfg.Snapshots, year, asOf, j.cfg.JejakVersion, func(done, total int) {
		report(j.update(id, func(job *Job) { job.Done, job.Total = done, total }))
	})
	var archive []byte
	if err == nil {
		archive, err = zipFiles(b.Files, b.Snapshot.Time)
	}
	if err == nil {
		job := j.update(id, func(*Job) {})
		meta := map[string]string{"id": id, "year": strconv.Itoa(year), "position": strconv.FormatUint(b.Snapshot.Position, 10),
			"snapshot": b.Snapshot.SHA256, "as_of": job.AsOf, "created_at": job.CreatedAt.Format(time.RFC3339Nano),
			"requested_by": job.RequestedBy}
		err = j.cfg.Blobs.PutMeta(ctx, blobName(id), archive, meta)
	}
	report(j.update(id, func(job *Job) {
		if err != nil {
			j.cfg.Logger.Error("export failed", "id", id, "err", err)
			job.Status, job.Error = JobFailed, "the export could not be built; see the server log"
			return
		}
		job.Status, job.Position, job.Snapshot, job.Files = JobDone, b.Snapshot.Position, b.Snapshot.SHA256, b.Manifest.Files
	}))
}

func blobName(id string) string { return "export-" + id + ".zip" }

// zipFiles packs the export deterministically: fixed order and timestamps.
func zipFiles(files []kemendagri.File, at time.Time) ([]byte, error) {
	if at.IsZero() {
		at = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: at.UTC()})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.Data); err != nil {
			return nil, err
		}
	}
	err := zw.Close()
	return buf.Bytes(), err
}

// List returns the finished exports in the blob store and the jobs this
// replica runs, newest first.
func (j *Jobs) List(ctx context.Context) ([]Job, error) {
	metas, err := j.cfg.Blobs.Metadata(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]Job{}
	for _, m := range metas {
		if m["id"] == "" {
			continue
		}
		job := Job{ID: m["id"], AsOf: m["as_of"], Status: JobDone, RequestedBy: m["requested_by"], Snapshot: m["snapshot"]}
		job.Year, _ = strconv.Atoi(m["year"])
		job.Position, _ = strconv.ParseUint(m["position"], 10, 64)
		job.CreatedAt, _ = time.Parse(time.RFC3339Nano, m["created_at"])
		byID[job.ID] = job
	}
	j.mu.Lock()
	for id, job := range j.jobs {
		byID[id] = *job
	}
	j.mu.Unlock()
	out := make([]Job, 0, len(byID))
	for _, job := range byID {
		out = append(out, job)
	}
	slices.SortFunc(out, func(a, b Job) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// Get returns one job (CodeNotFound).
func (j *Jobs) Get(ctx context.Context, id string) (Job, error) {
	j.mu.Lock()
	job, ok := j.jobs[id]
	var mine Job
	if ok {
		mine = *job
	}
	j.mu.Unlock()
	if ok {
		return mine, nil
	}
	all, err := j.List(ctx)
	if err != nil {
		return Job{}, err
	}
	for _, job := range all {
		if job.ID == id {
			return job, nil
		}
	}
	return Job{}, domain.Errorf(domain.CodeNotFound, "no export %s", domain.Quote(id))
}

// Archive returns the zip file of a finished export (CodeNotFound while it
// runs, or when there is none).
func (j *Jobs) Archive(ctx context.Context, id string) ([]byte, error) {
	data, ok, err := j.cfg.Blobs.Get(ctx, blobName(id))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, domain.Errorf(domain.CodeNotFound, "no finished export %s (it may still be running)", id)
	}
	return data, nil
}
