package domain

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Aspect is one of the two aspects of the IID.
type Aspect string

const (
	AspectSPD Aspect = "SPD" // Satuan Pemerintahan Daerah: the region as a whole
	AspectSID Aspect = "SID" // Satuan Inovasi Daerah: per innovation
)

// DerivedKind names how a derived indicator is computed from events; derived
// indicators are never answered by hand.
type DerivedKind string

const (
	DerivedBimtekSessions DerivedKind = "bimtek_sessions" // indicator 20
	DerivedReplications   DerivedKind = "replications"    // indicator 31
	DerivedCreationMonths DerivedKind = "creation_months" // indicator 32
)

// DerivedRule turns an event-derived value into a parameter (0..3).
type DerivedRule struct {
	Kind DerivedKind
	// Min[p-1] is the smallest count that earns parameter p (counts kinds).
	Min [3]int
	// MaxMonths[p-1] is the largest number of months that earns parameter
	// p, 0 meaning no bound (creation_months).
	MaxMonths [3]int
}

// Parameter returns the parameter (0 = none) that value earns.
func (d DerivedRule) Parameter(value int) int {
	if d.Kind == DerivedCreationMonths {
		if value < 0 {
			return 0
		}
		for p := 3; p >= 1; p-- {
			if max := d.MaxMonths[p-1]; max == 0 || value <= max {
				return p
			}
		}
		return 0
	}
	for p := 3; p >= 1; p-- {
		if value >= d.Min[p-1] {
			return p
		}
	}
	return 0
}

// Indicator is one row of the catalogue. It is a value without shared
// references.
type Indicator struct {
	Code       string // "1", "2a", "16"
	Aspect     Aspect
	Name       string
	Bobot      Milli
	Parameters [3]string // labels of parameters 1, 2, 3
	Mandatory  bool
	Derived    DerivedRule // Kind is "" for answered indicators
}

// IsDerived reports whether the indicator is computed from events.
func (i Indicator) IsDerived() bool { return i.Derived.Kind != "" }

// CountingRules decide which innovations count in a year.
type CountingRules struct {
	ImplementationWindowMonths int // implementation started within this many months before the period closes
	MaxCountedYears            int // an innovation enters the award at most this many years
	MinDivisor                 int // SID is divided by max(MinDivisor, n)
	BimtekWindowMonths         int // indicator 20 counts sessions within this many months before close
}

// InnovationCountRule is indicator 36 (jumlah inovasi).
type InnovationCountRule struct {
	Code                string
	Name                string
	PointsPerInnovation Milli
	MaxInnovations      int
	MaxPoints           Milli
}

// PredicateRule gives a predicate to every IID at or above MinIID.
type PredicateRule struct {
	Name   string
	MinIID Hundredths
}

// Catalogue is the indicator catalogue of one assessment year. It is
// immutable; accessors return copies.
type Catalogue struct {
	year          int
	version       string
	source        string
	maxTotal      Milli
	spdMax        Milli
	sidMax        Milli
	count         InnovationCountRule
	counting      CountingRules
	predicates    []PredicateRule
	basicServices []Affair
	indicators    []Indicator
	byCode        map[string]int
	byAspect      map[Aspect][]Indicator // shared; never handed out
}

func (c *Catalogue) Year() int                            { return c.year }
func (c *Catalogue) Version() string                      { return c.version }
func (c *Catalogue) Source() string                       { return c.source }
func (c *Catalogue) MaxTotal() Milli                      { return c.maxTotal }
func (c *Catalogue) SPDMax() Milli                        { return c.spdMax }
func (c *Catalogue) SIDMaxPerInnovation() Milli           { return c.sidMax }
func (c *Catalogue) InnovationCount() InnovationCountRule { return c.count }
func (c *Catalogue) Counting() CountingRules              { return c.counting }
func (c *Catalogue) Predicates() []PredicateRule          { return slices.Clone(c.predicates) }
func (c *Catalogue) BasicServiceAffairs() []Affair        { return slices.Clone(c.basicServices) }

// Indicators returns the indicators in catalogue order (SPD, then SID).
func (c *Catalogue) Indicators() []Indicator { return slices.Clone(c.indicators) }

// IndicatorsOf returns the indicators of one aspect in catalogue order.
func (c *Catalogue) IndicatorsOf(a Aspect) []Indicator { return slices.Clone(c.byAspect[a]) }

// Indicator returns the indicator with the given code.
func (c *Catalogue) Indicator(code string) (Indicator, bool) {
	i, ok := c.byCode[code]
	if !ok {
		return Indicator{}, false
	}
	return c.indicators[i], true
}

// Predicate returns the predicate of a rounded IID.
func (c *Catalogue) Predicate(iid Hundredths) string {
	for _, p := range c.predicates {
		if iid >= p.MinIID {
			return p.Name
		}
	}
	return c.predicates[len(c.predicates)-1].Name
}

