package domain

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Evidence files (bukti dukung) are documents a region uploads: a Perbup, a
// decree, a budget page, photos. The bytes live in an object store keyed by
// their SHA-256 (never in the event stream); the log records, per region,
// that a file was uploaded for it (EvidenceUploaded), and answers cite files
// by hash. The aggregate is one file of one region, id
// EvidenceFileID(region, sha256): the same bytes uploaded for two regions
// are two facts, and answering with a file decides on the region's own.

// AggregateEvidence is the aggregate type of evidence files.
const AggregateEvidence AggregateType = "evidence"

// Media types accepted as evidence. The type is decided from the bytes by the
// API, never from the name or the declared type.
const (
	MediaPDF  = "application/pdf"
	MediaJPEG = "image/jpeg"
	MediaPNG  = "image/png"
)

// EvidenceMediaTypes lists the accepted media types.
func EvidenceMediaTypes() []string { return []string{MediaPDF, MediaJPEG, MediaPNG} }

// MaxEvidenceFilesPerAnswer bounds the files one answer cites.
const MaxEvidenceFilesPerAnswer = 20

// maxFileNameChars bounds a cleaned file name (in characters).
const maxFileNameChars = 120

// EvidenceUploaded records that a file was uploaded for a region: its
// SHA-256 (lowercase hex), size in bytes, media type (decided from the
// bytes), page count (PDF; 0 otherwise), cleaned file name and uploader.
type EvidenceUploaded struct {
	SHA256     string `json:"sha256"`
	Region     string `json:"region"`
	Size       int64  `json:"size"`
	MediaType  string `json:"media_type"`
	Pages      int    `json:"pages"`
	Name       string `json:"name"`
	UploadedBy string `json:"uploaded_by"`
}

func (EvidenceUploaded) EventType() string { return "evidence.uploaded" }

// EvidenceFileID is the aggregate id of a file uploaded for a region.
func EvidenceFileID(region, sha256 string) string { return region + "-" + sha256 }

// ValidSHA256 reports whether s is a SHA-256 in lowercase hex.
func ValidSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// CleanFileName turns a file name given by a client into one that is safe
// to store and show: only the last path element (both / and \ separate),
// NFC, without control, bidirectional formatting or noncharacter runes
// (they are dropped, not refused: the name is a label, the hash is the
// identity), without leading dots, trimmed, and at most 120 characters
// (the extension kept). An empty result becomes "berkas".
func CleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = norm.NFC.String(name)
	name = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		if forbiddenRune(r, true) != "" || unicode.Is(unicode.Cf, r) && r != '\u200D' {
			return -1
		}
		return r
	}, name)
	name = strings.Join(strings.Fields(name), " ")
	name = strings.TrimLeft(name, ". ")
	if n := utf8.RuneCountInString(name); n > maxFileNameChars {
		ext := ""
		if i := strings.LastIndexByte(name, '.'); i >= 0 && utf8.RuneCountInString(name[i:]) <= 10 {
			ext = name[i:]
		}
		runes := []rune(strings.TrimSuffix(name, ext))
		name = strings.TrimSpace(string(runes[:maxFileNameChars-utf8.RuneCountInString(ext)])) + ext
	}
	if name == "" {
		return "berkas"
	}
	return name
}

// EvidenceFileView is what is known about one file of a region.
type EvidenceFileView struct {
	SHA256     string
	Region     string
	Size       int64
	MediaType  string
	Pages      int
	Name       string
	UploadedBy string
	Version    uint64
}

// EvidenceFile is the aggregate of one file uploaded for one region.
type EvidenceFile struct {
	changes
	region   string
	sha256   string
	uploaded *EvidenceUploaded
}

// RebuildEvidenceFile rebuilds the file sha256 of region from its history,
// which is empty when it was never uploaded for the region.
func RebuildEvidenceFile(region, sha256 string, history []Event) *EvidenceFile {
	f := &EvidenceFile{region: region, sha256: sha256}
	rebuild(f, &f.changes, history)
	return f
}

// Uploaded reports whether the file was uploaded for its region.
func (f *EvidenceFile) Uploaded() bool { return f != nil && f.uploaded != nil }

// View returns what is known about the file (the zero view when it was
// never uploaded).
func (f *EvidenceFile) View() EvidenceFileView {
	if !f.Uploaded() {
		return EvidenceFileView{SHA256: f.sha256, Region: f.region}
	}
	u := f.uploaded
	return EvidenceFileView{SHA256: u.SHA256, Region: u.Region, Size: u.Size, MediaType: u.MediaType, Pages: u.Pages,
		Name: u.Name, UploadedBy: u.UploadedBy, Version: f.version + uint64(len(f.pending))}
}

func (f *EvidenceFile) apply(e Event) {
	switch e := e.(type) {
	case EvidenceUploaded:
		if f.uploaded == nil {
			f.uploaded = &e
		}
	default:
		panic(fmt.Sprintf("evidence: unexpected event %T", e))
	}
}

