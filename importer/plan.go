package importer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// namespace roots every command id the importer derives.
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://jejak.id/impor"))

// innovationCommandID is the proposal's command id of the innovation named
// name in region: the same row imported twice proposes the same innovation
// (its id derives from this id), which the store recognises.
func innovationCommandID(region, name string) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte("inovasi\x00"+region+"\x00"+normalize(name)))
}

var innovationColumns = map[string]string{
	"region": "Kode Daerah", "name": "Nama Inovasi", "unit": "Perangkat Daerah", "initiator": "Inisiator",
	"form": "Bentuk Inovasi", "affair": "Urusan Pemerintahan", "problem": "Permasalahan", "solution": "Solusi",
	"benefit": "Manfaat", "proposed_on": "Tanggal Inisiatif",
}

func (im *Importer) planInnovations(ctx context.Context, t *table, opts Options, today time.Time) ([]*plan, []Problem, error) {
	l, notes, err := layoutOf(t, &innovationSheet)
	if err != nil {
		return nil, nil, err
	}
	rows := make([]innovationRow, len(t.rows))
	plans := make([]*plan, len(t.rows))
	seen := map[uuid.UUID]int{}
	for i, r := range t.rows {
		rows[i] = readInnovation(l, r)
		ir := &rows[i]
		plans[i] = &plan{result: RowResult{Sheet: t.sheet, Row: r.num, Subject: ir.details.Name}, problems: ir.problems}
		if len(ir.problems) == 0 {
			key := innovationCommandID(ir.region, ir.details.Name)
			if first, dup := seen[key]; dup {
				plans[i].problems = append(plans[i].problems, Problem{Sheet: t.sheet, Row: r.num, Column: "Nama Inovasi",
					Message: fmt.Sprintf("inovasi yang sama (daerah dan nama) sudah ada di baris %d", first)})
			} else {
				seen[key] = r.num
			}
		}
	}
	var progress func(int, int)
	if opts.Progress != nil {
		progress = func(done, total int) { opts.Progress("periksa", done, total) }
	}
	err = each(ctx, len(rows), opts.Concurrency, progress, func(ctx context.Context, i int) error {
		if len(plans[i].problems) > 0 {
			return nil
		}
		return im.planInnovation(ctx, t.sheet, rows[i], opts.Actor, today, opts.Known, plans[i])
	})
	return plans, notes, err
}

