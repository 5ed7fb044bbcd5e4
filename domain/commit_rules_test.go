package domain_test

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/jejak-id/jejak/domain"
)

// The aggregate rules are written as loops; they must say exactly what
// these patterns say.
func TestAggregateRulesMatchTheirPatterns(t *testing.T) {
	idPattern := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,127}$`)
	typePattern := regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`)
	const alphabet = "aZ09.-_ /*>\x00é"
	r := rand.New(rand.NewPCG(1, 2))
	cases := []string{"", "18.04", "2025-18.04", "0190a5e2-7b1c-7d3e-9f00-1234567890ab", "-18", ".18", "18_04", "a b",
		"region", "bimtek", "Not A Type", strings.Repeat("a", 64), strings.Repeat("a", 65), strings.Repeat("1", 128), strings.Repeat("1", 129)}
	for range 20000 {
		b := make([]byte, r.IntN(140))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		if got, want := domain.ValidAggregateID(s), idPattern.MatchString(s); got != want {
			t.Fatalf("ValidAggregateID(%q) = %v, the pattern says %v", s, got, want)
		}
		if got, want := domain.AggregateType(s).Valid(), typePattern.MatchString(s); got != want {
			t.Fatalf("AggregateType(%q).Valid() = %v, the pattern says %v", s, got, want)
		}
	}
}
