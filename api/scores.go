package api

import (
	"math/big"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/index"
)

// totalsJSON are score totals. Points are decimal strings ("29.75") so that
// exact values survive JSON; iid is a number with two decimals.
type totalsJSON struct {
	SPD         string  `json:"spd"`
	SIDSum      string  `json:"sid_sum"`
	Counted     int     `json:"counted_innovations"`
	Divisor     int     `json:"divisor"`
	Indicator36 string  `json:"indicator_36"`
	SIDMean     string  `json:"sid_mean"`
	SID         string  `json:"sid"`
	Total       string  `json:"total"`
	IIDExact    string  `json:"iid_unrounded"`
	IID         float64 `json:"iid"`
	IIDText     string  `json:"iid_text"`
	Predicate   string  `json:"predicate"`
}

type indicatorJSON struct {
	Code                 string              `json:"code"`
	Name                 string              `json:"name"`
	Aspect               domain.Aspect       `json:"aspect"`
	Bobot                string              `json:"bobot"`
	Mandatory            bool                `json:"mandatory"`
	Derived              bool                `json:"derived"`
	Status               domain.AnswerStatus `json:"status,omitempty"`
	Claimed              int                 `json:"claimed_option"`
	Parameter            int                 `json:"parameter"`
	ProvisionalParameter int                 `json:"provisional_parameter"`
	Points               string              `json:"points"`
	ProvisionalPoints    string              `json:"provisional_points"`
	EventIDs             []uuid.UUID         `json:"event_ids"`
	Files                []citedFileJSON     `json:"files,omitempty"`
	Note                 string              `json:"note,omitempty"`
}

// citedFileJSON names an evidence file a point rests on.
type citedFileJSON struct {
	SHA256 string `json:"sha256"`
	Name   string `json:"name"`
	Pages  int    `json:"pages,omitempty"`
}

// innovationScoreJSON is one innovation's part of an explanation. The
// summary (view=summary) keeps what the closed line of the profile shows:
// the totals and the count rule as a short code; the unit, affair, reason in
// words and the indicators come with the full view or the innovation's own
// explanation (GET .../innovations/{id}), which the profile loads when the
// line is opened.
type innovationScoreJSON struct {
	ID                string           `json:"id"`
	Name              string           `json:"name"`
	Unit              string           `json:"unit,omitempty"`
	Affair            string           `json:"affair,omitempty"`
	Counted           bool             `json:"counted"`
	CountRule         domain.CountRule `json:"count_rule"`
	Reason            string           `json:"reason,omitempty"`
	Points            string           `json:"points"`
	ProvisionalPoints string           `json:"provisional_points"`
	// WarningCount is the number of the innovation's warnings (mandatory
	// indicators without points).
	WarningCount int             `json:"warning_count,omitempty"`
	Indicators   []indicatorJSON `json:"indicators,omitempty"`
}

type scoreJSON struct {
	Region           regionJSON            `json:"region"`
	Year             int                   `json:"year"`
	CatalogueVersion string                `json:"catalogue_version"`
	Phase            domain.Phase          `json:"phase"`
	NotAssessed      bool                  `json:"not_assessed"`
	Verified         totalsJSON            `json:"verified"`
	Provisional      totalsJSON            `json:"provisional"`
	Published        *publishedJSON        `json:"published,omitempty"`
	SPD              []indicatorJSON       `json:"spd"`
	Innovations      []innovationScoreJSON `json:"innovations"`
	// Warnings are absent from the summary (see GET .../warnings);
	// WarningCount is their number in both views.
	Warnings          []warningJSON      `json:"warnings,omitzero"`
	WarningCount      int                `json:"warning_count"`
	BasicServices     []basicServiceJSON `json:"basic_services"`
	ChangedSincePleno bool               `json:"changed_since_pleno"`
	Method            methodJSON         `json:"method"`
	// View is "summary" for the summary (per innovation its totals and
	// count rule only, no warnings).
	View string `json:"view,omitempty"`
}

// methodJSON is the catalogue arithmetic behind the totals (see
// domain.ScoreMethod), for an explanation that writes the computation out.
type methodJSON struct {
	MaxTotal            string          `json:"max_total"`
	MinDivisor          int             `json:"min_divisor"`
	PointsPerInnovation string          `json:"points_per_innovation"`
	MaxInnovations      int             `json:"max_innovations"`
	Predicates          []predicateBand `json:"predicates"`
}

type predicateBand struct {
	Name   string   `json:"name"`
	MinIID float64  `json:"min_iid"`
	MaxIID *float64 `json:"max_iid,omitempty"` // absent for the highest band
}

func method(m domain.ScoreMethod) methodJSON {
	out := methodJSON{MaxTotal: m.MaxTotal.String(), MinDivisor: m.MinDivisor, PointsPerInnovation: m.PointsPerInnovation.String(),
		MaxInnovations: m.MaxInnovations, Predicates: []predicateBand{}}
	for _, b := range m.Predicates {
		pb := predicateBand{Name: b.Name, MinIID: b.Min.Float64()}
		if !b.Top {
			hi := b.Max.Float64()
			pb.MaxIID = &hi
		}
		out.Predicates = append(out.Predicates, pb)
	}
	return out
}

type publishedJSON struct {
	IID       float64 `json:"iid"`
	IIDText   string  `json:"iid_text"`
	Predicate string  `json:"predicate"`
}

type warningJSON struct {
	Indicator    string `json:"indicator"`
	InnovationID string `json:"innovation_id,omitempty"`
	Message      string `json:"message"`
}

