package domain

import (
	"strings"
	"time"
)

// Initiator is who initiated an innovation (PP 38/2017).
type Initiator string

const (
	InitiatorKepalaDaerah Initiator = "kepala_daerah"
	InitiatorDPRD         Initiator = "dprd"
	InitiatorOPD          Initiator = "opd"
	InitiatorASN          Initiator = "asn"
	InitiatorMasyarakat   Initiator = "masyarakat"
)

// Valid reports whether i is a known initiator.
func (i Initiator) Valid() bool {
	switch i {
	case InitiatorKepalaDaerah, InitiatorDPRD, InitiatorOPD, InitiatorASN, InitiatorMasyarakat:
		return true
	}
	return false
}

// Form is the form (bentuk) of an innovation.
type Form string

const (
	FormTataKelola      Form = "tata_kelola_pemerintahan"
	FormPelayananPublik Form = "pelayanan_publik"
	FormLainnya         Form = "lainnya"
)

// Valid reports whether f is a known form.
func (f Form) Valid() bool {
	return f == FormTataKelola || f == FormPelayananPublik || f == FormLainnya
}

// Affair is a government affair (urusan pemerintahan) an innovation belongs to.
type Affair string

// The six basic-service affairs (pelayanan dasar) come first.
const (
	AffairPendidikan       Affair = "pendidikan"
	AffairKesehatan        Affair = "kesehatan"
	AffairSosial           Affair = "sosial"
	AffairPUPR             Affair = "pupr"
	AffairPerumahanRakyat  Affair = "perumahan_rakyat"
	AffairTrantibumlinmas  Affair = "trantibumlinmas"
	AffairTenagaKerja      Affair = "tenaga_kerja"
	AffairPerempuanAnak    Affair = "pemberdayaan_perempuan_perlindungan_anak"
	AffairPangan           Affair = "pangan"
	AffairPertanahan       Affair = "pertanahan"
	AffairLingkunganHidup  Affair = "lingkungan_hidup"
	AffairAdminduk         Affair = "administrasi_kependudukan_pencatatan_sipil"
	AffairPemberdayaanDesa Affair = "pemberdayaan_masyarakat_desa"
	AffairKB               Affair = "pengendalian_penduduk_keluarga_berencana"
	AffairPerhubungan      Affair = "perhubungan"
	AffairKominfo          Affair = "komunikasi_informatika"
	AffairKoperasiUKM      Affair = "koperasi_usaha_kecil_menengah"
	AffairPenanamanModal   Affair = "penanaman_modal"
	AffairPemudaOlahraga   Affair = "kepemudaan_olahraga"
	AffairStatistik        Affair = "statistik"
	AffairPersandian       Affair = "persandian"
	AffairKebudayaan       Affair = "kebudayaan"
	AffairPerpustakaan     Affair = "perpustakaan"
	AffairKearsipan        Affair = "kearsipan"
	AffairKelautan         Affair = "kelautan_perikanan"
	AffairPariwisata       Affair = "pariwisata"
	AffairPertanian        Affair = "pertanian"
	AffairKehutanan        Affair = "kehutanan"
	AffairESDM             Affair = "energi_sumber_daya_mineral"
	AffairPerdagangan      Affair = "perdagangan"
	AffairPerindustrian    Affair = "perindustrian"
	AffairTransmigrasi     Affair = "transmigrasi"
	AffairPenunjang        Affair = "penunjang_urusan_pemerintahan" // perencanaan, keuangan, kepegawaian, litbang, administrasi
	AffairLainnya          Affair = "lainnya"
)

// Affairs lists every affair, the six basic-service affairs first.
func Affairs() []Affair {
	return []Affair{
		AffairPendidikan, AffairKesehatan, AffairSosial, AffairPUPR, AffairPerumahanRakyat, AffairTrantibumlinmas,
		AffairTenagaKerja, AffairPerempuanAnak, AffairPangan, AffairPertanahan, AffairLingkunganHidup, AffairAdminduk,
		AffairPemberdayaanDesa, AffairKB, AffairPerhubungan, AffairKominfo, AffairKoperasiUKM, AffairPenanamanModal,
		AffairPemudaOlahraga, AffairStatistik, AffairPersandian, AffairKebudayaan, AffairPerpustakaan, AffairKearsipan,
		AffairKelautan, AffairPariwisata, AffairPertanian, AffairKehutanan, AffairESDM, AffairPerdagangan,
		AffairPerindustrian, AffairTransmigrasi, AffairPenunjang, AffairLainnya,
	}
}

// Valid reports whether a is a known affair.
func (a Affair) Valid() bool {
	for _, k := range Affairs() {
		if a == k {
			return true
		}
	}
	return false
}

// InnovationDetails are the descriptive attributes of an innovation.
type InnovationDetails struct {
	Name      string
	Unit      string // owning perangkat daerah / unit (OPD)
	Initiator Initiator
	Form      Form
	Digital   bool
	Affair    Affair
	Problem   string
	Solution  string
	Benefit   string
}

// clean adds every problem of d to p and returns d with its texts
// normalised (see cleanText).
func (d InnovationDetails) clean(p *Problems) InnovationDetails {
	d.Name = cleanText(p, "name", d.Name, nameText)
	p.Check(d.Name != "", "name", "is required")
	d.Unit = cleanText(p, "unit", d.Unit, nameText)
	p.Check(d.Unit != "", "unit", "the owning unit (OPD) is required")
	p.Check(d.Initiator.Valid(), "initiator", "must be kepala_daerah, dprd, opd, asn or masyarakat")
	p.Check(d.Form.Valid(), "form", "must be tata_kelola_pemerintahan, pelayanan_publik or lainnya")
	p.Check(d.Affair.Valid(), "affair", "is not a known government affair (urusan)")
	d.Problem = cleanText(p, "problem", d.Problem, longText)
	p.Check(d.Problem != "", "problem", "is required")
	d.Solution = cleanText(p, "solution", d.Solution, longText)
	p.Check(d.Solution != "", "solution", "is required")
	d.Benefit = cleanText(p, "benefit", d.Benefit, longText)
	p.Check(d.Benefit != "", "benefit", "is required")
	return d
}

// Day truncates t to its calendar day in UTC; stage dates are days.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// SameUnit reports whether two unit names name the same unit, ignoring case
// and spacing. Indicator 20 matches attendees to innovations this way.
func SameUnit(a, b string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	return norm(a) != "" && norm(a) == norm(b)
}
