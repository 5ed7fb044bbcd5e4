package sampledata

import (
	"fmt"
	"strings"

	"github.com/jejak-id/jejak/domain"
)

// unit is a perangkat daerah with the affair its innovations usually serve.
type unit struct {
	name   string
	affair domain.Affair
}

// units are common perangkat daerah of a kabupaten or kota.
var units = []unit{
	{"Dinas Pendidikan dan Kebudayaan", domain.AffairPendidikan},
	{"Dinas Kesehatan", domain.AffairKesehatan},
	{"RSUD", domain.AffairKesehatan},
	{"UPTD Puskesmas Kecamatan Kota", domain.AffairKesehatan},
	{"Dinas Sosial", domain.AffairSosial},
	{"Dinas Pekerjaan Umum dan Penataan Ruang", domain.AffairPUPR},
	{"Dinas Perumahan Rakyat dan Kawasan Permukiman", domain.AffairPerumahanRakyat},
	{"Satuan Polisi Pamong Praja", domain.AffairTrantibumlinmas},
	{"Badan Penanggulangan Bencana Daerah", domain.AffairTrantibumlinmas},
	{"Dinas Kependudukan dan Pencatatan Sipil", domain.AffairAdminduk},
	{"Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", domain.AffairPenanamanModal},
	{"Dinas Komunikasi dan Informatika", domain.AffairKominfo},
	{"Dinas Pertanian", domain.AffairPertanian},
	{"Dinas Kelautan dan Perikanan", domain.AffairKelautan},
	{"Dinas Lingkungan Hidup", domain.AffairLingkunganHidup},
	{"Dinas Perhubungan", domain.AffairPerhubungan},
	{"Dinas Pemberdayaan Masyarakat dan Desa", domain.AffairPemberdayaanDesa},
	{"Dinas Pengendalian Penduduk dan Keluarga Berencana", domain.AffairKB},
	{"Dinas Pemberdayaan Perempuan dan Perlindungan Anak", domain.AffairPerempuanAnak},
	{"Dinas Tenaga Kerja", domain.AffairTenagaKerja},
	{"Dinas Koperasi dan Usaha Mikro", domain.AffairKoperasiUKM},
	{"Dinas Perpustakaan dan Kearsipan", domain.AffairPerpustakaan},
	{"Dinas Pariwisata", domain.AffairPariwisata},
	{"Badan Pengelolaan Keuangan dan Aset Daerah", domain.AffairPenunjang},
	{"Badan Pendapatan Daerah", domain.AffairPenunjang},
	{"Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", domain.AffairPenunjang},
	{"Bagian Organisasi Sekretariat Daerah", domain.AffairPenunjang},
	{"Kecamatan Kota", domain.AffairPemberdayaanDesa},
}

// topics are what innovations of an affair are about.
var topics = map[domain.Affair][]string{
	domain.AffairPendidikan:       {"Sekolah Ramah Anak", "Literasi Desa", "Guru Berbagi", "Beasiswa Daerah", "Rapor Digital"},
	domain.AffairKesehatan:        {"Cegah Stunting", "Ibu Hamil Risiko Tinggi", "Antrean Puskesmas", "Rujukan Terpadu", "Posyandu Remaja", "Ambulans Desa"},
	domain.AffairSosial:           {"Data Terpadu Kesejahteraan", "Lansia Tangguh", "Bantuan Sosial Tepat Sasaran"},
	domain.AffairPUPR:             {"Jalan Mulus", "Air Bersih Desa", "Drainase Lingkungan"},
	domain.AffairPerumahanRakyat:  {"Bedah Rumah", "Sanitasi Layak"},
	domain.AffairTrantibumlinmas:  {"Siaga Bencana", "Patroli Ketertiban", "Tanggap Darurat Kebakaran"},
	domain.AffairAdminduk:         {"Dokumen Kependudukan Keliling", "KTP Elektronik Jemput Bola", "Akta Kelahiran Terpadu"},
	domain.AffairPenanamanModal:   {"Perizinan Satu Hari", "Layanan Investasi"},
	domain.AffairKominfo:          {"Satu Data", "Aduan Warga", "Jaringan Desa Digital"},
	domain.AffairPertanian:        {"Petani Milenial", "Pupuk Tepat Waktu", "Klinik Tanaman"},
	domain.AffairKelautan:         {"Nelayan Sejahtera", "Pasar Ikan Daring"},
	domain.AffairLingkunganHidup:  {"Bank Sampah", "Desa Hijau"},
	domain.AffairPerhubungan:      {"Angkutan Pelajar", "Uji Kendaraan Cepat"},
	domain.AffairPemberdayaanDesa: {"Desa Mandiri", "BUMDes Maju", "Musyawarah Desa Daring"},
	domain.AffairKB:               {"Kampung KB", "Keluarga Berencana Keliling"},
	domain.AffairPerempuanAnak:    {"Perlindungan Anak", "Perempuan Berdaya"},
	domain.AffairTenagaKerja:      {"Bursa Kerja", "Pelatihan Kerja Desa"},
	domain.AffairKoperasiUKM:      {"UMKM Naik Kelas", "Koperasi Digital"},
	domain.AffairPerpustakaan:     {"Perpustakaan Keliling", "Arsip Digital"},
	domain.AffairPariwisata:       {"Desa Wisata", "Promosi Wisata Daring"},
	domain.AffairPenunjang:        {"Pajak Daerah Daring", "Kinerja Pegawai", "Perencanaan Terpadu", "Aset Tertib", "Tanda Tangan Elektronik"},
}

