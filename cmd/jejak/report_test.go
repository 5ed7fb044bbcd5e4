package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/app"
)

// TestVerifyReportCommand checks a report's verification code offline:
// `jejak verify-report CODE` replays the store to the code's position and
// finds the same score; a code with another digest does not match.
func TestVerifyReportCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo; not in -short")
	}
	data := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	jejakApp, err := app.Start(ctx, app.Config{Addr: "127.0.0.1:0", Storage: app.StorageConfig{DataDir: data}, Demo: true, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(jejakApp.URL() + "/api/v1/index/2024/64.03/report")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Code string `json:"code"`
	}
	err = json.NewDecoder(res.Body).Decode(&rep)
	res.Body.Close()
	if err != nil || rep.Code == "" {
		t.Fatalf("report code: %v %q", err, rep.Code)
	}
	if err := jejakApp.Close(); err != nil {
		t.Fatal(err)
	}

	if out := mustJejak(t, "verify-report", "--data", data, rep.Code); !strings.HasPrefix(out, "COCOK") || !strings.Contains(out, "IID 32.37") {
		t.Errorf("verify-report printed %q", out)
	}
	last := rep.Code[len(rep.Code)-1:]
	forged := rep.Code[:len(rep.Code)-1] + map[bool]string{true: "1", false: "0"}[last == "0"]
	code, out, _ := jejak(t, "verify-report", "--data", data, forged)
	if code == 0 || !strings.HasPrefix(out, "TIDAK COCOK") {
		t.Errorf("a forged code: exit %d, %q", code, out)
	}
	if code, _, errOut := jejak(t, "verify-report", "--data", data, "bukan-kode"); code != 2 || !strings.Contains(errOut, "is not a report code") {
		t.Errorf("a malformed code: exit %d, %q", code, errOut)
	}
}
