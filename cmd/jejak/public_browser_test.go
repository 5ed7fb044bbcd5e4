package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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

	t.Run("the written-out computation is the API's", func(t *testing.T) {
		e := e.as(t)
		var sc struct {
			Method struct {
				MinDivisor int `json:"min_divisor"`
			}
		}
		var raw map[string]json.RawMessage
		e.call("", "GET", "/api/v1/index/2024/64.03", nil, &raw, 200)
		must(t, json.Unmarshal(raw["method"], &sc.Method))
		var v map[string]any
		must(t, json.Unmarshal(raw["verified"], &v))
		str := func(k string) string { return v[k].(string) }
		ctx := e.tab("", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2024", "#computation")
		for sel, want := range map[string]string{
			"#calc-spd": idDec(str("spd")), "#calc-sid-sum": idDec(str("sid_sum")), "#calc-n": fmt.Sprint(v["counted_innovations"]),
			"#calc-divisor": fmt.Sprint(v["divisor"]), "#calc-sid-mean": idDec(str("sid_mean")), "#calc-ind36": idDec(str("indicator_36")),
			"#calc-sid": idDec(str("sid")), "#calc-total": idDec(str("total")), "#calc-iid": idNumber(v["iid"].(float64)),
			"#calc-predicate": str("predicate"),
		} {
			if got := text(t, ctx, sel); got != want {
				t.Errorf("%s reads %q, the API says %q", sel, got, want)
			}
		}
		if got := text(t, ctx, "#calc-iid"); got != text(t, ctx, "#region-iid") || got != "32,37" {
			t.Errorf("the computation ends at %q, the page shows %q", got, text(t, ctx, "#region-iid"))
		}
		if got := text(t, ctx, "#calc-band"); got != "0,01 sampai 34,99" {
			t.Errorf("Kurang Inovatif's band reads %q", got)
		}
		if got := text(t, ctx, "#computation"); !strings.Contains(got, fmt.Sprintf("maks(%d; ", sc.Method.MinDivisor)) {
			t.Errorf("the divisor rule is not written out: %q", got)
		}
		// the public reads what was decided, not event ids
		if n := count(t, ctx, "main a.event-ref, main code.id"); n != 0 {
			t.Errorf("the public is shown %d event or innovation ids", n)
		}
		ctx = e.tab("auditor", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2024", "#computation")
		if got := text(t, ctx, "table a.event-ref"); !strings.HasPrefix(got, "lihat peristiwa") {
			t.Errorf("an auditor's event link reads %q", got)
		}
	})

	t.Run("the score history shows the API's steps, and a step opens its event", func(t *testing.T) {
		e := e.as(t)
		type step struct {
			EventID string `json:"event_id"`
			Actor   struct {
				User string `json:"user"`
				Role string `json:"role"`
			} `json:"actor"`
			Verified struct{ Before, After float64 } `json:"verified"`
		}
		var pub, aud struct{ Items []step }
		e.call("", "GET", "/api/v1/index/2024/64.03/history", nil, &pub, 200)
		e.call("auditor", "GET", "/api/v1/index/2024/64.03/history", nil, &aud, 200)
		if len(pub.Items) < 2 || len(pub.Items) != len(aud.Items) {
			t.Fatalf("Berau 2024 has %d steps for the public, %d for the auditor", len(pub.Items), len(aud.Items))
		}
		for i := range pub.Items {
			if pub.Items[i].Actor.User != "" || aud.Items[i].Actor.User == "" {
				t.Fatalf("step %d names the user %q to the public and %q to the auditor", i, pub.Items[i].Actor.User, aud.Items[i].Actor.User)
			}
		}
		last := aud.Items[len(aud.Items)-1]
		if last.Verified.After != 32.37 {
			t.Errorf("the history ends at %v, the published score is 32.37", last.Verified.After)
		}
		ctx := e.tab("auditor", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2024", "svg.chart.steps")
		if n := count(t, ctx, "#history-table tbody tr"); n != len(aud.Items) {
			t.Errorf("the table has %d rows, the API %d steps", n, len(aud.Items))
		}
		if n := count(t, ctx, "svg.chart.steps circle"); n != 2*len(aud.Items) {
			t.Errorf("the chart has %d points, want %d (verified and provisional per step)", n, 2*len(aud.Items))
		}
		if e.shots() {
			e.shoot(t, ctx, "riwayat-skor", "section:has(svg.chart.steps)")
		}
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#history-details').open = true`)))
		if got := text(t, ctx, "#history-table tbody tr:first-child td:nth-child(5)"); !strings.HasSuffix(got, idNumber(last.Verified.After)) {
			t.Errorf("the newest step's verified IID reads %q, want it to end at %s", got, idNumber(last.Verified.After))
		}
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#history-table tbody tr:first-child a.step-event`)), chromedp.WaitVisible(chromedp.CSS(`#audit-one`))))
		if n := count(t, ctx, "#audit-table tbody tr"); n != 1 {
			t.Errorf("the step's event shows %d audit rows, want 1", n)
		}
		hash, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash`))
		must(t, err)
		if !strings.Contains(hash, "event="+last.EventID) {
			t.Errorf("the step opened %q, not its event %s", hash, last.EventID)
		}
	})

	t.Run("a year in penjaringan reads sementara, without a predicate badge", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("operator", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2026", "#region-iid")
		if got := text(t, ctx, "#region-iid-label"); got != "IID 2026 sementara" {
			t.Errorf("the 2026 score is labelled %q", got)
		}
		if got := text(t, ctx, "#provisional-note"); !strings.Contains(got, "penjaringan") {
			t.Errorf("the note does not name the phase: %q", got)
		}
		if n := count(t, ctx, "#score-summary .badge"); n != 0 {
			t.Errorf("a year in penjaringan shows %d predicate badges", n)
		}
		if got := text(t, ctx, "#computation"); !strings.Contains(got, "Predikat belum ditetapkan") {
			t.Errorf("the computation reads as a final result: %q", got)
		}
	})
}

// idDec formats an exact decimal string of the API as the dashboard does:
// at least two decimals, a comma, dots between thousands ("1429" -> "1.429,00").
func idDec(s string) string {
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	n, _ := strconv.Atoi(whole)
	out := idInt(n) + "," + frac
	if neg {
		out = "-" + out
	}
	return out
}

// shots reports whether the test writes screenshots (JEJAK_SCREENSHOTS=1).
func (e *dashboardEnv) shots() bool { return os.Getenv("JEJAK_SCREENSHOTS") != "" }

// shoot writes the section around sel, at the tab's size, to
// docs/screenshots/<name>-desktop.png.
func (e *dashboardEnv) shoot(t *testing.T, ctx context.Context, name, sel string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	must(t, err, name)
	must(t, os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", name+"-desktop.png"), buf, 0o644))
}
