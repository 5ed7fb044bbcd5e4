package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPublicPathsInBrowser follows the public's and the auditor's paths
// through the demo data (issue 16): the year travels with every link into
// a profile, and the profile explains its score with the API's figures.
func TestPublicPathsInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test; not in -short")
	}
	e := startDashboardEnvWith(t, true)

	t.Run("ranking 2024 -> Berau opens Berau's 2024 result", func(t *testing.T) {
		e := e.as(t)
		var sc struct {
			Published struct {
				IID float64 `json:"iid"`
			} `json:"published"`
		}
		e.call("", "GET", "/api/v1/index/2024/64.03", nil, &sc, 200)
		if sc.Published.IID != 32.37 {
			t.Fatalf("the demo's Berau 2024 is %v in the API, the test expects 32.37", sc.Published.IID)
		}
		ctx := e.tab("", 30*time.Second)
		e.open(ctx, "#/peringkat?year=2024&cluster=kabupaten", `#rank-table a[href^="#/daerah/64.03"]`)
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#rank-table a[href^="#/daerah/64.03"]`)),
			poll(`location.hash.startsWith('#/daerah/64.03') && !!document.querySelector('#region-iid')`)))
		if got := text(t, ctx, "#region-iid"); got != "32,37" {
			t.Errorf("Berau's profile from the 2024 ranking shows %q, want 32,37", got)
		}
		hash, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash`))
		must(t, err)
		if !strings.Contains(hash, "year=2024") || !strings.Contains(hash, "cluster=kabupaten") {
			t.Errorf("the profile's address %q lost the year or the cluster", hash)
		}
		if got := text(t, ctx, "#back-to-ranking"); !strings.Contains(got, "Kabupaten 2024") {
			t.Errorf("the way back reads %q", got)
		}
	})
}
