package api

import (
	"net/http"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/index"
)

type simulatedOptionJSON struct {
	Parameter int     `json:"parameter"`
	Points    string  `json:"points"`
	IID       float64 `json:"iid"`
	IIDText   string  `json:"iid_text"`
	Gain      float64 `json:"gain"`
	GainText  string  `json:"gain_text"`
	Predicate string  `json:"predicate"`
}

type suggestionJSON struct {
	Indicator      string                 `json:"indicator"`
	Name           string                 `json:"name"`
	InnovationID   string                 `json:"innovation_id,omitempty"`
	InnovationName string                 `json:"innovation_name,omitempty"`
	Mandatory      bool                   `json:"mandatory"`
	Bobot          string                 `json:"bobot"`
	Status         domain.AnswerStatus    `json:"status,omitempty"`
	Claimed        int                    `json:"claimed_option"`
	Parameter      int                    `json:"parameter"`
	Action         domain.SimulatedAction `json:"action"`
	Options        []simulatedOptionJSON  `json:"options"`
}

type rejectionImpactJSON struct {
	InnovationID string  `json:"innovation_id"`
	Name         string  `json:"name"`
	Points       string  `json:"points"`
	IID          float64 `json:"iid"`
	IIDText      string  `json:"iid_text"`
	Gain         float64 `json:"gain"`
	GainText     string  `json:"gain_text"`
	Predicate    string  `json:"predicate"`
}

type simulationJSON struct {
	Region      regionJSON            `json:"region"`
	Year        int                   `json:"year"`
	Phase       domain.Phase          `json:"phase"`
	Position    uint64                `json:"position"`
	Current     totalsJSON            `json:"current"`
	Provisional totalsJSON            `json:"provisional"`
	BestCase    totalsJSON            `json:"best_case"`
	Suggestions []suggestionJSON      `json:"suggestions"`
	Rejections  []rejectionImpactJSON `json:"rejections"`
}

// getSimulation is the score simulator (simulasi skor) of a region-year:
// readable like the region's score.
func (s *Server) getSimulation(w http.ResponseWriter, r *http.Request) error {
	year, g, err := pathYearRegion(r)
	if err != nil {
		return err
	}
	ix, pos, err := s.index(r)
	if err != nil {
		return err
	}
	if err := authorizeResults(r, ix, year, g.Code); err != nil {
		return err
	}
	sim, err := ix.Simulate(year, g.Code)
	if err != nil {
		return err
	}
	out := simulationJSON{Region: s.regionDTO(ix, g), Year: sim.Year, Phase: sim.Phase, Position: pos,
		Current: totals(sim.Current), Provisional: totals(sim.Provisional), BestCase: totals(sim.BestCase),
		Suggestions: []suggestionJSON{}, Rejections: []rejectionImpactJSON{}}
	for _, sg := range sim.Suggestions {
		j := suggestionJSON{Indicator: sg.Indicator, Name: sg.Name, InnovationID: sg.InnovationID, InnovationName: sg.InnovationName,
			Mandatory: sg.Mandatory, Bobot: sg.Bobot.String(), Status: sg.Status, Claimed: sg.Claimed, Parameter: sg.Parameter,
			Action: sg.Action}
		for _, o := range sg.Options {
			j.Options = append(j.Options, simulatedOptionJSON{Parameter: o.Parameter, Points: o.Points.String(),
				IID: o.IID.Float64(), IIDText: o.IID.String(), Gain: o.Gain.Float64(), GainText: o.Gain.String(), Predicate: o.Predicate})
		}
		out.Suggestions = append(out.Suggestions, j)
	}
	for _, rj := range sim.Rejections {
		out.Rejections = append(out.Rejections, rejectionImpactJSON{InnovationID: rj.InnovationID, Name: rj.Name, Points: rj.Points.String(),
			IID: rj.IID.Float64(), IIDText: rj.IID.String(), Gain: rj.Gain.Float64(), GainText: rj.Gain.String(), Predicate: rj.Predicate})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// getPhaseSummary is where the regions of a year stand (the coordinator's
// summary before advancing a phase): national readers only.
func (s *Server) getPhaseSummary(w http.ResponseWriter, r *http.Request) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	if err := authorize(r, domain.ActionReadUnpublished, ""); err != nil {
		return err
	}
	ix, pos, err := s.index(r)
	if err != nil {
		return err
	}
	sum, err := ix.PhaseSummary(year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Position uint64 `json:"position"`
		index.PhaseSummary
	}{pos, sum})
	return nil
}
