package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportCommand: the template, a dry run that reports a row's problem
// and appends nothing, an import of the valid rows, and a re-run that
// appends nothing.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	tmpl := filepath.Join(dir, "templat.xlsx")
	if out := mustJejak(t, "import", "--template", tmpl); !strings.Contains(out, "templat impor ditulis") {
		t.Errorf("template: %q", out)
	}
	if out := mustJejak(t, "import", tmpl, "--data", data); !strings.Contains(out, "0 baris") {
		t.Errorf("the empty template imports nothing: %q", out)
	}
	file := filepath.Join(dir, "inovasi.csv")
	csv := "Kode Daerah;Nama Inovasi;Perangkat Daerah;Inisiator;Bentuk Inovasi;Digital;Urusan Pemerintahan;Permasalahan;Solusi;Manfaat;Tanggal Inisiatif;Tanggal Uji Coba\n" +
		"18.04;Satu;Dinas Kesehatan;Perangkat daerah;Pelayanan publik;Ya;Kesehatan;a;b;c;2024-01-10;2024-02-01\n" +
		"18.04;Dua;Dinas Kesehatan;Bupati;Lainnya;Tidak;Kesehatan;a;b;c;2024-01-10;\n"
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := jejak(t, "import", file, "--dry-run", "--data", data)
	if code != 1 || !strings.Contains(out, `Inovasi  3      Inisiator  "Bupati" bukan pilihan`) || !strings.Contains(out, "Tidak ada yang ditambahkan") {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	code, out, _ = jejak(t, "import", file, "--data", data)
	if code != 1 || !strings.Contains(out, "1 bermasalah") || !strings.Contains(out, "Tidak ada yang ditambahkan") {
		t.Fatalf("import with an invalid row: exit %d\n%s", code, out)
	}
	if out := mustJejak(t, "import", "--valid-only", file, "--data", data); !strings.Contains(out, "Ditambahkan 2 commit") {
		t.Fatalf("valid only: %s", out)
	}
	if out := mustJejak(t, "import", "--valid-only", file, "--data", data); !strings.Contains(out, "1 sama") || !strings.Contains(out, "Ditambahkan 0 commit") {
		t.Fatalf("re-run: %s", out)
	}
}
