package kemendagri_test

import (
	"fmt"
	"testing"

	"github.com/jejak-id/jejak/projections/kemendagri"
)

// BenchmarkBuild builds a national-size year: 550 regions with 50
// innovations each and 20 verified indicators per innovation. On the
// 2-core development machine one build takes about 4 s.
func BenchmarkBuild(b *testing.B) {
	tables := kemendagri.Tables{Year: 2025}
	for r := range 550 {
		code := fmt.Sprintf("%02d.%02d", r/20+11, r%20)
		tables.Regions = append(tables.Regions, kemendagri.RegionRow{
			Code: code, Name: "Kabupaten " + code, Kind: "kabupaten", Province: "Provinsi", Clusters: []string{"kabupaten"},
			SPD: kemendagri.Thousandths(int64(r * 37)), IID: kemendagri.Hundredths(int64(r)), NationalRank: r + 1,
		})
		for i := range 50 {
			verification := map[string]string{}
			for k := 1; k <= 20; k++ {
				verification[fmt.Sprint(k)] = "diterima"
			}
			tables.Innovations = append(tables.Innovations, kemendagri.InnovationRow{
				ID: fmt.Sprintf("%s-%02d", code, i), Name: "Inovasi", RegionCode: code, Stage: "penerapan",
				ProposedOn: "2024-01-01", MaturityScore: kemendagri.Thousandths(1234), Verification: verification,
			})
		}
	}
	for b.Loop() {
		if _, _, err := kemendagri.Build(tables, kemendagri.Meta{Year: 2025}); err != nil {
			b.Fatal(err)
		}
	}
}
