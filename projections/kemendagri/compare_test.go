package kemendagri_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jejak-id/jejak/projections/kemendagri"
)

func TestCompare(t *testing.T) {
	want, _ := MustBuild(t, sampleTables(), sampleMeta())
	written := func(t *testing.T) string {
		t.Helper()
		dir := t.TempDir()
		if _, err := kemendagri.Write(dir, sampleTables(), sampleMeta()); err != nil {
			t.Fatal(err)
		}
		return dir
	}

	t.Run("matches an unchanged export", func(t *testing.T) {
		mustMatch(t, written(t), want)
	})

	t.Run("names the file, row and column of a changed value", func(t *testing.T) {
		dir := written(t)
		edit(t, filepath.Join(dir, "daerah.csv"), "68.375", "68.376")
		d := mustDiffer(t, dir, want)
		if d.Kind != kemendagri.Content || d.File != "daerah.csv" || d.Row != 3 || d.Key != "18.04" ||
			d.Column != "Skor Total" || d.Want != "68.375" || d.Got != "68.376" {
			t.Fatalf("difference %+v", d)
		}
		if s := d.String(); !strings.Contains(s, `daerah.csv row 3 (18.04), column "Skor Total"`) || !strings.Contains(s, `want "68.375", got "68.376"`) {
			t.Errorf("description %q", s)
		}
	})

	t.Run("reports a value changed in a rebuild by its CSV cell", func(t *testing.T) {
		tables := sampleTables()
		tables.Bimtek[0].Attendance = 43
		changed, _ := MustBuild(t, tables, sampleMeta())
		d := mustDiffer(t, written(t), changed)
		if d.File != "bimtek.csv" || d.Column != "Jumlah Peserta" || d.Key != "k2" || d.Want != "43" || d.Got != "42" {
			t.Fatalf("difference %+v", d)
		}
	})

	t.Run("names the zip entry of a changed XLSX", func(t *testing.T) {
		dir := written(t)
		tables := sampleTables()
		tables.Bimtek[0].Attendance = 43
		changed, _ := MustBuild(t, tables, sampleMeta())
		os.WriteFile(filepath.Join(dir, "export.xlsx"), changed[0].Data, 0o644)
		d := mustDiffer(t, dir, want)
		if d.File != "export.xlsx" || d.Entry != "xl/worksheets/sheet3.xml" || d.Offset <= 0 {
			t.Fatalf("difference %+v", d)
		}
	})

	t.Run("reports a missing row", func(t *testing.T) {
		dir := written(t)
		data, _ := os.ReadFile(filepath.Join(dir, "bimtek.csv"))
		lines := strings.SplitAfter(string(data), "\r\n")
		os.WriteFile(filepath.Join(dir, "bimtek.csv"), []byte(strings.Join(lines[:len(lines)-2], "")), 0o644)
		d := mustDiffer(t, dir, want)
		if d.File != "bimtek.csv" || d.Row != 4 || !strings.Contains(d.Detail, "row missing") {
			t.Fatalf("difference %+v", d)
		}
	})

	t.Run("reports the first differing byte of a JSON file", func(t *testing.T) {
		dir := written(t)
		edit(t, filepath.Join(dir, "export.json"), `"Inovatif"`, `"inovatif"`)
		d := mustDiffer(t, dir, want)
		if d.File != "export.json" || d.Offset <= 0 || !strings.HasPrefix(d.Want, "I") || !strings.HasPrefix(d.Got, "i") {
			t.Fatalf("difference %+v", d)
		}
	})

	t.Run("reports missing and extra files", func(t *testing.T) {
		dir := written(t)
		os.Remove(filepath.Join(dir, "inovasi.csv"))
		if d := mustDiffer(t, dir, want); d.Kind != kemendagri.Missing || d.File != "inovasi.csv" {
			t.Fatalf("difference %+v", d)
		}
		dir = written(t)
		os.WriteFile(filepath.Join(dir, "catatan.txt"), nil, 0o644)
		os.WriteFile(filepath.Join(dir, ".daerah.csv.123.tmp"), nil, 0o644)
		if d := mustDiffer(t, dir, want); d.Kind != kemendagri.Extra || d.File != "catatan.txt" {
			t.Fatalf("difference %+v", d)
		}
	})

	t.Run("names the manifest field that differs", func(t *testing.T) {
		meta := sampleMeta()
		meta.Position++
		other, _ := MustBuild(t, sampleTables(), meta)
		dir := t.TempDir()
		for _, f := range other {
			os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644)
		}
		// Keep the data files as expected, so only the manifest differs.
		for _, f := range want[1:4] {
			os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644)
		}
		os.WriteFile(filepath.Join(dir, "export.xlsx"), want[0].Data, 0o644)
		os.WriteFile(filepath.Join(dir, "export.json"), want[4].Data, 0o644)
		d := mustDiffer(t, dir, want)
		if d.Kind != kemendagri.ManifestMismatch || d.Detail != "position differs" || d.Want != "48213" || d.Got != "48214" {
			t.Fatalf("difference %+v", d)
		}
	})
}

func TestCheckManifest(t *testing.T) {
	t.Run("finds a file changed after the manifest was written", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := kemendagri.Write(dir, sampleTables(), sampleMeta()); err != nil {
			t.Fatal(err)
		}
		edit(t, filepath.Join(dir, "inovasi.csv"), "menunggu", "diterima")
		d, err := kemendagri.CheckManifest(dir)
		if err != nil {
			t.Fatal(err)
		}
		if d.Kind != kemendagri.ManifestMismatch || d.File != "inovasi.csv" || !strings.Contains(d.Detail, "SHA-256") {
			t.Fatalf("difference %+v", d)
		}
	})
}

func mustDiffer(t *testing.T, dir string, want []kemendagri.File) kemendagri.Difference {
	t.Helper()
	d, err := kemendagri.Compare(dir, want)
	if err != nil {
		t.Fatal(err)
	}
	if d.Match() {
		t.Fatal("Compare found no difference")
	}
	t.Logf("difference: %v", d)
	return d
}

// edit replaces the first old with new in a file.
func edit(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
