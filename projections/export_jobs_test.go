package projections_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/projections/export"
	"github.com/jejak-id/jejak/projections/kemendagri"
)

// TestExportJobs: the job runner builds an export in the background,
// reports its progress, keeps the zip and its description in the export
// blob store, and another replica on the same store lists and serves it.
func TestExportJobs(t *testing.T) {
	ctx := context.Background()
	s := mustStack(t)
	scenario(t, s)
	v := caughtUp(t, s.store)
	snaps := mustSnapshots(t, s, v)
	blobs, err := natsinfra.OpenBlobs(ctx, s.storage.Conn, natsinfra.ExportBucket, 1)
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return s.now }
	progress := make(chan export.Job, 64)
	jobs := export.NewJobs(export.JobsConfig{Snapshots: snaps, Blobs: blobs, JejakVersion: "test", Now: now,
		Progress: func(j export.Job) { progress <- j }})

	t.Run("refuses a bad request and starts nothing", func(t *testing.T) {
		for _, tc := range []struct {
			req    export.Request
			fields []string
		}{
			{export.Request{Year: 1999}, []string{"year"}},
			{export.Request{Year: 2025, AsOf: "kemarin"}, []string{"as_of"}},
			{export.Request{Year: 2031, AsOf: "2030-01-01"}, []string{"as_of", "year"}},
		} {
			_, err := jobs.Start(tc.req)
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeInvalid || len(de.Problems) != len(tc.fields) {
				t.Fatalf("%+v: %v, want problems about %v", tc.req, err, tc.fields)
			}
			for i, f := range tc.fields {
				if de.Problems[i].Field != f {
					t.Errorf("%+v: problem %d about %s, want %s", tc.req, i, de.Problems[i].Field, f)
				}
			}
		}
		if all, err := jobs.List(ctx); err != nil || len(all) != 0 {
			t.Fatalf("after refusals: %d jobs, %v", len(all), err)
		}
	})

	queued, err := jobs.Start(export.Request{Year: 2025, RequestedBy: "aud-1"})
	if err != nil {
		t.Fatal(err)
	}
	if queued.Status != export.JobQueued || queued.ID == "" || queued.RequestedBy != "aud-1" || !queued.CreatedAt.Equal(s.now) {
		t.Fatalf("queued job %+v", queued)
	}
	var last export.Job
	deadline := time.After(time.Minute)
	for last.Status != export.JobDone && last.Status != export.JobFailed {
		select {
		case j := <-progress:
			if j.ID != queued.ID || j.Done < last.Done {
				t.Fatalf("progress %+v after %+v", j, last)
			}
			last = j
		case <-deadline:
			t.Fatalf("no end of the export; last %+v", last)
		}
	}

	t.Run("reports progress to the end and the result", func(t *testing.T) {
		if last.Status != export.JobDone || last.Done != last.Total || last.Total == 0 || last.Snapshot == "" || len(last.Files) == 0 {
			t.Fatalf("last progress %+v", last)
		}
		got, err := jobs.Get(ctx, queued.ID)
		if err != nil || got.Status != export.JobDone || got.Snapshot != last.Snapshot {
			t.Fatalf("get: %+v, %v", got, err)
		}
	})

	t.Run("keeps the zip in the blob store for every replica", func(t *testing.T) {
		other := export.NewJobs(export.JobsConfig{Snapshots: snaps, Blobs: blobs, Now: now})
		all, err := other.List(ctx)
		if err != nil || len(all) != 1 {
			t.Fatalf("another replica lists %d jobs (%v)", len(all), err)
		}
		if j := all[0]; j.ID != queued.ID || j.Status != export.JobDone || j.Year != 2025 || j.Snapshot != last.Snapshot ||
			j.Position != last.Position || j.RequestedBy != "aud-1" || !j.CreatedAt.Equal(s.now) {
			t.Errorf("another replica lists %+v", j)
		}
		data, err := other.Archive(ctx, queued.ID)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		var man kemendagri.Manifest
		for _, f := range zr.File {
			if f.Name == kemendagri.ManifestName {
				rc, _ := f.Open()
				raw, _ := io.ReadAll(rc)
				if err := json.Unmarshal(raw, &man); err != nil {
					t.Fatal(err)
				}
			}
		}
		if man.SnapshotHash != last.Snapshot || man.Year != 2025 {
			t.Errorf("the zip's manifest: %+v", man)
		}
		if _, err := other.Archive(ctx, "nope"); !domain.IsCode(err, domain.CodeNotFound) {
			t.Errorf("archive of an unknown export: %v", err)
		}
		if _, err := other.Get(ctx, "nope"); !domain.IsCode(err, domain.CodeNotFound) {
			t.Errorf("get of an unknown export: %v", err)
		}
	})
}
