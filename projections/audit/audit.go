package audit

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// Version is the version of the audit projection. 2: values held in
// changes (evidence, participants, schedules) carry the stored snake_case
// names, so checkpoints of version 1 are rebuilt. 3: the latest events are
// also kept per region (Recent by region). 4: every event is indexed in
// the log that audit pages are found in (log.go). 5: attendees by subject and
// unit, without their sealed fields or legacy names (issue 20). 6: the log
// keeps each entry's row (rows.go), so that pages read nothing from the
// store.
const Version = 6

// aggregateRef names one aggregate.
type aggregateRef struct {
	Type domain.AggregateType
	ID   string
}

// Trails answers "who did what, when": per entity, region or actor. It keeps
// only an index from regions and actors to the aggregates they touched, and
// reads the events themselves from the store when asked, so the history it
// shows is exactly what is stored. Safe for concurrent use.
type Trails struct {
	store domain.EventStore

	mu       sync.RWMutex
	byRegion map[string]map[aggregateRef]bool
	byActor  map[string]map[aggregateRef]bool
	recent   *window            // the latest events of every region
	recentBy map[string]*window // the latest events of each region; "" national
	log      *eventLog          // every event, for audit pages
	rows     *rowStore          // what each entry of log shows, for audit pages
	commits  *commitCache       // decoded commits pages read, across pages (its own lock)
	// last is what Apply indexed last: the events of a commit, and often
	// of a run of commits, share it, so they skip the map updates.
	last struct {
		ref           aggregateRef
		region, actor string
		valid         bool
	}
}

// NewTrails returns an empty audit projection reading events from store.
func NewTrails(store domain.EventStore) *Trails {
	return &Trails{store: store, byRegion: map[string]map[aggregateRef]bool{}, byActor: map[string]map[aggregateRef]bool{},
		recent: &window{}, recentBy: map[string]*window{}, log: newEventLog(), rows: &rowStore{}, commits: newCommitCache(CommitCacheBytes)}
}

func (a *Trails) Name() string { return "audit" }
func (a *Trails) Version() int { return Version }

// Apply indexes one event.
func (a *Trails) Apply(ev domain.RecordedEvent) error {
	ref := aggregateRef{ev.AggregateType, ev.AggregateID}
	region := EventRegion(ev.Data)
	a.mu.Lock()
	defer a.mu.Unlock()
	if l := &a.last; !l.valid || l.ref != ref || l.region != region || l.actor != ev.Actor.UserID {
		if region != "" {
			add(a.byRegion, region, ref)
		}
		add(a.byActor, ev.Actor.UserID, ref)
		l.ref, l.region, l.actor, l.valid = ref, region, ev.Actor.UserID, true
	}
	a.log.add(ev, region)
	if a.rows.add(ev) {
		go compressRows(&a.mu, a.rows)
	}
	a.recent.add(ev)
	w := a.recentBy[region]
	if w == nil {
		w = &window{}
		a.recentBy[region] = w
	}
	w.add(ev)
	return nil
}

func add(m map[string]map[aggregateRef]bool, k string, ref aggregateRef) {
	if m[k] == nil {
		m[k] = map[aggregateRef]bool{}
	}
	m[k][ref] = true
}

// EventRegion returns the region an event belongs to (its Region field), "" for
// national events.
func EventRegion(e domain.Event) string {
	v := reflect.ValueOf(e)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	i, ok := regionFields.Load(v.Type())
	if !ok {
		i = -1
		if f, found := v.Type().FieldByName("Region"); found && f.Type.Kind() == reflect.String && len(f.Index) == 1 {
			i = f.Index[0]
		}
		regionFields.Store(v.Type(), i)
	}
	if i.(int) < 0 {
		return ""
	}
	return v.Field(i.(int)).String()
}

// regionFields caches, per event type, the index of its Region field (-1:
// none). It only ever memoises facts about types.
var regionFields sync.Map

