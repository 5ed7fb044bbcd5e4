package kemendagri

import (
	"bytes"
	"encoding/csv"
)

// writeCSV renders g as RFC 4180 CSV: UTF-8 without a byte order mark, comma
// separated, CRLF line ends (also inside quoted fields), a header row, and
// fields quoted only when they need it.
//
// CSV is the machine-readable form: decimals use '.' with their exact
// digits ("12.345", IID "78.50") whatever the reader's locale, dates are
// "YYYY-MM-DD", flags "Ya"/"Tidak", and a rank of 0 (not ranked) is empty.
// There is no BOM because it corrupts the first header for most parsers;
// people who open files in Excel should use export.xlsx. Texts are written
// as they are: a value starting with '=' is not defused against spreadsheet
// formula injection, since that would change the data.
func writeCSV(g grid) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	header := make([]string, len(g.columns))
	for i, c := range g.columns {
		header[i] = c.header
	}
	if err := w.Write(header); err != nil {
		return nil, err
	}
	record := make([]string, len(g.columns))
	for _, row := range g.rows {
		for i, c := range row {
			record[i] = c.text
		}
		if err := w.Write(record); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
