package sampledata

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/personal"
)

// DemoOptions configures LoadDemo.
type DemoOptions struct {
	// OtherRegions is how many generated regions join the four seed
	// regions (default 40; negative: none).
	OtherRegions int
	// Concurrency is how many regions write at once within a day when the
	// demo goes through the service (default 4).
	Concurrency int
	// Progress, if set, is told how far an empty-store load has got.
	Progress func(done, total int)
}

// The seed regions (Kemendagri codes).
const (
	LampungBarat   = "18.04"
	LampungSelatan = "18.01"
	Lumajang       = "35.08"
	Berau          = "64.03"
)

// LoadDemo writes the demo history through svc, in chronological order:
// periods 2021-2025 advanced to published (and 2026 open in penjaringan
// when a 2026 catalogue exists), the four seed regions with their real
// sessions and hand-computed answers, and generated regions around them.
//
// It works on a copy of svc whose clock is set to each command's
// historical time; svc itself is not changed. Command ids are
// deterministic, so loading twice appends nothing new (the second run
// only recognises duplicates). The first error stops it.
func LoadDemo(ctx context.Context, svc *domain.Service, opts DemoOptions) (Summary, error) {
	if opts.OtherRegions == 0 {
		opts.OtherRegions = 40
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if svc.People == nil {
		// attendees sealed with keys of this load only (a server passes its vault)
		withPeople := *svc
		withPeople.People = personal.Ephemeral()
		svc = &withPeople
	}
	p, err := planDemo(max(opts.OtherRegions, 0))
	if err != nil {
		return Summary{}, err
	}
	actions := p.sorted()
	sum := summarise(actions)
	head, err := svc.Store.Head(ctx)
	if err != nil {
		return Summary{}, err
	}
	if head == 0 {
		// An empty store: decide with the aggregates in memory and append
		// directly, as Generate does (every domain rule still applies).
		// In time order: the demo is where people try "as of a date".
		e := newEngine(svc.Store, svc.People, "sampledata-demo", 16, 1024)
		e.ordered = true
		err = e.run(ctx, actions, opts.Progress)
		sum.Commits, sum.Events = e.commits, e.events
		return sum, err
	}
	if loaded, err := demoLoaded(ctx, svc.Store, actions); err != nil || loaded {
		sum.Commits, sum.Events = 0, 0
		return sum, err
	}
	existing, onlyDemo, err := demoCommands(ctx, svc.Store)
	if err != nil {
		return Summary{}, err
	}
	if onlyDemo {
		// A demo load cut off part-way (Ctrl+C, kill -9): the store holds
		// a prefix of the ordered appends. Decide everything again in
		// memory and append only the commits that are missing, so the
		// stream ends exactly as an uninterrupted load leaves it.
		e := newEngine(svc.Store, svc.People, "sampledata-demo", 16, 1024)
		e.ordered, e.existing = true, existing
		err = e.run(ctx, actions, opts.Progress)
		sum.Commits, sum.Events = e.commits, e.events
		return sum, err
	}
	// A store with other history, or a demo cut off part-way: go through
	// the service, which recognises the commands already appended.
	r := &serviceRunner{base: svc, correlation: "sampledata-demo", workers: opts.Concurrency}
	err = r.run(ctx, actions)
	sum.Commits, sum.Events = int(r.commits.Load()), int(r.events.Load())
	return sum, err
}

// demoCommands reads the command ids in the store and whether every commit
// there was appended by the demo loader.
func demoCommands(ctx context.Context, store domain.EventStore) (map[uuid.UUID]bool, bool, error) {
	ids := map[uuid.UUID]bool{}
	onlyDemo := true
	err := store.Read(ctx, 0, func(ev domain.RecordedEvent) error {
		ids[ev.CommandID] = true
		if ev.CorrelationID != "sampledata-demo" {
			onlyDemo = false
		}
		return nil
	})
	return ids, onlyDemo, err
}

// demoLoaded reports whether the demo's last period command is already in
// the store, which means the whole demo was appended before.
func demoLoaded(ctx context.Context, store domain.EventStore, actions []*action) (bool, error) {
	for i := len(actions) - 1; i >= 0; i-- {
		a := actions[i]
		if a.kind != actOpenPeriod && a.kind != actAdvancePhase {
			continue
		}
		evs, err := store.Load(ctx, domain.AggregatePeriod, domain.PeriodID(a.year), 0)
		if err != nil {
			return false, err
		}
		for _, ev := range evs {
			if ev.CommandID == a.id {
				return true, nil
			}
		}
		return false, nil
	}
	return false, nil
}

// planDemo plans the whole demo.
func planDemo(others int) (*plan, error) {
	p := newPlan("demo")
	for y := 2021; y <= 2025; y++ {
		if err := p.addPeriod(y, domain.PhasePublished); err != nil {
			return nil, err
		}
	}
	if _, err := domain.CatalogueForYear(2026); err == nil {
		if err := p.addPeriod(2026, domain.PhasePenjaringan); err != nil {
			return nil, err
		}
	}
	rnd := rand.New(rand.NewPCG(2025, 1))
	for _, seed := range []func(*plan, *rand.Rand) error{planLumajang, planLampungSelatan, planLampungBarat, planBerau} {
		if err := seed(p, rnd); err != nil {
			return nil, err
		}
	}
	if err := planOpenYear(p); err != nil {
		return nil, err
	}
	return p, planDemoOthers(p, others)
}

// openYearAnswers are the SPD answers three seed regions have sent for the
// open year, each citing the region's sample PDF for that year and left
// pending, so that the verification queue shows real files on first run:
// region, day sent, and how many of the catalogue's answerable SPD
// indicators it answered (in catalogue order).
var openYearAnswers = []struct {
	region string
	sent   time.Time
	count  int
}{
	{Berau, day(2026, 10, 20), 4},
	{LampungBarat, day(2026, 10, 27), 3},
	{LampungSelatan, day(2026, 11, 3), 3},
}

// planOpenYear plans the open year's pending answers (when the demo has an
// open year). Their options are fixed (no random draws, so nothing else
// in the demo moves), and no verifier decides them: 2026 is in
// penjaringan, decisions open in pengukuran. Published years do not change.
func planOpenYear(p *plan) error {
	const year = 2026
	c, err := domain.CatalogueForYear(year)
	if err != nil {
		return nil // no open year in this build's catalogues
	}
	spd := answerable(c, domain.AspectSPD, 250)
	s := schedules[year]
	for i, o := range openYearAnswers {
		r := region(o.region)
		ev, err := withDocument(p, r, year, o.sent.AddDate(0, 0, -1), evidenceFor(r, year))
		if err != nil {
			return err
		}
		if o.sent.Before(s[0][0]) || o.sent.After(s[0][1]) {
			return fmt.Errorf("sampledata: %s's %d answers sent on %s, outside penjaringan", r.Name, year, o.sent.Format(time.DateOnly))
		}
		var answers []answerPlan
		for k, ch := range spd[:min(o.count, len(spd))] {
			option := 1 + (i+k)%3
			answers = append(answers, answerPlan{indicator: ch.code, claimed: option, evidence: ev(ch.code, option)})
		}
		p.addAnswers(r, year, "", answers, o.sent, time.Time{}, domain.Actor{}, 20+i)
	}
	return nil
}

func region(code string) domain.Region {
	r, ok := domain.LookupRegion(code)
	if !ok {
		panic("sampledata: unknown seed region " + code)
	}
	return r
}

// cohort plans count innovations of r implemented evenly between from and
// to, each proposed five months and tried two months before.
func cohort(p *plan, r domain.Region, tag string, count int, from, to time.Time, us []unit, named []string) []*innovationPlan {
	var out []*innovationPlan
	span := to.Sub(from)
	for i := range count {
		impl := domain.Day(from.Add(span * time.Duration(i) / time.Duration(max(count-1, 1))))
		u := us[i%len(us)]
		name := fmt.Sprintf("%s (data contoh %s-%d)", topics[u.affair][i%len(topics[u.affair])], tag, i+1)
		if i < len(named) {
			name = named[i]
		}
		in := &innovationPlan{details: domain.InnovationDetails{Name: name, Unit: u.name, Initiator: domain.InitiatorOPD,
			Form: domain.FormPelayananPublik, Digital: i%2 == 0, Affair: u.affair,
			Problem:  "Layanan lambat dan sulit dijangkau warga (data contoh)",
			Solution: u.name + " menyederhanakan alur layanan dan membuka kanal daring (data contoh)",
			Benefit:  "Warga terlayani lebih cepat (data contoh)"},
			proposed: impl.AddDate(0, -5, 0), trial: impl.AddDate(0, -2, 0), implemented: impl}
		out = append(out, p.addInnovation(r, fmt.Sprintf("%s/%s/%d", r.Code, tag, i+1), in, i))
	}
	return out
}

// seedYear plans a seed region's answers for a year so that its verified
// result is exactly t over the counted innovations.
func seedYear(p *plan, r domain.Region, year int, t exactTarget, counted []*innovationPlan, sessions []*sessionPlan,
	ev func(string, int) domain.Evidence, rnd *rand.Rand) error {
	c, err := domain.CatalogueForYear(year)
	if err != nil {
		return err
	}
	if ev == nil {
		ev = evidenceFor(r, year)
	}
	s := schedules[year]
	submit, verify := s[0][0].AddDate(0, 0, 12), s[1][0].AddDate(0, 0, 4)
	if year == demoEvidenceYear {
		if ev, err = withDocument(p, r, year, submit.AddDate(0, 0, -1), ev); err != nil {
			return err
		}
	}
	spd, sid, err := exactAnswers(c, t, counted, sessions, closesAt(year), ev, rnd)
	if err != nil {
		return fmt.Errorf("sampledata: %s %d: %w", r.Name, year, err)
	}
	v := verifier(year + len(r.Code))
	p.addAnswers(r, year, "", spd, submit, verify, v, 0)
	for i, in := range counted {
		p.addAnswers(r, year, in.id, sid[i], submit.AddDate(0, 0, i/10), verify.AddDate(0, 0, i/10), v, 1+i%50)
	}
	return nil
}

func setOffice(p *plan, r domain.Region, name string, kind domain.OfficeKind, on time.Time) {
	p.add("profile/"+r.Code, &action{at: at(on, 1, 0), kind: actSetOffice, actor: operator(r), region: r.Code, officeName: name, officeKind: kind})
}

func attendees(us []unit, role string, from int) []domain.Participant {
	var out []domain.Participant
	for i, u := range us {
		out = append(out, domain.Participant{Name: sampleName(from + i), NIP: sampleNIP(from + i), Unit: u.name, Role: role})
	}
	return out
}

// Lumajang: Sosialisasi Inovasi Daerah, 10 Mar 2022; Inovatif in 2021.
func planLumajang(p *plan, rnd *rand.Rand) error {
	r := region(Lumajang)
	setOffice(p, r, "Badan Perencanaan Pembangunan Daerah (Bappeda) Kabupaten Lumajang", domain.OfficeBappeda, day(2021, 2, 1))
	us := []unit{units[1], units[0], units[9], units[12], units[16], units[3], units[7], units[23]}
	counted := cohort(p, r, "2021", 12, day(2019, 11, 4), day(2021, 6, 14), us, nil)
	if err := seedYear(p, r, 2021, targetFor(47.5, 40000, 12), counted, nil, nil, rnd); err != nil {
		return err
	}
	s := &sessionPlan{plan: domain.BimtekPlan{Region: r.Code, Title: "Sosialisasi Inovasi Daerah Kabupaten Lumajang Tahun 2022",
		Kind: domain.SessionSosialisasi, Date: day(2022, 3, 10), Venue: "Ruang Narariya Kirana, Kantor Bupati Lumajang",
		Organiser: "Bappeda Kabupaten Lumajang", Mode: domain.ModeLuring,
		Speakers: []string{"Agus Triyono (Sekretaris Daerah, pengarahan)", "Retno Wulan Andari (Kepala Bappeda, laporan)"}},
		attendees: attendees(us, "perwakilan perangkat daerah", 100)}
	p.addSession(r, "lumajang/2022", s, operator(r))
	return nil
}

var lamselUnits = []unit{
	{"Badan Riset dan Inovasi Daerah", domain.AffairPenunjang}, units[1], units[0], units[9], {"Kecamatan Kalianda", domain.AffairPemberdayaanDesa},
	{"UPTD Puskesmas Kalianda", domain.AffairKesehatan}, units[10], units[4], units[5], units[7],
}

// Lampung Selatan: Bang Radin 2.0 and SI-IDA by Brida; workshop 20 Jun 2024;
// Sangat Inovatif 2023-2025.
func planLampungSelatan(p *plan, rnd *rand.Rand) error {
	r := region(LampungSelatan)
	setOffice(p, r, "Badan Riset dan Inovasi Daerah (Brida) Kabupaten Lampung Selatan", domain.OfficeBrida, day(2022, 1, 10))
	a := cohort(p, r, "A", 8, day(2022, 3, 1), day(2022, 7, 25), lamselUnits,
		[]string{"Bang Radin 2.0 (Membangun Daerah dengan Inovasi)"})
	a[0].details.Problem = "Jumlah dan mutu inovasi perangkat daerah masih rendah"
	a[0].details.Solution = "Deputi Bang Radin (pendamping dan operator) di tiap perangkat daerah, materi sosialisasi, kerja sama akademisi dan monev inovasi mandiri"
	a[0].details.Form = domain.FormTataKelola
	b := cohort(p, r, "B", 8, day(2022, 9, 12), day(2023, 6, 19), lamselUnits,
		[]string{"SI-IDA (Sistem Informasi Inovasi Daerah)"})
	b[0].details.Digital = true
	c := cohort(p, r, "C", 8, day(2023, 9, 11), day(2024, 6, 17), lamselUnits[1:], nil)
	d := cohort(p, r, "D", 8, day(2024, 9, 9), day(2025, 6, 16), lamselUnits[2:], nil)
	ws := &sessionPlan{plan: domain.BimtekPlan{Region: r.Code, Title: "Workshop Penguatan Inovasi Daerah Kabupaten Lampung Selatan 2024",
		Kind: domain.SessionWorkshop, Date: day(2024, 6, 20), Venue: "Aula Rajabasa", Organiser: "Brida Kabupaten Lampung Selatan",
		Mode: domain.ModeLuring, Speakers: []string{"Jerry Walo (Koordinator Substansi SDM Inovasi Daerah, Kemendagri)"}},
		attendees: attendees(lamselUnits, "kepala perangkat daerah / camat / kepala puskesmas", 200)}
	sessions := []*sessionPlan{p.addSession(r, "lamsel/2024", ws, operator(r))}
	// SI-IDA replicated by a neighbour (data contoh).
	adopter := &innovationPlan{details: b[0].details, proposed: day(2024, 2, 5)}
	adopter.details.Unit = "Badan Perencanaan Pembangunan Daerah"
	rep := p.add("replication/lamsel/si-ida/18.02", &action{at: at(adopter.proposed, 3, 30), kind: actReplicate,
		actor: operator(region("18.02")), region: "18.02", inn: b[0], adopter: adopter})
	adopter.id, adopter.region, adopter.origin = adopterID(rep.id), "18.02", b[0]
	b[0].replicas = append(b[0].replicas, adopter)
	for _, y := range []struct {
		year    int
		iid     float64
		counted []*innovationPlan
	}{{2023, 61.4, append(a, b...)}, {2024, 62.0, append(slices.Clone(b), c...)}, {2025, 62.6, append(c, d...)}} {
		if err := seedYear(p, r, y.year, targetFor(y.iid, 60000, len(y.counted)), y.counted, sessions, nil, rnd); err != nil {
			return err
		}
	}
	return nil
}

var lambarUnits = []unit{
	units[1], units[0], units[9], {"Dinas Pemberdayaan Masyarakat dan Pekon", domain.AffairPemberdayaanDesa},
	{"Kecamatan Balik Bukit", domain.AffairPemberdayaanDesa}, units[2], units[12], units[23], units[10], units[7],
}

// Lampung Barat: Sangat Inovatif 2023 and 2024; innovations rejected as a
// whole in 2023; Bimtek 6 Aug 2025 at Aula Kagungan.
func planLampungBarat(p *plan, rnd *rand.Rand) error {
	r := region(LampungBarat)
	setOffice(p, r, "Badan Riset dan Inovasi Daerah (Brida) Kabupaten Lampung Barat", domain.OfficeBrida, day(2021, 3, 1))
	a := cohort(p, r, "A", 8, day(2021, 9, 6), day(2022, 7, 18), lambarUnits, nil)
	b := cohort(p, r, "B", 8, day(2022, 9, 5), day(2023, 6, 26), lambarUnits, nil)
	c := cohort(p, r, "C", 8, day(2023, 9, 4), day(2024, 6, 24), lambarUnits[1:], nil)
	d := cohort(p, r, "D", 8, day(2024, 9, 2), day(2025, 6, 23), lambarUnits[2:], nil)
	rejected := cohort(p, r, "R", 3, day(2022, 10, 3), day(2022, 12, 5), lambarUnits[5:], nil)
	s := schedules[2023]
	for i, in := range rejected {
		p.add(fmt.Sprintf("assessment/2023/%s/%s/reject", r.Code, in.id), &action{at: at(s[1][0].AddDate(0, 0, 6), 8, i), kind: actRejectInnovation,
			actor: verifier(3), year: 2023, region: r.Code, innovationID: in.id,
			reason: "Bukti penerapan tidak menunjukkan inovasi sudah diterapkan (data contoh)"})
		in.withdrawn = day(2024, 1, 15)
		p.add(fmt.Sprintf("innovation/%s/R/%d/withdraw", r.Code, i+1), &action{at: at(in.withdrawn, 2, i), kind: actWithdraw,
			actor: operator(r), region: r.Code, inn: in, reason: "Tidak dilanjutkan setelah penilaian 2023 (data contoh)"})
	}
	bt := &sessionPlan{plan: domain.BimtekPlan{Region: r.Code, Title: "Bimbingan Teknis Inovasi Daerah Kabupaten Lampung Barat Tahun 2025",
		Kind: domain.SessionBimtek, Date: day(2025, 8, 6), Venue: "Aula Kagungan", Organiser: "Brida Kabupaten Lampung Barat",
		Mode: domain.ModeHybrid, Speakers: []string{"Drs. Nukman, M.M. (Sekretaris Daerah, pembukaan)",
			"Analis Kebijakan Ahli Madya, BSKDN Kemendagri (daring melalui Zoom)"}},
		attendees: attendees(lambarUnits, "pamong inovasi", 300)}
	sessions := []*sessionPlan{p.addSession(r, "lambar/2025", bt, operator(r))}
	for _, y := range []struct {
		year    int
		iid     float64
		counted []*innovationPlan
	}{{2023, 63.1, append(a, b...)}, {2024, 61.8, append(slices.Clone(b), c...)}, {2025, 61.0, append(c, d...)}} {
		if err := seedYear(p, r, y.year, targetFor(y.iid, 60000, len(y.counted)), y.counted, sessions, nil, rnd); err != nil {
			return err
		}
	}
	return nil
}

var berauUnits = []unit{
	units[1], units[0], units[9], units[10], units[4], units[5], units[7], units[11], units[12], units[13],
	units[14], units[16], units[2], units[23], units[24], units[15],
}

// Berau: 39.75 (Inovatif) in 2023, 32.37 (Kurang Inovatif) in 2024;
// Perbup 39/2024 and the Bapelitbang Bimtek of 8 Jul 2025 for 2025.
func planBerau(p *plan, rnd *rand.Rand) error {
	r := region(Berau)
	setOffice(p, r, "Badan Perencanaan, Penelitian dan Pengembangan (Bapelitbang) Kabupaten Berau", domain.OfficeBapelitbang, day(2022, 6, 1))
	forty := cohort(p, r, "2023", 40, day(2022, 9, 5), day(2023, 6, 26), berauUnits, nil)
	// Not counted: rejected as a whole in 2023 (implemented too early for
	// 2024), still in trial, and withdrawn.
	early := cohort(p, r, "X", 1, day(2021, 10, 18), day(2021, 10, 18), berauUnits[3:], nil)[0]
	p.add(fmt.Sprintf("assessment/2023/%s/%s/reject", r.Code, early.id), &action{at: at(schedules[2023][1][0].AddDate(0, 0, 7), 8, 0),
		kind: actRejectInnovation, actor: verifier(5), year: 2023, region: r.Code, innovationID: early.id,
		reason: "Inovasi sama dengan inovasi yang sudah dilaporkan (data contoh)"})
	p.addInnovation(r, r.Code+"/trial", &innovationPlan{details: domain.InnovationDetails{Name: "Kampung Wisata Bahari Digital (data contoh)",
		Unit: "Dinas Kebudayaan dan Pariwisata", Initiator: domain.InitiatorMasyarakat, Form: domain.FormLainnya, Digital: true, Affair: domain.AffairPariwisata,
		Problem: "Promosi wisata pesisir belum terpadu (data contoh)", Solution: "Etalase wisata kampung dalam satu aplikasi (data contoh)",
		Benefit: "Kunjungan wisatawan naik (data contoh)"}, proposed: day(2023, 1, 9), trial: day(2023, 3, 6)}, 7)
	p.addInnovation(r, r.Code+"/withdrawn", &innovationPlan{details: domain.InnovationDetails{Name: "Antar Jemput Berkas Perizinan (data contoh)",
		Unit: "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", Initiator: domain.InitiatorASN, Form: domain.FormPelayananPublik, Affair: domain.AffairPenanamanModal,
		Problem: "Pemohon dari kampung jauh harus datang ke kota (data contoh)", Solution: "Kurir berkas perizinan (data contoh)",
		Benefit: "Biaya perjalanan pemohon turun (data contoh)"}, proposed: day(2022, 2, 7), withdrawn: day(2022, 11, 14)}, 8)
	if err := seedYear(p, r, 2023, exactTarget{spd: 45000, sidSum: 1567}, forty, nil, nil, rnd); err != nil {
		return err
	}
	// Its 2023 answers, then the rejection.
	p.addAnswers(r, 2023, early.id, []answerPlan{
		{indicator: "16", claimed: 1, evidence: domain.Evidence{Note: "SK Kepala Dinas (data contoh)"}, decision: domain.DecisionReject, reason: "Inovasi ditolak (data contoh)"},
		{indicator: "33", claimed: 2, evidence: domain.Evidence{Note: "Daftar penerima manfaat (data contoh)"}, decision: domain.DecisionReject, reason: "Inovasi ditolak (data contoh)"},
	}, schedules[2023][0][0].AddDate(0, 0, 20), schedules[2023][1][0].AddDate(0, 0, 6), verifier(5), 55)
	if err := seedYear(p, r, 2024, exactTarget{spd: 30000, sidSum: 1429}, forty, nil, nil, rnd); err != nil {
		return err
	}
	bt := &sessionPlan{plan: domain.BimtekPlan{Region: r.Code, Title: "Sosialisasi dan Bimbingan Teknis Indeks Inovasi Daerah Kabupaten Berau Tahun 2025",
		Kind: domain.SessionBimtek, Date: day(2025, 7, 8), Venue: "Ruang Rapat Bapelitbang Berau", Organiser: "Bapelitbang Kabupaten Berau",
		Mode: domain.ModeLuring, Speakers: []string{"Gamalis (Wakil Bupati Berau, pembukaan)"}},
		attendees: attendees(berauUnits, "pamong inovasi", 400)}
	sessions := []*sessionPlan{p.addSession(r, "berau/2025", bt, operator(r))}
	fresh := cohort(p, r, "2025", 12, day(2024, 9, 16), day(2025, 6, 30), berauUnits, nil)
	perbup := func(code string, option int) domain.Evidence {
		if code == "14" || code == "16" {
			return domain.Evidence{DocumentRef: "Peraturan Bupati Berau Nomor 39 Tahun 2024 tentang Inovasi Daerah",
				Note: "Perkada yang menjadi dasar inovasi daerah"}
		}
		return evidenceFor(r, 2025)(code, option)
	}
	if err := seedYear(p, r, 2025, targetFor(41.0, 40000, len(fresh)), fresh, sessions, perbup, rnd); err != nil {
		return err
	}
	// An innovation of the open year (2026) that Berau made public before
	// the year is published: Basis data inovasi shows it (issue 16). It has
	// no answers, so no score changes.
	shown := p.addInnovation(r, r.Code+"/2026/public", &innovationPlan{details: domain.InnovationDetails{Name: "Perpustakaan Keliling Kampung Pesisir (data contoh)",
		Unit: "Dinas Perpustakaan dan Kearsipan", Initiator: domain.InitiatorOPD, Form: domain.FormPelayananPublik, Affair: domain.AffairPerpustakaan,
		Problem:  "Anak-anak di kampung pesisir jauh dari perpustakaan daerah (data contoh)",
		Solution: "Mobil perpustakaan singgah di kampung pesisir dua kali sebulan (data contoh)",
		Benefit:  "Pinjaman buku anak di kampung pesisir naik (data contoh)"}, proposed: day(2026, 9, 14), trial: day(2026, 10, 12)}, 9)
	p.add("innovation/"+r.Code+"/2026/public/make-public", &action{at: at(day(2026, 10, 13), 3, 9), kind: actMakePublic,
		actor: operator(r), region: r.Code, inn: shown})
	return nil
}

// planDemoOthers adds generated regions: provinces, kota and kabupaten,
// some of them daerah tertinggal, a few flagged perbatasan.
func planDemoOthers(p *plan, n int) error {
	rnd := rand.New(rand.NewPCG(2025, 2))
	seeds := map[string]bool{LampungBarat: true, LampungSelatan: true, Lumajang: true, Berau: true, "18.02": true}
	var prov, kota, kab, tert []domain.Region
	for _, r := range domain.MustRegions().Assessed() {
		switch {
		case seeds[r.Code]:
		case r.Kind == domain.KindProvinsi:
			prov = append(prov, r)
		case r.Kind == domain.KindKota:
			kota = append(kota, r)
		case r.Tertinggal:
			tert = append(tert, r)
		default:
			kab = append(kab, r)
		}
	}
	var picked []domain.Region
	for _, group := range []struct {
		list  []domain.Region
		share int // per 10
	}{{prov, 2}, {kota, 2}, {tert, 2}, {kab, 4}} {
		rnd.Shuffle(len(group.list), func(i, j int) { group.list[i], group.list[j] = group.list[j], group.list[i] })
		picked = append(picked, group.list[:min(len(group.list), (n*group.share+9)/10)]...)
	}
	picked = picked[:min(n, len(picked))]
	picked = append(picked, region("18.02")) // adopted SI-IDA
	years := []int{2021, 2022, 2023, 2024, 2025}
	border := 0
	for i, r := range picked {
		g := &randomRegion{region: r, quality: 0.2 + 0.75*rnd.Float64(), extra: 0.05, perYear: map[int]int{}, years: years,
			rnd: rand.New(rand.NewPCG(2025, uint64(100+i)))}
		for _, y := range years {
			if rnd.IntN(10) > 0 {
				g.perYear[y] = 3 + rnd.IntN(6)
			}
		}
		if err := g.plan(p, i); err != nil {
			return err
		}
		if r.Kind == domain.KindKabupaten && border < 4 && slices.Contains([]string{"11", "21", "53", "61", "64", "65", "71", "81", "82", "91", "94", "95", "96", "97"}, r.ProvinceCode) {
			border++
			p.add("perbatasan/"+r.Code, &action{at: at(day(2021, 1, 18), 1, i), kind: actSetPerbatasan, actor: admin, region: r.Code,
				reason: "Berbatasan langsung dengan negara tetangga (data contoh)"})
		}
	}
	return nil
}
