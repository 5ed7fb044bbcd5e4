package kemendagri

import (
	"fmt"
	"strconv"
	"strings"
)

// Decimal is an exact decimal number with 0 to 3 fractional digits, kept as an
// integer number of units of 10^-scale. Its scale is part of the value: it
// fixes how many decimals are rendered, so Hundredths(7850) always renders
// "78.50" and Thousandths(12345) renders "12.345". The zero value is 0 with no
// decimals.
//
// By convention IID values have scale 2 and SPD, SID, total and maturity
// scores scale 3.
type Decimal struct {
	units int64
	scale uint8
}

// Hundredths returns n/100 rendered with two decimals (IID values).
func Hundredths(n int64) Decimal { return Decimal{units: n, scale: 2} }

// Thousandths returns n/1000 rendered with three decimals (points).
func Thousandths(n int64) Decimal { return Decimal{units: n, scale: 3} }

// ParseDecimal reads a plain decimal such as "78.50", "-3" or "12.345"
// exactly. The number of fractional digits given (at most 3) becomes the
// scale. Exponents, signs other than a leading '-', and empty parts are
// rejected.
func ParseDecimal(s string) (Decimal, error) {
	digits := strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(digits, ".")
	if whole == "" || (hasDot && frac == "") || len(frac) > 3 || !allDigits(whole) || !allDigits(frac) {
		return Decimal{}, fmt.Errorf("%q is not a decimal with at most 3 fractional digits", s)
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return Decimal{}, fmt.Errorf("%q is out of range: %w", s, err)
	}
	if len(digits) != len(s) {
		n = -n
	}
	return Decimal{units: n, scale: uint8(len(frac))}, nil
}

// MustParseDecimal is ParseDecimal for constants and tests; it panics on a
// malformed s.
func MustParseDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Scale returns the number of fractional digits d renders with.
func (d Decimal) Scale() int { return int(d.scale) }

// String renders d with exactly Scale() decimals and '.' as the separator,
// whatever the locale: "78.50", "-0.125", "3".
func (d Decimal) String() string {
	u := d.units
	sign := ""
	if u < 0 {
		sign, u = "-", -u
	}
	s := strconv.FormatUint(uint64(u), 10)
	if d.scale == 0 {
		return sign + s
	}
	if pad := int(d.scale) + 1 - len(s); pad > 0 {
		s = strings.Repeat("0", pad) + s
	}
	cut := len(s) - int(d.scale)
	return sign + s[:cut] + "." + s[cut:]
}

// Float64 returns the nearest float64, for spreadsheet cells. Use String for
// anything that must be exact.
func (d Decimal) Float64() float64 {
	f, _ := strconv.ParseFloat(d.String(), 64)
	return f
}

// MarshalJSON writes d as a JSON number with exactly Scale() decimals.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON reads a JSON number with at most 3 decimals exactly.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	v, err := ParseDecimal(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
