// Package evidencebench measures evidence uploads and checks against the
// raw object store doing the same work, in one run on one embedded server:
// a 20 MB upload over loopback HTTP against a raw nats.go put of the same
// bytes, the server's RSS growth during a 100 MB request, 64 concurrent
// 1 MB uploads, and re-hashing 1,000 objects (what jejak verify does)
// against reading them raw. The 20 MB comparison is also made with a PDF
// (which the upload spools for its check).
package evidencebench

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
)

// Options size the benchmark.
type Options struct {
	Rounds     int // rounds of the 20 MB comparison, interleaved (median reported)
	Concurrent int // concurrent 1 MB uploads
	Objects    int // objects re-hashed
	ObjectSize int // bytes per re-hashed object
}

// Report holds the figures.
type Report struct {
	UploadMBps, RawMBps, UploadRatio float64
	PDFUploadRatio                   float64 // a 20 MB PDF's upload against a raw put of as many bytes
	RSSGrowthMiB                     float64
	ConcurrentErrors                 int
	ConcurrentP50, ConcurrentP99     time.Duration
	VerifySecs, RawReadSecs          float64
	VerifyRatio                      float64
}

const mib = 1 << 20

// Run starts Jejak on a temporary directory and measures.
func Run(ctx context.Context, o Options, out io.Writer) (Report, error) {
	if o.Rounds <= 0 {
		o.Rounds = 5
	}
	if o.Concurrent <= 0 {
		o.Concurrent = 64
	}
	if o.Objects <= 0 {
		o.Objects = 1000
	}
	if o.ObjectSize <= 0 {
		o.ObjectSize = 64 << 10
	}
	var rep Report
	dir, err := os.MkdirTemp("", "jejak-evidencebench-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(dir)
	a, err := app.Start(ctx, app.Config{Addr: "127.0.0.1:0", Storage: app.StorageConfig{DataDir: filepath.Join(dir, "data")},
		Version: "bench", NoReactors: true, NoSeal: true})
	if err != nil {
		return rep, err
	}
	defer a.Close()
	token, err := a.Tokens.Issue(domain.Actor{UserID: "bench-operator", Role: domain.RoleOperator, Region: "64.03"}, time.Hour)
	if err != nil {
		return rep, err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
	b := &bench{ctx: ctx, app: a, url: a.URL() + "/api/v1/evidence?region=64.03", token: token, client: client}

	// 1. 20 MB: upload through the API against a raw put, interleaved.
	var up, raw []time.Duration
	for i := range o.Rounds {
		data := filler(20*mib, uint64(i)*2)
		t0 := time.Now()
		if err := b.upload(data); err != nil {
			return rep, fmt.Errorf("20 MB upload: %w", err)
		}
		up = append(up, time.Since(t0))
		rawData := filler(20*mib, uint64(i)*2+1)
		t0 = time.Now()
		if err := a.Evidence.PutRaw(ctx, fmt.Sprintf("bench-raw-%d", i), bytes.NewReader(rawData)); err != nil {
			return rep, fmt.Errorf("raw put: %w", err)
		}
		raw = append(raw, time.Since(t0))
	}
	rep.UploadMBps, rep.RawMBps = 20/median(up).Seconds(), 20/median(raw).Seconds()
	rep.UploadRatio = rep.UploadMBps / rep.RawMBps
	fmt.Fprintf(out, "20 MB upload over loopback: median %s (%.0f MB/s); raw object store put %s (%.0f MB/s); ratio %.2fx (target >= 0.5x)\n",
		median(up).Round(time.Millisecond), rep.UploadMBps, median(raw).Round(time.Millisecond), rep.RawMBps, rep.UploadRatio)

	// 1b. The same with a 20 MB PDF (one scanned page): a PDF is also
	// written to a spool file and checked with pdfcpu.
	up, raw = up[:0], raw[:0]
	for i := range o.Rounds {
		data := pdfFiller(20*mib-4096, 3_000_000+uint64(i)*2)
		t0 := time.Now()
		if err := b.upload(data); err != nil {
			return rep, fmt.Errorf("20 MB PDF upload: %w", err)
		}
		up = append(up, time.Since(t0))
		rawData := filler(len(data), 3_000_000+uint64(i)*2+1)
		t0 = time.Now()
		if err := a.Evidence.PutRaw(ctx, fmt.Sprintf("bench-raw-pdf-%d", i), bytes.NewReader(rawData)); err != nil {
			return rep, fmt.Errorf("raw put: %w", err)
		}
		raw = append(raw, time.Since(t0))
	}
	rep.PDFUploadRatio = median(raw).Seconds() / median(up).Seconds()
	fmt.Fprintf(out, "20 MB PDF upload (spooled and checked): median %s; raw object store put %s; ratio %.2fx\n",
		median(up).Round(time.Millisecond), median(raw).Round(time.Millisecond), rep.PDFUploadRatio)

	// 2. RSS during one 100 MB request (five 20 MB files, generated while
	// they are sent, so the client holds none of them).
	runtime.GC()
	debug.FreeOSMemory()
	base, err := rssBytes()
	if err != nil {
		return rep, err
	}
	var peak atomic.Int64
	peak.Store(base)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if r, err := rssBytes(); err == nil && r > peak.Load() {
					peak.Store(r)
				}
			}
		}
	})
	err = b.streamUpload(5, 20*mib, 1000)
	close(stop)
	wg.Wait()
	if err != nil {
		return rep, fmt.Errorf("100 MB request: %w", err)
	}
	rep.RSSGrowthMiB = float64(peak.Load()-base) / mib
	fmt.Fprintf(out, "RSS during one 100 MB request (5 x 20 MB): from %.0f MiB, peak +%.1f MiB (target < 32 MiB)\n",
		float64(base)/mib, rep.RSSGrowthMiB)

	// 3. Concurrent 1 MB uploads.
	lat := make([]time.Duration, o.Concurrent)
	var errs atomic.Int32
	start := make(chan struct{})
	for i := range o.Concurrent {
		data := filler(mib, 1_000_000+uint64(i))
		wg.Go(func() {
			<-start
			t0 := time.Now()
			if err := b.upload(data); err != nil {
				errs.Add(1)
			}
			lat[i] = time.Since(t0)
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	wall := time.Since(t0)
	slices.Sort(lat)
	rep.ConcurrentErrors = int(errs.Load())
	rep.ConcurrentP50, rep.ConcurrentP99 = lat[len(lat)/2], lat[(len(lat)*99+99)/100-1]
	fmt.Fprintf(out, "%d concurrent 1 MB uploads: %d errors, p50 %s, p99 %s, all in %s\n", o.Concurrent, rep.ConcurrentErrors,
		rep.ConcurrentP50.Round(time.Millisecond), rep.ConcurrentP99.Round(time.Millisecond), wall.Round(time.Millisecond))

	// 4. Re-hash objects (jejak verify) against reading them raw, with the
	// same four workers.
	sums := make([]string, o.Objects)
	for i := range sums {
		data := filler(o.ObjectSize, 2_000_000+uint64(i))
		sum := sha256.Sum256(data)
		sums[i] = hex.EncodeToString(sum[:])
		if _, err := a.Evidence.Put(ctx, sums[i], int64(len(data)), bytes.NewReader(data)); err != nil {
			return rep, err
		}
	}
	var vt, rt []time.Duration
	for range 3 {
		t0 := time.Now()
		check, err := app.RehashEvidence(ctx, a.Evidence, sums, 4, nil)
		if err != nil || len(check.Problems) > 0 {
			return rep, fmt.Errorf("rehash: %v, %d problems", err, len(check.Problems))
		}
		vt = append(vt, time.Since(t0))
		t0 = time.Now()
		if err := readRaw(ctx, a, sums, 4); err != nil {
			return rep, err
		}
		rt = append(rt, time.Since(t0))
	}
	rep.VerifySecs, rep.RawReadSecs = median(vt).Seconds(), median(rt).Seconds()
	rep.VerifyRatio = rep.RawReadSecs / rep.VerifySecs
	fmt.Fprintf(out, "verify of %d evidence objects (%d KiB each): %.2fs; raw read %.2fs; speed ratio %.2fx (target >= 0.8x)\n",
		o.Objects, o.ObjectSize>>10, rep.VerifySecs, rep.RawReadSecs, rep.VerifyRatio)
	return rep, nil
}

type bench struct {
	ctx    context.Context
	app    *app.App
	url    string
	token  string
	client *http.Client
}

// upload sends one file in a multipart body read from data as it is
// sent, with its length (as a browser sends a picked file; the raw put
// reads the same bytes from memory too).
func (b *bench) upload(data []byte) error {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	if _, err := mw.CreateFormFile("file", "bench.pdf"); err != nil {
		return err
	}
	start := bytes.Clone(head.Bytes())
	head.Reset()
	if err := mw.Close(); err != nil {
		return err
	}
	body := io.MultiReader(bytes.NewReader(start), bytes.NewReader(data), &head)
	return b.send(body, mw.FormDataContentType(), int64(len(start)+len(data)+head.Len()))
}

// streamUpload sends n files of size bytes generated while they are sent.
func (b *bench) streamUpload(n, size int, seed uint64) error {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		var err error
		for i := 0; i < n && err == nil; i++ {
			var w io.Writer
			if w, err = mw.CreateFormFile("file", "besar-"+strconv.Itoa(i)+".pdf"); err == nil {
				_, err = io.Copy(w, &fillReader{left: size, state: seed + uint64(i)})
			}
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	return b.send(pr, mw.FormDataContentType(), -1)
}

func (b *bench) send(body io.Reader, contentType string, length int64) error {
	req, err := http.NewRequestWithContext(b.ctx, "POST", b.url, body)
	if err != nil {
		return err
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+b.token)
	res, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("status %d: %s", res.StatusCode, msg)
	}
	return nil
}

// filler is size bytes: a JPEG signature, then pseudo-random bytes from
// seed (distinct files, so that no upload is skipped as already stored).
func filler(size int, seed uint64) []byte {
	data := make([]byte, size)
	io.ReadFull(&fillReader{left: size, state: seed}, data)
	return data
}

// fillReader yields a JPEG signature, then bytes of a linear congruential
// sequence started at state.
type fillReader struct {
	left  int
	state uint64
	off   int
}

func (f *fillReader) Read(p []byte) (int, error) {
	if f.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), f.left)
	for i := range n {
		if f.off+i < 4 {
			p[i] = []byte{0xff, 0xd8, 0xff, 0xe0}[f.off+i]
			continue
		}
		f.state = f.state*6364136223846793005 + 1442695040888963407
		p[i] = byte(f.state >> 56)
	}
	f.off += n
	f.left -= n
	return n, nil
}

