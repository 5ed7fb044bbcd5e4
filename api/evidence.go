package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// EvidenceStore keeps the bytes of evidence files by SHA-256; package
// natsinfra implements it on a JetStream object store (JEJAK_EVIDENCE).
type EvidenceStore interface {
	// Put stores the size bytes r yields under sum (their SHA-256 in
	// lowercase hex) unless they are stored already (created false, r not
	// read). A failed Put leaves no object.
	Put(ctx context.Context, sum string, size int64, r io.Reader) (created bool, err error)
	// Open reads the object sum; ok is false when there is none.
	Open(ctx context.Context, sum string) (rc io.ReadSeekCloser, ok bool, err error)
}

// EvidenceLimits bound uploads. The zero value means the defaults.
type EvidenceLimits struct {
	// MaxFileBytes bounds one file (default 20 MiB), MaxRequestBytes one
	// request (default 100 MiB); over either, the upload is refused with
	// 413 as soon as the limit is passed, and nothing is stored.
	MaxFileBytes    int64
	MaxRequestBytes int64
	// SpoolDir holds uploads on disk while they are hashed and checked
	// (os.TempDir() when empty); nothing stays there after the request.
	SpoolDir string
}

// Default evidence limits.
const (
	DefaultMaxEvidenceFileBytes    = 20 << 20
	DefaultMaxEvidenceRequestBytes = 100 << 20
	maxEvidenceFilesPerRequest     = 20
	// multipartSlack is what a request may hold besides the files' bytes
	// (part headers, the region field, boundaries).
	multipartSlack = 64 << 10
)

func (l EvidenceLimits) withDefaults() EvidenceLimits {
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxEvidenceFileBytes
	}
	if l.MaxRequestBytes <= 0 {
		l.MaxRequestBytes = DefaultMaxEvidenceRequestBytes
	}
	if l.SpoolDir == "" {
		l.SpoolDir = os.TempDir()
	}
	return l
}

// codeUnsupportedMedia: the bytes (or the request) are of a type the
// endpoint does not take.
const codeUnsupportedMedia domain.Code = "unsupported_media_type"

// evidenceFileJSON describes an uploaded file.
type evidenceFileJSON struct {
	SHA256    string `json:"sha256"`
	Name      string `json:"name"`
	Size      int64  `json:"size"`
	MediaType string `json:"media_type"`
	Pages     int    `json:"pages,omitempty"`
}

type evidenceLimitsJSON struct {
	MaxFileBytes    int64    `json:"max_file_bytes"`
	MaxRequestBytes int64    `json:"max_request_bytes"`
	MaxFiles        int      `json:"max_files"`
	MediaTypes      []string `json:"media_types"`
}

// evidenceLimits answers the upload limits, so that the dashboard checks
// files before sending them.
func (s *Server) evidenceLimits(w http.ResponseWriter, r *http.Request) error {
	l := s.cfg.EvidenceLimits
	writeJSON(w, http.StatusOK, evidenceLimitsJSON{MaxFileBytes: l.MaxFileBytes, MaxRequestBytes: l.MaxRequestBytes,
		MaxFiles: maxEvidenceFilesPerRequest, MediaTypes: domain.EvidenceMediaTypes()})
	return nil
}

