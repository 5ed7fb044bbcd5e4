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
	openList := chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('#bimtek-list details.attendees').forEach((d) => { d.open = true; })`)

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
		must(t, chromedp.Do(ctx, openList, poll(fmt.Sprintf(`[...document.querySelectorAll('%s li')].some((li) => li.textContent.includes(%q))`, list, name))))
		if got := text(t, ctx, list+" li"); !strings.Contains(got, "NIP "+nip) || !strings.Contains(got, "Kepala Seksi") {
			t.Errorf("the operator reads %q", got)
		}
	})
	t.Run("an auditor sees the subject, not the name", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("auditor", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2025", "#bimtek-list details.attendees")
		must(t, chromedp.Do(ctx, openList, poll(fmt.Sprintf(`document.querySelectorAll('%s li').length > 0`, list))))
		if got := text(t, ctx, list+" li"); !strings.HasPrefix(got, "Subjek ") || strings.Contains(got, name) || strings.Contains(got, nip) {
			t.Errorf("the auditor reads %q", got)
		}
	})
	t.Run("an admin erases the person: the list reads [dihapus]", func(t *testing.T) {
		e := e.as(t)
		ctx := e.tab("admin", 30*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2025", "#bimtek-list details.attendees")
		must(t, chromedp.Do(ctx, openList, poll(fmt.Sprintf(`document.querySelector('%s li button.erase-person') !== null`, list))))
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.prompt = () => 'permintaan subjek data no. 3/2026'`),
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('%s li button.erase-person').click()`, list)),
			poll(`document.body.textContent.includes('Data pribadi dihapus.')`)))
		e.open(ctx, "#/daerah/64.03?year=2025&ulang=1", "#bimtek-list details.attendees")
		must(t, chromedp.Do(ctx, openList, poll(fmt.Sprintf(`[...document.querySelectorAll('%s li')].some((li) => li.textContent.includes('[dihapus]'))`, list))))
		if got := text(t, ctx, list+" li"); strings.Contains(got, name) || strings.Contains(got, nip) {
			t.Errorf("after erasure the admin reads %q", got)
		}
	})
}
