package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/audit"
	"github.com/jejak-id/jejak/projections/index"
)

type regionJSON struct {
	Code         string           `json:"code"`
	Name         string           `json:"name"`
	Kind         string           `json:"kind"`
	ProvinceCode string           `json:"province_code"`
	Province     string           `json:"province"`
	Autonomous   bool             `json:"autonomous"`
	Tertinggal   bool             `json:"tertinggal"`
	Perbatasan   bool             `json:"perbatasan"`
	OfficeName   string           `json:"office_name,omitempty"`
	OfficeKind   string           `json:"office_kind,omitempty"`
	Clusters     []domain.Cluster `json:"clusters"`
}

func (s *Server) regionDTO(ix *index.Index, g domain.Region) regionJSON {
	out, _ := regionWithVersion(ix, g)
	return out
}

// regionWithVersion is a region with its profile and the region
// aggregate's version, read together.
func regionWithVersion(ix *index.Index, g domain.Region) (regionJSON, uint64) {
	pr := ix.RegionProfile(g.Code)
	out := regionJSON{Code: g.Code, Name: g.Name, Kind: string(g.Kind), ProvinceCode: g.ProvinceCode,
		Autonomous: g.Autonomous, Tertinggal: g.Tertinggal, Perbatasan: pr.Perbatasan, OfficeName: pr.OfficeName,
		OfficeKind: string(pr.OfficeKind), Clusters: domain.Clusters(g, pr.Perbatasan)}
	if p, ok := domain.LookupRegion(g.ProvinceCode); ok {
		out.Province = p.Name
	}
	return out, pr.Version
}

// index resolves the read options to the index at that instant.
func (s *Server) index(r *http.Request) (*index.Index, uint64, error) {
	opts, err := s.parseRead(r)
	if err != nil {
		return nil, 0, err
	}
	return s.indexAt(r, opts.AsOf)
}

// regionIndex resolves the read options to the index that answers
// region's own reads at that instant (regionIndexAt).
func (s *Server) regionIndex(r *http.Request, region string) (*index.Index, uint64, error) {
	opts, err := s.parseRead(r)
	if err != nil {
		return nil, 0, err
	}
	return s.regionIndexAt(r, region, opts.AsOf)
}

func (s *Server) listRegions(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	kind, province, text := q.str("kind"), q.region("province"), strings.ToLower(q.str("q"))
	ix, pos, err := s.index(r)
	if err != nil {
		return err
	}
	if err := q.err(); err != nil {
		return err
	}
	var out []regionJSON
	for _, g := range domain.MustRegions().All() {
		if (kind != "" && string(g.Kind) != kind) || (province != "" && g.ProvinceCode != province) {
			continue
		}
		if text != "" && !strings.Contains(strings.ToLower(g.Name), text) && !strings.HasPrefix(g.Code, text) {
			continue
		}
		out = append(out, s.regionDTO(ix, g))
	}
	writeJSON(w, http.StatusOK, paginate(newQuery(r), out, pos))
	return nil
}

