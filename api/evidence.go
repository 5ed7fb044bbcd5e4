package api

import (
	"bufio"
	"bytes"
	"context"
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
	// Stage stores what r yields under a temporary name while hashing it
	// (one pass: an upload is neither spooled nor hashed twice). A failed
	// Stage leaves nothing; when r failed, its error is returned as is.
	Stage(ctx context.Context, r io.Reader) (StagedFile, error)
	// Commit makes a staged file the object named by its SHA-256, or
	// removes it when that object is stored already (created false).
	Commit(ctx context.Context, f StagedFile) (created bool, err error)
	// Discard removes a staged file, even when ctx has ended.
	Discard(ctx context.Context, f StagedFile) error
	// Open reads the object sum; ok is false when there is none.
	Open(ctx context.Context, sum string) (rc io.ReadSeekCloser, ok bool, err error)
}

// StagedFile is an uploaded file stored under a temporary name.
type StagedFile struct {
	Ticket string // the store's temporary name
	SHA256 string // lowercase hex
	Size   int64
}

// EvidenceLimits bound uploads. The zero value means the defaults.
type EvidenceLimits struct {
	// MaxFileBytes bounds one file (default 20 MiB), MaxRequestBytes one
	// request (default 100 MiB); over either, the upload is refused with
	// 413 as soon as the limit is passed, and nothing is stored.
	MaxFileBytes    int64
	MaxRequestBytes int64
	// SpoolDir holds uploaded PDFs on disk while they are checked (the
	// check needs random access; other files are not spooled), in
	// os.TempDir() when empty; nothing stays there after the request.
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
// file parts. Each file's type is decided from its first bytes; the file
// is then streamed into the evidence store under a temporary name while
// the store hashes it (a PDF is also written to a spool file for its
// check, which needs random access). Only when every file passes are they
// committed under their hashes (once per hash) and their uploads
// recorded. A refusal, a limit passed or a broken body discards what was
// staged: nothing stored, nothing appended.
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
	var files []*uploadFile
	defer func() {
		for _, f := range files {
			f.discard(r.Context(), s.cfg.Evidence)
		}
	}()
	var p domain.Problems
	// the multipart reader reads 4 KiB at a time: a larger buffer under it
	// turns each of those into a copy instead of a read from the socket
	mr := multipart.NewReader(bufio.NewReaderSize(r.Body, uploadReadBuffer), params["boundary"])
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
			f := &uploadFile{name: part.FileName(), field: fmt.Sprintf("file[%d]", len(files))}
			files = append(files, f)
			if err := f.receive(r.Context(), s.cfg.Evidence, part, limits, &p); err != nil {
				return err
			}
		default:
			return domain.Errorf(codeMalformed, "unexpected form field %s: send region and file parts only", domain.Quote(part.FormName()))
		}
	}
	if len(files) == 0 {
		return fieldProblem("file", "send at least one file part")
	}
	if err := p.Err(); err != nil {
		return err
	}
	out := make([]evidenceFileJSON, 0, len(files))
	var last domain.CommitResult
	for _, f := range files {
		if _, err := s.cfg.Evidence.Commit(r.Context(), f.staged); err != nil {
			return err
		}
		f.committed = true
		// one command per file, its id derived from the request's (so an
		// Idempotency-Key makes a retry record nothing new either)
		meta := m
		meta.CommandID = uuid.NewSHA1(m.CommandID, []byte(f.staged.SHA256))
		res, view, err := s.service.UploadEvidence(r.Context(), domain.UploadEvidenceCommand{CommandMeta: meta, Region: region,
			SHA256: f.staged.SHA256, Size: f.staged.Size, MediaType: f.mediaType, Pages: f.pages, Name: f.name})
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

// uploadReadBuffer is the read buffer under an upload's multipart reader.
const uploadReadBuffer = 256 << 10

// uploadFile is one file of an upload while it is received and checked.
type uploadFile struct {
	name      string // as the client gave it
	field     string // file[i], for problems
	staged    StagedFile
	mediaType string
	pages     int
	committed bool
}

// discard removes the staged bytes of a file that was not committed.
func (f *uploadFile) discard(ctx context.Context, store EvidenceStore) {
	if f.staged.Ticket != "" && !f.committed {
		_ = store.Discard(ctx, f.staged)
	}
}

// errFileTooLarge is what a file's reader answers once the file passes
// the limit; the stage stops there.
var errFileTooLarge = errors.New("evidence file over the limit")

// receive decides the file's type from its first bytes and streams it into
// the store under a temporary name, stopping as soon as it passes the
// limit (413). A type that is not evidence is an error of its own (415,
// naming the type found) and stops the request before the file is stored;
// an empty, broken or encrypted file is a problem of its field (422), and
// the other files are still read so that every problem is told at once.
func (f *uploadFile) receive(ctx context.Context, store EvidenceStore, part io.Reader, limits EvidenceLimits, p *domain.Problems) error {
	head := make([]byte, 512)
	n, err := fill(part, head)
	if err != nil && !errors.Is(err, io.EOF) {
		return uploadReadError(err)
	}
	head = head[:n]
	if n == 0 {
		p.Add(f.field, "is empty")
		return nil
	}
	detected := http.DetectContentType(head)
	f.mediaType, _, _ = mime.ParseMediaType(detected)
	switch f.mediaType {
	case domain.MediaJPEG, domain.MediaPNG, domain.MediaPDF:
	default:
		return &domain.Error{Code: codeUnsupportedMedia,
			Message:  fmt.Sprintf("%s is %s by its content; evidence must be PDF, JPEG or PNG", domain.Quote(domain.CleanFileName(f.name)), detected),
			Problems: []domain.FieldProblem{{Field: f.field, Message: "detected type " + detected}}}
	}
	var src io.Reader = &cappedReader{r: io.MultiReader(bytes.NewReader(head), part), max: limits.MaxFileBytes}
	var spool *os.File
	if f.mediaType == domain.MediaPDF {
		// the PDF check seeks: the bytes also go to a spool file
		if spool, err = os.CreateTemp(limits.SpoolDir, "jejak-evidence-*"); err != nil {
			return err
		}
		defer func() {
			spool.Close()
			os.Remove(spool.Name())
		}()
		src = io.TeeReader(src, spool)
	}
	f.staged, err = store.Stage(ctx, src)
	var bodyErr *bodyReadError
	switch {
	case errors.Is(err, errFileTooLarge):
		return &domain.Error{Code: domain.CodeTooLarge, Message: fmt.Sprintf("a file is larger than %d bytes", limits.MaxFileBytes),
			Problems: []domain.FieldProblem{{Field: f.field, Message: fmt.Sprintf("is larger than %d bytes", limits.MaxFileBytes)}}}
	case errors.As(err, &bodyErr):
		return uploadReadError(bodyErr.err)
	case err != nil:
		return err
	}
	if spool != nil {
		pages, problem := checkPDF(spool)
		if problem != "" {
			p.Add(f.field, "%s", problem)
		}
		f.pages = pages
	}
	return nil
}

// cappedReader reads r up to max bytes, answers errFileTooLarge as soon as
// r has more, and marks r's own failures as the body's (bodyReadError).
// Each Read fills p as far as r allows, so that the store's chunks are
// whole.
type cappedReader struct {
	r   io.Reader
	n   int64
	max int64
}

// bodyReadError is a failure to read the request body.
type bodyReadError struct{ err error }

func (e *bodyReadError) Error() string { return "reading the upload: " + e.err.Error() }
func (e *bodyReadError) Unwrap() error { return e.err }

func (c *cappedReader) Read(p []byte) (int, error) {
	if left := c.max - c.n + 1; int64(len(p)) > left {
		p = p[:left]
	}
	n, err := fill(c.r, p)
	c.n += int64(n)
	switch {
	case c.n > c.max:
		return 0, errFileTooLarge
	case errors.Is(err, io.EOF) && n > 0:
		return n, nil // the next Read answers io.EOF
	case err != nil && !errors.Is(err, io.EOF):
		return n, &bodyReadError{err}
	}
	return n, err
}

// fill reads r into p until p is full or r fails; unlike io.ReadFull it
// answers io.EOF only for the end of r, and any other failure as it is (a
// multipart part cut short answers io.ErrUnexpectedEOF, which must not be
// taken for the end of a short file).
func fill(r io.Reader, p []byte) (n int, err error) {
	for n < len(p) && err == nil {
		var k int
		k, err = r.Read(p[n:])
		n += k
	}
	if n == len(p) && errors.Is(err, io.EOF) {
		err = nil
	}
	return n, err
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
