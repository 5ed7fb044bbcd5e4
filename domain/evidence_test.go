package domain_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
)

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestEvidence(t *testing.T) {
	ctx := context.Background()
	upload := func(actor domain.Actor, region, sum string) domain.UploadEvidenceCommand {
		return domain.UploadEvidenceCommand{CommandMeta: meta(actor), Region: region, SHA256: sum, Size: 1234,
			MediaType: domain.MediaPDF, Pages: 2, Name: "../../etc/Perbup\x00 39\n.pdf"}
	}
	mine, theirs, never := hashOf("perbup"), hashOf("lampung barat"), hashOf("never")
	lambar := testsupport.Operator("18.04")

	t.Run("records an upload once per region, with a cleaned name", func(t *testing.T) {
		s, _ := MustService(t)
		res, view, err := s.UploadEvidence(ctx, upload(operator, "18.01", mine))
		if err != nil || res.Version != 1 || view.Name != "Perbup 39 .pdf" || view.Pages != 2 || view.UploadedBy != operator.UserID {
			t.Fatalf("got %+v %+v %v", res, view, err)
		}
		res, view, err = s.UploadEvidence(ctx, upload(operator, "18.01", mine))
		if err != nil || res.Version != 1 || view.Name != "Perbup 39 .pdf" {
			t.Fatalf("second upload: %+v %+v %v", res, view, err)
		}
	})
	t.Run("refuses uploads for another region, by the public or an auditor, and bad descriptions", func(t *testing.T) {
		s, _ := MustService(t)
		_, _, err := s.UploadEvidence(ctx, upload(lambar, "18.01", mine))
		wantCode(t, err, domain.CodeOutOfScope)
		_, _, err = s.UploadEvidence(ctx, upload(testsupport.Auditor, "18.01", mine))
		wantCode(t, err, domain.CodeForbidden)
		_, _, err = s.UploadEvidence(ctx, upload(domain.Actor{UserID: "anon", Role: domain.RolePublic}, "18.01", mine))
		wantCode(t, err, domain.CodeForbidden)
		for name, change := range map[string]func(*domain.UploadEvidenceCommand){
			"empty":          func(c *domain.UploadEvidenceCommand) { c.Size = 0 },
			"html":           func(c *domain.UploadEvidenceCommand) { c.MediaType = "text/html" },
			"pdf, no pages":  func(c *domain.UploadEvidenceCommand) { c.Pages = 0 },
			"upper-case hex": func(c *domain.UploadEvidenceCommand) { c.SHA256 = strings.ToUpper(mine) },
		} {
			cmd := upload(operator, "18.01", mine)
			change(&cmd)
			_, _, err := s.UploadEvidence(ctx, cmd)
			if !domain.IsCode(err, domain.CodeInvalid) {
				t.Errorf("%s: got %v", name, err)
			}
		}
	})
	t.Run("answers cite files uploaded for their own region only", func(t *testing.T) {
		s, _ := MustService(t)
		check(s.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: meta(testsupport.Coordinator), Year: 2025, CatalogueVersion: "iid-2025.1", Schedule: testsupport.Schedule2025()}))(t)
		if _, _, err := s.UploadEvidence(ctx, upload(operator, "18.01", mine)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UploadEvidence(ctx, upload(lambar, "18.04", theirs)); err != nil {
			t.Fatal(err)
		}
		answer := func(files ...string) domain.SubmitAnswerCommand {
			return domain.SubmitAnswerCommand{CommandMeta: meta(operator), Year: 2025, Region: "18.01", Indicator: "8", Option: 3,
				Evidence: domain.Evidence{Files: files, Links: []string{"https://example.go.id/sk"}}}
		}
		for name, files := range map[string][]string{
			"never uploaded":      {mine, never},
			"another region's":    {theirs},
			"not a hash":          {"perbup.pdf"},
			"the same file twice": {mine, mine},
		} {
			_, err := s.SubmitAnswer(ctx, answer(files...))
			if !domain.IsCode(err, domain.CodeInvalid) {
				t.Errorf("%s: got %v", name, err)
			}
		}
		check(s.SubmitAnswer(ctx, answer(mine)))(t)
		a := check(s.Assessment(ctx, 2025, "18.01"))(t)
		if len(a.Answers) != 1 || len(a.Answers[0].Evidence.Files) != 1 || a.Answers[0].Evidence.Files[0] != mine {
			t.Fatalf("got %+v", a.Answers)
		}
		// the same answer again changes nothing
		res := check(s.SubmitAnswer(ctx, answer(mine)))(t)
		if res.Version != 2 {
			t.Fatalf("resubmitting the same evidence: %+v", res)
		}
	})
}

func TestCleanFileName(t *testing.T) {
	long := strings.Repeat("a", 300) + ".pdf"
	for in, want := range map[string]string{
		"../../etc/passwd":        "passwd",
		`C:\Users\ani\Perbup.pdf`: "Perbup.pdf",
		"bukti\x00.pdf":           "bukti.pdf",
		"SK\nKepala\r\nDinas.pdf": "SK Kepala Dinas.pdf",
		"invoice\u202Efdp.exe":    "invoicefdp.exe",
		"  .hidden.pdf ":          "hidden.pdf",
		"":                        "berkas",
		"../":                     "berkas",
		"Cafe\u0301.png":          "Café.png",
		long:                      strings.Repeat("a", 116) + ".pdf",
		"\xff\xfeok.jpg":          "ok.jpg",
	} {
		if got := domain.CleanFileName(in); got != want {
			t.Errorf("CleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