func (s *Server) getRegion(w http.ResponseWriter, r *http.Request) error {
	g, err := pathRegion(r, "code")
	if err != nil {
		return err
	}
	ix, _, err := s.regionIndex(r, g.Code)
	if err != nil {
		return err
	}
	out, version := regionWithVersion(ix, g)
	setETag(w, version)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// regionScores is a region's IID over the years.
func (s *Server) regionScores(w http.ResponseWriter, r *http.Request) error {
	g, err := pathRegion(r, "code")
	if err != nil {
		return err
	}
	ix, pos, err := s.regionIndex(r, g.Code)
	if err != nil {
		return err
	}
	type yearScore struct {
		Year        int          `json:"year"`
		Phase       domain.Phase `json:"phase"`
		IID         float64      `json:"iid"`
		IIDText     string       `json:"iid_text"`
		Predicate   string       `json:"predicate"`
		Provisional float64      `json:"provisional_iid"`
		Published   bool         `json:"published"`
		NotAssessed bool         `json:"not_assessed"`
	}
	out := []yearScore{}
	for _, p := range ix.Years() {
		if authorize(r, domain.ResultsAction(p.Phase == domain.PhasePublished), g.Code) != nil {
			continue // a year the caller may not read yet
		}
		rs, err := ix.Score(p.Year, g.Code)
		if err != nil {
			return err
		}
		ys := yearScore{Year: p.Year, Phase: p.Phase, NotAssessed: rs.NotAssessed,
			IID: rs.Result.Verified.IID.Float64(), IIDText: rs.Result.Verified.IID.String(),
			Predicate: rs.Result.Verified.Predicate, Provisional: rs.Result.Provisional.IID.Float64()}
		if rs.Frozen != nil {
			ys.IID, ys.IIDText, ys.Predicate, ys.Published = rs.Frozen.IID.Float64(), rs.Frozen.IID.String(), rs.Frozen.Predicate, true
		}
		out = append(out, ys)
	}
	writeJSON(w, http.StatusOK, map[string]any{"region": s.regionDTO(ix, g), "position": pos, "years": out})
	return nil
}

// pathYearRegion reads the {year} and {region} of a region-year's path.
func pathYearRegion(r *http.Request) (int, domain.Region, error) {
	year, err := pathYear(r)
	if err != nil {
		return 0, domain.Region{}, err
	}
	g, err := pathRegion(r, "region")
	return year, g, err
}

// regionResults is the index a read of a region-year's results answers
// from, authorised as the score is (resultsIndex), with the year, the
// region and the index's position.
func (s *Server) regionResults(r *http.Request) (year int, g domain.Region, ix *index.Index, pos uint64, err error) {
	if year, g, err = pathYearRegion(r); err != nil {
		return 0, g, nil, 0, err
	}
	ix, pos, err = s.resultsIndex(r, year, g.Code)
	return year, g, ix, pos, err
}

func (s *Server) getScore(w http.ResponseWriter, r *http.Request) error {
	year, g, err := pathYearRegion(r)
	if err != nil {
		return err
	}
	q := newQuery(r)
	view := q.str("view")
	q.p.Check(view == "" || view == "full" || view == "summary", "view", "must be full (the default) or summary")
	if err := q.err(); err != nil {
		return err
	}
	ix, pos, err := s.resultsIndex(r, year, g.Code)
	if err != nil {
		return err
	}
	var vk *scoreVersionKey
	if ix == s.views.Index { // the live one: taken before the score, so never newer than it
		vk = &scoreVersionKey{year: year, region: g.Code, version: ix.ScoreVersion(g.Code), summary: view == "summary"}
		if s.scoreBodies.cached(w, r, *vk, pos) {
			return nil
		}
	}
	rs, err := ix.Score(year, g.Code)
	if err != nil {
		return err
	}
	return s.scoreBodies.write(w, r, rs, pos, s.regionDTO(ix, g), view == "summary", vk)
}

// scoreInnovationJSON is one innovation's part of a region's explanation,
// what the profile loads when an innovation of the summary is opened.
type scoreInnovationJSON struct {
	Position   uint64              `json:"position"`
	Year       int                 `json:"year"`
	Region     string              `json:"region"`
	Innovation innovationScoreJSON `json:"innovation"`
	Warnings   []warningJSON       `json:"warnings"`
}

// getScoreInnovation answers one innovation of a region's explanation
// (everything the full view holds for it, and its warnings), under the
// same rules as the explanation itself.
func (s *Server) getScoreInnovation(w http.ResponseWriter, r *http.Request) error {
	year, g, err := pathYearRegion(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ix, pos, err := s.resultsIndex(r, year, g.Code)
	if err != nil {
		return err
	}
	rs, err := ix.Score(year, g.Code)
	if err != nil {
		return err
	}
	for _, inn := range rs.Result.Innovations {
		if inn.ID == id {
			ws := warnings(rs.Result.Warnings, id)
			j := innovationScore(inn, true)
			j.WarningCount = len(ws)
			writeJSON(w, http.StatusOK, scoreInnovationJSON{Position: pos, Year: year, Region: g.Code, Innovation: j, Warnings: ws})
			return nil
		}
	}
	return domain.Errorf(domain.CodeNotFound, "no innovation %s in the %d score of %s", domain.Quote(id), year, g.Code)
}

// getScoreWarnings answers the warnings of a region's explanation (the
// summary counts them), under the same rules as the explanation itself.
func (s *Server) getScoreWarnings(w http.ResponseWriter, r *http.Request) error {
	year, g, ix, pos, err := s.regionResults(r)
	if err != nil {
		return err
	}
	rs, err := ix.Score(year, g.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"position": pos, "year": year, "region": g.Code, "warnings": warnings(rs.Result.Warnings, "")})
	return nil
}

type rankRowJSON struct {
	Rank        int              `json:"rank"`
	Region      string           `json:"region"`
	Name        string           `json:"name"`
	Kind        string           `json:"kind"`
	Province    string           `json:"province"`
	Clusters    []domain.Cluster `json:"clusters"`
	IID         float64          `json:"iid"`
	IIDText     string           `json:"iid_text"`
	Predicate   string           `json:"predicate"`
	SPD         string           `json:"spd"`
	SID         string           `json:"sid"`
	Total       string           `json:"total"`
	Provisional float64          `json:"provisional_iid"`
	Counted     int              `json:"counted_innovations"`
	Published   bool             `json:"published"`
	Movement    *int             `json:"movement,omitempty"`
}

func (s *Server) getRankings(w http.ResponseWriter, r *http.Request) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	q := newQuery(r)
	cluster := domain.Cluster(q.str("cluster"))
	if cluster == "" {
		cluster = index.ClusterNational
	}
	province, text := q.region("province"), strings.ToLower(q.str("q"))
	since := q.date("since")
	format := q.str("format")
	if format != "" && format != "json" && format != "csv" && format != "xlsx" {
		q.p.Add("format", "must be json, csv or xlsx")
	}
	limit, offset := q.int("limit", 100, 1, 1000), q.int("offset", 0, 0, 1<<30)
	if err := q.err(); err != nil {
		return err
	}
	ix, pos, live, err := s.resultsAt(r, year, "")
	if err != nil {
		return err
	}
	rankingRows := func() (index.Ranking, []rankRowJSON, bool, error) {
		var ranking index.Ranking
		if live {
			ranking, err = ix.Rankings(year, cluster)
		} else {
			ranking, _, err = s.views.RankingsAt(r.Context(), year, cluster, projections.AsOf{Position: pos})
		}
		if err != nil {
			return ranking, nil, false, err
		}
		var movement map[string]int
		if !since.IsZero() {
			before, err := s.rankingSince(r, year, cluster, since)
			if err != nil {
				return ranking, nil, false, err
			}
			movement = index.Movement(before, ranking)
		}
		rows := []rankRowJSON{}
		for _, row := range ranking.Rows {
			if province != "" && row.Region.ProvinceCode != province && row.Region.Code != province {
				continue
			}
			if text != "" && !strings.Contains(strings.ToLower(row.Region.Name), text) {
				continue
			}
			rr := rankRowJSON{Rank: row.Rank, Region: row.Region.Code, Name: row.Region.Name, Kind: string(row.Region.Kind),
				Province: row.Province, Clusters: row.Clusters, IID: row.IID.Float64(), IIDText: row.IID.String(),
				Predicate: row.Predicate, SPD: row.SPD.String(), SID: decimal(row.SID), Total: decimal(row.Total),
				Provisional: row.Provisional.Float64(), Counted: row.Counted, Published: row.Published}
			if m, ok := movement[row.Region.Code]; ok {
				rr.Movement = &m
			}
			rows = append(rows, rr)
		}
		return ranking, rows, movement != nil, nil
	}
	if format == "csv" || format == "xlsx" {
		_, rows, moved, err := rankingRows()
		if err != nil {
			return err
		}
		return writeRankingFile(w, format, year, cluster, rows, moved)
	}
	key := "" // a ranking with movement is not kept
	if since.IsZero() {
		key = fmt.Sprintf("rankings/%d/%s/%s/%s/%d/%d", year, cluster, province, text, limit, offset)
	}
	return s.posBodies.serve(w, r, ix, pos, key, func() (any, error) {
		ranking, rows, _, err := rankingRows()
		if err != nil {
			return nil, err
		}
		total := len(rows)
		items := rows[min(offset, total):min(offset+limit, total)]
		return map[string]any{"year": year, "cluster": cluster, "phase": ranking.Phase,
			"tie_rule": index.TieRule, "total": total, "limit": limit, "offset": offset, "items": items}, nil
	})
}

