package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDashboardAttendanceAndErasure: Berau's operator records an attendee
// with NIP, position and contact through the form and reads the name back;
// an auditor sees the subject, not the name; an admin erases the person,
// after which the list reads "[dihapus]".
func TestDashboardAttendanceAndErasure(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test; not in -short")
	}
	e := startDashboardEnvWith(t, false)
	const name, nip = "Rahmawati Uji Peramban", "198705052010012005"
	list := `#bimtek-list details.attendees`
	// pollOpen waits until cond holds, opening the attendance lists on
	// every try: a live notice re-renders the page (and closes them).
	pollOpen := func(cond string) chromedp.Action[chromedp.Void] {
		return poll(`(() => { document.querySelectorAll('#bimtek-list details.attendees').forEach((d) => { d.open = true; }); return ` + cond + `; })()`)
	}

	t.Run("the operator records NIP, position and contact and reads the name", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("operator", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2025", "#bimtek-list form.form-attendance")
		form, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#bimtek-list form.form-attendance').textContent`))
		must(t, err)
		for _, label := range []string{"NIP", "Jabatan (opsional)", "Kontak: telepon atau surel (opsional)"} {
			if !strings.Contains(form, label) {
				t.Errorf("the attendance form has no field %q", label)
			}
		}
		fill := fmt.Sprintf(`(() => {
			const f = document.querySelector('#bimtek-list form.form-attendance');
			f.closest('details')?.setAttribute('open', '');
			const set = (n, v) => { f.querySelector('[name=' + n + ']').value = v; };
			set('name', %q); set('nip', %q); set('position', 'Kepala Seksi'); set('contact', '0812-0000-0000');
			set('unit', 'Dinas Kesehatan'); set('role', 'pamong inovasi');
			f.requestSubmit();
		})()`, name, nip)
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fill), poll(`document.querySelector('#bimtek-list .attendance')?.textContent.startsWith('1 ')`)))
		must(t, chromedp.Do(ctx, pollOpen(fmt.Sprintf(`[...document.querySelectorAll('%s li')].some((li) => li.textContent.includes(%q)`+
			` && li.textContent.includes(%q) && li.textContent.includes('Kepala Seksi'))`, list, name, "NIP "+nip))))
	})
	t.Run("an auditor sees the subject, not the name", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("auditor", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2025", "#bimtek-list details.attendees")
		must(t, chromedp.Do(ctx, pollOpen(fmt.Sprintf(`[...document.querySelectorAll('%s li')].some((li) => li.textContent.startsWith('Subjek '))`+
			` && !document.body.textContent.includes(%q) && !document.body.textContent.includes(%q)`, list, name, nip))))
	})
	t.Run("an admin erases the person: the list reads [dihapus]", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("admin", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2025", "#bimtek-list details.attendees")
		must(t, chromedp.Do(ctx, pollOpen(fmt.Sprintf(`document.querySelector('%s li button.erase-person') !== null`, list))))
		// the erasure's answer is watched at fetch: the live notice of the
		// erasure may re-render the page before its status line is read
		hook := `window.prompt = () => 'permintaan subjek data no. 3/2026'; window.erasedStatus = 0;
			const fetched = window.fetch; window.fetch = async (...args) => { const res = await fetched(...args);
				if (String(args[0]).endsWith('/erasure')) window.erasedStatus = res.status; return res; };`
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](hook),
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('%s li button.erase-person').click()`, list)),
			poll(`window.erasedStatus !== 0`)))
		if status, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.erasedStatus`)); err != nil || status != 200 {
			t.Fatalf("the erasure answered %d (%v)", status, err)
		}
		e.open(ctx, "#/daerah/64.03?year=2025&ulang=1", "#bimtek-list details.attendees")
		// the list reads [dihapus], and neither the name nor the NIP anywhere
		must(t, chromedp.Do(ctx, pollOpen(fmt.Sprintf(`[...document.querySelectorAll('%s li')].some((li) => li.textContent.includes('[dihapus]'))`+
			` && !document.body.textContent.includes(%q) && !document.body.textContent.includes(%q)`, list, name, nip))))
	})
}
