package kemendagri

import (
	"cmp"
	"slices"
	"strings"
)

// sortNatural sorts indicator codes so that digit runs compare as numbers:
// "1" < "2" < "2a" < "2b" < "10". Ties (such as "01" and "1") fall back to
// byte order, so the order is total.
func sortNatural(s []string) {
	slices.SortFunc(s, func(a, b string) int { return cmp.Or(compareNatural(a, b), strings.Compare(a, b)) })
}

func compareNatural(a, b string) int {
	for a != "" && b != "" {
		ra, restA := leadingRun(a)
		rb, restB := leadingRun(b)
		da, db := isDigit(ra[0]), isDigit(rb[0])
		var c int
		switch {
		case da && db:
			na, nb := strings.TrimLeft(ra, "0"), strings.TrimLeft(rb, "0")
			c = cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb))
		case da != db:
			c = -1 // digits before letters
			if db {
				c = 1
			}
		default:
			c = strings.Compare(ra, rb)
		}
		if c != 0 {
			return c
		}
		a, b = restA, restB
	}
	return cmp.Compare(len(a), len(b))
}

// leadingRun splits s after its leading run of all digits or all non-digits.
func leadingRun(s string) (run, rest string) {
	d := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == d {
		i++
	}
	return s[:i], s[i:]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
