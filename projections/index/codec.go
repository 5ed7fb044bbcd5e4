package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// The index state's serialised form, used by checkpoints, snapshots and the
// state hash. JSON was the first form; at national scale (two million events,
// 800,000 answers) it grew to 580 MB and took longer to write and parse than
// the whole export it served. This form is a compact binary one:
//
//   - deterministic: maps are written in key order, so equal states give
//     equal bytes;
//   - numbers are varints, event ids their 16 bytes, times seconds, nanos and
//     zone offset;
//   - identifier-like strings (codes, ids, actors, units, enums) are
//     interned: the first occurrence is written out, later ones by number,
//     so the restored state also shares one copy of each;
//   - nil and empty slices and maps stay distinct;
//   - every aggregate's entry ends with its aggregate version (format 2);
//   - answers cite evidence files and links, and the evidence files follow
//     the assessments (format 3);
//   - the score history follows (format 4);
//   - attendees are sealed: subject, ciphertexts, legacy name (format 5);
//   - an innovation's entry holds when its region made it public (format 6);
//   - the ranking figures follow the history (format 7).
//
// The readable form is still JSON: Index.StateJSON.

// indexCodecMagic starts every encoded index state; the trailing byte is the
// format version.
const indexCodecMagic = "JEJAK-INDEX\x07"

// stateWriter appends the encoding to buf.
type stateWriter struct {
	buf  []byte
	syms map[string]uint64 // interned string -> its reference (index + 2)
}

func (w *stateWriter) uint(v uint64) { w.buf = binary.AppendUvarint(w.buf, v) }
func (w *stateWriter) int(v int64)   { w.buf = binary.AppendVarint(w.buf, v) }

