package api

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/export"
	"github.com/jejak-id/jejak/projections/kemendagri"
	"github.com/jejak-id/jejak/projections/snapshot"
)

// exportJob is one export requested through the API. Finished exports are
// kept as zip files in the export blob store, so every replica lists and
// serves them.
type exportJob struct {
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
	DownloadURL string                `json:"download_url,omitempty"`
}

// exportJobs tracks the exports started by this replica.
type exportJobs struct {
	mu   sync.Mutex
	jobs map[string]*exportJob
}

func (j *exportJobs) update(id string, fn func(*exportJob)) exportJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	job := j.jobs[id]
	fn(job)
	return *job
}

type exportRequest struct {
	Year int    `json:"year"`
	AsOf string `json:"as_of"`
}

// EnableExports turns the export endpoints on once their object stores are
// open (the server may start serving before that).
func (s *Server) EnableExports(snapshots *snapshot.Store, blobs snapshot.Blobs) {
	s.exportsMu.Lock()
	defer s.exportsMu.Unlock()
	s.snapshots, s.exportBlobs = snapshots, blobs
}

func (s *Server) exportDeps() (*snapshot.Store, snapshot.Blobs) {
	s.exportsMu.RLock()
	defer s.exportsMu.RUnlock()
	return s.snapshots, s.exportBlobs
}

func (s *Server) requireExports() error {
	if snaps, blobs := s.exportDeps(); snaps == nil || blobs == nil {
		return domain.Errorf(domain.CodeUnavailable, "exports are not available on this server yet; try again shortly")
	}
	return nil
}

// startExport answers 202 at once; the export is built in the background,
// with progress on the SSE stream (event "export").
func (s *Server) startExport(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireExports(); err != nil {
		return err
	}
	var req exportRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	var p domain.Problems
	var asOf projections.AsOf
	if req.AsOf != "" {
		var err error
		if asOf, err = projections.ParseAsOf(req.AsOf); err != nil {
			p.Add("as_of", "must be a date (2025-08-06), an RFC 3339 time or a stream position")
		} else if !asOf.Time.IsZero() && asOf.Time.After(s.now()) {
			// The export would be of now, labelled with a future date.
			p.Add("as_of", "is in the future; leave it out for the current state")
		}
	}
	known := false
	for _, y := range s.views.Index.Years() {
		known = known || y.Year == req.Year
	}
	p.Check(known, "year", "no assessment period for %d", req.Year)
	if err := p.Err(); err != nil {
		return err
	}
	actor := actorFrom(r.Context())
	job := &exportJob{ID: uuid.Must(uuid.NewV7()).String(), Year: req.Year, AsOf: req.AsOf, Status: "queued",
		CreatedAt: s.now().UTC(), RequestedBy: actor.UserID}
	queued := *job // the answer, before runExport starts changing the job
	s.exports.mu.Lock()
	s.exports.jobs[job.ID] = job
	s.exports.mu.Unlock()
	go s.runExport(job.ID, req.Year, asOf)
	w.Header().Set("Location", "/api/v1/exports/"+job.ID)
	writeJSON(w, http.StatusAccepted, queued)
	return nil
}

func (s *Server) runExport(id string, year int, asOf projections.AsOf) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	publish := func(job exportJob) { s.hub.Publish(Notice{Kind: "export", Data: job}) }
	publish(s.exports.update(id, func(j *exportJob) { j.Status = "running" }))
	snaps, blobs := s.exportDeps()
	ex, err := export.Build(ctx, snaps, year, asOf, s.cfg.Version, func(done, total int) {
		publish(s.exports.update(id, func(j *exportJob) { j.Done, j.Total = done, total }))
	})
	var archive []byte
	if err == nil {
		archive, err = zipFiles(ex.Files, ex.Snapshot.Time)
	}
	if err == nil {
		meta := map[string]string{"id": id, "year": strconv.Itoa(year), "position": strconv.FormatUint(ex.Snapshot.Position, 10),
			"snapshot": ex.Snapshot.SHA256}
		s.exports.mu.Lock()
		job := *s.exports.jobs[id]
		s.exports.mu.Unlock()
		meta["as_of"], meta["created_at"], meta["requested_by"] = job.AsOf, job.CreatedAt.Format(time.RFC3339Nano), job.RequestedBy
		err = blobs.PutMeta(ctx, exportBlobName(id), archive, meta)
	}
	publish(s.exports.update(id, func(j *exportJob) {
		if err != nil {
			s.log.Error("export failed", "id", id, "err", err)
			j.Status, j.Error = "failed", "the export could not be built; see the server log"
			return
		}
		j.Status, j.Position, j.Snapshot, j.Files = "done", ex.Snapshot.Position, ex.Snapshot.SHA256, ex.Manifest.Files
		j.DownloadURL = "/api/v1/exports/" + id + "/download"
	}))
}

func exportBlobName(id string) string { return "export-" + id + ".zip" }

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

// jobsList merges this replica's jobs with the finished exports in the
// blob store, newest first.
func (s *Server) jobsList(ctx context.Context) ([]exportJob, error) {
	_, blobs := s.exportDeps()
	metas, err := blobs.Metadata(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]exportJob{}
	for _, m := range metas {
		if m["id"] == "" {
			continue
		}
		j := exportJob{ID: m["id"], AsOf: m["as_of"], Status: "done", RequestedBy: m["requested_by"], Snapshot: m["snapshot"],
			DownloadURL: "/api/v1/exports/" + m["id"] + "/download"}
		j.Year, _ = strconv.Atoi(m["year"])
		j.Position, _ = strconv.ParseUint(m["position"], 10, 64)
		j.CreatedAt, _ = time.Parse(time.RFC3339Nano, m["created_at"])
		byID[j.ID] = j
	}
	s.exports.mu.Lock()
	for id, j := range s.exports.jobs {
		byID[id] = *j
	}
	s.exports.mu.Unlock()
	out := make([]exportJob, 0, len(byID))
	for _, j := range byID {
		out = append(out, j)
	}
	slices.SortFunc(out, func(a, b exportJob) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

func (s *Server) listExports(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireExports(); err != nil {
		return err
	}
	jobs, err := s.jobsList(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": jobs})
	return nil
}

func (s *Server) getExport(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireExports(); err != nil {
		return err
	}
	jobs, err := s.jobsList(r.Context())
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if j.ID == r.PathValue("id") {
			writeJSON(w, http.StatusOK, j)
			return nil
		}
	}
	return domain.Errorf(domain.CodeNotFound, "no export %s", r.PathValue("id"))
}

func (s *Server) downloadExport(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireExports(); err != nil {
		return err
	}
	id := r.PathValue("id")
	_, blobs := s.exportDeps()
	data, ok, err := blobs.Get(r.Context(), exportBlobName(id))
	if err != nil {
		return err
	}
	if !ok {
		return domain.Errorf(domain.CodeNotFound, "no finished export %s (it may still be running)", id)
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="jejak-ekspor-%s.zip"`, id))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(data)
	return err
}