// Entry is one event in an audit trail.
type Entry struct {
	Position      uint64               `json:"position"`
	Index         int                  `json:"index"`
	EventID       uuid.UUID            `json:"event_id"`
	Type          string               `json:"type"`
	SchemaVersion int                  `json:"schema_version"`
	AggregateType domain.AggregateType `json:"aggregate_type"`
	AggregateID   string               `json:"aggregate_id"`
	Version       uint64               `json:"version"`
	Region        string               `json:"region,omitempty"`
	OccurredAt    time.Time            `json:"occurred_at"`
	RecordedAt    time.Time            `json:"recorded_at"`
	Actor         Actor                `json:"actor"`
	CommandID     uuid.UUID            `json:"command_id"`
	CorrelationID string               `json:"correlation_id,omitempty"`
	CausationID   string               `json:"causation_id,omitempty"`
	// Subject identifies the part of the aggregate the event is about (an
	// answer's indicator and innovation, an attendee), changed or not.
	Subject map[string]string `json:"subject,omitempty"`
	Changes []Change          `json:"changes,omitempty"`
	// Files names the evidence files an answer cites (History names them
	// as they were uploaded for the region).
	Files []File `json:"files,omitempty"`
}

// File is an evidence file an entry cites.
type File struct {
	SHA256 string `json:"sha256"`
	Name   string `json:"name,omitempty"`
	Pages  int    `json:"pages,omitempty"`
}

// Actor is an actor as the API shows it.
type Actor struct {
	User   string      `json:"user"`
	Role   domain.Role `json:"role"`
	Region string      `json:"region,omitempty"`
}

// Change is one field an event changed, with its value before (null
// when the entity had no value yet) and after.
type Change struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

func entry(ev domain.RecordedEvent, changes []Change) Entry {
	return Entry{Position: ev.Position, Index: ev.Index, EventID: ev.ID, Type: ev.Type, SchemaVersion: ev.SchemaVersion,
		AggregateType: ev.AggregateType, AggregateID: ev.AggregateID, Version: ev.Version, Region: EventRegion(ev.Data),
		OccurredAt: ev.OccurredAt, RecordedAt: ev.RecordedAt,
		Actor:     Actor{User: ev.Actor.UserID, Role: ev.Actor.Role, Region: ev.Actor.Region},
		CommandID: ev.CommandID, CorrelationID: ev.CorrelationID, CausationID: ev.CausationID, Changes: changes}
}

