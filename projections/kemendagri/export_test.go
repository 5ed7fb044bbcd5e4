package kemendagri_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/projections/kemendagri"
)

func TestBuild(t *testing.T) {
	t.Run("writes identical bytes twice", func(t *testing.T) {
		a, _ := MustBuild(t, sampleTables(), sampleMeta())
		b, _ := MustBuild(t, sampleTables(), sampleMeta())
		mustEqualFiles(t, a, b)
	})

	t.Run("writes identical bytes on a later wall-clock second", func(t *testing.T) {
		a, _ := MustBuild(t, sampleTables(), sampleMeta())
		// Zip entry times and document properties must not come from
		// the clock, so build again once the clock's second has changed.
		next := time.Now().Truncate(time.Second).Add(time.Second)
		<-time.After(time.Until(next))
		b, _ := MustBuild(t, sampleTables(), sampleMeta())
		mustEqualFiles(t, a, b)
	})

	t.Run("writes identical bytes whatever the input order and snapshot time zone", func(t *testing.T) {
		want, _ := MustBuild(t, sampleTables(), sampleMeta())
		tables := sampleTables()
		slices.Reverse(tables.Regions)
		slices.Reverse(tables.Innovations)
		slices.Reverse(tables.Bimtek)
		meta := sampleMeta()
		meta.SnapshotTime = meta.SnapshotTime.UTC()
		got, _ := MustBuild(t, tables, meta)
		mustEqualFiles(t, want, got)
	})

	t.Run("renders nil and empty slices and maps alike", func(t *testing.T) {
		nilTables := kemendagri.Tables{Year: 2025}
		emptyTables := kemendagri.Tables{Year: 2025, Regions: []kemendagri.RegionRow{}, Innovations: []kemendagri.InnovationRow{}, Bimtek: []kemendagri.BimtekRow{}}
		a, _ := MustBuild(t, nilTables, sampleMeta())
		b, _ := MustBuild(t, emptyTables, sampleMeta())
		mustEqualFiles(t, a, b)
	})

	t.Run("does not modify the input", func(t *testing.T) {
		tables := sampleTables()
		MustBuild(t, tables, sampleMeta())
		if tables.Regions[0].Code != "18.04" || tables.Innovations[0].ID != "b2" || tables.Bimtek[0].ID != "k2" {
			t.Fatal("Build reordered the caller's rows")
		}
	})

	t.Run("returns the files in the documented order", func(t *testing.T) {
		files, _ := MustBuild(t, sampleTables(), sampleMeta())
		var names []string
		for _, f := range files {
			names = append(names, f.Name)
		}
		if !slices.Equal(names, kemendagri.FileNames()) {
			t.Fatalf("files %v, want %v", names, kemendagri.FileNames())
		}
	})

	t.Run("lists every other file in the manifest with its size and SHA-256", func(t *testing.T) {
		files, man := MustBuild(t, sampleTables(), sampleMeta())
		if len(man.Files) != len(files)-1 {
			t.Fatalf("manifest lists %d files, want %d", len(man.Files), len(files)-1)
		}
		for i, info := range man.Files {
			sum := sha256.Sum256(files[i].Data)
			if info.Name != files[i].Name || info.Size != int64(len(files[i].Data)) || info.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("manifest entry %+v does not describe %s", info, files[i].Name)
			}
		}
		m := sampleMeta()
		if man.SnapshotHash != m.SnapshotHash || man.Position != m.Position || man.Year != 2025 ||
			man.CatalogueVersion != "2025.1" || man.JejakVersion != "v0.9.0" || man.AsOf != "2025-06-30" ||
			man.SnapshotTime != "2025-06-30T16:59:59Z" || man.Format != kemendagri.Format {
			t.Errorf("manifest metadata %+v does not match %+v", man, m)
		}
		manifestFile := files[len(files)-1]
		if !strings.Contains(string(manifestFile.Data), man.Files[1].SHA256) {
			t.Error("manifest.json does not carry the hashes of the manifest it returned")
		}
	})

	t.Run("reports progress up to the total", func(t *testing.T) {
		var calls [][2]int
		if _, _, err := kemendagri.Build(sampleTables(), sampleMeta(), kemendagri.WithProgress(func(done, total int) {
			calls = append(calls, [2]int{done, total})
		})); err != nil {
			t.Fatal(err)
		}
		if len(calls) == 0 || calls[len(calls)-1][0] != calls[0][1] {
			t.Fatalf("progress calls %v do not end at the total", calls)
		}
		for i, c := range calls {
			if c[0] != i+1 || c[1] != calls[0][1] {
				t.Fatalf("progress calls %v are not 1..total", calls)
			}
		}
	})

	t.Run("rejects duplicate keys, bad dates and a year mismatch, all at once", func(t *testing.T) {
		tables := sampleTables()
		tables.Regions = append(tables.Regions, tables.Regions[0])
		tables.Innovations[0].TrialOn = "01/04/2023"
		tables.Bimtek[0].Date = ""
		meta := sampleMeta()
		meta.Year = 2024
		_, _, err := kemendagri.Build(tables, meta)
		if err == nil {
			t.Fatal("Build accepted invalid tables")
		}
		for _, want := range []string{`region code "18.04"`, `"01/04/2023"`, `bimtek "k2"`, "2024"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %s", err, want)
			}
		}
	})
}