// uploadEvidence takes multipart/form-data: the region (query parameter
// region, or a form field region before the first file) and one or more
// file parts. Every file is streamed to a spool file while it is hashed,
// then its type is decided from its bytes and a PDF is checked; only when
// every file passes are they stored (once per hash) and their uploads
// recorded. A refusal stores nothing and appends nothing.
func (s *Server) uploadEvidence(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Evidence == nil {
		return domain.Errorf(domain.CodeUnavailable, "evidence uploads are not configured on this server")
	}
	limits := s.cfg.EvidenceLimits
	if r.ContentLength > limits.MaxRequestBytes+multipartSlack {
		return domain.Errorf(domain.CodeTooLarge, "the request is %d bytes; at most %d bytes of files may be sent at once",
			r.ContentLength, limits.MaxRequestBytes)
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return domain.Errorf(codeUnsupportedMedia, "send the files as multipart/form-data with one file part per file")
	}
	m, err := commandMeta(r)
	if err != nil {
		return err
	}
	region := strings.TrimSpace(r.URL.Query().Get("region"))
	var files []*spooledFile
	defer func() {
		for _, f := range files {
			f.remove()
		}
	}()
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return uploadReadError(err)
		}
		switch part.FormName() {
		case "region":
			if len(files) > 0 {
				return fieldProblem("region", "must come before the files")
			}
			v, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return uploadReadError(err)
			}
			region = strings.TrimSpace(string(v))
		case "file":
			if len(files) == 0 {
				if err := s.checkUploadRegion(m, region); err != nil {
					return err
				}
			}
			if len(files) == maxEvidenceFilesPerRequest {
				return fieldProblem("file", fmt.Sprintf("at most %d files at once", maxEvidenceFilesPerRequest))
			}
			f, err := spool(part, limits, len(files))
			if f != nil {
				files = append(files, f)
			}
			if err != nil {
				return err
			}
		default:
			return domain.Errorf(codeMalformed, "unexpected form field %s: send region and file parts only", domain.Quote(part.FormName()))
		}
	}
	if len(files) == 0 {
		return fieldProblem("file", "send at least one file part")
	}
	var p domain.Problems
	for i, f := range files {
		if err := f.inspect(&p, fmt.Sprintf("file[%d]", i)); err != nil {
			return err
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	out := make([]evidenceFileJSON, 0, len(files))
	var last domain.CommitResult
	for _, f := range files {
		if _, err := f.file.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := s.cfg.Evidence.Put(r.Context(), f.sum, f.size, f.file); err != nil {
			return err
		}
		// one command per file, its id derived from the request's (so an
		// Idempotency-Key makes a retry record nothing new either)
		meta := m
		meta.CommandID = uuid.NewSHA1(m.CommandID, []byte(f.sum))
		res, view, err := s.service.UploadEvidence(r.Context(), domain.UploadEvidenceCommand{CommandMeta: meta, Region: region,
			SHA256: f.sum, Size: f.size, MediaType: f.mediaType, Pages: f.pages, Name: f.name})
		if err != nil {
			return err
		}
		if res.Position > last.Position {
			last = res
		}
		out = append(out, evidenceFileJSON{SHA256: view.SHA256, Name: view.Name, Size: view.Size, MediaType: view.MediaType, Pages: view.Pages})
	}
	writeJSON(w, http.StatusCreated, map[string]any{"files": out, "position": last.Position})
	return nil
}

// checkUploadRegion refuses, before any file's bytes are read, an upload
// without a known region or by a caller who may not write for it.
func (s *Server) checkUploadRegion(m domain.CommandMeta, region string) error {
	if region == "" {
		return fieldProblem("region", "is required, as a query parameter or a form field before the files")
	}
	if _, ok := domain.LookupRegion(region); !ok {
		return fieldProblem("region", fmt.Sprintf("no region with Kemendagri code %s", domain.Quote(region)))
	}
	return domain.UploadEvidenceCommand{CommandMeta: m, Region: region}.Authorize()
}

func fieldProblem(field, msg string) error {
	return (&domain.Problems{{Field: field, Message: msg}}).Err()
}

// uploadReadError turns a failure to read the request into its problem:
// the request limit passed (413) or a broken or cut body (400).
func uploadReadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return domain.Errorf(domain.CodeTooLarge, "the request is larger than %d bytes; send fewer or smaller files", tooBig.Limit-multipartSlack)
	}
	return domain.Errorf(codeMalformed, "the multipart body could not be read to its end")
}

// spooledFile is one uploaded file on disk while it is checked.
type spooledFile struct {
	file      *os.File
	name      string // as the client gave it
	sum       string
	size      int64
	mediaType string
	pages     int
}

func (f *spooledFile) remove() {
	f.file.Close()
	os.Remove(f.file.Name())
}