// forms of innovation names, filled with a topic.
var nameForms = []string{"SI %s", "Gerakan %s", "Layanan %s", "%s Terpadu", "Aplikasi %s", "Program %s", "Klinik %s", "%s Keliling"}

// innovationName composes a sample innovation name.
func innovationName(form int, topic string, serial int) string {
	return fmt.Sprintf(nameForms[form%len(nameForms)], topic) + fmt.Sprintf(" (contoh %d)", serial)
}

// sampleFirstNames are given names for invented participants; every
// participant is named "<name> Contoh" so that nobody mistakes them for a
// real person.
var sampleFirstNames = []string{"Ahmad", "Sri", "Budi", "Dewi", "Rudi", "Siti", "Agus", "Rina", "Hendra", "Wati", "Yusuf",
	"Lestari", "Fajar", "Nurul", "Dedi", "Ayu", "Rizki", "Maya", "Bambang", "Indah", "Eko", "Putri", "Joko", "Fitri"}

func sampleName(i int) string {
	return fmt.Sprintf("%s Contoh %d", sampleFirstNames[i%len(sampleFirstNames)], i/len(sampleFirstNames)+1)
}

// sampleNIP is the made-up NIP of sample person i (the person sampleName
// names): 18 digits, "99" in front so that it cannot be a real one (a real
// NIP starts with a birth date).
func sampleNIP(i int) string {
	return fmt.Sprintf("99%016d", i)
}

// slug makes a user id part from a region name.
func slug(name string) string {
	for _, p := range []string{"Kabupaten ", "Kota ", "Provinsi "} {
		name = strings.TrimPrefix(name, p)
	}
	return strings.NewReplacer(" ", "", ".", "", "'", "", "-", "").Replace(strings.ToLower(name))
}

// Actors of the sample histories.
var (
	coordinator = domain.Actor{UserID: "koordinator.bskdn", Role: domain.RoleCoordinator}
	admin       = domain.Actor{UserID: "admin.jejak", Role: domain.RoleAdmin}
)

func operator(r domain.Region) domain.Actor {
	return domain.Actor{UserID: "operator." + slug(r.Name), Role: domain.RoleOperator, Region: r.Code}
}

func verifier(i int) domain.Actor {
	return domain.Actor{UserID: fmt.Sprintf("verifikator.bskdn.%02d", i%12+1), Role: domain.RoleVerifier}
}

// evidenceFor returns sample evidence for an answer.
func evidenceFor(region domain.Region, year int) func(code string, option int) domain.Evidence {
	return func(code string, option int) domain.Evidence {
		return domain.Evidence{
			DocumentRef: fmt.Sprintf("bukti-%d-%s-ind%s-p%d.pdf", year, slug(region.Name), code, option),
			Note:        "Bukti dukung data contoh",
		}
	}
}

// OperatorOf is the user id of region's operator in the sample data.
func OperatorOf(region domain.Region) string { return operator(region).UserID }
