package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// idempotencyNamespace scopes command ids derived from Idempotency-Key.
var idempotencyNamespace = uuid.MustParse("6f1f4a52-5b1e-4c59-9a57-3a7f0e0b6c11")

// commandMeta builds the metadata of a command from the request: the actor,
// a command id (derived from Idempotency-Key, so a retried request appends
// once), If-Match as the expected version, and the correlation id.
func commandMeta(r *http.Request) (domain.CommandMeta, error) {
	actor := actorFrom(r.Context())
	m := domain.CommandMeta{Actor: actor, CorrelationID: correlationID(r.Context())}
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		if len(key) > 255 || strings.ContainsFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
			return m, &domain.Error{Code: domain.CodeInvalid, Message: "the Idempotency-Key header is not valid",
				Problems: []domain.FieldProblem{{Field: "Idempotency-Key", Message: "1 to 255 visible ASCII characters"}}}
		}
		m.CommandID = uuid.NewSHA1(idempotencyNamespace, []byte(actor.UserID+"\n"+r.Method+" "+r.URL.Path+"\n"+key))
	} else {
		m.CommandID = uuid.Must(uuid.NewV7())
	}
	if im := r.Header.Get("If-Match"); im != "" && im != "*" {
		v, err := strconv.ParseUint(strings.Trim(strings.TrimPrefix(im, "W/"), `"`), 10, 64)
		if err != nil {
			return m, domain.Errorf(codePreconditionNeeded, `If-Match must be an ETag from a read, such as "3"`)
		}
		m.ExpectedVersion = &v
	}
	return m, nil
}

// readCommand reads a write request: exactly one JSON object into req, then
// the command metadata.
func readCommand(r *http.Request, req any) (domain.CommandMeta, error) {
	if err := decodeJSON(r, req); err != nil {
		return domain.CommandMeta{}, err
	}
	return commandMeta(r)
}

