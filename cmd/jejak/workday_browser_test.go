package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestWorkdayInBrowser walks issue 18's working day in headless Chromium:
// the operator answers the simulator's top suggestion from the workspace
// and sees it wait, records three pasted participants, the coordinator
// reads the phase summary and advances in the page, a verifier in a second
// browser context works the queue with the keyboard, and the operator sees
// the decision live with the IID raised by the amount the simulator showed.
// Then an import is checked and confirmed on the Impor page.
// JEJAK_SCREENSHOTS=1 also writes docs/screenshots/{ruang-kerja,simulasi,
// antrian-keyboard,ringkasan-tahap,impor}-{desktop,ponsel}.png.
func TestWorkdayInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test; not in -short")
	}
	e := startDashboardEnv(t)
	shots := os.Getenv("JEJAK_SCREENSHOTS") != ""
	op := e.tab("operator", 90*time.Second)

	var sim struct {
		Current struct {
			IID float64 `json:"iid"`
		} `json:"current"`
		Suggestions []struct {
			Indicator    string `json:"indicator"`
			InnovationID string `json:"innovation_id"`
			Options      []struct {
				Parameter int     `json:"parameter"`
				IID       float64 `json:"iid"`
				GainText  string  `json:"gain_text"`
			} `json:"options"`
		} `json:"suggestions"`
	}
	e.call("operator", "GET", "/api/v1/index/2025/64.03/simulation", nil, &sim, 200)
	top := sim.Suggestions[0]
	best := top.Options[len(top.Options)-1]

	t.Run("the operator answers the simulator's top suggestion from the workspace and sees it wait", func(t *testing.T) {
		e := e.as(t)
		e.open(op, "#/kerja", "#simulation-table button.sim-top")
		if got := text(t, op, "#work-iid"); got != idNumber(sim.Current.IID) {
			t.Errorf("workspace IID %q, API %v", got, sim.Current.IID)
		}
		shown, err := chromedp.Run(op, chromedp.Evaluate[string](`[...document.querySelectorAll('#simulation-table tbody tr:first-child .sim-option')].at(-1).dataset.gain`))
		must(t, err)
		if shown != best.GainText {
			t.Errorf("the top suggestion shows gain %q, API %q", shown, best.GainText)
		}
		if shots {
			e.shootBoth(t, op, "simulasi", "#simulation")
		}
		must(t, chromedp.Do(op, chromedp.Click(chromedp.CSS(`#simulation-table button.sim-top`)),
			chromedp.WaitVisible(chromedp.CSS(`#work-answer`)),
			poll(`document.activeElement?.id === 'answer-indicator'`),
			poll(fmt.Sprintf(`document.querySelector('#answer-indicator').value === %q`, top.Indicator)),
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`#work-answer input[name=option][value="%d"]`, best.Parameter))),
			chromedp.SetValue(chromedp.CSS(`#work-answer [name=document_ref]`), "Perbup 7/2025"),
			chromedp.Click(chromedp.CSS(`#work-answer button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#work-answer-ok`))), "answer from the workspace")
		// The form is empty again and keeps the focus for the next entry.
		state, err := chromedp.Run(op, chromedp.Evaluate[string](`document.activeElement.id + '|' + document.querySelector('#work-answer [name=document_ref]').value +
			'|' + (document.querySelector('#work-answer input[name=option]:checked') ? 'checked' : '')`))
		must(t, err)
		if state != "answer-indicator||" {
			t.Errorf("after success the form reads %q, want focus on the indicator and empty fields", state)
		}
		must(t, chromedp.Do(op, poll(fmt.Sprintf(`[...document.querySelectorAll('#work-waiting-table tbody tr')].some((r) => r.textContent.startsWith(%q))`, top.Indicator+"."))),
			"the answer waits")
		if shots {
			e.shootBoth(t, op, "ruang-kerja", "")
		}
	})

	t.Run("the attendance form takes three pasted names and stays open", func(t *testing.T) {
		e := e.as(t)
		defer func() {
			if t.Failed() {
				report, _ := chromedp.Run(op, chromedp.Evaluate[string](`document.querySelector('#work-panel')?.textContent || 'no panel'`))
				t.Logf("the panel reads: %s", report)
			}
		}()
		must(t, chromedp.Do(op, chromedp.Click(chromedp.CSS(`#open-attendance`)), chromedp.WaitVisible(chromedp.CSS(`#work-attendance`)),
			// three people (Budi takes the default unit) and a line without a name
			chromedp.SetValue(chromedp.CSS(`#work-attendance [name=list]`), "Ani; 198001012005012001; Bapelitbang; peserta\n"+
				"Budi; 198102022006021002\n; 198203032007032003; Dinas Pariwisata\nCitra, 198304042008042004, Dinas Kesehatan"),
			chromedp.SetValue(chromedp.CSS(`#work-attendance [name=unit]`), "Bapelitbang"),
			chromedp.Click(chromedp.CSS(`#work-attendance button[type=submit]`)),
			poll(`document.querySelector('#attendance-summary')?.textContent.startsWith('3 peserta dicatat, 1 baris bermasalah')`)), "attendance")
		open, err := chromedp.Run(op, chromedp.Evaluate[string](`(document.querySelector('#work-attendance').offsetParent !== null) + '|' +
			document.activeElement.name + '|' + document.querySelector('#work-attendance [name=list]').value + '|' +
			document.querySelector('#attendance-report li.error').textContent`))
		must(t, err)
		if want := "true|list|; 198203032007032003; Dinas Pariwisata|Baris 3 (tanpa nama): Nama: "; !strings.HasPrefix(open, want) {
			t.Errorf("after recording, the form reads %q, want it open and focused, the failed line kept with its problem (%q)", open, want)
		}
		var sessions struct {
			Items []struct {
				Title     string `json:"title"`
				Attendees []struct {
					Name string `json:"name"`
					Unit string `json:"unit"`
				} `json:"attendees"`
				ID string `json:"id"`
			} `json:"items"`
		}
		e.call("operator", "GET", "/api/v1/bimtek?region=64.03", nil, &sessions, 200)
		var s struct {
			Attendees []struct {
				Name, Unit string
			} `json:"attendees"`
		}
		e.call("operator", "GET", "/api/v1/bimtek/"+sessions.Items[0].ID, nil, &s, 200)
		if len(s.Attendees) != 3 || s.Attendees[1].Name != "Budi" || s.Attendees[2].Unit != "Dinas Kesehatan" {
			t.Errorf("attendees = %+v", s.Attendees)
		}
	})

	t.Run("the coordinator reads the phase summary and advances in the page", func(t *testing.T) {
		e := e.as(t)
		var sum struct {
			Submitted int `json:"regions_submitted"`
			Waiting   int `json:"answers_waiting"`
		}
		e.call("admin", "GET", "/api/v1/periods/2025/summary", nil, &sum, 200)
		ctx := e.tab("admin", 60*time.Second)
		e.open(ctx, "#/periode", `#period-table button.advance[data-year="2025"]`)
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#period-table button.advance[data-year="2025"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#phase-confirm`))))
		if got := text(t, ctx, "#sum-submitted") + "/" + text(t, ctx, "#sum-waiting"); got != fmt.Sprintf("%d/%d", sum.Submitted, sum.Waiting) {
			t.Errorf("summary shows submitted/waiting %s, API %d/%d", got, sum.Submitted, sum.Waiting)
		}
		if shots {
			e.shootBoth(t, ctx, "ringkasan-tahap", "")
		}
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#phase-confirm`)), chromedp.WaitVisible(chromedp.CSS(`#phase-moved`)),
			// the schedule and the summary follow the move
			poll(`document.querySelector('#period-table button.advance[data-year="2025"]')?.textContent === 'Ke Presentasi'`),
			poll(`document.querySelector('#phase-summary h2')?.textContent.endsWith('tahap Pengukuran')`)), "advance")
		var p struct {
			Phase string `json:"phase"`
		}
		e.call("admin", "GET", "/api/v1/periods/2025", nil, &p, 200)
		if p.Phase != "pengukuran" {
			t.Errorf("2025 is in %q, want pengukuran", p.Phase)
		}
	})

	t.Run("a verifier works the queue with the keyboard; the operator sees it live", func(t *testing.T) {
		e := e.as(t)
		vctx := e.tab("verifier", 90*time.Second) // a second browser context
		e.open(vctx, "#/antrian?status=pending&region=64.03", "#queue-table tbody tr")
		before := text(t, vctx, "#queue-count")
		row := fmt.Sprintf(`#queue-table tbody tr[data-indicator=%q][data-innovation=%q]`, top.Indicator, top.InnovationID)
		must(t, chromedp.Do(vctx, chromedp.Focus(chromedp.CSS(row)), chromedp.KeyEvent("a"),
			poll(`document.activeElement?.name === 'reason'`), chromedp.KeyEvent("bukti lengkap"), chromedp.KeyEvent("\r"),
			chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)),
			poll(fmt.Sprintf(`document.querySelector('#queue-count').textContent !== %q`, before))), "accept with the keyboard")
		left, _ := strconv.Atoi(strings.Fields(before)[0])
		if !strings.HasPrefix(text(t, vctx, "#queue-count"), strconv.Itoa(left-1)+" ") {
			t.Errorf("count left %q after one decision, before %q", text(t, vctx, "#queue-count"), before)
		}
		// The next row is selected; r rejects, and the reason is required.
		must(t, chromedp.Do(vctx, poll(`document.activeElement?.matches('#queue-table tbody tr.selected')`), chromedp.KeyEvent("r"),
			poll(`document.activeElement?.name === 'reason'`), chromedp.KeyEvent("\r"),
			poll(`document.querySelector('#queue-table tr.selected .field-error') !== null && document.activeElement?.name === 'reason'`),
			chromedp.KeyEvent("bukti tidak sesuai"), chromedp.KeyEvent("\r"),
			poll(fmt.Sprintf(`document.querySelector('#queue-count').textContent.startsWith('%d ')`, left-2))), "reject, first without a reason")
		if shots {
			must(t, chromedp.Do(vctx, chromedp.KeyEvent("j")))
			e.shootBoth(t, vctx, "antrian-keyboard", "")
		}
		// The operator's workspace, open all along, shows the decision live.
		want := idNumber(best.IID)
		defer func() {
			if t.Failed() {
				got, _ := chromedp.Run(op, chromedp.Evaluate[string](`document.querySelector('#work-iid')?.textContent + ' | ' + document.querySelector('#work-accepted')?.textContent + ' | live ' + document.body.dataset.liveUpdates + ' ' + document.querySelector('#live-status')?.textContent + ' ' + document.querySelector('#live-badge')?.textContent`))
				t.Logf("the workspace reads: %s", got)
			}
		}()
		must(t, chromedp.Do(op, poll(fmt.Sprintf(`[...document.querySelectorAll('#work-accepted tbody tr')].some((r) => r.textContent.startsWith(%q))`, top.Indicator+".")),
			poll(fmt.Sprintf(`document.querySelector('#work-iid').textContent === %q`, want))), "live on the workspace")
		var now struct {
			Verified struct {
				IID float64 `json:"iid"`
			} `json:"verified"`
		}
		e.call("operator", "GET", "/api/v1/index/2025/64.03", nil, &now, 200)
		if idNumber(now.Verified.IID) != want {
			t.Errorf("verified IID %v after the top suggestion, simulator said %s (%s + %s)", now.Verified.IID, want, idNumber(sim.Current.IID), best.GainText)
		}
		var answers struct {
			Items []struct {
				Status string `json:"status"`
				Reason string `json:"reason"`
			} `json:"items"`
		}
		e.call("operator", "GET", "/api/v1/assessments/2025/64.03/answers", nil, &answers, 200)
		decided := map[string]string{}
		for _, a := range answers.Items {
			if a.Status != "pending" {
				decided[a.Status] = a.Reason
			}
		}
		if len(decided) != 2 || decided["accepted"] != "bukti lengkap" || decided["rejected"] != "bukti tidak sesuai" {
			t.Errorf("decisions recorded: %v, want one accepted and one rejected with their reasons", decided)
		}
		must(t, chromedp.Do(op, poll(`document.querySelectorAll('#work-fix tbody tr').length === 1`)), "the rejected answer under Perlu diperbaiki")
	})

	t.Run("the operator withdraws an innovation and records a replication from the workspace", func(t *testing.T) {
		e := e.as(t)
		var own, origin struct {
			Items []struct{ ID, Name, Stage string } `json:"items"`
		}
		e.call("operator", "GET", "/api/v1/innovations?region=64.03", nil, &own, 200)
		e.call("admin", "GET", "/api/v1/innovations?region=18.04", nil, &origin, 200)
		e.open(op, "#/kerja", "#open-withdraw")
		must(t, chromedp.Do(op, chromedp.Click(chromedp.CSS(`#open-withdraw`)), chromedp.WaitVisible(chromedp.CSS(`#work-withdraw`)),
			chromedp.SetValue(chromedp.CSS(`#work-withdraw [name=innovation]`), own.Items[0].ID),
			chromedp.SetValue(chromedp.CSS(`#work-withdraw [name=reason]`), "tidak dilanjutkan"),
			chromedp.Click(chromedp.CSS(`#work-withdraw button[type=submit]`)),
			poll(`document.querySelector('#work-withdraw .ok') !== null`)), "withdraw")
		// the lists are drawn again after the withdrawal: click the new button
		must(t, chromedp.Do(op, chromedp.Evaluate[chromedp.Void](`document.querySelector('#open-replication').click()`), chromedp.WaitVisible(chromedp.CSS(`#work-replication`)),
			chromedp.SetValue(chromedp.CSS(`#work-replication [name=origin]`), origin.Items[0].ID),
			chromedp.SetValue(chromedp.CSS(`#work-replication [name=unit]`), "Dinas Kesehatan Berau"),
			chromedp.Click(chromedp.CSS(`#work-replication button[type=submit]`)),
			poll(`document.querySelector('#work-replication .ok') !== null`)), "replication")
		var after struct {
			Items []struct{ ID, Name, Stage, Unit string } `json:"items"`
		}
		e.call("operator", "GET", "/api/v1/innovations?region=64.03", nil, &after, 200)
		stages := map[string]string{}
		for _, i := range after.Items {
			stages[i.ID] = i.Stage
		}
		if stages[own.Items[0].ID] != "ditarik" || len(after.Items) != len(own.Items)+1 {
			t.Errorf("after withdrawal and replication: %+v", after.Items)
		}
	})

	t.Run("Impor checks a file, then imports its valid rows on confirmation", func(t *testing.T) {
		e := e.as(t)
		file := filepath.Join(t.TempDir(), "inovasi.csv")
		csv := "Kode Daerah;Nama Inovasi;Perangkat Daerah;Inisiator;Bentuk Inovasi;Digital;Urusan Pemerintahan;Permasalahan;Solusi;Manfaat;Tanggal Inisiatif;Tanggal Uji Coba\n" +
			"64.03;Berau Melayani;Dinas Kesehatan;Perangkat daerah;Pelayanan publik;Ya;Kesehatan;Antre;Daring;Cepat;2025-01-10;2025-02-01\n" +
			"64.03;Berau Membaca;Dinas Perpustakaan;Bupati;Lainnya;Tidak;Perpustakaan;Minat baca;Pojok baca;Gemar membaca;10/01/2025;\n"
		must(t, os.WriteFile(file, []byte(csv), 0o644))
		var before, after struct {
			Position uint64 `json:"position"`
		}
		e.call("", "GET", "/api/v1/projections", nil, &before, 200)
		ctx := e.tab("operator", 60*time.Second)
		e.open(ctx, "#/impor", "#form-import [name=file]")
		must(t, chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(`#form-import [name=file]`), []string{file}),
			chromedp.Click(chromedp.CSS(`#form-import button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#import-problems`))), "dry run")
		e.call("", "GET", "/api/v1/projections", nil, &after, 200)
		if after.Position != before.Position {
			t.Errorf("the check appended: position %d -> %d", before.Position, after.Position)
		}
		if n := count(t, ctx, "#import-problems tbody tr"); n != 2 || count(t, ctx, "#import-go") != 0 {
			t.Errorf("%d problems shown, confirm offered %d times; want 2 and none", n, count(t, ctx, "#import-go"))
		}
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#form-import [name=valid_only]`)),
			chromedp.Click(chromedp.CSS(`#form-import button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#import-go`))), "valid only")
		if shots {
			e.shootBoth(t, ctx, "impor", "")
		}
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#import-go`)),
			poll(`document.querySelector('#import-summary')?.textContent.startsWith('Impor selesai')`)), "import")
		var list struct {
			Items []struct{ Name string } `json:"items"`
		}
		e.call("operator", "GET", "/api/v1/innovations?region=64.03&q=Berau%20Melayani", nil, &list, 200)
		found := false
		for _, i := range list.Items {
			found = found || i.Name == "Berau Melayani"
		}
		if !found {
			t.Error("the imported innovation is not listed")
		}
	})
}

// shootBoth writes a screenshot of the tab at desktop and phone width, of the
// element sel ("" for the whole page), then restores the desktop size.
func (e *dashboardEnv) shootBoth(t *testing.T, ctx context.Context, name, sel string) {
	t.Helper()
	dir := filepath.Join("..", "..", "docs", "screenshots")
	must(t, os.MkdirAll(dir, 0o755))
	for _, sz := range []struct {
		suffix string
		w, h   int64
		mobile bool
	}{{"desktop", 1280, 800, false}, {"ponsel", 390, 844, true}} {
		vp := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
		if sz.mobile {
			vp = append(vp, chromedp.EmulateMobile)
		}
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(sz.w, sz.h, vp...)), name)
		var buf []byte
		var err error
		if sel == "" {
			buf, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		} else {
			buf, err = chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
		}
		must(t, err, name)
		must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%s.png", name, sz.suffix)), buf, 0o644))
	}
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800, chromedp.EmulateScale(1))), name)
}
