//go:build unix

package importer_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/importer"
)

// TestImportLibreOffice imports an XLSX that LibreOffice Calc made from a
// CSV (soffice --convert-to xlsx): its sheet is named after the file and
// its ISO dates become date cells. It needs soffice (Debian package
// libreoffice-calc); without it the test skips, unless CI is set.
func TestImportLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		msg := "soffice not found; install LibreOffice Calc (apt-get install -y --no-install-recommends libreoffice-calc) to run the LibreOffice import test"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		skips.Skip(t, msg)
	}
	dir, out, home := t.TempDir(), t.TempDir(), t.TempDir()
	csv := "Kode Daerah,Nama Inovasi,Perangkat Daerah,Inisiator,Bentuk Inovasi,Digital,Urusan Pemerintahan,Permasalahan,Solusi,Manfaat,Tanggal Inisiatif,Tanggal Uji Coba,Tanggal Penerapan\n" +
		"18.04,Posyandu Digital,Dinas Kesehatan,Perangkat daerah,Pelayanan publik,Ya,Kesehatan,Data balita tercecer,Aplikasi posyandu,Data rapi,2024-01-10,2024-03-01,2024-06-01\n" +
		"18.04,\"Sekolah Lapang, Petani\",Dinas Pertanian,Masyarakat,Lainnya,Tidak,Pertanian,Panen rendah,Sekolah lapang,Panen naik,2024-02-15,,\n"
	src := filepath.Join(dir, "daftar-inovasi.csv")
	if err := os.WriteFile(src, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(home, "profile"),
		"--headless", "--norestore", "--nolockcheck", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", out, src)
	cmd.Env = append(os.Environ(), "HOME="+home)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	if output, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, output)
	}
	data, err := os.ReadFile(filepath.Join(out, "daftar-inovasi.xlsx"))
	if err != nil {
		t.Fatal(err)
	}

	// LibreOffice stored the dates as numbers with a date format.
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := f.GetCellValue("daftar-inovasi", "K2", excelize.Options{RawCellValue: true})
	shown, _ := f.GetCellValue("daftar-inovasi", "K2")
	f.Close()
	if raw != "45301" {
		t.Fatalf("LibreOffice wrote Tanggal Inisiatif as %q (shown %q), want the date serial 45301", raw, shown)
	}

	w := mustWorld(t)
	before := w.head()
	dry := w.mustRun(data, importer.Options{DryRun: true})
	if w.head() != before || len(dry.Problems) != 0 || dry.Counts[importer.StatusNew] != 2 {
		t.Fatalf("dry run: head %d -> %d, problems %+v, rows %s", before, w.head(), dry.Problems, statuses(dry))
	}
	rep := w.mustRun(data, importer.Options{})
	if !rep.Applied || rep.Commits != 4 {
		t.Fatalf("import: rows %s, %d commits, problems %+v", statuses(rep), rep.Commits, rep.Problems)
	}
	in, err := w.svc.Innovation(context.Background(), rep.Rows[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if in.Stage != domain.StageImplementation || !in.ProposedOn.Equal(day("2024-01-10")) || !in.ImplementationStartedOn.Equal(day("2024-06-01")) {
		t.Errorf("innovation from LibreOffice = %+v", in)
	}
	if second, _ := w.svc.Innovation(context.Background(), rep.Rows[1].ID); second.Details.Name != "Sekolah Lapang, Petani" || second.Details.Affair != domain.AffairPertanian {
		t.Errorf("second innovation = %+v", second)
	}
	if again := w.mustRun(data, importer.Options{}); again.Commits != 0 || again.Counts[importer.StatusUnchanged] != 2 {
		t.Errorf("re-run: %d commits, rows %s", again.Commits, statuses(again))
	}
}