// derivedRule returns the rule of the first indicator of the given kind.
func (c *Catalogue) derivedRule(kind DerivedKind) (DerivedRule, bool) {
	for _, i := range c.indicators {
		if i.Derived.Kind == kind {
			return i.Derived, true
		}
	}
	return DerivedRule{}, false
}

// BimtekParameter is the parameter of indicator 20 for the number of
// distinct Bimtek sessions attended.
func (c *Catalogue) BimtekParameter(sessions int) int {
	r, _ := c.derivedRule(DerivedBimtekSessions)
	return r.Parameter(sessions)
}

// ReplicationParameter is the parameter of indicator 31 for the number of
// other regions that replicated the innovation.
func (c *Catalogue) ReplicationParameter(regions int) int {
	r, _ := c.derivedRule(DerivedReplications)
	return r.Parameter(regions)
}

// CreationSpeedParameter is the parameter of indicator 32 for the months
// from proposal to the start of the trial.
func (c *Catalogue) CreationSpeedParameter(months int) int {
	r, _ := c.derivedRule(DerivedCreationMonths)
	return r.Parameter(months)
}

//go:embed catalogue/*.json
var catalogueFiles embed.FS

var catalogues = sync.OnceValues(loadCatalogues)

// CatalogueForYear returns the catalogue of an assessment year, or an error
// with CodeNotFound.
func CatalogueForYear(year int) (*Catalogue, error) {
	all, err := catalogues()
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.year == year {
			return c, nil
		}
	}
	return nil, Errorf(CodeNotFound, "there is no indicator catalogue for %d", year)
}

// CatalogueByVersion returns the catalogue with the given version, or an
// error with CodeNotFound.
func CatalogueByVersion(version string) (*Catalogue, error) {
	all, err := catalogues()
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.version == version {
			return c, nil
		}
	}
	return nil, Errorf(CodeNotFound, "there is no indicator catalogue %q", version)
}

// CatalogueVersions lists the versions of every embedded catalogue, by year.
func CatalogueVersions() ([]string, error) {
	all, err := catalogues()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range all {
		out = append(out, c.version)
	}
	return out, nil
}

func loadCatalogues() ([]*Catalogue, error) {
	names, err := catalogueFiles.ReadDir("catalogue")
	if err != nil {
		return nil, err
	}
	var out []*Catalogue
	for _, n := range names {
		b, err := catalogueFiles.ReadFile("catalogue/" + n.Name())
		if err != nil {
			return nil, err
		}
		c, err := ParseCatalogue(b)
		if err != nil {
			return nil, fmt.Errorf("catalogue/%s: %w", n.Name(), err)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *Catalogue) int { return a.year - b.year })
	return out, nil
}

type catalogueFile struct {
	Year                int
	Version             string
	Source              string
	MaxTotal            Milli `json:"max_total"`
	SPDMax              Milli `json:"spd_max"`
	SIDMaxPerInnovation Milli `json:"sid_max_per_innovation"`
	InnovationCount     struct {
		Code                string
		Name                string
		PointsPerInnovation Milli `json:"points_per_innovation"`
		MaxInnovations      int   `json:"max_innovations"`
		MaxPoints           Milli `json:"max_points"`
	} `json:"innovation_count"`
	Counting struct {
		ImplementationWindowMonths int `json:"implementation_window_months"`
		MaxCountedYears            int `json:"max_counted_years"`
		MinDivisor                 int `json:"min_divisor"`
		BimtekWindowMonths         int `json:"bimtek_window_months"`
	}
	Predicates []struct {
		Name   string
		MinIID Milli `json:"min_iid"`
	}
	BasicServiceAffairs []Affair `json:"basic_service_affairs"`
	Indicators          []struct {
		Code       string
		Aspect     Aspect
		Name       string
		Bobot      Milli
		Parameters []string
		Mandatory  bool
		Derived    *struct {
			Kind      DerivedKind
			Min       [3]int
			MaxMonths [3]int `json:"max_months"`
		}
	}
}

