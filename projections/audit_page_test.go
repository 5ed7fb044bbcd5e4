package projections_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/audit"
)

// wantLog is what an audit page query must answer: the trail of every
// event in the store (before/after per scope), narrowed by a scan.
func wantLog(t *testing.T, s *stack, q audit.LogQuery) []audit.Entry {
	t.Helper()
	var evs []domain.RecordedEvent
	if err := s.store.Read(context.Background(), 0, func(ev domain.RecordedEvent) error {
		evs = append(evs, ev)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// an event without a region belongs to its aggregate's
	aggRegion := map[string]string{}
	for _, ev := range evs {
		if r := audit.EventRegion(ev.Data); r != "" && aggRegion[string(ev.AggregateType)+ev.AggregateID] == "" {
			aggRegion[string(ev.AggregateType)+ev.AggregateID] = r
		}
	}
	var out []audit.Entry
	for _, e := range audit.Trail(evs, audit.Query{AsOf: q.AsOf, Types: q.Types, From: q.From, To: q.To, Actor: q.Actor}) {
		region := e.Region
		if region == "" {
			region = aggRegion[string(e.AggregateType)+e.AggregateID]
		}
		if q.Region != "" && region != q.Region {
			continue
		}
		if q.EntityID != "" && !(e.AggregateType == q.EntityType && e.AggregateID == q.EntityID) &&
			!(q.EntityType == domain.AggregateInnovation && e.Subject["innovation_id"] == q.EntityID) {
			continue
		}
		if term := strings.ToLower(q.Search); term != "" {
			r, _ := domain.LookupRegion(region)
			hay := []string{e.Type, e.Actor.User, string(e.AggregateType) + "/" + e.AggregateID, region}
			if region != "" {
				hay = append(hay, r.Name)
			}
			if !slices.ContainsFunc(hay, func(h string) bool { return strings.Contains(strings.ToLower(h), term) }) {
				continue
			}
		}
		out = append(out, e)
	}
	if !q.Ascending {
		slices.Reverse(out)
	}
	return out
}

// pageLog pages through the log with q's filters, limit entries a page.
func pageLog(t *testing.T, trails *audit.Trails, q audit.LogQuery, limit int) ([]audit.Entry, int) {
	t.Helper()
	q.Limit = limit
	var out []audit.Entry
	total := -1
	for range 1000 {
		p, err := trails.Page(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if total >= 0 && p.Total != total {
			t.Fatalf("total moved from %d to %d between pages", total, p.Total)
		}
		total = p.Total
		out = append(out, p.Entries...)
		if p.Next.IsZero() {
			return out, total
		}
		back, err := audit.ParseLogCursor(p.Next.String())
		if err != nil || back != p.Next {
			t.Fatalf("cursor %q reads back as %v, %v", p.Next.String(), back, err)
		}
		q.After = back
	}
	t.Fatal("paging did not end")
	return nil, 0
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAuditPagesEqualTheWholeTrail(t *testing.T) {
	s := mustStack(t)
	pos := scenario(t, s)
	live := caughtUp(t, s.store).Audit
	data, err := live.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored := audit.NewTrails(&firstRead{EventStore: s.store}) // reads commits through the port
	if err := restored.Restore(data); err != nil {
		t.Fatal(err)
	}
	var innovation string
	for _, e := range wantLog(t, s, audit.LogQuery{Types: []string{"innovation.proposed"}}) {
		innovation = e.AggregateID
	}
	queries := map[string]audit.LogQuery{
		"everything, newest first":      {},
		"everything, oldest first":      {Ascending: true},
		"one event type":                {Types: []string{"assessment.answer_verified"}},
		"two event types":               {Types: []string{"assessment.answer_submitted", "period.opened"}, Ascending: true},
		"one actor":                     {Actor: verifier.UserID},
		"an unknown actor":              {Actor: "nobody"},
		"one region":                    {Region: "18.01"},
		"an assessment":                 {EntityType: domain.AggregateAssessment, EntityID: domain.AssessmentID(2025, "18.04")},
		"an innovation and its answers": {EntityType: domain.AggregateInnovation, EntityID: innovation},
		"an unknown entity":             {EntityType: domain.AggregateBimtek, EntityID: "nope"},
		"a date range":                  {From: day("2025-09-01"), To: day("2025-09-30")},
		"a search term":                 {Search: "lampung selatan"},
		"a search for a type":           {Search: "VERIFIED"},
		"as of a position":              {AsOf: pos["answer 18.04 33"]},
		"region, type and date":         {Region: "18.04", Types: []string{"assessment.answer_verified"}, From: day("2025-09-02")},
	}
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			want := wantLog(t, s, q)
			for trailsName, trails := range map[string]*audit.Trails{"live": live, "restored": restored} {
				for _, limit := range []int{1, 4, 100} {
					got, total := pageLog(t, trails, q, limit)
					if a, b := jsonOf(t, got), jsonOf(t, want); a != b {
						t.Fatalf("%s, limit %d: pages give\n%s\nwant\n%s", trailsName, limit, a, b)
					}
					if total != len(want) {
						t.Fatalf("%s: total %d, want %d", trailsName, total, len(want))
					}
				}
			}
		})
	}
	if n := len(wantLog(t, s, queries["a search term"])); n == 0 {
		t.Fatal("the search finds nothing: the test proves nothing")
	}
}

// withoutRows turns an audit snapshot into the binary layout before rows:
// "JAUD\x02", the lookups' JSON (its length first), the log to the end.
// The layout with them has "JAUD\x03", the same JSON, the log's length in
// eight bytes, the log, the rows.
func withoutRows(t *testing.T, data []byte) []byte {
	t.Helper()
	rest, ok := bytes.CutPrefix(data, []byte("JAUD\x03"))
	if !ok {
		t.Fatalf("the snapshot starts %q", data[:5])
	}
	n, read := binary.Uvarint(rest)
	logAt := read + int(n)
	logLen := int(binary.LittleEndian.Uint64(rest[logAt:]))
	out := append([]byte("JAUD\x02"), rest[:logAt]...)
	return append(out, rest[logAt+8:logAt+8+logLen]...)
}

// noReads is a store that counts the reads it is asked for.
type noReads struct {
	domain.EventStore
	reads atomic.Int64
}

func (n *noReads) Read(ctx context.Context, after uint64, fn func(domain.RecordedEvent) error) error {
	n.reads.Add(1)
	return n.EventStore.Read(ctx, after, fn)
}

func (n *noReads) Load(ctx context.Context, typ domain.AggregateType, id string, afterVersion uint64) ([]domain.RecordedEvent, error) {
	n.reads.Add(1)
	return n.EventStore.Load(ctx, typ, id, afterVersion)
}

// TestAuditPagesReadNothingFromTheStore: pages of a log restored with its
// rows are the whole trail's (as the store holds it) and ask the store for
// nothing; restored without rows, they read it. (Files named from the
// rows: api's TestEvidence, "the audit trail names the files".)
func TestAuditPagesReadNothingFromTheStore(t *testing.T) {
	s := mustStack(t)
	pos := scenario(t, s)
	data, err := caughtUp(t, s.store).Audit.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, rows := range []bool{true, false} {
		store := &noReads{EventStore: s.store}
		trails := audit.NewTrails(store)
		snap := data
		if !rows {
			snap = withoutRows(t, data)
		}
		if err := trails.Restore(snap); err != nil {
			t.Fatal(err)
		}
		for _, q := range []audit.LogQuery{{}, {Ascending: true, Region: "18.04"}, {AsOf: pos["answer 18.04 33"]},
			{Types: []string{"assessment.answer_submitted"}}} {
			want := jsonOf(t, wantLog(t, s, q))
			if got, _ := pageLog(t, trails, q, 5); jsonOf(t, got) != want {
				t.Fatalf("rows %v, %+v: pages give\n%s\nwant\n%s", rows, q, jsonOf(t, got), want)
			}
		}
		if n := store.reads.Load(); rows != (n == 0) {
			t.Errorf("rows %v: the pages asked the store %d times", rows, n)
		}
	}
}

func TestAuditPagingWhileEventsAreAppended(t *testing.T) {
	ctx := context.Background()
	s := mustStack(t)
	scenario(t, s)
	v := caughtUp(t, s.store)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- v.Runner.Run(runCtx) }()
	defer func() { cancel(); <-done }()
	head, err := s.store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ascending := range []bool{false, true} {
		seen := map[audit.LogCursor]int{}
		q := audit.LogQuery{Ascending: ascending, Limit: 3}
		for n := 0; ; n++ {
			p, err := v.Audit.Page(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range p.Entries {
				seen[audit.LogCursor{Position: e.Position, Index: e.Index}]++
			}
			// another region answers between two pages
			s.now = s.now.Add(time.Minute)
			res, _, err := s.svc.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: s.meta(operator("18.71")), Region: "18.71",
				On: day("2024-01-10"), Details: domain.InnovationDetails{Name: "Inovasi baru (data contoh)", Unit: "Dinas Kesehatan",
					Initiator: domain.InitiatorOPD, Form: domain.FormPelayananPublik, Affair: domain.AffairAdminduk,
					Problem: "a", Solution: "b", Benefit: "c"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Runner.WaitFor(ctx, res.Position, 5*time.Second); err != nil {
				t.Fatal(err)
			}
			if p.Next.IsZero() {
				break
			}
			q.After = p.Next
		}
		for c, k := range seen {
			if k != 1 {
				t.Fatalf("ascending %v: event %v listed %d times", ascending, c, k)
			}
		}
		var before int
		for c := range seen {
			if c.Position <= head {
				before++
			}
		}
		all, err := v.Audit.Page(ctx, audit.LogQuery{AsOf: head, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if before != len(all.Entries) {
			t.Fatalf("ascending %v: %d of the %d events there before paging were listed", ascending, before, len(all.Entries))
		}
	}
}

// TestAuditPagesFromTheCommitCache pages a log restored from a snapshot
// without rows (the layout before them), whose rows are read from the
// store, with the commit cache warm (the whole log read first, so it holds
// commits after as_of), evicting all the time (a bound of a few commits)
// and off: every page is the whole trail's, as_of and cursors included.
func TestAuditPagesFromTheCommitCache(t *testing.T) {
	s := mustStack(t)
	pos := scenario(t, s)
	data, err := caughtUp(t, s.store).Audit.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	data = withoutRows(t, data)
	queries := []audit.LogQuery{
		{AsOf: pos["answer 18.04 33"]},
		{AsOf: pos["answer 18.04 33"], Ascending: true, Region: "18.04"},
		{Region: "18.01"},
		{Types: []string{"assessment.answer_verified"}, Ascending: true},
		{},
	}
	for _, bound := range []int64{audit.CommitCacheBytes, 6000, 0} {
		trails := audit.NewTrails(s.store)
		if err := trails.Restore(data); err != nil {
			t.Fatal(err)
		}
		trails.SetCommitCache(bound)
		pageLog(t, trails, audit.LogQuery{}, 7) // warm: every commit, newest first
		for _, q := range queries {
			want := jsonOf(t, wantLog(t, s, q))
			for _, limit := range []int{3, 100} {
				if got, _ := pageLog(t, trails, q, limit); jsonOf(t, got) != want {
					t.Fatalf("bound %d, %+v, limit %d: pages give\n%s\nwant\n%s", bound, q, limit, jsonOf(t, got), want)
				}
			}
		}
		hits, misses, bytes := trails.CommitCacheStats()
		t.Logf("bound %d: %d hits, %d misses, %d bytes kept", bound, hits, misses, bytes)
		switch {
		case bytes > bound:
			t.Errorf("bound %d: %d bytes kept", bound, bytes)
		case bound == 0 && hits != 0, bound == audit.CommitCacheBytes && (hits == 0 || misses > hits):
			t.Errorf("bound %d: %d hits, %d misses", bound, hits, misses)
		}
	}
}
