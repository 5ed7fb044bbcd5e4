// Package export builds the Kemendagri export of a year from a snapshot of
// the index (so the same snapshot always gives the same bytes) and verifies
// a published export against a replay of the event store.
package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/projections/kemendagri"
	"github.com/jejak-id/jejak/projections/snapshot"
)

// Bundle is a Kemendagri export in memory, with the snapshot it was built
// from.
type Bundle struct {
	Files    []kemendagri.File
	Manifest kemendagri.Manifest
	Snapshot snapshot.Info
}

// Build builds the export of year from a snapshot of the index at asOf
// (taking the snapshot when there is none yet). The same snapshot always
// gives the same bytes. progress, if set, is told how far the build is: the
// snapshot, the tables, then each file.
func Build(ctx context.Context, snaps *snapshot.Store, year int, asOf projections.AsOf, jejakVersion string, progress func(done, total int)) (Bundle, error) {
	return build(ctx, snaps, year, asOf, jejakVersion, progress, false)
}

// BuildWithEvidence is Build with the manifest also listing the evidence
// files the year's answers cite (EvidenceFileName of each); the caller
// writes their bytes into the export's evidence directory.
func BuildWithEvidence(ctx context.Context, snaps *snapshot.Store, year int, asOf projections.AsOf, jejakVersion string, progress func(done, total int)) (Bundle, error) {
	return build(ctx, snaps, year, asOf, jejakVersion, progress, true)
}

// EvidenceFileName is where an export keeps the evidence file with hash
// sha256 and media type mediaType: evidence/<sha256>.<pdf|jpg|png>.
func EvidenceFileName(sha256, mediaType string) string {
	ext := map[string]string{domain.MediaPDF: ".pdf", domain.MediaJPEG: ".jpg", domain.MediaPNG: ".png"}[mediaType]
	return kemendagri.EvidenceDir + "/" + sha256 + ext
}

func build(ctx context.Context, snaps *snapshot.Store, year int, asOf projections.AsOf, jejakVersion string, progress func(done, total int), withEvidence bool) (Bundle, error) {
	// Periods are never removed: a year unknown now was unknown before, and
	// needs no snapshot to say so.
	if !slices.ContainsFunc(snaps.Views().Index.Years(), func(p index.PeriodInfo) bool { return p.Year == year }) {
		return Bundle{}, domain.Errorf(domain.CodeNotFound, "no assessment period for %d", year)
	}
	total := steps()
	if progress == nil {
		progress = func(int, int) {}
	}
	progress(0, total)
	info, ix, err := snaps.CreateIndex(ctx, asOf)
	if err != nil {
		return Bundle{}, err
	}
	if ix == nil { // an existing snapshot: build from it
		if ix, err = snaps.Load(ctx, info); err != nil {
			return Bundle{}, err
		}
	}
	progress(1, total)
	files, man, err := buildExport(ix, year, info.SHA256, info.Position, info.Time, jejakVersion, asOf.String(), info.LogHead,
		withEvidence, func(done, _ int) { progress(1+done, total) })
	return Bundle{Files: files, Manifest: man, Snapshot: info}, err
}

// steps counts the progress steps of an export: the snapshot, then
// buildExport's.
func steps() int { return 1 + 1 + len(kemendagri.FileNames()) }

// buildExport builds the tables of year from ix (progress step 1), then the
// files (one step each).
func buildExport(ix *index.Index, year int, hash string, position uint64, at time.Time, jejakVersion, asOf string,
	head *kemendagri.LogHead, withEvidence bool, progress func(done, total int)) ([]kemendagri.File, kemendagri.Manifest, error) {
	tables, catalogue, err := ix.Tables(year)
	if err != nil {
		return nil, kemendagri.Manifest{}, err
	}
	total := 1 + len(kemendagri.FileNames())
	if progress == nil {
		progress = func(int, int) {}
	}
	progress(1, total)
	meta := kemendagri.Meta{Year: year, SnapshotHash: hash, Position: position, SnapshotTime: at,
		CatalogueVersion: catalogue, JejakVersion: jejakVersion, AsOf: asOf, LogHead: head}
	if withEvidence {
		for _, f := range ix.YearEvidence(year) {
			meta.Evidence = append(meta.Evidence, kemendagri.FileInfo{Name: EvidenceFileName(f.SHA256, f.MediaType), Size: f.Size, SHA256: f.SHA256})
		}
	}
	return kemendagri.Build(tables, meta, kemendagri.WithProgress(func(done, _ int) { progress(1+done, total) }))
}

