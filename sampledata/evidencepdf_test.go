package sampledata_test

import (
	"bytes"
	"testing"

	pdfapi "github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/jejak-id/jejak/sampledata"
)

func TestSamplePDF(t *testing.T) {
	model.ConfigPath = "disable"
	a, err := sampledata.SamplePDF("Peraturan Bupati Berau Nomor 39 Tahun 2024", 3)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sampledata.SamplePDF("Peraturan Bupati Berau Nomor 39 Tahun 2024", 3)
	if !bytes.Equal(a, b) {
		t.Error("the same sample twice differs")
	}
	n, err := pdfapi.PageCount(bytes.NewReader(a), model.NewDefaultConfiguration())
	if err != nil || n != 3 {
		t.Fatalf("pages %d, %v", n, err)
	}
	if !bytes.Contains(a, []byte("CONTOH")) {
		t.Error("the page does not say CONTOH")
	}
}
