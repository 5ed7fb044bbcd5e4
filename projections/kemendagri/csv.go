package kemendagri

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// writeCSV renders g as RFC 4180 CSV: UTF-8 without a byte order mark, comma
// separated, CRLF line ends (also inside quoted fields), a header row, and
// fields quoted only when they need it.
//
// CSV is the machine-readable form: decimals use '.' with their exact
// digits ("12.345", IID "78.50") whatever the reader's locale, dates are
// "YYYY-MM-DD", flags "Ya"/"Tidak", and a rank of 0 (not ranked) is empty.
// There is no BOM because it corrupts the first header for most parsers;
// people who open files in Excel should use export.xlsx.
//
// Formula injection: a text cell (a name, unit, title... anything people
// typed) that starts with '=', '+', '-', '@', a tab or a carriage return
// is written with a leading apostrophe ("'=HYPERLINK(...)"), as OWASP's
// CSV injection guidance recommends, so a spreadsheet shows it as text
// instead of running it. Numbers and dates are Jejak's own and are never
// changed. export.json and export.xlsx (whose text cells are typed as text,
// never formulas) keep the text as it is; `jejak verify` rebuilds the CSV
// with this same writer, so it compares like with like.
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
			record[i] = csvText(c)
		}
		if err := w.Write(record); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// csvText is the text CSV writes for c: text cells that a spreadsheet would
// read as a formula are neutralised with a leading apostrophe.
func csvText(c cell) string {
	if c.kind == textCell {
		return CSVText(c.text)
	}
	return c.text
}

// CSVText is text typed by people as a CSV cell: one that a spreadsheet
// would read as a formula (it starts with = + - @, a tab or a carriage
// return) gets a leading apostrophe.
func CSVText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
