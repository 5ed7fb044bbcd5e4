package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// auditPage is the rows of an audit page in the dashboard (audit.js).
const auditPage = 50

// TestAuditPageInBrowser drives the audit trail page over the demo data
// (issue 16): newest first by default, keyset pages that continue without
// overlap, filters and a search term that narrow the rows as the API does,
// and an address that reproduces the view.
func TestAuditPageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test; not in -short")
	}
	e := startDashboardEnvWith(t, true)
	type page struct {
		Items []struct {
			Position   int    `json:"position"`
			EventID    string `json:"event_id"`
			OccurredAt string `json:"occurred_at"`
			Actor      struct {
				User string `json:"user"`
			} `json:"actor"`
		} `json:"items"`
		Total      int    `json:"total"`
		NextCursor string `json:"next_cursor"`
	}
	apiPage := func(e *dashboardEnv, query string) page {
		var p page
		e.call("auditor", "GET", fmt.Sprintf("/api/v1/audit?limit=%d&", auditPage)+query, nil, &p, 200)
		return p
	}
	positions := func(t *testing.T, ctx context.Context) []int {
		t.Helper()
		ps, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[...document.querySelectorAll('#audit-table tbody .pos')].map((s) => Number(s.textContent.trim().slice(1)))`))
		must(t, err)
		return ps
	}
	eventIDs := func(t *testing.T, ctx context.Context) []string {
		t.Helper()
		ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#audit-table tbody td:nth-child(2) code.id')].map((c) => c.title)`))
		must(t, err)
		return ids
	}
	hash := func(t *testing.T, ctx context.Context) url.Values {
		t.Helper()
		h, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash`))
		must(t, err)
		_, qs, _ := strings.Cut(h, "?")
		v, err := url.ParseQuery(qs)
		must(t, err)
		return v
	}
	pagerIs := func(want string) chromedp.Action[chromedp.Void] {
		return poll(fmt.Sprintf(`document.querySelector('.pager-top p')?.textContent === %q`, want))
	}

	t.Run("newest first, and the next page continues without overlap", func(t *testing.T) {
		e := e.as(t)
		all := apiPage(e, "")
		if all.Total <= 2*auditPage || all.NextCursor == "" {
			t.Fatalf("the demo has %d audit events; the test needs more than two pages", all.Total)
		}
		ctx := e.tab("auditor", 30*time.Second)
		e.open(ctx, "#/audit", "#audit-table tbody .pos")
		must(t, chromedp.Do(ctx, pagerIs(fmt.Sprintf("Peristiwa 1–%d dari %s, terbaru di atas.", auditPage, idInt(all.Total)))))
		first, firstIDs := positions(t, ctx), eventIDs(t, ctx)
		if len(first) != auditPage {
			t.Fatalf("the first page shows %d rows, want %d", len(first), auditPage)
		}
		if first[0] <= first[len(first)-1] {
			t.Errorf("first row at position %d, last at %d: not newest first", first[0], first[len(first)-1])
		}
		cost, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.querySelector('#audit-body').dataset.fetchMs, document.querySelector('#audit-body').dataset.renderMs]`))
		must(t, err)
		t.Logf("first page of %d events: read %s ms, built and shown %s ms (demo data, this machine; logged, not asserted)", len(first), cost[0], cost[1])
		if first[0] != all.Items[0].Position {
			t.Errorf("first row at position %d, the API's newest is %d", first[0], all.Items[0].Position)
		}
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.pager-top button[data-page=next]`)),
			pagerIs(fmt.Sprintf("Peristiwa %d–%d dari %s, terbaru di atas.", auditPage+1, 2*auditPage, idInt(all.Total)))))
		second := positions(t, ctx)
		// a commit's events share its position: one may straddle two pages
		if len(second) != auditPage || second[0] > first[len(first)-1] {
			t.Errorf("the second page (%d rows) starts at position %d, the first ended at %d", len(second), second[0], first[len(first)-1])
		}
		seen := map[string]bool{}
		for _, id := range firstIDs {
			seen[id] = true
		}
		for _, id := range eventIDs(t, ctx) {
			if seen[id] {
				t.Errorf("event %s is on both pages", id)
			}
		}
		if len(firstIDs) != auditPage {
			t.Errorf("the first page names %d events", len(firstIDs))
		}
		want := apiPage(e, "cursor="+all.NextCursor)
		if second[0] != want.Items[0].Position || second[len(second)-1] != want.Items[len(want.Items)-1].Position {
			t.Errorf("the second page shows positions %d..%d, the API's next page %d..%d", second[0], second[len(second)-1],
				want.Items[0].Position, want.Items[len(want.Items)-1].Position)
		}
		if got := hash(t, ctx).Get("cursors"); got != all.NextCursor {
			t.Errorf("the address keeps cursors %q, want %q", got, all.NextCursor)
		}
		// the address reproduces the page
		must(t, chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#audit-table tbody .pos`)),
			pagerIs(fmt.Sprintf("Peristiwa %d–%d dari %s, terbaru di atas.", auditPage+1, 2*auditPage, idInt(all.Total)))))
		if again := positions(t, ctx); again[0] != second[0] {
			t.Errorf("the reloaded second page starts at %d, was %d", again[0], second[0])
		}
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.pager-top button[data-page=prev]`)),
			pagerIs(fmt.Sprintf("Peristiwa 1–%d dari %s, terbaru di atas.", auditPage, idInt(all.Total)))))
		if back := positions(t, ctx); back[0] != first[0] {
			t.Errorf("Sebelumnya shows position %d first, want %d", back[0], first[0])
		}
		// Terlama: oldest first
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.order-toggle button[data-order=asc]`)),
			pagerIs(fmt.Sprintf("Peristiwa 1–%d dari %s, terlama di atas.", auditPage, idInt(all.Total)))))
		if asc := positions(t, ctx); asc[0] >= asc[len(asc)-1] {
			t.Errorf("Terlama shows position %d first and %d last", asc[0], asc[len(asc)-1])
		}
		if got := hash(t, ctx).Get("order"); got != "asc" {
			t.Errorf("the address keeps order %q, want asc", got)
		}
	})

	t.Run("a type filter and a search term narrow the rows as the API does", func(t *testing.T) {
		e := e.as(t)
		all := apiPage(e, "")
		typed := apiPage(e, "type=assessment.answer_verified")
		both := apiPage(e, "type=assessment.answer_verified&q=64.03")
		if !(both.Total > 0 && both.Total < typed.Total && typed.Total < all.Total) {
			t.Fatalf("totals all %d, verified %d, verified in 64.03 %d: the demo does not narrow", all.Total, typed.Total, both.Total)
		}
		ctx := e.tab("auditor", 30*time.Second)
		e.open(ctx, "#/audit", "#audit-table tbody .pos")
		must(t, chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS(`#audit-filters select[name=type]`), "assessment.answer_verified"),
			chromedp.Click(chromedp.CSS(`#audit-filters button[type=submit]`)),
			pagerIs(fmt.Sprintf("Peristiwa 1–%d dari %s, terbaru di atas.", min(auditPage, typed.Total), idInt(typed.Total)))))
		labels, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#audit-table tbody td:nth-child(2) strong')].map((s) => s.textContent)`))
		must(t, err)
		for i, l := range labels {
			if l != "Jawaban diverifikasi" {
				t.Errorf("row %d is %q under the type filter", i, l)
				break
			}
		}
		must(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#audit-filters input[name=q]`), "64.03"),
			chromedp.Click(chromedp.CSS(`#audit-filters button[type=submit]`)),
			pagerIs(fmt.Sprintf("Peristiwa 1–%d dari %s, terbaru di atas.", min(auditPage, both.Total), idInt(both.Total)))))
		if ps := positions(t, ctx); len(ps) == 0 || ps[0] != both.Items[0].Position {
			t.Errorf("the search shows positions %v first, the API %d", ps[:min(1, len(ps))], both.Items[0].Position)
		}
		v := hash(t, ctx)
		if v.Get("type") != "assessment.answer_verified" || v.Get("q") != "64.03" {
			t.Errorf("the address keeps %v", v)
		}
		// the same address in a new tab shows the same view and fills the form
		ctx2 := e.tab("auditor", 30*time.Second)
		e.open(ctx2, "#/audit?"+v.Encode(), "#audit-table tbody .pos")
		must(t, chromedp.Do(ctx2, pagerIs(fmt.Sprintf("Peristiwa 1–%d dari %s, terbaru di atas.", min(auditPage, both.Total), idInt(both.Total)))))
		form, err := chromedp.Run(ctx2, chromedp.Evaluate[[]string](`[document.querySelector('#audit-filters select[name=type]').value, document.querySelector('#audit-filters input[name=q]').value]`))
		must(t, err)
		if form[0] != "assessment.answer_verified" || form[1] != "64.03" {
			t.Errorf("the form from the address reads %v", form)
		}
	})

	t.Run("the date range and the actor narrow the rows as the API does", func(t *testing.T) {
		e := e.as(t)
		all := apiPage(e, "")
		at, err := time.Parse(time.RFC3339, all.Items[len(all.Items)-1].OccurredAt)
		must(t, err)
		day := at.In(time.FixedZone("WIB", 7*3600)).Format(time.DateOnly)
		actor := all.Items[len(all.Items)-1].Actor.User
		dated := apiPage(e, "from="+day+"&to="+day+"&actor="+url.QueryEscape(actor))
		if dated.Total == 0 || dated.Total >= all.Total {
			t.Fatalf("%s on %s has %d of %d events: the demo does not narrow", actor, day, dated.Total, all.Total)
		}
		ctx := e.tab("auditor", 30*time.Second)
		e.open(ctx, "#/audit", "#audit-table tbody .pos")
		dmy := day[8:10] + "/" + day[5:7] + "/" + day[:4]
		must(t, chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS(`#audit-filters .field:has(input[name=from]) input.date-dmy`), dmy),
			chromedp.SendKeys(chromedp.CSS(`#audit-filters .field:has(input[name=to]) input.date-dmy`), dmy),
			chromedp.SendKeys(chromedp.CSS(`#audit-filters input[name=actor]`), actor),
			chromedp.Click(chromedp.CSS(`#audit-filters button[type=submit]`)),
			poll(`location.hash.includes('from=')`)))
		v := hash(t, ctx)
		if v.Get("from") != day || v.Get("to") != day || v.Get("actor") != actor {
			t.Errorf("the address keeps %v, want from=to=%s and actor=%s", v, day, actor)
		}
		must(t, chromedp.Do(ctx, pagerIs(fmt.Sprintf("Peristiwa 1–%d dari %s, terbaru di atas.", min(auditPage, dated.Total), idInt(dated.Total)))))
	})

	t.Run("an innovation's trail from its address fills the entity filter", func(t *testing.T) {
		e := e.as(t)
		var list struct {
			Items []struct{ ID string } `json:"items"`
		}
		e.call("auditor", "GET", "/api/v1/innovations?region=64.03", nil, &list, 200)
		if len(list.Items) == 0 {
			t.Fatal("the demo has no innovation in 64.03")
		}
		id := list.Items[0].ID
		want := apiPage(e, "entity=innovation/"+id)
		ctx := e.tab("auditor", 30*time.Second)
		e.open(ctx, "#/audit?entity=innovation/"+id, "#audit-table tbody .pos")
		must(t, chromedp.Do(ctx, pagerIs(fmt.Sprintf("Peristiwa 1–%d dari %s, terbaru di atas.", min(auditPage, want.Total), idInt(want.Total)))))
		form, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.querySelector('#audit-filters select[name=entity_type]').value, document.querySelector('#audit-filters input[name=entity_id]').value]`))
		must(t, err)
		if form[0] != "innovation" || form[1] != id {
			t.Errorf("the entity filter reads %v, want innovation %s", form, id)
		}
		// Hapus saringan: the whole log again, and an address without filters
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#audit-reset`)), poll(`!location.hash.includes('entity=')`)))
		all := apiPage(e, "")
		must(t, chromedp.Do(ctx, pagerIs(fmt.Sprintf("Peristiwa 1–%d dari %s, terbaru di atas.", auditPage, idInt(all.Total)))))
	})

	if e.shots() {
		t.Run("screenshots", func(t *testing.T) {
			e := e.as(t)
			// the top of the page (filters, pager, first rows): a whole page
			// of 50 events is a 40,000 px image on a phone
			for _, sz := range []struct {
				suffix string
				w, h   int64
				mobile bool
			}{{"desktop", 1280, 1200, false}, {"ponsel", 390, 1900, true}} {
				ctx := e.tab("auditor", 40*time.Second)
				vp := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
				if sz.mobile {
					vp = append(vp, chromedp.EmulateMobile)
				}
				must(t, chromedp.Do(ctx, chromedp.EmulateViewport(sz.w, sz.h, vp...)))
				e.open(ctx, "#/audit?type=assessment.answer_verified&q=64.03", "#audit-table tbody .pos")
				must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur(); window.scrollTo(0,0)`)))
				buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				must(t, err)
				must(t, os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", "audit-"+sz.suffix+".png"), buf, 0o644))
			}
		})
	}
}
