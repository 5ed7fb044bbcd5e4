package audit

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/jejak-id/jejak/domain"
)

// LogQuery selects a page of the audit log: every event, narrowed by the
// filters that are set, newest first unless Ascending.
type LogQuery struct {
	Types      []string
	Actor      string
	EntityType domain.AggregateType
	EntityID   string // with EntityType: the aggregate (an innovation's also holds what assessments recorded about it)
	Region     string
	From, To   time.Time // occurred-at bounds, inclusive; zero = open
	// Search keeps events whose type, actor, aggregate ("type/id"), region
	// code or region name holds it (case-insensitive).
	Search    string
	AsOf      uint64 // only events at or before this position; 0 = all
	Ascending bool
	// After is where the previous page ended (zero: the start); Offset
	// skips that many more events (it costs the events it skips).
	After  LogCursor
	Offset int
	Limit  int
}

// LogCursor is an event's place in the log: its commit position and its
// index in the commit.
type LogCursor struct {
	Position uint64
	Index    int
}

// IsZero reports whether c is the start.
func (c LogCursor) IsZero() bool { return c == LogCursor{} }

// String is c as the API shows it: "position.index" ("" for the start).
func (c LogCursor) String() string {
	if c.IsZero() {
		return ""
	}
	return strconv.FormatUint(c.Position, 10) + "." + strconv.Itoa(c.Index)
}

// ParseLogCursor reads a cursor String made ("" is the start): CodeInvalid
// naming "cursor" otherwise.
func ParseLogCursor(s string) (LogCursor, error) {
	if s == "" {
		return LogCursor{}, nil
	}
	p, i, ok := strings.Cut(s, ".")
	pos, err1 := strconv.ParseUint(p, 10, 64)
	idx, err2 := strconv.Atoi(i)
	if !ok || err1 != nil || err2 != nil || pos == 0 || idx < 0 || idx > 1<<20 {
		return LogCursor{}, &domain.Error{Code: domain.CodeInvalid, Message: "the cursor is not one this API gave",
			Problems: []domain.FieldProblem{{Field: "cursor", Message: "must be a next_cursor of an earlier page (position.index)"}}}
	}
	return LogCursor{Position: pos, Index: idx}, nil
}

// LogPage is one page of the audit log.
type LogPage struct {
	Entries []Entry
	// Total is the number of events the query selects, on all pages.
	Total int
	// Next is where the next page starts; zero on the last page.
	Next LogCursor
}

// maxScopeWalk bounds the earlier events of the same answer, attendee or
// entity read to give an entry its before values.
const maxScopeWalk = 64

// commitReaders is how many commits a page reads at once.
const commitReaders = 8

// Page returns a page of the audit log. The events are found in the index
// in memory, and their rows are built from the records the projection
// keeps (rows.go), with the earlier events of the same scope for their
// before values: nothing is read from the store, but for entries the
// records do not hold (a log restored from a snapshot without them).
func (a *Trails) Page(ctx context.Context, q LogQuery) (LogPage, error) {
	type pick struct {
		entry int
		chain []int // earlier events of its scope, oldest first
	}
	var picks []pick
	page := LogPage{Entries: []Entry{}}
	needed := map[int]neededEvent{}
	a.mu.RLock()
	l := a.log
	found, total, next := l.find(q)
	for _, i := range found {
		p := pick{entry: i, chain: l.scopeChain(i)}
		for _, k := range append(p.chain, i) {
			if _, ok := needed[k]; !ok {
				needed[k] = a.neededLocked(k)
			}
		}
		picks = append(picks, p)
	}
	page.Total, page.Next = total, next
	a.mu.RUnlock()

	events, err := a.events(ctx, needed)
	if err != nil {
		return LogPage{}, err
	}
	for _, p := range picks {
		var tr Trailer
		for _, k := range p.chain {
			tr.Entry(events[k])
		}
		page.Entries = append(page.Entries, tr.Entry(events[p.entry]))
	}
	if err := a.namePageFiles(ctx, page.Entries); err != nil {
		return LogPage{}, err
	}
	return page, nil
}

// neededEvent is what a page takes from the log, under the lock, to build
// one entry's event after it: the log's columns and where its record is.
type neededEvent struct {
	entry logEntry
	typ   string
	agg   aggregateRef
	user  string
	row   rowRef
}

// neededLocked is entry i's neededEvent. The caller holds the read lock.
func (a *Trails) neededLocked(i int) neededEvent {
	l := a.log
	e := l.entries[i]
	return neededEvent{entry: e, typ: l.types.list[e.typ], agg: l.aggs[e.agg-1], user: l.actors.list[e.actor], row: a.rows.ref(i)}
}

