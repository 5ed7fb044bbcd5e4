package domain

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Evidence (bukti dukung) supports an answer: at least one of an uploaded
// file, a document reference, a link or a note. Files are SHA-256 hashes of
// files uploaded for the answering region (EvidenceUploaded); Links are
// further http(s) URLs besides Link. Both are omitted from the stored form
// when empty, so answers recorded before files existed keep their bytes.
type Evidence struct {
	DocumentRef string   `json:"document_ref"` // e.g. "Perbup 39/2024"
	Link        string   `json:"link"`         // http(s) URL
	Note        string   `json:"note"`
	Files       []string `json:"files,omitempty"`
	Links       []string `json:"links,omitempty"`
}

// Equal reports whether e and o cite the same evidence in the same order.
func (e Evidence) Equal(o Evidence) bool {
	return e.DocumentRef == o.DocumentRef && e.Link == o.Link && e.Note == o.Note &&
		slices.Equal(e.Files, o.Files) && slices.Equal(e.Links, o.Links)
}

// maxEvidenceLinks bounds the links of one answer.
const maxEvidenceLinks = 20

// clean adds every problem of e to p and returns e with its texts
// normalised (see cleanText).
func (e Evidence) clean(p *Problems) Evidence {
	e.DocumentRef = cleanText(p, "evidence.document_ref", e.DocumentRef, nameText)
	e.Link = cleanText(p, "evidence.link", e.Link, linkText)
	e.Note = cleanText(p, "evidence.note", e.Note, reasonText)
	p.Check(e.DocumentRef+e.Link+e.Note != "" || len(e.Files)+len(e.Links) > 0, "evidence",
		"needs a file, a document reference, a link or a note")
	checkLink(p, "evidence.link", e.Link)
	p.Check(len(e.Files) <= MaxEvidenceFilesPerAnswer, "evidence.files", "at most %d files", MaxEvidenceFilesPerAnswer)
	seen := map[string]bool{}
	for i, h := range e.Files {
		field := fmt.Sprintf("evidence.files[%d]", i)
		p.Check(ValidSHA256(h), field, "must be the SHA-256 of an uploaded file, in lowercase hex")
		p.Check(!seen[h], field, "names the same file twice")
		seen[h] = true
	}
	p.Check(len(e.Links) <= maxEvidenceLinks, "evidence.links", "at most %d links", maxEvidenceLinks)
	if e.Links != nil {
		e.Links = slices.Clone(e.Links)
	}
	for i := range e.Links {
		field := fmt.Sprintf("evidence.links[%d]", i)
		e.Links[i] = cleanText(p, field, e.Links[i], linkText)
		p.Check(e.Links[i] != "", field, "must not be empty")
		checkLink(p, field, e.Links[i])
	}
	return e
}

func checkLink(p *Problems, field, link string) {
	if link != "" {
		u, err := url.Parse(link)
		p.Check(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "", field, "must be an http(s) URL")
	}
}

// Decision is a verifier's decision on an answer.
type Decision string

const (
	DecisionAccept Decision = "accepted" // diterima
	DecisionLower  Decision = "lowered"  // diturunkan
	DecisionReject Decision = "rejected" // ditolak
)

// AnswerKey names one answer of an assessment: an SPD indicator
// (InnovationID "") or an SID indicator of one innovation.
type AnswerKey struct {
	Indicator    string
	InnovationID string
}

// AnswerView is the current state of one answer.
type AnswerView struct {
	AnswerKey
	Unit        string
	Revision    int
	Claimed     int
	Evidence    Evidence
	SubmittedBy string
	Status      AnswerStatus
	Verified    int
	Reason      string
	VerifiedBy  string
}

// Assessment is the aggregate of one region's assessment in one year (id:
// AssessmentID, "2025-18.04"): the SPD answers, the SID answers of its
// innovations, their verification and whole-innovation rejections.
type Assessment struct {
	changes
	year      int
	region    string
	catalogue string
	answers   map[AnswerKey]AnswerView
	rejected  map[string]string // innovation id -> reason
}

// AssessmentID is the aggregate id of a region's assessment in a year.
func AssessmentID(year int, region string) string { return strconv.Itoa(year) + "-" + region }

// RebuildAssessment rebuilds an assessment from its history, which may be
// empty (nothing answered yet). The region must be assessed (CodeInvalid).
func RebuildAssessment(year int, region string, history []Event) (*Assessment, error) {
	var p Problems
	checkAssessedRegion(&p, "region", region)
	if err := p.Err(); err != nil {
		return nil, err
	}
	a := &Assessment{year: year, region: region, answers: map[AnswerKey]AnswerView{}, rejected: map[string]string{}}
	rebuild(a, &a.changes, history)
	return a, nil
}

