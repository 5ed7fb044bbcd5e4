package api

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// writeReportPDF writes the region report as an A4 PDF (codeberg.org/go-pdf/fpdf,
// the maintained fork of jung-kurt/gofpdf already used for sample evidence):
// identity, the score with its computation written out, the SPD table, the
// counted and not-counted innovations with reasons, the verifier decisions,
// the position and time it was computed at and its verification code. Every
// figure is the score response's.
func writeReportPDF(w http.ResponseWriter, sc scoreJSON, code string, position uint64, at time.Time) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: the Indonesian alphabet, × and ÷
	pdf.SetTitle(fmt.Sprintf("Laporan IID %d %s", sc.Year, sc.Region.Name), true)
	pdf.SetCreator("Jejak", true)
	pdf.SetCreationDate(at)
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AliasNbPages("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf("Kode verifikasi %s · halaman %d dari {nb}", code, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	text := func(size float64, style, s string) {
		pdf.SetFont("Helvetica", style, size)
		pdf.MultiCell(0, size*0.5, tr(s), "", "L", false)
	}
	heading := func(s string) {
		pdf.Ln(3)
		text(12, "B", s)
		pdf.Ln(1)
	}
	v, m := sc.Verified, sc.Method
	final := sc.Phase == "pleno" || sc.Phase == "published"
	text(16, "B", fmt.Sprintf("Laporan Indeks Inovasi Daerah %d", sc.Year))
	text(12, "", fmt.Sprintf("%s (kode %s)%s", sc.Region.Name, sc.Region.Code, provinceSuffix(sc.Region)))
	text(9, "", fmt.Sprintf("Keadaan per %s WIB, posisi #%d. Kode verifikasi: %s", dmyTime(at), position, code))
	pdf.Ln(2)
	if final {
		iid, predicate := v.IID, v.Predicate
		if sc.Published != nil {
			iid, predicate = sc.Published.IID, sc.Published.Predicate
		}
		text(14, "B", fmt.Sprintf("IID %d: %s (%s)", sc.Year, idNum(iid), predicate))
	} else {
		text(14, "B", fmt.Sprintf("IID %d sementara: %s", sc.Year, idNum(v.IID)))
		text(10, "", fmt.Sprintf("Penilaian masih pada tahap %s; angka dapat berubah sampai pleno dan predikat belum ditetapkan.", phaseName(string(sc.Phase))))
	}

	heading("Cara IID dihitung")
	lines := []string{
		fmt.Sprintf("1. SPD: jumlah poin indikator SPD yang sudah diverifikasi = %s.", idDec(v.SPD)),
		fmt.Sprintf("2. Poin SID: jumlah poin %d inovasi yang dihitung = %s, dibagi maks(%d; %d) = %d: %s ÷ %d = %s.",
			v.Counted, idDec(v.SIDSum), m.MinDivisor, v.Counted, v.Divisor, idDec(v.SIDSum), v.Divisor, idDec(v.SIDMean)),
		fmt.Sprintf("3. Indikator 36 (jumlah inovasi daerah): %s poin × %d inovasi = %s.", idDec(m.PointsPerInnovation), min(v.Counted, m.MaxInnovations), idDec(v.Indicator36)),
		fmt.Sprintf("4. SID = %s + %s = %s.", idDec(v.SIDMean), idDec(v.Indicator36), idDec(v.SID)),
		fmt.Sprintf("5. Skor total = SPD + SID = %s + %s = %s (dari paling banyak %s).", idDec(v.SPD), idDec(v.SID), idDec(v.Total), idDec(m.MaxTotal)),
		fmt.Sprintf("6. IID = %s ÷ %s × 100 = %s.", idDec(v.Total), idDec(m.MaxTotal), idNum(v.IID)),
	}
	var bands []string
	for _, b := range m.Predicates {
		if b.MaxIID == nil {
			bands = append(bands, fmt.Sprintf("%s: %s ke atas", b.Name, idNum(b.MinIID)))
		} else {
			bands = append(bands, fmt.Sprintf("%s: %s sampai %s", b.Name, idNum(b.MinIID), idNum(*b.MaxIID)))
		}
	}
	if final {
		lines = append(lines, fmt.Sprintf("7. Predikat: %s (%s).", v.Predicate, strings.Join(bands, "; ")))
	} else {
		lines = append(lines, fmt.Sprintf("7. Predikat belum ditetapkan sampai pleno (%s).", strings.Join(bands, "; ")))
	}
	for _, l := range lines {
		text(10, "", l)
	}

	table := func(widths []float64, header []string, rows [][]string) {
		pdf.SetFont("Helvetica", "B", 8)
		pdf.SetFillColor(235, 238, 241)
		for i, h := range header {
			pdf.CellFormat(widths[i], 6, tr(h), "1", 0, "L", true, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont("Helvetica", "", 8)
		for _, row := range rows {
			for i, c := range row {
				c = tr(c)
				for pdf.GetStringWidth(c) > widths[i]-2 && len(c) > 4 {
					c = c[:len(c)-4] + "..."
				}
				pdf.CellFormat(widths[i], 5.5, c, "1", 0, "L", false, 0, "")
			}
			pdf.Ln(-1)
		}
	}
	status := map[string]string{"pending": "Menunggu verifikasi", "accepted": "Diterima", "lowered": "Diturunkan", "rejected": "Ditolak"}
	heading("Rincian SPD")
	var rows [][]string
	decisions := map[string]int{}
	for _, ind := range sc.SPD {
		st := status[string(ind.Status)]
		if ind.Derived {
			st = "Dihitung dari peristiwa"
		} else if st == "" {
			st = "Belum dijawab"
		}
		decisions[st]++
		rows = append(rows, []string{ind.Code, ind.Name, st, fmt.Sprint(ind.Parameter), idDec(ind.Points)})
	}
	table([]float64{12, 105, 33, 15, 15}, []string{"Kode", "Indikator", "Status", "Param.", "Poin"}, rows)

	var counted, notCounted [][]string
	for _, inn := range sc.Innovations {
		for _, ind := range inn.Indicators {
			if !ind.Derived {
				decisions[status[string(ind.Status)]]++
			}
		}
		row := []string{inn.Name, inn.Unit, idDec(inn.Points), reasonText(inn.Reason)}
		if inn.Counted {
			counted = append(counted, row)
		} else {
			notCounted = append(notCounted, row)
		}
	}
	heading(fmt.Sprintf("Inovasi yang dihitung (%d)", len(counted)))
	table([]float64{60, 35, 15, 70}, []string{"Inovasi", "Perangkat daerah", "Poin", "Alasan"}, counted)
	heading(fmt.Sprintf("Inovasi yang tidak dihitung (%d)", len(notCounted)))
	table([]float64{60, 35, 15, 70}, []string{"Inovasi", "Perangkat daerah", "Poin", "Alasan"}, notCounted)

	heading("Keputusan verifikator")
	var dec []string
	for _, k := range []string{"Diterima", "Diturunkan", "Ditolak", "Menunggu verifikasi"} {
		dec = append(dec, fmt.Sprintf("%s: %d jawaban", k, decisions[k]))
	}
	text(10, "", strings.Join(dec, "; ")+".")
	pdf.Ln(2)
	text(8, "", fmt.Sprintf("Periksa keaslian laporan ini: jejak verify-report %s, atau GET /api/v1/reports/verify?code=%s. "+
		"Kode itu memuat tahun, daerah, posisi riwayat peristiwa dan sidik (SHA-256) keadaan skor yang dicetak.", code, code))

	if err := pdf.Error(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="laporan-%d-%s.pdf"`, sc.Year, sc.Region.Code))
	return pdf.Output(w)
}

func provinceSuffix(r regionJSON) string {
	if r.Province == "" || r.Kind == "provinsi" {
		return ""
	}
	return ", " + r.Province
}

// idDec writes an exact decimal string the Indonesian way: "1429.5" -> "1.429,50".
func idDec(s string) string {
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	out := b.String() + "," + frac
	if neg {
		out = "-" + out
	}
	return out
}

// idNum writes an IID with two decimals: 32,37.
func idNum(f float64) string { return idDec(fmt.Sprintf("%.2f", f)) }

var wib = time.FixedZone("WIB", 7*3600)

func dmyTime(t time.Time) string { return t.In(wib).Format("02/01/2006 15.04") }

func phaseName(p string) string {
	return map[string]string{"penjaringan": "penjaringan", "pengukuran": "pengukuran", "presentasi": "presentasi",
		"validasi_lapangan": "validasi lapangan", "pleno": "pleno", "published": "diumumkan"}[p]
}

// reasonRules put the score's count decisions into Indonesian (the
// dashboard's scoreText does the same for the page).
var reasonRules = []struct {
	re  *regexp.Regexp
	say func(m []string) string
}{
	{regexp.MustCompile(`^withdrawn$`), func([]string) string { return "inovasi ditarik" }},
	{regexp.MustCompile(`^still in (\S+): only innovations in penerapan or replikasi count$`), func(m []string) string {
		return "masih tahap " + strings.ReplaceAll(m[1], "_", " ") + ": hanya inovasi tahap penerapan atau replikasi yang dihitung"
	}},
	{regexp.MustCompile(`^implementation started (\S+), after the period closed on (\S+)$`), func(m []string) string {
		return "penerapan dimulai " + isoToDMY(m[1]) + ", sesudah penjaringan ditutup " + isoToDMY(m[2])
	}},
	{regexp.MustCompile(`^implementation started (\S+), more than (\d+) months before the period closed on (\S+)$`), func(m []string) string {
		return "penerapan dimulai " + isoToDMY(m[1]) + ", lebih dari " + m[2] + " bulan sebelum penjaringan ditutup " + isoToDMY(m[3])
	}},
	{regexp.MustCompile(`^rejected for the year: (.*)$`), func(m []string) string { return "ditolak untuk tahun ini: " + m[1] }},
	{regexp.MustCompile(`^already counted in (.+) \(at most (\d+) years\)$`), func(m []string) string {
		return "sudah dihitung pada " + m[1] + " (paling banyak " + m[2] + " tahun)"
	}},
	{regexp.MustCompile(`^in (\S+) since (\S+), within (\d+) months before (\S+)$`), func(m []string) string {
		return "tahap " + strings.ReplaceAll(m[1], "_", " ") + " sejak " + isoToDMY(m[2]) + ", dalam " + m[3] + " bulan sebelum " + isoToDMY(m[4])
	}},
}

func reasonText(s string) string {
	for _, r := range reasonRules {
		if m := r.re.FindStringSubmatch(s); m != nil {
			return r.say(m)
		}
	}
	return s
}

func isoToDMY(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("02/01/2006")
}
