package index

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// InnovationSummary is one innovation in lists.
type InnovationSummary struct {
	ID                      string       `json:"id"`
	Region                  string       `json:"region"`
	Name                    string       `json:"name"`
	Unit                    string       `json:"unit"`
	Affair                  string       `json:"affair"`
	Form                    string       `json:"form"`
	Digital                 bool         `json:"digital"`
	Initiator               string       `json:"initiator"`
	Stage                   domain.Stage `json:"stage"`
	ProposedOn              string       `json:"proposed_on"`
	TrialStartedOn          string       `json:"trial_started_on,omitempty"`
	ImplementationStartedOn string       `json:"implementation_started_on,omitempty"`
	WithdrawnOn             string       `json:"withdrawn_on,omitempty"`
	WithdrawReason          string       `json:"withdraw_reason,omitempty"`
	OriginInnovationID      string       `json:"origin_innovation_id,omitempty"`
	OriginRegion            string       `json:"origin_region,omitempty"`
	Replications            []string     `json:"replicated_by,omitempty"`
	// MadePublic: the region made it public in the public innovation
	// database before a published year lists it.
	MadePublic bool `json:"made_public"`
}

// StageStep is one step of an innovation's timeline.
type StageStep struct {
	Stage   domain.Stage `json:"stage"`
	On      string       `json:"on"`
	EventID uuid.UUID    `json:"event_id"`
	Actor   string       `json:"actor"`
}

// AnswerDetail is an answer with its evidence and verification state.
type AnswerDetail struct {
	Year         int    `json:"year"`
	Region       string `json:"region"`
	RegionName   string `json:"region_name"`
	Indicator    string `json:"indicator"`
	InnovationID string `json:"innovation_id,omitempty"`
	// InnovationName is the innovation's name, for people reading a queue.
	InnovationName string              `json:"innovation_name,omitempty"`
	Revision       int                 `json:"revision"`
	Claimed        int                 `json:"claimed_option"`
	Status         domain.AnswerStatus `json:"status"`
	Verified       int                 `json:"verified_option"`
	Evidence       EvidenceJSON        `json:"evidence"`
	SubmittedBy    string              `json:"submitted_by"`
	SubmittedAt    time.Time           `json:"submitted_at"`
	Reason         string              `json:"reason,omitempty"`
	VerifiedBy     string              `json:"verified_by,omitempty"`
	VerifiedAt     *time.Time          `json:"verified_at,omitempty"`
	AgeDays        int                 `json:"age_days"`
	EventIDs       []uuid.UUID         `json:"event_ids"`
}

// EvidenceJSON is bukti dukung as the API shows it.
type EvidenceJSON struct {
	DocumentRef string         `json:"document_ref,omitempty"`
	Link        string         `json:"link,omitempty"`
	Note        string         `json:"note,omitempty"`
	Files       []EvidenceFile `json:"files,omitempty"`
	Links       []string       `json:"links,omitempty"`
}

// EvidenceFile is an uploaded file as an answer cites it: its hash, size,
// media type, pages (PDF) and the name it was uploaded with for the region.
type EvidenceFile struct {
	SHA256    string `json:"sha256"`
	Name      string `json:"name"`
	Size      int64  `json:"size"`
	MediaType string `json:"media_type"`
	Pages     int    `json:"pages,omitempty"`
}

// evidenceJSON renders an answer's evidence of region.
func (x *Index) evidenceJSON(region string, ev domain.Evidence) EvidenceJSON {
	out := EvidenceJSON{DocumentRef: ev.DocumentRef, Link: ev.Link, Note: ev.Note, Links: slices.Clone(ev.Links)}
	for _, h := range ev.Files {
		f := EvidenceFile{SHA256: h}
		if st := x.state.Evidence[h]; st != nil {
			f.Size, f.MediaType, f.Pages = st.Size, st.MediaType, st.Pages
			if u := st.upload(region); u != nil {
				f.Name = u.Name
			} else if len(st.Uploads) > 0 {
				f.Name = st.Uploads[0].Name
			}
		}
		out.Files = append(out.Files, f)
	}
	return out
}

// answerInput is ans for the score, with the files it cites named as they
// were uploaded for region.
func (x *Index) answerInput(region string, ans *answerState) domain.AnswerInput {
	in := ans.input()
	if len(ans.Evidence.Files) > 0 {
		for _, f := range x.evidenceJSON(region, domain.Evidence{Files: ans.Evidence.Files}).Files {
			in.Files = append(in.Files, domain.CitedFile{SHA256: f.SHA256, Name: f.Name, Pages: f.Pages})
		}
	}
	return in
}

