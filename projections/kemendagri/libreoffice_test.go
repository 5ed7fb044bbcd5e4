//go:build unix

package kemendagri_test

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jejak-id/jejak/projections/kemendagri"
)

// libreOfficeCSV is the filter that converts every sheet of a workbook to
// its own CSV file (LibreOffice >= 7.2): comma, '"', UTF-8 (76), from line
// 1, en-US (1033), values as stored rather than as shown, all sheets (-1).
const libreOfficeCSV = `csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1`

// numericColumn reports whether a column is compared as numbers; all others
// are compared as text.
func numericColumn(header string) bool {
	switch header {
	case "Skor SPD", "Skor SID", "Skor Total", "IID", "Skor Kematangan", "Peringkat Nasional", "Peringkat Klaster",
		"Inisiatif", "Uji Coba", "Penerapan", "Replikasi", "Jumlah Peserta":
		return true
	}
	return false
}

// TestLibreOffice opens export.xlsx in LibreOffice Calc, has it save every
// sheet as CSV, and compares the values with Jejak's own CSV files. It needs
// soffice (Debian package libreoffice-calc); without it the test skips,
// unless CI is set, where it fails.
func TestLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		msg := "soffice not found; install LibreOffice Calc (apt-get install -y --no-install-recommends libreoffice-calc) to run the interoperability test"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		skips.Skip(t, msg)
	}
	dir, out, home := t.TempDir(), t.TempDir(), t.TempDir()
	if _, err := kemendagri.Write(dir, sampleTables(), sampleMeta()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice,
		"-env:UserInstallation=file://"+filepath.Join(home, "profile"),
		"--headless", "--norestore", "--nolockcheck",
		"--convert-to", libreOfficeCSV, "--outdir", out, filepath.Join(dir, "export.xlsx"))
	cmd.Env = append(os.Environ(), "HOME="+home)
	// soffice is a script that starts soffice.bin: kill the whole group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	output, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v (after %v)\n%s", err, time.Since(start), output)
	}
	t.Logf("LibreOffice converted the workbook in %v", time.Since(start).Round(time.Millisecond))

	for _, c := range []struct{ sheet, file string }{{"Daerah", "daerah.csv"}, {"Inovasi", "inovasi.csv"}, {"Bimtek", "bimtek.csv"}} {
		sheet, file := c.sheet, c.file
		t.Run("sheet "+sheet+" has the values of "+file, func(t *testing.T) {
			want := readCSVFile(t, filepath.Join(dir, file))
			got := readCSVFile(t, filepath.Join(out, "export-"+sheet+".csv"))
			compareValues(t, want, got)
		})
	}

	t.Run("stores scores as numbers, not text", func(t *testing.T) {
		got := readCSVFile(t, filepath.Join(out, "export-Daerah.csv"))
		// Stored values print without trailing zeros; a text cell would keep "30.000".
		if got[1][0] != "18" || got[1][6] != "30" {
			t.Fatalf("Skor SID of 18 reads %q", got[1][6])
		}
	})

	t.Run("sheet Keterangan carries the snapshot", func(t *testing.T) {
		got := readCSVFile(t, filepath.Join(out, "export-Keterangan.csv"))
		found := false
		for _, row := range got {
			found = found || (len(row) == 2 && row[1] == sampleMeta().SnapshotHash)
		}
		if !found {
			t.Fatalf("no snapshot hash in %q", got)
		}
	})
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return records
}

// compareValues compares numeric columns as numbers to two decimals and all
// other cells as exact text.
func compareValues(t *testing.T, want, got [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	header := want[0]
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("row %d has %d cells, want %d: %q", i+1, len(got[i]), len(want[i]), got[i])
		}
		for j := range want[i] {
			w, g := want[i][j], got[i][j]
			if i > 0 && numericColumn(header[j]) && w != "" {
				wn, err1 := strconv.ParseFloat(w, 64)
				gn, err2 := strconv.ParseFloat(g, 64)
				if err1 != nil || err2 != nil || math.Round(wn*100) != math.Round(gn*100) {
					t.Errorf("row %d column %q: LibreOffice reads %q, Jejak wrote %q", i+1, header[j], g, w)
				}
				continue
			}
			// The CSV neutralises formula-like text with a leading
			// apostrophe; the workbook keeps the text (a text cell).
			if len(w) > 1 && w[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(w[1])) {
				w = w[1:]
			}
			if g != w {
				t.Errorf("row %d column %q: LibreOffice reads %q, Jejak wrote %q", i+1, header[j], g, w)
			}
		}
	}
}
