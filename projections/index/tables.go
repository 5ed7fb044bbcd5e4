package index

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/kemendagri"
)

// Tables builds the Kemendagri export of one year from the index: per
// region its scores, predicate, ranks and innovations per stage; per
// innovation its stage, dates, maturity score and verification state; and
// the year's Bimtek sessions. For a year frozen at pleno, region figures are
// the published ones.
func (x *Index) Tables(year int) (kemendagri.Tables, string, error) {
	results, err := x.scoresOf(year)
	if err != nil {
		return kemendagri.Tables{}, "", err
	}
	national, err := x.Rankings(year, ClusterNational)
	if err != nil {
		return kemendagri.Tables{}, "", err
	}
	x.mu.RLock()
	catalogue := x.state.Periods[year].CatalogueVersion
	x.mu.RUnlock()
	t := kemendagri.Tables{Year: year}
	regions := domain.MustRegions()
	clusterRank := map[string]int{}
	for _, kind := range []domain.Cluster{domain.ClusterProvinsi, domain.ClusterKabupaten, domain.ClusterKota} {
		r, err := x.Rankings(year, kind)
		if err != nil {
			return kemendagri.Tables{}, "", err
		}
		for _, row := range r.Rows {
			clusterRank[row.Region.Code] = row.Rank
		}
	}
	for _, row := range national.Rows {
		rr := kemendagri.RegionRow{Code: row.Region.Code, Name: row.Region.Name, Kind: string(row.Region.Kind),
			Province: row.Province, SPD: kemendagri.Thousandths(int64(row.SPD)), SID: ratDecimal(row.SID),
			Total: ratDecimal(row.Total), IID: kemendagri.Hundredths(int64(row.IID)), Predicate: row.Predicate,
			NationalRank: row.Rank, ClusterRank: clusterRank[row.Region.Code]}
		if row.Region.Kind == domain.KindProvinsi {
			rr.Province = row.Region.Name
		}
		for _, c := range row.Clusters {
			rr.Clusters = append(rr.Clusters, strings.ReplaceAll(string(c), "_", " "))
		}
		res, ok := results[row.Region.Code]
		if !ok {
			if res, err = x.scoreLocked(year, row.Region.Code); err != nil {
				return kemendagri.Tables{}, "", err
			}
		}
		for _, inn := range res.Innovations {
			info := x.innovationInfo(inn.ID)
			switch info.Stage {
			case domain.StageProposed:
				rr.InnovationsByStage.Initiative++
			case domain.StageTrial:
				rr.InnovationsByStage.Trial++
			case domain.StageImplementation:
				rr.InnovationsByStage.Implementation++
			case domain.StageReplication:
				rr.InnovationsByStage.Replication++
			}
			ir := kemendagri.InnovationRow{ID: inn.ID, Name: inn.Name, RegionCode: row.Region.Code, RegionName: row.Region.Name,
				Unit: inn.Unit, Affair: affairLabel(inn.Affair), Form: strings.ReplaceAll(string(info.Form), "_", " "),
				Digital: info.Digital, Stage: stageLabel(info.Stage), ProposedOn: date(info.ProposedOn),
				TrialOn: date(info.TrialStartedOn), ImplementedOn: date(info.ImplementationStartedOn),
				MaturityScore: kemendagri.Thousandths(int64(inn.Points)), Counted: inn.Counted, Verification: map[string]string{}}
			for _, ind := range inn.Indicators {
				if state := verificationLabel(ind.Status); state != "" {
					ir.Verification[ind.Code] = state
				}
			}
			t.Innovations = append(t.Innovations, ir)
		}
		t.Regions = append(t.Regions, rr)
	}
	for _, s := range x.Sessions("", year) {
		name := s.Region
		if g, ok := regions.Lookup(s.Region); ok {
			name = g.Name
		}
		t.Bimtek = append(t.Bimtek, kemendagri.BimtekRow{ID: s.ID, RegionCode: s.Region, RegionName: name, Title: s.Title,
			Date: s.Date, Venue: s.Venue, Organiser: s.Organiser, Mode: string(s.Mode), Attendance: s.Attendance, Closed: s.Closed})
	}
	return t, catalogue, nil
}

// scoreLocked takes the read lock around score.
func (x *Index) scoreLocked(year int, region string) (*domain.ScoreResult, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.score(year, region)
}

func (x *Index) innovationInfo(id string) innovationState {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if inn, ok := x.state.Innovations[id]; ok {
		return *inn
	}
	return innovationState{}
}

func ratDecimal(r *big.Rat) kemendagri.Decimal {
	if r == nil {
		return kemendagri.Thousandths(0)
	}
	d, err := kemendagri.ParseDecimal(r.FloatString(3))
	if err != nil {
		panic(fmt.Sprintf("export decimal %s: %v", r.FloatString(3), err))
	}
	return d
}

func stageLabel(s domain.Stage) string {
	switch s {
	case domain.StageTrial:
		return "uji coba"
	case domain.StageWithdrawn:
		return "ditarik"
	default:
		return string(s)
	}
}

func verificationLabel(s domain.AnswerStatus) string {
	switch s {
	case domain.AnswerAccepted:
		return "diterima"
	case domain.AnswerLowered:
		return "diturunkan"
	case domain.AnswerRejected:
		return "ditolak"
	case domain.AnswerPending:
		return "menunggu"
	}
	return ""
}
