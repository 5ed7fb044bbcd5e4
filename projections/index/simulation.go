package index

import "github.com/jejak-id/jejak/domain"

// Simulate is the score simulator (domain.Simulate) of region in year over
// the current facts, in the period's current phase. It returns CodeNotFound
// for an unknown year or region.
func (x *Index) Simulate(year int, region string) (domain.Simulation, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	p, ok := x.state.Periods[year]
	if !ok {
		return domain.Simulation{}, domain.Errorf(domain.CodeNotFound, "no assessment period for %d", year)
	}
	if _, ok := domain.LookupRegion(region); !ok {
		return domain.Simulation{}, domain.Errorf(domain.CodeNotFound, "no region with code %s", domain.Quote(region))
	}
	cat, err := domain.CatalogueByVersion(p.CatalogueVersion)
	if err != nil {
		return domain.Simulation{}, err
	}
	return domain.Simulate(cat, x.scoreInput(p, region), p.Phase)
}
