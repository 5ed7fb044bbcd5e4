package domain_test

import (
	"strings"
	"testing"

	"github.com/jejak-id/jejak/domain"
)

func MustCatalogue(tb testing.TB, year int) *domain.Catalogue {
	tb.Helper()
	c, err := domain.CatalogueForYear(year)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestCatalogue(t *testing.T) {
	t.Run("ships one valid catalogue per year 2021-2025", func(t *testing.T) {
		for year := 2021; year <= 2025; year++ {
			c := MustCatalogue(t, year)
			if c.SPDMax() != 63000 || c.SIDMaxPerInnovation() != 111000 || c.MaxTotal() != 250000 {
				t.Errorf("%d: maxima %s/%s/%s", year, c.SPDMax(), c.SIDMaxPerInnovation(), c.MaxTotal())
			}
			if n := len(c.IndicatorsOf(domain.AspectSPD)); n != 20 {
				t.Errorf("%d: %d SPD rows", year, n)
			}
			if n := len(c.IndicatorsOf(domain.AspectSID)); n != 20 {
				t.Errorf("%d: %d SID rows", year, n)
			}
		}
	})
	t.Run("has no catalogue for an unknown year", func(t *testing.T) {
		if _, err := domain.CatalogueForYear(2030); !domain.IsCode(err, domain.CodeNotFound) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("marks 20, 31 and 32 as derived with their thresholds", func(t *testing.T) {
		c := MustCatalogue(t, 2025)
		for _, code := range []string{"20", "31", "32"} {
			if i, _ := c.Indicator(code); !i.IsDerived() {
				t.Errorf("%s is not derived", code)
			}
		}
		cases := []struct{ got, want int }{
			{c.BimtekParameter(0), 0}, {c.BimtekParameter(1), 1}, {c.BimtekParameter(2), 2}, {c.BimtekParameter(7), 3},
			{c.ReplicationParameter(0), 0}, {c.ReplicationParameter(3), 3},
			{c.CreationSpeedParameter(3), 3}, {c.CreationSpeedParameter(4), 3}, {c.CreationSpeedParameter(5), 2},
			{c.CreationSpeedParameter(8), 2}, {c.CreationSpeedParameter(9), 1}, {c.CreationSpeedParameter(30), 1},
		}
		for i, tc := range cases {
			if tc.got != tc.want {
				t.Errorf("case %d: got %d want %d", i, tc.got, tc.want)
			}
		}
	})
	t.Run("marks 10 SPD indicators and SID 16, 17, 32, 33, 35 mandatory", func(t *testing.T) {
		c := MustCatalogue(t, 2025)
		spd := map[string]bool{}
		var sid []string
		for _, i := range c.Indicators() {
			if !i.Mandatory {
				continue
			}
			if i.Aspect == domain.AspectSPD {
				spd[strings.TrimRight(i.Code, "ab")] = true
			} else {
				sid = append(sid, i.Code)
			}
		}
		if len(spd) != 10 || strings.Join(sid, ",") != "16,17,32,33,35" {
			t.Fatalf("spd %v sid %v", spd, sid)
		}
	})
	t.Run("rejects a catalogue whose weights do not add up, listing every problem", func(t *testing.T) {
		_, err := domain.ParseCatalogue([]byte(`{"year": 1, "version": "", "max_total": 250, "spd_max": 63, "sid_max_per_innovation": 111,
			"innovation_count": {"code": "36", "points_per_innovation": 0.38, "max_innovations": 200, "max_points": 76},
			"counting": {"implementation_window_months": 24, "max_counted_years": 2, "min_divisor": 10, "bimtek_window_months": 24},
			"predicates": [{"name": "x", "min_iid": 0}],
			"indicators": [{"code": "1", "aspect": "SPD", "name": "a", "bobot": 1, "parameters": ["a", "b", "c"]}]}`))
		var e *domain.Error
		if !domain.IsCode(err, domain.CodeInvalid) {
			t.Fatalf("got %v", err)
		}
		e = err.(*domain.Error)
		if len(e.Problems) < 4 {
			t.Fatalf("want every problem, got %v", e.Problems)
		}
	})
}

func TestRegions(t *testing.T) {
	r := domain.MustRegions()
	t.Run("lists 552 regions of which 546 are assessed", func(t *testing.T) {
		if r.Len() != 552 || len(r.Assessed()) != 546 {
			t.Fatalf("len %d assessed %d", r.Len(), len(r.Assessed()))
		}
	})
	t.Run("looks regions up by code", func(t *testing.T) {
		g, ok := domain.LookupRegion("64.03")
		if !ok || g.Name != "Kabupaten Berau" || g.Kind != domain.KindKabupaten || g.ProvinceCode != "64" {
			t.Fatalf("got %+v", g)
		}
		if _, ok := domain.LookupRegion("99.99"); ok {
			t.Fatal("found an unknown code")
		}
	})
	t.Run("counts 62 daerah tertinggal", func(t *testing.T) {
		n := 0
		for _, g := range r.All() {
			if g.Tertinggal {
				n++
			}
		}
		if n != 62 {
			t.Fatalf("got %d", n)
		}
	})
	t.Run("gives clusters from kind, tertinggal and the perbatasan flag", func(t *testing.T) {
		var tertinggal domain.Region
		for _, g := range r.All() {
			if g.Tertinggal {
				tertinggal = g
				break
			}
		}
		got := domain.Clusters(tertinggal, true)
		if len(got) != 3 || got[0] != domain.ClusterKabupaten || got[1] != domain.ClusterTertinggal || got[2] != domain.ClusterPerbatasan {
			t.Fatalf("got %v", got)
		}
		prov, _ := domain.LookupRegion("18")
		if got := domain.Clusters(prov, false); len(got) != 1 || got[0] != domain.ClusterProvinsi {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("returns copies that callers cannot use to change the list", func(t *testing.T) {
		all := r.All()
		all[0].Name = "changed"
		if g, _ := r.Lookup(all[0].Code); g.Name == "changed" {
			t.Fatal("the reference list changed")
		}
	})
}
