package kemendagri

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// compareCSV finds the first differing cell. It returns false when got is
// not valid CSV (the caller then reports the first differing byte).
func compareCSV(name string, want, got []byte) (Difference, bool) {
	wr, err1 := readCSV(want)
	gr, err2 := readCSV(got)
	if err1 != nil || err2 != nil {
		return Difference{}, false
	}
	var header []string
	if len(wr) > 0 {
		header = wr[0]
	}
	for i := 0; i < max(len(wr), len(gr)); i++ {
		d := Difference{Kind: Content, File: name, Row: i + 1, Offset: -1}
		switch {
		case i >= len(gr):
			d.Key, d.Want = first(wr[i]), strings.Join(wr[i], ",")
			d.Detail = fmt.Sprintf("row missing (want %d rows, got %d)", len(wr), len(gr))
			return d, true
		case i >= len(wr):
			d.Key, d.Got = first(gr[i]), strings.Join(gr[i], ",")
			d.Detail = fmt.Sprintf("extra row (want %d rows, got %d)", len(wr), len(gr))
			return d, true
		}
		d.Key = first(wr[i])
		for j := 0; j < max(len(wr[i]), len(gr[i])); j++ {
			w, g := cellAt(wr[i], j), cellAt(gr[i], j)
			if w == g && j < len(wr[i]) && j < len(gr[i]) {
				continue
			}
			d.Column = "column " + strconv.Itoa(j+1)
			if j < len(header) {
				d.Column = header[j]
			}
			d.Want, d.Got = w, g
			if len(wr[i]) != len(gr[i]) {
				d.Detail = fmt.Sprintf("want %d fields, got %d", len(wr[i]), len(gr[i]))
			}
			return d, true
		}
	}
	return Difference{}, false // same cells, different bytes (quoting, line ends)
}

func readCSV(b []byte) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	return r.ReadAll()
}

func cellAt(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

func first(row []string) string { return cellAt(row, 0) }

// compareManifest finds the first differing manifest field or file entry. It
// returns false when either side is not a manifest.
func compareManifest(want, got []byte) (Difference, bool) {
	var w, g Manifest
	if json.Unmarshal(want, &w) != nil || json.Unmarshal(got, &g) != nil {
		return Difference{}, false
	}
	d := Difference{Kind: ManifestMismatch, File: ManifestName, Offset: -1}
	fields := []struct{ name, want, got string }{
		{"format", w.Format, g.Format},
		{"year", strconv.Itoa(w.Year), strconv.Itoa(g.Year)},
		{"asOf", w.AsOf, g.AsOf},
		{"snapshotTime", w.SnapshotTime, g.SnapshotTime},
		{"position", strconv.FormatUint(w.Position, 10), strconv.FormatUint(g.Position, 10)},
		{"snapshotHash", w.SnapshotHash, g.SnapshotHash},
		{"catalogueVersion", w.CatalogueVersion, g.CatalogueVersion},
		{"jejakVersion", w.JejakVersion, g.JejakVersion},
	}
	for i := 0; i < max(len(w.Files), len(g.Files)); i++ {
		var wf, gf FileInfo
		if i < len(w.Files) {
			wf = w.Files[i]
		}
		if i < len(g.Files) {
			gf = g.Files[i]
		}
		n := wf.Name
		if n == "" {
			n = gf.Name
		}
		fields = append(fields,
			struct{ name, want, got string }{fmt.Sprintf("files[%d].name", i), wf.Name, gf.Name},
			struct{ name, want, got string }{fmt.Sprintf("sha256 of %s", n), wf.SHA256, gf.SHA256},
			struct{ name, want, got string }{fmt.Sprintf("size of %s", n), strconv.FormatInt(wf.Size, 10), strconv.FormatInt(gf.Size, 10)},
		)
	}
	for _, f := range fields {
		if f.want != f.got {
			d.Detail, d.Want, d.Got = f.name+" differs", f.want, f.got
			return d, true
		}
	}
	return Difference{}, false // same fields, different bytes (layout)
}