// Submission is a region's answer to one indicator.
type Submission struct {
	Indicator   string
	Innovation  *Innovation // nil for an SPD indicator
	Option      int
	Evidence    Evidence
	SubmittedBy string // the actor's user id
	// Files are the cited files as loaded for the region (see UploadedFiles);
	// a cited file that is not there, or not uploaded for this region, is
	// refused (CodeInvalid).
	Files UploadedFiles
}

// SubmitAnswer records or changes an answer. Answers change only in
// penjaringan; Jejak also lets a region resubmit a rejected answer during
// pengukuran (a correction, verified again; docs/DOMAIN.md §11). Derived
// indicators (20, 31, 32) cannot be answered. Resubmitting an unchanged
// pending answer changes nothing.
func (a *Assessment) SubmitAnswer(pd *Period, s Submission) error {
	key := AnswerKey{Indicator: s.Indicator}
	if s.Innovation != nil {
		key.InnovationID = s.Innovation.ID()
	}
	prev, answered := a.answers[key]
	if err := pd.requirePhase("change answers", PhasePenjaringan); err != nil {
		if pd.Phase() != PhasePengukuran || !answered || prev.Status != AnswerRejected {
			return err
		}
	}
	c, err := pd.Catalogue()
	if err != nil {
		return err
	}
	var p Problems
	ind, ok := c.Indicator(s.Indicator)
	aspect := AspectSPD
	if s.Innovation != nil {
		aspect = AspectSID
	}
	switch {
	case !ok || ind.Aspect != aspect:
		p.Add("indicator", "%q is not an %s indicator of catalogue %s", s.Indicator, aspect, c.Version())
	case ind.IsDerived():
		p.Add("indicator", "indicator %s is derived from events and cannot be answered by hand", ind.Code)
	}
	p.Check(s.Option >= 1 && s.Option <= 3, "option", "must be 1, 2 or 3")
	s.Evidence = s.Evidence.clean(&p)
	s.Evidence.checkFiles(&p, a.region, s.Files)
	p.Check(s.SubmittedBy != "", "submitted_by", "is required")
	if err := p.Err(); err != nil {
		return err
	}
	unit := ""
	if in := s.Innovation; in != nil {
		if in.Region() != a.region {
			return Errorf(CodeOutOfScope, "innovation %s belongs to region %s, not %s", in.ID(), in.Region(), a.region)
		}
		if in.Stage() == StageWithdrawn {
			return Errorf(CodeIllegalTransition, "innovation %s was withdrawn; its answers cannot change", in.ID())
		}
		if _, rejected := a.rejected[in.ID()]; rejected {
			return Errorf(CodeIllegalTransition, "innovation %s was rejected for %d; its answers cannot change", in.ID(), a.year)
		}
		unit = in.Unit()
	}
	if answered && prev.Status == AnswerPending && prev.Claimed == s.Option && prev.Evidence.Equal(s.Evidence) && prev.SubmittedBy == s.SubmittedBy {
		return nil
	}
	a.start(c)
	record(a, &a.changes, AnswerSubmitted{Year: a.year, Region: a.region, Indicator: key.Indicator, InnovationID: key.InnovationID,
		Unit: unit, Revision: prev.Revision + 1, Option: s.Option, Evidence: s.Evidence, SubmittedBy: s.SubmittedBy})
	return nil
}

// start records AssessmentStarted before the first answer.
func (a *Assessment) start(c *Catalogue) {
	if a.catalogue == "" {
		record(a, &a.changes, AssessmentStarted{Year: a.year, Region: a.region, CatalogueVersion: c.Version()})
	}
}

// Verification is a verifier's decision on one answer.
type Verification struct {
	Key        AnswerKey
	Decision   Decision
	Option     int // the smaller option, for DecisionLower only
	Reason     string
	VerifiedBy string // the actor's user id
}

