package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
)

// TestServe starts Jejak exactly as `jejak serve` does (embedded NATS on
// file storage, projections, reactors, HTTP on a loopback port) and goes
// through it once: ready, one write, the same fact read back.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	jejak, err := app.Start(ctx, app.Config{Addr: "127.0.0.1:0", Storage: app.StorageConfig{DataDir: dir}, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer jejak.Close()

	get := func(path, token string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, jejak.URL()+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return do(t, req)
	}
	if status, body := get("/readyz", ""); status != http.StatusOK || body["status"] != "ready" {
		t.Fatalf("/readyz: %d %v", status, body)
	}

	token, err := jejak.Tokens.Issue(domain.Actor{UserID: "operator.berau", Role: domain.RoleOperator, Region: "64.03"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, jejak.URL()+"/api/v1/innovations", strings.NewReader(
		`{"region":"64.03","name":"Antrean Puskesmas Daring","unit":"Dinas Kesehatan","initiator":"opd",
		  "form":"pelayanan_publik","digital":true,"affair":"kesehatan",
		  "problem":"antrean panjang","solution":"pendaftaran daring","benefit":"waktu tunggu turun"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "serve-test-1")
	status, written := do(t, req)
	if status != http.StatusCreated {
		t.Fatalf("propose: %d %v", status, written)
	}
	id, _ := written["id"].(string)
	pos, _ := written["position"].(float64)
	if id == "" || pos < 1 {
		t.Fatalf("propose answered %v, want an id and a position", written)
	}

	status, read := get("/api/v1/innovations/"+id+"?min_position="+jsonNumber(pos), token)
	if status != http.StatusOK || read["name"] != "Antrean Puskesmas Daring" || read["region"] != "64.03" {
		t.Fatalf("read back: %d %v", status, read)
	}
}

func do(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %q", req.Method, req.URL.Path, res.StatusCode, data)
	}
	return res.StatusCode, body
}

func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}
