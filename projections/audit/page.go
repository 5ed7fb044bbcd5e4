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
// in memory; only the page's events, and the earlier events of the same
// scope for their before values, are read from the store.
func (a *Trails) Page(ctx context.Context, q LogQuery) (LogPage, error) {
	type pick struct {
		entry logEntry
		chain []logEntry // earlier events of its scope, oldest first
	}
	var picks []pick
	page := LogPage{Entries: []Entry{}}
	a.mu.RLock()
	l := a.log
	found, total, next := l.find(q)
	for _, i := range found {
		picks = append(picks, pick{entry: l.entries[i], chain: l.scopeChain(i)})
	}
	page.Total, page.Next = total, next
	a.mu.RUnlock()

	// The commits the page needs, read a few at a time: each read waits
	// on the store more than it works.
	commits := map[uint64][]domain.RecordedEvent{}
	var positions []uint64
	for _, p := range picks {
		for _, e := range append(p.chain, p.entry) {
			if _, ok := commits[e.position]; !ok {
				commits[e.position] = nil
				positions = append(positions, e.position)
			}
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
		return LogPage{}, err
	}
	for i, pos := range positions {
		commits[pos] = read[i]
	}
	event := func(e logEntry) (domain.RecordedEvent, error) {
		for _, ev := range commits[e.position] {
			if ev.Index == int(e.index) {
				return ev, nil
			}
		}
		return domain.RecordedEvent{}, domain.Errorf(domain.CodeInternal, "no event %d in the commit at %d", e.index, e.position)
	}
	for _, p := range picks {
		var tr Trailer
		for _, e := range p.chain {
			ev, err := event(e)
			if err != nil {
				return LogPage{}, err
			}
			tr.Entry(ev)
		}
		ev, err := event(p.entry)
		if err != nil {
			return LogPage{}, err
		}
		page.Entries = append(page.Entries, tr.Entry(ev))
	}
	if err := a.nameFiles(ctx, page.Entries); err != nil {
		return LogPage{}, err
	}
	return page, nil
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

// scopeChain is the earlier entries of entry i's aggregate and scope,
// oldest first (at most maxScopeWalk).
func (l *eventLog) scopeChain(i int) []logEntry {
	e := l.entries[i]
	list := l.byAgg[e.agg-1]
	k, _ := slices.BinarySearch(list, uint32(i))
	var chain []logEntry
	for k--; k >= 0 && len(chain) < maxScopeWalk; k-- {
		if p := l.entries[list[k]]; p.agg == e.agg && p.scope == e.scope {
			chain = append(chain, p)
		}
	}
	slices.Reverse(chain)
	return chain
}
