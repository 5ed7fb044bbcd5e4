package domain

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// RegionKind is the level of a regional government.
type RegionKind string

const (
	KindProvinsi  RegionKind = "provinsi"
	KindKabupaten RegionKind = "kabupaten"
	KindKota      RegionKind = "kota"
)

// Region is one regional unit of the reference list (Kemendagri codes,
// Kepmendagri 300.2.2 of 2025). It is a value: changing a copy changes nothing.
type Region struct {
	Code         string // dotted Kemendagri code, "18" or "18.04"
	Name         string
	Kind         RegionKind
	ProvinceCode string
	// Autonomous is false for Jakarta's administrative kabupaten and kota,
	// which are not assessed on their own.
	Autonomous bool
	// Tertinggal marks a daerah tertinggal (Perpres 63/2020, 2020-2024).
	Tertinggal bool
}

//go:embed data/wilayah.csv
var wilayahCSV []byte

// ReferenceRegions is the parsed, validated reference list of regions, in
// file order. It is immutable: use its methods, which return copies.
type ReferenceRegions struct {
	list   []Region
	byCode map[string]int
}

// referenceRegions parses the embedded CSV once.
var referenceRegions = sync.OnceValues(func() (*ReferenceRegions, error) {
	return parseRegions(bytes.NewReader(wilayahCSV))
})

// Regions returns the reference regions. The data is embedded, so an error
// means a broken build; MustRegions panics instead.
func Regions() (*ReferenceRegions, error) { return referenceRegions() }

// MustRegions is Regions for callers that treat broken embedded data as a
// programming error.
func MustRegions() *ReferenceRegions {
	r, err := Regions()
	if err != nil {
		panic(err)
	}
	return r
}

// LookupRegion returns the reference region with the given code.
func LookupRegion(code string) (Region, bool) { return MustRegions().Lookup(code) }

// Lookup returns the region with the given code.
func (r *ReferenceRegions) Lookup(code string) (Region, bool) {
	i, ok := r.byCode[code]
	if !ok {
		return Region{}, false
	}
	return r.list[i], true
}

// All returns every region (552), in code order.
func (r *ReferenceRegions) All() []Region { return slices.Clone(r.list) }

// Assessed returns the autonomous regions (546), the ones the IID measures.
func (r *ReferenceRegions) Assessed() []Region {
	var out []Region
	for _, g := range r.list {
		if g.Autonomous {
			out = append(out, g)
		}
	}
	return out
}

// Len is the number of regions.
func (r *ReferenceRegions) Len() int { return len(r.list) }

func parseRegions(src io.Reader) (*ReferenceRegions, error) {
	rows, err := csv.NewReader(src).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("wilayah.csv: %w", err)
	}
	want := []string{"kode", "nama", "jenis", "kode_provinsi", "otonom", "tertinggal_2020_2024"}
	if len(rows) == 0 || !slices.Equal(rows[0], want) {
		return nil, fmt.Errorf("wilayah.csv: header must be %s", strings.Join(want, ","))
	}
	out := &ReferenceRegions{byCode: make(map[string]int, len(rows)-1)}
	var problems []string
	for n, row := range rows[1:] {
		line := n + 2
		g := Region{Code: row[0], Name: strings.TrimSpace(row[1]), Kind: RegionKind(row[2]), ProvinceCode: row[3]}
		var okA, okT bool
		g.Autonomous, okA = parseBool(row[4])
		g.Tertinggal, okT = parseBool(row[5])
		switch {
		case !okA || !okT:
			problems = append(problems, fmt.Sprintf("line %d: otonom and tertinggal must be true or false", line))
		case g.Name == "":
			problems = append(problems, fmt.Sprintf("line %d: empty name", line))
		case g.Kind != KindProvinsi && g.Kind != KindKabupaten && g.Kind != KindKota:
			problems = append(problems, fmt.Sprintf("line %d: unknown jenis %q", line, g.Kind))
		case g.Kind == KindProvinsi && g.Code != g.ProvinceCode:
			problems = append(problems, fmt.Sprintf("line %d: a province is its own province", line))
		case g.Kind != KindProvinsi && !strings.HasPrefix(g.Code, g.ProvinceCode+"."):
			problems = append(problems, fmt.Sprintf("line %d: code %s is not in province %s", line, g.Code, g.ProvinceCode))
		}
		if _, dup := out.byCode[g.Code]; dup {
			problems = append(problems, fmt.Sprintf("line %d: duplicate code %s", line, g.Code))
		}
		out.byCode[g.Code] = len(out.list)
		out.list = append(out.list, g)
	}
	for _, g := range out.list {
		if _, ok := out.byCode[g.ProvinceCode]; !ok {
			problems = append(problems, fmt.Sprintf("region %s: unknown province %s", g.Code, g.ProvinceCode))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("wilayah.csv: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

func parseBool(s string) (bool, bool) {
	switch s {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// Cluster is an award cluster (klaster) of the Innovative Government Award.
type Cluster string

const (
	ClusterProvinsi   Cluster = "provinsi"
	ClusterKabupaten  Cluster = "kabupaten"
	ClusterKota       Cluster = "kota"
	ClusterTertinggal Cluster = "daerah_tertinggal"
	ClusterPerbatasan Cluster = "daerah_perbatasan"
)

// Clusters returns the award clusters of a region: its kind, plus daerah
// tertinggal (reference data) and daerah perbatasan (the flag an admin sets
// on the Region aggregate, see RegionProfile.Perbatasan).
func Clusters(g Region, perbatasan bool) []Cluster {
	out := []Cluster{Cluster(g.Kind)}
	if g.Tertinggal {
		out = append(out, ClusterTertinggal)
	}
	if perbatasan {
		out = append(out, ClusterPerbatasan)
	}
	return out
}