// planInnovation checks one valid-looking row against the store: the
// proposal and stage commands are decided in memory on the recorded
// innovation (or a new one).
func (im *Importer) planInnovation(ctx context.Context, sheet string, ir innovationRow, actor domain.Actor, today time.Time,
	known func(region, name string) (string, bool), p *plan) error {
	cmd := domain.ProposeInnovationCommand{CommandMeta: domain.CommandMeta{CommandID: innovationCommandID(ir.region, ir.details.Name), Actor: actor},
		Region: ir.region, Details: ir.details, On: ir.proposed}
	id := cmd.InnovationID()
	if known != nil {
		if other, ok := known(ir.region, ir.details.Name); ok {
			id = other // recorded by hand: compare, and continue its stages
		}
	}
	p.result.ID = id
	bad := func(err error, columns map[string]string) {
		p.problems = append(p.problems, problemsOf(err, sheet, ir.num, columns)...)
	}
	fresh, err := cmd.Decide(today)
	if err != nil {
		bad(err, innovationColumns)
		return nil
	}
	recs, err := im.Service.Store.Load(ctx, domain.AggregateInnovation, id, 0)
	if err == nil && len(recs) == 0 && id != cmd.InnovationID() {
		id = cmd.InnovationID() // the one found by name is not in the store
		p.result.ID = id
		recs, err = im.Service.Store.Load(ctx, domain.AggregateInnovation, id, 0)
	}
	if err != nil {
		return err
	}
	in := fresh
	if len(recs) > 0 {
		history := make([]domain.Event, len(recs))
		for i, r := range recs {
			history[i] = r.Data
		}
		if in, err = domain.RebuildInnovation(id, history); err != nil {
			return err
		}
		if diff := differences(in.View(), fresh.View(), ir); diff != "" {
			p.result.Status, p.result.Detail = StatusChanged, diff
			return nil
		}
	} else {
		p.result.Status, p.result.Detail = StatusNew, "usulan"
		p.steps = append(p.steps, func(ctx context.Context) (domain.CommitResult, error) {
			res, _, err := im.Service.ProposeInnovation(ctx, cmd)
			return res, err
		})
	}
	var moves []string
	v := in.View()
	stage := func(on time.Time, have time.Time, what, column string, decide func(domain.StageCommand, *domain.Innovation) error,
		run func(context.Context, domain.StageCommand) (domain.CommitResult, error)) {
		if on.IsZero() || !have.IsZero() || len(p.problems) > 0 {
			return
		}
		sc := domain.StageCommand{CommandMeta: domain.CommandMeta{CommandID: uuid.NewSHA1(cmd.CommandID, []byte(what)), Actor: actor},
			InnovationID: id, On: on}
		if err := decide(sc, in); err != nil {
			bad(err, map[string]string{"on": column})
			return
		}
		moves = append(moves, what)
		p.steps = append(p.steps, func(ctx context.Context) (domain.CommitResult, error) { return run(ctx, sc) })
	}
	stage(ir.trial, v.TrialStartedOn, "uji coba", "Tanggal Uji Coba",
		func(sc domain.StageCommand, in *domain.Innovation) error { return sc.DecideTrial(in, today) }, im.Service.StartTrial)
	stage(ir.implemented, v.ImplementationStartedOn, "penerapan", "Tanggal Penerapan",
		func(sc domain.StageCommand, in *domain.Innovation) error { return sc.DecideImplementation(in, today) }, im.Service.StartImplementation)
	switch {
	case len(p.problems) > 0:
		p.steps = nil
	case p.result.Status == StatusNew:
		p.result.Detail = strings.Join(append([]string{"usulan"}, moves...), ", ")
	case len(moves) > 0:
		p.result.Status, p.result.Detail = StatusContinued, strings.Join(moves, ", ")
	default:
		p.result.Status = StatusUnchanged
	}
	return nil
}

// differences says how the recorded innovation differs from the row ("" if
// the row only adds later stages).
func differences(have, want domain.InnovationView, ir innovationRow) string {
	var out []string
	hd, wd := have.Details, want.Details
	field := func(col string, a, b any) {
		if a != b {
			out = append(out, fmt.Sprintf("%s: tercatat %v, di berkas %v", col, a, b))
		}
	}
	field("Perangkat Daerah", hd.Unit, wd.Unit)
	field("Inisiator", hd.Initiator, wd.Initiator)
	field("Bentuk Inovasi", hd.Form, wd.Form)
	field("Digital", yesNo(hd.Digital), yesNo(wd.Digital))
	field("Urusan Pemerintahan", hd.Affair, wd.Affair)
	field("Permasalahan", hd.Problem, wd.Problem)
	field("Solusi", hd.Solution, wd.Solution)
	field("Manfaat", hd.Benefit, wd.Benefit)
	field("Tanggal Inisiatif", day(have.ProposedOn), day(want.ProposedOn))
	stage := func(col string, recorded, row time.Time) {
		if !recorded.IsZero() && day(recorded) != day(row) {
			out = append(out, fmt.Sprintf("%s: tercatat %s, di berkas %s", col, day(recorded), orEmpty(day(row))))
		}
	}
	stage("Tanggal Uji Coba", have.TrialStartedOn, ir.trial)
	stage("Tanggal Penerapan", have.ImplementationStartedOn, ir.implemented)
	return strings.Join(out, "; ")
}