// spool copies part to a spool file while hashing it, and stops reading as
// soon as the file passes the limit (413).
func spool(part *multipart.Part, limits EvidenceLimits, i int) (*spooledFile, error) {
	tmp, err := os.CreateTemp(limits.SpoolDir, "jejak-evidence-*")
	if err != nil {
		return nil, err
	}
	f := &spooledFile{file: tmp, name: part.FileName()}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(part, limits.MaxFileBytes+1))
	f.size = n
	if err != nil {
		return f, uploadReadError(err)
	}
	if n > limits.MaxFileBytes {
		return f, &domain.Error{Code: domain.CodeTooLarge, Message: fmt.Sprintf("a file is larger than %d bytes", limits.MaxFileBytes),
			Problems: []domain.FieldProblem{{Field: fmt.Sprintf("file[%d]", i), Message: fmt.Sprintf("is larger than %d bytes", limits.MaxFileBytes)}}}
	}
	f.sum = hex.EncodeToString(h.Sum(nil))
	return f, nil
}

// inspect decides the file's type from its bytes and checks a PDF. A type
// that is not evidence is an error of its own (415, naming the type found);
// an empty, broken or encrypted file is a problem of field (422).
func (f *spooledFile) inspect(p *domain.Problems, field string) error {
	if f.size == 0 {
		p.Add(field, "is empty")
		return nil
	}
	head := make([]byte, 512)
	n, err := f.file.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	detected := http.DetectContentType(head[:n])
	f.mediaType, _, _ = mime.ParseMediaType(detected)
	switch f.mediaType {
	case domain.MediaJPEG, domain.MediaPNG:
		return nil
	case domain.MediaPDF:
		pages, problem := checkPDF(f.file)
		if problem != "" {
			p.Add(field, "%s", problem)
		}
		f.pages = pages
		return nil
	}
	return &domain.Error{Code: codeUnsupportedMedia,
		Message:  fmt.Sprintf("%s is %s by its content; evidence must be PDF, JPEG or PNG", domain.Quote(domain.CleanFileName(f.name)), detected),
		Problems: []domain.FieldProblem{{Field: field, Message: "detected type " + detected}}}
}

// serveEvidence answers the bytes of one evidence file to whoever may read
// the working files of a region it was uploaded for. The bytes are only
// ever served as what they are (PDF, JPEG, PNG): never sniffed, never run
// (a sandboxing Content-Security-Policy), with the cleaned name.
func (s *Server) getEvidence(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Evidence == nil {
		return domain.Errorf(domain.CodeUnavailable, "evidence is not configured on this server")
	}
	sum := r.PathValue("sha256")
	if !domain.ValidSHA256(sum) {
		return fieldProblem("sha256", "must be a SHA-256 in lowercase hex")
	}
	ix, _, err := s.index(r)
	if err != nil {
		return err
	}
	info, ok := ix.Evidence(sum)
	if !ok {
		return domain.Errorf(domain.CodeNotFound, "no evidence file %s", sum)
	}
	region := ""
	for _, g := range info.Regions {
		if err = authorize(r, domain.ActionReadRegion, g); err == nil {
			region = g
			break
		}
	}
	if err != nil {
		return explain(err, "evidence file %s belongs to another region", sum)
	}
	rc, ok, err := s.cfg.Evidence.Open(r.Context(), sum)
	if err != nil {
		return err
	}
	if !ok {
		s.log.ErrorContext(r.Context(), "evidence recorded but its bytes are missing", "sha256", sum)
		return domain.Errorf(domain.CodeNotFound, "the bytes of evidence file %s are missing", sum)
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", info.MediaType)
	h.Set("ETag", `"`+sum+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	// sandbox: no scripts, forms or same-origin access even if the bytes
	// were taken for a page; the browser's own PDF viewer still shows it.
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'")
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	disposition := "inline"
	if r.URL.Query().Get("download") != "" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": ix.EvidenceName(sum, region)}))
	http.ServeContent(w, r, "", time.Time{}, rc)
	return nil
}
