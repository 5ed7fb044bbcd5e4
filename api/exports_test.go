package api_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api/apitest"
)

func TestExportAPI(t *testing.T) {
	s := apitest.Start(t)
	p := tokens(s)
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2025)})
	res := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator,
		Body: innovationBody(own, "Antrean daring", "2025-01-10")})
	res = s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.operator,
		Body: answerBody("1", "", 3, "RPJMD memuat inovasi")})
	s.WaitForProjections(res.Position())

	t.Run("refuses an unknown year and the public", func(t *testing.T) {
		bad := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/exports", Token: p.auditor, Body: map[string]any{"year": 1999}})
		if bad.Status != http.StatusUnprocessableEntity {
			t.Errorf("unknown year: %d %s", bad.Status, bad.Body)
		}
		anon := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/exports", Body: map[string]any{"year": 2025}})
		if anon.Status != http.StatusUnauthorized {
			t.Errorf("public: %d", anon.Status)
		}
	})

	t.Run("builds an export in the background and serves its zip", func(t *testing.T) {
		started := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/exports", Token: p.auditor, Body: map[string]any{"year": 2025}})
		if started.Status != http.StatusAccepted {
			t.Fatalf("start: %d %s", started.Status, started.Body)
		}
		id := started.Map(t)["id"].(string)
		deadline := time.Now().Add(30 * time.Second)
		var job map[string]any
		for {
			job = s.MustDo(apitest.Request{Method: "GET", Path: "/api/v1/exports/" + id, Token: p.auditor}).Map(t)
			if job["status"] == "done" || job["status"] == "failed" || time.Now().After(deadline) {
				break
			}
		}
		if job["status"] != "done" {
			t.Fatalf("export %s: %v", id, job)
		}
		dl := s.Do(apitest.Request{Method: "GET", Path: "/api/v1/exports/" + id + "/download", Token: p.auditor})
		if dl.Status != http.StatusOK || dl.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("download: %d %s", dl.Status, dl.Header.Get("Content-Type"))
		}
		zr, err := zip.NewReader(bytes.NewReader(dl.Body), int64(len(dl.Body)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
			if f.Name == "inovasi.csv" {
				rc, _ := f.Open()
				data, _ := io.ReadAll(rc)
				if !bytes.Contains(data, []byte("Antrean daring")) {
					t.Errorf("inovasi.csv lacks the innovation:\n%s", data)
				}
			}
		}
		if got := strings.Join(names, " "); !strings.Contains(got, "export.xlsx") || !strings.Contains(got, "manifest.json") {
			t.Errorf("zip holds %s", got)
		}
		list := s.MustDo(apitest.Request{Method: "GET", Path: "/api/v1/exports", Token: p.auditor}).Map(t)
		if items := list["items"].([]any); len(items) != 1 {
			t.Errorf("list has %d exports, want 1", len(items))
		}
	})
}