// EvidenceInfo is what the index knows about one evidence file: its
// description and the regions it was uploaded for.
type EvidenceInfo struct {
	EvidenceFile
	Regions []string
}

// Evidence describes the file with hash sha256; ok is false when no region
// uploaded it. The name is the one of the first upload.
func (x *Index) Evidence(sha256 string) (EvidenceInfo, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	st := x.state.Evidence[sha256]
	if st == nil || len(st.Uploads) == 0 {
		return EvidenceInfo{}, false
	}
	info := EvidenceInfo{EvidenceFile: EvidenceFile{SHA256: st.SHA256, Name: st.Uploads[0].Name, Size: st.Size,
		MediaType: st.MediaType, Pages: st.Pages}}
	for _, u := range st.Uploads {
		info.Regions = append(info.Regions, u.Region)
	}
	return info, true
}

// EvidenceVersion is the version of region's upload of the file sha256 (the
// evidence aggregate domain.EvidenceFileID(region, sha256)), 0 when unknown.
func (x *Index) EvidenceVersion(region, sha256 string) uint64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if f := x.state.Evidence[sha256]; f != nil {
		if u := f.upload(region); u != nil {
			return u.Version
		}
	}
	return 0
}

// EvidenceName is the name the file sha256 was uploaded with for region
// (the first upload's name when region did not upload it; "" when unknown).
func (x *Index) EvidenceName(sha256, region string) string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.evidenceJSON(region, domain.Evidence{Files: []string{sha256}}).Files[0].Name
}

// YearEvidence describes every file the answers of year cite (each answer's
// current revision), sorted by hash.
func (x *Index) YearEvidence(year int) []EvidenceFile {
	x.mu.RLock()
	defer x.mu.RUnlock()
	seen := map[string]EvidenceFile{}
	for _, a := range x.state.Assessments {
		if a.Year != year {
			continue
		}
		for _, ans := range a.Answers {
			for _, f := range x.evidenceJSON(a.Region, domain.Evidence{Files: ans.Evidence.Files}).Files {
				seen[f.SHA256] = f
			}
		}
	}
	out := make([]EvidenceFile, 0, len(seen))
	for _, h := range slices.Sorted(maps.Keys(seen)) {
		out = append(out, seen[h])
	}
	return out
}

