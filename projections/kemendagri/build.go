package kemendagri

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// File is one file of an export, in memory.
type File struct {
	Name string // base name, such as "daerah.csv"
	Data []byte
}

// Manifest describes an export: the snapshot it was built from and the size
// and SHA-256 of every other file. It is written as manifest.json.
type Manifest struct {
	Format           string     `json:"format"` // the constant Format
	Year             int        `json:"year"`
	AsOf             string     `json:"asOf"`
	SnapshotTime     string     `json:"snapshotTime"` // UTC, RFC 3339; "" if unknown
	Position         uint64     `json:"position"`
	SnapshotHash     string     `json:"snapshotHash"`
	CatalogueVersion string     `json:"catalogueVersion"`
	JejakVersion     string     `json:"jejakVersion"`
	Files            []FileInfo `json:"files"` // in the order of FileNames, without manifest.json
	// LogHead: the signed head of the Merkle log at the snapshot (absent
	// when the log was not running).
	LogHead *LogHead `json:"logHead,omitempty"`
	// Evidence: the evidence files (bukti dukung) the year's answers cite,
	// in the directory EvidenceDir, named by their SHA-256; absent in an
	// export without evidence.
	Evidence []FileInfo `json:"evidence,omitempty"`
}

// EvidenceDir is the directory of an export's evidence files.
const EvidenceDir = "evidence"

// FileInfo is one file in the manifest.
type FileInfo struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // lower-case hex
}

// ManifestName is the name of the manifest file.
const ManifestName = "manifest.json"

// FileNames returns the names of the files of an export in the order Build
// returns them; the manifest is last.
func FileNames() []string {
	return []string{"export.xlsx", "daerah.csv", "inovasi.csv", "bimtek.csv", "export.json", ManifestName}
}

// An Option changes how Build and Write work.
type Option func(*options)

type options struct {
	progress func(done, total int)
}

// WithProgress makes Build and Write call progress after each step, with
// done counting up to total; the last call has done == total. total stays
// the same across the calls of one Build or Write. progress is called on the
// caller's goroutine and should return quickly.
func WithProgress(progress func(done, total int)) Option {
	return func(o *options) { o.progress = progress }
}

func newOptions(opts []Option) options {
	o := options{progress: func(int, int) {}}
	for _, opt := range opts {
		opt(&o)
	}
	if o.progress == nil {
		o.progress = func(int, int) {}
	}
	return o
}

// buildSteps is the number of progress steps of Build: one per file.
func buildSteps() int { return len(FileNames()) }

// Build renders an export in memory. It returns the files in the order of
// FileNames, manifest.json last, and the manifest. The same t and m always
// give identical bytes; t is not modified.
//
// Build fails if t.Year differs from m.Year, if region codes, innovation IDs
// or Bimtek IDs are empty or not unique, or if a date is not YYYY-MM-DD; the
// error lists every problem. It is safe for concurrent use.
func Build(t Tables, m Meta, opts ...Option) ([]File, Manifest, error) {
	o := newOptions(opts)
	return build(t, m, o.progress, buildSteps())
}

func build(t Tables, m Meta, progress func(done, total int), total int) ([]File, Manifest, error) {
	t, err := normalize(t, m)
	if err != nil {
		return nil, Manifest{}, err
	}
	gs := grids(t)
	names := FileNames()
	files := make([]File, 0, len(names))
	add := func(data []byte, err error) error {
		if err != nil {
			return fmt.Errorf("export: %s: %w", names[len(files)], err)
		}
		files = append(files, File{Name: names[len(files)], Data: data})
		progress(len(files), total)
		return nil
	}
	if err := add(writeXLSX(gs, metaGrid(t, m), m)); err != nil {
		return nil, Manifest{}, err
	}
	for _, g := range gs {
		if err := add(writeCSV(g)); err != nil {
			return nil, Manifest{}, err
		}
	}
	if err := add(writeJSON(t, m)); err != nil {
		return nil, Manifest{}, err
	}
	man := newManifest(m, files)
	if err := add(marshal(man)); err != nil {
		return nil, Manifest{}, err
	}
	return files, man, nil
}

func newManifest(m Meta, files []File) Manifest {
	j := toMetaJSON(m)
	man := Manifest{
		Format: j.Format, Year: j.Year, AsOf: j.AsOf, SnapshotTime: j.SnapshotTime, Position: j.Position,
		SnapshotHash: j.SnapshotHash, CatalogueVersion: j.CatalogueVersion, JejakVersion: j.JejakVersion,
		Files: make([]FileInfo, 0, len(files)), LogHead: m.LogHead, Evidence: m.Evidence,
	}
	for _, f := range files {
		man.Files = append(man.Files, FileInfo{Name: f.Name, Size: int64(len(f.Data)), SHA256: sha256Hex(f.Data)})
	}
	return man
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
