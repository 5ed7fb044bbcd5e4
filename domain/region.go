package domain

import (
	"fmt"
)

// OfficeKind is the kind of agency running innovation in a region.
type OfficeKind string

const (
	OfficeBrida       OfficeKind = "brida"       // Badan Riset dan Inovasi Daerah
	OfficeBappeda     OfficeKind = "bappeda"     // Badan Perencanaan Pembangunan Daerah
	OfficeBapelitbang OfficeKind = "bapelitbang" // planning, research and development in one agency
	OfficeBalitbang   OfficeKind = "balitbang"   // Badan Penelitian dan Pengembangan Daerah
	OfficeLainnya     OfficeKind = "lainnya"
)

// Valid reports whether k is a known office kind.
func (k OfficeKind) Valid() bool {
	switch k {
	case OfficeBrida, OfficeBappeda, OfficeBapelitbang, OfficeBalitbang, OfficeLainnya:
		return true
	}
	return false
}

// RegionProfile is the aggregate of a region's mutable profile facts (id:
// the Kemendagri code). Reference facts (name, kind, tertinggal) come from
// the embedded list; the profile records the innovation office and the
// daerah perbatasan flag. A region without events has an empty profile.
type RegionProfile struct {
	changes
	region     Region
	officeName string
	officeKind OfficeKind
	perbatasan bool
}

// RebuildRegionProfile rebuilds a region's profile from its history (which
// may be empty). Unknown codes give CodeNotFound.
func RebuildRegionProfile(code string, history []Event) (*RegionProfile, error) {
	g, ok := LookupRegion(code)
	if !ok {
		return nil, Errorf(CodeNotFound, "there is no region %s", Quote(code))
	}
	r := &RegionProfile{region: g}
	rebuild(r, &r.changes, history)
	return r, nil
}

// SetOffice records the region's innovation office. Setting the same office
// again changes nothing.
func (r *RegionProfile) SetOffice(name string, kind OfficeKind) error {
	var p Problems
	name = cleanText(&p, "office_name", name, nameText)
	p.Check(name != "", "office_name", "is required")
	p.Check(kind.Valid(), "office_kind", "must be brida, bappeda, bapelitbang, balitbang or lainnya")
	if err := p.Err(); err != nil {
		return err
	}
	if name == r.officeName && kind == r.officeKind {
		return nil
	}
	record(r, &r.changes, RegionProfileUpdated{Region: r.region.Code, OfficeName: name, OfficeKind: kind})
	return nil
}

// SetPerbatasan sets or clears the daerah perbatasan flag (admin only, see
// Authorize). Setting the current value again changes nothing.
func (r *RegionProfile) SetPerbatasan(on bool, reason string) error {
	if !r.region.Autonomous {
		return Errorf(CodeInvalid, "%s is not an autonomous regional government", r.region.Name)
	}
	var p Problems
	reason = cleanText(&p, "perbatasan_reason", reason, reasonText)
	if err := p.Err(); err != nil {
		return err
	}
	if on == r.perbatasan {
		return nil
	}
	record(r, &r.changes, RegionBorderFlagSet{Region: r.region.Code, Perbatasan: on, Reason: reason})
	return nil
}

func (r *RegionProfile) apply(e Event) {
	switch e := e.(type) {
	case RegionProfileUpdated:
		r.officeName, r.officeKind = e.OfficeName, e.OfficeKind
	case RegionBorderFlagSet:
		r.perbatasan = e.Perbatasan
	default:
		panic(fmt.Sprintf("region: unexpected event %T", e))
	}
}

// RegionView is a read-only snapshot of a region with its profile.
type RegionView struct {
	Region
	OfficeName string
	OfficeKind OfficeKind
	Perbatasan bool
	Clusters   []Cluster
	Version    uint64
}

// View returns a snapshot of the region and its profile.
func (r *RegionProfile) View() RegionView {
	return RegionView{Region: r.region, OfficeName: r.officeName, OfficeKind: r.officeKind, Perbatasan: r.perbatasan,
		Clusters: Clusters(r.region, r.perbatasan), Version: r.version + uint64(len(r.pending))}
}
