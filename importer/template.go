package importer

import (
	"bytes"

	"github.com/xuri/excelize/v2"

	"github.com/jejak-id/jejak/domain"
)

// TemplateName is the file name the template is offered under.
const TemplateName = "templat-impor-jejak.xlsx"

// Template is the import template (XLSX): the sheets Inovasi and Jawaban
// SPD with their column headers (date columns formatted as dates), a sheet
// Petunjuk explaining each column with an example, and a sheet Pilihan
// listing the accepted choices.
func Template() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#E8EEF7"}}})
	if err != nil {
		return nil, err
	}
	dateFmt := "yyyy-mm-dd"
	dated, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", innovationSheet.name); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(answerSheet.name); err != nil {
		return nil, err
	}
	for _, k := range []*kindSpec{&innovationSheet, &answerSheet} {
		for i, c := range k.columns {
			axis, _ := excelize.CoordinatesToCellName(i+1, 1)
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetCellStr(k.name, axis, c.name); err != nil {
				return nil, err
			}
			_ = f.SetColWidth(k.name, col, col, max(14, float64(len(c.name))+4))
			if c.date {
				if err := f.SetColStyle(k.name, col, dated); err != nil {
					return nil, err
				}
			}
		}
		last, _ := excelize.CoordinatesToCellName(len(k.columns), 1)
		if err := f.SetCellStyle(k.name, "A1", last, bold); err != nil {
			return nil, err
		}
		_ = f.SetPanes(k.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	if err := guide(f, bold); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// guide writes the Petunjuk and Pilihan sheets.
func guide(f *excelize.File, bold int) error {
	if _, err := f.NewSheet("Petunjuk"); err != nil {
		return err
	}
	rows := [][]string{
		{"Impor Jejak: isi lembar Inovasi (dan, bila perlu, Jawaban SPD tahun berjalan), satu baris per inovasi atau jawaban."},
		{"Baris pertama tiap lembar adalah judul kolom: jangan diubah, digabung atau dihapus. Jangan gunakan rumus; tanggal sebagai sel tanggal atau teks YYYY-MM-DD."},
		{"Inovasi yang sama (kode daerah dan nama) yang diimpor lagi tidak digandakan; tahap berikutnya (uji coba, penerapan) ditambahkan, perubahan lain dilaporkan."},
		{},
		{"Lembar", "Kolom", "Wajib", "Keterangan", "Contoh"},
	}
	for _, k := range []*kindSpec{&innovationSheet, &answerSheet} {
		for _, c := range k.columns {
			req := ""
			if c.required {
				req = "ya"
			}
			rows = append(rows, []string{k.name, c.name, req, c.help, c.example})
		}
	}
	for i, r := range rows {
		axis, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := f.SetSheetRow("Petunjuk", axis, &vals); err != nil {
			return err
		}
	}
	_ = f.SetCellStyle("Petunjuk", "A5", "E5", bold)
	_ = f.SetColWidth("Petunjuk", "A", "B", 22)
	_ = f.SetColWidth("Petunjuk", "D", "E", 60)

	if _, err := f.NewSheet("Pilihan"); err != nil {
		return err
	}
	lists := [][]string{
		{"Inisiator", "Perangkat daerah", "ASN", "Kepala daerah", "Anggota DPRD", "Masyarakat"},
		{"Bentuk Inovasi", "Tata kelola pemerintahan", "Pelayanan publik", "Lainnya"},
		{"Digital", "Ya", "Tidak"},
		{"Urusan Pemerintahan"},
	}
	for _, a := range domain.Affairs() {
		lists[3] = append(lists[3], string(a))
	}
	for c, list := range lists {
		for r, v := range list {
			axis, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellStr("Pilihan", axis, v); err != nil {
				return err
			}
		}
	}
	_ = f.SetCellStyle("Pilihan", "A1", "D1", bold)
	return f.SetColWidth("Pilihan", "A", "D", 30)
}