// ParseCatalogue reads and validates one catalogue file. Every problem is
// reported at once (CodeInvalid with Problems).
func ParseCatalogue(b []byte) (*Catalogue, error) {
	var f catalogueFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, Errorf(CodeInvalid, "the catalogue is not valid JSON: %v", err)
	}
	c := &Catalogue{
		year: f.Year, version: f.Version, source: f.Source,
		maxTotal: f.MaxTotal, spdMax: f.SPDMax, sidMax: f.SIDMaxPerInnovation,
		count:         InnovationCountRule(f.InnovationCount),
		counting:      CountingRules(f.Counting),
		basicServices: f.BasicServiceAffairs,
		byCode:        map[string]int{},
		byAspect:      map[Aspect][]Indicator{},
	}
	var p Problems
	p.Check(f.Year >= 2018 && f.Year <= 2100, "year", "must be an assessment year")
	p.Check(strings.TrimSpace(f.Version) != "", "version", "is required")
	for _, pr := range f.Predicates {
		if pr.MinIID%10 != 0 {
			p.Add("predicates", "%s: min_iid has more than 2 decimals", pr.Name)
		}
		c.predicates = append(c.predicates, PredicateRule{Name: pr.Name, MinIID: Hundredths(pr.MinIID / 10)})
	}
	p.Check(len(c.predicates) > 0 && c.predicates[len(c.predicates)-1].MinIID == 0, "predicates", "the last predicate must start at 0")
	p.Check(slices.IsSortedFunc(c.predicates, func(a, b PredicateRule) int { return int(b.MinIID - a.MinIID) }), "predicates", "must be in descending order of min_iid")
	for _, a := range c.basicServices {
		p.Check(a.Valid(), "basic_service_affairs", "unknown affair %q", a)
	}
	var spd, sid Milli
	for n, in := range f.Indicators {
		field := "indicators[" + strconv.Itoa(n) + "]"
		ind := Indicator{Code: in.Code, Aspect: in.Aspect, Name: in.Name, Bobot: in.Bobot, Mandatory: in.Mandatory}
		if _, dup := c.byCode[in.Code]; dup || in.Code == "" || in.Code == f.InnovationCount.Code {
			p.Add(field, "code %q is empty or not unique", in.Code)
		}
		p.Check(in.Aspect == AspectSPD || in.Aspect == AspectSID, field, "aspect must be SPD or SID")
		p.Check(strings.TrimSpace(in.Name) != "", field, "name is required")
		p.Check(in.Bobot > 0, field, "bobot must be positive")
		if len(in.Parameters) != 3 || slices.Contains(in.Parameters, "") {
			p.Add(field, "needs three parameter labels")
		} else {
			copy(ind.Parameters[:], in.Parameters)
		}
		if in.Derived != nil {
			ind.Derived = DerivedRule{Kind: in.Derived.Kind, Min: in.Derived.Min, MaxMonths: in.Derived.MaxMonths}
			validateDerived(&p, field, in.Aspect, ind.Derived)
		}
		switch in.Aspect {
		case AspectSPD:
			spd += 3 * in.Bobot
		case AspectSID:
			sid += 3 * in.Bobot
		}
		c.byCode[in.Code] = len(c.indicators)
		c.indicators = append(c.indicators, ind)
		c.byAspect[ind.Aspect] = append(c.byAspect[ind.Aspect], ind)
	}
	for _, k := range []DerivedKind{DerivedBimtekSessions, DerivedReplications, DerivedCreationMonths} {
		_, ok := c.derivedRule(k)
		p.Check(ok, "indicators", "no indicator is derived from %s", k)
	}
	p.Check(spd == f.SPDMax, "spd_max", "the SPD weights give %s, not %s", spd, f.SPDMax)
	p.Check(sid == f.SIDMaxPerInnovation, "sid_max_per_innovation", "the SID weights give %s, not %s", sid, f.SIDMaxPerInnovation)
	ic := f.InnovationCount
	p.Check(ic.Code != "" && ic.PointsPerInnovation > 0 && ic.MaxInnovations > 0, "innovation_count", "needs a code, positive points and a maximum")
	p.Check(ic.PointsPerInnovation*Milli(ic.MaxInnovations) == ic.MaxPoints, "innovation_count", "points x maximum must be %s", ic.MaxPoints)
	p.Check(f.SPDMax+f.SIDMaxPerInnovation+ic.MaxPoints == f.MaxTotal, "max_total", "SPD + SID + indicator %s maxima must be %s", ic.Code, f.MaxTotal)
	cr := f.Counting
	p.Check(cr.ImplementationWindowMonths > 0 && cr.BimtekWindowMonths > 0, "counting", "windows must be positive")
	p.Check(cr.MaxCountedYears > 0 && cr.MinDivisor > 0, "counting", "max_counted_years and min_divisor must be positive")
	if err := p.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func validateDerived(p *Problems, field string, a Aspect, d DerivedRule) {
	p.Check(a == AspectSID, field, "only SID indicators can be derived")
	switch d.Kind {
	case DerivedBimtekSessions, DerivedReplications:
		p.Check(d.Min[0] > 0 && d.Min[0] < d.Min[1] && d.Min[1] < d.Min[2], field, "min must be positive and increasing")
	case DerivedCreationMonths:
		p.Check(d.MaxMonths[0] == 0 && d.MaxMonths[1] > d.MaxMonths[2] && d.MaxMonths[2] >= 0, field, "max_months must be [0, a, b] with a > b >= 0")
	default:
		p.Add(field, "unknown derived kind %q", d.Kind)
	}
}
