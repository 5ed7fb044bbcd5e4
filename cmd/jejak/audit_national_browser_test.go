package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestAuditPageAtNationalScale measures the audit trail page in headless
// Chromium against a running Jejak (issue 16: the page renders in under
// 300 ms at national scale). It is skipped unless JEJAK_NATIONAL_URL names
// the server (e.g. http://127.0.0.1:8391, serving a `jejak generate
// --scale 1` store) and JEJAK_NATIONAL_TOKEN holds an auditor's token;
// JEJAK_NATIONAL_REGION (default 32.79) is the region and
// JEJAK_NATIONAL_RUNS (default 10) the runs per figure; JEJAK_NATIONAL_COLD=1
// turns Chromium's cache off (every navigation a first visit). It logs p50 and
// max and asserts nothing about time:
//
//   - first page: from navigation (performance.now() of a fresh document)
//     to the first frame after the rows are in the page (app start, the
//     API read, building the rows, style, layout);
//   - next page: from the click on "Berikutnya" to the frame after the new rows;
//   - filter: from submitting a type filter to the frame after its rows.
//
// Each figure also logs the API read and the rows' build as the page
// records them (#audit-body data-fetch-ms, data-render-ms), the style and
// layout forced right after the rows are in, the page's element count,
// for the first page when the app asked for the rows, and for the other
// two the main thread's script, style, layout and task time (Chrome's
// Performance metrics in thread ticks, which the machine's other load does
// not inflate). docs/BENCHMARKS.md has the command.
//
// Chromium's back-forward cache is off: a page left there keeps its
// live-update stream open, and after six navigations a new page's reads
// waited for one of HTTP/1.1's six connections (45 s once).
func TestAuditPageAtNationalScale(t *testing.T) {
	base, token := os.Getenv("JEJAK_NATIONAL_URL"), os.Getenv("JEJAK_NATIONAL_TOKEN")
	if base == "" || token == "" {
		t.Skip("set JEJAK_NATIONAL_URL and JEJAK_NATIONAL_TOKEN (an auditor's) to measure the audit page against a national store")
	}
	chrome := chromiumPath()
	if chrome == "" {
		t.Skip("no Chromium found")
	}
	region := cmp.Or(os.Getenv("JEJAK_NATIONAL_REGION"), "32.79")
	runs := 10
	if n, err := strconv.Atoi(os.Getenv("JEJAK_NATIONAL_RUNS")); err == nil && n > 0 {
		runs = n
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1366, 900),
		// a page left keeps no connection (its live-update stream) open in the back-forward cache
		chromedp.Flag("disable-features", "BackForwardCache"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 15*time.Minute)
	defer cancelT()

	// firstRows marks, in every new document, the first frame after the
	// audit table's rows appear: a mutation observer sees them, then a
	// frame and a task later (after style, layout and paint) the time is kept.
	const firstRows = `(() => {
		window.__firstRows = null;
		const mo = new MutationObserver(() => {
			if (!document.querySelector('#audit-table tbody tr')) return;
			mo.disconnect();
			const t = window.__rowsAt = performance.now();
			document.body.getBoundingClientRect(); // style and layout, now
			window.__layoutMs = performance.now() - t;
			requestAnimationFrame(() => setTimeout(() => { window.__firstRows = performance.now(); }, 0));
		});
		mo.observe(document, { childList: true, subtree: true });
	})()`
	// swap runs action (JavaScript) and resolves, a frame after the audit
	// table is replaced, with the time since the action and the page's figures.
	swap := func(action string) string {
		return `new Promise((resolve) => {
			const body = document.querySelector('#audit-body');
			const old = body.querySelector('#audit-table');
			const t0 = performance.now();
			const mo = new MutationObserver(() => {
				const t = body.querySelector('#audit-table');
				if (!t || t === old) return;
				mo.disconnect();
				const t1 = performance.now();
				document.body.getBoundingClientRect(); // style and layout, now
				const layout = performance.now() - t1;
				requestAnimationFrame(() => setTimeout(() => resolve({ ms: performance.now() - t0, fetch: Number(body.dataset.fetchMs),
					build: Number(body.dataset.renderMs), layout, rows: t.tBodies[0].rows.length, elements: document.getElementsByTagName('*').length }), 0));
			});
			mo.observe(body, { childList: true });
			` + action + `;
		})`
	}
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900, chromedp.EmulateScale(1)),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: firstRows})
			return err
		}),
		chromedp.Navigate(base+"/#/"), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`sessionStorage.setItem('jejak.token', %q)`, token))))
	if os.Getenv("JEJAK_NATIONAL_COLD") != "" {
		_, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
		must(t, err, "cache off")
	}

	type figure = map[string]float64
	report := func(name string, fs []figure) {
		t.Helper()
		stat := func(k string) (p50, top float64) {
			v := make([]float64, len(fs))
			for i, f := range fs {
				v[i] = f[k]
			}
			slices.Sort(v)
			return v[(len(v)-1)/2], v[len(v)-1]
		}
		ms, msMax := stat("ms")
		fetch, fetchMax := stat("fetch")
		build, buildMax := stat("build")
		layout, layoutMax := stat("layout")
		last := fs[len(fs)-1]
		t.Logf("%s (%d runs): p50 %.1f ms, max %.1f ms; of which API read p50 %.1f (max %.1f), rows built %.1f (%.1f), style and layout %.1f (%.1f); %.0f rows, %.0f elements",
			name, len(fs), ms, msMax, fetch, fetchMax, build, buildMax, layout, layoutMax, last["rows"], last["elements"])
		if _, ok := last["start"]; ok {
			start, startMax := stat("start")
			t.Logf("%s: the app started and asked for the page at p50 %.1f ms (max %.1f) after navigation", name, start, startMax)
			doc, _ := stat("doc")
			scripts, _ := stat("scripts")
			readEnd, _ := stat("readEnd")
			rowsAt, _ := stat("rowsAt")
			t.Logf("%s: p50 after navigation: the page's HTML in at %.1f ms, its %.0f script files in at %.1f ms, the rows asked for at %.1f ms, read at %.1f ms, in the page at %.1f ms",
				name, doc, last["nScripts"], scripts, start, readEnd, rowsAt)
		}
		if _, ok := last["cpuTask"]; ok {
			script, _ := stat("cpuScript")
			style, _ := stat("cpuStyle")
			lay, _ := stat("cpuLayout")
			task, _ := stat("cpuTask")
			t.Logf("%s: main thread CPU p50: script %.1f ms, style %.1f ms, layout %.1f ms, all tasks %.1f ms", name, script, style, lay, task)
		}
	}
	// cpu is the renderer's main thread time so far (thread ticks, so
	// another process on the machine does not inflate it), in ms.
	cpu := func() map[string]float64 {
		t.Helper()
		m, err := chromedp.Call(ctx, performance.GetMetrics, cdp.Empty{})
		must(t, err, "metrics")
		out := map[string]float64{}
		for _, x := range m.Metrics {
			out[x.Name] = x.Value * 1000
		}
		return out
	}
	// timed runs the swap action and adds the main thread's script, style
	// and layout time it cost.
	timed := func(what, action string) figure {
		t.Helper()
		before := cpu()
		f, err := inPage[map[string]float64](ctx, swap(action))
		must(t, err, what)
		after := cpu()
		f["cpuScript"] = after["ScriptDuration"] - before["ScriptDuration"]
		f["cpuStyle"] = after["RecalcStyleDuration"] - before["RecalcStyleDuration"]
		f["cpuLayout"] = after["LayoutDuration"] - before["LayoutDuration"]
		f["cpuTask"] = after["TaskDuration"] - before["TaskDuration"]
		return f
	}
	for _, sc := range []struct{ name, query string }{
		{"the nation", ""},
		{"region " + region, "region=" + url.QueryEscape(region)},
	} {
		var first, next, filter []figure
		for range runs {
			// a fresh document each run: the app starts, reads and renders
			must(t, chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Navigate(base+"/#/audit"+strings.TrimSuffix("?"+sc.query, "?"))), sc.name)
			for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) { // the times are the page's own
				done, err := inPage[bool](ctx, `window.__firstRows !== null && !!document.querySelector('#audit-body')?.dataset.renderMs`)
				must(t, err, sc.name)
				if done {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: no rows a minute after navigation", sc.name)
				}
			}
			f, err := inPage[map[string]float64](ctx, `(() => { const b = document.querySelector('#audit-body');
				const res = performance.getEntriesByType('resource');
				const read = res.find((r) => r.name.includes('/api/v1/audit?'));
				const scripts = res.filter((r) => r.initiatorType === 'script' && /\.js(\?|$)/.test(r.name));
				return { ms: window.__firstRows, rowsAt: window.__rowsAt, start: read ? read.startTime : NaN, readEnd: read ? read.responseEnd : NaN,
					doc: performance.getEntriesByType('navigation')[0].responseEnd, scripts: Math.max(...scripts.map((r) => r.responseEnd)), nScripts: scripts.length,
					fetch: Number(b.dataset.fetchMs), build: Number(b.dataset.renderMs), layout: window.__layoutMs,
					rows: document.querySelectorAll('#audit-table tbody tr').length, elements: document.getElementsByTagName('*').length }; })()`)
			must(t, err, sc.name)
			first = append(first, f)
			_, err = chromedp.Call(ctx, performance.Enable, performance.EnableParams{TimeDomain: performance.EnableTimeDomainThreadTicks})
			must(t, err, "metrics")
			next = append(next, timed(sc.name+": next page", `body.querySelector('.pager-top button[data-page=next]').click()`))
			filter = append(filter, timed(sc.name+": filter", `const form = document.querySelector('#audit-filters');
				form.querySelector('select[name=type]').value = 'assessment.answer_verified'; form.requestSubmit()`))
		}
		report(sc.name+": first page (from navigation)", first)
		report(sc.name+": next page (Berikutnya)", next)
		report(sc.name+": type filter (Jawaban diverifikasi)", filter)
	}
}

// inPage evaluates expr (awaiting a promise) in the tab's current document
// and decodes its value. It names no execution context, which makes the
// browser use the page's: chromedp's own Evaluate and Poll use the context
// it tracked from the tab's events, which right after a navigation can
// still be the previous document's (its Navigate returns on the load event
// before the tab's state has caught up). Once the app started in ~50 ms,
// that was most runs: "Cannot find context with specified id", and once a
// 30 s wait in about:blank.
func inPage[T any](ctx context.Context, expr string) (T, error) {
	var v T
	yes := true
	res, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: expr, ReturnByValue: &yes, AwaitPromise: &yes})
	if err != nil {
		return v, err
	}
	if e := res.ExceptionDetails; e != nil {
		if e.Exception != nil {
			return v, fmt.Errorf("%s: %s", e.Text, e.Exception.Description)
		}
		return v, fmt.Errorf("%s", e.Text)
	}
	if res.Result == nil || len(res.Result.Value) == 0 {
		return v, fmt.Errorf("%s: no value (%v)", expr, res.Result)
	}
	return v, json.Unmarshal(res.Result.Value, &v)
}
