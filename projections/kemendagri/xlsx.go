package kemendagri

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
)

// fixedEpoch stands in for the document timestamps when the snapshot time is
// unknown, so that they never come from the wall clock.
func fixedEpoch() time.Time { return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) }

// excelEpoch is day 0 of Excel's 1900 date system as it is used in practice.
func excelEpoch() time.Time { return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC) }

// xlsxStyles holds the style IDs of one workbook.
type xlsxStyles struct{ header, integer, decimal, date int }

// writeXLSX renders the grids as one sheet each, then the Keterangan sheet.
// Numbers are numeric cells with their exact value (decimals shown with two
// decimals, integers without), dates are date cells shown as YYYY-MM-DD,
// empty texts are absent cells. Every sheet has a bold, frozen header row,
// an autofilter over its table, fixed column widths and a landscape print
// layout one page wide. The document
// timestamps are the snapshot time, and the container is rewritten by
// canonicalZip, so the bytes depend on nothing but the input.
func writeXLSX(gs []grid, meta grid, m Meta) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	styles, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	all := append(append([]grid{}, gs...), meta)
	for i, g := range all {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), g.sheet)
		} else {
			_, err = f.NewSheet(g.sheet)
		}
		if err == nil {
			err = fillSheet(f, g, styles, i < len(gs))
		}
		if err != nil {
			return nil, fmt.Errorf("sheet %s: %w", g.sheet, err)
		}
	}
	f.SetActiveSheet(0)
	stamp := m.SnapshotTime.UTC()
	if m.SnapshotTime.IsZero() {
		stamp = fixedEpoch()
	}
	err = f.SetDocProps(&excelize.DocProperties{
		Title:          fmt.Sprintf("Indeks Inovasi Daerah %d", m.Year),
		Subject:        "Ekspor data inovasi daerah untuk Kemendagri",
		Creator:        "Jejak",
		LastModifiedBy: "Jejak " + m.JejakVersion,
		Description:    fmt.Sprintf("Snapshot %s pada posisi %d", m.SnapshotHash, m.Position),
		Language:       "id-ID",
		Created:        stamp.Format(time.RFC3339),
		Modified:       stamp.Format(time.RFC3339),
	})
	if err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return canonicalZip(buf.Bytes(), "[Content_Types].xml")
}

func newStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	var err error
	dateFormat := "yyyy-mm-dd"
	for _, st := range []struct {
		id    *int
		style excelize.Style
	}{
		{&s.header, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&s.integer, excelize.Style{NumFmt: 1}}, // "0"
		{&s.decimal, excelize.Style{NumFmt: 2}}, // "0.00"
		{&s.date, excelize.Style{CustomNumFmt: &dateFormat}},
	} {
		if *st.id, err = f.NewStyle(&st.style); err != nil {
			return s, err
		}
	}
	return s, nil
}

// fillSheet writes g's header and cells; table sheets also get an
// autofilter. The cells go through excelize's stream writer, which writes
// each row's XML once instead of building the sheet in memory: the national
// innovation sheet has some two million cells.
func fillSheet(f *excelize.File, g grid, s xlsxStyles, table bool) error {
	last, err := excelize.CoordinatesToCellName(len(g.columns), len(g.rows)+1)
	if err != nil {
		return err
	}
	// Sheet-level settings first: the stream writer carries them over.
	if table {
		if err := f.AutoFilter(g.sheet, "A1:"+last, nil); err != nil {
			return err
		}
	}
	// After AutoFilter, which replaces the sheet properties.
	if err := setPrintLayout(f, g.sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(g.sheet)
	if err != nil {
		return err
	}
	// Last column first: the stream writer puts each width in front of the
	// earlier ones, and readers expect <cols> in ascending order.
	for i := len(g.columns) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, g.columns[i].width); err != nil {
			return err
		}
	}
	err = sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
	if err != nil {
		return err
	}
	values := make([]any, len(g.columns))
	for i, c := range g.columns {
		values[i] = excelize.Cell{StyleID: s.header, Value: c.header}
	}
	// Room for headers wrapped onto two lines; not every reader fits rows.
	if err := sw.SetRow("A1", values, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	for r, row := range g.rows {
		clear(values)
		for i, c := range row {
			if values[i], err = streamCell(c, s); err != nil {
				return err
			}
		}
		ref, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(ref, values[:len(row)]); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// streamCell is a cell as the stream writer takes it; nil leaves it empty.
func streamCell(c cell, s xlsxStyles) (any, error) {
	switch c.kind {
	case integerCell:
		return excelize.Cell{StyleID: s.integer, Value: c.num}, nil
	case decimalCell:
		return excelize.Cell{StyleID: s.decimal, Value: c.num}, nil
	case dateCell:
		d, err := time.Parse(time.DateOnly, c.text)
		if err != nil {
			return nil, err
		}
		return excelize.Cell{StyleID: s.date, Value: int64(d.Sub(excelEpoch()) / (24 * time.Hour))}, nil
	default:
		if c.text == "" {
			return nil, nil
		}
		return c.text, nil
	}
}

// setPrintLayout prints a sheet on landscape A4, one page wide, with the
// header row repeated on every page.
func setPrintLayout(f *excelize.File, sheet string) error {
	fit, wide, tall, a4, landscape := true, 1, 0, 9, "landscape"
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall})
	if err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$1:$1", Scope: sheet})
}
