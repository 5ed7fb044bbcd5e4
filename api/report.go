package api

import (
	"net/http"
	"time"

	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
)

// The region report (laporan daerah, issue 16): GET
// /api/v1/index/{year}/{region}/report answers the verification code of the
// score as read (as_of and min_position honoured), or the report as a PDF
// with format=pdf; GET /api/v1/reports/verify checks a code against the
// history. Both read like the score.

type reportCodeJSON struct {
	Code     string    `json:"code"`
	Year     int       `json:"year"`
	Region   string    `json:"region"`
	Position uint64    `json:"position"`
	Computed time.Time `json:"computed_at"`
}

func (s *Server) getReport(w http.ResponseWriter, r *http.Request) error {
	year, g, err := pathYearRegion(r)
	if err != nil {
		return err
	}
	q := newQuery(r)
	format := q.str("format")
	if format != "" && format != "json" && format != "pdf" {
		q.p.Add("format", "must be json or pdf")
	}
	if err := q.err(); err != nil {
		return err
	}
	ix, pos, err := s.resultsIndex(r, year, g.Code)
	if err != nil {
		return err
	}
	code, err := ix.ReportCodeAt(year, g.Code, pos)
	if err != nil {
		return err
	}
	now := s.now()
	if format == "pdf" {
		rs, err := ix.Score(year, g.Code)
		if err != nil {
			return err
		}
		return writeReportPDF(w, scoreDTO(rs, s.regionDTO(ix, g), false), code.String(), pos, now)
	}
	writeJSON(w, http.StatusOK, reportCodeJSON{Code: code.String(), Year: year, Region: g.Code, Position: pos, Computed: now})
	return nil
}

// verifyReport replays the score of a code's region and year to the code's
// position and compares the digest.
func (s *Server) verifyReport(w http.ResponseWriter, r *http.Request) error {
	code, err := index.ParseReportCode(r.URL.Query().Get("code"))
	if err != nil {
		return err
	}
	out := map[string]any{"code": code.String(), "year": code.Year, "region": code.Region, "position": code.Position}
	asOf := projections.AsOf{Position: code.Position}
	if s.views.Position(asOf) < code.Position {
		out["valid"], out["reason"] = false, "position_not_reached"
		writeJSON(w, http.StatusOK, out)
		return nil
	}
	if err := s.authorizePastResults(r, asOf, code.Year, code.Region); err != nil {
		return err
	}
	ix, _, err := s.regionIndexAt(r, code.Region, asOf)
	if err != nil {
		return err
	}
	if err := authorizeResults(r, ix, code.Year, code.Region); err != nil {
		return err
	}
	ok, err := code.Matches(ix)
	if err != nil {
		return err
	}
	rs, err := ix.Score(code.Year, code.Region)
	if err != nil {
		return err
	}
	out["valid"] = ok
	if !ok {
		out["reason"] = "digest_differs"
	}
	out["phase"], out["iid"], out["iid_text"], out["predicate"] = rs.Phase, rs.Result.Verified.IID.Float64(), rs.Result.Verified.IID.String(), rs.Result.Verified.Predicate
	writeJSON(w, http.StatusOK, out)
	return nil
}
