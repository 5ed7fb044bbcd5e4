package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/ledongthuc/pdf"
	"github.com/xuri/excelize/v2"
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
		// without a year the public sees the latest published one
		var periods struct {
			Items []struct {
				Year  int    `json:"year"`
				Phase string `json:"phase"`
			} `json:"items"`
		}
		e.call("", "GET", "/api/v1/periods", nil, &periods, 200)
		latest := 0
		for _, p := range periods.Items {
			if p.Phase == "published" {
				latest = max(latest, p.Year)
			}
		}
		e.open(ctx, "#/daerah/64.03", "#region-iid-label")
		if got, want := text(t, ctx, "#region-iid-label"), fmt.Sprintf("IID %d (diumumkan)", latest); got != want {
			t.Errorf("the public profile without a year opens %q, want %q", got, want)
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
		if got := text(t, ctx, "table.indicators a.event-ref"); !strings.HasPrefix(got, "lihat peristiwa") {
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

	t.Run("the score and its chart are in the first screen", func(t *testing.T) {
		// Issue 21: at 1366x900 the IID and the score history chart show
		// without scrolling; on a phone the IID is in the first screen and
		// the chart comes right after it, before the explanation. Geometry
		// from getBoundingClientRect at scroll 0, no timing.
		e := e.as(t)
		const geometry = `(() => {
			window.scrollTo(0, 0);
			const r = (sel) => document.querySelector(sel).getBoundingClientRect();
			const iid = r('#region-iid'), sum = r('#score-summary'), chart = r('svg.chart.steps'), calc = r('#computation');
			return { vh: window.innerHeight, iidTop: iid.top, iidBottom: iid.bottom, summaryBottom: sum.bottom,
				chartTop: chart.top, chartBottom: chart.bottom, calcTop: calc.top };
		})()`
		for _, role := range []string{"", "operator"} {
			for _, sz := range []struct {
				name   string
				w, h   int64
				mobile bool
			}{{"desktop", 1366, 900, false}, {"ponsel", 390, 844, true}} {
				ctx := e.tab(role, 30*time.Second)
				vp := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
				if sz.mobile {
					vp = append(vp, chromedp.EmulateMobile)
				}
				must(t, chromedp.Do(ctx, chromedp.EmulateViewport(sz.w, sz.h, vp...)))
				e.open(ctx, "#/daerah/64.03?year=2024", "svg.chart.steps")
				g, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](geometry))
				must(t, err)
				who := fmt.Sprintf("%s at %dx%d (role %q)", sz.name, sz.w, sz.h, role)
				if g["vh"] != float64(sz.h) {
					t.Fatalf("%s: the viewport is %v px high", who, g["vh"])
				}
				if g["iidTop"] < 0 || g["iidBottom"] > g["vh"] {
					t.Errorf("%s: the IID spans %v-%v px, outside the first screen", who, g["iidTop"], g["iidBottom"])
				}
				if !sz.mobile && (g["chartTop"] >= g["vh"] || g["chartBottom"] > g["vh"]) {
					t.Errorf("%s: the score chart spans %v-%v px, not all in the first screen (%v px)", who, g["chartTop"], g["chartBottom"], g["vh"])
				}
				if sz.mobile && !(g["chartTop"] >= g["summaryBottom"] && g["chartTop"] < g["calcTop"]) {
					t.Errorf("%s: the chart starts at %v px, want it right after the score (ends %v px) and before the explanation (%v px)",
						who, g["chartTop"], g["summaryBottom"], g["calcTop"])
				}
			}
		}
	})

	t.Run("the public innovation database returns only allowed fields", func(t *testing.T) {
		e := e.as(t)
		allowed := map[string]bool{}
		for _, k := range []string{"items", "items[]", "detail.stages[]", "detail.replications[]", "total", "limit", "next_cursor", "position",
			"items[].id", "items[].name", "items[].region", "items[].region_name", "items[].province", "items[].unit", "items[].affair",
			"items[].form", "items[].digital", "items[].initiator", "items[].stage", "items[].proposed_on", "items[].years", "items[].counted_years",
			"items[].years[]", "items[].counted_years[]", "items[].made_public_on"} {
			allowed[k] = true
		}
		for _, k := range []string{"id", "name", "region", "region_name", "province", "unit", "affair", "form", "digital", "initiator",
			"stage", "proposed_on", "years", "years[]", "counted_years", "counted_years[]", "problem", "solution", "benefit",
			"stages", "stages[].stage", "stages[].on", "replications", "replications[].region", "replications[].region_name",
			"replications[].on", "origin_innovation_id", "origin_region", "made_public_on"} {
			allowed["detail."+k] = true
		}
		seen := map[string]bool{}
		var walk func(prefix string, v any)
		walk = func(prefix string, v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, c := range v {
					p := k
					if prefix != "" {
						p = prefix + "." + k
					}
					seen[p] = true
					walk(p, c)
				}
			case []any:
				for _, c := range v {
					seen[prefix+"[]"] = true
					walk(prefix+"[]", c)
				}
			}
		}
		// an innovation of the open year its region made public, with an
		// answer and its evidence, which stay the region's
		shown := e.post("operator", "/api/v1/innovations", map[string]any{"region": "64.03", "name": "Inovasi Ditampilkan Daerah Uji",
			"unit": "Bapelitbang", "initiator": "opd", "form": "pelayanan_publik", "digital": true, "affair": "kesehatan",
			"problem": "data contoh", "solution": "data contoh", "benefit": "data contoh", "proposed_on": time.Now().Format(time.DateOnly)})
		shownID := shown["id"].(string)
		var open struct {
			Items []struct {
				Year  int    `json:"year"`
				Phase string `json:"phase"`
			} `json:"items"`
		}
		e.call("", "GET", "/api/v1/periods", nil, &open, 200)
		for _, p := range open.Items {
			if p.Phase == "penjaringan" {
				e.post("operator", fmt.Sprintf("/api/v1/assessments/%d/64.03/answers", p.Year), map[string]any{"indicator": "16", "innovation_id": shownID,
					"option": 1, "evidence": map[string]string{"document_ref": "DOKUMEN-RAHASIA-UJI", "note": "catatan operator uji"}})
			}
		}
		made := e.post("operator", "/api/v1/innovations/"+shownID+"/publicity", map[string]any{"public": true})
		var page map[string]any
		e.call("", "GET", fmt.Sprintf("/api/v1/innovations?limit=500&min_position=%v", made["position"]), nil, &page, 200)
		walk("", page)
		var madePublic map[string]any
		e.call("", "GET", "/api/v1/innovations?limit=500&made_public=true", nil, &madePublic, 200)
		walk("", madePublic)
		if madePublic["total"].(float64) < 1 {
			t.Fatal("the innovation made public is not listed")
		}
		for _, it := range madePublic["items"].([]any) {
			var d map[string]any
			e.call("", "GET", "/api/v1/innovations/"+it.(map[string]any)["id"].(string), nil, &d, 200)
			walk("detail", d)
			if b, _ := json.Marshal(d); strings.Contains(string(b), "DOKUMEN-RAHASIA-UJI") || strings.Contains(string(b), "op-berau") {
				t.Errorf("a made-public innovation shows an answer or a user: %s", b)
			}
		}
		items := page["items"].([]any)
		if len(items) == 0 {
			t.Fatal("the public database of the demo is empty")
		}
		// the detail of every innovation on the page, replicated ones included
		for _, it := range items[:min(len(items), 60)] {
			var d map[string]any
			e.call("", "GET", "/api/v1/innovations/"+it.(map[string]any)["id"].(string), nil, &d, 200)
			walk("detail", d)
		}
		var extra []string
		for k := range seen {
			if !allowed[k] {
				extra = append(extra, k)
			}
		}
		if len(extra) > 0 {
			t.Errorf("the public database returns fields outside the allow-list: %v", extra)
		}
		// only innovations that a published year lists: none proposed after
		// the last published period closed
		var periods struct {
			Items []struct {
				Year     int    `json:"year"`
				Phase    string `json:"phase"`
				ClosesAt string `json:"closes_at"`
			} `json:"items"`
		}
		e.call("", "GET", "/api/v1/periods", nil, &periods, 200)
		lastClose := ""
		for _, p := range periods.Items {
			if p.Phase == "published" && p.ClosesAt > lastClose {
				lastClose = p.ClosesAt
			}
		}
		var all struct {
			Items []struct {
				ProposedOn   string `json:"proposed_on"`
				Years        []int  `json:"years"`
				MadePublicOn string `json:"made_public_on"`
			} `json:"items"`
			Total int `json:"total"`
		}
		e.call("", "GET", "/api/v1/innovations?limit=500&year=2026", nil, &all, 200)
		if all.Total != 0 {
			t.Errorf("%d innovations listed for 2026, which is not published", all.Total)
		}
		e.call("", "GET", "/api/v1/innovations?limit=500", nil, &all, 200)
		for _, it := range all.Items {
			if it.MadePublicOn == "" && (it.ProposedOn > lastClose || len(it.Years) == 0) {
				t.Fatalf("an innovation proposed %s (years %v) is public; the last published period closed %s", it.ProposedOn, it.Years, lastClose)
			}
		}
		// a new proposal is the region's until a published year lists it
		fresh := e.post("operator", "/api/v1/innovations", map[string]any{"region": "64.03", "name": "Inovasi Baru Belum Publik",
			"unit": "Bapelitbang", "initiator": "opd", "form": "pelayanan_publik", "digital": true, "affair": "kesehatan",
			"problem": "data contoh", "solution": "data contoh", "benefit": "data contoh", "proposed_on": time.Now().Format(time.DateOnly)})
		id := fresh["id"].(string)
		e.call("", "GET", fmt.Sprintf("/api/v1/innovations/%s?min_position=%v", id, fresh["position"]), nil, nil, 404)
		var found struct{ Total int }
		e.call("", "GET", "/api/v1/innovations?q=belum+publik", nil, &found, 200)
		if found.Total != 0 {
			t.Errorf("an innovation proposed today is in the public database")
		}
		// the CSV has the same rows, text neutralised
		res, err := http.Get(e.base + "/api/v1/innovations?format=csv&region=64.03")
		must(t, err)
		defer res.Body.Close()
		rows, err := csv.NewReader(res.Body).ReadAll()
		must(t, err)
		var berau struct{ Total int }
		e.call("", "GET", "/api/v1/innovations?region=64.03", nil, &berau, 200)
		if res.Header.Get("Content-Type") != "text/csv; charset=utf-8" || len(rows) != berau.Total+1 || rows[0][1] != "Nama inovasi" {
			t.Errorf("CSV %s with %d rows (want %d and a header), header %v", res.Header.Get("Content-Type"), len(rows), berau.Total+1, rows[0])
		}
	})

	t.Run("Basis data inovasi filters, pages and opens an innovation", func(t *testing.T) {
		e := e.as(t)
		var all, kes struct {
			Total int `json:"total"`
			Items []struct {
				ID, Name string
			} `json:"items"`
		}
		e.call("", "GET", "/api/v1/innovations?limit=50", nil, &all, 200)
		e.call("", "GET", "/api/v1/innovations?limit=50&affair=kesehatan&province=64", nil, &kes, 200)
		if all.Total <= 50 || kes.Total == 0 || kes.Total >= all.Total {
			t.Fatalf("the demo's public database has %d innovations, %d of kesehatan in Kalimantan Timur", all.Total, kes.Total)
		}
		ctx := e.tab("", 30*time.Second)
		e.open(ctx, "#/basis-data", "#db-table tbody tr")
		if got, want := text(t, ctx, "#db-count"), fmt.Sprintf("Inovasi 1–50 dari %s.", idInt(all.Total)); got != want {
			t.Errorf("the count reads %q, want %q", got, want)
		}
		if got := text(t, ctx, "#db-table tbody tr:first-child .db-name"); got != all.Items[0].Name {
			t.Errorf("the first innovation is %q, the API's %q", got, all.Items[0].Name)
		}
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#db-next")), poll(`document.querySelector('#db-count').textContent.startsWith('Inovasi 51–')`)))
		must(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#db-filters [name=affair]`), "kesehatan"),
			chromedp.SetValue(chromedp.CSS(`#db-filters [name=province]`), "64"),
			chromedp.Click(chromedp.CSS(`#db-filters button[type=submit]`)),
			poll(fmt.Sprintf(`document.querySelector('#db-count').textContent.endsWith('dari %s.')`, idInt(kes.Total)))))
		if n := count(t, ctx, "#db-table tbody tr"); n != min(50, kes.Total) {
			t.Errorf("%d rows after filtering, the API has %d", n, kes.Total)
		}
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#db-table tbody tr:first-child .db-name")), chromedp.WaitVisible(chromedp.CSS("#db-stages"))))
		if got := text(t, ctx, "h1"); got != kes.Items[0].Name {
			t.Errorf("the innovation page is %q, want %q", got, kes.Items[0].Name)
		}
		body := text(t, ctx, "main")
		for _, part := range []string{"Masalah", "Solusi", "Manfaat", "Tahapan", "Replikasi", "Tercantum pada penilaian"} {
			if !strings.Contains(body, part) {
				t.Errorf("the innovation page lacks %q", part)
			}
		}
	})

	t.Run("an operator makes an open-year innovation public and a visitor finds it in Basis data inovasi", func(t *testing.T) {
		e := e.as(t)
		const name = "Layanan Adminduk Keliling Kampung Uji"
		res := e.post("operator", "/api/v1/innovations", map[string]any{"region": "64.03", "name": name,
			"unit": "Dinas Kependudukan dan Pencatatan Sipil", "initiator": "opd", "form": "pelayanan_publik", "digital": false,
			"affair": "administrasi_kependudukan_pencatatan_sipil", "problem": "Warga kampung jauh dari kantor dinas.", "solution": "Petugas datang ke kampung.",
			"benefit": "Dokumen selesai di tempat.", "proposed_on": time.Now().Format(time.DateOnly)})
		id := res["id"].(string)
		var found struct{ Total int }
		e.call("", "GET", fmt.Sprintf("/api/v1/innovations?q=adminduk+keliling+kampung&min_position=%v", res["position"]), nil, &found, 200)
		if found.Total != 0 {
			t.Fatal("a new proposal of the open year is public before its region makes it public")
		}
		// the operator reads that it is not shown, and shows it
		ctx := e.tab("operator", 30*time.Second)
		e.open(ctx, "#/inovasi/"+id, "#innovation-public")
		if got := text(t, ctx, "#innovation-public"); !strings.HasPrefix(got, "Tidak") {
			t.Errorf("before: %q", got)
		}
		must(t, chromedp.Do(ctx, poll(`!!document.querySelector('#form-publicity')`),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#form-publicity').closest('details').open = true`),
			chromedp.Click(chromedp.CSS("#publicity-submit")),
			poll(`(document.querySelector('#innovation-public')?.textContent || '').startsWith('Ya, ditampilkan oleh daerah')`)))
		// the form now offers the way back
		if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#publicity-submit').textContent`)); err != nil || got != "Jangan tampilkan lagi" {
			t.Errorf("after, the button reads %q (%v)", got, err)
		}
		// an anonymous visitor searches Basis data inovasi and opens it
		ctx = e.tab("", 30*time.Second)
		e.open(ctx, "#/basis-data", "#db-table tbody tr")
		must(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#db-filters [name=q]`), "adminduk keliling kampung"),
			chromedp.Click(chromedp.CSS(`#db-filters button[type=submit]`)),
			poll(`document.querySelector('#db-count').textContent === 'Inovasi 1–1 dari 1.'`)))
		if got := text(t, ctx, "#db-table tbody tr:first-child .db-name"); got != name {
			t.Errorf("the visitor finds %q", got)
		}
		if got := text(t, ctx, "#db-table tbody tr:first-child .db-made-public"); !strings.HasPrefix(got, "Ditampilkan oleh daerah sejak") {
			t.Errorf("the row says %q", got)
		}
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#db-table tbody tr:first-child .db-name")), chromedp.WaitVisible(chromedp.CSS("#db-made-public"))))
		if got := text(t, ctx, "h1"); got != name {
			t.Errorf("the innovation page is %q", got)
		}
		body := text(t, ctx, "main")
		for _, part := range []string{"Warga kampung jauh dari kantor dinas.", "Petugas datang ke kampung.", "Dokumen selesai di tempat.", "belum ada yang diumumkan"} {
			if !strings.Contains(body, part) {
				t.Errorf("the public page lacks %q", part)
			}
		}
		if strings.Contains(body, "op-berau") {
			t.Error("the public page names the operator")
		}
		if e.shots() {
			e.shoot(t, "operator", "#/inovasi/"+id, "#sec-tindakan", "main", "inovasi-tampil-publik")
		}
		// made private again, the visitor no longer finds it
		off := e.post("operator", "/api/v1/innovations/"+id+"/publicity", map[string]any{"public": false})
		e.call("", "GET", fmt.Sprintf("/api/v1/innovations/%s?min_position=%v", id, off["position"]), nil, nil, 404)
	})

	t.Run("the ranking downloads as shown, and its CSV opens in LibreOffice", func(t *testing.T) {
		e := e.as(t)
		var rk struct {
			Items []struct {
				Rank   int     `json:"rank"`
				Region string  `json:"region"`
				Name   string  `json:"name"`
				IID    float64 `json:"iid"`
			} `json:"items"`
		}
		const query = "cluster=kabupaten&province=18"
		e.call("", "GET", "/api/v1/rankings/2024?"+query, nil, &rk, 200)
		if len(rk.Items) < 2 {
			t.Fatalf("the 2024 kabupaten ranking of Lampung has %d rows", len(rk.Items))
		}
		ctx := e.tab("", 30*time.Second)
		e.open(ctx, "#/peringkat?year=2024&"+query, "#rank-csv")
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#rank-csv').href`))
		must(t, err)
		if !strings.Contains(href, "format=csv") || !strings.Contains(href, "province=18") || !strings.Contains(href, "cluster=kabupaten") {
			t.Errorf("the CSV link %q is not the ranking as shown", href)
		}
		dir := t.TempDir()
		fetch := func(url, name string) string {
			res, err := http.Get(url)
			must(t, err)
			defer res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("GET %s: %d", url, res.StatusCode)
			}
			path := filepath.Join(dir, name)
			f, err := os.Create(path)
			must(t, err)
			_, err = io.Copy(f, res.Body)
			must(t, err)
			must(t, f.Close())
			return path
		}
		csvPath := fetch(href, "peringkat.csv")
		check := func(what string, rows [][]string) {
			t.Helper()
			if len(rows) != len(rk.Items)+1 || rows[0][0] != "Peringkat" || rows[0][6] != "IID" {
				t.Fatalf("%s: %d rows, header %v; the API has %d", what, len(rows), rows[0], len(rk.Items))
			}
			for i, it := range rk.Items {
				got := rows[i+1]
				iid, err := strconv.ParseFloat(got[6], 64)
				if got[0] != strconv.Itoa(it.Rank) || got[1] != it.Region || got[2] != it.Name || err != nil || iid != it.IID {
					t.Errorf("%s row %d: %v, the API has %d %s %s %v", what, i+1, got[:7], it.Rank, it.Region, it.Name, it.IID)
				}
			}
		}
		// LibreOffice opens the CSV and saves it as a workbook
		soffice, err := exec.LookPath("soffice")
		if err != nil {
			skips.Skip(t, "soffice not found: install LibreOffice Calc to open the ranking CSV")
		}
		home := t.TempDir()
		sctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
		defer cancel()
		cmd := exec.CommandContext(sctx, soffice, "-env:UserInstallation=file://"+filepath.Join(home, "profile"),
			"--headless", "--norestore", "--nolockcheck", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", dir, csvPath)
		cmd.Env = append(os.Environ(), "HOME="+home)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		cmd.WaitDelay = 5 * time.Second
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, out)
		}
		readXLSX := func(path string) [][]string {
			f, err := excelize.OpenFile(path)
			must(t, err)
			defer f.Close()
			rows, err := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
			must(t, err)
			return rows
		}
		check("the CSV opened in LibreOffice", readXLSX(filepath.Join(dir, "peringkat.xlsx")))
		xlsxHref, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#rank-xlsx').href`))
		must(t, err)
		check("the XLSX download", readXLSX(fetch(xlsxHref, "unduhan.xlsx")))
	})

	t.Run("the region report prints to A4 with the IID and a code the API verifies", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("", 40*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2024", "#to-report")
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#to-report")), chromedp.WaitVisible(chromedp.CSS("#report-code"))))
		code := text(t, ctx, "#report-code")
		if got := text(t, ctx, "#report-iid"); got != "32,37" {
			t.Errorf("the report shows IID %q, want 32,37", got)
		}
		buf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), func(p *page.PrintToPDFParams) { p.PreferCSSPageSize = new(true) }))
		must(t, err)
		pdfText := pdfPlainText(t, buf)
		for _, want := range []string{"32,37", "Laporan Indeks Inovasi Daerah 2024", "Kabupaten Berau", code, "Skor total"} {
			if !strings.Contains(pdfText, want) {
				t.Errorf("the printed PDF lacks %q", want)
			}
		}
		if strings.Contains(pdfText, "Masuk") || strings.Contains(pdfText, "Cetak (A4)") {
			t.Error("the printed PDF carries the navigation or the buttons")
		}
		if e.shots() {
			must(t, os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", "laporan-daerah-a4.pdf"), buf, 0o644))
		}
		var check struct {
			Valid bool    `json:"valid"`
			IID   float64 `json:"iid"`
		}
		e.call("", "GET", "/api/v1/reports/verify?code="+code, nil, &check, 200)
		if !check.Valid || check.IID != 32.37 {
			t.Errorf("the API checks %s as %+v", code, check)
		}
		forged := code[:len(code)-1] + map[bool]string{true: "1", false: "0"}[strings.HasSuffix(code, "0")]
		e.call("", "GET", "/api/v1/reports/verify?code="+forged, nil, &check, 200)
		if check.Valid {
			t.Errorf("a forged code %s checks as valid", forged)
		}
		e.call("", "GET", "/api/v1/reports/verify?code=not-a-code", nil, nil, 422)
		// the server's PDF has the same figures and code
		res, err := http.Get(e.base + "/api/v1/index/2024/64.03/report?format=pdf")
		must(t, err)
		defer res.Body.Close()
		serverPDF, err := io.ReadAll(res.Body)
		must(t, err)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("GET report?format=pdf: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		serverText := pdfPlainText(t, serverPDF)
		for _, want := range []string{"IID 2024: 32,37 (Kurang Inovatif)", "80,925", "Inovasi yang dihitung", "Inovasi yang tidak dihitung", "Keputusan verifikator", code} {
			if !strings.Contains(serverText, want) {
				t.Errorf("the server's PDF lacks %q", want)
			}
		}
	})

	t.Run("dates read and write as dd/mm/yyyy whatever the locale", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("", 30*time.Second)
		e.open(ctx, "#/peringkat?year=2024&cluster=kabupaten&since=2024-12-31", "#rank-table")
		if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('form.toolbar .date-dmy').value`)); err != nil || got != "31/12/2024" {
			t.Errorf("the since field shows %q (%v), want 31/12/2024", got, err)
		}
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelector('form.toolbar .date-dmy');
			f.value = '15/01/2025'; f.dispatchEvent(new Event('input', { bubbles: true })); })()`),
			chromedp.Click(chromedp.CSS(`form.toolbar button[type=submit]`)), poll(`location.hash.includes('since=2025-01-15')`)))
		// an impossible date is refused by the field, in Indonesian
		msg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const f = document.querySelector('form.toolbar .date-dmy');
			f.value = '31/02/2024'; f.dispatchEvent(new Event('input', { bubbles: true })); return f.validationMessage; })()`))
		must(t, err)
		if !strings.Contains(msg, "dd/mm/yyyy") {
			t.Errorf("31/02/2024 is not refused: %q", msg)
		}
	})

	t.Run("new pages read without English and fit a phone", func(t *testing.T) {
		e := e.as(t)
		var list struct {
			Items []struct{ ID string } `json:"items"`
		}
		e.call("", "GET", "/api/v1/innovations?region=64.03&limit=1", nil, &list, 200)
		english := []string{"Rincian:", "API:", "not found", "no public innovation", "must be", "published", "withdrawn",
			"still in", "implementation", "innovation.", "assessment.", "Tie", "within", "months", "event"}
		for _, p := range []struct{ route, wait string }{
			{"#/daerah/64.03?year=2024", "#computation"},
			{"#/peringkat?year=2024&cluster=kabupaten", "#rank-table"},
			{"#/basis-data", "#db-table"},
			{"#/basis-data/" + list.Items[0].ID, "#db-stages"},
			{"#/laporan/64.03?year=2024", "#report-code"},
			{"#/basis-data/00000000-0000-4000-8000-000000000000", ".notice.error"},
		} {
			for _, width := range []int64{1366, 390} {
				ctx := e.tab("", 30*time.Second)
				must(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 844)))
				e.open(ctx, p.route, p.wait)
				body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('main').textContent`))
				must(t, err)
				for _, w := range english {
					if strings.Contains(body, w) {
						t.Errorf("%s at %d px shows English %q", p.route, width, w)
					}
				}
				if width == 390 {
					over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
					must(t, err)
					if over > 0 {
						t.Errorf("%s at 390 px scrolls sideways by %d px", p.route, over)
					}
				}
			}
		}
	})

	if e.shots() {
		t.Run("screenshots of the new pages", func(t *testing.T) {
			e := e.as(t)
			var list struct {
				Items []struct{ ID string } `json:"items"`
			}
			e.call("", "GET", "/api/v1/innovations?region=64.03&limit=1", nil, &list, 200)
			e.shoot(t, "", "#/basis-data", "#db-table", "main", "basis-data-inovasi")
			e.shoot(t, "", "#/basis-data/"+list.Items[0].ID, "#db-stages", "main", "inovasi-publik")
			var shown struct {
				Items []struct{ ID string } `json:"items"`
			}
			e.call("", "GET", "/api/v1/innovations?made_public=true&q=perpustakaan+keliling+kampung+pesisir", nil, &shown, 200)
			if len(shown.Items) == 1 { // the demo's innovation of 2026 that Berau made public
				e.shoot(t, "", "#/basis-data/"+shown.Items[0].ID, "#db-made-public", "main", "inovasi-ditampilkan-daerah")
			} else {
				t.Errorf("the demo has %d innovations of 2026 made public by Berau, want 1", len(shown.Items))
			}
			e.shoot(t, "", "#/laporan/64.03?year=2024", "#report-code", "main", "laporan-daerah")
			e.shoot(t, "auditor", "#/daerah/64.03?year=2024", "svg.chart.steps", "section:has(svg.chart.steps)", "riwayat-skor")
			e.shoot(t, "", "#/daerah/64.03?year=2024", "#computation", "#computation", "penjelasan-skor")
			e.shoot(t, "operator", "#/daerah/64.03?year=2026", "#provisional-note", "#score-summary", "skor-sementara")
		})
	}

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
		years, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('table')].find((t) => t.querySelector('caption')?.textContent === 'Skor per tahun')?.textContent || ''`))
		must(t, err)
		if _, row, ok := strings.Cut(years, "2026"); !ok || strings.Contains(row, "Inovatif") || strings.Contains(row, "Dinilai") {
			t.Errorf("the table of years gives 2026 a predicate: %q", years)
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

// shoot writes the element sel (the whole page for "main") at desktop and
// phone width to docs/screenshots/<name>-desktop.png and -ponsel.png.
func (e *dashboardEnv) shoot(t *testing.T, role, route, wait, sel, name string) {
	t.Helper()
	for _, sz := range []struct {
		suffix string
		w, h   int64
		mobile bool
	}{{"desktop", 1280, 800, false}, {"ponsel", 390, 844, true}} {
		ctx := e.tab(role, 40*time.Second)
		vp := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
		if sz.mobile {
			vp = append(vp, chromedp.EmulateMobile)
		}
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(sz.w, sz.h, vp...)), name)
		e.open(ctx, route, wait)
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur(); window.scrollTo(0,0)`)), name)
		var buf []byte
		var err error
		if sel == "main" {
			buf, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		} else {
			buf, err = chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
		}
		must(t, err, name)
		must(t, os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", name+"-"+sz.suffix+".png"), buf, 0o644))
	}
}

// pdfPlainText is the text of a PDF's pages (github.com/ledongthuc/pdf reads
// the fonts' ToUnicode maps, as Chromium's PDFs need).
func pdfPlainText(t *testing.T, data []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	var b strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		rows, err := p.GetTextByRow()
		must(t, err)
		for _, row := range rows {
			for _, w := range row.Content {
				b.WriteString(w.S)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}