func yesNo(b bool) string {
	if b {
		return "Ya"
	}
	return "Tidak"
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func orEmpty(s string) string {
	if s == "" {
		return "(kosong)"
	}
	return s
}

var answerColumns = map[string]string{
	"region": "Kode Daerah", "indicator": "Indikator", "option": "Opsi", "evidence": "Dokumen",
	"evidence.document_ref": "Dokumen", "evidence.link": "Tautan", "evidence.note": "Catatan",
}

// planAnswers checks the SPD answers against the year's period and each
// region's assessment, deciding them in memory in row order (a region's
// answers then go in as one commit per row, in that order).
func (im *Importer) planAnswers(ctx context.Context, t *table, opts Options) ([]*plan, []Problem, error) {
	l, notes, err := layoutOf(t, &answerSheet)
	if err != nil {
		return nil, nil, err
	}
	recs, err := im.Service.Store.Load(ctx, domain.AggregatePeriod, domain.PeriodID(opts.Year), 0)
	if err != nil {
		return nil, nil, err
	}
	var (
		pd  *domain.Period
		cat *domain.Catalogue
	)
	if len(recs) > 0 {
		if pd, err = domain.RebuildPeriod(domain.PeriodID(opts.Year), eventsOf(recs)); err != nil {
			return nil, nil, err
		}
		if cat, err = pd.Catalogue(); err != nil {
			return nil, nil, err
		}
	}
	assessments := map[string]*domain.Assessment{}
	plans := make([]*plan, 0, len(t.rows))
	seen := map[string]int{}
	for i, r := range t.rows {
		ar := readAnswer(l, r, cat)
		p := &plan{result: RowResult{Sheet: t.sheet, Row: r.num, Subject: fmt.Sprintf("%s indikator %s", ar.region, ar.indicator)},
			problems: ar.problems, group: "spd " + ar.region}
		plans = append(plans, p)
		if pd == nil {
			p.problems = append(p.problems, Problem{Sheet: t.sheet, Row: r.num, Message: fmt.Sprintf("belum ada periode penilaian %d", opts.Year)})
		}
		key := ar.region + "\x00" + ar.indicator
		if first, dup := seen[key]; dup && len(p.problems) == 0 {
			p.problems = append(p.problems, Problem{Sheet: t.sheet, Row: r.num, Column: "Indikator",
				Message: fmt.Sprintf("indikator ini sudah dijawab di baris %d", first)})
		}
		seen[key] = r.num
		if len(p.problems) > 0 {
			continue
		}
		a, ok := assessments[ar.region]
		if !ok {
			id := domain.AssessmentID(opts.Year, ar.region)
			recs, err := im.Service.Store.Load(ctx, domain.AggregateAssessment, id, 0)
			if err != nil {
				return nil, nil, err
			}
			if a, err = domain.RebuildAssessment(opts.Year, ar.region, eventsOf(recs)); err != nil {
				p.problems = append(p.problems, problemsOf(err, t.sheet, r.num, answerColumns)...)
				continue
			}
			assessments[ar.region] = a
		}
		im.planAnswer(t.sheet, ar, opts, pd, a, p)
		if opts.Progress != nil {
			opts.Progress("periksa", i+1, len(t.rows))
		}
	}
	return plans, notes, nil
}

func (im *Importer) planAnswer(sheet string, ar answerRow, opts Options, pd *domain.Period, a *domain.Assessment, p *plan) {
	key := domain.AnswerKey{Indicator: ar.indicator}
	// The domain cleans evidence text; compare what it would record.
	probe := domain.SubmitAnswerCommand{CommandMeta: domain.CommandMeta{Actor: opts.Actor}, Year: opts.Year, Region: ar.region,
		Indicator: ar.indicator, Option: ar.option, Evidence: ar.evidence}
	prev, answered := a.Answer(key)
	if err := probe.Decide(pd, nil, a, nil); err != nil {
		p.problems = append(p.problems, problemsOf(err, sheet, ar.num, answerColumns)...)
		return
	}
	now, _ := a.Answer(key)
	switch {
	case answered && prev.Claimed == now.Claimed && prev.Evidence.Equal(now.Evidence):
		p.result.Status = StatusUnchanged
		return
	case answered:
		p.result.Status = StatusChanged
		p.result.Detail = fmt.Sprintf("Opsi: tercatat %d (%s), di berkas %d", prev.Claimed, statusLabel(prev.Status), ar.option)
		if prev.Claimed == ar.option {
			p.result.Detail = "bukti berbeda dari yang tercatat"
		}
		return
	}
	p.result.Status, p.result.Detail = StatusNew, fmt.Sprintf("jawaban opsi %d", ar.option)
	probe.CommandID = uuid.NewSHA1(namespace, []byte(fmt.Sprintf("spd\x00%d\x00%s\x00%s\x00%d\x00%s\x00%s\x00%s",
		opts.Year, ar.region, ar.indicator, ar.option, ar.evidence.DocumentRef, ar.evidence.Link, ar.evidence.Note)))
	p.steps = []step{func(ctx context.Context) (domain.CommitResult, error) { return im.Service.SubmitAnswer(ctx, probe) }}
}

func statusLabel(s domain.AnswerStatus) string {
	switch s {
	case domain.AnswerPending:
		return "menunggu verifikasi"
	case domain.AnswerAccepted:
		return "diterima"
	case domain.AnswerLowered:
		return "diturunkan"
	case domain.AnswerRejected:
		return "ditolak"
	}
	return string(s)
}

func eventsOf(recs []domain.RecordedEvent) []domain.Event {
	out := make([]domain.Event, len(recs))
	for i, r := range recs {
		out[i] = r.Data
	}
	return out
}

// problemsOf turns a refusal of the domain into Indonesian problems of a
// row, naming columns by the domain's field names.
func problemsOf(err error, sheet string, row int, columns map[string]string) []Problem {
	var de *domain.Error
	if !errors.As(err, &de) {
		return []Problem{{Sheet: sheet, Row: row, Message: "tidak dapat diperiksa: kesalahan tak terduga"}}
	}
	one := func(msg string) []Problem { return []Problem{{Sheet: sheet, Row: row, Message: msg}} }
	switch de.Code {
	case domain.CodeOutOfScope:
		return []Problem{{Sheet: sheet, Row: row, Column: "Kode Daerah", Message: "di luar wilayah Anda: Anda hanya dapat mengimpor untuk daerah Anda"}}
	case domain.CodeForbidden:
		return one("peran Anda tidak boleh menambahkan data ini")
	case domain.CodePhaseClosed:
		return one("periode penilaian tidak dalam tahap penjaringan: jawaban tidak dapat diubah")
	case domain.CodeIllegalTransition:
		return one("tahap tidak sesuai: " + de.Message)
	case domain.CodeInvalid:
	default:
		return one(string(de.Code) + ": " + de.Message)
	}
	var out []Problem
	for _, fp := range de.Problems {
		col := columns[fp.Field]
		msg := "tidak valid: " + fp.Message
		switch {
		case strings.Contains(fp.Message, "in the future"):
			msg = "tanggal tidak boleh setelah hari ini"
		case strings.Contains(fp.Message, "before") || strings.Contains(fp.Message, "after"):
			msg = "urutan tanggal tidak sesuai: " + fp.Message
		case strings.Contains(fp.Message, "characters") || strings.Contains(fp.Message, "long"):
			msg = "terlalu panjang: " + fp.Message
		}
		if col == "" {
			msg = fp.Field + " " + msg
		}
		out = append(out, Problem{Sheet: sheet, Row: row, Column: col, Message: msg})
	}
	if len(out) == 0 {
		return one("tidak valid: " + de.Message)
	}
	slices.SortStableFunc(out, func(a, b Problem) int { return strings.Compare(a.Column, b.Column) })
	return out
}
