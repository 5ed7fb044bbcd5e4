package index

import (
	"slices"
	"strings"

	"github.com/jejak-id/jejak/domain"
)

// The public innovation database (basis data inovasi): what a published
// year made public about innovations, and what regions made public
// themselves. A year's published explanation names every innovation of a
// region that existed when the period closed, counted or not, so an
// innovation is public once a year it belongs to is published; before that,
// its region may make it public (innovation.publicity_set), and take that
// back, which does not hide what a published year lists. The public sees its attributes, stages and replications, never answers,
// evidence, the people who recorded it or a withdrawal's free-text reason.

// PublicInnovationFilter selects innovations of the public database; zero
// fields select everything.
type PublicInnovationFilter struct {
	Query     string // case-insensitive substring of the name
	Province  string // province code: the province and its regions
	Region    string
	Affair    domain.Affair
	Stage     domain.Stage
	Digital   *bool
	Initiator domain.Initiator
	Year      int // listed in that published year's results
	// MadePublic selects those their region made public.
	MadePublic bool
}

// PublicInnovation is one innovation as the public database shows it.
type PublicInnovation struct {
	ID         string
	Name       string
	Region     string
	Unit       string
	Affair     domain.Affair
	Form       domain.Form
	Digital    bool
	Initiator  domain.Initiator
	Stage      domain.Stage
	ProposedOn string
	// Years are the published years whose results list it; CountedYears
	// those in which it counted in the score.
	Years        []int
	CountedYears []int
	// MadePublicOn is the day its region made it public ("" if it has not).
	MadePublicOn string
}

// PublicStage is a stage reached on a date.
type PublicStage struct {
	Stage domain.Stage
	On    string
}

// PublicInnovationDetail adds the stages, replications and origin.
type PublicInnovationDetail struct {
	PublicInnovation
	Stages       []PublicStage
	Replications []PublicReplication
	// OriginInnovationID is set for a replica (a public origin only).
	OriginInnovationID string
	OriginRegion       string
}

// PublicReplication is another region adopting the innovation.
type PublicReplication struct {
	Region string
	On     string
}

// PublicInnovations lists the public innovations matching f, by name
// (case-insensitive) then id.
func (x *Index) PublicInnovations(f PublicInnovationFilter) []PublicInnovation {
	x.mu.RLock()
	defer x.mu.RUnlock()
	published := x.publishedYears()
	q := strings.ToLower(strings.TrimSpace(f.Query))
	var out []PublicInnovation
	for _, inn := range x.state.Innovations {
		switch {
		case f.Region != "" && inn.Region != f.Region,
			f.Province != "" && provinceOf(inn.Region) != f.Province,
			f.Affair != "" && inn.Affair != f.Affair,
			f.Stage != "" && inn.Stage != f.Stage,
			f.Digital != nil && inn.Digital != *f.Digital,
			f.Initiator != "" && inn.Initiator != f.Initiator,
			f.MadePublic && inn.MadePublicAt.IsZero(),
			q != "" && !strings.Contains(strings.ToLower(inn.Name), q):
			continue
		}
		p, ok := x.public(inn, published)
		if !ok || f.Year != 0 && !slices.Contains(p.Years, f.Year) {
			continue
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b PublicInnovation) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// PublicInnovationByID returns one public innovation; CodeNotFound when there
// is none or it is not public (the same answer, so as not to tell them apart).
func (x *Index) PublicInnovationByID(id string) (PublicInnovationDetail, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	published := x.publishedYears()
	inn, ok := x.state.Innovations[id]
	var p PublicInnovation
	if ok {
		p, ok = x.public(inn, published)
	}
	if !ok {
		return PublicInnovationDetail{}, domain.Errorf(domain.CodeNotFound, "no public innovation %s", domain.Quote(id))
	}
	d := PublicInnovationDetail{PublicInnovation: p, Stages: []PublicStage{}, Replications: []PublicReplication{}}
	for _, st := range inn.Timeline {
		d.Stages = append(d.Stages, PublicStage{Stage: st.Stage, On: date(st.On)})
	}
	for _, r := range inn.Replications {
		d.Replications = append(d.Replications, PublicReplication{Region: r.Ref, On: date(r.Date)})
	}
	if origin, ok := x.state.Innovations[inn.OriginInnovationID]; ok {
		if _, public := x.public(origin, published); public {
			d.OriginInnovationID, d.OriginRegion = origin.ID, origin.Region
		}
	}
	return d, nil
}

// publishedYears are the published periods, oldest first. The caller holds
// the read lock.
func (x *Index) publishedYears() []*periodState {
	var out []*periodState
	for _, y := range sortedKeys(x.state.Periods) {
		if p := x.state.Periods[y]; p.Phase == domain.PhasePublished {
			out = append(out, p)
		}
	}
	return out
}

// public is inn as the public sees it, and whether it may: a published year
// lists it when it was proposed by the period's closing date (scoreInput),
// or its region made it public.
func (x *Index) public(inn *innovationState, published []*periodState) (PublicInnovation, bool) {
	p := PublicInnovation{ID: inn.ID, Name: inn.Name, Region: inn.Region, Unit: inn.Unit, Affair: inn.Affair, Form: inn.Form,
		Digital: inn.Digital, Initiator: inn.Initiator, Stage: inn.Stage, ProposedOn: date(inn.ProposedOn),
		Years: []int{}, CountedYears: []int{}, MadePublicOn: date(inn.MadePublicAt)}
	for _, period := range published {
		if closes := period.closesAt(); !closes.IsZero() && dayOf(inn.ProposedOn).After(closes) {
			continue
		}
		p.Years = append(p.Years, period.Year)
		if fr := period.Results[inn.Region]; fr != nil && slices.Contains(fr.Counted, inn.ID) {
			p.CountedYears = append(p.CountedYears, period.Year)
		}
	}
	return p, len(p.Years) > 0 || !inn.MadePublicAt.IsZero()
}

// provinceOf is the province code of a region ("64.03" -> "64").
func provinceOf(region string) string {
	if g, ok := domain.LookupRegion(region); ok {
		return g.ProvinceCode
	}
	return ""
}
