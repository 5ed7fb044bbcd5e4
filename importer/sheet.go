package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// cell is one value read from a spreadsheet, with what the reader knows
// about how it was written.
type cell struct {
	text    string    // the value as text (trimmed); a number's raw digits
	number  bool      // stored as a number (a date without a date format is one)
	date    time.Time // a number formatted as a date, converted
	formula bool      // computed by a formula
	merged  bool      // part of merged cells
}

// row is one data row; num is its row number in the file (the header is 1).
type row struct {
	num   int
	cells []cell
}

// table is one sheet: its header and data rows, empty rows left out.
type table struct {
	sheet  string
	header []string
	rows   []row
}

// FileError is a problem with the file as a whole: nothing was read from it.
type FileError struct{ Message string }

func (e *FileError) Error() string { return e.Message }

func fileErrorf(format string, args ...any) error {
	return &FileError{Message: fmt.Sprintf(format, args...)}
}

// workbook is what a file holds: its tables by kind.
type workbook struct {
	innovations *table
	answers     *table
}

// readWorkbook reads an XLSX or CSV file. It returns a *FileError for a file
// that is not a spreadsheet, has no sheet of innovations or SPD answers,
// merges header cells or holds more than maxRows data rows in a sheet
// (refused as soon as the count is known, before the rows are read).
func readWorkbook(data []byte, maxRows int) (*workbook, error) {
	switch {
	case len(data) == 0:
		return nil, fileErrorf("berkas kosong")
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data, maxRows)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return nil, fileErrorf("berkas ini format Excel lama (.xls); simpan sebagai .xlsx atau .csv lalu impor lagi")
	case bytes.HasPrefix(data, []byte("%PDF")), bytes.IndexByte(data[:min(len(data), 8192)], 0) >= 0:
		return nil, fileErrorf("berkas ini bukan spreadsheet: unggah berkas .xlsx atau .csv")
	}
	return readCSV(data, maxRows)
}

func readXLSX(data []byte, maxRows int) (*workbook, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 512 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, fileErrorf("berkas ini bukan spreadsheet XLSX yang dapat dibaca (%s): unggah berkas .xlsx atau .csv", xlsxReason(err))
	}
	defer f.Close()
	props, _ := f.GetWorkbookProps()
	wb := &workbook{}
	sheets := f.GetSheetList()
	for _, kind := range []*kindSpec{&innovationSheet, &answerSheet} {
		name := findSheet(f, sheets, kind)
		if name == "" {
			continue
		}
		t, err := readXLSXSheet(f, name, maxRows, props.Date1904 != nil && *props.Date1904, kind)
		if err != nil {
			return nil, err
		}
		if kind == &innovationSheet {
			wb.innovations = t
		} else {
			wb.answers = t
		}
	}
	if wb.innovations == nil && wb.answers == nil {
		return nil, fileErrorf("tidak ada lembar %q atau %q (lembar yang ada: %s); unduh templat untuk melihat susunannya",
			innovationSheet.name, answerSheet.name, strings.Join(sheets, ", "))
	}
	return wb, nil
}

func xlsxReason(err error) string {
	if errors.Is(err, excelize.ErrWorkbookFileFormat) || strings.Contains(err.Error(), "zip") {
		return "bukan buku kerja Excel"
	}
	return "isinya rusak"
}

// findSheet is the sheet named like kind, else the first sheet whose first
// row has kind's required columns ("" if none).
func findSheet(f *excelize.File, sheets []string, kind *kindSpec) string {
	for _, s := range sheets {
		if normalize(s) == normalize(kind.name) {
			return s
		}
	}
	for _, s := range sheets {
		rows, err := f.Rows(s)
		if err != nil {
			continue
		}
		var header []string
		if rows.Next() {
			header, _ = rows.Columns()
		}
		rows.Close()
		if kind.matches(header) {
			return s
		}
	}
	return ""
}

