package importer

import (
	"errors"
	"testing"
)

// FuzzReadWorkbook feeds arbitrary bytes to the spreadsheet reader and the
// column readers behind jejak import: whatever the file, the reader answers
// a workbook or a *FileError (never a panic or another error), never holds
// more data rows than its limit, and every row it returns can be read
// against the innovation columns without a panic.
func FuzzReadWorkbook(f *testing.F) {
	template, err := Template()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(template)
	f.Add([]byte("Kode Daerah;Nama Inovasi\n18.04;Puskesmas Daring\n"))
	f.Add([]byte("Kode Daerah,Nama Inovasi,Tanggal Usulan\n18.04,\"Nama, dengan koma\",02/01/2025\n,,\n"))
	f.Add([]byte("\xef\xbb\xbfKode Daerah,Kode Daerah\n1,2\n"))
	f.Add([]byte("=HYPERLINK(\"x\"),+1\n-1,@A1\n"))
	f.Add([]byte("PK\x03\x04 not a zip"))
	f.Add([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
	f.Add([]byte{0xff, 0xfe, 0x00})
	const maxRows = 50
	f.Fuzz(func(t *testing.T, data []byte) {
		wb, err := readWorkbook(data, maxRows)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("an error that is not a FileError: %T %v", err, err)
			}
			if fe.Message == "" {
				t.Fatal("a FileError without a message")
			}
			return
		}
		if wb == nil || (wb.innovations == nil && wb.answers == nil) {
			t.Fatal("no error and no sheet")
		}
		for _, tab := range []*table{wb.innovations, wb.answers} {
			if tab == nil {
				continue
			}
			if len(tab.rows) > maxRows {
				t.Fatalf("sheet %q: %d rows read, over the limit of %d", tab.sheet, len(tab.rows), maxRows)
			}
			last := 1
			for _, r := range tab.rows {
				if r.num <= last {
					t.Fatalf("sheet %q: row number %d after %d", tab.sheet, r.num, last)
				}
				last = r.num
			}
		}
		if wb.innovations == nil {
			return
		}
		l, _, err := layoutOf(wb.innovations, &innovationSheet)
		if err != nil {
			return
		}
		for _, r := range wb.innovations.rows {
			readInnovation(l, r)
		}
	})
}
