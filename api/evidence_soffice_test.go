package api_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api/apitest"
)

// fodt is a flat OpenDocument text of n pages, each starting with a page
// break (the first excepted).
func fodt(n int) string {
	var body strings.Builder
	for i := 1; i <= n; i++ {
		style := "Standard"
		if i > 1 {
			style = "Break"
		}
		fmt.Fprintf(&body, `<text:p text:style-name="%s">Bukti dukung contoh, halaman %d dari %d.</text:p>`, style, i, n)
	}
	return `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:automatic-styles>
  <style:style style:name="Break" style:family="paragraph"><style:paragraph-properties fo:break-before="page"/></style:style>
 </office:automatic-styles>
 <office:body><office:text>` + body.String() + `</office:text></office:body>
</office:document>
`
}

// TestEvidenceLibreOfficePDF: a PDF made by LibreOffice (soffice
// --convert-to pdf) uploads, is counted as the pages it has, and downloads
// byte for byte. CI installs libreoffice-writer; without soffice the test
// is skipped locally.
func TestEvidenceLibreOfficePDF(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI: soffice not found (install libreoffice-writer)")
		}
		t.Skip("soffice not found: install libreoffice-writer to run this test")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "bukti.fodt")
	if err := os.WriteFile(src, []byte(fodt(4)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// a profile of its own, so that a running LibreOffice does not take the job
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--norestore", "--convert-to", "pdf", "--outdir", dir, src)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v: %s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "bukti.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)
	files := mustUpload(t, c, s, p.operator, own, upload{"Laporan LibreOffice.pdf", pdf})
	if len(files) != 1 || files[0].Pages != 4 || files[0].MediaType != "application/pdf" || files[0].SHA256 != sha(pdf) {
		t.Fatalf("got %+v", files)
	}
	res := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/evidence/" + files[0].SHA256, Token: p.operator})
	if res.Status != 200 || !bytes.Equal(res.Body, pdf) {
		t.Fatalf("download: %d, %d bytes of %d, equal %v", res.Status, len(res.Body), len(pdf), bytes.Equal(res.Body, pdf))
	}
}
