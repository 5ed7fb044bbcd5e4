package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
)

// The dashboard's acceptance tests drive headless Chromium against a real
// Jejak. Without Chromium they skip, except under CI, where they fail.
// JEJAK_SCREENSHOTS=1 also writes docs/screenshots/*.png.

// chromiumPath finds a Chromium binary, or "" when there is none.
func chromiumPath() string {
	if p := os.Getenv("JEJAK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// dashboardEnv is a running Jejak with seeded data and a browser.
type dashboardEnv struct {
	t      *testing.T
	app    *app.App
	base   string
	tokens map[string]string // role -> token
	alloc  context.Context
}

func startDashboardEnv(t *testing.T) *dashboardEnv { return startDashboardEnvWith(t, false) }

// startDashboardEnvWith starts Jejak for the browser; demo loads the demo
// data (data contoh) instead of the test's own seed.
func startDashboardEnvWith(t *testing.T, demo bool) *dashboardEnv {
	t.Helper()
	chrome := chromiumPath()
	if chrome == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI: no Chromium found (install the chromium package or set JEJAK_CHROMIUM)")
		}
		skips.Skip(t, "no Chromium found: install chromium (apt-get install chromium) or set JEJAK_CHROMIUM to run the dashboard browser tests")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	jejak, err := app.Start(ctx, app.Config{Addr: "127.0.0.1:0", Storage: app.StorageConfig{DataDir: t.TempDir()}, Demo: demo, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = jejak.Close() })
	e := &dashboardEnv{t: t, app: jejak, base: jejak.URL(), tokens: map[string]string{}}
	for _, a := range []domain.Actor{
		{UserID: "admin-uji", Role: domain.RoleAdmin},
		{UserID: "op-berau", Role: domain.RoleOperator, Region: "64.03"},
		{UserID: "verifikator-uji", Role: domain.RoleVerifier},
		{UserID: "auditor-uji", Role: domain.RoleAuditor},
	} {
		tok, err := jejak.Tokens.Issue(a, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[string(a.Role)] = tok
	}
	if !demo {
		e.seed()
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 800),
		chromedp.Flag("lang", "id-ID"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	e.alloc = alloc
	return e
}

// call sends a JSON request as role ("" = anonymous) and decodes the answer
// into out; any status other than want fails the test.
// as returns the environment reporting to t (a subtest).
func (e *dashboardEnv) as(t *testing.T) *dashboardEnv {
	c := *e
	c.t = t
	return &c
}

func (e *dashboardEnv) call(role, method, path string, body, out any, want int) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func (e *dashboardEnv) post(role, path string, body any) map[string]any {
	e.t.Helper()
	var out map[string]any
	e.call(role, "POST", path, body, &out, statusFor(path))
	return out
}

func statusFor(path string) int {
	if path == "/api/v1/innovations" || path == "/api/v1/bimtek" || path == "/api/v1/periods" || strings.HasSuffix(path, "/replications") {
		return http.StatusCreated
	}
	return http.StatusOK
}

func schedule(year int) []map[string]string {
	y := func(md string) string { return fmt.Sprintf("%d-%s", year, md) }
	return []map[string]string{
		{"phase": "penjaringan", "start": y("06-20"), "end": y("08-18")},
		{"phase": "pengukuran", "start": y("08-19"), "end": y("09-19")},
		{"phase": "presentasi", "start": y("09-20"), "end": y("10-10")},
		{"phase": "validasi_lapangan", "start": y("10-11"), "end": y("11-10")},
		{"phase": "pleno", "start": y("11-11"), "end": y("11-20")},
		{"phase": "published", "start": y("11-21"), "end": y("12-31")},
	}
}

// seed writes, through the API, a small published 2024 for four regions and
// an open 2025 with answers waiting for verification.
func (e *dashboardEnv) seed() {
	e.post("admin", "/api/v1/periods", map[string]any{"year": 2024, "catalogue_version": "iid-2024.1", "schedule": schedule(2024)})
	regions := []struct {
		code, unit string
		names      []string
		opt        int
	}{
		{"64.03", "Bapelitbang", []string{"Sistem Informasi Perencanaan Berau", "Layanan Kesehatan Keliling"}, 1},
		{"18.04", "Dinas Kesehatan", []string{"Posyandu Digital", "Sekolah Ramah Inovasi", "Desa Cerdas Lambar"}, 3},
		{"18.01", "Brida", []string{"Bang Radin 2.0", "SI-IDA"}, 3},
		{"35.08", "Bappeda", []string{"Lumajang Sehat"}, 2},
	}
	affairs := []string{"kesehatan", "pendidikan", "pemberdayaan_masyarakat_desa"}
	type answer struct{ region, indicator, innovation string }
	var answers []answer
	for _, r := range regions {
		for i, name := range r.names {
			res := e.post("admin", "/api/v1/innovations", map[string]any{"region": r.code, "name": name, "unit": r.unit,
				"initiator": "opd", "form": "pelayanan_publik", "digital": true, "affair": affairs[i%len(affairs)],
				"problem": "data contoh", "solution": "data contoh", "benefit": "data contoh", "proposed_on": "2023-01-10"})
			id := res["id"].(string)
			e.post("admin", "/api/v1/innovations/"+id+"/stage", map[string]any{"to": "uji_coba", "on": "2023-03-01"})
			e.post("admin", "/api/v1/innovations/"+id+"/stage", map[string]any{"to": "penerapan", "on": "2023-07-01"})
			for _, ind := range []string{"16", "17", "33", "35"} {
				e.post("admin", "/api/v1/assessments/2024/"+r.code+"/answers", map[string]any{"indicator": ind, "innovation_id": id,
					"option": r.opt, "evidence": map[string]string{"document_ref": "DOK-" + ind}})
				answers = append(answers, answer{r.code, ind, id})
			}
		}
		for _, ind := range []string{"1", "2a", "8", "9", "12", "14"} {
			e.post("admin", "/api/v1/assessments/2024/"+r.code+"/answers", map[string]any{"indicator": ind, "option": r.opt,
				"evidence": map[string]string{"link": "https://contoh.example/bukti/" + ind}})
			answers = append(answers, answer{r.code, ind, ""})
		}
	}
	e.post("admin", "/api/v1/periods/2024/advance", map[string]any{"to": "pengukuran"})
	for _, a := range answers {
		e.post("verifier", "/api/v1/assessments/2024/"+a.region+"/verifications", map[string]any{"indicator": a.indicator,
			"innovation_id": a.innovation, "decision": "accepted", "reason": "bukti lengkap"})
	}
	for _, to := range []string{"presentasi", "validasi_lapangan", "pleno", "published"} {
		e.post("admin", "/api/v1/periods/2024/advance", map[string]any{"to": to})
	}

	e.post("admin", "/api/v1/periods", map[string]any{"year": 2025, "catalogue_version": "iid-2025.1", "schedule": schedule(2025)})
	for _, ind := range []string{"1", "6", "8"} {
		e.post("operator", "/api/v1/assessments/2025/64.03/answers", map[string]any{"indicator": ind, "option": 2,
			"evidence": map[string]string{"document_ref": "Perbup 39/2024", "note": "data contoh"}})
	}
	b := e.post("admin", "/api/v1/bimtek", map[string]any{"region": "18.04", "title": "Bimtek Inovasi Daerah 2025", "kind": "bimtek",
		"date": "2025-08-06", "venue": "Aula Kagungan", "organiser": "Bappeda Lampung Barat", "mode": "hybrid", "speakers": []string{"Drs. Nukman, M.M."}})
	for _, p := range [][3]string{{"Ani", "Dinas Kesehatan", "198001012005012001"}, {"Budi", "Dinas Pendidikan", "198102022006021002"},
		{"Citra", "Dinas Kesehatan", "198203032007032003"}} {
		e.post("admin", "/api/v1/bimtek/"+b["id"].(string)+"/attendance", map[string]any{"name": p[0], "unit": p[1], "nip": p[2], "role": "pamong inovasi"})
	}
	e.post("operator", "/api/v1/bimtek", map[string]any{"region": "64.03", "title": "Sosialisasi dan Bimtek IID 2025", "kind": "sosialisasi",
		"date": "2025-07-08", "venue": "Kantor Bupati Berau", "organiser": "Bapelitbang", "mode": "luring", "speakers": []string{"Gamalis"}})
}

// tab opens a browser tab bounded by timeout. role "" browses anonymously;
// otherwise the token goes into sessionStorage before the app starts.
func (e *dashboardEnv) tab(role string, timeout time.Duration) context.Context {
	e.t.Helper()
	ctx, cancel := chromedp.NewContext(e.alloc)
	e.t.Cleanup(cancel)
	// The timeout bounds a stuck page, it measures nothing: on two cores
	// shared with the rest of the suite Chromium can take several times as
	// long as on a quiet machine, so the bound carries that slack.
	ctx, cancelT := context.WithTimeout(ctx, browserSlack*timeout)
	e.t.Cleanup(cancelT)
	must(e.t, chromedp.Do(ctx, chromedp.Navigate(e.base+"/#/"), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`))))
	if role != "" {
		must(e.t, chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`sessionStorage.setItem('jejak.token', %q)`, e.tokens[role])),
			chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`))))
	}
	return ctx
}