// History reads the trail from the store, oldest first, with the fields each
// event changed.
func (a *Trails) History(ctx context.Context, q Query) ([]Entry, error) {
	var refs []aggregateRef
	a.mu.RLock()
	switch {
	case q.EntityID != "":
		refs = []aggregateRef{{q.EntityType, q.EntityID}}
	case q.Region != "":
		refs = keysOf(a.byRegion[q.Region])
	case q.Actor != "":
		refs = keysOf(a.byActor[q.Actor])
	}
	a.mu.RUnlock()
	if len(refs) == 0 && q.EntityID == "" && q.Region == "" && q.Actor == "" {
		return nil, &domain.Error{Code: domain.CodeInvalid, Message: "say whose history to show",
			Problems: []domain.FieldProblem{{Field: "entity", Message: "give an entity (type/id), a region or an actor"}}}
	}
	var out []Entry
	for _, ref := range refs {
		evs, err := a.store.Load(ctx, ref.Type, ref.ID, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, Trail(evs, q)...)
		if q.EntityType == domain.AggregateInnovation && len(evs) > 0 {
			about, err := a.aboutInnovation(ctx, q, EventRegion(evs[0].Data))
			if err != nil {
				return nil, err
			}
			out = append(out, about...)
		}
	}
	SortEntries(out)
	if err := a.nameFiles(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// SortEntries puts entries of several trails in commit order.
func SortEntries(entries []Entry) {
	slices.SortFunc(entries, func(x, y Entry) int {
		return cmp.Or(cmp.Compare(x.Position, y.Position), cmp.Compare(x.Index, y.Index))
	})
}

// aboutInnovation is what the assessments of region recorded about the
// innovation q names: its answers, their verifications, its rejection. The
// trail of each assessment is computed whole, so before/after values are
// right, and then narrowed to the innovation.
func (a *Trails) aboutInnovation(ctx context.Context, q Query, region string) ([]Entry, error) {
	a.mu.RLock()
	var assessments []aggregateRef
	for ref := range a.byRegion[region] {
		if ref.Type == domain.AggregateAssessment {
			assessments = append(assessments, ref)
		}
	}
	a.mu.RUnlock()
	var out []Entry
	for _, ref := range assessments {
		evs, err := a.store.Load(ctx, ref.Type, ref.ID, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, AboutInnovation(evs, q)...)
	}
	return out, nil
}

// AboutInnovation is the trail of one assessment's events (all of them, in
// commit order) narrowed to the entries about the innovation q names.
func AboutInnovation(assessment []domain.RecordedEvent, q Query) []Entry {
	var out []Entry
	for _, e := range Trail(assessment, Query{AsOf: q.AsOf, Types: q.Types, From: q.From, To: q.To, EventID: q.EventID}) {
		if e.Subject["innovation_id"] == q.EntityID {
			out = append(out, e)
		}
	}
	return out
}

func keysOf(m map[aggregateRef]bool) []aggregateRef {
	out := make([]aggregateRef, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Trail turns events (in commit order, of one or many aggregates) into
// entries with before/after values, keeping those q selects.
func Trail(evs []domain.RecordedEvent, q Query) []Entry {
	var tr Trailer
	var out []Entry
	for _, ev := range evs {
		e := tr.Entry(ev)
		if Keep(ev, q) {
			out = append(out, e)
		}
	}
	return out
}

// Trailer computes audit entries one event at a time, remembering the last
// value of every field per scope: an answer's fields are compared with the
// previous submission of the same answer, an attendee's with nothing, and
// everything else with the aggregate's earlier events. Feed it every event of
// the aggregates you report on, in commit order. The zero value is ready.
type Trailer struct {
	last map[string]map[string]any
}

// Entry returns ev as an audit entry with the fields it changed.
func (t *Trailer) Entry(ev domain.RecordedEvent) Entry {
	if t.last == nil {
		t.last = map[string]map[string]any{}
	}
	part, subject := changeSubject(ev.Data)
	scope := string(ev.AggregateType) + "/" + ev.AggregateID + "/" + part
	before := t.last[scope]
	if before == nil {
		before = map[string]any{}
		t.last[scope] = before
	}
	fields := eventFields(ev.Data)
	var changes []Change
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		after := fields[name]
		prev, had := before[name]
		if had && jsonEqual(prev, after) {
			continue
		}
		var b any
		if had {
			b = prev
		}
		changes = append(changes, Change{Field: name, Before: b, After: after})
		before[name] = after
	}
	e := entry(ev, changes)
	e.Subject = subject
	if a, ok := ev.Data.(domain.AnswerSubmitted); ok {
		for _, h := range a.Evidence.Files {
			e.Files = append(e.Files, File{SHA256: h})
		}
	}
	return e
}

// nameFiles names the files the entries cite, from each region's
// evidence.uploaded (loaded once per file and region).
func (a *Trails) nameFiles(ctx context.Context, entries []Entry) error {
	known := map[string]File{}
	for i := range entries {
		for j, f := range entries[i].Files {
			id := domain.EvidenceFileID(entries[i].Region, f.SHA256)
			named, ok := known[id]
			if !ok {
				evs, err := a.store.Load(ctx, domain.AggregateEvidence, id, 0)
				if err != nil && !domain.IsCode(err, domain.CodeInvalid) {
					return err
				}
				named = f
				for _, ev := range evs {
					if up, ok := ev.Data.(domain.EvidenceUploaded); ok {
						named.Name, named.Pages = up.Name, up.Pages
						break
					}
				}
				known[id] = named
			}
			entries[i].Files[j] = named
		}
	}
	return nil
}

// changeSubject names the part of an aggregate an event is about, when it
// is not the whole aggregate: the scope its changes are compared within (so
// before/after compares like with like), and
// the fields that identify it (shown with every entry, changed or not, so
// that a verification says which answer it verified).
func changeSubject(e domain.Event) (string, map[string]string) {
	part, _ := changeScope(e)
	switch e := e.(type) {
	case domain.AnswerSubmitted:
		return part, answerSubject(e.InnovationID, e.Indicator)
	case domain.AnswerVerified:
		return part, answerSubject(e.InnovationID, e.Indicator)
	case domain.BimtekAttendanceRecorded:
		// Auditors see the subject and the unit, never a name.
		return part, map[string]string{"subject": e.Attendee.Subject, "unit": e.Attendee.Unit}
	case domain.PersonErased:
		return part, map[string]string{"subject": e.Subject}
	case domain.InnovationRejected:
		return part, map[string]string{"innovation_id": e.InnovationID}
	default:
		return part, nil
	}
}

// changeScope is changeSubject's part, and the innovation the event is
// about when it belongs to an assessment ("" otherwise), without building
// the subject.
func changeScope(e domain.Event) (part, innovation string) {
	switch e := e.(type) {
	case domain.AnswerSubmitted:
		return answerScope(e.InnovationID, e.Indicator), e.InnovationID
	case domain.AnswerVerified:
		return answerScope(e.InnovationID, e.Indicator), e.InnovationID
	case domain.BimtekAttendanceRecorded:
		return "attendee/" + e.Attendee.Subject + "/" + e.Attendee.Unit, ""
	case domain.InnovationRejected:
		return "rejection/" + e.InnovationID, e.InnovationID
	// Each stage has its own date: the implementation's start is not a
	// change of the trial's.
	case domain.InnovationTrialStarted:
		return "stage/domain.InnovationTrialStarted", ""
	case domain.InnovationImplementationStarted:
		return "stage/domain.InnovationImplementationStarted", ""
	case domain.InnovationWithdrawn:
		return "stage/domain.InnovationWithdrawn", ""
	default:
		return "aggregate", ""
	}
}

func answerSubject(innovationID, indicator string) map[string]string {
	if innovationID == "" {
		return map[string]string{"indicator": indicator}
	}
	return map[string]string{"indicator": indicator, "innovation_id": innovationID}
}

// eventFields lists an event's top-level fields as JSON-ready values, by
// their stored names (the events' JSON tags).
func eventFields(e domain.Event) map[string]any {
	out := map[string]any{}
	v := reflect.ValueOf(e)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return out
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			name = snake(f.Name)
		}
		out[name] = v.Field(i).Interface()
	}
	if a, ok := e.(domain.BimtekAttendanceRecorded); ok {
		// Personal fields are sealed (or, before issue 20, a plain name):
		// the trail shows who by subject only (docs/PRIVACY.md).
		out["attendee"] = map[string]string{"subject": a.Attendee.Subject, "unit": a.Attendee.Unit,
			"role": a.Attendee.Role, "region": a.Attendee.Region}
	}
	return out
}

func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// snake turns a Go field name into the API's snake_case: InnovationID ->
// innovation_id, ProposedOn -> proposed_on.
func snake(name string) string {
	var b strings.Builder
	runes := []rune(name)
	for i, r := range runes {
		upper := unicode.IsUpper(r)
		if upper && i > 0 && (unicode.IsLower(runes[i-1]) || (i+1 < len(runes) && unicode.IsLower(runes[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// answerScope names one answer of an assessment: an SPD indicator or an
// innovation's SID indicator.
func answerScope(innovationID, indicator string) string {
	if innovationID == "" {
		return "answer/spd/" + indicator
	}
	return "answer/" + innovationID + "/" + indicator
}

// LastPosition is the position of the last event applied on the aggregate
// (or, for an innovation, about it); 0 when there is none.
func (a *Trails) LastPosition(typ domain.AggregateType, id string) uint64 {
	a.mu.RLock()
	defer a.mu.RUnlock()
	l := a.log
	i, ok := l.aggIdx[aggregateRef{Type: typ, ID: id}]
	if !ok || i == 0 || int(i) > len(l.byAgg) {
		return 0
	}
	list := l.byAgg[i-1]
	if len(list) == 0 {
		return 0
	}
	return l.entries[list[len(list)-1]].position
}

// AggregatesOf calls fn for each aggregate with an event that names region,
// in no particular order (a snapshot of the set: fn may call the store).
func (a *Trails) AggregatesOf(region string, fn func(typ domain.AggregateType, id string)) {
	a.mu.RLock()
	refs := make([]aggregateRef, 0, len(a.byRegion[region]))
	for ref := range a.byRegion[region] {
		refs = append(refs, ref)
	}
	a.mu.RUnlock()
	for _, ref := range refs {
		fn(ref.Type, ref.ID)
	}
}
