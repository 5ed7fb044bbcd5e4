package index

import (
	"cmp"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// ClusterNational ranks every assessed region together.
const ClusterNational domain.Cluster = "nasional"

// TieRule documents how equal scores are ordered; it is part of the API.
const TieRule = "IID (2 decimals) descending; then the exact Skor Total descending; then the exact SID " +
	"descending; then the earlier last submission (the faster submitter); then the Kemendagri code ascending. " +
	"Every region gets its own rank number."

// RankRow is one region in a ranking.
type RankRow struct {
	Rank         int
	Region       domain.Region
	Province     string
	Clusters     []domain.Cluster
	IID          domain.Hundredths
	Predicate    string
	SPD          domain.Milli
	SID          *big.Rat
	Total        *big.Rat
	Provisional  domain.Hundredths
	Counted      int
	Published    bool // from the results frozen at pleno
	LastAnswered time.Time
}

// Ranking is a ranked list of one cluster in one year.
type Ranking struct {
	Year    int
	Cluster domain.Cluster
	Phase   domain.Phase
	Rows    []RankRow
}

// Clusters lists the clusters a ranking can be asked for.
func Clusters() []domain.Cluster {
	return []domain.Cluster{ClusterNational, domain.ClusterProvinsi, domain.ClusterKabupaten, domain.ClusterKota,
		domain.ClusterTertinggal, domain.ClusterPerbatasan}
}

// Rankings ranks the assessed regions of a cluster in a year.
func (x *Index) Rankings(year int, cluster domain.Cluster) (Ranking, error) {
	if !slices.Contains(Clusters(), cluster) {
		return Ranking{}, &domain.Error{Code: domain.CodeInvalid, Message: "unknown cluster",
			Problems: []domain.FieldProblem{{Field: "cluster", Message: "must be one of nasional, provinsi, kabupaten, kota, daerah_tertinggal, daerah_perbatasan"}}}
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	p, ok := x.state.Periods[year]
	if !ok {
		return Ranking{}, domain.Errorf(domain.CodeNotFound, "no assessment period for %d", year)
	}
	if len(p.Results) == 0 {
		// Before pleno every row needs a computed score: fill the cache on
		// every CPU first (cheap when it is already warm).
		if _, err := x.scoreAll(year, x.assessedRegions[year], false); err != nil {
			return Ranking{}, err
		}
	}
	regions := domain.MustRegions()
	out := Ranking{Year: year, Cluster: cluster, Phase: p.Phase}
	for _, code := range x.assessedRegions[year] {
		perbatasan := false
		if r, ok := x.state.Regions[code]; ok {
			perbatasan = r.Perbatasan
		}
		row, ok := rankRowOf(regions, code, cluster, perbatasan)
		if !ok {
			continue
		}
		if a := x.state.Assessments[domain.AssessmentID(year, code)]; a != nil {
			row.LastAnswered = a.LastSubmitted
		}
		if fr, ok := p.Results[code]; ok {
			row.setFrozen(fr)
		} else {
			t, err := x.totals(year, code)
			if err != nil {
				return Ranking{}, err
			}
			v := t.verified
			row.IID, row.Predicate, row.SPD, row.SID, row.Total = v.IID, v.Predicate, v.SPD, v.SID, v.Total
			row.Provisional, row.Counted = t.provisionalIID, v.Counted
		}
		out.Rows = append(out.Rows, row)
	}
	slices.SortFunc(out.Rows, compareRank)
	for i := range out.Rows {
		out.Rows[i].Rank = i + 1
	}
	return out, nil
}

// rankRowOf starts code's row in a ranking of cluster, with its identity
// and clusters (ok false: not a region of the reference list, or not in
// cluster).
func rankRowOf(regions *domain.ReferenceRegions, code string, cluster domain.Cluster, perbatasan bool) (RankRow, bool) {
	g, ok := regions.Lookup(code)
	if !ok {
		return RankRow{}, false
	}
	clusters := domain.Clusters(g, perbatasan)
	if cluster != ClusterNational && !slices.Contains(clusters, cluster) {
		return RankRow{}, false
	}
	row := RankRow{Region: g, Clusters: clusters}
	if prov, ok := regions.Lookup(g.ProvinceCode); ok {
		row.Province = prov.Name
	}
	return row, true
}

// compareRank orders rows by TieRule.
func compareRank(a, b RankRow) int {
	if c := cmp.Compare(b.IID, a.IID); c != 0 {
		return c
	}
	if c := b.Total.Cmp(a.Total); c != 0 {
		return c
	}
	if c := b.SID.Cmp(a.SID); c != 0 {
		return c
	}
	if c := a.LastAnswered.Compare(b.LastAnswered); c != 0 {
		return c
	}
	return strings.Compare(a.Region.Code, b.Region.Code)
}

// Movement compares two rankings of the same cluster: for each region in
// now, how many places it rose (positive) or fell since then; regions absent
// then are left out.
func Movement(then, now Ranking) map[string]int {
	before := make(map[string]int, len(then.Rows))
	for _, r := range then.Rows {
		before[r.Region.Code] = r.Rank
	}
	out := make(map[string]int, len(now.Rows))
	for _, r := range now.Rows {
		if old, ok := before[r.Region.Code]; ok {
			out[r.Region.Code] = old - r.Rank
		}
	}
	return out
}