func TestXLSX(t *testing.T) {
	files, _ := MustBuild(t, sampleTables(), sampleMeta())
	data := fileNamed(t, files, "export.xlsx")
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("stamps zip entries with a fixed time in a fixed order", func(t *testing.T) {
		var names []string
		for _, f := range z.File {
			names = append(names, f.Name)
			if f.ModifiedDate != 1<<5|1 || f.ModifiedTime != 0 || len(f.Extra) != 0 {
				t.Errorf("entry %s has date %d time %d extra %x", f.Name, f.ModifiedDate, f.ModifiedTime, f.Extra)
			}
			if f.ReaderVersion != 20 || f.CreatorVersion&0xff != 20 {
				t.Errorf("entry %s needs zip version %d, made by %d; want 2.0", f.Name, f.ReaderVersion, f.CreatorVersion)
			}
		}
		if names[0] != "[Content_Types].xml" || !slices.IsSorted(names[1:]) {
			t.Errorf("entries in order %v", names)
		}
	})

	t.Run("dates the document at the snapshot time", func(t *testing.T) {
		core := entry(t, z, "docProps/core.xml")
		if strings.Count(core, "2025-06-30T16:59:59Z") != 2 {
			t.Errorf("core properties %s are not dated at the snapshot", core)
		}
	})

	t.Run("freezes the header row and filters each table", func(t *testing.T) {
		sheet := entry(t, z, "xl/worksheets/sheet1.xml")
		for _, want := range []string{`state="frozen"`, `<autoFilter ref="$A$1:$P$4"`, `<cols>`} {
			if !strings.Contains(sheet, want) {
				t.Errorf("sheet Daerah lacks %s", want)
			}
		}
		// column definitions in ascending order, as readers expect
		last := 0
		for _, m := range regexp.MustCompile(`<col [^>]*min="(\d+)"`).FindAllStringSubmatch(sheet, -1) {
			n, _ := strconv.Atoi(m[1])
			if n <= last {
				t.Fatalf("<cols> out of order: column %d after %d", n, last)
			}
			last = n
		}
		if last == 0 {
			t.Error("no <col> widths")
		}
	})
}

func TestWrite(t *testing.T) {
	t.Run("writes the files Build returns, identical in two directories", func(t *testing.T) {
		want, wantMan := MustBuild(t, sampleTables(), sampleMeta())
		for _, dir := range []string{t.TempDir(), filepath.Join(t.TempDir(), "nested", "export")} {
			man, err := kemendagri.Write(dir, sampleTables(), sampleMeta())
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(man.Files, wantMan.Files) {
				t.Errorf("Write returned manifest %+v, want %+v", man.Files, wantMan.Files)
			}
			mustMatch(t, dir, want)
			if d, err := kemendagri.CheckManifest(dir); err != nil || !d.Match() {
				t.Errorf("CheckManifest: %v, %v", d, err)
			}
		}
	})

	t.Run("overwrites an older export and leaves no temporary files", func(t *testing.T) {
		dir := t.TempDir()
		older := sampleTables()
		older.Regions = older.Regions[:1]
		if _, err := kemendagri.Write(dir, older, sampleMeta()); err != nil {
			t.Fatal(err)
		}
		if _, err := kemendagri.Write(dir, sampleTables(), sampleMeta()); err != nil {
			t.Fatal(err)
		}
		want, _ := MustBuild(t, sampleTables(), sampleMeta())
		mustMatch(t, dir, want)
		entries, _ := os.ReadDir(dir)
		if len(entries) != len(want) {
			t.Errorf("directory holds %d entries, want %d", len(entries), len(want))
		}
	})

	t.Run("reports progress over building and writing", func(t *testing.T) {
		var last, total int
		_, err := kemendagri.Write(t.TempDir(), sampleTables(), sampleMeta(), kemendagri.WithProgress(func(d, n int) { last, total = d, n }))
		if err != nil {
			t.Fatal(err)
		}
		if last != total || total != 2*len(kemendagri.FileNames()) {
			t.Errorf("last progress %d/%d", last, total)
		}
	})
}

func mustEqualFiles(t *testing.T, want, got []kemendagri.File) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d files, want %d", len(got), len(want))
	}
	for i := range want {
		if d := kemendagri.CompareFile(want[i], got[i].Data); !d.Match() || want[i].Name != got[i].Name {
			t.Errorf("%s differs: %v", want[i].Name, d)
		}
	}
}

func mustMatch(t *testing.T, dir string, want []kemendagri.File) {
	t.Helper()
	d, err := kemendagri.Compare(dir, want)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Match() {
		t.Fatalf("export in %s differs: %v", dir, d)
	}
}

func fileNamed(t *testing.T, files []kemendagri.File, name string) []byte {
	t.Helper()
	for _, f := range files {
		if f.Name == name {
			return f.Data
		}
	}
	t.Fatalf("no file %s", name)
	return nil
}

func entry(t *testing.T, z *zip.Reader, name string) string {
	t.Helper()
	f, err := z.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(f); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
