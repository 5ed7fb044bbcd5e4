package index

import (
	"slices"

	"github.com/jejak-id/jejak/domain"
)

// PhaseSummary is where the regions of a year stand, for the coordinator
// before advancing the phase.
type PhaseSummary struct {
	Year  int          `json:"year"`
	Phase domain.Phase `json:"phase"`
	// RegionsSubmitted counts the regions that submitted at least one
	// answer; AnswersWaiting the answers waiting for verification;
	// RejectedAwaiting the rejected answers not yet resubmitted.
	RegionsSubmitted int `json:"regions_submitted"`
	AnswersWaiting   int `json:"answers_waiting"`
	RejectedAwaiting int `json:"rejected_awaiting_resubmission"`
	// MissingMandatory lists the regions that submitted and left a
	// mandatory indicator unanswered (SPD, or SID of an innovation that
	// counts), by code.
	MissingMandatory []RegionMissing `json:"regions_missing_mandatory"`
}

// RegionMissing is one region with mandatory indicators unanswered.
type RegionMissing struct {
	Region     string   `json:"region"`
	Name       string   `json:"name"`
	Indicators []string `json:"indicators"` // "5a", or "16 (innovation id)"
}

// PhaseSummary summarises year; CodeNotFound if there is no such period.
func (x *Index) PhaseSummary(year int) (PhaseSummary, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	p, ok := x.state.Periods[year]
	if !ok {
		return PhaseSummary{}, domain.Errorf(domain.CodeNotFound, "no assessment period for %d", year)
	}
	out := PhaseSummary{Year: year, Phase: p.Phase, MissingMandatory: []RegionMissing{}}
	var regions []string
	for _, a := range x.state.Assessments {
		if a.Year != year || len(a.Answers) == 0 {
			continue
		}
		regions = append(regions, a.Region)
		for _, ans := range a.Answers {
			switch ans.Status {
			case domain.AnswerPending:
				out.AnswersWaiting++
			case domain.AnswerRejected:
				out.RejectedAwaiting++
			}
		}
	}
	slices.Sort(regions)
	out.RegionsSubmitted = len(regions)
	for _, region := range regions {
		res, err := x.score(year, region)
		if err != nil {
			return PhaseSummary{}, err
		}
		var missing []string
		for _, s := range res.SPD {
			if s.Mandatory && !s.Derived && s.Status == "" {
				missing = append(missing, s.Code)
			}
		}
		for _, inn := range res.Innovations {
			if !inn.Counted {
				continue
			}
			for _, s := range inn.Indicators {
				if s.Mandatory && !s.Derived && s.Status == "" {
					missing = append(missing, s.Code+" ("+inn.Name+")")
				}
			}
		}
		if len(missing) > 0 {
			g, _ := domain.LookupRegion(region)
			out.MissingMandatory = append(out.MissingMandatory, RegionMissing{Region: region, Name: g.Name, Indicators: missing})
		}
	}
	return out, nil
}