type basicServiceJSON struct {
	Affair        string   `json:"affair"`
	Covered       bool     `json:"covered"`
	InnovationIDs []string `json:"innovation_ids"`
}

// decimal renders an exact rational with up to three decimals.
func decimal(r *big.Rat) string { return decimalN(r, 3) }

// decimalN renders an exact rational with up to n decimals (rounded half
// away from zero), without trailing zeros.
func decimalN(r *big.Rat, n int) string {
	if r == nil {
		return "0"
	}
	s := r.FloatString(n)
	for len(s) > 1 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

func totals(t domain.Totals) totalsJSON {
	return totalsJSON{SPD: t.SPD.String(), SIDSum: t.SIDSum.String(), Counted: t.Counted, Divisor: t.Divisor,
		Indicator36: t.Indicator36.String(), SIDMean: decimal(t.SIDMean), SID: decimal(t.SID), Total: decimal(t.Total),
		IIDExact: decimalN(t.IIDExact, 4),
		IID:      t.IID.Float64(), IIDText: t.IID.String(), Predicate: t.Predicate}
}

func indicators(in []domain.IndicatorScore) []indicatorJSON {
	out := make([]indicatorJSON, 0, len(in))
	for _, s := range in {
		ids := s.EventIDs
		if ids == nil {
			ids = []uuid.UUID{}
		}
		out = append(out, indicatorJSON{Code: s.Code, Name: s.Name, Aspect: s.Aspect, Bobot: s.Bobot.String(),
			Mandatory: s.Mandatory, Derived: s.Derived, Status: s.Status, Claimed: s.Claimed, Parameter: s.Parameter,
			ProvisionalParameter: s.ProvisionalParameter, Points: s.Points.String(),
			ProvisionalPoints: s.ProvisionalPoints.String(), EventIDs: ids, Files: citedFiles(s.Files), Note: s.Note})
	}
	return out
}

// scoreDTO is the explanation of rs (the response adds the position in
// front, see scoreBodies). The summary keeps per innovation only its totals
// and count rule and leaves out the warnings: at national scale the
// largest region's full explanation is about 1.5 MB, and the summary is
// what the profile's first screen reads.
func scoreDTO(rs index.RegionScore, region regionJSON, summary bool) scoreJSON {
	r := rs.Result
	out := scoreJSON{Region: region, Year: r.Year, CatalogueVersion: r.CatalogueVersion, Phase: rs.Phase,
		NotAssessed: rs.NotAssessed, Verified: totals(r.Verified), Provisional: totals(r.Provisional),
		SPD: indicators(r.SPD), Innovations: make([]innovationScoreJSON, 0, len(r.Innovations)), BasicServices: []basicServiceJSON{},
		ChangedSincePleno: rs.ChangedSincePleno, Published: publishedOf(rs), Method: method(r.Method), WarningCount: len(r.Warnings)}
	perInnovation := warningsPerInnovation(r.Warnings)
	for _, inn := range r.Innovations {
		j := innovationScore(inn, !summary)
		j.WarningCount = perInnovation[inn.ID]
		out.Innovations = append(out.Innovations, j)
	}
	if summary {
		out.View = "summary"
	} else {
		out.Warnings = warnings(r.Warnings, "")
	}
	for _, b := range r.BasicServices {
		ids := b.InnovationIDs
		if ids == nil {
			ids = []string{}
		}
		out.BasicServices = append(out.BasicServices, basicServiceJSON{Affair: string(b.Affair), Covered: b.Covered, InnovationIDs: ids})
	}
	return out
}

// innovationScore is inn's part of an explanation: in full (unit, affair,
// reason and indicators) or its summary line.
func innovationScore(inn domain.InnovationScore, full bool) innovationScoreJSON {
	j := innovationScoreJSON{ID: inn.ID, Name: inn.Name, Counted: inn.Counted, CountRule: inn.Rule,
		Points: inn.Points.String(), ProvisionalPoints: inn.ProvisionalPoints.String()}
	if full {
		j.Unit, j.Affair, j.Reason, j.Indicators = inn.Unit, string(inn.Affair), inn.Reason, indicators(inn.Indicators)
	}
	return j
}

// warnings are ws as JSON (never nil), those of innovation id alone when id
// is not "".
func warnings(ws []domain.Warning, id string) []warningJSON {
	out := []warningJSON{}
	for _, w := range ws {
		if id == "" || w.InnovationID == id {
			out = append(out, warningJSON{Indicator: w.Indicator, InnovationID: w.InnovationID, Message: w.Message})
		}
	}
	return out
}

// warningsPerInnovation counts ws by innovation.
func warningsPerInnovation(ws []domain.Warning) map[string]int {
	out := map[string]int{}
	for _, w := range ws {
		if w.InnovationID != "" {
			out[w.InnovationID]++
		}
	}
	return out
}

// publishedOf is the published (frozen) result, nil before pleno.
func publishedOf(rs index.RegionScore) *publishedJSON {
	if rs.Frozen == nil {
		return nil
	}
	return &publishedJSON{IID: rs.Frozen.IID.Float64(), IIDText: rs.Frozen.IID.String(), Predicate: rs.Frozen.Predicate}
}

func citedFiles(in []domain.CitedFile) []citedFileJSON {
	var out []citedFileJSON
	for _, f := range in {
		out = append(out, citedFileJSON{SHA256: f.SHA256, Name: f.Name, Pages: f.Pages})
	}
	return out
}
