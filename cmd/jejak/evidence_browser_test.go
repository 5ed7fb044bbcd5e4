package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jejak-id/jejak/sampledata"
)

// TestEvidenceInBrowser: an operator uploads a PDF (its progress bar fills),
// answers with it; a verifier sees the PDF beside the answer in the queue,
// with its pages and hash, can open its bytes, and accepts the answer.
// JEJAK_SCREENSHOTS=1 writes docs/screenshots/evidence-upload.png and
// evidence-queue.png.
func TestEvidenceInBrowser(t *testing.T) {
	e := startDashboardEnv(t)
	pdf, err := sampledata.SamplePDF("Peraturan Bupati Berau Nomor 39 Tahun 2024 tentang Inovasi Daerah", 3)
	must(t, err)
	path := filepath.Join(t.TempDir(), "Perbup 39 2024.pdf")
	must(t, os.WriteFile(path, pdf, 0o644))
	notPDF := filepath.Join(t.TempDir(), "laporan.pdf")
	must(t, os.WriteFile(notPDF, []byte("<html><body>bukan PDF</body></html>"), 0o644))
	shots := os.Getenv("JEJAK_SCREENSHOTS") != ""
	dir := filepath.Join("..", "..", "docs", "screenshots")

	var sha string
	t.Run("an operator uploads a PDF with progress and answers with it", func(t *testing.T) {
		e := e.as(t)
		// the operator's browser reaches Jejak through a proxy that reads
		// request bodies slowly, so that an upload lasts long enough to
		// show its progress
		proxy := httptest.NewServer(slowBodies(e.base))
		t.Cleanup(proxy.Close)
		e.base = proxy.URL
		ctx := e.tab("operator", 60*time.Second)
		e.open(ctx, "#/daerah/64.03?year=2025", "#form-answer-spd")
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`details:has(#form-answer-spd) > summary`)),
			poll(`document.querySelector('#form-answer-spd .dropzone .hint').textContent.includes('20 MB per berkas')`)))
		// a file that is not what its name says is refused in the page
		must(t, chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(`#f-evidence-files`), []string{notPDF}),
			poll(`[...document.querySelectorAll('#form-answer-spd .upload-item.refused')].some((li) => li.textContent.includes('bukan PDF, JPEG atau PNG'))`)))
		must(t, chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(`#f-evidence-files`), []string{path}),
			poll(`document.querySelector('#form-answer-spd .upload-item.done progress')?.value === 100`)))
		state := text(t, ctx, "#form-answer-spd .upload-item.done .upload-state")
		if !strings.Contains(state, "Terunggah") || !strings.Contains(state, "3 halaman") {
			t.Errorf("upload state %q", state)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#form-answer-spd .upload-item.done').dataset.sha256`))
		must(t, err)
		sha = got
		if sha != fmt.Sprintf("%x", sha256.Sum256(pdf)) {
			t.Fatalf("uploaded hash %q", sha)
		}
		// a large photo: its bar follows the upload's progress events
		photo := filepath.Join(t.TempDir(), "foto kegiatan.jpg")
		must(t, os.WriteFile(photo, append([]byte{0xff, 0xd8, 0xff, 0xe0}, make([]byte, 20<<20-8)...), 0o644))
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.progressSeen = [];
			const send = XMLHttpRequest.prototype.send;
			XMLHttpRequest.prototype.send = function (body) {
				this.upload.addEventListener('progress', (e) => window.progressSeen.push(e.loaded / e.total));
				return send.call(this, body);
			};`),
			chromedp.SetUploadFiles(chromedp.CSS(`#f-evidence-files`), []string{photo})))
		photoBar := `[...document.querySelectorAll('#form-answer-spd .upload-item')].find((li) => li.textContent.includes('foto kegiatan.jpg'))?.querySelector('progress')`
		if shots {
			// the picture of the upload shows a bar on its way
			must(t, chromedp.Do(ctx, poll(photoBar+`?.value > 5`)))
			buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(`details:has(#form-answer-spd)`)))
			must(t, err)
			must(t, os.WriteFile(filepath.Join(dir, "evidence-upload.png"), buf, 0o644))
		}
		must(t, chromedp.Do(ctx, poll(photoBar+`?.value === 100`)))
		seen, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`window.progressSeen`))
		must(t, err)
		if mid := slices.IndexFunc(seen, func(f float64) bool { return f > 0 && f < 1 }); mid < 0 || seen[len(seen)-1] != 1 {
			t.Errorf("upload progress events: %v", seen)
		}
		// the photo is not for this answer: taken off the list again
		must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](photoBar+`.closest('li').querySelector('button').click()`),
			poll(`document.querySelectorAll('#form-answer-spd .upload-item.done').length === 1`)))
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#form-answer-spd button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#form-answer-spd .form-status .ok`))))
		var answers struct {
			Items []struct {
				Indicator string
				Evidence  struct {
					Files []struct {
						SHA256 string `json:"sha256"`
						Pages  int    `json:"pages"`
					} `json:"files"`
				} `json:"evidence"`
			} `json:"items"`
		}
		e.call("admin", "GET", "/api/v1/assessments/2025/64.03/answers?limit=100", nil, &answers, 200)
		found := false
		for _, a := range answers.Items {
			found = found || len(a.Evidence.Files) == 1 && a.Evidence.Files[0].SHA256 == sha && a.Evidence.Files[0].Pages == 3
		}
		if !found {
			t.Fatalf("no answer cites the file: %+v", answers.Items)
		}
		// the region's page names the file beside the indicator it supports
		e.open(ctx, "#/daerah/64.03?year=2025", "table.indicators")
		must(t, chromedp.Do(ctx, poll(`[...document.querySelectorAll('table.indicators .cited-files')].some((el) => el.textContent.includes('Perbup 39 2024.pdf (3 hlm.)'))`)))
	})

	t.Run("a verifier sees the PDF beside the answer and accepts it", func(t *testing.T) {
		e := e.as(t)
		e.post("admin", "/api/v1/periods/2025/advance", map[string]any{"to": "pengukuran"})
		ctx := e.tab("verifier", 60*time.Second)
		row := `#queue-table tbody tr:has(.evidence-pdf)`
		e.open(ctx, "#/antrian?year=2025&region=64.03", row)
		link := text(t, ctx, row+" .evidence-file")
		if !strings.Contains(link, "Perbup 39 2024.pdf") || !strings.Contains(link, "3 halaman") || !strings.Contains(link, sha[:12]) {
			t.Errorf("the queue shows %q", link)
		}
		// the file's bytes come with the verifier's token
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`fetch('/api/v1/evidence/%s', {headers: {Authorization: 'Bearer ' + sessionStorage.getItem('jejak.token')}})
			.then((r) => r.ok ? r.arrayBuffer() : new ArrayBuffer(0)).then((b) => b.byteLength)`, sha), chromedp.EvalAwaitPromise))
		must(t, err)
		if n != len(pdf) {
			t.Errorf("the verifier read %d bytes of %d", n, len(pdf))
		}
		if count(t, ctx, row+" .form-verify") != 1 {
			t.Fatal("no decision form beside the file")
		}
		if shots {
			buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(`main`)))
			must(t, err)
			must(t, os.WriteFile(filepath.Join(dir, "evidence-queue.png"), buf, 0o644))
		}
		before := count(t, ctx, `#queue-table tbody tr .form-verify`)
		must(t, chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(row+` details > summary`)),
			chromedp.SetValue(chromedp.CSS(row+` .form-verify [name=reason]`), "Perbup sesuai, 3 halaman diperiksa"),
			chromedp.Click(chromedp.CSS(row+` .form-verify button[type=submit]`)),
			poll(fmt.Sprintf(`document.querySelectorAll('#queue-table tbody tr .form-verify').length === %d`, before-1))))
		var q struct {
			Items []struct {
				Status   string `json:"status"`
				Evidence struct {
					Files []struct {
						SHA256 string `json:"sha256"`
					} `json:"files"`
				} `json:"evidence"`
			} `json:"items"`
		}
		e.call("verifier", "GET", "/api/v1/verification-queue?year=2025&region=64.03&status=accepted", nil, &q, 200)
		if len(q.Items) != 1 || len(q.Items[0].Evidence.Files) != 1 || q.Items[0].Evidence.Files[0].SHA256 != sha {
			t.Errorf("accepted: %+v", q.Items)
		}
	})
}

// slowBodies proxies to target, reading request bodies at about 8 MB/s.
func slowBodies(target string) http.Handler {
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = io.NopCloser(&slowReader{r: r.Body})
		}
		proxy.ServeHTTP(w, r)
	})
}

type slowReader struct{ r io.Reader }

func (s *slowReader) Read(p []byte) (int, error) {
	if len(p) > 64<<10 {
		p = p[:64<<10]
	}
	time.Sleep(8 * time.Millisecond) // a throttle, not a wait for anything
	return s.r.Read(p)
}