func readRaw(ctx context.Context, a *app.App, sums []string, workers int) error {
	next := make(chan string)
	var wg sync.WaitGroup
	var first atomic.Value
	for range workers {
		wg.Go(func() {
			for s := range next {
				if _, _, err := a.Evidence.ReadRaw(ctx, s, io.Discard); err != nil {
					first.CompareAndSwap(nil, err)
				}
			}
		})
	}
	for _, s := range sums {
		next <- s
	}
	close(next)
	wg.Wait()
	if err, ok := first.Load().(error); ok {
		return err
	}
	return nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// rssBytes reads the process's resident set size from /proc.
func rssBytes() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/self/status")
}

// pdfFiller is a valid one-page PDF of about size bytes: the page shows
// one image (a scan, as most evidence PDFs are) whose stream is size bytes
// of the fillReader sequence from seed, declared as JPEG (DCTDecode).
func pdfFiller(size int, seed uint64) []byte {
	var b bytes.Buffer
	var offs []int
	obj := func(s string) {
		offs = append(offs, b.Len())
		b.WriteString(s)
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	obj("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n")
	obj("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>\nendobj\n")
	img := make([]byte, size)
	io.ReadFull(&fillReader{left: size, state: seed}, img)
	obj(fmt.Sprintf("4 0 obj\n<< /Type /XObject /Subtype /Image /Width 2480 /Height 3508 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n", size))
	b.Write(img)
	b.WriteString("\nendstream\nendobj\n")
	content := "q 595 0 0 842 0 0 cm /Im1 Do Q"
	obj(fmt.Sprintf("5 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(content), content))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}
