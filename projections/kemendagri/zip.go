package kemendagri

import (
	"archive/zip"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
)

// dosDate1980 is 1980-01-01, the earliest MS-DOS date, in MS-DOS date format.
const dosDate1980 = 1<<5 | 1

// canonicalZip rewrites a zip archive so its bytes depend only on the names
// and compressed contents of its entries: entries in byte order of their
// names (first names first), stamped 1980-01-01 00:00 with no extra fields,
// comments or permissions. An XLSX library is free to change entry order or
// stamp entries with the wall clock; this undoes both. The compressed data
// is copied as it is (Go's deflate gives the same bytes for the same input),
// which spares inflating and deflating the national sheets again.
func canonicalZip(data []byte, first ...string) ([]byte, error) {
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("read zip: %w", err)
	}
	files := slices.Clone(r.File)
	rank := func(name string) int {
		if i := slices.Index(first, name); i >= 0 {
			return i
		}
		return len(first)
	}
	slices.SortFunc(files, func(a, b *zip.File) int {
		return cmp.Or(cmp.Compare(rank(a.Name), rank(b.Name)), cmp.Compare(a.Name, b.Name))
	})
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range files {
		if err := copyEntry(w, f); err != nil {
			return nil, fmt.Errorf("zip entry %s: %w", f.Name, err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func copyEntry(w *zip.Writer, f *zip.File) error {
	in, err := f.OpenRaw()
	if err != nil {
		return err
	}
	// Version 2.0 (deflate), as zip.Writer.CreateHeader writes; CreateRaw
	// leaves it to the caller.
	out, err := w.CreateRaw(&zip.FileHeader{Name: f.Name, Method: f.Method, ModifiedDate: dosDate1980,
		CreatorVersion: 20, ReaderVersion: 20,
		CRC32: f.CRC32, CompressedSize64: f.CompressedSize64, UncompressedSize64: f.UncompressedSize64})
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return err
}
