package sampledata

import (
	"bytes"
	"fmt"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// SamplePDF returns a small generated PDF of pages A4 pages for the demo's
// evidence (and for tests): each page says in large letters that it is a
// sample ("CONTOH"), then title and the page number. The same arguments give
// the same bytes (fixed dates, no compression randomness), so the demo
// stores each sample once. Written with codeberg.org/go-pdf/fpdf.
func SamplePDF(title string, pages int) ([]byte, error) {
	return samplePDF(title, pages, "")
}

// SampleEncryptedPDF is SamplePDF protected with the user password
// password, for tests of what uploads refuse.
func SampleEncryptedPDF(title string, pages int, password string) ([]byte, error) {
	return samplePDF(title, pages, password)
}

func samplePDF(title string, pages int, password string) ([]byte, error) {
	if pages < 1 {
		return nil, fmt.Errorf("sample PDF: %d pages", pages)
	}
	fixed := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(fixed)
	pdf.SetModificationDate(fixed)
	pdf.SetCatalogSort(true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCompression(false) // the text stays readable in the bytes
	pdf.SetTitle(title, true)
	pdf.SetCreator("Jejak (data contoh)", true)
	if password != "" {
		pdf.SetProtection(fpdf.CnProtectPrint, password, password)
	}
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	for i := 1; i <= pages; i++ {
		pdf.AddPage()
		pdf.SetFont("Helvetica", "B", 48)
		pdf.SetTextColor(200, 40, 40)
		pdf.CellFormat(0, 30, "CONTOH", "", 1, "C", false, 0, "")
		pdf.SetFont("Helvetica", "", 14)
		pdf.SetTextColor(0, 0, 0)
		pdf.MultiCell(0, 8, tr(title), "", "C", false)
		pdf.Ln(6)
		pdf.SetFont("Helvetica", "I", 11)
		pdf.MultiCell(0, 6, tr("Dokumen contoh yang dibuat Jejak untuk data demo; bukan dokumen resmi."), "", "C", false)
		pdf.SetY(-25)
		pdf.CellFormat(0, 10, fmt.Sprintf("Halaman %d dari %d", i, pages), "", 0, "C", false, 0, "")
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("sample PDF: %w", err)
	}
	return buf.Bytes(), nil
}
