package importer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/importer"
	"github.com/jejak-id/jejak/internal/testsupport"
)

var skips testsupport.Skips

func TestMain(m *testing.M) { os.Exit(skips.Run(m)) }

// world is a store on embedded NATS with the 2025 period open in
// penjaringan, and an importer on it.
type world struct {
	t     testing.TB
	store domain.EventStore
	svc   *domain.Service
	im    *importer.Importer
}

func mustWorld(t testing.TB) *world {
	t.Helper()
	st := testsupport.MustStorage(t)
	clock := testsupport.NewClock(time.Date(2025, 6, 25, 9, 0, 0, 0, time.UTC))
	svc := domain.NewService(st.Store, clock.Now)
	w := &world{t: t, store: st.Store, svc: svc, im: &importer.Importer{Service: svc}}
	if _, err := svc.OpenPeriod(context.Background(), domain.OpenPeriodCommand{CommandMeta: domain.CommandMeta{CommandID: uuid.New(), Actor: testsupport.Admin},
		Year: 2025, CatalogueVersion: "iid-2025.1", Schedule: testsupport.Schedule2025()}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) head() uint64 {
	w.t.Helper()
	h, err := w.store.Head(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return h
}

func (w *world) run(data []byte, opts importer.Options) (*importer.Report, error) {
	if opts.Actor == (domain.Actor{}) {
		opts.Actor = testsupport.Admin
	}
	if opts.Year == 0 {
		opts.Year = 2025
	}
	return w.im.Run(context.Background(), data, opts)
}

// mustRun runs an import that must not fail as a whole.
func (w *world) mustRun(data []byte, opts importer.Options) *importer.Report {
	w.t.Helper()
	rep, err := w.run(data, opts)
	if err != nil {
		w.t.Fatalf("import: %v", err)
	}
	return rep
}

var innovationHeader = []any{"Kode Daerah", "Nama Inovasi", "Perangkat Daerah", "Inisiator", "Bentuk Inovasi", "Digital",
	"Urusan Pemerintahan", "Permasalahan", "Solusi", "Manfaat", "Tanggal Inisiatif", "Tanggal Uji Coba", "Tanggal Penerapan"}

var answerHeader = []any{"Kode Daerah", "Indikator", "Opsi", "Dokumen", "Tautan", "Catatan"}

func day(s string) time.Time { return testsupport.Day(s) }

// innovation is a valid row; dates are time.Time (date cells) or text.
func innovation(region, name string, proposed, trial, implemented any) []any {
	return []any{region, name, "Dinas Kesehatan", "Perangkat daerah", "Pelayanan publik", "Ya",
		"Kesehatan", "Antrean panjang", "Pendaftaran daring", "Antrean berkurang", proposed, trial, implemented}
}

// book writes an XLSX with excelize: sheet name -> rows (row 1 the
// header); edit may change the file before it is written.
func book(t testing.TB, sheets map[string][][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	first := true
	for name, rows := range sheets {
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			axis, _ := excelize.CoordinatesToCellName(1, i+1)
			vals := make([]any, 0, len(r))
			for _, v := range r {
				if v == nil {
					v = ""
				}
				vals = append(vals, v)
			}
			if err := f.SetSheetRow(name, axis, &vals); err != nil {
				t.Fatal(err)
			}
		}
	}
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func statuses(rep *importer.Report) string {
	var out []string
	for _, r := range rep.Rows {
		out = append(out, fmt.Sprintf("%d:%s", r.Row, r.Status))
	}
	return strings.Join(out, " ")
}

func TestImport(t *testing.T) {
	w := mustWorld(t)
	ctx := context.Background()
	file := book(t, map[string][][]any{
		"Inovasi": {
			innovationHeader,
			innovation("18.04", "Puskesmas Daring", day("2024-01-10"), day("2024-03-01"), day("2024-06-01")),
			innovation("18.04", "Samsat Keliling", "2024-02-01", "2024-04-01", nil),
			innovation("18.01", "Perpustakaan Desa", day("2024-05-05"), nil, nil),
		},
		"Jawaban SPD": {
			answerHeader,
			{"18.04", "1", 3, "Perbup 12/2024", "", ""},
			{"18.04", "8", "2", "", "https://jdih.example.go.id/perbup-8", "disahkan"},
		},
	}, nil)

	t.Run("a dry run lists what it would do and appends nothing", func(t *testing.T) {
		before := w.head()
		rep := w.mustRun(file, importer.Options{DryRun: true})
		if w.head() != before {
			t.Fatalf("a dry run appended: head %d -> %d", before, w.head())
		}
		if rep.Applied || len(rep.Problems) != 0 || rep.Counts[importer.StatusNew] != 5 {
			t.Fatalf("dry run: applied %v, problems %v, rows %s", rep.Applied, rep.Problems, statuses(rep))
		}
		if rep.Rows[0].Detail != "usulan, uji coba, penerapan" {
			t.Errorf("first row would append %q", rep.Rows[0].Detail)
		}
	})

	var first *importer.Report
	t.Run("appends every row as the API's commands", func(t *testing.T) {
		first = w.mustRun(file, importer.Options{})
		if !first.Applied || first.Counts[importer.StatusNew] != 5 || first.Commits != 3+2+1+2 {
			t.Fatalf("import: applied %v, rows %s, %d commits, problems %v", first.Applied, statuses(first), first.Commits, first.Problems)
		}
		in, err := w.svc.Innovation(ctx, first.Rows[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if in.Stage != domain.StageImplementation || !in.ImplementationStartedOn.Equal(day("2024-06-01")) || in.Region != "18.04" ||
			in.Details.Affair != domain.AffairKesehatan || in.Details.Initiator != domain.InitiatorOPD || !in.Details.Digital {
			t.Errorf("imported innovation = %+v", in)
		}
		second, _ := w.svc.Innovation(ctx, first.Rows[1].ID)
		if second.Stage != domain.StageTrial || !second.TrialStartedOn.Equal(day("2024-04-01")) {
			t.Errorf("text dates: %+v", second)
		}
		a, err := w.svc.Assessment(ctx, 2025, "18.04")
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Answers) != 2 || a.Answers[0].Claimed != 3 || a.Answers[1].Evidence.Link == "" || a.Answers[0].SubmittedBy != "admin" {
			t.Errorf("answers = %+v", a.Answers)
		}
	})

	t.Run("re-running the same file appends nothing", func(t *testing.T) {
		before := w.head()
		rep := w.mustRun(file, importer.Options{})
		if w.head() != before || rep.Commits != 0 || rep.Counts[importer.StatusUnchanged] != 5 {
			t.Fatalf("re-run: head %d -> %d, %d commits, rows %s", before, w.head(), rep.Commits, statuses(rep))
		}
	})

	t.Run("a changed row is reported, not duplicated; a later stage is added", func(t *testing.T) {
		changed := book(t, map[string][][]any{"Inovasi": {
			innovationHeader,
			innovation("18.04", "Puskesmas Daring", day("2024-01-10"), day("2024-03-01"), day("2024-07-01")),
			innovation("18.04", "Samsat Keliling", "2024-02-01", "2024-04-01", "2024-08-01"),
		}}, nil)
		before := w.head()
		rep := w.mustRun(changed, importer.Options{})
		if got := statuses(rep); got != "2:berubah 3:dilanjutkan" {
			t.Fatalf("rows %s, want 2:berubah 3:dilanjutkan", got)
		}
		if !strings.Contains(rep.Rows[0].Detail, "Tanggal Penerapan: tercatat 2024-06-01, di berkas 2024-07-01") || len(rep.Notes) != 1 {
			t.Errorf("changed row detail %q, notes %v", rep.Rows[0].Detail, rep.Notes)
		}
		if rep.Commits != 1 || w.head() != before+1 {
			t.Errorf("appended %d commits (head %d -> %d), want the one stage move", rep.Commits, before, w.head())
		}
	})

	t.Run("an operator imports only their region", func(t *testing.T) {
		other := book(t, map[string][][]any{"Inovasi": {innovationHeader, innovation("18.71", "Bandar Lampung Pintar", "2024-01-10", nil, nil)}}, nil)
		before := w.head()
		rep := w.mustRun(other, importer.Options{Actor: testsupport.Operator("18.04")})
		if rep.Applied || len(rep.Problems) != 1 || rep.Problems[0].Column != "Kode Daerah" || w.head() != before {
			t.Fatalf("out of scope: applied %v problems %v", rep.Applied, rep.Problems)
		}
	})
}

// TestImportKnownByName: an innovation entered by hand is recognised by
// its region and name (case and spacing aside): the row continues it or is
// reported as changed, never proposed a second time.
func TestImportKnownByName(t *testing.T) {
	w := mustWorld(t)
	ctx := context.Background()
	_, handID, err := w.svc.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: domain.CommandMeta{CommandID: uuid.New(), Actor: testsupport.Operator("18.04")},
		Region: "18.04", On: day("2024-01-10"), Details: domain.InnovationDetails{Name: "Puskesmas Daring", Unit: "Dinas Kesehatan",
			Initiator: domain.InitiatorOPD, Form: domain.FormPelayananPublik, Digital: true, Affair: domain.AffairKesehatan,
			Problem: "Antrean panjang", Solution: "Pendaftaran daring", Benefit: "Antrean berkurang"}})
	if err != nil {
		t.Fatal(err)
	}
	known := importer.KnownFrom(func(region string) []importer.Named {
		if region != "18.04" {
			return nil
		}
		return []importer.Named{{ID: handID, Name: "Puskesmas Daring"}}
	})
	file := book(t, map[string][][]any{"Inovasi": {innovationHeader,
		innovation("18.04", "puskesmas  DARING", day("2024-01-10"), day("2024-03-01"), nil)}}, nil)
	rep := w.mustRun(file, importer.Options{Known: known})
	if got := statuses(rep); got != "2:dilanjutkan" || rep.Rows[0].ID != handID || rep.Commits != 1 {
		t.Fatalf("rows %s, id %s (hand %s), %d commits; want the hand-entered innovation continued", got, rep.Rows[0].ID, handID, rep.Commits)
	}
	if in, _ := w.svc.Innovation(ctx, handID); in.Stage != domain.StageTrial {
		t.Errorf("the hand-entered innovation is in %s, want uji_coba", in.Stage)
	}
	if again := w.mustRun(file, importer.Options{Known: known}); again.Commits != 0 || statuses(again) != "2:sama" {
		t.Errorf("re-run: %s, %d commits", statuses(again), again.Commits)
	}
}

// TestImportValidOnly: one invalid row stops the whole file unless the
// valid rows were chosen.
func TestImportValidOnly(t *testing.T) {
	w := mustWorld(t)
	file := book(t, map[string][][]any{"Inovasi": {
		innovationHeader,
		innovation("18.04", "Valid Satu", "2024-01-10", nil, nil),
		innovation("99.99", "Daerah Salah", "2024-01-10", nil, nil),
		innovation("18.04", "Valid Dua", "2024-01-10", "2024-02-01", nil),
	}}, nil)
	before := w.head()
	rep := w.mustRun(file, importer.Options{})
	if rep.Applied || w.head() != before || rep.Refused == "" {
		t.Fatalf("with an invalid row: applied %v, head %d -> %d", rep.Applied, before, w.head())
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Row != 3 || rep.Problems[0].Column != "Kode Daerah" {
		t.Fatalf("problems = %+v", rep.Problems)
	}
	rep = w.mustRun(file, importer.Options{ValidOnly: true})
	if got := statuses(rep); !rep.Applied || got != "2:baru 3:bermasalah 4:baru" || rep.Commits != 3 {
		t.Fatalf("valid only: rows %s, %d commits", got, rep.Commits)
	}
}

func TestImportBadFiles(t *testing.T) {
	w := mustWorld(t)
	good := innovation("18.04", "Inovasi Baik", "2024-01-10", nil, nil)
	// fileErr: refused as a whole, with a message containing want.
	fileErr := func(t *testing.T, data []byte, opts importer.Options, want string) {
		t.Helper()
		before := w.head()
		_, err := w.run(data, opts)
		var fe *importer.FileError
		if !errors.As(err, &fe) || !strings.Contains(fe.Message, want) {
			t.Fatalf("err = %v, want a file error containing %q", err, want)
		}
		if w.head() != before {
			t.Fatal("a refused file appended events")
		}
	}
	// rowErr: the file is read, the row refused with a problem in column.
	rowErr := func(t *testing.T, data []byte, row int, column, want string) {
		t.Helper()
		before := w.head()
		rep, err := w.run(data, importer.Options{})
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		found := false
		for _, p := range rep.Problems {
			found = found || (p.Row == row && p.Column == column && strings.Contains(p.Message, want))
		}
		if !found || rep.Applied || w.head() != before {
			t.Fatalf("problems = %+v (applied %v); want row %d %s containing %q and nothing appended", rep.Problems, rep.Applied, row, column, want)
		}
	}

	t.Run("not a spreadsheet", func(t *testing.T) {
		fileErr(t, []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), importer.Options{}, "bukan spreadsheet")
		fileErr(t, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), importer.Options{}, "bukan spreadsheet")
		fileErr(t, []byte("PK\x03\x04 this is not really a zip"), importer.Options{}, "bukan spreadsheet XLSX")
		fileErr(t, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, importer.Options{}, "format Excel lama")
		fileErr(t, []byte("Halo, ini surat biasa.\nBukan tabel."), importer.Options{}, "bukan judul kolom")
		fileErr(t, nil, importer.Options{}, "kosong")
	})
	t.Run("wrong sheet", func(t *testing.T) {
		data := book(t, map[string][][]any{"Rekap": {{"Nama", "Nilai"}, {"a", 1}}}, nil)
		fileErr(t, data, importer.Options{}, `tidak ada lembar "Inovasi" atau "Jawaban SPD" (lembar yang ada: Rekap)`)
	})
	t.Run("a sheet missing a required column", func(t *testing.T) {
		data := book(t, map[string][][]any{"Inovasi": {innovationHeader[:5], {"18.04", "x", "y", "opd", "lainnya"}}}, nil)
		fileErr(t, data, importer.Options{}, "tidak punya kolom Urusan Pemerintahan, Permasalahan")
	})
	t.Run("merged header cells", func(t *testing.T) {
		data := book(t, map[string][][]any{"Inovasi": {innovationHeader, good}}, func(f *excelize.File) {
			if err := f.MergeCell("Inovasi", "K1", "M1"); err != nil {
				t.Fatal(err)
			}
		})
		fileErr(t, data, importer.Options{}, "sel judul kolom K1:M1 digabung")
	})
	t.Run("merged data cells", func(t *testing.T) {
		data := book(t, map[string][][]any{"Inovasi": {innovationHeader, good, innovation("18.04", "Dua", "2024-01-10", nil, nil)}}, func(f *excelize.File) {
			_ = f.MergeCell("Inovasi", "C2", "C3")
		})
		rowErr(t, data, 3, "Perangkat Daerah", "sel digabung")
	})
	t.Run("formulas", func(t *testing.T) {
		data := book(t, map[string][][]any{"Inovasi": {innovationHeader, good}}, func(f *excelize.File) {
			if err := f.SetCellFormula("Inovasi", "K2", "=DATE(2024,1,10)"); err != nil {
				t.Fatal(err)
			}
		})
		rowErr(t, data, 2, "Tanggal Inisiatif", "berisi rumus")
		csv := "Kode Daerah,Nama Inovasi,Perangkat Daerah,Inisiator,Bentuk Inovasi,Digital,Urusan Pemerintahan,Permasalahan,Solusi,Manfaat,Tanggal Inisiatif\n" +
			"18.04,=A1&\"x\",Dinas,opd,lainnya,Ya,kesehatan,a,b,c,2024-01-10\n"
		rowErr(t, []byte(csv), 2, "Nama Inovasi", "berisi rumus")
	})
	t.Run("dates as text", func(t *testing.T) {
		data := book(t, map[string][][]any{"Inovasi": {innovationHeader, innovation("18.04", "Teks", "10/01/2024", nil, nil)}}, nil)
		rowErr(t, data, 2, "Tanggal Inisiatif", `tanggal "10/01/2024" tidak dikenali`)
	})
	t.Run("dates as serial numbers", func(t *testing.T) {
		data := book(t, map[string][][]any{"Inovasi": {innovationHeader, innovation("18.04", "Seri", 45301, nil, nil)}}, nil)
		rowErr(t, data, 2, "Tanggal Inisiatif", "tanggal tertulis sebagai angka 45301 (sebagai tanggal Excel: 2024-01-10)")
	})
	t.Run("a million rows", func(t *testing.T) {
		var b bytes.Buffer
		b.WriteString("Kode Daerah;Nama Inovasi;Perangkat Daerah;Inisiator;Bentuk Inovasi;Digital;Urusan Pemerintahan;Permasalahan;Solusi;Manfaat;Tanggal Inisiatif\n")
		for i := range 1_000_000 {
			fmt.Fprintf(&b, "18.04;Inovasi %d;Dinas;opd;lainnya;Ya;kesehatan;a;b;c;2024-01-10\n", i)
		}
		start := time.Now()
		fileErr(t, b.Bytes(), importer.Options{}, "lebih dari 20000 baris data")
		t.Logf("a CSV of 1,000,000 rows (%d MB) refused in %v", b.Len()>>20, time.Since(start).Round(time.Millisecond))
		// An XLSX of a million rows, written as excelize streams it.
		start = time.Now()
		f := excelize.NewFile()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		_ = sw.SetRow("A1", innovationHeader)
		for i := 2; i <= 1_000_001; i++ {
			axis, _ := excelize.CoordinatesToCellName(1, i)
			if err := sw.SetRow(axis, []any{"18.04"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
		var xb bytes.Buffer
		if _, err := f.WriteTo(&xb); err != nil {
			t.Fatal(err)
		}
		written := time.Since(start)
		start = time.Now()
		fileErr(t, xb.Bytes(), importer.Options{}, "lebih dari 20000 baris data")
		t.Logf("an XLSX of 1,000,000 rows (%d MB, written in %v) refused in %v", xb.Len()>>20, written.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		// And a smaller limit applies as configured.
		small := book(t, map[string][][]any{"Inovasi": {innovationHeader, good, good, good}}, nil)
		fileErr(t, small, importer.Options{MaxRows: 2}, "lebih dari 2 baris data")
	})
	t.Run("choices, required cells and dates in the future", func(t *testing.T) {
		row := innovation("18.04", "Salah Isi", "2026-01-10", nil, "2024-06-01")
		row[3], row[6], row[9] = "Bupati", "Pariwisata dan Budaya", ""
		data := book(t, map[string][][]any{"Inovasi": {innovationHeader, row}}, nil)
		rep := w.mustRun(data, importer.Options{DryRun: true})
		want := map[string]string{"Inisiator": "bukan pilihan", "Urusan Pemerintahan": "bukan urusan", "Manfaat": "wajib diisi",
			"Tanggal Uji Coba": "wajib diisi jika Tanggal Penerapan"}
		for _, p := range rep.Problems {
			if strings.Contains(p.Message, want[p.Column]) {
				delete(want, p.Column)
			}
		}
		if len(want) != 0 {
			t.Errorf("missing problems %v in %+v", want, rep.Problems)
		}
		row = innovation("18.04", "Masa Depan", "2026-01-10", nil, nil)
		rowErr(t, book(t, map[string][][]any{"Inovasi": {innovationHeader, row}}, nil), 2, "Tanggal Inisiatif", "tidak boleh setelah hari ini")
	})
}