// UploadEvidenceCommand records a file the API has stored (the bytes are in
// the object store under SHA256 before this is decided).
type UploadEvidenceCommand struct {
	CommandMeta
	Region    string
	SHA256    string
	Size      int64
	MediaType string
	Pages     int
	Name      string // as the client gave it; cleaned by Decide
}

// Authorize checks that the actor may upload for the region (operator of
// the region, coordinator, admin); the API asks before reading any bytes.
func (c UploadEvidenceCommand) Authorize() error {
	return Authorize(c.Actor, ActionWriteRegion, c.Region)
}

// Decide records the upload on f, the file of c.Region with c.SHA256. A file
// already uploaded for the region changes nothing (its first name stays).
func (c UploadEvidenceCommand) Decide(f *EvidenceFile) error {
	if err := c.Authorize(); err != nil {
		return err
	}
	var p Problems
	checkAssessedRegion(&p, "region", c.Region)
	p.Check(ValidSHA256(c.SHA256), "sha256", "must be a SHA-256 in lowercase hex")
	p.Check(c.Size > 0, "size", "an empty file is not evidence")
	known := false
	for _, t := range EvidenceMediaTypes() {
		known = known || t == c.MediaType
	}
	p.Check(known, "media_type", "must be one of %s", strings.Join(EvidenceMediaTypes(), ", "))
	p.Check(c.Pages >= 0, "pages", "must not be negative")
	p.Check(c.MediaType != MediaPDF || c.Pages >= 1, "pages", "a PDF has at least one page")
	name := cleanText(&p, "name", CleanFileName(c.Name), nameText)
	p.Check(c.Actor.UserID != "", "uploaded_by", "is required")
	if err := p.Err(); err != nil {
		return err
	}
	if f.region != c.Region || f.sha256 != c.SHA256 {
		return Errorf(CodeInternal, "evidence file %s decided on %s", EvidenceFileID(c.Region, c.SHA256), EvidenceFileID(f.region, f.sha256))
	}
	if f.Uploaded() {
		return nil
	}
	record(f, &f.changes, EvidenceUploaded{SHA256: c.SHA256, Region: c.Region, Size: c.Size, MediaType: c.MediaType,
		Pages: c.Pages, Name: name, UploadedBy: c.Actor.UserID})
	return nil
}

// UploadEvidence records an uploaded file and returns what is known about it.
func (s *Service) UploadEvidence(ctx context.Context, cmd UploadEvidenceCommand) (CommitResult, EvidenceFileView, error) {
	if err := cmd.Authorize(); err != nil {
		return CommitResult{}, EvidenceFileView{}, err
	}
	if !ValidSHA256(cmd.SHA256) {
		return CommitResult{}, EvidenceFileView{}, (&Problems{{Field: "sha256", Message: "must be a SHA-256 in lowercase hex"}}).Err()
	}
	var view EvidenceFileView
	res, err := execute(ctx, s, cmd.CommandMeta, AggregateEvidence, EvidenceFileID(cmd.Region, cmd.SHA256),
		func(h []Event) (*EvidenceFile, error) { return RebuildEvidenceFile(cmd.Region, cmd.SHA256, h), nil },
		func(f *EvidenceFile) error {
			err := cmd.Decide(f)
			view = f.View()
			return err
		})
	if err == nil && res.Duplicate {
		f, lerr := s.EvidenceFile(ctx, cmd.Region, cmd.SHA256)
		if lerr != nil {
			return res, view, lerr
		}
		view = f.View()
	}
	return res, view, err
}

// EvidenceFile loads the file sha256 of region (never uploaded: a file whose
// Uploaded is false).
func (s *Service) EvidenceFile(ctx context.Context, region, sha256 string) (*EvidenceFile, error) {
	h, err := s.load(ctx, AggregateEvidence, EvidenceFileID(region, sha256))
	if err != nil {
		return nil, err
	}
	return RebuildEvidenceFile(region, sha256, h), nil
}

// UploadedFiles are the evidence files an answer cites, as loaded for the
// answering region: hash -> its file (Uploaded false when it was never
// uploaded for the region).
type UploadedFiles map[string]*EvidenceFile

// evidenceFiles loads the files that ev cites for region (well-formed hashes
// only; the aggregate reports the others).
func (s *Service) evidenceFiles(ctx context.Context, region string, evs ...Evidence) (UploadedFiles, error) {
	files := UploadedFiles{}
	for _, ev := range evs {
		for _, h := range ev.Files {
			if _, done := files[h]; done || !ValidSHA256(h) || !ValidAggregateID(EvidenceFileID(region, h)) {
				continue
			}
			f, err := s.EvidenceFile(ctx, region, h)
			if err != nil {
				return nil, err
			}
			files[h] = f
		}
	}
	return files, nil
}

// checkFiles adds a problem for every file of e that was not uploaded for
// region.
func (e Evidence) checkFiles(p *Problems, region string, files UploadedFiles) {
	for i, h := range e.Files {
		if !ValidSHA256(h) {
			continue // clean reported it
		}
		if f := files[h]; !f.Uploaded() || f.region != region {
			p.Add(fmt.Sprintf("evidence.files[%d]", i), "file %s was not uploaded for region %s", h, region)
		}
	}
}
