package kemendagri

import "time"

// Tables is the content of one export: the rows of one assessment year. The
// writers sort copies of the slices and never modify them.
type Tables struct {
	Year        int             `json:"year"`
	Regions     []RegionRow     `json:"regions"`
	Innovations []InnovationRow `json:"innovations"`
	Bimtek      []BimtekRow     `json:"bimtek"`
}

// RegionRow is one region (daerah) and its index for the year. Sheet Daerah.
type RegionRow struct {
	Code      string   `json:"code"`      // Kemendagri code: "18", "18.04", unique in the export
	Name      string   `json:"name"`      // "Kabupaten Lampung Timur"
	Kind      string   `json:"kind"`      // provinsi, kabupaten or kota
	Province  string   `json:"province"`  // name of the province ("Lampung"), the region itself for a provinsi
	Clusters  []string `json:"clusters"`  // award clusters (klaster): "kabupaten", "daerah tertinggal", in the given order
	SPD       Decimal  `json:"spd"`       // SPD score (points, up to 3 decimals)
	SID       Decimal  `json:"sid"`       // SID score (points, up to 3 decimals)
	Total     Decimal  `json:"total"`     // total score (points, up to 3 decimals)
	IID       Decimal  `json:"iid"`       // the index, 2 decimals
	Predicate string   `json:"predicate"` // predikat: "Sangat Inovatif", ...
	// NationalRank and ClusterRank are 1-based; 0 means not ranked and is
	// rendered as an empty cell.
	NationalRank       int         `json:"nationalRank"`
	ClusterRank        int         `json:"clusterRank"`
	InnovationsByStage StageCounts `json:"innovationsByStage"`
}

// StageCounts counts a region's innovations by stage (tahapan).
type StageCounts struct {
	Initiative     int `json:"inisiatif"`
	Trial          int `json:"ujiCoba"`
	Implementation int `json:"penerapan"`
	Replication    int `json:"replikasi"`
}

// InnovationRow is one innovation (inovasi). Sheet Inovasi.
//
// Dates are civil dates "YYYY-MM-DD" (as the domain records them, in WIB) or
// "" when the stage was not reached.
type InnovationRow struct {
	ID            string  `json:"id"` // unique in the export
	Name          string  `json:"name"`
	RegionCode    string  `json:"regionCode"`
	RegionName    string  `json:"regionName"`
	Unit          string  `json:"unit"`   // perangkat daerah (OPD) that owns it
	Affair        string  `json:"affair"` // urusan pemerintahan
	Form          string  `json:"form"`   // bentuk inovasi
	Digital       bool    `json:"digital"`
	Stage         string  `json:"stage"` // inisiatif, uji coba, penerapan or replikasi
	ProposedOn    string  `json:"proposedOn"`
	TrialOn       string  `json:"trialOn"`
	ImplementedOn string  `json:"implementedOn"`
	MaturityScore Decimal `json:"maturityScore"` // skor kematangan (SID points)
	// Verification maps an indicator code ("1", "2a", "16") to the state of
	// its verification: "diterima", "diturunkan", "ditolak", "menunggu".
	// Spreadsheets get one column per code present in any row, in natural
	// code order ("2" < "2a" < "10").
	Verification map[string]string `json:"verification"`
	Counted      bool              `json:"counted"` // counted in the region's SID
}

// BimtekRow is one training session (Bimtek, sosialisasi, workshop). Sheet
// Bimtek.
type BimtekRow struct {
	ID         string `json:"id"` // unique in the export
	RegionCode string `json:"regionCode"`
	RegionName string `json:"regionName"`
	Title      string `json:"title"`
	Date       string `json:"date"` // "YYYY-MM-DD"
	Venue      string `json:"venue"`
	Organiser  string `json:"organiser"`
	Mode       string `json:"mode"` // luring, daring or hybrid
	Attendance int    `json:"attendance"`
	Closed     bool   `json:"closed"` // attendance is closed
}

// Meta identifies the state an export was built from. It is written to the
// Keterangan sheet, export.json and manifest.json.
type Meta struct {
	Year             int       // assessment year; must equal Tables.Year
	SnapshotHash     string    // hex SHA-256 of the projection snapshot
	Position         uint64    // event stream position of the snapshot
	SnapshotTime     time.Time // rendered in UTC, so the zone of the value does not matter
	CatalogueVersion string    // indicator catalogue version
	JejakVersion     string    // version of the Jejak build that wrote the export
	AsOf             string    // the as-of selector the export was asked for ("" = now)
	// LogHead is the signed head of the Merkle log the snapshot was built
	// at (nil when the log was not running); it goes into the manifest.
	LogHead *LogHead
	// Evidence lists the evidence files the year's answers cite, written
	// next to the tables (named EvidenceDir/<sha256>.<ext>) by an export
	// with evidence; nil for an export without.
	Evidence []FileInfo
}

// LogHead names a signed tree head of the Merkle log over the event
// stream: an auditor checks with it (jejak verify-proof) that the history
// the export was built from is the one that was sealed.
type LogHead struct {
	Number     uint64 `json:"number"`
	Size       uint64 `json:"size"`
	Root       string `json:"root"`       // hex
	Checkpoint string `json:"checkpoint"` // the signed checkpoint
}