// ReferencedEvidence lists the hashes of every file an answer cites (each
// answer's current revision), sorted.
func (x *Index) ReferencedEvidence() []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	seen := map[string]bool{}
	for _, a := range x.state.Assessments {
		for _, ans := range a.Answers {
			for _, h := range ans.Evidence.Files {
				seen[h] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// InnovationDetail is one innovation with its timeline and answers.
type InnovationDetail struct {
	InnovationSummary
	Problem  string         `json:"problem,omitempty"`
	Timeline []StageStep    `json:"timeline"`
	Answers  []AnswerDetail `json:"answers"`
	// RejectedIn maps years in which the innovation was rejected as a whole
	// to the reason.
	RejectedIn map[int]string `json:"rejected_in,omitempty"`
	// InPublicDatabase: the public innovation database shows it (a
	// published year lists it, or the region made it public).
	InPublicDatabase bool `json:"in_public_database"`
	// Version is the innovation aggregate's version (the API's ETag).
	Version uint64 `json:"-"`
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func summary(inn *innovationState) InnovationSummary {
	s := InnovationSummary{ID: inn.ID, Region: inn.Region, Name: inn.Name, Unit: inn.Unit, Affair: string(inn.Affair),
		Form: string(inn.Form), Digital: inn.Digital, Initiator: string(inn.Initiator), Stage: inn.Stage,
		ProposedOn: date(inn.ProposedOn), TrialStartedOn: date(inn.TrialStartedOn),
		ImplementationStartedOn: date(inn.ImplementationStartedOn), WithdrawnOn: date(inn.WithdrawnOn),
		WithdrawReason: inn.WithdrawReason, OriginInnovationID: inn.OriginInnovationID, OriginRegion: inn.OriginRegion,
		MadePublic: !inn.MadePublicAt.IsZero()}
	for _, r := range inn.Replications {
		s.Replications = append(s.Replications, r.Ref)
	}
	return s
}

func (x *Index) answerDetail(a *assessmentState, ans *answerState, now time.Time) AnswerDetail {
	d := AnswerDetail{Year: a.Year, Region: a.Region, Indicator: ans.Indicator, InnovationID: ans.InnovationID,
		Revision: ans.Revision, Claimed: ans.Claimed, Status: ans.Status, Verified: ans.Verified,
		Evidence:    x.evidenceJSON(a.Region, ans.Evidence),
		SubmittedBy: ans.SubmittedBy, SubmittedAt: ans.SubmittedAt, Reason: ans.Reason, VerifiedBy: ans.VerifiedBy,
		EventIDs: slices.Clone(ans.EventIDs)}
	if g, ok := domain.LookupRegion(a.Region); ok {
		d.RegionName = g.Name
	}
	if inn, ok := x.state.Innovations[ans.InnovationID]; ok {
		d.InnovationName = inn.Name
	}
	if !ans.VerifiedAt.IsZero() {
		t := ans.VerifiedAt
		d.VerifiedAt = &t
	}
	if ans.Status == domain.AnswerPending && !now.IsZero() {
		d.AgeDays = int(now.Sub(ans.SubmittedAt).Hours() / 24)
	}
	return d
}

// InnovationFilter selects innovations.
type InnovationFilter struct {
	Region string
	Stage  domain.Stage
	Query  string // case-insensitive substring of name or unit
}

// Innovations lists innovations matching f, ordered by region then id.
func (x *Index) Innovations(f InnovationFilter) []InnovationSummary {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var regions []string
	if f.Region != "" {
		regions = []string{f.Region}
	} else {
		regions = sortedKeys(x.byRegion)
	}
	q := strings.ToLower(f.Query)
	var out []InnovationSummary
	for _, r := range regions {
		for _, inn := range x.byRegion[r] {
			if f.Stage != "" && inn.Stage != f.Stage {
				continue
			}
			if q != "" && !strings.Contains(strings.ToLower(inn.Name+" "+inn.Unit), q) {
				continue
			}
			out = append(out, summary(inn))
		}
	}
	return out
}

// Innovation returns one innovation with its timeline and answers.
func (x *Index) Innovation(id string, now time.Time) (InnovationDetail, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	inn, ok := x.state.Innovations[id]
	if !ok {
		return InnovationDetail{}, domain.Errorf(domain.CodeNotFound, "no innovation %s", domain.Quote(id))
	}
	d := InnovationDetail{InnovationSummary: summary(inn), Problem: "", Timeline: []StageStep{}, Answers: []AnswerDetail{},
		Version: inn.Version}
	_, d.InPublicDatabase = x.public(inn, x.publishedYears())
	for _, st := range inn.Timeline {
		d.Timeline = append(d.Timeline, StageStep{Stage: st.Stage, On: date(st.On), EventID: st.EventID, Actor: st.Actor})
	}
	for _, y := range sortedKeys(x.state.Periods) {
		a := x.state.Assessments[domain.AssessmentID(y, inn.Region)]
		if a == nil {
			continue
		}
		for _, k := range sortedKeys(a.Answers) {
			if ans := a.Answers[k]; ans.InnovationID == id {
				d.Answers = append(d.Answers, x.answerDetail(a, ans, now))
			}
		}
		if reason, ok := a.Rejected[id]; ok {
			if d.RejectedIn == nil {
				d.RejectedIn = map[int]string{}
			}
			d.RejectedIn[y] = reason
		}
	}
	return d, nil
}

// Answers lists the answers of a region's assessment in a year, with the
// assessment aggregate's version (0 before its first event).
func (x *Index) Answers(year int, region string, now time.Time) ([]AnswerDetail, uint64) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := []AnswerDetail{}
	a := x.state.Assessments[domain.AssessmentID(year, region)]
	if a == nil {
		return out, 0
	}
	for _, k := range sortedKeys(a.Answers) {
		out = append(out, x.answerDetail(a, a.Answers[k], now))
	}
	return out, a.Version
}

// Session is a Bimtek session as the API shows it.
type Session struct {
	ID          string             `json:"id"`
	Region      string             `json:"region"`
	Title       string             `json:"title"`
	Kind        domain.SessionKind `json:"kind"`
	Date        string             `json:"date"`
	Venue       string             `json:"venue"`
	Organiser   string             `json:"organiser"`
	Mode        domain.SessionMode `json:"mode"`
	Speakers    []string           `json:"speakers"`
	Closed      bool               `json:"closed"`
	Attendance  int                `json:"attendance"`
	Units       int                `json:"units"`
	Attendees   []Attendee         `json:"attendees,omitempty"`
	ScheduledBy string             `json:"scheduled_by"`
	// Version is the session aggregate's version (the API's ETag).
	Version uint64 `json:"-"`
}

// Attendee is one participant of a session: the subject, unit and role in
// clear; the personal fields are only in Sealed, for a reader allowed to
// open them (the API fills Name, NIP, Position and Contact then).
type Attendee struct {
	Subject  string          `json:"subject,omitempty"`
	Name     string          `json:"name,omitempty"`
	NIP      string          `json:"nip,omitempty"`
	Position string          `json:"position,omitempty"`
	Contact  string          `json:"contact,omitempty"`
	Unit     string          `json:"unit"`
	Role     string          `json:"role"`
	EventID  uuid.UUID       `json:"event_id"`
	Sealed   domain.Attendee `json:"-"`
}

func session(s *sessionState, withAttendees bool) Session {
	out := Session{ID: s.ID, Region: s.Region, Title: s.Title, Kind: s.Kind, Date: date(s.Date), Venue: s.Venue,
		Organiser: s.Organiser, Mode: s.Mode, Speakers: s.Speakers, Closed: s.Closed, Attendance: len(s.Attendees),
		ScheduledBy: s.ScheduledBy, Version: s.Version}
	units := map[string]bool{}
	for _, a := range s.Attendees {
		units[normUnit(a.Unit)] = true
		if withAttendees {
			out.Attendees = append(out.Attendees, Attendee{Subject: a.Subject, Unit: a.Unit, Role: a.Role, EventID: a.EventID, Sealed: a.sealed()})
		}
	}
	out.Units = len(units)
	if out.Speakers == nil {
		out.Speakers = []string{}
	}
	return out
}

// Sessions lists Bimtek sessions of a region (all regions when ""), in a
// year (all when 0), by date.
func (x *Index) Sessions(region string, year int) []Session {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := []Session{}
	for _, id := range sortedKeys(x.state.Sessions) {
		s := x.state.Sessions[id]
		if (region != "" && s.Region != region) || (year != 0 && s.Date.Year() != year) {
			continue
		}
		out = append(out, session(s, false))
	}
	slices.SortStableFunc(out, func(a, b Session) int { return strings.Compare(a.Date, b.Date) })
	return out
}

// Session returns one session with its attendees.
func (x *Index) Session(id string) (Session, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	s, ok := x.state.Sessions[id]
	if !ok {
		return Session{}, domain.Errorf(domain.CodeNotFound, "no Bimtek session %s", domain.Quote(id))
	}
	return session(s, true), nil
}

// Years lists the assessment years with their phase.
func (x *Index) Years() []PeriodInfo {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := []PeriodInfo{}
	for _, y := range sortedKeys(x.state.Periods) {
		p := x.state.Periods[y]
		out = append(out, PeriodInfo{Year: y, CatalogueVersion: p.CatalogueVersion, Phase: p.Phase,
			ClosesAt: date(p.closesAt()), Frozen: p.Results != nil, FrozenAt: p.FrozenAt, Regions: len(x.assessedRegions[y])})
	}
	return out
}

// PeriodInfo is an assessment period as lists show it.
type PeriodInfo struct {
	Year             int          `json:"year"`
	CatalogueVersion string       `json:"catalogue_version"`
	Phase            domain.Phase `json:"phase"`
	ClosesAt         string       `json:"closes_at"`
	Frozen           bool         `json:"frozen"`
	FrozenAt         uint64       `json:"frozen_at_position,omitempty"`
	Regions          int          `json:"regions_assessed"`
}

// Period is one assessment period with its schedule.
type Period struct {
	Year             int
	CatalogueVersion string
	Phase            domain.Phase
	Schedule         []domain.PhaseWindow
	ClosesAt         time.Time
	// Frozen is true from pleno on.
	Frozen bool
	// Version is the period aggregate's version (the API's ETag).
	Version uint64
}

// Period returns the period of year (CodeNotFound).
func (x *Index) Period(year int) (Period, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	p, ok := x.state.Periods[year]
	if !ok {
		return Period{}, domain.Errorf(domain.CodeNotFound, "there is no assessment period %d", year)
	}
	return Period{Year: p.Year, CatalogueVersion: p.CatalogueVersion, Phase: p.Phase, Schedule: slices.Clone(p.Schedule),
		ClosesAt: p.closesAt(), Frozen: frozenPhase(p.Phase), Version: p.Version}, nil
}

// RegionProfile is the mutable profile of a region.
type RegionProfile struct {
	Perbatasan bool
	OfficeName string
	OfficeKind domain.OfficeKind
	// Version is the region aggregate's version (0 until its profile is
	// first set; the API's ETag).
	Version uint64
}

// RegionProfile returns the profile of the region with code.
func (x *Index) RegionProfile(code string) RegionProfile {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if r, ok := x.state.Regions[code]; ok {
		return RegionProfile{Perbatasan: r.Perbatasan, OfficeName: r.OfficeName, OfficeKind: r.OfficeKind, Version: r.Version}
	}
	return RegionProfile{}
}