func readXLSXSheet(f *excelize.File, sheet string, maxRows int, date1904 bool, kind *kindSpec) (*table, error) {
	if dim, err := f.GetSheetDimension(sheet); err == nil {
		if _, end, ok := strings.Cut(dim, ":"); ok {
			if _, last, err := excelize.CellNameToCoordinates(end); err == nil && last-1 > maxRows {
				return nil, tooMany(sheet, maxRows, fmt.Sprintf("lembarnya berukuran %s", dim))
			}
		}
	}
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, fileErrorf("lembar %q tidak dapat dibaca: %v", sheet, err)
	}
	defer it.Close()
	t := &table{sheet: sheet}
	num := 0
	for it.Next() {
		num++
		values, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fileErrorf("lembar %q baris %d tidak dapat dibaca: %v", sheet, num, err)
		}
		if num == 1 {
			t.header = trimAll(values)
			continue
		}
		if num-1 > maxRows {
			return nil, tooMany(sheet, maxRows, "")
		}
		if blank(values) {
			continue
		}
		r := row{num: num, cells: make([]cell, len(values))}
		for i, v := range values {
			r.cells[i] = cell{text: strings.TrimSpace(v)}
		}
		t.rows = append(t.rows, r)
	}
	if err := it.Error(); err != nil {
		if errors.Is(err, excelize.ErrMaxRows) {
			return nil, tooMany(sheet, maxRows, "")
		}
		return nil, fileErrorf("lembar %q tidak dapat dibaca: %v", sheet, err)
	}
	// Only now, with the rows counted, is the whole sheet loaded: merged
	// cells, then per cell formulas, types and date formats.
	merges, err := f.GetMergeCells(sheet, true)
	if err != nil {
		return nil, fileErrorf("lembar %q tidak dapat dibaca: %v", sheet, err)
	}
	merged := map[[2]int]bool{}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		if r1 == 1 {
			return nil, fileErrorf("lembar %q: sel judul kolom %s:%s digabung (merge); pisahkan sel judul agar setiap kolom punya judul sendiri",
				sheet, m.GetStartAxis(), m.GetEndAxis())
		}
		if (r2-r1+1)*(c2-c1+1) > 10_000 {
			return nil, fileErrorf("lembar %q: sel %s:%s digabung; pisahkan sel tersebut", sheet, m.GetStartAxis(), m.GetEndAxis())
		}
		for r := r1; r <= r2; r++ {
			for c := c1; c <= c2; c++ {
				merged[[2]int{r, c}] = true
			}
		}
	}
	for ri := range t.rows {
		for ci := range t.rows[ri].cells {
			t.rows[ri].cells[ci].merged = merged[[2]int{t.rows[ri].num, ci + 1}]
		}
	}
	isDate := map[int]bool{}
	for ri := range t.rows {
		r := &t.rows[ri]
		for ci := range r.cells {
			c := &r.cells[ci]
			axis, _ := excelize.CoordinatesToCellName(ci+1, r.num)
			if fm, _ := f.GetCellFormula(sheet, axis); fm != "" {
				c.formula = true
				continue
			}
			if c.text == "" {
				continue
			}
			typ, _ := f.GetCellType(sheet, axis)
			if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset && typ != excelize.CellTypeDate {
				continue
			}
			if typ == excelize.CellTypeDate {
				if d, err := time.Parse(time.RFC3339, c.text); err == nil {
					c.date = d
					continue
				}
			}
			c.number = true
			if !kind.isDateColumn(t.header, ci) {
				continue
			}
			style, _ := f.GetCellStyle(sheet, axis)
			dated, known := isDate[style]
			if !known {
				dated = dateStyle(f, style)
				isDate[style] = dated
			}
			if serial, err := strconv.ParseFloat(c.text, 64); err == nil && dated {
				if d, err := excelize.ExcelDateToTime(serial, date1904); err == nil {
					c.date, c.number = d, false
				}
			}
		}
	}
	return t, nil
}

