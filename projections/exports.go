package projections

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/export"
)

// Export is a Kemendagri export in memory, with the snapshot it was built
// from.
type Export struct {
	Files    []export.File
	Manifest export.Manifest
	Snapshot SnapshotInfo
}

// Export builds the export of year from a snapshot of the index at asOf
// (taking the snapshot when there is none yet). The same snapshot always
// gives the same bytes. progress, if set, is told how far the build is: the
// snapshot, the tables, then each file.
func (s *Snapshots) Export(ctx context.Context, year int, asOf AsOf, jejakVersion string, progress func(done, total int)) (Export, error) {
	// Periods are never removed: a year unknown now was unknown before, and
	// needs no snapshot to say so.
	if !slices.ContainsFunc(s.views.Index.Years(), func(p PeriodInfo) bool { return p.Year == year }) {
		return Export{}, domain.Errorf(domain.CodeNotFound, "no assessment period for %d", year)
	}
	total := exportSteps()
	if progress == nil {
		progress = func(int, int) {}
	}
	progress(0, total)
	info, ix, err := s.create(ctx, asOf)
	if err != nil {
		return Export{}, err
	}
	if ix == nil { // an existing snapshot: build from it
		if ix, err = s.Load(ctx, info); err != nil {
			return Export{}, err
		}
	}
	progress(1, total)
	files, man, err := buildExport(ix, year, info.SHA256, info.Position, info.Time, jejakVersion, asOf.String(),
		func(done, _ int) { progress(1+done, total) })
	return Export{Files: files, Manifest: man, Snapshot: info}, err
}

// exportSteps counts the progress steps of an export: the snapshot, then
// buildExport's.
func exportSteps() int { return 1 + 1 + len(export.FileNames()) }

// buildExport builds the tables of year from ix (progress step 1), then the
// files (one step each).
func buildExport(ix *Index, year int, hash string, position uint64, at time.Time, jejakVersion, asOf string, progress func(done, total int)) ([]export.File, export.Manifest, error) {
	tables, catalogue, err := ix.ExportTables(year)
	if err != nil {
		return nil, export.Manifest{}, err
	}
	total := 1 + len(export.FileNames())
	if progress == nil {
		progress = func(int, int) {}
	}
	progress(1, total)
	meta := export.Meta{Year: year, SnapshotHash: hash, Position: position, SnapshotTime: at,
		CatalogueVersion: catalogue, JejakVersion: jejakVersion, AsOf: asOf}
	return export.Build(tables, meta, export.WithProgress(func(done, _ int) { progress(1+done, total) }))
}

// VerifyResult is what VerifyExport found.
type VerifyResult struct {
	Manifest     export.Manifest
	SnapshotHash string // of the index replayed to the manifest's position
	Difference   export.Difference
}

// Match reports whether the export is exactly what the events give.
func (v VerifyResult) Match() bool {
	return v.Difference.Match() && v.SnapshotHash == v.Manifest.SnapshotHash
}

// VerifyExport replays the event store to the position in dir's manifest,
// rebuilds the export and compares it with the files in dir, reporting the
// first difference. progress, if set, is told how far the replay is.
func VerifyExport(ctx context.Context, store domain.EventStore, dir string, progress func(done, total int)) (VerifyResult, error) {
	var res VerifyResult
	raw, err := os.ReadFile(filepath.Join(dir, export.ManifestName))
	if err != nil {
		return res, fmt.Errorf("read the manifest: %w", err)
	}
	if err := json.Unmarshal(raw, &res.Manifest); err != nil {
		return res, fmt.Errorf("%s is not a Jejak manifest: %w", export.ManifestName, err)
	}
	m := res.Manifest
	head, err := store.Head(ctx)
	if err != nil {
		return res, err
	}
	if m.Position == 0 || m.Position > head {
		return res, fmt.Errorf("the manifest names position %d, the store holds 1..%d", m.Position, head)
	}
	ix, timeline := NewIndex(), &Timeline{}
	counter := progressProjection{total: int(m.Position), progress: progress}
	if err := Replay(ctx, store, m.Position, ix, timeline, &counter); err != nil {
		return res, err
	}
	data, err := ix.Snapshot()
	if err != nil {
		return res, err
	}
	sum := sha256.Sum256(data)
	res.SnapshotHash = hex.EncodeToString(sum[:])
	files, _, err := buildExport(ix, m.Year, res.SnapshotHash, m.Position, timeline.TimeAt(m.Position), m.JejakVersion, m.AsOf, nil)
	if err != nil {
		return res, err
	}
	res.Difference, err = export.Compare(dir, files)
	return res, err
}

// progressProjection reports replay progress by position.
type progressProjection struct {
	total    int
	progress func(done, total int)
}

func (p *progressProjection) Name() string { return "progress" }
func (p *progressProjection) Version() int { return 1 }
func (p *progressProjection) Apply(ev domain.RecordedEvent) error {
	if p.progress != nil {
		p.progress(int(ev.Position), p.total)
	}
	return nil
}
