package domain

import "context"

// The service's reads: an aggregate's current state, rebuilt from its
// history in the store.

// Innovation returns the current state of an innovation (CodeNotFound).
func (s *Service) Innovation(ctx context.Context, id string) (InnovationView, error) {
	in, err := s.innovation(ctx, id)
	if err != nil {
		return InnovationView{}, err
	}
	return in.View(), nil
}

func (s *Service) innovation(ctx context.Context, id string) (*Innovation, error) {
	h, err := s.load(ctx, AggregateInnovation, id)
	if err != nil {
		return nil, err
	}
	return RebuildInnovation(id, h)
}

// Period returns the current state of a year's period (CodeNotFound).
func (s *Service) Period(ctx context.Context, year int) (PeriodView, error) {
	pd, err := s.period(ctx, year)
	if err != nil {
		return PeriodView{}, err
	}
	return pd.View(), nil
}

func (s *Service) period(ctx context.Context, year int) (*Period, error) {
	h, err := s.load(ctx, AggregatePeriod, PeriodID(year))
	if err != nil {
		return nil, err
	}
	return RebuildPeriod(PeriodID(year), h)
}

// Assessment returns a region's assessment in a year (empty if unanswered).
func (s *Service) Assessment(ctx context.Context, year int, region string) (AssessmentView, error) {
	h, err := s.load(ctx, AggregateAssessment, AssessmentID(year, region))
	if err != nil {
		return AssessmentView{}, err
	}
	a, err := RebuildAssessment(year, region, h)
	if err != nil {
		return AssessmentView{}, err
	}
	return a.View(), nil
}

// Bimtek returns a session (CodeNotFound).
func (s *Service) Bimtek(ctx context.Context, id string) (BimtekView, error) {
	h, err := s.load(ctx, AggregateBimtek, id)
	if err != nil {
		return BimtekView{}, err
	}
	b, err := RebuildBimtek(id, h)
	if err != nil {
		return BimtekView{}, err
	}
	return b.View(), nil
}

// Region returns a reference region with its profile (CodeNotFound).
func (s *Service) Region(ctx context.Context, code string) (RegionView, error) {
	h, err := s.load(ctx, AggregateRegion, code)
	if err != nil {
		return RegionView{}, err
	}
	r, err := RebuildRegionProfile(code, h)
	if err != nil {
		return RegionView{}, err
	}
	return r.View(), nil
}