// browserSlack multiplies every tab's time bound (see tab).
const browserSlack = 4

// open shows a hash route and waits until sel is visible.
func (e *dashboardEnv) open(ctx context.Context, route, sel string) {
	e.t.Helper()
	must(e.t, chromedp.Do(ctx, chromedp.Navigate(e.base+"/"+route), chromedp.WaitVisible(chromedp.CSS(sel))), route)
}

// poll waits until the JavaScript expression is true.
func poll(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expr)(ctx, t)
		return err
	})
}

func must(t *testing.T, err error, what ...any) {
	t.Helper()
	if err != nil {
		t.Fatal(append(what, err)...)
	}
}

// idNumber formats like the dashboard: two decimals with a comma.
func idNumber(v float64) string { return strings.Replace(fmt.Sprintf("%.2f", v), ".", ",", 1) }

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	must(t, err, sel)
	return strings.TrimSpace(s)
}

func count(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	must(t, err, sel)
	return n
}

func TestDashboardInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test; not in -short")
	}
	e := startDashboardEnv(t)

	t.Run("serves the dashboard at / and keeps API 404s as problem+json", func(t *testing.T) {
		e := e.as(t)
		res, err := http.Get(e.base + "/")
		must(t, err)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET /: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		res, err = http.Get(e.base + "/api/v1/nothing")
		must(t, err)
		res.Body.Close()
		if res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("GET /api/v1/nothing: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})

	t.Run("a token the API refuses signs out, whatever it claims", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("", 30*time.Second)
		// The app starts as whom a token names while /api/v1/me checks it:
		// an auditor's claims that this server did not sign.
		claims := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"auditor-palsu","role":"auditor","exp":4102444800}`))
		forged := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"EdDSA","typ":"JWT"}`)) + "." + claims + ".AAAA"
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`sessionStorage.setItem('jejak.token', %q)`, forged)),
			chromedp.Navigate(e.base+"/#/audit"), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`))))
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[sessionStorage.getItem('jejak.token') === null, !!document.querySelector('#audit-table'),
			document.querySelector('#who').textContent.trim(), document.querySelector('main').textContent.includes('Masuk dengan token untuk membuka halaman ini')].join(' | ')`))
		must(t, err)
		if got != "true | false | Masuk | true" {
			t.Errorf("with a forged auditor's token the audit page reads %q (token gone, table, who, sign-in asked)", got)
		}
	})

	t.Run("Beranda shows the national figures of the API", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("", 30*time.Second)
		var ov struct {
			Regions int     `json:"regions_assessed"`
			Average float64 `json:"average_iid"`
		}
		e.call("", "GET", "/api/v1/index/2024", nil, &ov, 200)
		e.open(ctx, "#/?year=2024", "#average-iid")
		if got, want := text(t, ctx, "#average-iid"), idNumber(ov.Average); got != want {
			t.Errorf("average IID shown %q, API %q", got, want)
		}
		if got := text(t, ctx, "#regions-assessed"); got != fmt.Sprint(ov.Regions) {
			t.Errorf("regions assessed shown %q, API %d", got, ov.Regions)
		}
	})

	t.Run("Peringkat shows the API's ranking and tie rule", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("", 30*time.Second)
		var rk struct {
			Items []struct {
				IID  float64 `json:"iid"`
				Name string  `json:"name"`
			} `json:"items"`
		}
		e.call("", "GET", "/api/v1/rankings/2024?cluster=kabupaten", nil, &rk, 200)
		e.open(ctx, "#/peringkat?year=2024&cluster=kabupaten", "#rank-table tbody td.iid")
		if got, want := text(t, ctx, "#rank-table tbody tr:first-child td.iid"), idNumber(rk.Items[0].IID); got != want {
			t.Errorf("first IID shown %q, API %q", got, want)
		}
		if n := count(t, ctx, "#rank-table tbody tr"); n != len(rk.Items) {
			t.Errorf("%d rows shown, API has %d", n, len(rk.Items))
		}
		if n := count(t, ctx, "#tie-rule"); n != 1 {
			t.Error("the tie rule is not shown")
		}
		// search narrows the table
		must(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`input[name=q]`), "berau"), chromedp.Click(chromedp.CSS(`form.toolbar button[type=submit]`)),
			poll(`document.querySelectorAll('#rank-table tbody tr').length === 1`)))
		if got := text(t, ctx, "#rank-table tbody tr:first-child"); !strings.Contains(got, "Berau") {
			t.Errorf("search for berau shows %q", got)
		}
	})

	t.Run("a public visitor sees no write controls, queue or audit", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("", 30*time.Second)
		var sc struct {
			Published struct {
				IID float64 `json:"iid"`
			} `json:"published"`
		}
		e.call("", "GET", "/api/v1/index/2024/64.03", nil, &sc, 200)
		e.open(ctx, "#/daerah/64.03?year=2024", "#region-iid")
		if got, want := text(t, ctx, "#region-iid"), idNumber(sc.Published.IID); got != want {
			t.Errorf("Berau IID shown %q, API %q", got, want)
		}
		if n := count(t, ctx, "main form[id^=form-], main button[type=submit]:not(.toolbar button)"); n != 0 {
			t.Errorf("public sees %d write controls", n)
		}
		nav := text(t, ctx, "#nav-list")
		if strings.Contains(nav, "Antrian") || strings.Contains(nav, "audit") || strings.Contains(nav, "Ekspor") {
			t.Errorf("public navigation offers %q", nav)
		}
	})

	t.Run("an operator signs in, proposes an innovation and sees problems next to fields", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("", 40*time.Second)
		e.open(ctx, "#/masuk", "#form-signin textarea")
		must(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#form-signin textarea"), e.tokens["operator"]),
			chromedp.Click(chromedp.CSS(`#form-signin button[type=submit]`)), poll(`document.querySelector('#form-propose') !== null`),
			chromedp.Click(chromedp.CSS(`details:has(#form-propose) > summary`))))
		// an empty name: the API's problem shows next to the field
		must(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#form-propose [name=unit]`), "Dinas Kesehatan"),
			chromedp.Click(chromedp.CSS(`#form-propose button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#form-propose [name=name][aria-invalid=true]`))))
		if n := count(t, ctx, "#form-propose .field-error"); n == 0 {
			t.Error("no field error shown")
		}
		// in Bahasa Indonesia, with the API's English detail kept smaller
		if got := text(t, ctx, "#form-propose .field:has([name=name]) .field-error"); got != "wajib diisi" {
			t.Errorf("the name's error reads %q, want %q", got, "wajib diisi")
		}
		if got := text(t, ctx, "#form-propose .form-status .notice.error strong"); got != "Gagal: isian belum benar." {
			t.Errorf("the form's notice reads %q", got)
		}
		must(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#form-propose [name=name]`), "Inovasi Uji Peramban"),
			chromedp.SetValue(chromedp.CSS(`#form-propose [name=problem]`), "Antrean layanan panjang"),
			chromedp.SetValue(chromedp.CSS(`#form-propose [name=solution]`), "Pendaftaran daring"),
			chromedp.SetValue(chromedp.CSS(`#form-propose [name=benefit]`), "Waktu tunggu lebih singkat"),
			chromedp.Click(chromedp.CSS(`#form-propose button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#propose-result a`))))
		id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#propose-result a').dataset.id`))
		must(t, err)
		if got := text(t, ctx, "#propose-result a"); got != "Inovasi Uji Peramban" {
			t.Errorf("the new innovation is shown as %q, want its name", got)
		}
		left, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#form-propose [name=problem]').value`))
		must(t, err)
		if left != "" {
			t.Errorf("the propose form kept %q after success; a new proposal should start empty", left)
		}
		var inn struct {
			Name, Region, Stage string
		}
		e.call("admin", "GET", "/api/v1/innovations/"+id, nil, &inn, 200)
		if inn.Name != "Inovasi Uji Peramban" || inn.Region != "64.03" || inn.Stage != "inisiatif" {
			t.Errorf("API has %+v", inn)
		}
		must(t, chromedp.Do(ctx, poll(`document.querySelector('#innovation-table').textContent.includes('Inovasi Uji Peramban')`)))
		if n := count(t, ctx, "#form-answer-spd"); n != 1 {
			t.Error("operator is not offered the answer form")
		}
		// another region's profile offers no write controls
		e.open(ctx, "#/daerah/18.04?year=2024", "#region-iid")
		if n := count(t, ctx, "#form-propose, #form-bimtek"); n != 0 {
			t.Error("operator of 64.03 is offered writes for 18.04")
		}
	})

	t.Run("an operator reads its own region's unpublished result and no one else's", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("operator", 40*time.Second)
		// 2025 is not published: its ranking is not offered, and asking for
		// it says why and where the operator's own result is.
		e.open(ctx, "#/peringkat?year=2025", "#unpublished")
		if n := count(t, ctx, "#rank-table"); n != 0 {
			t.Error("the unpublished 2025 ranking is shown to an operator")
		}
		if got := text(t, ctx, "#unpublished"); !strings.HasPrefix(got, "Hasil 2025 belum diumumkan.") || count(t, ctx, `#unpublished a[href="#/daerah/64.03?year=2025"]`) != 1 {
			t.Errorf("the notice reads %q", got)
		}
		e.open(ctx, "#/", "#average-iid")
		if n := count(t, ctx, `select[name=year] option[value="2025"]`); n != 0 {
			t.Error("Beranda offers the unpublished 2025 to an operator")
		}
		// its own region's provisional 2025 result, with its working files
		e.open(ctx, "#/daerah/64.03?year=2025", "#innovation-table")
		if n := count(t, ctx, "#region-iid"); n != 1 {
			t.Error("the operator does not see its own 2025 result")
		}
		// another region: the published 2024 result, no working files, no
		// links into them
		e.open(ctx, "#/daerah/18.04?year=2024", "#region-iid")
		must(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".region-private"))))
		if n := count(t, ctx, "#innovation-table, #bimtek-list, #funnel"); n != 0 {
			t.Errorf("another region's working files are shown (%d parts)", n)
		}
		if n := count(t, ctx, `main a[href^="#/inovasi/"]`); n != 0 {
			t.Errorf("%d links into another region's innovations", n)
		}
		e.open(ctx, "#/daerah/18.04?year=2025", "#unpublished")
		if n := count(t, ctx, "#region-iid"); n != 0 {
			t.Error("another region's unpublished 2025 result is shown")
		}
	})

	t.Run("live updates arrive over SSE without a reload", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("admin", 40*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2025", "#innovation-table")
		must(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#live-badge.on")),
			chromedp.Evaluate[chromedp.Void](`window.__marker = 'same page'`)))
		e.post("operator", "/api/v1/innovations", map[string]any{"region": "64.03", "name": "Inovasi Datang Langsung", "unit": "Bapelitbang",
			"initiator": "asn", "form": "lainnya", "affair": "lainnya", "proposed_on": "2025-01-02",
			"problem": "data contoh", "solution": "data contoh", "benefit": "data contoh"})
		must(t, chromedp.Do(ctx, poll(`document.querySelector('#innovation-table').textContent.includes('Inovasi Datang Langsung')`)))
		marker, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__marker`))
		must(t, err)
		if marker != "same page" {
			t.Error("the page was reloaded")
		}
	})

	t.Run("a verifier gets the queue", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("verifier", 30*time.Second)
		var q struct {
			Total int `json:"total"`
		}
		e.call("verifier", "GET", "/api/v1/verification-queue", nil, &q, 200)
		// in penjaringan the queue explains when decisions open
		e.open(ctx, "#/antrian", "#queue-table")
		if got := text(t, ctx, "#queue-table tbody tr:first-child td:last-child"); got != "Verifikasi dibuka pada tahap Pengukuran (sekarang: Penjaringan)." {
			t.Errorf("a pending answer in penjaringan shows %q", got)
		}
		e.post("admin", "/api/v1/periods/2025/advance", map[string]any{"to": "pengukuran"})
		e.open(ctx, "#/antrian?status=pending", "#queue-table details > summary")
		if n := count(t, ctx, "#queue-table tbody tr .form-verify"); n != q.Total || n == 0 {
			t.Errorf("queue shows %d decisions, API has %d pending", n, q.Total)
		}
		if n := count(t, ctx, "#form-propose"); n != 0 {
			t.Error("verifier is offered operator writes")
		}
		// a decision being written is kept through a live update, which is
		// offered instead (an event the verifier is told of that leaves the
		// queue as it is: another region's profile)
		must(t, chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`#queue-table tbody tr:first-child details > summary`)),
			chromedp.SetValue(chromedp.CSS(`#queue-table tbody tr:first-child .form-verify [name=reason]`), "bukti lengkap"),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#queue-table').dataset.marker = 'drawn before'`)))
		e.call("admin", "PATCH", "/api/v1/regions/11.01", map[string]any{"office_name": "Bappeda Aceh Selatan", "office_kind": "bappeda"}, nil, 200)
		must(t, chromedp.Do(ctx, poll(`document.querySelector('#queue-changed .notice') !== null`)))
		kept, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[document.querySelector('#queue-table').dataset.marker,
			document.querySelector('#queue-table tbody tr:first-child details').open,
			document.querySelector('#queue-table tbody tr:first-child .form-verify [name=reason]').value].join(' | ')`))
		must(t, err)
		if kept != "drawn before | true | bukti lengkap" {
			t.Errorf("after a live update the decision being written reads %q (table, open, reason), want it kept", kept)
		}
		// a decision is confirmed and leaves the queue
		must(t, chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`#queue-table tbody tr:first-child .form-verify button[type=submit]`)),
			poll(`document.querySelector('.notice.ok') !== null`)))
		if got := text(t, ctx, ".notice.ok"); !strings.HasPrefix(got, "Keputusan untuk indikator ") || !strings.HasSuffix(got, "tersimpan.") {
			t.Errorf("the confirmation reads %q", got)
		}
		must(t, chromedp.Do(ctx, poll(fmt.Sprintf(`document.querySelectorAll('#queue-table tbody tr .form-verify').length === %d`, q.Total-1)),
			// the queue drawn again is current: the offer is gone, the confirmation stays
			poll(`document.querySelector('#queue-changed').childElementCount === 0 && document.querySelector('.notice.ok') !== null`)))
	})

	t.Run("a coordinator moves a period on and opens the next year", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("admin", 40*time.Second)
		e.open(ctx, "#/periode", `#period-table button.advance[data-year="2025"]`)
		// the button opens the phase summary; the move is confirmed in the page
		must(t, chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#period-table button.advance[data-year="2025"]').click()`),
			chromedp.WaitVisible(chromedp.CSS(`#phase-confirm`)), chromedp.Click(chromedp.CSS(`#phase-confirm`)),
			poll(`document.querySelector('.notice.ok') !== null`),
			// the table is read again as of the write: the API has it too
			poll(`document.querySelector('#period-table button.advance[data-year="2025"]')?.textContent === 'Ke Validasi lapangan'`)))
		var p struct {
			Phase string `json:"phase"`
		}
		e.call("admin", "GET", "/api/v1/periods/2025", nil, &p, 200)
		if p.Phase != "presentasi" {
			t.Errorf("2025 is in %q after the click, want presentasi", p.Phase)
		}
		// the form proposes 2026 with 2025's schedule a year on
		if err := chromedp.Do(ctx, poll(`document.querySelector('#open-catalogue').textContent.startsWith('Katalog indikator')`)); err != nil {
			t.Fatalf("the open-period form never found its catalogue: %v (it says %q for year %q)", err,
				text(t, ctx, "#open-catalogue"), text(t, ctx, "#form-period h2"))
		}
		// requestSubmit, not a click at coordinates: live updates re-render
		// the table above the form, which can move the button under the pointer.
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#form-period').requestSubmit()`)))
		if err := chromedp.Do(ctx, poll(`document.querySelector('#period-table')?.textContent.includes('2026')`)); err != nil {
			t.Fatalf("2026 never appeared in the table: %v; the form says %q", err, text(t, ctx, "#form-period"))
		}
		var opened struct {
			Phase    string `json:"phase"`
			Schedule []struct {
				Phase, Start string
			} `json:"schedule"`
		}
		e.call("admin", "GET", "/api/v1/periods/2026", nil, &opened, 200)
		if opened.Phase != "penjaringan" || len(opened.Schedule) != 6 || opened.Schedule[0].Start != "2026-06-20" {
			t.Errorf("2026 opened as %+v", opened)
		}
		// 2027 has no catalogue: the form says so and cannot be sent
		must(t, chromedp.Do(ctx, poll(`document.querySelector('#form-period [name=year]')?.value === '2027' && document.querySelector('#form-period button[type=submit]').disabled`)))
		if got := text(t, ctx, "#open-catalogue"); !strings.HasPrefix(got, "Belum ada katalog indikator untuk 2027") {
			t.Errorf("the form says %q for 2027", got)
		}
	})

	t.Run("an auditor reads the audit trail and writes nothing", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("auditor", 30*time.Second)
		var a struct {
			Total int `json:"total"`
		}
		e.call("auditor", "GET", "/api/v1/audit?region=18.04", nil, &a, 200)
		e.open(ctx, "#/audit?region=18.04", "#audit-table")
		if n := count(t, ctx, "#audit-table tbody tr"); n != min(a.Total, 100) {
			t.Errorf("audit shows %d rows, API has %d", n, a.Total)
		}
		e.open(ctx, "#/daerah/18.04?year=2024", "#region-iid")
		if n := count(t, ctx, "main form[id^=form-]"); n != 0 {
			t.Errorf("auditor is offered %d write forms", n)
		}
	})

	t.Run("an auditor sees the latest signed head and downloads it and a proof", func(t *testing.T) {
		e := e.as(t)
		if _, _, err := e.app.Log().Sealer.SealNow(context.Background()); err != nil {
			t.Fatal(err)
		}
		head, _, err := e.app.Log().Heads.Latest(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		ctx := e.tab("auditor", 30*time.Second)
		e.open(ctx, "#/audit?region=18.04", "#log-head section")
		got := text(t, ctx, "#log-head section")
		if !strings.Contains(got, fmt.Sprintf("kepala #%d", head.Number)) || !strings.Contains(got, fmt.Sprintf("%d commit", head.Size)) ||
			!strings.Contains(got, hex.EncodeToString(head.Root)[:16]) {
			t.Errorf("the seal box says %q, want head %d of %d commits", got, head.Number, head.Size)
		}
		e.open(ctx, "#/audit?region=18.04", "#audit-table button.proof")
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#log-head-download`)),
			chromedp.Click(chromedp.CSS(`#audit-table tbody tr:first-child button.proof`)),
			poll(`document.querySelector('#audit-table tbody tr:first-child button.proof').nextSibling.textContent.includes('tersimpan')`)),
			"download the head and a proof")
	})

	t.Run("Ekspor says when the export API is not there yet", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("admin", 30*time.Second)
		e.open(ctx, "#/ekspor", "#export-unavailable, #form-export")
	})

	if os.Getenv("JEJAK_SCREENSHOTS") != "" {
		t.Run("screenshots", func(t *testing.T) { e.screenshots(t) })
	}
}

