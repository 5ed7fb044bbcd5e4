package domain_test

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/jejak-id/jejak/domain"
)

func TestScoreMethod(t *testing.T) {
	c := MustCatalogue(t, 2025)
	t.Run("writes out the worked example: SID mean, indicator 36, unrounded IID", func(t *testing.T) {
		r, err := domain.Score(c, workedExample())
		if err != nil {
			t.Fatal(err)
		}
		v, m := r.Verified, r.Method
		if got := new(big.Rat).Mul(v.SIDMean, big.NewRat(int64(v.Divisor), 1)); got.Cmp(v.SIDSum.Rat()) != 0 {
			t.Errorf("SID mean %s x %d = %s, want the sum %s", v.SIDMean.RatString(), v.Divisor, got.RatString(), v.SIDSum)
		}
		if v.Divisor != max(m.MinDivisor, v.Counted) {
			t.Errorf("divisor %d, want max(%d, %d)", v.Divisor, m.MinDivisor, v.Counted)
		}
		if v.Indicator36 != m.PointsPerInnovation*domain.Milli(min(v.Counted, m.MaxInnovations)) {
			t.Errorf("indicator 36 is %s, not %s x %d", v.Indicator36, m.PointsPerInnovation, v.Counted)
		}
		if sid := new(big.Rat).Add(v.SIDMean, v.Indicator36.Rat()); sid.Cmp(v.SID) != 0 {
			t.Errorf("SID %s is not mean + indicator 36 (%s)", v.SID.RatString(), sid.RatString())
		}
		want := new(big.Rat).Quo(new(big.Rat).Mul(v.Total, big.NewRat(100, 1)), m.MaxTotal.Rat())
		if v.IIDExact.Cmp(want) != 0 || domain.Round2(v.IIDExact) != v.IID {
			t.Errorf("unrounded IID %s, want %s rounding to %s", v.IIDExact.RatString(), want.RatString(), v.IID)
		}
	})
	t.Run("predicate bands cover every IID once, highest first, from the catalogue", func(t *testing.T) {
		bands := c.Method().Predicates
		if len(bands) != len(c.Predicates()) || !bands[0].Top {
			t.Fatalf("bands %+v", bands)
		}
		for iid := domain.Hundredths(0); iid <= 10000; iid++ {
			var in []string
			for _, b := range bands {
				if iid >= b.Min && (b.Top || iid <= b.Max) {
					in = append(in, b.Name)
				}
			}
			if len(in) != 1 || in[0] != c.Predicate(iid) {
				t.Fatalf("IID %s falls in %v, predicate %s", iid, in, c.Predicate(iid))
			}
		}
	})
}

func TestIIDOfIsTheTotalsIID(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 16))
	for year := 2021; year <= 2026; year++ {
		c := MustCatalogue(t, year)
		for range 20000 {
			n := rng.IntN(400)
			spd := domain.Milli(rng.IntN(int(c.SPDMax()) + 1))
			sum := domain.Milli(rng.Int64N(int64(c.SIDMaxPerInnovation())*int64(max(n, 1)) + 1))
			if rng.IntN(4) == 0 {
				sum -= sum % 1000 // whole points, as most answers give
			}
			if got, want := domain.IIDOf(c, spd, sum, n), domain.TotalsOf(c, spd, sum, n).IID; got != want {
				t.Fatalf("%d: IIDOf(spd %s, sum %s, n %d) = %s, the totals say %s", year, spd, sum, n, got, want)
			}
		}
	}
}
