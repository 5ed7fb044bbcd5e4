package domain

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Milli is an exact number of points in thousandths (29.75 points is
// Milli(29750)). Weights, parameters and per-indicator points are exact in
// thousandths; divisions (SID over n innovations) use big.Rat.
type Milli int64

// ParseMilli parses a decimal with at most three fractional digits exactly.
func ParseMilli(s string) (Milli, error) {
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if whole == "" || len(frac) > 3 || strings.ContainsAny(whole+frac, "+-eE") {
		return 0, fmt.Errorf("%q is not a decimal with at most 3 fractional digits", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a decimal: %w", s, err)
	}
	f := int64(0)
	if frac != "" {
		frac += strings.Repeat("0", 3-len(frac))
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, fmt.Errorf("%q is not a decimal: %w", s, err)
		}
	}
	m := Milli(w*1000 + f)
	if neg {
		m = -m
	}
	return m, nil
}

// MarshalJSON writes m as an exact JSON number of points ("29.75"), the
// form UnmarshalJSON reads.
func (m Milli) MarshalJSON() ([]byte, error) {
	sign, v := "", int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	s := fmt.Sprintf("%s%d.%03d", sign, v/1000, v%1000)
	s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	return []byte(s), nil
}

// UnmarshalJSON reads a JSON number exactly (no float rounding).
func (m *Milli) UnmarshalJSON(b []byte) error {
	v, err := ParseMilli(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Rat returns m as an exact rational number of points.
func (m Milli) Rat() *big.Rat { return big.NewRat(int64(m), 1000) }

// String formats m without trailing zeros: "29.75", "3", "0.38".
func (m Milli) String() string {
	s := strconv.FormatFloat(float64(m)/1000, 'f', 3, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// Hundredths is a number rounded to two decimals, in hundredths (16.64 is
// Hundredths(1664)). The IID is reported this way.
type Hundredths int64

// String formats h with exactly two decimals: "16.64".
func (h Hundredths) String() string {
	sign := ""
	if h < 0 {
		sign, h = "-", -h
	}
	return fmt.Sprintf("%s%d.%02d", sign, h/100, h%100)
}

// Float64 returns h as a float, for charts.
func (h Hundredths) Float64() float64 { return float64(h) / 100 }

// Round2 rounds r half-up (away from zero at exactly .005) to two decimals.
func Round2(r *big.Rat) Hundredths {
	x := new(big.Rat).Mul(r, big.NewRat(100, 1))
	neg := x.Sign() < 0
	if neg {
		x.Neg(x)
	}
	x.Add(x, big.NewRat(1, 2))
	q := new(big.Int).Quo(x.Num(), x.Denom())
	if neg {
		q.Neg(q)
	}
	return Hundredths(q.Int64())
}
