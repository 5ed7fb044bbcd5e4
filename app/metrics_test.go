package app_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/app"
)

// TestShippedMonitoringNamesRealMetrics: every jejak_ metric the alerting
// rules and the Grafana dashboard in deploy/ use is one /metrics serves.
func TestShippedMonitoringNamesRealMetrics(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	jejak, err := app.Start(ctx, app.Config{Addr: "127.0.0.1:0", Storage: app.StorageConfig{DataDir: t.TempDir()}, Version: "test", NoReactors: true})
	if err != nil {
		t.Fatal(err)
	}
	defer jejak.Close()
	// One request, so that the request histogram has a series.
	if res, err := http.Get(jejak.URL() + "/healthz"); err == nil {
		res.Body.Close()
	}
	res, err := http.Get(jejak.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	served := map[string]bool{}
	for _, l := range strings.Split(string(body), "\n") {
		if name, ok := strings.CutPrefix(l, "# TYPE "); ok {
			served[strings.Fields(name)[0]] = true
		}
	}
	metric := regexp.MustCompile(`\bjejak_[a-z_]+`)
	for _, file := range []string{"../deploy/prometheus/alerts.yml", "../deploy/grafana/jejak-dashboard.json"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range metric.FindAllString(string(data), -1) {
			base := name
			for _, suffix := range []string{"_bucket", "_count", "_sum"} {
				if trimmed, ok := strings.CutSuffix(name, suffix); ok && served[trimmed] {
					base = trimmed
				}
			}
			if !served[base] {
				t.Errorf("%s uses %s, which /metrics does not serve", file, name)
			}
		}
	}
}