// VerifyAnswer records a verification decision, during pengukuran only
// (CodePhaseClosed). A verifier may not verify an answer they submitted
// (CodeFourEyes). A later decision replaces an earlier one.
func (a *Assessment) VerifyAnswer(pd *Period, v Verification) error {
	if err := pd.requirePhase("verify answers", PhasePengukuran); err != nil {
		return err
	}
	ans, ok := a.answers[v.Key]
	if !ok {
		return Errorf(CodeNotFound, "indicator %s%s has no answer to verify", v.Key.Indicator, forInnovation(v.Key.InnovationID))
	}
	if v.VerifiedBy == ans.SubmittedBy {
		return Errorf(CodeFourEyes, "you submitted this answer; another verifier must verify it")
	}
	var p Problems
	v.Reason = cleanText(&p, "reason", v.Reason, reasonText)
	p.Check(v.Reason != "", "reason", "every verification decision needs a reason")
	option := 0
	switch v.Decision {
	case DecisionAccept:
		option = ans.Claimed
	case DecisionLower:
		option = v.Option
		p.Check(v.Option >= 1 && v.Option < ans.Claimed, "option", "must be smaller than the claimed option %d", ans.Claimed)
	case DecisionReject:
	default:
		p.Add("decision", "must be accepted, lowered or rejected")
	}
	p.Check(v.VerifiedBy != "", "verified_by", "is required")
	if err := p.Err(); err != nil {
		return err
	}
	record(a, &a.changes, AnswerVerified{Year: a.year, Region: a.region, Indicator: v.Key.Indicator, InnovationID: v.Key.InnovationID,
		Revision: ans.Revision, Decision: v.Decision, ClaimedOption: ans.Claimed, Option: option,
		Reason: v.Reason, VerifiedBy: v.VerifiedBy})
	return nil
}

func forInnovation(id string) string {
	if id == "" {
		return ""
	}
	return " of innovation " + id
}

// RejectInnovation removes an innovation of this region from the year's
// count, during pengukuran only. Rejecting it again changes nothing.
func (a *Assessment) RejectInnovation(pd *Period, in *Innovation, reason, by string) error {
	if err := pd.requirePhase("reject innovations", PhasePengukuran); err != nil {
		return err
	}
	if in.Region() != a.region {
		return Errorf(CodeOutOfScope, "innovation %s belongs to region %s, not %s", in.ID(), in.Region(), a.region)
	}
	var p Problems
	reason = cleanText(&p, "reason", reason, reasonText)
	p.Check(reason != "", "reason", "a rejection needs a reason")
	p.Check(by != "", "rejected_by", "is required")
	if err := p.Err(); err != nil {
		return err
	}
	if _, done := a.rejected[in.ID()]; done {
		return nil
	}
	c, err := pd.Catalogue()
	if err != nil {
		return err
	}
	a.start(c)
	record(a, &a.changes, InnovationRejected{Year: a.year, Region: a.region, InnovationID: in.ID(), Reason: reason, RejectedBy: by})
	return nil
}

func (a *Assessment) apply(e Event) {
	switch e := e.(type) {
	case AssessmentStarted:
		a.year, a.region, a.catalogue = e.Year, e.Region, e.CatalogueVersion
	case AnswerSubmitted:
		key := AnswerKey{Indicator: e.Indicator, InnovationID: e.InnovationID}
		a.answers[key] = AnswerView{AnswerKey: key, Unit: e.Unit, Revision: e.Revision, Claimed: e.Option, Evidence: e.Evidence,
			SubmittedBy: e.SubmittedBy, Status: AnswerPending}
	case AnswerVerified:
		key := AnswerKey{Indicator: e.Indicator, InnovationID: e.InnovationID}
		ans := a.answers[key]
		ans.Status, ans.Verified, ans.Reason, ans.VerifiedBy = AnswerStatus(e.Decision), e.Option, e.Reason, e.VerifiedBy
		a.answers[key] = ans
	case InnovationRejected:
		a.rejected[e.InnovationID] = e.Reason
	default:
		panic(fmt.Sprintf("assessment: unexpected event %T", e))
	}
}

// AssessmentView is a read-only snapshot of an assessment.
type AssessmentView struct {
	Year             int
	Region           string
	CatalogueVersion string
	Answers          []AnswerView      // SPD first, then by innovation, by indicator
	Rejected         map[string]string // innovation id -> reason
	Version          uint64
}

// View returns a snapshot of the assessment.
func (a *Assessment) View() AssessmentView {
	answers := slices.SortedFunc(maps.Values(a.answers), func(x, y AnswerView) int {
		if c := strings.Compare(x.InnovationID, y.InnovationID); c != 0 {
			return c
		}
		return strings.Compare(x.Indicator, y.Indicator)
	})
	return AssessmentView{Year: a.year, Region: a.region, CatalogueVersion: a.catalogue, Answers: answers,
		Rejected: maps.Clone(a.rejected), Version: a.version + uint64(len(a.pending))}
}

// Answer returns the current state of one answer.
func (a *Assessment) Answer(key AnswerKey) (AnswerView, bool) {
	v, ok := a.answers[key]
	return v, ok
}
