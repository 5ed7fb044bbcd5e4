package kemendagri

import "time"

// snapshotTime renders the snapshot time in UTC with nanoseconds as needed,
// or "" when it is unknown.
func snapshotTime(m Meta) string {
	if m.SnapshotTime.IsZero() {
		return ""
	}
	return m.SnapshotTime.UTC().Format(time.RFC3339Nano)
}

// metaJSON is Meta as export.json and manifest.json write it.
type metaJSON struct {
	Format           string `json:"format"`
	Year             int    `json:"year"`
	AsOf             string `json:"asOf"`
	SnapshotTime     string `json:"snapshotTime"`
	Position         uint64 `json:"position"`
	SnapshotHash     string `json:"snapshotHash"`
	CatalogueVersion string `json:"catalogueVersion"`
	JejakVersion     string `json:"jejakVersion"`
}

// Format names the layout of the files; it changes when a column, sheet,
// file or JSON field is added, removed or renamed.
const Format = "jejak-kemendagri-export/1"

func toMetaJSON(m Meta) metaJSON {
	return metaJSON{
		Format: Format, Year: m.Year, AsOf: m.AsOf, SnapshotTime: snapshotTime(m), Position: m.Position,
		SnapshotHash: m.SnapshotHash, CatalogueVersion: m.CatalogueVersion, JejakVersion: m.JejakVersion,
	}
}
