package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api"
	"github.com/jejak-id/jejak/api/apitest"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/sampledata"
)

// upload is one file of a multipart upload.
type upload struct {
	name string
	data []byte
}

// multipartBody builds a multipart/form-data body: the region field (when
// not "") and then each file as a file part.
func multipartBody(tb testing.TB, region string, files ...upload) (string, []byte) {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if region != "" {
		if err := mw.WriteField("region", region); err != nil {
			tb.Fatal(err)
		}
	}
	for _, f := range files {
		// the name as RFC 2231 encodes it, so that any byte can be sent
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename*=UTF-8''`+url.PathEscape(f.name))
		h.Set("Content-Type", "application/octet-stream")
		w, err := mw.CreatePart(h)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(f.data)
	}
	if err := mw.Close(); err != nil {
		tb.Fatal(err)
	}
	return mw.FormDataContentType(), buf.Bytes()
}

func uploadRequest(token, region string, tb testing.TB, files ...upload) apitest.Request {
	ct, body := multipartBody(tb, region, files...)
	return apitest.Request{Method: "POST", Path: "/api/v1/evidence", Token: token, Body: body, Header: map[string]string{"Content-Type": ct}}
}

func mustPDF(tb testing.TB, title string, pages int) []byte {
	tb.Helper()
	data, err := sampledata.SamplePDF(title, pages)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

type uploadedFile struct {
	SHA256    string `json:"sha256"`
	Name      string `json:"name"`
	Size      int64  `json:"size"`
	MediaType string `json:"media_type"`
	Pages     int    `json:"pages"`
}

func mustUpload(t *testing.T, c *contract, s *apitest.Stack, token, region string, files ...upload) []uploadedFile {
	t.Helper()
	res := checked(t, c, s, uploadRequest(token, region, t, files...))
	if res.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	var out struct {
		Files    []uploadedFile `json:"files"`
		Position uint64         `json:"position"`
	}
	res.JSON(t, &out)
	s.WaitForProjections(out.Position)
	return out.Files
}

// objectNames lists the evidence bucket.
func objectNames(t *testing.T, s *apitest.Stack) []string {
	t.Helper()
	names, err := s.Evidence.Names(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func zipBytes(tb testing.TB) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("bukti.txt")
	w.Write([]byte("isi"))
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestEvidenceUploadBadInput: every bad upload of issue 15 is refused with
// its status and code, and stores nothing and appends nothing.
func TestEvidenceUploadBadInput(t *testing.T) {
	c := mustContract(t)
	const maxFile = 256 << 10
	s := apitest.StartWith(t, apitest.Options{EvidenceLimits: api.EvidenceLimits{MaxFileBytes: maxFile, MaxRequestBytes: 3 * maxFile}})
	p := tokens(s)
	auditor := s.Token("audit-1", domain.RoleAuditor, "")
	public := s.Token("warga", domain.RolePublic, "")
	pdf := mustPDF(t, "Perbup", 2)
	encrypted, err := sampledata.SampleEncryptedPDF("Rahasia", 1, "sandi")
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("%PDF-1.4\n"), maxFile/8)
	cases := []struct {
		name   string
		req    apitest.Request
		status int
		code   string
		detail string // a part of the detail or of a field message
	}{
		{"an oversize file", uploadRequest(p.operator, own, t, upload{"besar.pdf", big}), 413, "too_large", "larger than"},
		{"files over the request limit", uploadRequest(p.operator, own, t, upload{"a.pdf", big[:maxFile-10]}, upload{"b.pdf", big[:maxFile-10]},
			upload{"c.pdf", big[:maxFile-20]}, upload{"d.pdf", big[:maxFile-30]}), 413, "too_large", ""},
		{"HTML renamed .pdf", uploadRequest(p.operator, own, t, upload{"perbup.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")}), 415, "unsupported_media_type", "text/html"},
		{"a script renamed .pdf", uploadRequest(p.operator, own, t, upload{"perbup.pdf", []byte("#!/bin/sh\nrm -rf /\n")}), 415, "unsupported_media_type", "text/plain"},
		{"a zip renamed .pdf", uploadRequest(p.operator, own, t, upload{"perbup.pdf", zipBytes(t)}), 415, "unsupported_media_type", "application/zip"},
		{"an empty file", uploadRequest(p.operator, own, t, upload{"kosong.pdf", nil}), 422, "invalid", "empty"},
		{"a truncated PDF", uploadRequest(p.operator, own, t, upload{"potong.pdf", pdf[:len(pdf)/2]}), 422, "invalid", "PDF"},
		{"an encrypted PDF", uploadRequest(p.operator, own, t, upload{"rahasia.pdf", encrypted}), 422, "invalid", "PDF"},
		{"a good file after a bad one", uploadRequest(p.operator, own, t, upload{"baik.pdf", pdf}, upload{"kosong.pdf", nil}), 422, "invalid", "empty"},
		{"no token", uploadRequest("", own, t, upload{"perbup.pdf", pdf}), 401, "unauthenticated", ""},
		{"a public token", uploadRequest(public, own, t, upload{"perbup.pdf", pdf}), 403, "forbidden", ""},
		{"an auditor", uploadRequest(auditor, own, t, upload{"perbup.pdf", pdf}), 403, "forbidden", ""},
		{"an operator for another region", uploadRequest(p.otherOperator, own, t, upload{"perbup.pdf", pdf}), 403, "out_of_scope", ""},
		{"no region", uploadRequest(p.operator, "", t, upload{"perbup.pdf", pdf}), 422, "invalid", "region"},
		{"an unknown region", uploadRequest(p.operator, "99.99", t, upload{"perbup.pdf", pdf}), 422, "invalid", "region"},
		{"no file", uploadRequest(p.operator, own, t), 422, "invalid", "file"},
		{"JSON instead of multipart", apitest.Request{Method: "POST", Path: "/api/v1/evidence", Token: p.operator, Body: map[string]string{"region": own}}, 415, "unsupported_media_type", "multipart"},
	}
	head, objects := s.Head(), len(objectNames(t, s))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := checked(t, c, s, tc.req)
			var prob api.Problem
			res.JSON(t, &prob)
			if res.Status != tc.status || prob.Code != tc.code {
				t.Fatalf("got %d %s, want %d %s: %s", res.Status, prob.Code, tc.status, tc.code, res.Body)
			}
			text := prob.Detail
			for _, f := range prob.Errors {
				text += " " + f.Field + ": " + f.Message
			}
			if !strings.Contains(text, tc.detail) {
				t.Errorf("the problem does not say %q: %s", tc.detail, res.Body)
			}
			if h := s.Head(); h != head {
				t.Errorf("appended: head %d -> %d", head, h)
			}
			if n := len(objectNames(t, s)); n != objects {
				t.Errorf("stored: %d objects -> %d", objects, n)
			}
		})
	}

	t.Run("an oversize file stops the reading early", func(t *testing.T) {
		// 64 MiB announced and offered; the server must answer after
		// little more than the limit and leave the rest unread.
		const offered = 64 << 20
		sent := newCountingReader(offered)
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			mw.WriteField("region", own)
			w, _ := mw.CreateFormFile("file", "besar.pdf")
			_, err := io.Copy(w, sent)
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		r, err := http.NewRequest("POST", s.URL+"/api/v1/evidence", pr)
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", mw.FormDataContentType())
		r.Header.Set("Authorization", "Bearer "+p.operator)
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		pr.CloseWithError(io.ErrClosedPipe)
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d", res.StatusCode)
		}
		if read := offered - sent.left(); read > 16<<20 {
			t.Errorf("the server read %d bytes of a file over %d", read, maxFile)
		}
		if h := s.Head(); h != head {
			t.Errorf("appended: head %d -> %d", head, h)
		}
	})
}

// countingReader yields n bytes of PDF-looking filler (a PDF header, then
// '%': the type is decided from the first bytes, before the file is
// stored, so the filler must be of an allowed type for the limit to be
// what stops it) and counts what was taken.
type countingReader struct {
	n   atomic.Int64
	off int
}

func newCountingReader(n int64) *countingReader {
	c := &countingReader{}
	c.n.Store(n)
	return c
}

func (c *countingReader) Read(p []byte) (int, error) {
	n := c.n.Load()
	if n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > n {
		p = p[:n]
	}
	for i := range p {
		p[i] = '%'
		if c.off+i < len(pdfHeader) {
			p[i] = pdfHeader[c.off+i]
		}
	}
	c.off += len(p)
	c.n.Add(-int64(len(p)))
	return len(p), nil
}

func (c *countingReader) left() int64 { return c.n.Load() }

const pdfHeader = "%PDF-1.4\n"

// TestEvidenceUploadDisconnect: a client that goes away half way through a
// file leaves no object and no event.
func TestEvidenceUploadDisconnect(t *testing.T) {
	logs := newLogLines()
	s := apitest.StartWith(t, apitest.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	p := tokens(s)
	head := s.Head()
	pdf := mustPDF(t, "Perbup", 40)
	ct, body := multipartBody(t, own, upload{"perbup.pdf", pdf})
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/v1/evidence HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		u.Host, p.operator, ct, len(body))
	conn.Write(body[:len(body)/2])
	conn.Close()
	// the access log line says the handler has finished
	logs.waitFor(t, `"route":"POST /api/v1/evidence"`)
	if h := s.Head(); h != head {
		t.Errorf("appended: head %d -> %d", head, h)
	}
	if names := objectNames(t, s); len(names) != 0 {
		t.Errorf("stored %v", names)
	}
}

// logLines is an io.Writer that remembers log lines and signals each.
type logLines struct {
	lines chan string
}

func newLogLines() *logLines { return &logLines{lines: make(chan string, 1024)} }

func (l *logLines) Write(p []byte) (int, error) {
	select {
	case l.lines <- string(p):
	default:
	}
	return len(p), nil
}

func (l *logLines) waitFor(t *testing.T, part string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case line := <-l.lines:
			if strings.Contains(line, part) {
				return
			}
		case <-deadline:
			t.Fatalf("no log line with %s", part)
		}
	}
}

// TestEvidence: upload, answer with the files, read them back under the
// read policy, with Range, ETag and the safety headers.
func TestEvidence(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)
	auditor := s.Token("audit-1", domain.RoleAuditor, "")
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.coordinator, Body: periodBody(2025)})
	pdf := mustPDF(t, "Peraturan Bupati Lampung Barat", 3)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

	var files []uploadedFile
	t.Run("stores each file once and cleans names", func(t *testing.T) {
		files = mustUpload(t, c, s, p.operator, own, upload{"../../etc/Perbup\x00 39\n2024\u202Efdp.pdf", pdf}, upload{"foto.png", png})
		if len(files) != 2 || files[0].SHA256 != sha(pdf) || files[0].Pages != 3 || files[0].MediaType != "application/pdf" ||
			files[0].Name != "Perbup 39 2024fdp.pdf" || files[0].Size != int64(len(pdf)) || files[1].MediaType != "image/png" {
			t.Fatalf("got %+v", files)
		}
		head := s.Head()
		again := mustUpload(t, c, s, p.operator, own, upload{"salinan.pdf", pdf})
		if again[0].Name != files[0].Name || s.Head() != head {
			t.Errorf("the same file again: %+v, head %d -> %d", again, head, s.Head())
		}
		if names := objectNames(t, s); len(names) != 2 {
			t.Errorf("objects %v", names)
		}
		// another region uploads the same bytes: its own fact, one object
		mustUpload(t, c, s, p.otherOperator, other, upload{"perbup-lain.pdf", pdf})
		if names := objectNames(t, s); len(names) != 2 {
			t.Errorf("objects %v", names)
		}
	})

	answers := "/api/v1/assessments/2025/" + own + "/answers"
	answer := func(files ...string) map[string]any {
		return map[string]any{"indicator": "8", "option": 3, "evidence": map[string]any{"files": files}}
	}
	t.Run("answers cite only their region's files", func(t *testing.T) {
		otherPNG := append(bytes.Clone(png), 0)
		theirs := mustUpload(t, c, s, p.otherOperator, other, upload{"lain.png", otherPNG})
		head := s.Head()
		for name, hashes := range map[string][]string{
			"an unknown hash":       {sha([]byte("never uploaded"))},
			"another region's hash": {theirs[0].SHA256},
			"not a hash":            {"perbup.pdf"},
		} {
			res := checked(t, c, s, apitest.Request{Method: "POST", Path: answers, Token: p.operator, Body: answer(hashes...)})
			if res.Status != 422 || !strings.Contains(string(res.Body), "evidence.files[0]") {
				t.Errorf("%s: %d %s", name, res.Status, res.Body)
			}
		}
		if s.Head() != head {
			t.Error("a refused answer appended")
		}
		res := checked(t, c, s, apitest.Request{Method: "POST", Path: answers, Token: p.operator, Body: answer(files[0].SHA256, files[1].SHA256)})
		if res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		s.WaitForProjections(res.Position())
		list := checked(t, c, s, apitest.Request{Method: "GET", Path: answers, Token: p.ownVerifier})
		if !strings.Contains(string(list.Body), `"name":"Perbup 39 2024fdp.pdf"`) || !strings.Contains(string(list.Body), `"pages":3`) {
			t.Errorf("answers do not describe the files: %s", list.Body)
		}
		// the score explanation and the audit trail name the files
		score := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/index/2025/" + own, Token: p.operator})
		if score.Status != 200 || !strings.Contains(string(score.Body), `"files":[{"sha256":"`+files[0].SHA256+`","name":"Perbup 39 2024fdp.pdf","pages":3}`) {
			t.Errorf("the explanation does not name the files: %d %.2000s", score.Status, score.Body)
		}
		trail := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/audit?entity=assessment/2025-" + own, Token: auditor})
		if trail.Status != 200 || !strings.Contains(string(trail.Body), `"files":[{"sha256":"`+files[0].SHA256+`","name":"Perbup 39 2024fdp.pdf","pages":3}`) {
			t.Errorf("the audit trail does not name the files: %d %.2000s", trail.Status, trail.Body)
		}
	})

	t.Run("serves the bytes to the region and the national roles only", func(t *testing.T) {
		path := "/api/v1/evidence/" + files[0].SHA256
		for who, want := range map[string]int{
			p.operator: 200, p.ownVerifier: 200, p.verifier: 200, auditor: 200, p.admin: 200,
			p.otherVerifier: 200, // the other region uploaded the same bytes
			"":              401,
		} {
			res := checked(t, c, s, apitest.Request{Method: "GET", Path: path, Token: who})
			if res.Status != want {
				t.Errorf("status %d, want %d: %s", res.Status, want, res.Body)
			}
		}
		res := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/evidence/" + files[1].SHA256, Token: p.otherOperator})
		if res.Status != 403 {
			t.Errorf("another region's operator: %d", res.Status)
		}
		res = checked(t, c, s, apitest.Request{Method: "GET", Path: path, Token: p.operator})
		h := res.Header
		if !bytes.Equal(res.Body, pdf) || h.Get("Content-Type") != "application/pdf" || h.Get("ETag") != `"`+files[0].SHA256+`"` ||
			h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") ||
			!strings.Contains(h.Get("Content-Disposition"), "inline") || !strings.Contains(h.Get("Content-Disposition"), "Perbup 39 2024fdp.pdf") {
			t.Errorf("headers %v, %d bytes", h, len(res.Body))
		}
		ranged := checked(t, c, s, apitest.Request{Method: "GET", Path: path, Token: p.operator, Header: map[string]string{"Range": "bytes=100-199"}})
		if ranged.Status != 206 || !bytes.Equal(ranged.Body, pdf[100:200]) {
			t.Errorf("range: %d, %d bytes", ranged.Status, len(ranged.Body))
		}
		tail := checked(t, c, s, apitest.Request{Method: "GET", Path: path, Token: p.operator, Header: map[string]string{"Range": "bytes=-50"}})
		if tail.Status != 206 || !bytes.Equal(tail.Body, pdf[len(pdf)-50:]) {
			t.Errorf("suffix range: %d, %d bytes", tail.Status, len(tail.Body))
		}
		cached := checked(t, c, s, apitest.Request{Method: "GET", Path: path, Token: p.operator, Header: map[string]string{"If-None-Match": `"` + files[0].SHA256 + `"`}})
		if cached.Status != 304 {
			t.Errorf("If-None-Match: %d", cached.Status)
		}
		for path, want := range map[string]int{"/api/v1/evidence/" + sha([]byte("x")): 404, "/api/v1/evidence/ABC": 422} {
			if res := checked(t, c, s, apitest.Request{Method: "GET", Path: path, Token: p.admin}); res.Status != want {
				t.Errorf("%s: %d", path, res.Status)
			}
		}
		limits := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/evidence/limits"}).Map(t)
		if limits["max_file_bytes"] != float64(20<<20) || limits["max_request_bytes"] != float64(100<<20) {
			t.Errorf("limits %v", limits)
		}
	})
}
