package kemendagri_test

import (
	"testing"
	"time"

	"github.com/jejak-id/jejak/projections/kemendagri"
)

// sampleTables is a small year with the awkward values an export must carry:
// a comma, quotes and a newline in names, unranked regions, empty dates,
// indicator codes that sort naturally, and rows out of order.
func sampleTables() kemendagri.Tables {
	d := kemendagri.MustParseDecimal
	return kemendagri.Tables{
		Year: 2025,
		Regions: []kemendagri.RegionRow{
			{
				Code: "18.04", Name: "Kabupaten Lampung Timur", Kind: "kabupaten", Province: "Lampung",
				Clusters: []string{"kabupaten", "daerah tertinggal"},
				SPD:      d("41.250"), SID: d("27.125"), Total: d("68.375"), IID: d("68.38"),
				Predicate: "Inovatif", NationalRank: 12, ClusterRank: 3,
				InnovationsByStage: kemendagri.StageCounts{Initiative: 2, Trial: 1, Implementation: 5, Replication: 1},
			},
			{
				Code: "18", Name: "Lampung", Kind: "provinsi", Province: "Lampung", Clusters: []string{"provinsi"},
				SPD: d("50.005"), SID: d("30.000"), Total: d("80.005"), IID: d("80.01"),
				Predicate: "Sangat Inovatif", NationalRank: 1, ClusterRank: 1,
				InnovationsByStage: kemendagri.StageCounts{Implementation: 9},
			},
			{
				Code: "91.01", Name: "Kabupaten \"Fakfak\", Papua Barat", Kind: "kabupaten", Province: "Papua Barat",
				Clusters:  []string{"kabupaten", "daerah perbatasan"},
				Predicate: "Tidak Dapat Dinilai",
			},
		},
		Innovations: []kemendagri.InnovationRow{
			{
				ID: "b2", Name: "Posyandu \"Pintar\", terpadu\nversi 2", RegionCode: "18.04", RegionName: "Kabupaten Lampung Timur",
				Unit: "Dinas Kesehatan", Affair: "kesehatan", Form: "inovasi pelayanan publik", Digital: true,
				Stage: "penerapan", ProposedOn: "2023-01-09", TrialOn: "2023-04-01", ImplementedOn: "2024-02-15",
				MaturityScore: d("12.125"),
				Verification:  map[string]string{"10": "diterima", "2a": "diturunkan", "1": "diterima", "2": "ditolak"},
				Counted:       true,
			},
			{
				ID: "a1", Name: "Sistem Antrean Daring", RegionCode: "18.04", RegionName: "Kabupaten Lampung Timur",
				Unit: "RSUD Sukadana", Affair: "kesehatan", Form: "inovasi daerah lainnya", Stage: "inisiatif",
				ProposedOn: "2025-02-01", MaturityScore: d("0.000"),
				Verification: map[string]string{"1": "menunggu"},
			},
			{
				ID: "c3", Name: "=SUM(A1)", RegionCode: "18", RegionName: "Lampung",
				Unit: "Bappeda", Affair: "perencanaan", Form: "inovasi tata kelola", Stage: "uji coba",
				ProposedOn: "2024-05-05", TrialOn: "2024-09-30", MaturityScore: d("7.5"), Counted: true,
			},
		},
		Bimtek: []kemendagri.BimtekRow{
			{ID: "k2", RegionCode: "18.04", RegionName: "Kabupaten Lampung Timur", Title: "Bimtek Penginputan IID",
				Date: "2025-03-14", Venue: "Aula Sekda, Sukadana", Organiser: "BSKDN", Mode: "hybrid", Attendance: 42, Closed: true},
			{ID: "k1", RegionCode: "18", RegionName: "Lampung", Title: "Sosialisasi Indeks Inovasi Daerah",
				Date: "2025-03-14", Venue: "Zoom", Organiser: "Bappeda Lampung", Mode: "daring", Attendance: 120},
			{ID: "k0", RegionCode: "18", RegionName: "Lampung", Title: "Workshop bukti dukung",
				Date: "2025-01-20", Venue: "Hotel Novotel", Organiser: "BSKDN", Mode: "luring"},
		},
	}
}

func sampleMeta() kemendagri.Meta {
	return kemendagri.Meta{
		Year:             2025,
		SnapshotHash:     "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Position:         48213,
		SnapshotTime:     time.Date(2025, 6, 30, 23, 59, 59, 0, time.FixedZone("WIB", 7*3600)),
		CatalogueVersion: "2025.1",
		JejakVersion:     "v0.9.0",
		AsOf:             "2025-06-30",
	}
}

// MustBuild builds the export of t and m or fails the test.
func MustBuild(tb testing.TB, t kemendagri.Tables, m kemendagri.Meta) ([]kemendagri.File, kemendagri.Manifest) {
	tb.Helper()
	files, man, err := kemendagri.Build(t, m)
	if err != nil {
		tb.Fatalf("Build: %v", err)
	}
	return files, man
}
