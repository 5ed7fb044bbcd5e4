package api

import (
	"fmt"
	"net/http"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/export"
)

// exportJSON is an export job as the API shows it: the job and, once it
// is done, where to download it.
type exportJSON struct {
	export.Job
	DownloadURL string `json:"download_url,omitempty"`
}

func exportDTO(j export.Job) exportJSON {
	out := exportJSON{Job: j}
	if j.Status == export.JobDone {
		out.DownloadURL = "/api/v1/exports/" + j.ID + "/download"
	}
	return out
}

type exportRequest struct {
	Year int    `json:"year"`
	AsOf string `json:"as_of"`
}

// EnableExports turns the export endpoints on once the job runner's stores
// are open (the server may start serving before that).
func (s *Server) EnableExports(jobs *export.Jobs) {
	s.exportsMu.Lock()
	defer s.exportsMu.Unlock()
	s.exports = jobs
}

// ExportProgress tells live clients how an export is going; give it to the
// job runner (export.JobsConfig.Progress).
func (s *Server) ExportProgress(j export.Job) {
	s.hub.Publish(Notice{Kind: "export", Action: domain.ActionExport, Data: exportDTO(j)})
}

// exportJobs returns the job runner for a caller who may export, or
// CodeUnavailable before it is there.
func (s *Server) exportJobs(r *http.Request) (*export.Jobs, error) {
	if err := authorize(r, domain.ActionExport, ""); err != nil {
		return nil, err
	}
	s.exportsMu.RLock()
	defer s.exportsMu.RUnlock()
	if s.exports == nil {
		return nil, domain.Errorf(domain.CodeUnavailable, "exports are not available on this server yet; try again shortly")
	}
	return s.exports, nil
}

// startExport answers 202 at once; the export is built in the background,
// with progress on the SSE stream (event "export").
func (s *Server) startExport(w http.ResponseWriter, r *http.Request) error {
	jobs, err := s.exportJobs(r)
	if err != nil {
		return err
	}
	var req exportRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	job, err := jobs.Start(export.Request{Year: req.Year, AsOf: req.AsOf, RequestedBy: actorFrom(r.Context()).UserID})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/exports/"+job.ID)
	writeJSON(w, http.StatusAccepted, exportDTO(job))
	return nil
}

func (s *Server) listExports(w http.ResponseWriter, r *http.Request) error {
	jobs, err := s.exportJobs(r)
	if err != nil {
		return err
	}
	all, err := jobs.List(r.Context())
	if err != nil {
		return err
	}
	items := make([]exportJSON, 0, len(all))
	for _, j := range all {
		items = append(items, exportDTO(j))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (s *Server) getExport(w http.ResponseWriter, r *http.Request) error {
	jobs, err := s.exportJobs(r)
	if err != nil {
		return err
	}
	job, err := jobs.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, exportDTO(job))
	return nil
}

func (s *Server) downloadExport(w http.ResponseWriter, r *http.Request) error {
	jobs, err := s.exportJobs(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	data, err := jobs.Archive(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="jejak-ekspor-%s.zip"`, id))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(data)
	return err
}