// VerifyResult is what Verify found.
type VerifyResult struct {
	Manifest     kemendagri.Manifest
	SnapshotHash string // of the index replayed to the manifest's position
	Difference   kemendagri.Difference
}

// Match reports whether the export is exactly what the events give.
func (v VerifyResult) Match() bool {
	return v.Difference.Match() && v.SnapshotHash == v.Manifest.SnapshotHash
}

// Verify replays the event store to the position in dir's manifest,
// rebuilds the export and compares it with the files in dir, reporting the
// first difference. progress, if set, is told how far the replay is.
func Verify(ctx context.Context, store domain.EventStore, dir string, progress func(done, total int)) (VerifyResult, error) {
	var res VerifyResult
	raw, err := os.ReadFile(filepath.Join(dir, kemendagri.ManifestName))
	if err != nil {
		return res, fmt.Errorf("read the manifest: %w", err)
	}
	if err := json.Unmarshal(raw, &res.Manifest); err != nil {
		return res, fmt.Errorf("%s is not a Jejak manifest: %w", kemendagri.ManifestName, err)
	}
	m := res.Manifest
	head, err := store.Head(ctx)
	if err != nil {
		return res, err
	}
	if m.Position == 0 || m.Position > head {
		return res, fmt.Errorf("the manifest names position %d, the store holds 1..%d", m.Position, head)
	}
	ix, timeline := index.New(), &projections.Timeline{}
	counter := progressProjection{total: int(m.Position), progress: progress}
	if err := projections.Replay(ctx, store, m.Position, ix, timeline, &counter); err != nil {
		return res, err
	}
	data, err := ix.Snapshot()
	if err != nil {
		return res, err
	}
	sum := sha256.Sum256(data)
	res.SnapshotHash = hex.EncodeToString(sum[:])
	// The head is what the manifest says; an auditor checks it with jejak
	// verify-proof (its signature, and that the log still extends it).
	files, _, err := buildExport(ix, m.Year, res.SnapshotHash, m.Position, timeline.TimeAt(m.Position), m.JejakVersion, m.AsOf, m.LogHead,
		m.Evidence != nil, nil)
	if err != nil {
		return res, err
	}
	res.Difference, err = kemendagri.Compare(dir, files)
	if err != nil || !res.Difference.Match() {
		return res, err
	}
	res.Difference, err = compareEvidence(dir, m.Evidence)
	return res, err
}

// compareEvidence re-hashes the evidence files the manifest lists.
func compareEvidence(dir string, listed []kemendagri.FileInfo) (kemendagri.Difference, error) {
	for _, f := range listed {
		if path.Dir(f.Name) != kemendagri.EvidenceDir || !domain.ValidSHA256(f.SHA256) {
			return kemendagri.Difference{Kind: kemendagri.ManifestMismatch, File: f.Name, Offset: -1}, nil
		}
		file, err := os.Open(filepath.Join(dir, filepath.FromSlash(f.Name)))
		if errors.Is(err, fs.ErrNotExist) {
			return kemendagri.Difference{Kind: kemendagri.Missing, File: f.Name, Offset: -1}, nil
		}
		if err != nil {
			return kemendagri.Difference{}, err
		}
		h := sha256.New()
		n, err := io.Copy(h, file)
		file.Close()
		if err != nil {
			return kemendagri.Difference{}, err
		}
		if n != f.Size || hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
			return kemendagri.Difference{Kind: kemendagri.Content, File: f.Name, Offset: -1}, nil
		}
	}
	return kemendagri.Difference{Kind: kemendagri.Same, Offset: -1}, nil
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
