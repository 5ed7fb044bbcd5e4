package kemendagri

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DifferenceKind says how an export on disk differs from the expected one.
type DifferenceKind int

const (
	Same             DifferenceKind = iota // no difference
	Missing                                // an expected file is not in the directory
	Extra                                  // the directory has a file that is not expected
	Content                                // a data file's bytes differ
	ManifestMismatch                       // manifest.json differs: a hash, size or snapshot field
)

// Difference is the first difference Compare found, or Kind == Same.
type Difference struct {
	Kind DifferenceKind
	File string // the file concerned
	// For CSV files: the 1-based row (the header is row 1) and the column
	// header of the first differing cell; Key is the row's first cell
	// (Kode or ID) to find it by. Row is 0 for other files.
	Row    int
	Column string
	Key    string
	// Offset is the first differing byte of the file (or, for XLSX, of
	// Entry, the zip entry that differs); -1 when not applicable.
	Offset int64
	Entry  string
	// Want and Got are the expected and found values: cell texts for CSV,
	// field values for the manifest, a few bytes around Offset otherwise.
	Want, Got string
	// Detail is a human-readable note, such as which manifest field differs.
	Detail string
}

// Match reports whether no difference was found.
func (d Difference) Match() bool { return d.Kind == Same }

// String describes d in one line for people ("daerah.csv row 3 (18.04),
// column "Skor Total": want "68.375", got "68.376"").
func (d Difference) String() string {
	switch d.Kind {
	case Same:
		return "the export matches"
	case Missing:
		return fmt.Sprintf("%s is missing", d.File)
	case Extra:
		return fmt.Sprintf("%s is not part of the export", d.File)
	}
	var b strings.Builder
	b.WriteString(d.File)
	if d.Row > 0 {
		fmt.Fprintf(&b, " row %d", d.Row)
		if d.Key != "" {
			fmt.Fprintf(&b, " (%s)", d.Key)
		}
	}
	if d.Column != "" {
		fmt.Fprintf(&b, ", column %q", d.Column)
	}
	if d.Entry != "" {
		fmt.Fprintf(&b, ", entry %s", d.Entry)
	}
	if d.Offset >= 0 && d.Row == 0 {
		fmt.Fprintf(&b, " at byte %d", d.Offset)
	}
	if d.Detail != "" {
		fmt.Fprintf(&b, ": %s", d.Detail)
	}
	if d.Want != "" || d.Got != "" {
		fmt.Fprintf(&b, ": want %q, got %q", d.Want, d.Got)
	}
	return b.String()
}

// Compare checks the export in dir against want (as returned by Build) and
// returns the first difference: first missing files (in the order of want),
// then extra files (by name; names starting with '.', such as Write's
// temporary files, are ignored), then the contents file by file: CSV files
// first, as their differences read best, then the others in the order of
// want, manifest.json last. CSV files are compared record by record and the first differing
// cell is named; manifest.json is compared field by field; other files by
// their first differing byte (for a zip, inside the first differing entry).
//
// The error is non-nil only when dir cannot be read; a difference is not an
// error. Compare does not modify dir.
func Compare(dir string, want []File) (Difference, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Difference{}, fmt.Errorf("export: %w", err)
	}
	present := map[string]bool{}
	for _, e := range entries {
		// the evidence files are listed in the manifest and checked apart
		if !strings.HasPrefix(e.Name(), ".") && !(e.IsDir() && e.Name() == EvidenceDir) {
			present[e.Name()] = true
		}
	}
	for _, f := range want {
		if !present[f.Name] {
			return Difference{Kind: Missing, File: f.Name, Offset: -1}, nil
		}
		delete(present, f.Name)
	}
	if len(present) > 0 {
		extra := make([]string, 0, len(present))
		for name := range present {
			extra = append(extra, name)
		}
		slices.Sort(extra)
		return Difference{Kind: Extra, File: extra[0], Offset: -1}, nil
	}
	for _, f := range comparisonOrder(want) {
		got, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return Difference{Kind: Missing, File: f.Name, Offset: -1}, nil
			}
			return Difference{}, fmt.Errorf("export: %w", err)
		}
		if d := CompareFile(f, got); !d.Match() {
			return d, nil
		}
	}
	return Difference{Kind: Same, Offset: -1}, nil
}

// comparisonOrder returns want with CSV files first and the manifest last,
// otherwise in the given order.
func comparisonOrder(want []File) []File {
	rank := func(f File) int {
		switch {
		case strings.HasSuffix(f.Name, ".csv"):
			return 0
		case f.Name == ManifestName:
			return 2
		}
		return 1
	}
	out := slices.Clone(want)
	slices.SortStableFunc(out, func(a, b File) int { return rank(a) - rank(b) })
	return out
}

// CompareFile compares one file's expected bytes with got, as Compare does.
func CompareFile(want File, got []byte) Difference {
	if bytes.Equal(want.Data, got) {
		return Difference{Kind: Same, Offset: -1}
	}
	switch {
	case want.Name == ManifestName:
		if d, ok := compareManifest(want.Data, got); ok {
			return d
		}
	case strings.HasSuffix(want.Name, ".csv"):
		if d, ok := compareCSV(want.Name, want.Data, got); ok {
			return d
		}
	case strings.HasSuffix(want.Name, ".xlsx"):
		if d, ok := compareZip(want.Name, want.Data, got); ok {
			return d
		}
	}
	return compareBytes(want.Name, want.Data, got)
}

// compareBytes names the first differing byte and shows a little context.
func compareBytes(name string, want, got []byte) Difference {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	d := Difference{Kind: Content, File: name, Offset: int64(i), Want: excerpt(want, i), Got: excerpt(got, i)}
	if i == len(want) || i == len(got) {
		d.Detail = fmt.Sprintf("want %d bytes, got %d", len(want), len(got))
	}
	return d
}

func excerpt(b []byte, at int) string {
	end := min(at+24, len(b))
	return string(b[at:end])
}

// compareZip finds the first zip entry whose name or content differs. It
// returns false when either side is not a readable zip.
func compareZip(name string, want, got []byte) (Difference, bool) {
	wz, err1 := zip.NewReader(bytes.NewReader(want), int64(len(want)))
	gz, err2 := zip.NewReader(bytes.NewReader(got), int64(len(got)))
	if err1 != nil || err2 != nil {
		return Difference{}, false
	}
	for i, wf := range wz.File {
		if i >= len(gz.File) {
			return Difference{Kind: Content, File: name, Offset: -1, Entry: wf.Name, Detail: "entry missing", Want: wf.Name}, true
		}
		gf := gz.File[i]
		if wf.Name != gf.Name {
			return Difference{Kind: Content, File: name, Offset: -1, Detail: fmt.Sprintf("entry %d differs", i+1), Want: wf.Name, Got: gf.Name}, true
		}
		wb, err1 := readEntry(wf)
		gb, err2 := readEntry(gf)
		if err1 != nil || err2 != nil {
			return Difference{}, false
		}
		if !bytes.Equal(wb, gb) {
			d := compareBytes(name, wb, gb)
			d.Entry = wf.Name
			return d, true
		}
	}
	if len(gz.File) > len(wz.File) {
		return Difference{Kind: Content, File: name, Offset: -1, Entry: gz.File[len(wz.File)].Name, Detail: "extra entry", Got: gz.File[len(wz.File)].Name}, true
	}
	return Difference{}, false // same entries, different container bytes
}

func readEntry(f *zip.File) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}
