package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jejak-id/jejak/api/apitest"
)

// TestImportAPI: the template, a dry run (nothing appended), the import, a
// re-run (nothing appended), an operator's row of another region, and a
// file that is not a spreadsheet; every answer against the contract.
func TestImportAPI(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2025)})
	csvHeader := "Kode Daerah;Nama Inovasi;Perangkat Daerah;Inisiator;Bentuk Inovasi;Digital;Urusan Pemerintahan;Permasalahan;Solusi;Manfaat;Tanggal Inisiatif;Tanggal Uji Coba\n"
	file := csvHeader + own + ";Puskesmas Daring;Dinas Kesehatan;Perangkat daerah;Pelayanan publik;Ya;Kesehatan;a;b;c;2024-01-10;2024-03-01\n"
	send := func(token, query, body string) apitest.Response {
		t.Helper()
		return checked(t, c, s, apitest.Request{Method: "POST", Path: "/api/v1/imports" + query, Token: token, Body: body,
			Header: map[string]string{"Content-Type": "text/csv"}})
	}

	if res := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/imports/template"}); res.Status != http.StatusOK ||
		!strings.HasPrefix(string(res.Body), "PK") {
		t.Fatalf("template: %d", res.Status)
	}
	before := s.Head() // the store's: the projections may still be catching up
	dry := send(p.operator, "?dry_run=true", file)
	if m := dry.Map(t); dry.Status != http.StatusOK || m["applied"] != false || m["rows"].([]any)[0].(map[string]any)["status"] != "baru" {
		t.Fatalf("dry run: %d %s", dry.Status, dry.Body)
	}
	if s.Head() != before {
		t.Fatal("a dry run appended")
	}
	real := send(p.operator, "", file).Map(t)
	if real["applied"] != true || real["commits"] != 2.0 || real["position"].(float64) == 0 {
		t.Fatalf("import: %v", real)
	}
	// read after the import's last commit (the projections may lag)
	inn := s.MustDo(apitest.Request{Method: "GET", Token: p.operator, Path: fmt.Sprintf("/api/v1/innovations/%s?min_position=%d",
		real["rows"].([]any)[0].(map[string]any)["id"].(string), int64(real["position"].(float64)))}).Map(t)
	if inn["stage"] != "uji_coba" {
		t.Errorf("imported innovation: %v", inn)
	}
	if again := send(p.operator, "", file).Map(t); again["commits"] != 0.0 {
		t.Errorf("re-run appended %v commits", again["commits"])
	}
	// An innovation entered by hand is found by its name, not proposed again.
	hand := propose(t, s, p.operator, own, "Samsat Keliling", "2024-01-10")
	handRow := csvHeader + own + ";samsat keliling;Dinas Kesehatan;Perangkat daerah;Pelayanan publik;Ya;Kesehatan;a;b;c;2024-01-10;\n"
	if m := send(p.operator, "?dry_run=true", handRow).Map(t); m["rows"].([]any)[0].(map[string]any)["id"] != hand {
		t.Errorf("a hand-entered innovation: %v", m["rows"])
	}
	otherRow := csvHeader + other + ";Lain;Dinas;opd;lainnya;Ya;kesehatan;a;b;c;2024-01-10;\n"
	if m := send(p.operator, "", otherRow).Map(t); m["applied"] != false || len(m["problems"].([]any)) != 1 {
		t.Errorf("another region's row: %v", m)
	}
	if res := send(p.operator, "", "%PDF-1.7 bukan tabel\x00"); res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "bukan spreadsheet") {
		t.Errorf("not a spreadsheet: %d %s", res.Status, res.Body)
	}
	if res := send("", "", file); res.Status != http.StatusUnauthorized {
		t.Errorf("without a token: %d", res.Status)
	}
	if res := send(p.operator, "?dry_run=maybe", file); res.Status != http.StatusBadRequest && res.Status != http.StatusUnprocessableEntity {
		t.Errorf("dry_run=maybe: %d", res.Status)
	}
}
