package domain

import "math/big"

// ScoreMethod is the catalogue's arithmetic a score was computed with, so
// that an explanation can write the computation out with the catalogue's
// own numbers: SID = SIDSum / max(MinDivisor, n) + PointsPerInnovation x
// min(n, MaxInnovations); total = SPD + SID; IID = total / MaxTotal x 100;
// the predicate is the band the rounded IID falls in.
type ScoreMethod struct {
	MaxTotal            Milli
	MinDivisor          int
	PointsPerInnovation Milli // indicator 36's points per counted innovation
	MaxInnovations      int   // indicator 36 counts at most this many
	Predicates          []PredicateBand
}

// PredicateBand is one predicate with the IIDs it covers, highest first.
// Top is true for the highest band, which has no upper bound (Max is 0).
type PredicateBand struct {
	Name string
	Min  Hundredths
	Max  Hundredths
	Top  bool
}

// Method returns the score arithmetic of the catalogue.
func (c *Catalogue) Method() ScoreMethod {
	rule := c.InnovationCount()
	m := ScoreMethod{MaxTotal: c.MaxTotal(), MinDivisor: c.Counting().MinDivisor,
		PointsPerInnovation: rule.PointsPerInnovation, MaxInnovations: rule.MaxInnovations}
	for i, p := range c.predicates { // descending by MinIID (validated on load)
		b := PredicateBand{Name: p.Name, Min: p.MinIID, Top: i == 0}
		if i > 0 {
			b.Max = max(c.predicates[i-1].MinIID-1, p.MinIID)
		}
		m.Predicates = append(m.Predicates, b)
	}
	return m
}

// sidMean is SIDSum / Divisor, exact.
func sidMean(sum Milli, divisor int) *big.Rat {
	return new(big.Rat).Quo(sum.Rat(), big.NewRat(int64(divisor), 1))
}