// rankingSince is the ranking of year as it was at the end of the day
// since, for movement, read from the ranking figures (no past state is
// computed): the caller must have been allowed to read it then. A year not
// open yet then has no ranking (the zero Ranking).
func (s *Server) rankingSince(r *http.Request, year int, cluster domain.Cluster, since time.Time) (index.Ranking, error) {
	asOf := projections.AsOf{Time: since.Add(24*time.Hour - time.Nanosecond)}
	phase, open, err := s.views.PhaseAt(r.Context(), year, s.views.Position(asOf))
	if err != nil || !open {
		return index.Ranking{}, err
	}
	// The earlier ranking is a result too: comparing with it shows its
	// ranks, which the caller may not read before publication.
	if err := authorize(r, domain.ResultsAction(phase == domain.PhasePublished), ""); err != nil {
		return index.Ranking{}, &domain.Error{Code: domain.ErrorCode(err), Message: fmt.Sprintf("the %d ranking was not published yet on %s", year, since.Format(time.DateOnly)),
			Problems: []domain.FieldProblem{{Field: "since", Message: "must be a date on which the ranking was published; movement compares with it"}}}
	}
	before, _, err := s.views.RankingsAt(r.Context(), year, cluster, asOf)
	if err != nil && !domain.IsCode(err, domain.CodeNotFound) {
		return index.Ranking{}, err
	}
	return before, nil
}

