package sampledata

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/jejak-id/jejak/domain"
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

// Document is a generated sample evidence file of the demo.
type Document struct {
	SHA256 string
	Name   string
	Pages  int
	Data   []byte
}

// demoEvidenceYear is the published demo year whose answers carry sample
// files (decided, as the year is published); the open year's pending
// answers carry them too (planOpenYear), and those are what the
// verification queue shows on first run.
const demoEvidenceYear = 2025

// demoDocument is the sample bukti dukung of a seed region's year: a short
// PDF that says on every page that it is a sample.
func demoDocument(r domain.Region, year int) (*Document, error) {
	const pages = 2
	data, err := SamplePDF(fmt.Sprintf("Bukti dukung Indeks Inovasi Daerah %d - %s (data contoh)", year, r.Name), pages)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	return &Document{SHA256: hex.EncodeToString(sum[:]), Name: fmt.Sprintf("bukti-dukung-%d-%s.pdf", year, slug(r.Name)),
		Pages: pages, Data: data}, nil
}

// withDocument plans the upload of r's sample document for year, a day
// before the answers, and returns ev with the document cited by every
// answer.
func withDocument(p *plan, r domain.Region, year int, upload time.Time, ev func(string, int) domain.Evidence) (func(string, int) domain.Evidence, error) {
	doc, err := demoDocument(r, year)
	if err != nil {
		return nil, err
	}
	p.add(fmt.Sprintf("evidence/%d/%s", year, r.Code), &action{at: at(upload, 3, 0), kind: actUploadEvidence, actor: operator(r),
		year: year, region: r.Code, document: doc})
	return func(code string, option int) domain.Evidence {
		e := ev(code, option)
		e.Files = []string{doc.SHA256}
		return e
	}, nil
}

// DemoDocuments are the sample files the demo's answers cite, for the
// server to store before it loads the demo.
func DemoDocuments() ([]Document, error) {
	p, err := planDemo(40)
	if err != nil {
		return nil, err
	}
	var out []Document
	for _, a := range p.actions {
		if a.kind == actUploadEvidence {
			out = append(out, *a.document)
		}
	}
	return out, nil
}