// dateStyle reports whether style formats numbers as dates.
func dateStyle(f *excelize.File, style int) bool {
	st, err := f.GetStyle(style)
	if err != nil || st == nil {
		return false
	}
	if st.CustomNumFmt != nil {
		s := strings.ToLower(*st.CustomNumFmt)
		for { // drop quoted text and [colour]/[locale] sections
			i := strings.IndexAny(s, `"[`)
			if i < 0 {
				break
			}
			end := map[byte]byte{'"': '"', '[': ']'}[s[i]]
			j := strings.IndexByte(s[i+1:], end)
			if j < 0 {
				s = s[:i]
				break
			}
			s = s[:i] + s[i+1+j+1:]
		}
		return strings.Contains(s, "d") || strings.Contains(s, "yy")
	}
	n := st.NumFmt
	return (n >= 14 && n <= 17) || n == 22 || (n >= 27 && n <= 36) || (n >= 50 && n <= 58)
}

func tooMany(sheet string, maxRows int, detail string) error {
	msg := fmt.Sprintf("lembar %q berisi lebih dari %d baris data, batas satu kali impor", sheet, maxRows)
	if detail != "" {
		msg += " (" + detail + ")"
	}
	return &FileError{Message: msg + "; bagi berkas menjadi beberapa bagian"}
}

// readCSV reads a CSV file (UTF-8, comma or semicolon separated, as Excel
// saves it in an Indonesian locale) as one table, of innovations or SPD
// answers according to its header.
func readCSV(data []byte, maxRows int) (*workbook, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if !utf8.Valid(first) {
		return nil, fileErrorf("berkas ini bukan spreadsheet: unggah berkas .xlsx, atau .csv yang disimpan sebagai UTF-8")
	}
	r := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true // a quote inside an unquoted cell is text
	r.Comma = ','
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	header, err := r.Read()
	if err != nil {
		return nil, fileErrorf("berkas ini bukan spreadsheet CSV yang dapat dibaca: %s", csvReason(err))
	}
	t := &table{header: trimAll(header)}
	wb := &workbook{}
	switch {
	case innovationSheet.matches(t.header):
		t.sheet, wb.innovations = innovationSheet.name, t
	case answerSheet.matches(t.header):
		t.sheet, wb.answers = answerSheet.name, t
	default:
		return nil, fileErrorf("baris pertama CSV bukan judul kolom inovasi (%s) atau jawaban SPD (%s); unduh templat untuk melihat susunannya",
			strings.Join(innovationSheet.required(), ", "), strings.Join(answerSheet.required(), ", "))
	}
	for count := 1; ; count++ {
		values, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fileErrorf("berkas CSV tidak dapat dibaca: %s", csvReason(err))
		}
		line, _ := r.FieldPos(0)
		if count > maxRows {
			return nil, tooMany(t.sheet, maxRows, "")
		}
		if blank(values) {
			continue
		}
		rw := row{num: line, cells: make([]cell, len(values))}
		for i, v := range values {
			if !utf8.ValidString(v) {
				return nil, fileErrorf("CSV baris %d bukan teks UTF-8: simpan berkas sebagai CSV UTF-8", line)
			}
			v = strings.TrimSpace(v)
			// A CSV holds no formulas; a cell written as one was
			// exported without its values.
			rw.cells[i] = cell{text: v, formula: strings.HasPrefix(v, "=") && len(v) > 1}
		}
		t.rows = append(t.rows, rw)
	}
	return wb, nil
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			return fmt.Sprintf("tanda petik tidak seimbang di baris %d", pe.Line)
		}
		return fmt.Sprintf("baris %d rusak", pe.Line)
	}
	return "isinya kosong atau rusak"
}

func trimAll(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strings.TrimSpace(v)
	}
	return out
}

func blank(values []string) bool {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}