// overview is the national picture of a year (Beranda).
func (s *Server) getOverview(w http.ResponseWriter, r *http.Request) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	ix, pos, err := s.resultsIndex(r, year, "")
	if err != nil {
		return err
	}
	return s.posBodies.serve(w, r, ix, pos, fmt.Sprintf("overview/%d", year), func() (any, error) {
		ranking, err := ix.Rankings(year, index.ClusterNational)
		if err != nil {
			return nil, err
		}
		predicates := map[string]int{}
		var sum float64
		for _, row := range ranking.Rows {
			predicates[row.Predicate]++
			sum += row.IID.Float64()
		}
		avg := 0.0
		if len(ranking.Rows) > 0 {
			avg = sum / float64(len(ranking.Rows))
		}
		stats := ix.Stats("", year)
		return map[string]any{"year": year, "phase": ranking.Phase,
			"regions_assessed": len(ranking.Rows), "predicates": predicates, "average_iid": float64(int(avg*100+0.5)) / 100,
			"stages": stats.Stages, "innovations": stats.Innovations}, nil
	})
}

func (s *Server) listPeriods(w http.ResponseWriter, r *http.Request) error {
	ix, pos, err := s.index(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"position": pos, "items": ix.Years()})
	return nil
}

func (s *Server) getPeriod(w http.ResponseWriter, r *http.Request) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	ix, _, err := s.index(r)
	if err != nil {
		return err
	}
	view, err := ix.Period(year)
	if err != nil {
		return err
	}
	setETag(w, view.Version)
	type window struct {
		Phase domain.Phase `json:"phase"`
		Start string       `json:"start"`
		End   string       `json:"end"`
	}
	sched := []window{}
	for _, wd := range view.Schedule {
		sched = append(sched, window{wd.Phase, wd.Start.Format(time.DateOnly), wd.End.Format(time.DateOnly)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": view.Year, "catalogue_version": view.CatalogueVersion,
		"phase": view.Phase, "schedule": sched, "closes_at": view.ClosesAt.Format(time.DateOnly), "frozen": view.Frozen,
		"version": view.Version})
	return nil
}

