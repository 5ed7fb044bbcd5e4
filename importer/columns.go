package importer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jejak-id/jejak/domain"
)

// column is one column of a sheet, by its Indonesian header.
type column struct {
	name     string
	required bool
	date     bool
	help     string // for the template
	example  string
}

// kindSpec is one kind of sheet: innovations or SPD answers.
type kindSpec struct {
	name    string
	columns []column
}

var innovationSheet = kindSpec{name: "Inovasi", columns: []column{
	{name: "Kode Daerah", required: true, help: "kode wilayah Kemendagri, mis. 18.04", example: "18.04"},
	{name: "Nama Inovasi", required: true, help: "nama inovasi; sama dengan nama yang sudah ada = inovasi yang sama", example: "Layanan Adminduk Keliling"},
	{name: "Perangkat Daerah", required: true, help: "perangkat daerah (OPD) pemilik inovasi", example: "Dinas Kependudukan dan Pencatatan Sipil"},
	{name: "Inisiator", required: true, help: "Perangkat daerah, ASN, Kepala daerah, Anggota DPRD atau Masyarakat", example: "Perangkat daerah"},
	{name: "Bentuk Inovasi", required: true, help: "Tata kelola pemerintahan, Pelayanan publik atau Lainnya", example: "Pelayanan publik"},
	{name: "Digital", help: "Ya atau Tidak (kosong = Tidak)", example: "Ya"},
	{name: "Urusan Pemerintahan", required: true, help: "urusan pemerintahan, lihat lembar Pilihan", example: "Administrasi kependudukan dan pencatatan sipil"},
	{name: "Permasalahan", required: true, help: "masalah yang diselesaikan", example: "Jarak ke kantor Dukcapil jauh"},
	{name: "Solusi", required: true, help: "cara inovasi menyelesaikannya", example: "Layanan keliling ke kecamatan"},
	{name: "Manfaat", required: true, help: "manfaat yang dirasakan", example: "Dokumen terbit di kecamatan"},
	{name: "Tanggal Inisiatif", required: true, date: true, help: "tanggal usulan: sel tanggal atau teks YYYY-MM-DD", example: "2024-01-10"},
	{name: "Tanggal Uji Coba", date: true, help: "kosong jika belum uji coba", example: "2024-03-01"},
	{name: "Tanggal Penerapan", date: true, help: "kosong jika belum diterapkan", example: "2024-06-01"},
}}

var answerSheet = kindSpec{name: "Jawaban SPD", columns: []column{
	{name: "Kode Daerah", required: true, help: "kode wilayah Kemendagri", example: "18.04"},
	{name: "Indikator", required: true, help: "kode indikator SPD katalog tahun berjalan, mis. 1, 2a, 14", example: "1"},
	{name: "Opsi", required: true, help: "parameter yang diklaim: 1, 2 atau 3", example: "3"},
	{name: "Dokumen", help: "nomor/nama dokumen bukti (isi minimal satu dari Dokumen, Tautan, Catatan)", example: "Perbup 12/2024"},
	{name: "Tautan", help: "tautan http(s) ke bukti", example: "https://jdih.example.go.id/perbup-12-2024"},
	{name: "Catatan", help: "catatan bukti", example: ""},
}}

