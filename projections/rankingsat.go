package projections

import (
	"context"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/index"
)

// RankingsAt is the ranking of cluster in year as it was at asOf, taken
// from the live index's ranking figures (index.RankingsAt) with no past
// state computed: the period's phase then from its own few events, and
// each region's daerah perbatasan flag then from the live profile, or from
// the region's own events when it changed after asOf. "Now" is the live
// ranking. A year not open at asOf is CodeNotFound.
func (v *Views) RankingsAt(ctx context.Context, year int, cluster domain.Cluster, asOf AsOf) (index.Ranking, uint64, error) {
	pos := v.Position(asOf)
	if pos >= v.Runner.Position() {
		r, err := v.Index.Rankings(year, cluster)
		return r, pos, err
	}
	phase, open, err := v.PhaseAt(ctx, year, pos)
	if err != nil {
		return index.Ranking{}, 0, err
	}
	if !open {
		return index.Ranking{}, 0, domain.Errorf(domain.CodeNotFound, "no assessment period for %d at %s", year, asOf)
	}
	// The flags of then, found before the index is locked: only regions
	// whose own events go on after pos may have had another.
	flagsThen := map[string]bool{}
	for _, g := range domain.MustRegions().All() {
		if v.Audit.LastPosition(domain.AggregateRegion, g.Code) <= pos {
			continue
		}
		flag, err := v.perbatasanAt(ctx, g.Code, pos)
		if err != nil {
			return index.Ranking{}, 0, err
		}
		flagsThen[g.Code] = flag
	}
	r, err := v.Index.RankingsAt(year, cluster, pos, phase, flagsThen)
	if err != nil {
		return index.Ranking{}, 0, err
	}
	return r, pos, nil
}

// perbatasanAt is region's daerah perbatasan flag after the commit at
// position, from the region's own events.
func (v *Views) perbatasanAt(ctx context.Context, region string, position uint64) (bool, error) {
	evs, err := v.store.Load(ctx, domain.AggregateRegion, region, 0)
	if err != nil {
		return false, err
	}
	flag := false
	for _, ev := range evs {
		if ev.Position > position {
			break
		}
		if e, ok := ev.Data.(domain.RegionBorderFlagSet); ok {
			flag = e.Perbatasan
		}
	}
	return flag, nil
}
