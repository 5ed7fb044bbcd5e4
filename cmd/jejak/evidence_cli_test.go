package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
	"github.com/jejak-id/jejak/projections/kemendagri"
	"github.com/jejak-id/jejak/sampledata"
)

// TestEvidenceCommands: jejak export --with-evidence writes the cited files
// named by hash and lists them in the manifest; jejak verify checks them and
// re-hashes the store's objects, naming one whose bytes changed and one
// that is missing.
func TestEvidenceCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	now := testsupport.Day("2025-07-01")
	a, err := app.Start(ctx, app.Config{Addr: "127.0.0.1:0", Storage: app.StorageConfig{DataDir: data}, Version: "test",
		NoReactors: true, NoSeal: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	meta := func(actor domain.Actor) domain.CommandMeta {
		return domain.CommandMeta{CommandID: uuid.New(), Actor: actor, CorrelationID: "test"}
	}
	op := testsupport.Operator("64.03")
	if _, err := a.Service.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: meta(testsupport.Coordinator), Year: 2025,
		CatalogueVersion: "iid-2025.1", Schedule: testsupport.Schedule2025()}); err != nil {
		t.Fatal(err)
	}
	var sums []string
	for i, ind := range []string{"1", "8"} {
		pdf, err := sampledata.SamplePDF("Bukti indikator "+ind, i+1)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(pdf)
		h := hex.EncodeToString(sum[:])
		if _, err := a.Evidence.Put(ctx, h, int64(len(pdf)), bytes.NewReader(pdf)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Service.UploadEvidence(ctx, domain.UploadEvidenceCommand{CommandMeta: meta(op), Region: "64.03", SHA256: h,
			Size: int64(len(pdf)), MediaType: domain.MediaPDF, Pages: i + 1, Name: "bukti-" + ind + ".pdf"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Service.SubmitAnswer(ctx, domain.SubmitAnswerCommand{CommandMeta: meta(op), Year: 2025, Region: "64.03",
			Indicator: ind, Option: 2, Evidence: domain.Evidence{Files: []string{h}}}); err != nil {
			t.Fatal(err)
		}
		sums = append(sums, h)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "ekspor")
	printed := mustJejak(t, "export", "--data", data, "--year", "2025", "--out", out, "--with-evidence")
	if !strings.Contains(printed, "2 berkas bukti dukung") {
		t.Errorf("export printed %q", printed)
	}
	raw, err := os.ReadFile(filepath.Join(out, kemendagri.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var man kemendagri.Manifest
	if err := json.Unmarshal(raw, &man); err != nil {
		t.Fatal(err)
	}
	if len(man.Evidence) != 2 {
		t.Fatalf("manifest lists %+v", man.Evidence)
	}
	for i, f := range man.Evidence {
		got, err := os.ReadFile(filepath.Join(out, f.Name))
		if err != nil || f.Name != "evidence/"+f.SHA256+".pdf" || !slices.Contains(sums, f.SHA256) {
			t.Fatalf("evidence %d: %+v, %v", i, f, err)
		}
		sum := sha256.Sum256(got)
		if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(got)) != f.Size {
			t.Errorf("%s does not hash to its name", f.Name)
		}
	}
	if printed := mustJejak(t, "verify", "--data", data, out); !strings.Contains(printed, "COCOK: 2 berkas bukti dukung di ekspor") ||
		!strings.Contains(printed, "COCOK: 2 berkas bukti dukung yang dirujuk riwayat") {
		t.Errorf("verify printed %q", printed)
	}

	t.Run("names a changed file of the export", func(t *testing.T) {
		path := filepath.Join(out, man.Evidence[0].Name)
		if err := os.WriteFile(path, []byte("%PDF-1.4 diganti"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, printed, _ := jejak(t, "verify", "--data", data, out)
		if code != 1 || !strings.Contains(printed, "TIDAK COCOK") || !strings.Contains(printed, man.Evidence[0].SHA256) {
			t.Errorf("exit %d, %q", code, printed)
		}
	})

	t.Run("names changed and missing objects in the store", func(t *testing.T) {
		o, err := app.OpenStorage(ctx, app.StorageConfig{DataDir: data}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := app.OpenEvidenceObjects(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := ev.PutRaw(ctx, sums[0], bytes.NewReader([]byte("%PDF-1.4 bukan aslinya"))); err != nil {
			t.Fatal(err)
		}
		if err := ev.Delete(ctx, sums[1]); err != nil {
			t.Fatal(err)
		}
		o.Close()
		code, printed, _ := jejak(t, "verify", "--data", data, "--evidence")
		if code != 1 || !strings.Contains(printed, "BERUBAH: bukti dukung "+sums[0]) || !strings.Contains(printed, "HILANG: bukti dukung "+sums[1]) {
			t.Errorf("exit %d, %q", code, printed)
		}
	})
}
