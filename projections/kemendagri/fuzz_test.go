package kemendagri_test

import (
	"bytes"
	"testing"

	"github.com/jejak-id/jejak/projections/kemendagri"
)

// FuzzCompareFile reads any bytes as a published file of an export (CSV,
// XLSX, JSON, manifest), as `jejak verify` does: it reports a difference or
// a match, never panics, and a file equal to the expected one matches.
func FuzzCompareFile(f *testing.F) {
	files, _ := MustBuild(f, sampleTables(), sampleMeta())
	for i, file := range files {
		f.Add(uint8(i), file.Data)
		f.Add(uint8(i), bytes.Replace(file.Data, []byte("Lampung"), []byte("Lampunk"), 1))
		f.Add(uint8(i), file.Data[:len(file.Data)/2])
	}
	f.Add(uint8(1), []byte("\"a\n"))
	f.Fuzz(func(t *testing.T, which uint8, got []byte) {
		want := files[int(which)%len(files)]
		d := kemendagri.CompareFile(want, got)
		if bytes.Equal(got, want.Data) != d.Match() {
			t.Fatalf("%s: equal bytes %v but %s", want.Name, bytes.Equal(got, want.Data), d)
		}
		if d.String() == "" {
			t.Fatal("a difference without a description")
		}
	})
}
