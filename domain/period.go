package domain

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Phase is a phase (tahap) of the yearly assessment.
type Phase string

const (
	PhasePenjaringan      Phase = "penjaringan"       // regions enter innovations, answers and evidence
	PhasePengukuran       Phase = "pengukuran"        // verification and quality control
	PhasePresentasi       Phase = "presentasi"        // presentations by nominated regions
	PhaseValidasiLapangan Phase = "validasi_lapangan" // field validation
	PhasePleno            Phase = "pleno"             // jury plenary: results frozen
	PhasePublished        Phase = "published"         // results published (penganugerahan)
)

// Phases lists the phases in their only order.
func Phases() []Phase {
	return []Phase{PhasePenjaringan, PhasePengukuran, PhasePresentasi, PhaseValidasiLapangan, PhasePleno, PhasePublished}
}

func (p Phase) index() int { return slices.Index(Phases(), p) }

// PhaseWindow is the planned dates of one phase (inclusive days).
type PhaseWindow struct {
	Phase Phase     `json:"phase"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Period is the aggregate of one year's assessment (id: the year, "2025").
type Period struct {
	changes
	year      int
	catalogue string
	schedule  []PhaseWindow
	phase     Phase
}

// PeriodID is the aggregate id of a year's period.
func PeriodID(year int) string { return strconv.Itoa(year) }

// OpenPeriod opens a year's assessment in penjaringan. The catalogue must
// exist and the schedule must list every phase once, in order, with dates
// that never go back. Every problem is reported at once.
func OpenPeriod(year int, catalogueVersion string, schedule []PhaseWindow) (*Period, error) {
	var p Problems
	p.Check(year >= MinYear && year <= MaxYear, "year", "must be a year from %d to %d", MinYear, MaxYear)
	if c, err := CatalogueByVersion(catalogueVersion); err != nil {
		p.Add("catalogue_version", "%s is not a known catalogue", Quote(catalogueVersion))
	} else {
		p.Check(c.Year() == year, "catalogue_version", "%s is the catalogue of %d, not %d", catalogueVersion, c.Year(), year)
	}
	phases := Phases()
	if len(schedule) != len(phases) {
		p.Add("schedule", "must list the %d phases %v in order", len(phases), phases)
	}
	var last time.Time
	from, to := PeriodDateRange(year)
	for i, w := range schedule {
		f := fmt.Sprintf("schedule[%d]", i)
		if i < len(phases) {
			p.Check(w.Phase == phases[i], f, "phase %d must be %s", i+1, phases[i])
		}
		p.Check(!w.Start.IsZero() && !w.End.IsZero(), f, "needs a start and an end")
		if !w.Start.IsZero() && !w.End.IsZero() {
			checkDayIn(&p, f+".start", w.Start, from, to)
			checkDayIn(&p, f+".end", w.End, from, to)
		}
		p.Check(!w.End.Before(w.Start), f, "ends before it starts")
		p.Check(!Day(w.Start).Before(last), f, "starts before the previous phase ends")
		last = Day(w.End)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	days := make([]PhaseWindow, len(schedule))
	for i, w := range schedule {
		days[i] = PhaseWindow{Phase: w.Phase, Start: Day(w.Start), End: Day(w.End)}
	}
	pd := &Period{}
	record(pd, &pd.changes, PeriodOpened{Year: year, CatalogueVersion: catalogueVersion, Schedule: days})
	return pd, nil
}

// RebuildPeriod rebuilds a period; CodeNotFound for an empty history.
func RebuildPeriod(id string, history []Event) (*Period, error) {
	if len(history) == 0 {
		return nil, Errorf(CodeNotFound, "there is no assessment period %s", id)
	}
	pd := &Period{}
	rebuild(pd, &pd.changes, history)
	return pd, nil
}

// Advance moves the period to the next phase, which must be to. Naming the
// target makes a retried command fail instead of skipping a phase.
func (pd *Period) Advance(to Phase, at time.Time) error {
	next := pd.phase.index() + 1
	if next >= len(Phases()) {
		return Errorf(CodeIllegalTransition, "the %d period is published; no phase follows", pd.year)
	}
	if to != Phases()[next] {
		return Errorf(CodeIllegalTransition, "the %d period is in %s; allowed next: %s (phases move forward one at a time)", pd.year, pd.phase, Phases()[next])
	}
	record(pd, &pd.changes, PeriodPhaseAdvanced{Year: pd.year, From: pd.phase, To: to, AdvancedAt: at})
	return nil
}

func (pd *Period) apply(e Event) {
	switch e := e.(type) {
	case PeriodOpened:
		pd.year, pd.catalogue, pd.schedule, pd.phase = e.Year, e.CatalogueVersion, slices.Clone(e.Schedule), PhasePenjaringan
	case PeriodPhaseAdvanced:
		pd.phase = e.To
	default:
		panic(fmt.Sprintf("period: unexpected event %T", e))
	}
}

func (pd *Period) Year() int                { return pd.year }
func (pd *Period) Phase() Phase             { return pd.phase }
func (pd *Period) CatalogueVersion() string { return pd.catalogue }
func (pd *Period) Schedule() []PhaseWindow  { return slices.Clone(pd.schedule) }

// Frozen reports whether results are frozen (pleno or later).
func (pd *Period) Frozen() bool { return pd.phase.index() >= PhasePleno.index() }

// ClosesAt is the last day of penjaringan: the reference date of the
// 24-month windows of the score.
func (pd *Period) ClosesAt() time.Time {
	for _, w := range pd.schedule {
		if w.Phase == PhasePenjaringan {
			return w.End
		}
	}
	return time.Time{}
}

// Catalogue returns the period's indicator catalogue.
func (pd *Period) Catalogue() (*Catalogue, error) { return CatalogueByVersion(pd.catalogue) }

// requirePhase returns CodePhaseClosed unless the period is in one of phases.
func (pd *Period) requirePhase(action string, phases ...Phase) error {
	if slices.Contains(phases, pd.phase) {
		return nil
	}
	return Errorf(CodePhaseClosed, "cannot %s: the %d period is in %s, this needs %v", action, pd.year, pd.phase, phases)
}

// PeriodView is a read-only snapshot of a period.
type PeriodView struct {
	Year             int
	CatalogueVersion string
	Phase            Phase
	Schedule         []PhaseWindow
	ClosesAt         time.Time
	Frozen           bool
	Version          uint64
}

// View returns a snapshot of the period.
func (pd *Period) View() PeriodView {
	return PeriodView{Year: pd.year, CatalogueVersion: pd.catalogue, Phase: pd.phase, Schedule: pd.Schedule(),
		ClosesAt: pd.ClosesAt(), Frozen: pd.Frozen(), Version: pd.version + uint64(len(pd.pending))}
}