// written answers a successful write: the committed position (for
// min_position reads), the aggregate's new version as ETag, and the id.
func (s *Server) written(w http.ResponseWriter, r *http.Request, status int, id, location string, res domain.CommitResult, err error) error {
	if err != nil {
		// A stale If-Match is the client's precondition failing (412), not a
		// conflict between writers (409).
		var de *domain.Error
		if errors.As(err, &de) && de.Code == domain.CodeVersionConflict && r.Header.Get("If-Match") != "" {
			return &domain.Error{Code: codePreconditionFailed, Message: de.Message, CurrentVersion: de.CurrentVersion}
		}
		return err
	}
	s.metrics.observeAppend(res.Duplicate)
	setETag(w, res.Version)
	if res.Duplicate {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	if location != "" {
		w.Header().Set("Location", location)
	}
	body := map[string]any{"position": res.Position, "version": res.Version, "event_ids": res.EventIDs}
	if res.EventIDs == nil {
		body["event_ids"] = []uuid.UUID{}
	}
	if id != "" {
		body["id"] = id
	}
	writeJSON(w, status, body)
	return nil
}

type innovationRequest struct {
	Region     string `json:"region"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	Initiator  string `json:"initiator"`
	Form       string `json:"form"`
	Digital    bool   `json:"digital"`
	Affair     string `json:"affair"`
	Problem    string `json:"problem"`
	Solution   string `json:"solution"`
	Benefit    string `json:"benefit"`
	ProposedOn string `json:"proposed_on"`
}

func (req innovationRequest) details() domain.InnovationDetails {
	return domain.InnovationDetails{Name: req.Name, Unit: req.Unit, Initiator: domain.Initiator(req.Initiator),
		Form: domain.Form(req.Form), Digital: req.Digital, Affair: domain.Affair(req.Affair),
		Problem: req.Problem, Solution: req.Solution, Benefit: req.Benefit}
}

func (s *Server) proposeInnovation(w http.ResponseWriter, r *http.Request) error {
	var req innovationRequest
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	var p domain.Problems
	on := parseDate(&p, "proposed_on", req.ProposedOn)
	if _, ok := domain.LookupRegion(req.Region); !ok {
		p.Add("region", "no region with Kemendagri code %s", domain.Quote(req.Region))
	}
	if err := p.Err(); err != nil {
		return err
	}
	res, id, err := s.service.ProposeInnovation(r.Context(), domain.ProposeInnovationCommand{
		CommandMeta: m, Region: req.Region, Details: req.details(), On: on})
	return s.written(w, r, http.StatusCreated, id, "/api/v1/innovations/"+id, res, err)
}

type stageRequest struct {
	To string `json:"to"`
	On string `json:"on"`
}

func (s *Server) advanceStage(w http.ResponseWriter, r *http.Request) error {
	var req stageRequest
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var p domain.Problems
	on := parseDate(&p, "on", req.On)
	cmd := domain.StageCommand{CommandMeta: m, InnovationID: id, On: on}
	var res domain.CommitResult
	switch domain.Stage(req.To) {
	case domain.StageTrial:
		if err := p.Err(); err != nil {
			return err
		}
		res, err = s.service.StartTrial(r.Context(), cmd)
	case domain.StageImplementation:
		if err := p.Err(); err != nil {
			return err
		}
		res, err = s.service.StartImplementation(r.Context(), cmd)
	default:
		p.Add("to", "must be uji_coba or penerapan (record a replication with POST .../replications, withdraw with POST .../withdraw)")
		return p.Err()
	}
	return s.written(w, r, http.StatusOK, id, "", res, err)
}

type withdrawRequest struct {
	Reason string `json:"reason"`
	On     string `json:"on"`
}

func (s *Server) withdrawInnovation(w http.ResponseWriter, r *http.Request) error {
	var req withdrawRequest
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var p domain.Problems
	on := parseDate(&p, "on", req.On)
	if err := p.Err(); err != nil {
		return err
	}
	res, err := s.service.WithdrawInnovation(r.Context(), domain.WithdrawInnovationCommand{CommandMeta: m, InnovationID: id, Reason: req.Reason, On: on})
	return s.written(w, r, http.StatusOK, id, "", res, err)
}

type publicityRequest struct {
	Public *bool `json:"public"`
}

// setPublicity makes an innovation public in the public innovation database
// before a published year lists it, or private again.
func (s *Server) setPublicity(w http.ResponseWriter, r *http.Request) error {
	var req publicityRequest
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if req.Public == nil {
		var p domain.Problems
		p.Add("public", "is required: true makes the innovation public, false private again")
		return p.Err()
	}
	res, err := s.service.SetInnovationPublicity(r.Context(), domain.SetPublicityCommand{CommandMeta: m, InnovationID: id, Public: *req.Public})
	return s.written(w, r, http.StatusOK, id, "", res, err)
}

type replicationRequest struct {
	AdopterRegion string `json:"adopter_region"`
	Unit          string `json:"unit"`
	On            string `json:"on"`
}

func (s *Server) recordReplication(w http.ResponseWriter, r *http.Request) error {
	var req replicationRequest
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	origin, err := pathID(r)
	if err != nil {
		return err
	}
	var p domain.Problems
	on := parseDate(&p, "on", req.On)
	if _, ok := domain.LookupRegion(req.AdopterRegion); !ok {
		p.Add("adopter_region", "no region with Kemendagri code %s", domain.Quote(req.AdopterRegion))
	}
	if err := p.Err(); err != nil {
		return err
	}
	cmd := domain.RecordReplicationCommand{CommandMeta: m, OriginInnovationID: origin, AdopterRegion: req.AdopterRegion, On: on}
	if req.Unit != "" {
		view, err := s.service.Innovation(r.Context(), origin)
		if err != nil {
			return err
		}
		d := view.Details
		d.Unit = req.Unit
		cmd.Details = &d
	}
	res, id, err := s.service.RecordReplication(r.Context(), cmd)
	return s.written(w, r, http.StatusCreated, id, "/api/v1/innovations/"+id, res, err)
}

type evidenceRequest struct {
	DocumentRef string   `json:"document_ref"`
	Link        string   `json:"link"`
	Note        string   `json:"note"`
	Files       []string `json:"files"` // SHA-256 of files uploaded for the region
	Links       []string `json:"links"`
}

func (e evidenceRequest) domain() domain.Evidence {
	return domain.Evidence{DocumentRef: e.DocumentRef, Link: e.Link, Note: e.Note, Files: e.Files, Links: e.Links}
}

type answerRequest struct {
	Indicator    string          `json:"indicator"`
	InnovationID string          `json:"innovation_id"`
	Option       int             `json:"option"`
	Evidence     evidenceRequest `json:"evidence"`
}

func (s *Server) submitAnswer(w http.ResponseWriter, r *http.Request) error {
	year, g, err := pathYearRegion(r)
	if err != nil {
		return err
	}
	var req answerRequest
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	var p domain.Problems
	checkID(&p, "innovation_id", req.InnovationID)
	if err := p.Err(); err != nil {
		return err
	}
	res, err := s.service.SubmitAnswer(r.Context(), domain.SubmitAnswerCommand{CommandMeta: m, Year: year, Region: g.Code,
		Indicator: req.Indicator, InnovationID: req.InnovationID, Option: req.Option,
		Evidence: req.Evidence.domain()})
	return s.written(w, r, http.StatusOK, domain.AssessmentID(year, g.Code), "", res, err)
}

type verificationRequest struct {
	Indicator    string `json:"indicator"`
	InnovationID string `json:"innovation_id"`
	Decision     string `json:"decision"`
	Option       int    `json:"option"`
	Reason       string `json:"reason"`
}

func (s *Server) verifyAnswer(w http.ResponseWriter, r *http.Request) error {
	year, g, err := pathYearRegion(r)
	if err != nil {
		return err
	}
	var req verificationRequest
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	var p domain.Problems
	checkID(&p, "innovation_id", req.InnovationID)
	if err := p.Err(); err != nil {
		return err
	}
	res, err := s.service.VerifyAnswer(r.Context(), domain.VerifyAnswerCommand{CommandMeta: m, Year: year, Region: g.Code,
		Indicator: req.Indicator, InnovationID: req.InnovationID, Decision: domain.Decision(req.Decision),
		Option: req.Option, Reason: req.Reason})
	return s.written(w, r, http.StatusOK, domain.AssessmentID(year, g.Code), "", res, err)
}

type rejectionRequest struct {
	InnovationID string `json:"innovation_id"`
	Reason       string `json:"reason"`
}

func (s *Server) rejectInnovation(w http.ResponseWriter, r *http.Request) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	var req rejectionRequest
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	var p domain.Problems
	p.Check(req.InnovationID != "", "innovation_id", "is required")
	checkID(&p, "innovation_id", req.InnovationID)
	if err := p.Err(); err != nil {
		return err
	}
	res, err := s.service.RejectInnovation(r.Context(), domain.RejectInnovationCommand{CommandMeta: m, Year: year,
		InnovationID: req.InnovationID, Reason: req.Reason})
	return s.written(w, r, http.StatusOK, req.InnovationID, "", res, err)
}

type bimtekRequest struct {
	Region    string   `json:"region"`
	Title     string   `json:"title"`
	Kind      string   `json:"kind"`
	Date      string   `json:"date"`
	Venue     string   `json:"venue"`
	Organiser string   `json:"organiser"`
	Mode      string   `json:"mode"`
	Speakers  []string `json:"speakers"`
}

func (s *Server) scheduleBimtek(w http.ResponseWriter, r *http.Request) error {
	var req bimtekRequest
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	var p domain.Problems
	on := parseDate(&p, "date", req.Date)
	p.Check(req.Date != "", "date", "is required")
	if _, ok := domain.LookupRegion(req.Region); !ok {
		p.Add("region", "no region with Kemendagri code %s", domain.Quote(req.Region))
	}
	if err := p.Err(); err != nil {
		return err
	}
	kind := domain.SessionKind(req.Kind)
	if kind == "" {
		kind = domain.SessionBimtek
	}
	res, id, err := s.service.ScheduleBimtek(r.Context(), domain.ScheduleBimtekCommand{CommandMeta: m, Plan: domain.BimtekPlan{
		Region: req.Region, Title: req.Title, Kind: kind, Date: on, Venue: req.Venue, Organiser: req.Organiser,
		Mode: domain.SessionMode(req.Mode), Speakers: req.Speakers}})
	return s.written(w, r, http.StatusCreated, id, "/api/v1/bimtek/"+id, res, err)
}

type attendanceRequest struct {
	Name     string `json:"name"`
	NIP      string `json:"nip"`
	Position string `json:"position"`
	Contact  string `json:"contact"`
	Unit     string `json:"unit"`
	Role     string `json:"role"`
}

func (s *Server) recordAttendance(w http.ResponseWriter, r *http.Request) error {
	var req attendanceRequest
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	res, err := s.service.RecordAttendance(r.Context(), domain.RecordAttendanceCommand{CommandMeta: m, SessionID: id,
		Participant: domain.Participant{Name: req.Name, NIP: req.NIP, Position: req.Position, Contact: req.Contact,
			Unit: req.Unit, Role: req.Role}})
	return s.written(w, r, http.StatusOK, id, "", res, err)
}

type erasureRequest struct {
	Reason string `json:"reason"`
}

// erasePerson erases a data subject's personal data (admin): person.erased
// is appended and the subject's key destroyed (docs/PRIVACY.md).
func (s *Server) erasePerson(w http.ResponseWriter, r *http.Request) error {
	var req erasureRequest
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	subject := r.PathValue("subject")
	if !domain.ValidSubject(subject) {
		return &domain.Error{Code: domain.CodeInvalid, Message: "the subject in the path is not valid",
			Problems: []domain.FieldProblem{{Field: "subject", Message: "must be a UUID (version 4 or 7)"}}}
	}
	res, err := s.service.ErasePerson(r.Context(), domain.ErasePersonCommand{CommandMeta: m, Subject: subject, Reason: req.Reason})
	return s.written(w, r, http.StatusOK, subject, "", res, err)
}

func (s *Server) closeBimtek(w http.ResponseWriter, r *http.Request) error {
	var req struct{}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &req); err != nil {
			return err
		}
	}
	m, err := commandMeta(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	res, err := s.service.CloseBimtek(r.Context(), domain.CloseBimtekCommand{CommandMeta: m, SessionID: id})
	return s.written(w, r, http.StatusOK, id, "", res, err)
}

type periodRequest struct {
	Year             int    `json:"year"`
	CatalogueVersion string `json:"catalogue_version"`
	Schedule         []struct {
		Phase string `json:"phase"`
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"schedule"`
}

func (s *Server) openPeriod(w http.ResponseWriter, r *http.Request) error {
	var req periodRequest
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	var p domain.Problems
	var sched []domain.PhaseWindow
	for i, wd := range req.Schedule {
		f := "schedule[" + strconv.Itoa(i) + "]"
		sched = append(sched, domain.PhaseWindow{Phase: domain.Phase(wd.Phase),
			Start: parseDate(&p, f+".start", wd.Start), End: parseDate(&p, f+".end", wd.End)})
	}
	if err := p.Err(); err != nil {
		return err
	}
	res, err := s.service.OpenPeriod(r.Context(), domain.OpenPeriodCommand{CommandMeta: m, Year: req.Year,
		CatalogueVersion: req.CatalogueVersion, Schedule: sched})
	y := strconv.Itoa(req.Year)
	return s.written(w, r, http.StatusCreated, y, "/api/v1/periods/"+y, res, err)
}

func (s *Server) advancePhase(w http.ResponseWriter, r *http.Request) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	var req struct {
		To string `json:"to"`
	}
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	res, err := s.service.AdvancePhase(r.Context(), domain.AdvancePhaseCommand{CommandMeta: m, Year: year, To: domain.Phase(req.To)})
	return s.written(w, r, http.StatusOK, strconv.Itoa(year), "", res, err)
}

type regionRequest struct {
	OfficeName       string `json:"office_name"`
	OfficeKind       string `json:"office_kind"`
	Perbatasan       *bool  `json:"perbatasan"`
	PerbatasanReason string `json:"perbatasan_reason"`
}

func (s *Server) updateRegion(w http.ResponseWriter, r *http.Request) error {
	g, err := pathRegion(r, "code")
	if err != nil {
		return err
	}
	var req regionRequest
	m, err := readCommand(r, &req)
	if err != nil {
		return err
	}
	res, err := s.service.UpdateRegionProfile(r.Context(), domain.UpdateRegionProfileCommand{CommandMeta: m, Region: g.Code,
		OfficeName: req.OfficeName, OfficeKind: domain.OfficeKind(req.OfficeKind), Perbatasan: req.Perbatasan,
		PerbatasanReason: req.PerbatasanReason})
	return s.written(w, r, http.StatusOK, g.Code, "", res, err)
}
