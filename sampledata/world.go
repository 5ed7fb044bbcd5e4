package sampledata

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jejak-id/jejak/domain"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// at is a moment on a day: hh:mm UTC (WIB is UTC+7).
func at(d time.Time, hour, minute int) time.Time {
	return domain.Day(d).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

// schedules are the assessment periods. 2023-2025 follow the published
// schedules (docs/DOMAIN.md §7.2); the dates not published there, and all of 2021
// and 2022, are data contoh.
var schedules = map[int][6][2]time.Time{
	2021: {{day(2021, 6, 1), day(2021, 8, 20)}, {day(2021, 8, 23), day(2021, 10, 15)}, {day(2021, 10, 18), day(2021, 10, 22)},
		{day(2021, 10, 25), day(2021, 11, 12)}, {day(2021, 11, 19), day(2021, 11, 19)}, {day(2021, 12, 2), day(2021, 12, 2)}},
	2022: {{day(2022, 5, 30), day(2022, 8, 12)}, {day(2022, 8, 15), day(2022, 10, 7)}, {day(2022, 10, 17), day(2022, 10, 21)},
		{day(2022, 10, 24), day(2022, 11, 11)}, {day(2022, 11, 18), day(2022, 11, 18)}, {day(2022, 12, 6), day(2022, 12, 6)}},
	2023: {{day(2023, 5, 25), day(2023, 7, 28)}, {day(2023, 7, 31), day(2023, 9, 22)}, {day(2023, 9, 25), day(2023, 9, 27)},
		{day(2023, 10, 2), day(2023, 10, 20)}, {day(2023, 11, 28), day(2023, 11, 28)}, {day(2023, 12, 12), day(2023, 12, 12)}},
	2024: {{day(2024, 6, 21), day(2024, 8, 18)}, {day(2024, 8, 19), day(2024, 9, 19)}, {day(2024, 10, 7), day(2024, 10, 9)},
		{day(2024, 10, 14), day(2024, 11, 1)}, {day(2024, 11, 20), day(2024, 11, 20)}, {day(2024, 12, 5), day(2024, 12, 5)}},
	2025: {{day(2025, 6, 20), day(2025, 8, 23)}, {day(2025, 9, 1), day(2025, 10, 31)}, {day(2025, 11, 4), day(2025, 11, 6)},
		{day(2025, 11, 11), day(2025, 11, 21)}, {day(2025, 11, 26), day(2025, 11, 26)}, {day(2025, 12, 9), day(2025, 12, 9)}},
	// 2026 is data contoh, open in penjaringan around the demo's "today".
	2026: {{day(2026, 10, 1), day(2026, 12, 18)}, {day(2027, 1, 4), day(2027, 2, 26)}, {day(2027, 3, 8), day(2027, 3, 10)},
		{day(2027, 3, 15), day(2027, 4, 2)}, {day(2027, 4, 14), day(2027, 4, 14)}, {day(2027, 4, 28), day(2027, 4, 28)}},
}

func phaseWindows(year int) []domain.PhaseWindow {
	s := schedules[year]
	out := make([]domain.PhaseWindow, len(s))
	for i, ph := range domain.Phases() {
		out[i] = domain.PhaseWindow{Phase: ph, Start: s[i][0], End: s[i][1]}
	}
	return out
}

func closesAt(year int) time.Time { return schedules[year][0][1] }

// addPeriod plans a period: opened a week before penjaringan, advanced at
// the start of each phase up to until (inclusive).
func (p *plan) addPeriod(year int, until domain.Phase) error {
	c, err := domain.CatalogueForYear(year)
	if err != nil {
		return err
	}
	s := schedules[year]
	p.add(fmt.Sprintf("period/%d/open", year), &action{at: at(s[0][0].AddDate(0, 0, -7), 1, 0), kind: actOpenPeriod,
		actor: coordinator, year: year, version: c.Version(), schedule: phaseWindows(year)})
	for i, ph := range domain.Phases()[1:] {
		if until == domain.PhasePenjaringan {
			break
		}
		p.add(fmt.Sprintf("period/%d/%s", year, ph), &action{at: at(s[i+1][0], 0, 30), kind: actAdvancePhase, actor: coordinator, year: year, phase: ph})
		if ph == until {
			break
		}
	}
	return nil
}

// addInnovation plans an innovation's proposal and stages (and withdrawal).
func (p *plan) addInnovation(r domain.Region, name string, in *innovationPlan, minute int) *innovationPlan {
	op := operator(r)
	prop := p.add("innovation/"+name+"/propose", &action{at: at(in.proposed, 2, minute), kind: actPropose, actor: op, region: r.Code, inn: in})
	in.id, in.region = innovationID(prop.id), r.Code
	if !in.trial.IsZero() {
		p.add("innovation/"+name+"/trial", &action{at: at(in.trial, 2, minute), kind: actStartTrial, actor: op, region: r.Code, inn: in})
	}
	if !in.implemented.IsZero() {
		p.add("innovation/"+name+"/implementation", &action{at: at(in.implemented, 2, minute), kind: actStartImplementation, actor: op, region: r.Code, inn: in})
	}
	if !in.withdrawn.IsZero() {
		p.add("innovation/"+name+"/withdraw", &action{at: at(in.withdrawn, 2, minute), kind: actWithdraw, actor: op, region: r.Code, inn: in,
			reason: "Tidak dilanjutkan karena anggaran dialihkan (data contoh)"})
	}
	return in
}

// addSession plans a session: scheduled two weeks ahead, attendance on the
// day, closed in the afternoon.
func (p *plan) addSession(r domain.Region, name string, s *sessionPlan, actor domain.Actor) *sessionPlan {
	sch := p.add("session/"+name+"/schedule", &action{at: at(s.plan.Date.AddDate(0, 0, -14), 3, 0), kind: actScheduleBimtek, actor: actor, region: r.Code, session: s})
	s.id = bimtekID(sch.id)
	p.add("session/"+name+"/attendance", &action{at: at(s.plan.Date, 5, 0), kind: actAttend, actor: actor, region: r.Code, session: s, people: s.attendees})
	p.add("session/"+name+"/close", &action{at: at(s.plan.Date, 9, 0), kind: actCloseBimtek, actor: actor, region: r.Code, session: s})
	return s
}

// addAnswers plans a region-year's answers (submitted on submitDay) and
// their verification (on verifyDay, by a different user).
func (p *plan) addAnswers(r domain.Region, year int, innovationID string, answers []answerPlan, submitDay, verifyDay time.Time, v domain.Actor, minute int) {
	if len(answers) == 0 {
		return
	}
	name := fmt.Sprintf("assessment/%d/%s/%s", year, r.Code, innovationID)
	p.add(name+"/submit", &action{at: at(submitDay, 4, minute), kind: actSubmitAnswers, actor: operator(r), year: year, region: r.Code,
		innovationID: innovationID, answers: answers})
	var decided []answerPlan
	for _, a := range answers {
		if a.decision != "" {
			decided = append(decided, a)
		}
	}
	if len(decided) > 0 {
		p.add(name+"/verify", &action{at: at(verifyDay, 6, minute), kind: actVerifyAnswers, actor: v, year: year, region: r.Code,
			innovationID: innovationID, answers: decided})
	}
}

// randomRegion plans a generated region's innovations, sessions and
// answers for the years it reports in: perYear[year] innovations reported.
type randomRegion struct {
	region   domain.Region
	quality  float64 // 0..1: how good its answers are
	extra    float64 // chance of answering a non-mandatory SID indicator
	perYear  map[int]int
	years    []int
	rnd      *rand.Rand
	serial   int
	pool     []*reported
	sessions []*sessionPlan
}

type reported struct {
	in    *innovationPlan
	times int
	last  int
	stuck bool
}

// plan adds everything the region does to p.
func (g *randomRegion) plan(p *plan, slot int) error {
	r, rnd := g.region, g.rnd
	for _, year := range g.years {
		k := g.perYear[year]
		if k == 0 {
			continue
		}
		cat, err := domain.CatalogueForYear(year)
		if err != nil {
			return err
		}
		closes := closesAt(year)
		var chosen []*reported
		for _, rep := range g.pool {
			if len(chosen) < k && rep.last == year-1 && rep.times < 3 && !rep.stuck && rnd.Float64() < 0.75 {
				chosen = append(chosen, rep)
			}
		}
		for len(chosen) < k {
			chosen = append(chosen, g.newInnovation(p, closes))
		}
		g.addSessions(p, year, closes, chosen)
		win := schedules[year]
		submit := win[0][0].AddDate(0, 0, 7*(slot%8)+rnd.IntN(3))
		if submit.After(win[0][1]) {
			submit = win[0][1]
		}
		verify := win[1][0].AddDate(0, 0, 7*(slot%5)+rnd.IntN(3))
		if verify.After(win[1][1]) {
			verify = win[1][1]
		}
		v := verifier(slot + year)
		ev := evidenceFor(r, year)
		var spd []answerPlan
		for _, c := range answerable(cat, domain.AspectSPD, 1000) {
			if c.mandatory || rnd.Float64() < 0.4+0.5*g.quality {
				spd = append(spd, g.answer(c.code, ev))
			}
		}
		p.addAnswers(r, year, "", spd, submit, verify, v, 0)
		for i, rep := range chosen {
			rep.times++
			rep.last = year
			var sid []answerPlan
			for _, c := range answerable(cat, domain.AspectSID, 1000) {
				if c.mandatory || rnd.Float64() < g.extra {
					sid = append(sid, g.answer(c.code, ev))
				}
			}
			day := submit
			if rep.in.proposed.After(day) {
				day = rep.in.proposed
			}
			p.addAnswers(r, year, rep.in.id, sid, day, verify, v, 1+i%50)
			if rnd.IntN(50) == 0 {
				p.add(fmt.Sprintf("assessment/%d/%s/%s/reject", year, r.Code, rep.in.id), &action{at: at(verify, 8, i%50), kind: actRejectInnovation,
					actor: v, year: year, region: r.Code, innovationID: rep.in.id,
					reason: "Inovasi tidak memenuhi kriteria PP 38/2017: bukti penerapan tidak ada (data contoh)"})
			}
		}
	}
	return nil
}

// answer draws a claimed option and a verification decision.
func (g *randomRegion) answer(code string, ev func(string, int) domain.Evidence) answerPlan {
	rnd := g.rnd
	o := 1
	for range 2 {
		if rnd.Float64() < g.quality {
			o++
		}
	}
	a := answerPlan{indicator: code, claimed: o, evidence: ev(code, o), decision: domain.DecisionAccept, reason: "Bukti dukung sesuai (data contoh)"}
	switch x := rnd.IntN(100); {
	case x < 10 && o > 1:
		a.decision, a.verified, a.reason = domain.DecisionLower, o-1, "Bukti dukung memenuhi parameter yang lebih rendah (data contoh)"
	case x >= 95:
		a.decision, a.reason = domain.DecisionReject, "Bukti dukung tidak dapat dibuka (data contoh)"
	}
	return a
}

// newInnovation plans a new innovation to be reported in the year closing
// at closes: most reach penerapan before then, a few stay in inisiatif or
// uji coba (and some of those are withdrawn later).
func (g *randomRegion) newInnovation(p *plan, closes time.Time) *reported {
	rnd := g.rnd
	g.serial++
	u := units[rnd.IntN(len(units))]
	if u.name == "Kecamatan Kota" || u.name == "UPTD Puskesmas Kecamatan Kota" {
		u.name = fmt.Sprintf("%s %d", u.name, 1+rnd.IntN(3))
	}
	ts := topics[u.affair]
	topic := ts[rnd.IntN(len(ts))]
	in := &innovationPlan{details: domain.InnovationDetails{
		Name: innovationName(rnd.IntN(len(nameForms)), topic, g.serial), Unit: u.name,
		Initiator: []domain.Initiator{domain.InitiatorOPD, domain.InitiatorOPD, domain.InitiatorASN, domain.InitiatorKepalaDaerah, domain.InitiatorMasyarakat}[rnd.IntN(5)],
		Form:      []domain.Form{domain.FormPelayananPublik, domain.FormPelayananPublik, domain.FormTataKelola, domain.FormLainnya}[rnd.IntN(4)],
		Digital:   rnd.IntN(3) > 0, Affair: u.affair,
		Problem:  fmt.Sprintf("Layanan %s di %s belum menjangkau semua warga (data contoh)", topic, g.region.Name),
		Solution: fmt.Sprintf("%s menata ulang layanan %s dengan jemput bola dan aplikasi (data contoh)", u.name, topic),
		Benefit:  "Waktu layanan lebih singkat dan lebih banyak warga terlayani (data contoh)",
	}}
	in.proposed = closes.AddDate(0, -(4 + rnd.IntN(18)), -rnd.IntN(28))
	rep := &reported{in: in}
	stage := rnd.IntN(100)
	if stage >= 4 {
		in.trial = minTime(in.proposed.AddDate(0, 1+rnd.IntN(9), rnd.IntN(20)), closes.AddDate(0, 0, -20))
		if in.trial.Before(in.proposed) {
			in.trial = in.proposed
		}
	}
	if stage >= 7 {
		in.implemented = minTime(in.trial.AddDate(0, 1+rnd.IntN(5), rnd.IntN(20)), closes.AddDate(0, 0, -10))
	}
	if stage < 7 {
		rep.stuck = true
		if stage < 2 {
			in.withdrawn = closes.AddDate(0, 2+rnd.IntN(3), 0)
		}
	}
	p.addInnovation(g.region, fmt.Sprintf("%s/%d", g.region.Code, g.serial), in, g.serial%50)
	g.pool = append(g.pool, rep)
	return rep
}

// addSessions plans one or two sessions before the year's close, attended
// by some of the units of the reported innovations.
func (g *randomRegion) addSessions(p *plan, year int, closes time.Time, chosen []*reported) {
	rnd := g.rnd
	for s := range 1 + rnd.IntN(2) {
		date := closes.AddDate(0, -(1 + rnd.IntN(9)), -rnd.IntN(20))
		seen := map[string]bool{}
		var people []domain.Participant
		for i, rep := range chosen {
			if u := rep.in.details.Unit; !seen[u] && rnd.Float64() < 0.6 {
				seen[u] = true
				people = append(people, domain.Participant{Name: sampleName(g.serial + i), NIP: sampleNIP(g.serial + i), Unit: u, Role: "pamong inovasi"})
			}
		}
		if len(people) == 0 {
			people = append(people, domain.Participant{Name: sampleName(s), NIP: sampleNIP(s), Unit: "Bappeda", Role: "pamong inovasi"})
		}
		kind := []domain.SessionKind{domain.SessionBimtek, domain.SessionSosialisasi, domain.SessionWorkshop}[rnd.IntN(3)]
		sp := &sessionPlan{plan: domain.BimtekPlan{Region: g.region.Code, Title: fmt.Sprintf("Bimtek Inovasi Daerah %d %s (data contoh)", year, g.region.Name),
			Kind: kind, Date: domain.Day(date), Venue: "Aula Kantor Bupati/Wali Kota (data contoh)", Organiser: "Bappeda",
			Mode: domain.ModeLuring}, attendees: people}
		g.sessions = append(g.sessions, p.addSession(g.region, fmt.Sprintf("%s/%d/%d", g.region.Code, year, s), sp, operator(g.region)))
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