// normalize is how headers, sheet names and choices are compared: lower
// case, letters and digits only, words separated by one space.
func normalize(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

func (k *kindSpec) required() []string {
	var out []string
	for _, c := range k.columns {
		if c.required {
			out = append(out, c.name)
		}
	}
	return out
}

// matches reports whether header has every required column of k.
func (k *kindSpec) matches(header []string) bool {
	have := map[string]bool{}
	for _, h := range header {
		have[normalize(h)] = true
	}
	for _, c := range k.required() {
		if !have[normalize(c)] {
			return false
		}
	}
	return true
}

func (k *kindSpec) isDateColumn(header []string, i int) bool {
	if i >= len(header) {
		return false
	}
	for _, c := range k.columns {
		if c.date && normalize(c.name) == normalize(header[i]) {
			return true
		}
	}
	return false
}

// Problem is one thing wrong with a row (Row 0 and Column "": the sheet).
// Messages are in Indonesian.
type Problem struct {
	Sheet   string `json:"sheet"`
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// layout maps a table's columns: column name -> index.
type layout struct {
	t     *table
	index map[string]int
}

// layoutOf checks a table's header against k: every required column once;
// unknown columns are reported and ignored.
func layoutOf(t *table, k *kindSpec) (*layout, []Problem, error) {
	l := &layout{t: t, index: map[string]int{}}
	known := map[string]string{}
	for _, c := range k.columns {
		known[normalize(c.name)] = c.name
	}
	var notes []Problem
	for i, h := range t.header {
		if h == "" {
			continue
		}
		name, ok := known[normalize(h)]
		if !ok {
			notes = append(notes, Problem{Sheet: t.sheet, Row: 1, Column: h, Message: "kolom tidak dikenal, diabaikan"})
			continue
		}
		if _, dup := l.index[name]; dup {
			return nil, nil, fileErrorf("lembar %q: kolom %q muncul dua kali", t.sheet, name)
		}
		l.index[name] = i
	}
	var missing []string
	for _, c := range k.required() {
		if _, ok := l.index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, nil, fileErrorf("lembar %q tidak punya kolom %s; unduh templat untuk melihat susunannya", t.sheet, strings.Join(missing, ", "))
	}
	return l, notes, nil
}

// rowReader reads the cells of one row, collecting its problems.
type rowReader struct {
	l        *layout
	r        row
	problems []Problem
}

func (rr *rowReader) add(col, format string, args ...any) {
	rr.problems = append(rr.problems, Problem{Sheet: rr.l.t.sheet, Row: rr.r.num, Column: col, Message: fmt.Sprintf(format, args...)})
}

// cell returns the named column's cell, reporting formulas and merged cells.
func (rr *rowReader) cell(col string) (cell, bool) {
	i, ok := rr.l.index[col]
	if !ok || i >= len(rr.r.cells) {
		return cell{}, true
	}
	c := rr.r.cells[i]
	switch {
	case c.formula:
		rr.add(col, "berisi rumus; salin lalu tempel sebagai nilai (Paste Special > Values) sebelum mengimpor")
		return c, false
	case c.merged:
		rr.add(col, "sel digabung (merge); pisahkan sel agar setiap baris punya nilainya sendiri")
		return c, false
	}
	return c, true
}

// text is a text column; required ones must not be empty.
func (rr *rowReader) text(col string, required bool) string {
	c, ok := rr.cell(col)
	if !ok {
		return ""
	}
	if required && c.text == "" && c.date.IsZero() {
		rr.add(col, "wajib diisi")
	}
	if !c.date.IsZero() {
		return c.date.Format(time.DateOnly)
	}
	return c.text
}

// date reads a date: a cell formatted as a date, or text YYYY-MM-DD.
func (rr *rowReader) date(col string, required bool) time.Time {
	c, ok := rr.cell(col)
	switch {
	case !ok:
		return time.Time{}
	case !c.date.IsZero():
		return domain.Day(c.date)
	case c.text == "":
		if required {
			rr.add(col, "wajib diisi")
		}
		return time.Time{}
	case c.number:
		hint := ""
		if serial, err := strconv.ParseFloat(c.text, 64); err == nil && serial > 0 && serial < 100_000 {
			hint = fmt.Sprintf(" (sebagai tanggal Excel: %s)", time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(serial)).Format(time.DateOnly))
		}
		rr.add(col, "tanggal tertulis sebagai angka %s%s; format sel sebagai tanggal atau tulis YYYY-MM-DD", c.text, hint)
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, c.text)
	if err != nil {
		rr.add(col, "tanggal %q tidak dikenali; gunakan sel bertipe tanggal atau teks YYYY-MM-DD (mis. 2024-01-10)", c.text)
		return time.Time{}
	}
	return d
}

// choice maps a cell to one of the allowed values (compared normalised,
// by value or by label); labels lists what to tell the user.
func (rr *rowReader) choice(col string, options map[string]string, labels string) string {
	v := rr.text(col, true)
	if v == "" {
		return ""
	}
	if got, ok := options[normalize(v)]; ok {
		return got
	}
	rr.add(col, "%q bukan pilihan yang dikenal; pilih %s", v, labels)
	return ""
}

var initiators = map[string]string{
	"perangkat daerah": "opd", "opd": "opd", "asn": "asn", "kepala daerah": "kepala_daerah",
	"anggota dprd": "dprd", "dprd": "dprd", "masyarakat": "masyarakat",
}

var forms = map[string]string{
	"tata kelola pemerintahan": "tata_kelola_pemerintahan", "tata kelola": "tata_kelola_pemerintahan",
	"pelayanan publik": "pelayanan_publik", "lainnya": "lainnya", "inovasi daerah lainnya": "lainnya",
}

// affairs accepts each affair's value, its words without "dan", and the
// common names of the ones whose value is an abbreviation.
var affairs = func() map[string]string {
	out := map[string]string{
		"pekerjaan umum penataan ruang": "pupr",
		"pu":                            "pupr",
		"ketenteraman ketertiban umum pelindungan masyarakat": "trantibumlinmas",
		"ketentraman ketertiban umum perlindungan masyarakat": "trantibumlinmas",
	}
	for _, a := range domain.Affairs() {
		out[withoutDan(normalize(string(a)))] = string(a)
	}
	return out
}()

func withoutDan(s string) string {
	var out []string
	for _, w := range strings.Fields(s) {
		if w != "dan" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// innovationRow is one row of the Inovasi sheet, read.
type innovationRow struct {
	num     int
	region  string
	details domain.InnovationDetails
	// proposed, trial, implemented are the stage dates (zero: not yet).
	proposed, trial, implemented time.Time
	problems                     []Problem
}

func readInnovation(l *layout, r row) innovationRow {
	rr := &rowReader{l: l, r: r}
	out := innovationRow{num: r.num}
	out.region = rr.text("Kode Daerah", true)
	if out.region != "" {
		if _, ok := domain.LookupRegion(out.region); !ok {
			rr.add("Kode Daerah", "%q bukan kode wilayah Kemendagri yang dikenal (mis. 18.04)", out.region)
		}
	}
	d := &out.details
	d.Name = rr.text("Nama Inovasi", true)
	d.Unit = rr.text("Perangkat Daerah", true)
	d.Initiator = domain.Initiator(rr.choice("Inisiator", initiators, "Perangkat daerah, ASN, Kepala daerah, Anggota DPRD atau Masyarakat"))
	d.Form = domain.Form(rr.choice("Bentuk Inovasi", forms, "Tata kelola pemerintahan, Pelayanan publik atau Lainnya"))
	switch v := normalize(rr.text("Digital", false)); v {
	case "ya", "y", "true", "1":
		d.Digital = true
	case "", "tidak", "t", "false", "0":
	default:
		rr.add("Digital", "isi Ya atau Tidak")
	}
	if v := rr.text("Urusan Pemerintahan", true); v != "" {
		if a, ok := affairs[withoutDan(normalize(v))]; ok {
			d.Affair = domain.Affair(a)
		} else {
			rr.add("Urusan Pemerintahan", "%q bukan urusan pemerintahan yang dikenal; lihat lembar Pilihan di templat", v)
		}
	}
	d.Problem = rr.text("Permasalahan", true)
	d.Solution = rr.text("Solusi", true)
	d.Benefit = rr.text("Manfaat", true)
	out.proposed = rr.date("Tanggal Inisiatif", true)
	out.trial = rr.date("Tanggal Uji Coba", false)
	out.implemented = rr.date("Tanggal Penerapan", false)
	if !out.implemented.IsZero() && out.trial.IsZero() {
		rr.add("Tanggal Uji Coba", "wajib diisi jika Tanggal Penerapan diisi (inovasi diuji coba sebelum diterapkan)")
	}
	out.problems = rr.problems
	return out
}

// answerRow is one row of the Jawaban SPD sheet, read.
type answerRow struct {
	num       int
	region    string
	indicator string
	option    int
	evidence  domain.Evidence
	problems  []Problem
}

func readAnswer(l *layout, r row, cat *domain.Catalogue) answerRow {
	rr := &rowReader{l: l, r: r}
	out := answerRow{num: r.num}
	out.region = rr.text("Kode Daerah", true)
	if out.region != "" {
		if _, ok := domain.LookupRegion(out.region); !ok {
			rr.add("Kode Daerah", "%q bukan kode wilayah Kemendagri yang dikenal (mis. 18.04)", out.region)
		}
	}
	out.indicator = rr.text("Indikator", true)
	if out.indicator != "" && cat != nil {
		ind, ok := cat.Indicator(out.indicator)
		switch {
		case !ok || ind.Aspect != domain.AspectSPD:
			rr.add("Indikator", "%q bukan indikator SPD katalog %s", out.indicator, cat.Version())
		case ind.IsDerived():
			rr.add("Indikator", "indikator %s dihitung dari peristiwa, tidak dijawab", out.indicator)
		}
	}
	if v := rr.text("Opsi", true); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3 {
			rr.add("Opsi", "%q: isi 1, 2 atau 3", v)
		}
		out.option = n
	}
	out.evidence = domain.Evidence{DocumentRef: rr.text("Dokumen", false), Link: rr.text("Tautan", false), Note: rr.text("Catatan", false)}
	if out.evidence.Equal(domain.Evidence{}) {
		rr.add("Dokumen", "isi minimal satu bukti: Dokumen, Tautan atau Catatan")
	}
	out.problems = rr.problems
	return out
}
