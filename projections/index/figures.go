package index

import (
	"math"
	"math/big"
	"slices"
	"sort"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// Ranking figures: a past ranking without a past state.
//
// A region's place in a year's ranking depends on its SPD points, the sum
// and number of its counted innovations' points (verified and provisional;
// the IID, SID and total follow from them, domain.TotalsOf) and the time of
// its last submitted answer (the tie rule's fourth key). The score history
// already scores every region-year a commit touches; after each such commit
// the index also records these figures when they moved, for the assessed
// region-years. A ranking as of any earlier position is then one binary
// search per region in the live index, where replaying the past state took
// tens of seconds at national scale.
//
// The figures are part of the state (checkpoints, snapshots, the state
// hash), like the history.

// figureStep is a region-year's ranking figures from the commit at
// Position on.
type figureStep struct {
	Position uint64
	// LastSubmitted is the occurred-at of the last answer submitted, Unix
	// nanoseconds (noSubmission before the first).
	LastSubmitted       int64
	SPD, SPDProvisional domain.Milli
	Sum, SumProvisional domain.Milli
	Counted             int
}

// noSubmission is figureStep.LastSubmitted before any answer.
const noSubmission = math.MinInt64

func unixOrNone(t time.Time) int64 {
	if t.IsZero() {
		return noSubmission
	}
	return t.UnixNano()
}

// lastAnswered is LastSubmitted as the ranking compares it.
func (f figureStep) lastAnswered() time.Time {
	if f.LastSubmitted == noSubmission {
		return time.Time{}
	}
	return time.Unix(0, f.LastSubmitted)
}

// noteFigures records id's figures after the commit at position when they
// moved (always the first time: the region-year is assessed from then).
// The caller holds the write lock; parts are the region-year's parts just
// rescored.
func (x *Index) noteFigures(id string, position uint64, a *assessmentState, parts *scoreParts) {
	f := figureStep{Position: position, LastSubmitted: unixOrNone(a.LastSubmitted)}
	if parts != nil {
		f.SPD, f.SPDProvisional, f.Sum, f.SumProvisional, f.Counted = parts.spd, parts.spdProvisional, parts.sum, parts.sumProvisional, parts.n
	}
	steps := x.state.Figures[id]
	if n := len(steps); n > 0 {
		last := steps[n-1]
		last.Position = position
		if last == f {
			return
		}
	}
	x.state.Figures[id] = append(steps, f)
}

// figuresAt is id's figures after the commit at position (ok false: the
// region-year was not assessed yet). The caller holds the lock.
func (x *Index) figuresAt(id string, position uint64) (figureStep, bool) {
	steps := x.state.Figures[id]
	i := sort.Search(len(steps), func(i int) bool { return steps[i].Position > position })
	if i == 0 {
		return figureStep{}, false
	}
	return steps[i-1], true
}

// RankingsAt is Rankings as it was after the commit at position, read from
// the figures (no past state): phase is the period's phase then, and
// flagsThen the daerah perbatasan flag then of every region whose flag may
// have changed since (the others read their flag from the index); the
// caller finds both in the period's and the regions' own few events.
// Results frozen by then rank as frozen. The index must have applied
// position; a year it does not know is CodeNotFound.
func (x *Index) RankingsAt(year int, cluster domain.Cluster, position uint64, phase domain.Phase, flagsThen map[string]bool) (Ranking, error) {
	if !slices.Contains(Clusters(), cluster) {
		return x.Rankings(year, cluster) // its error
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	p, ok := x.state.Periods[year]
	if !ok {
		return Ranking{}, domain.Errorf(domain.CodeNotFound, "no assessment period for %d", year)
	}
	c, err := domain.CatalogueByVersion(p.CatalogueVersion)
	if err != nil {
		return Ranking{}, err
	}
	frozen := p.Results != nil && p.FrozenAt <= position
	regions := domain.MustRegions()
	out := Ranking{Year: year, Cluster: cluster, Phase: phase}
	for _, code := range x.assessedRegions[year] {
		f, ok := x.figuresAt(domain.AssessmentID(year, code), position)
		if !ok {
			continue
		}
		perbatasan, changed := flagsThen[code]
		if r := x.state.Regions[code]; !changed && r != nil {
			perbatasan = r.Perbatasan
		}
		row, ok := rankRowOf(regions, code, cluster, perbatasan)
		if !ok {
			continue
		}
		row.LastAnswered = f.lastAnswered()
		if fr, ok := p.Results[code]; ok && frozen {
			row.setFrozen(fr)
		} else {
			v := domain.TotalsOf(c, f.SPD, f.Sum, f.Counted)
			row.IID, row.Predicate, row.SPD, row.SID, row.Total = v.IID, v.Predicate, v.SPD, v.SID, v.Total
			row.Provisional, row.Counted = domain.IIDOf(c, f.SPDProvisional, f.SumProvisional, f.Counted), v.Counted
		}
		out.Rows = append(out.Rows, row)
	}
	slices.SortFunc(out.Rows, compareRank)
	for i := range out.Rows {
		out.Rows[i].Rank = i + 1
	}
	return out, nil
}

// setFrozen fills r from the results frozen at pleno.
func (r *RankRow) setFrozen(fr *frozenResult) {
	r.Published = true
	r.IID, r.Predicate, r.SPD, r.Provisional, r.Counted = fr.IID, fr.Predicate, fr.SPD, fr.ProvisionalIID, len(fr.Counted)
	r.SID, _ = new(big.Rat).SetString(fr.SID)
	r.Total, _ = new(big.Rat).SetString(fr.Total)
}