func (s *Server) listInnovations(w http.ResponseWriter, r *http.Request) error {
	if publicView(r) {
		return s.listPublicInnovations(w, r)
	}
	q := newQuery(r)
	f := index.InnovationFilter{Region: q.region("region"), Stage: domain.Stage(q.str("stage")), Query: q.str("q")}
	if err := q.err(); err != nil {
		return err
	}
	var err error
	if f.Region, err = readScope(r, f.Region); err != nil {
		return err
	}
	ix, pos, err := s.index(r)
	if err != nil {
		return err
	}
	p := paginate(q, ix.Innovations(f), pos)
	if err := q.err(); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) getInnovation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if publicView(r) {
		return s.getPublicInnovation(w, r, id)
	}
	ix, _, err := s.index(r)
	if err != nil {
		return err
	}
	d, err := ix.Innovation(id, s.now())
	if err != nil {
		return err
	}
	if err := authorize(r, domain.ActionReadRegion, d.Region); err != nil {
		return err
	}
	setETag(w, d.Version)
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) listAnswers(w http.ResponseWriter, r *http.Request) error {
	year, g, err := pathYearRegion(r)
	if err != nil {
		return err
	}
	if err := authorize(r, domain.ActionReadRegion, g.Code); err != nil {
		return err
	}
	ix, pos, err := s.index(r)
	if err != nil {
		return err
	}
	answers, version := ix.Answers(year, g.Code, s.now())
	setETag(w, version)
	writeJSON(w, http.StatusOK, paginate(newQuery(r), answers, pos))
	return nil
}

// queuePage is a page of the verification queue: the list page's fields,
// with the keyset cursor of the next page.
type queuePage struct {
	page[index.AnswerDetail]
	// Remaining is the number of answers the filter selects (as total).
	Remaining  int    `json:"remaining"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func (s *Server) getQueue(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := index.QueueFilter{Year: q.int("year", 0, 2000, 2100), Region: q.region("region"), Status: domain.AnswerStatus(q.str("status")),
		Indicator: q.str("indicator"), Innovation: q.str("innovation"), SubmittedBefore: q.date("submitted_before")}
	if f.Status != "" && !slices.Contains([]domain.AnswerStatus{domain.AnswerPending, domain.AnswerAccepted, domain.AnswerLowered, domain.AnswerRejected}, f.Status) {
		q.p.Add("status", "must be pending, accepted, lowered or rejected")
	}
	checkID(&q.p, "innovation", f.Innovation)
	q.p.Check(len(f.Indicator) <= 16, "indicator", "must be an indicator number of the catalogue")
	if days := q.int("older_than", -1, 0, 36500); days >= 0 {
		bound := s.now().Add(-time.Duration(days) * 24 * time.Hour)
		if f.SubmittedBefore.IsZero() || bound.Before(f.SubmittedBefore) {
			f.SubmittedBefore = bound
		}
	}
	limit, offset := q.int("limit", 100, 1, 1000), q.int("offset", 0, 0, 1<<30)
	after, err := index.ParseQueueCursor(q.str("cursor"))
	if err != nil {
		return err
	}
	if err := q.err(); err != nil {
		return err
	}
	if f.Region, err = readScope(r, f.Region); err != nil {
		return err
	}
	ix, pos, err := s.index(r)
	if err != nil {
		return err
	}
	if !after.IsZero() {
		offset = 0 // a cursor says where the page starts
	}
	qp := ix.QueuePage(f, after, offset, limit, s.now())
	writeJSON(w, http.StatusOK, queuePage{page: page[index.AnswerDetail]{Items: qp.Items, Total: qp.Total, Limit: limit, Offset: offset, Position: pos},
		Remaining: qp.Total, NextCursor: qp.Next.String()})
	return nil
}

func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	region, year := q.region("region"), q.int("year", 0, 2000, 2100)
	if err := q.err(); err != nil {
		return err
	}
	region, err := readScope(r, region)
	if err != nil {
		return err
	}
	ix, pos, err := s.index(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(q, ix.Sessions(region, year), pos))
	return nil
}

func (s *Server) getSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ix, _, err := s.index(r)
	if err != nil {
		return err
	}
	sess, err := ix.Session(id)
	if err != nil {
		return err
	}
	if err := authorize(r, domain.ActionReadRegion, sess.Region); err != nil {
		return err
	}
	if authorize(r, domain.ActionReadPersonal, sess.Region) == nil {
		if err := s.openAttendees(r.Context(), sess.Attendees); err != nil {
			return err
		}
	}
	setETag(w, sess.Version)
	writeJSON(w, http.StatusOK, sess)
	return nil
}

func (s *Server) getStats(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	region, year := q.region("region"), q.int("year", 0, 2000, 2100)
	if err := q.err(); err != nil {
		return err
	}
	region, err := readScope(r, region)
	if err != nil {
		return err
	}
	ix, pos, err := s.index(r)
	if err != nil {
		return err
	}
	return s.posBodies.serve(w, r, ix, pos, fmt.Sprintf("stats/%s/%d", region, year), func() (any, error) {
		return map[string]any{"stats": ix.Stats(region, year)}, nil
	})
}

// auditPage is a page of the audit log, with the keyset cursor of the
// next page.
type auditPage struct {
	page[audit.Entry]
	Order      string `json:"order,omitempty"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// getAudit pages through the audit log (newest first unless order=asc),
// found in the audit projection's index; with event_id, one event of an
// entity's, region's or actor's trail (q, order and cursor ignored).
func (s *Server) getAudit(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, domain.ActionReadAudit, ""); err != nil {
		return err
	}
	opts, err := s.parseRead(r)
	if err != nil {
		return err
	}
	q := newQuery(r)
	params := audit.Params{Entity: q.str("entity"), Region: q.str("region"), Actor: q.str("actor"),
		Type: q.str("type"), EventID: q.str("event_id"), From: q.str("from"), To: q.str("to"),
		Search: q.str("q"), Order: q.str("order"), Cursor: q.str("cursor")}
	asOf := s.views.Position(opts.AsOf)
	if params.EventID != "" { // one event: q, order and cursor do not apply
		aq, err := audit.ParseQuery(params)
		if err != nil {
			return err
		}
		aq.AsOf = asOf
		entries, err := s.views.Audit.History(r.Context(), aq)
		if err != nil {
			return err
		}
		p := paginate(q, entries, asOf)
		if err := q.err(); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, auditPage{page: p})
		return nil
	}
	lq, err := audit.ParseLogQuery(params)
	var de *domain.Error
	if errors.As(err, &de) {
		q.p = append(q.p, de.Problems...) // reported with the paging problems
	} else if err != nil {
		return err
	}
	limit, offset := q.int("limit", 100, 1, 1000), q.int("offset", 0, 0, 1<<30)
	if err := q.err(); err != nil {
		return err
	}
	lq.AsOf, lq.Limit, lq.Offset = asOf, limit, offset
	lp, err := s.views.Audit.Page(r.Context(), lq)
	if err != nil {
		return err
	}
	order := "desc"
	if lq.Ascending {
		order = "asc"
	}
	writeJSON(w, http.StatusOK, auditPage{page: page[audit.Entry]{Items: lp.Entries, Total: lp.Total, Limit: limit, Offset: offset, Position: asOf},
		Order: order, NextCursor: lp.Next.String()})
	return nil
}