// screenshots writes each page at desktop and phone width.
func (e *dashboardEnv) screenshots(t *testing.T) {
	e = e.as(t)
	dir := filepath.Join("..", "..", "docs", "screenshots")
	must(t, os.MkdirAll(dir, 0o755))
	var innID string
	var list struct {
		Items []struct{ ID, Name string } `json:"items"`
	}
	e.call("admin", "GET", "/api/v1/innovations?region=18.01", nil, &list, 200)
	innID = list.Items[0].ID
	shots := []struct{ name, role, route, wait string }{
		{"beranda", "admin", "#/?year=2024", "#recent-events"},
		{"peringkat", "", "#/peringkat?year=2024&cluster=kabupaten&since=2024-01-01", "#rank-table"},
		{"profil-daerah", "operator", "#/daerah/64.03?year=2024", "#innovation-table"},
		{"profil-daerah-publik", "", "#/daerah/18.04?year=2024", "#region-iid"},
		{"inovasi", "admin", "#/inovasi/" + innID, "#timeline"},
		{"antrian-verifikasi", "verifier", "#/antrian", "#queue-table"},
		{"periode", "admin", "#/periode", "#period-table"},
		{"jejak-audit", "auditor", "#/audit?entity=innovation/" + innID, "#audit-table"},
		{"ekspor", "admin", "#/ekspor", "#export-unavailable, #form-export"},
		{"masuk", "", "#/masuk", "#form-signin"},
	}
	sizes := []struct {
		suffix string
		w, h   int64
		mobile bool
	}{{"desktop", 1280, 800, false}, {"ponsel", 390, 844, true}}
	for _, sz := range sizes {
		for _, s := range shots {
			ctx := e.tab(s.role, 40*time.Second)
			vp := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
			if sz.mobile {
				vp = append(vp, chromedp.EmulateMobile)
			}
			must(t, chromedp.Do(ctx, chromedp.EmulateViewport(sz.w, sz.h, vp...)), s.name)
			e.open(ctx, s.route, s.wait)
			must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur(); window.scrollTo(0,0)`)), s.name)
			buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			must(t, err, s.name)
			must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%s.png", s.name, sz.suffix)), buf, 0o644))
		}
	}
}

// TestDashboardWithDemoData opens the dashboard as `jejak serve --demo`
// shows it: the published rankings and Berau's profile with its real index.
func TestDashboardWithDemoData(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test; not in -short")
	}
	e := startDashboardEnvWith(t, true)

	t.Run("Peringkat 2024 shows the API's kabupaten ranking", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("", 30*time.Second)
		var rk struct {
			Items []struct {
				IID  float64 `json:"iid"`
				Name string  `json:"name"`
			} `json:"items"`
		}
		e.call("", "GET", "/api/v1/rankings/2024?cluster=kabupaten", nil, &rk, 200)
		e.open(ctx, "#/peringkat?year=2024&cluster=kabupaten", "#rank-table tbody td.iid")
		if got, want := text(t, ctx, "#rank-table tbody tr:first-child td.iid"), idNumber(rk.Items[0].IID); got != want {
			t.Errorf("first IID shown %q, API %q (%s)", got, want, rk.Items[0].Name)
		}
		if n := count(t, ctx, "#rank-table tbody tr"); n != len(rk.Items) || n < 20 {
			t.Errorf("%d rows shown, API has %d (want a meaningful ranking)", n, len(rk.Items))
		}
	})

	t.Run("Berau's profile shows its published 32,37 for 2024", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2024", "#region-iid")
		if got := text(t, ctx, "#region-iid"); got != "32,37" {
			t.Errorf("Berau's IID shown %q, want 32,37", got)
		}
		must(t, chromedp.Do(ctx, poll(`document.body.innerText.includes('Kurang Inovatif')`)))
		if !strings.Contains(text(t, ctx, "body"), "data contoh") && !strings.Contains(text(t, ctx, "body"), "Data contoh") {
			t.Error("the demo is not labelled as sample data")
		}
	})

	t.Run("the verifier's queue shows the demo's pending answers with their sample PDFs", func(t *testing.T) {
		e := e.as(t)
		var q struct {
			Total int `json:"total"`
			Items []struct {
				Year     int    `json:"year"`
				Region   string `json:"region"`
				Evidence struct {
					Files []struct {
						SHA256 string `json:"sha256"`
						Name   string `json:"name"`
						Size   int    `json:"size"`
						Pages  int    `json:"pages"`
					} `json:"files"`
				} `json:"evidence"`
			} `json:"items"`
		}
		e.call("verifier", "GET", "/api/v1/verification-queue?status=pending&limit=1000", nil, &q, 200)
		if q.Total == 0 || len(q.Items) != q.Total {
			t.Fatalf("the demo's queue has %d pending answers (%d read)", q.Total, len(q.Items))
		}
		for _, a := range q.Items {
			if a.Year != 2026 || len(a.Evidence.Files) != 1 || a.Evidence.Files[0].Pages != 2 || !strings.HasSuffix(a.Evidence.Files[0].Name, ".pdf") {
				t.Errorf("pending answer of %s %d cites %+v, want its sample PDF of the open year", a.Region, a.Year, a.Evidence.Files)
			}
		}
		ctx := e.tab("verifier", 30*time.Second)
		e.open(ctx, "#/antrian", "#queue-table tbody tr .evidence-pdf")
		if n := count(t, ctx, "#queue-table tbody tr:has(.evidence-pdf)"); n != q.Total {
			t.Errorf("%d rows show a PDF, the API has %d pending answers", n, q.Total)
		}
		f := q.Items[0].Evidence.Files[0]
		if got := text(t, ctx, "#queue-table tbody tr:first-child .evidence-file"); !strings.Contains(got, f.Name) || !strings.Contains(got, "2 halaman") || !strings.Contains(got, f.SHA256[:12]) {
			t.Errorf("the first row's file reads %q", got)
		}
		// 2026 is in penjaringan: the row says when decisions open
		if got := text(t, ctx, "#queue-table tbody tr:first-child td:last-child"); got != "Verifikasi dibuka pada tahap Pengukuran (sekarang: Penjaringan)." {
			t.Errorf("a pending answer of the open year shows %q", got)
		}
		// the sample's bytes were stored: the verifier can open them
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`fetch('/api/v1/evidence/%s', {headers: {Authorization: 'Bearer ' + sessionStorage.getItem('jejak.token')}})
			.then((r) => r.ok ? r.arrayBuffer() : new ArrayBuffer(0)).then((b) => b.byteLength)`, f.SHA256), chromedp.EvalAwaitPromise))
		must(t, err)
		if n != f.Size || n == 0 {
			t.Errorf("the verifier read %d bytes of the sample, want %d", n, f.Size)
		}
		if e.shots() {
			e.shoot(t, "verifier", "#/antrian", "#queue-table tbody tr .evidence-pdf", "main", "antrian-bukti-demo")
		}
	})

	t.Run("a long audit trail says what part is shown and pages on", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("auditor", 30*time.Second)
		var a struct {
			Total int `json:"total"`
		}
		e.call("auditor", "GET", "/api/v1/audit?region=64.03&limit=1", nil, &a, 200)
		if a.Total <= auditPage {
			t.Fatalf("Berau has %d audit events; the test needs more than one page", a.Total)
		}
		e.open(ctx, "#/audit?region=64.03", "#audit-table")
		want := fmt.Sprintf("Peristiwa 1–%d dari %s, terbaru di atas.", auditPage, idInt(a.Total))
		if got := text(t, ctx, ".pager-top p"); got != want {
			t.Errorf("pager reads %q, want %q", got, want)
		}
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.pager-top button[data-page=next]`)),
			poll(fmt.Sprintf(`document.querySelector('.pager-top p').textContent === %q`,
				fmt.Sprintf("Peristiwa %d–%d dari %s, terbaru di atas.", auditPage+1, min(2*auditPage, a.Total), idInt(a.Total))))))
		// a verification says which answer it verified
		e.open(ctx, "#/audit?region=64.03&type=assessment.answer_verified", "#audit-table .subject")
		if got := text(t, ctx, "#audit-table tbody tr:first-child .subject"); !strings.HasPrefix(got, "indikator ") {
			t.Errorf("a verification's subject reads %q", got)
		}
	})

	t.Run("an auditor goes from a point of the score to the event behind it", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("auditor", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2024", "#region-iid")
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`table.indicators a.event-ref`)), chromedp.WaitVisible(chromedp.CSS(`#audit-one`))))
		if n := count(t, ctx, "#audit-table tbody tr"); n != 1 {
			t.Errorf("the event's audit shows %d rows, want 1", n)
		}
		if got := text(t, ctx, "#audit-table tbody tr td:nth-child(4)"); got == "" {
			t.Error("the event's actor is not shown")
		}
	})

	t.Run("Berau's operator reads a session's attendance and closes it", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("operator", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2025", "#bimtek-list")
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#bimtek-list details.attendees').open = true`),
			poll(`document.querySelectorAll('#bimtek-list details.attendees li').length > 0`)))
		if got := text(t, ctx, "#bimtek-list details.attendees li"); got == "" {
			t.Error("an attendee is listed without a name")
		}
		// the demo's sessions are closed: schedule one to close
		e.post("operator", "/api/v1/bimtek", map[string]any{"region": "64.03", "title": "Bimtek uji penutupan", "kind": "bimtek",
			"date": time.Now().Format(time.DateOnly), "venue": "Aula Brida", "organiser": "Brida Berau", "mode": "luring"})
		e.open(ctx, "#/daerah/64.03?year=2026", "#bimtek-list button.close-session")
		open := count(t, ctx, "#bimtek-list button.close-session")
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#bimtek-list button.close-session').click()`),
			poll(fmt.Sprintf(`document.querySelectorAll('#bimtek-list button.close-session').length === %d`, open-1))))
	})

	t.Run("the score explanation reads in Bahasa Indonesia", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2024", "#region-iid")
		// The reasons and warnings are read when their <details> open: open
		// them all and wait until none is loading.
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('details.sid, #warnings-box').forEach((d) => { d.open = true; })`),
			poll(`[...document.querySelectorAll('details.sid')].every((d) => d.querySelector('.sid-reason'))
				&& (!document.querySelector('#warnings-box') || !!document.querySelector('#warnings'))`)), "open the innovations and warnings")
		body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('main').textContent`))
		must(t, err)
		for _, english := range []string{"mandatory indicator", "only innovations in", "implementation started", "sessions attended",
			"months from proposal", "replicated by", "no trial yet", "within"} {
			if strings.Contains(body, english) {
				t.Errorf("Berau's 2024 profile shows English %q", english)
			}
		}
		if !strings.Contains(body, "Alasan: tahap") && !strings.Contains(body, "Alasan: masih tahap") && !strings.Contains(body, "Alasan: penerapan dimulai") {
			t.Error("no translated reason on Berau's 2024 profile")
		}
	})

	t.Run("the profile reads the summary and an innovation's indicators when it is opened", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2024", "#region-iid")
		if n := count(t, ctx, "details.sid table"); n != 0 {
			t.Errorf("%d innovation tables built before any was opened", n)
		}
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('details.sid').open = true`),
			poll(`document.querySelectorAll('details.sid .sid-indicators table tbody tr').length > 0`)), "open an innovation")
		if n := count(t, ctx, "details.sid table"); n != 1 {
			t.Errorf("%d innovation tables after opening one, want 1", n)
		}
		// the opened innovation's unit, affair and reason come with its table
		if n := count(t, ctx, "details.sid .sid-reason"); n != 1 {
			t.Errorf("%d reasons after opening one innovation, want 1", n)
		}
	})
}

// idInt formats n as the dashboard does (Indonesian thousands separator).
func idInt(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}