func (w *stateWriter) bool(v bool) {
	if v {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

// text writes a string as it is.
func (w *stateWriter) text(s string) {
	w.uint(uint64(len(s)))
	w.buf = append(w.buf, s...)
}

// sym writes an interned string: 0 for "", 1 and the string the first time,
// its reference after that.
func (w *stateWriter) sym(s string) {
	if s == "" {
		w.uint(0)
		return
	}
	if ref, ok := w.syms[s]; ok {
		w.uint(ref)
		return
	}
	w.syms[s] = uint64(len(w.syms)) + 2
	w.uint(1)
	w.text(s)
}

// Time flags: a zero time is written as 0.
const (
	timeSet    = 1 << iota
	timeNanos  // nanoseconds follow the seconds
	timeOffset // a zone offset (seconds east of UTC) follows
)

func (w *stateWriter) time(t time.Time) {
	if t.IsZero() {
		w.uint(0)
		return
	}
	_, offset := t.Zone()
	flags := uint64(timeSet)
	if t.Nanosecond() != 0 {
		flags |= timeNanos
	}
	if offset != 0 {
		flags |= timeOffset
	}
	w.uint(flags)
	w.int(t.Unix())
	if flags&timeNanos != 0 {
		w.uint(uint64(t.Nanosecond()))
	}
	if flags&timeOffset != 0 {
		w.int(int64(offset))
	}
}

// id writes an optional event id: 0, or 1 and its 16 bytes.
func (w *stateWriter) id(u uuid.UUID) {
	if u == uuid.Nil {
		w.buf = append(w.buf, 0)
		return
	}
	w.buf = append(w.buf, 1)
	w.buf = append(w.buf, u[:]...)
}

// count writes a slice or map length: 0 for nil, n+1 otherwise.
func (w *stateWriter) count(n int, isNil bool) {
	if isNil {
		w.uint(0)
		return
	}
	w.uint(uint64(n) + 1)
}

func (w *stateWriter) ids(list []uuid.UUID) {
	w.count(len(list), list == nil)
	for _, u := range list {
		w.buf = append(w.buf, u[:]...)
	}
}

func (w *stateWriter) symList(list []string) {
	w.count(len(list), list == nil)
	for _, s := range list {
		w.sym(s)
	}
}

func (w *stateWriter) facts(list []domain.DatedFact) {
	w.count(len(list), list == nil)
	for _, f := range list {
		w.sym(f.Ref)
		w.time(f.Date)
		w.ids(f.EventIDs)
	}
}

var errNilEntry = errors.New("index state holds a nil entry")

// encodeIndexState serialises st. sizeHint preallocates the buffer.
func encodeIndexState(st *indexState, sizeHint int) ([]byte, error) {
	w := &stateWriter{buf: make([]byte, 0, max(sizeHint, 4096)), syms: map[string]uint64{}}
	w.buf = append(w.buf, indexCodecMagic...)
	w.uint(st.Events)

	w.count(len(st.Periods), st.Periods == nil)
	for _, year := range sortedKeys(st.Periods) {
		p := st.Periods[year]
		if p == nil {
			return nil, errNilEntry
		}
		w.int(int64(year))
		if err := w.period(p); err != nil {
			return nil, err
		}
	}
	for _, write := range []func() error{
		func() error { return writeMap(w, st.Regions, w.region) },
		func() error { return writeMap(w, st.Innovations, w.innovation) },
		func() error { return writeMap(w, st.Sessions, w.session) },
		func() error { return writeMap(w, st.Assessments, w.assessment) },
		func() error { return writeMap(w, st.Evidence, w.evidence) },
	} {
		if err := write(); err != nil {
			return nil, err
		}
	}
	w.history(st.History)
	w.figures(st.Figures)
	return w.buf, nil
}

// figures writes the ranking figures (format 7); positions as the distance
// from the step before.
func (w *stateWriter) figures(f map[string][]figureStep) {
	w.count(len(f), f == nil)
	for _, k := range sortedKeys(f) {
		w.sym(k)
		steps := f[k]
		w.count(len(steps), steps == nil)
		var at uint64
		for _, s := range steps {
			w.uint(s.Position - at)
			at = s.Position
			w.int(s.LastSubmitted)
			w.int(int64(s.SPD))
			w.int(int64(s.SPDProvisional))
			w.int(int64(s.Sum))
			w.int(int64(s.SumProvisional))
			w.uint(uint64(s.Counted))
		}
	}
}

func (r *stateReader) figures() map[string][]figureStep {
	n, isNil := r.count(2)
	if isNil {
		return nil
	}
	f := make(map[string][]figureStep, n)
	for range n {
		k := r.sym()
		m, isNil := r.count(7) // the smallest step
		var steps []figureStep
		if !isNil {
			steps = make([]figureStep, m)
			var at uint64
			for i := range steps {
				at += r.uint()
				steps[i] = figureStep{Position: at, LastSubmitted: r.int(), SPD: domain.Milli(r.int()),
					SPDProvisional: domain.Milli(r.int()), Sum: domain.Milli(r.int()), SumProvisional: domain.Milli(r.int()),
					Counted: int(r.uint())}
			}
		}
		if r.err != nil {
			return nil
		}
		f[k] = steps
	}
	return f
}

// history writes the score history (format 4).
func (w *stateWriter) history(h scoreHistory) {
	w.count(len(h.steps), h.steps == nil)
	for _, k := range sortedKeys(h.steps) {
		w.sym(k)
		steps := h.steps[k]
		w.count(len(steps), steps == nil)
		for _, s := range steps {
			w.uint(s.Position)
			w.time(s.At.time())
			w.id(s.EventID)
			w.sym(h.str(s.Type))
			w.sym(h.str(s.Actor))
			w.sym(h.str(s.Role))
			w.sym(h.str(s.Indicator))
			w.sym(h.str(s.InnovationID))
			w.uint(uint64(s.Events))
			w.int(int64(s.Verified))
			w.int(int64(s.Provisional))
		}
	}
}

func (r *stateReader) history() scoreHistory {
	n, isNil := r.count(2)
	if isNil {
		return scoreHistory{}
	}
	h := newScoreHistory()
	h.steps = make(map[string][]scoreStep, n)
	for range n {
		k := r.sym()
		m, isNil := r.count(11) // the smallest step
		var steps []scoreStep
		if !isNil {
			steps = make([]scoreStep, m)
			for i := range steps {
				steps[i] = scoreStep{Position: r.uint(), At: stampOf(r.time()), EventID: r.id(), Type: h.ref(r.sym()),
					Actor: h.ref(r.sym()), Role: h.ref(r.sym()), Indicator: h.ref(r.sym()), InnovationID: h.ref(r.sym()),
					Events: int32(r.uint()), Verified: domain.Hundredths(r.int()), Provisional: domain.Hundredths(r.int())}
			}
		}
		if r.err != nil {
			return scoreHistory{}
		}
		h.steps[k] = steps
	}
	return h
}

func (w *stateWriter) period(p *periodState) error {
	w.int(int64(p.Year))
	w.sym(p.CatalogueVersion)
	w.sym(string(p.Phase))
	w.count(len(p.Schedule), p.Schedule == nil)
	for _, s := range p.Schedule {
		w.sym(string(s.Phase))
		w.time(s.Start)
		w.time(s.End)
	}
	w.time(p.OpenedAt)
	w.uint(p.FrozenAt)
	err := writeMap(w, p.Results, func(r *frozenResult) error {
		w.int(int64(r.SPD))
		w.text(r.SID)
		w.text(r.Total)
		w.int(int64(r.IID))
		w.sym(r.Predicate)
		w.int(int64(r.ProvisionalIID))
		w.symList(r.Counted)
		return nil
	})
	w.uint(p.Version)
	return err
}

// writeMap writes a string-keyed map in key order: its count, then each key
// (interned) and entry.
func writeMap[V any](w *stateWriter, m map[string]*V, entry func(*V) error) error {
	w.count(len(m), m == nil)
	for _, k := range sortedKeys(m) {
		v := m[k]
		if v == nil {
			return fmt.Errorf("%s: %w", k, errNilEntry)
		}
		w.sym(k)
		if err := entry(v); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

func (w *stateWriter) region(r *regionState) error {
	w.bool(r.Perbatasan)
	w.text(r.OfficeName)
	w.sym(string(r.OfficeKind))
	w.uint(r.Version)
	return nil
}

func (w *stateWriter) innovation(inn *innovationState) error {
	w.sym(inn.ID)
	w.sym(inn.Region)
	w.text(inn.Name)
	w.sym(inn.Unit)
	w.sym(string(inn.Initiator))
	w.sym(string(inn.Form))
	w.bool(inn.Digital)
	w.sym(string(inn.Affair))
	w.sym(string(inn.Stage))
	w.time(inn.ProposedOn)
	w.time(inn.TrialStartedOn)
	w.time(inn.ImplementationStartedOn)
	w.time(inn.WithdrawnOn)
	w.text(inn.WithdrawReason)
	w.id(inn.ProposedEventID)
	w.id(inn.TrialEventID)
	w.sym(inn.OriginInnovationID)
	w.sym(inn.OriginRegion)
	w.facts(inn.Replications)
	w.time(inn.MadePublicAt)
	w.count(len(inn.Timeline), inn.Timeline == nil)
	for _, e := range inn.Timeline {
		w.sym(string(e.Stage))
		w.time(e.On)
		w.id(e.EventID)
		w.sym(e.Actor)
	}
	w.uint(inn.Version)
	return nil
}

func (w *stateWriter) session(s *sessionState) error {
	w.sym(s.ID)
	w.sym(s.Region)
	w.text(s.Title)
	w.sym(string(s.Kind))
	w.time(s.Date)
	w.text(s.Venue)
	w.sym(s.Organiser)
	w.sym(string(s.Mode))
	w.symList(s.Speakers)
	w.count(len(s.Attendees), s.Attendees == nil)
	for _, a := range s.Attendees {
		w.sym(a.Subject)
		w.text(string(a.Name))
		w.text(string(a.NIP))
		w.text(string(a.Position))
		w.text(string(a.Contact))
		w.text(a.LegacyName)
		w.sym(a.Unit)
		w.sym(a.Role)
		w.sym(a.Region)
		w.id(a.EventID)
	}
	w.bool(s.Closed)
	w.sym(s.ScheduledBy)
	w.uint(s.Version)
	return nil
}

// assessment writes the answers without their map keys, which are
// answerKey(innovation, indicator) of each answer and are rebuilt on
// restore; a key that is not is an error rather than a silent change.
func (w *stateWriter) assessment(a *assessmentState) error {
	w.int(int64(a.Year))
	w.sym(a.Region)
	w.count(len(a.Answers), a.Answers == nil)
	for _, k := range sortedKeys(a.Answers) {
		ans := a.Answers[k]
		if ans == nil {
			return errNilEntry
		}
		if !isAnswerKey(k, ans.InnovationID, ans.Indicator) {
			return fmt.Errorf("answer key %q is not that of innovation %q, indicator %q", k, ans.InnovationID, ans.Indicator)
		}
		w.sym(ans.Indicator)
		w.sym(ans.InnovationID)
		w.sym(ans.Unit)
		w.int(int64(ans.Revision))
		w.int(int64(ans.Claimed))
		w.sym(string(ans.Status))
		w.int(int64(ans.Verified))
		w.text(ans.Evidence.DocumentRef)
		w.text(ans.Evidence.Link)
		w.sym(ans.Evidence.Note)
		w.symList(ans.Evidence.Files)
		w.texts(ans.Evidence.Links)
		w.sym(ans.SubmittedBy)
		w.time(ans.SubmittedAt)
		w.sym(ans.Reason)
		w.sym(ans.VerifiedBy)
		w.time(ans.VerifiedAt)
		w.ids(ans.EventIDs)
	}
	w.count(len(a.Rejected), a.Rejected == nil)
	for _, id := range sortedKeys(a.Rejected) {
		w.sym(id)
		w.sym(a.Rejected[id])
	}
	w.time(a.FirstSubmitted)
	w.time(a.LastSubmitted)
	w.uint(a.Version)
	return nil
}

func (w *stateWriter) texts(list []string) {
	w.count(len(list), list == nil)
	for _, s := range list {
		w.text(s)
	}
}

func (w *stateWriter) evidence(e *evidenceState) error {
	w.sym(e.SHA256)
	w.int(e.Size)
	w.sym(e.MediaType)
	w.int(int64(e.Pages))
	w.count(len(e.Uploads), e.Uploads == nil)
	for _, u := range e.Uploads {
		w.sym(u.Region)
		w.text(u.Name)
		w.sym(u.UploadedBy)
		w.time(u.UploadedAt)
		w.id(u.EventID)
		w.uint(u.Version)
	}
	return nil
}

func (r *stateReader) evidence() *evidenceState {
	e := &evidenceState{SHA256: r.sym(), Size: r.int(), MediaType: r.sym(), Pages: r.small()}
	if n, isNil := r.count(6); !isNil {
		e.Uploads = make([]evidenceUpload, n)
		for i := range e.Uploads {
			e.Uploads[i] = evidenceUpload{Region: r.sym(), Name: r.text(), UploadedBy: r.sym(), UploadedAt: r.time(),
				EventID: r.id(), Version: r.uint()}
		}
	}
	return e
}

func (r *stateReader) texts() []string {
	n, isNil := r.count(1)
	if isNil {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.text()
	}
	return out
}

// isAnswerKey reports whether k == answerKey(innovation, indicator) without
// building the key.
func isAnswerKey(k, innovation, indicator string) bool {
	prefix := innovation
	if prefix == "" {
		prefix = "spd"
	}
	return len(k) == len(prefix)+1+len(indicator) && strings.HasPrefix(k, prefix) &&
		k[len(prefix)] == '/' && strings.HasSuffix(k, indicator)
}

// stateReader decodes; the first problem sticks in err and ends reading.
type stateReader struct {
	buf  []byte
	off  int
	syms []string
	err  error
}

func (r *stateReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("index state, byte %d: %s", r.off, fmt.Sprintf(format, args...))
	}
	r.off = len(r.buf)
}

func (r *stateReader) uint() uint64 {
	v, n := binary.Uvarint(r.buf[r.off:])
	if n <= 0 {
		r.fail("truncated or malformed number")
		return 0
	}
	r.off += n
	return v
}

func (r *stateReader) int() int64 {
	v, n := binary.Varint(r.buf[r.off:])
	if n <= 0 {
		r.fail("truncated or malformed number")
		return 0
	}
	r.off += n
	return v
}

func (r *stateReader) small() int {
	v := r.int()
	if v != int64(int(v)) {
		r.fail("number %d out of range", v)
		return 0
	}
	return int(v)
}

func (r *stateReader) octet() byte {
	if r.off >= len(r.buf) {
		r.fail("truncated")
		return 0
	}
	b := r.buf[r.off]
	r.off++
	return b
}

func (r *stateReader) bool() bool {
	switch r.octet() {
	case 0:
		return false
	case 1:
		return true
	}
	r.fail("malformed boolean")
	return false
}

func (r *stateReader) text() string {
	n := r.uint()
	if n > uint64(len(r.buf)-r.off) {
		r.fail("string of %d bytes past the end", n)
		return ""
	}
	s := string(r.buf[r.off : r.off+int(n)])
	r.off += int(n)
	return s
}

func (r *stateReader) sym() string {
	switch ref := r.uint(); ref {
	case 0:
		return ""
	case 1:
		s := r.text()
		r.syms = append(r.syms, s)
		return s
	default:
		if ref-2 >= uint64(len(r.syms)) {
			r.fail("unknown string reference %d", ref)
			return ""
		}
		return r.syms[ref-2]
	}
}

func (r *stateReader) time() time.Time {
	flags := r.uint()
	if flags == 0 {
		return time.Time{}
	}
	if flags&timeSet == 0 || flags > timeSet|timeNanos|timeOffset {
		r.fail("malformed time")
		return time.Time{}
	}
	sec := r.int()
	var nsec, offset int64
	if flags&timeNanos != 0 {
		nsec = int64(r.uint())
	}
	if flags&timeOffset != 0 {
		offset = r.int()
	}
	t := time.Unix(sec, nsec)
	if offset == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", int(offset)))
}

func (r *stateReader) id() uuid.UUID {
	if r.octet() == 0 {
		return uuid.Nil
	}
	return r.rawID()
}

func (r *stateReader) rawID() uuid.UUID {
	var u uuid.UUID
	if len(r.buf)-r.off < len(u) {
		r.fail("truncated event id")
		return u
	}
	copy(u[:], r.buf[r.off:])
	r.off += len(u)
	return u
}

// count reads a length written by stateWriter.count; each element takes at
// least minSize bytes, which bounds what a corrupt length can allocate.
func (r *stateReader) count(minSize int) (n int, isNil bool) {
	c := r.uint()
	if c == 0 {
		return 0, true
	}
	if c-1 > uint64(len(r.buf)-r.off)/uint64(minSize) {
		r.fail("count %d past the end", c-1)
		return 0, false
	}
	return int(c - 1), false
}

func (r *stateReader) ids() []uuid.UUID {
	n, isNil := r.count(16)
	if isNil {
		return nil
	}
	out := make([]uuid.UUID, n)
	for i := range out {
		out[i] = r.rawID()
	}
	return out
}

func (r *stateReader) symList() []string {
	n, isNil := r.count(1)
	if isNil {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.sym()
	}
	return out
}

func (r *stateReader) facts() []domain.DatedFact {
	n, isNil := r.count(3)
	if isNil {
		return nil
	}
	out := make([]domain.DatedFact, n)
	for i := range out {
		out[i] = domain.DatedFact{Ref: r.sym(), Date: r.time(), EventIDs: r.ids()}
	}
	return out
}

// decodeIndexState parses what encodeIndexState wrote.
func decodeIndexState(data []byte) (*indexState, error) {
	if !bytes.HasPrefix(data, []byte(indexCodecMagic)) {
		return nil, errors.New("not an index state of this Jejak (unknown format)")
	}
	r := &stateReader{buf: data, off: len(indexCodecMagic)}
	st := &indexState{Events: r.uint()}

	if n, isNil := r.count(2); !isNil {
		st.Periods = make(map[int]*periodState, n)
		for range n {
			year := r.small()
			st.Periods[year] = r.period()
		}
	}
	st.Regions = readMap(r, 5, func() *regionState {
		return &regionState{Perbatasan: r.bool(), OfficeName: r.text(), OfficeKind: domain.OfficeKind(r.sym()), Version: r.uint()}
	})
	st.Innovations = readMap(r, 22, r.innovation)
	st.Sessions = readMap(r, 13, r.session)
	st.Assessments = readMap(r, 7, r.assessment)
	st.Evidence = readMap(r, 5, r.evidence)
	st.History = r.history()
	st.Figures = r.figures()
	if r.err == nil && r.off != len(r.buf) {
		r.fail("%d bytes after the end", len(r.buf)-r.off)
	}
	if r.err != nil {
		return nil, r.err
	}
	return st, nil
}

func (r *stateReader) period() *periodState {
	p := &periodState{Year: r.small(), CatalogueVersion: r.sym(), Phase: domain.Phase(r.sym())}
	if n, isNil := r.count(3); !isNil {
		p.Schedule = make([]domain.PhaseWindow, n)
		for i := range p.Schedule {
			p.Schedule[i] = domain.PhaseWindow{Phase: domain.Phase(r.sym()), Start: r.time(), End: r.time()}
		}
	}
	p.OpenedAt = r.time()
	p.FrozenAt = r.uint()
	p.Results = readMap(r, 8, func() *frozenResult {
		return &frozenResult{SPD: domain.Milli(r.int()), SID: r.text(), Total: r.text(),
			IID: domain.Hundredths(r.int()), Predicate: r.sym(), ProvisionalIID: domain.Hundredths(r.int()), Counted: r.symList()}
	})
	p.Version = r.uint()
	return p
}

// readMap reads what writeMap wrote; each key and entry take at least
// minSize bytes.
func readMap[V any](r *stateReader, minSize int, entry func() *V) map[string]*V {
	n, isNil := r.count(minSize)
	if isNil {
		return nil
	}
	m := make(map[string]*V, n)
	for range n {
		k := r.sym()
		m[k] = entry()
	}
	return m
}

func (r *stateReader) innovation() *innovationState {
	inn := &innovationState{ID: r.sym(), Region: r.sym(), Name: r.text(), Unit: r.sym(),
		Initiator: domain.Initiator(r.sym()), Form: domain.Form(r.sym()), Digital: r.bool(), Affair: domain.Affair(r.sym()),
		Stage: domain.Stage(r.sym()), ProposedOn: r.time(), TrialStartedOn: r.time(), ImplementationStartedOn: r.time(),
		WithdrawnOn: r.time(), WithdrawReason: r.text(), ProposedEventID: r.id(), TrialEventID: r.id(),
		OriginInnovationID: r.sym(), OriginRegion: r.sym(), Replications: r.facts(), MadePublicAt: r.time()}
	if n, isNil := r.count(4); !isNil {
		inn.Timeline = make([]stageEvent, n)
		for i := range inn.Timeline {
			inn.Timeline[i] = stageEvent{Stage: domain.Stage(r.sym()), On: r.time(), EventID: r.id(), Actor: r.sym()}
		}
	}
	inn.Version = r.uint()
	return inn
}

func (r *stateReader) session() *sessionState {
	s := &sessionState{ID: r.sym(), Region: r.sym(), Title: r.text(), Kind: domain.SessionKind(r.sym()), Date: r.time(),
		Venue: r.text(), Organiser: r.sym(), Mode: domain.SessionMode(r.sym()), Speakers: r.symList()}
	if n, isNil := r.count(5); !isNil {
		s.Attendees = make([]attendeeState, n)
		for i := range s.Attendees {
			s.Attendees[i] = attendeeState{Subject: r.sym(), Name: domain.Sealed(r.text()), NIP: domain.Sealed(r.text()),
				Position: domain.Sealed(r.text()), Contact: domain.Sealed(r.text()), LegacyName: r.text(),
				Unit: r.sym(), Role: r.sym(), Region: r.sym(), EventID: r.id()}
			s.Attendees[i].unit = normUnit(s.Attendees[i].Unit)
		}
	}
	s.Closed = r.bool()
	s.ScheduledBy = r.sym()
	s.Version = r.uint()
	return s
}

func (r *stateReader) assessment() *assessmentState {
	a := &assessmentState{Year: r.small(), Region: r.sym()}
	if n, isNil := r.count(16); !isNil {
		a.Answers = make(map[string]*answerState, n)
		for range n {
			ans := &answerState{Indicator: r.sym(), InnovationID: r.sym(), Unit: r.sym(), Revision: r.small(),
				Claimed: r.small(), Status: domain.AnswerStatus(r.sym()), Verified: r.small(),
				Evidence:    domain.Evidence{DocumentRef: r.text(), Link: r.text(), Note: r.sym(), Files: r.symList(), Links: r.texts()},
				SubmittedBy: r.sym(), SubmittedAt: r.time(), Reason: r.sym(), VerifiedBy: r.sym(), VerifiedAt: r.time(),
				EventIDs: r.ids()}
			if r.err != nil {
				break
			}
			a.Answers[answerKey(ans.InnovationID, ans.Indicator)] = ans
		}
	}
	if n, isNil := r.count(2); !isNil {
		a.Rejected = make(map[string]string, n)
		for range n {
			id := r.sym()
			a.Rejected[id] = r.sym()
		}
	}
	a.FirstSubmitted = r.time()
	a.LastSubmitted = r.time()
	a.Version = r.uint()
	return a
}