func (s *Server) recentEvents(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	limit := q.int("limit", 20, 1, 50)
	if err := q.err(); err != nil {
		return err
	}
	// Another region's events are its working files: an operator sees its
	// own region's and the national ones.
	region, err := readScope(r, "")
	if err != nil {
		return err
	}
	items := s.views.Audit.Recent(limit, region)
	if authorize(r, domain.ActionReadAudit, "") != nil {
		// an erasure names a subject: only for those who read the audit trail
		items = slices.DeleteFunc(items, func(e audit.Entry) bool { return e.AggregateType == domain.AggregatePerson })
	}
	writeJSON(w, http.StatusOK, map[string]any{"position": s.runner.Position(), "items": items})
	return nil
}

// projectionsState reports the position and state hash of each projection,
// so replicas can be compared.
func (s *Server) projectionsState(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	for range 3 { // the hash must describe one position: retry if it moved
		before := s.runner.Position()
		hash, err := projections.StateHash(s.views.Index)
		if err != nil {
			return err
		}
		if s.runner.Position() == before {
			writeJSON(w, http.StatusOK, map[string]any{"position": before, "hashes": map[string]string{"index": hash}})
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return domain.Errorf(domain.CodeUnavailable, "projections are busy; try again")
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	writeJSON(w, http.StatusOK, map[string]string{"user": a.UserID, "role": string(a.Role), "region": a.Region})
	return nil
}

func (s *Server) stream(w http.ResponseWriter, r *http.Request) error {
	return s.hub.serveSSE(w, r, actorFrom(r.Context()))
}

func setETag(w http.ResponseWriter, version uint64) {
	w.Header().Set("ETag", fmt.Sprintf(`"%d"`, version))
}