// events builds the events of needed from their records; those without a
// record are read from the store, a few commits at a time (each read waits
// on the store more than it works).
func (a *Trails) events(ctx context.Context, needed map[int]neededEvent) (map[int]domain.RecordedEvent, error) {
	out := make(map[int]domain.RecordedEvent, len(needed))
	order := make([]int, 0, len(needed))
	for k := range needed {
		order = append(order, k)
	}
	slices.Sort(order) // the log's order: group by group
	var rr rowReader
	defer rr.release()
	var missing []int
	for _, k := range order {
		n := needed[k]
		rec, err := rr.record(n.row)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			missing = append(missing, k)
			continue
		}
		ev, err := rowEvent(n.entry, n.typ, n.agg, n.user, rec)
		if err != nil {
			return nil, err
		}
		out[k] = ev
	}
	if len(missing) == 0 {
		return out, nil
	}
	commits := map[uint64][]domain.RecordedEvent{}
	var positions []uint64
	for _, k := range missing {
		if pos := needed[k].entry.position; commits[pos] == nil {
			commits[pos] = []domain.RecordedEvent{}
			positions = append(positions, pos)
		}
	}
	read := make([][]domain.RecordedEvent, len(positions))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(commitReaders)
	for i, pos := range positions {
		g.Go(func() error {
			evs, err := a.commit(gctx, pos)
			read[i] = evs
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i, pos := range positions {
		commits[pos] = read[i]
	}
	for _, k := range missing {
		e := needed[k].entry
		i := slices.IndexFunc(commits[e.position], func(ev domain.RecordedEvent) bool { return ev.Index == int(e.index) })
		if i < 0 {
			return nil, domain.Errorf(domain.CodeInternal, "no event %d in the commit at %d", e.index, e.position)
		}
		out[k] = commits[e.position][i]
	}
	return out, nil
}

// namePageFiles names the files the entries cite as nameFiles does, from
// the first evidence.uploaded of each file's aggregate in the log and its
// record; a file the log or the records do not hold is named from the
// store.
func (a *Trails) namePageFiles(ctx context.Context, entries []Entry) error {
	known := map[string]File{}
	var rest []Entry
	for i := range entries {
		for j, f := range entries[i].Files {
			id := domain.EvidenceFileID(entries[i].Region, f.SHA256)
			named, ok := known[id]
			if !ok {
				up, found, err := a.upload(id)
				if err != nil {
					return err
				}
				if !found {
					if len(rest) == 0 || &rest[len(rest)-1].Files[0] != &entries[i].Files[0] {
						rest = append(rest, entries[i]) // shares Files with entries[i]
					}
					continue
				}
				named = File{SHA256: f.SHA256, Name: up.Name, Pages: up.Pages}
				known[id] = named
			}
			entries[i].Files[j] = named
		}
	}
	if len(rest) == 0 {
		return nil
	}
	return a.nameFiles(ctx, rest)
}

var evidenceUploaded = domain.EvidenceUploaded{}.EventType()

// upload is the first evidence.uploaded of the evidence file id, from the
// log and the records; found is false when they do not hold one.
func (a *Trails) upload(id string) (up domain.EvidenceUploaded, found bool, err error) {
	a.mu.RLock()
	l := a.log
	var n neededEvent
	if k, ok := l.aggIdx[aggregateRef{domain.AggregateEvidence, id}]; ok {
		for _, i := range l.byAgg[k-1] {
			if e := l.entries[i]; e.agg == k && l.types.list[e.typ] == evidenceUploaded {
				n, found = a.neededLocked(int(i)), true
				break
			}
		}
	}
	a.mu.RUnlock()
	if !found {
		return up, false, nil
	}
	var rr rowReader
	defer rr.release()
	rec, err := rr.record(n.row)
	if err != nil || rec == nil {
		return up, false, err
	}
	ev, err := rowEvent(n.entry, n.typ, n.agg, n.user, rec)
	if err != nil {
		return up, false, err
	}
	up, found = ev.Data.(domain.EvidenceUploaded)
	return up, found, nil
}

func (c LogCursor) after(d LogCursor) bool {
	return c.Position > d.Position || c.Position == d.Position && c.Index > d.Index
}

// commitReader reads one commit by position without a consumer
// (eventstore.Store does).
type commitReader interface {
	Commit(ctx context.Context, position uint64) ([]domain.RecordedEvent, error)
}

var errCommitRead = errors.New("commit read")

// commit returns the commit at position, from the cache when it is kept
// there, else from the store (and then keeps it).
func (a *Trails) commit(ctx context.Context, position uint64) ([]domain.RecordedEvent, error) {
	if evs, ok := a.commits.get(position); ok {
		return evs, nil
	}
	evs, err := a.readCommit(ctx, position)
	if err == nil && len(evs) > 0 {
		a.commits.put(position, evs)
	}
	return evs, err
}

// SetCommitCache replaces the commit cache with an empty one bounded at
// bytes (estimated); 0 keeps nothing. The default is CommitCacheBytes.
func (a *Trails) SetCommitCache(bytes int64) { a.commits = newCommitCache(bytes) }

// RowBytes is about the memory the entries' rows take (rows.go).
func (a *Trails) RowBytes() int {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.rows.bytes()
}

// CommitCacheStats reports the commit cache's hits and misses since start,
// and the bytes (estimated) it keeps.
func (a *Trails) CommitCacheStats() (hits, misses uint64, bytes int64) { return a.commits.stats() }

func (a *Trails) readCommit(ctx context.Context, position uint64) ([]domain.RecordedEvent, error) {
	if cr, ok := a.store.(commitReader); ok {
		return cr.Commit(ctx, position)
	}
	var out []domain.RecordedEvent
	err := a.store.Read(ctx, position-1, func(ev domain.RecordedEvent) error {
		if ev.Position != position {
			return errCommitRead
		}
		out = append(out, ev)
		return nil
	})
	if err != nil && !errors.Is(err, errCommitRead) {
		return nil, err
	}
	return out, nil
}

// scopeChain is the earlier entries (their numbers) of entry i's aggregate
// and scope, oldest first (at most maxScopeWalk).
func (l *eventLog) scopeChain(i int) []int {
	e := l.entries[i]
	list := l.byAgg[e.agg-1]
	k, _ := slices.BinarySearch(list, uint32(i))
	var chain []int
	for k--; k >= 0 && len(chain) < maxScopeWalk; k-- {
		if p := l.entries[list[k]]; p.agg == e.agg && p.scope == e.scope {
			chain = append(chain, int(list[k]))
		}
	}
	slices.Reverse(chain)
	return chain
}
