package kemendagri

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// A grid is one table as both spreadsheet writers see it: the XLSX sheet and
// the CSV file get the same headers and the same cell texts, so the two
// cannot drift apart.
type grid struct {
	sheet   string // XLSX sheet name
	file    string // CSV file name
	columns []column
	rows    [][]cell
}

type column struct {
	header string
	width  float64 // XLSX column width in characters
}

type cellKind int

const (
	textCell    cellKind = iota
	integerCell          // whole number, numeric cell in XLSX
	decimalCell          // Decimal, numeric cell with two decimals in XLSX
	dateCell             // "YYYY-MM-DD", date cell in XLSX
)

// A cell is one value. text is what CSV writes (and what XLSX writes for
// text cells); "" is an empty cell in both.
type cell struct {
	kind cellKind
	text string
	num  float64 // value of integer and decimal cells
}

// text makes a text cell. Line ends become "\n" and characters that XML 1.0
// cannot carry (control characters other than tab and newline, invalid
// UTF-8) become U+FFFD, so CSV and XLSX carry the same text (export.json
// keeps the original; the CSV writer only adds an apostrophe before text
// that would read as a formula, see writeCSV). Jejak refuses such
// characters at the boundary since issue 14; this keeps older history
// exportable.
func text(s string) cell { return cell{kind: textCell, text: cleanText(s)} }

func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\t' || r == '\n':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r == utf8.RuneError:
			return utf8.RuneError
		}
		return r
	}, s)
}

func integer(n int) cell { return cell{kind: integerCell, text: strconv.Itoa(n), num: float64(n)} }

// rank renders 0 (not ranked) as an empty cell.
func rank(n int) cell {
	if n == 0 {
		return text("")
	}
	return integer(n)
}

func decimal(d Decimal) cell { return cell{kind: decimalCell, text: d.String(), num: d.Float64()} }

func date(s string) cell {
	if s == "" {
		return text("")
	}
	return cell{kind: dateCell, text: s}
}

// yesNo renders a flag as "Ya" or "Tidak".
func yesNo(b bool) cell {
	if b {
		return text("Ya")
	}
	return text("Tidak")
}

// grids renders normalized tables in file order.
func grids(t Tables) []grid {
	return []grid{regionGrid(t.Regions), innovationGrid(t.Innovations), bimtekGrid(t.Bimtek)}
}

func regionGrid(rows []RegionRow) grid {
	g := grid{sheet: "Daerah", file: "daerah.csv", columns: []column{
		{"Kode", 9}, {"Nama Daerah", 34}, {"Jenis", 11}, {"Provinsi", 24}, {"Klaster", 30},
		{"Skor SPD", 11}, {"Skor SID", 11}, {"Skor Total", 11}, {"IID", 9}, {"Predikat", 20},
		{"Peringkat Nasional", 12}, {"Peringkat Klaster", 12},
		{"Inisiatif", 10}, {"Uji Coba", 10}, {"Penerapan", 11}, {"Replikasi", 10},
	}}
	for _, r := range rows {
		g.rows = append(g.rows, []cell{
			text(r.Code), text(r.Name), text(r.Kind), text(r.Province), text(strings.Join(r.Clusters, "; ")),
			decimal(r.SPD), decimal(r.SID), decimal(r.Total), decimal(r.IID), text(r.Predicate),
			rank(r.NationalRank), rank(r.ClusterRank),
			integer(r.InnovationsByStage.Initiative), integer(r.InnovationsByStage.Trial),
			integer(r.InnovationsByStage.Implementation), integer(r.InnovationsByStage.Replication),
		})
	}
	return g
}

func innovationGrid(rows []InnovationRow) grid {
	g := grid{sheet: "Inovasi", file: "inovasi.csv", columns: []column{
		{"ID", 38}, {"Nama Inovasi", 40}, {"Kode Daerah", 9}, {"Nama Daerah", 30},
		{"Perangkat Daerah", 30}, {"Urusan", 24}, {"Bentuk Inovasi", 20}, {"Digital", 8},
		{"Tahapan", 11}, {"Tanggal Inisiatif", 12}, {"Tanggal Uji Coba", 12}, {"Tanggal Penerapan", 12},
		{"Skor Kematangan", 12}, {"Dihitung", 9},
	}}
	codes := indicatorCodes(rows)
	for _, c := range codes {
		g.columns = append(g.columns, column{"Verifikasi Indikator " + c, 12})
	}
	for _, r := range rows {
		cells := []cell{
			text(r.ID), text(r.Name), text(r.RegionCode), text(r.RegionName),
			text(r.Unit), text(r.Affair), text(r.Form), yesNo(r.Digital),
			text(r.Stage), date(r.ProposedOn), date(r.TrialOn), date(r.ImplementedOn),
			decimal(r.MaturityScore), yesNo(r.Counted),
		}
		for _, c := range codes {
			cells = append(cells, text(r.Verification[c]))
		}
		g.rows = append(g.rows, cells)
	}
	return g
}

func bimtekGrid(rows []BimtekRow) grid {
	g := grid{sheet: "Bimtek", file: "bimtek.csv", columns: []column{
		{"ID", 38}, {"Kode Daerah", 9}, {"Nama Daerah", 30}, {"Judul", 40}, {"Tanggal", 12},
		{"Tempat", 30}, {"Penyelenggara", 30}, {"Moda", 9}, {"Jumlah Peserta", 10}, {"Ditutup", 9},
	}}
	for _, r := range rows {
		g.rows = append(g.rows, []cell{
			text(r.ID), text(r.RegionCode), text(r.RegionName), text(r.Title), date(r.Date),
			text(r.Venue), text(r.Organiser), text(r.Mode), integer(r.Attendance), yesNo(r.Closed),
		})
	}
	return g
}

// metaGrid is the Keterangan sheet: what the export was built from.
func metaGrid(t Tables, m Meta) grid {
	g := grid{sheet: "Keterangan", columns: []column{{"Keterangan", 28}, {"Nilai", 70}}}
	add := func(k string, v cell) { g.rows = append(g.rows, []cell{text(k), v}) }
	add("Tahun Penilaian", integer(m.Year))
	add("Per Tanggal (as-of)", text(asOfText(m.AsOf)))
	add("Waktu Snapshot (UTC)", text(snapshotTime(m)))
	add("Posisi Stream", text(strconv.FormatUint(m.Position, 10)))
	add("Hash Snapshot (SHA-256)", text(m.SnapshotHash))
	add("Versi Katalog Indikator", text(m.CatalogueVersion))
	add("Versi Jejak", text(m.JejakVersion))
	add("Jumlah Daerah", integer(len(t.Regions)))
	add("Jumlah Inovasi", integer(len(t.Innovations)))
	add("Jumlah Bimtek", integer(len(t.Bimtek)))
	add("Catatan", text("Skor ditampilkan dua desimal; nilai sel adalah nilai persis. "+
		"Peringkat kosong berarti tidak diperingkat."))
	return g
}

func asOfText(s string) string {
	if s == "" {
		return "terkini"
	}
	return s
}

// indicatorCodes returns every verification indicator code in natural order.
func indicatorCodes(rows []InnovationRow) []string {
	seen := map[string]bool{}
	var codes []string
	for _, r := range rows {
		for c := range r.Verification {
			if !seen[c] {
				seen[c] = true
				codes = append(codes, c)
			}
		}
	}
	sortNatural(codes)
	return codes
}
