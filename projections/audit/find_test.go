package audit

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// syntheticLog is a log of n entries shaped like a national one (issue
// 16): about 3.5 events a commit, real region codes, a few dozen event
// types, operators per region and a dozen verifiers, an aggregate per ~20
// events, occurred-at rising over three years with some disorder.
func syntheticLog(n int, seed uint64) *eventLog {
	rng := rand.New(rand.NewPCG(seed, 1))
	l := newEventLog()
	regions := domain.MustRegions().All()
	nRegions := min(len(regions), max(4, n/3600))
	for _, r := range regions[:nRegions] {
		l.regions.id(r.Code)
	}
	for i := range 40 {
		l.types.id(fmt.Sprintf("kind%02d.event_%d", i%7, i))
	}
	for i := range nRegions {
		l.actors.id(fmt.Sprintf("operator.%d", i))
	}
	for i := range 12 {
		l.actors.id(fmt.Sprintf("verifikator.bskdn.%02d", i+1))
	}
	nAggs := max(1, n/20)
	aggTypes := []domain.AggregateType{domain.AggregateInnovation, domain.AggregateAssessment, domain.AggregateBimtek, domain.AggregatePerson}
	aggRegion := make([]uint16, nAggs+1)
	for i := range nAggs {
		l.aggID(aggregateRef{aggTypes[i%len(aggTypes)], fmt.Sprintf("%08x-%04x", rng.Uint32(), i)})
		aggRegion[i+1] = uint16(1 + rng.IntN(nRegions))
	}
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	span := int64(3 * 365 * 24 * time.Hour)
	pos, idx := uint64(1), uint32(0)
	for i := range n {
		if rng.IntN(7) < 2 { // a new commit
			pos, idx = pos+1, 0
		}
		agg := uint32(1 + rng.IntN(nAggs))
		e := logEntry{position: pos, index: idx, at: start + span/int64(n)*int64(i) + rng.Int64N(int64(48*time.Hour)),
			typ: uint16(rng.IntN(len(l.types.list))), agg: agg, region: aggRegion[agg], scope: uint32(rng.IntN(4))}
		if rng.IntN(50) == 0 {
			e.region = 0 // a national event
		}
		if rng.IntN(3) == 0 {
			e.actor = uint32(nRegions + rng.IntN(12))
		} else {
			e.actor = uint32(max(int(e.region), 1) - 1)
		}
		if l.aggs[agg-1].Type == domain.AggregateAssessment && rng.IntN(2) == 0 {
			e.inn = uint32(1 + rng.IntN(nAggs/4)*4) // an innovation (every fourth aggregate)
		}
		l.index(e)
		idx++
	}
	return l
}

// naiveFind is find as a walk of the whole log in the query's order.
func (l *eventLog) naiveFind(q LogQuery) (found []int, total int, next LogCursor) {
	p, ok := l.plan(q)
	if !ok {
		return nil, 0, LogCursor{}
	}
	skip := q.Offset
	for k := range l.entries {
		i := k
		if !q.Ascending {
			i = len(l.entries) - 1 - k
		}
		e := l.entries[i]
		if !p.match(e) {
			continue
		}
		total++
		c := LogCursor{Position: e.position, Index: int(e.index)}
		if !q.After.IsZero() && (q.Ascending && !c.after(q.After) || !q.Ascending && !q.After.after(c)) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if len(found) < q.Limit {
			found = append(found, i)
		} else if next.IsZero() {
			last := l.entries[found[len(found)-1]]
			next = LogCursor{Position: last.position, Index: int(last.index)}
		}
	}
	return found, total, next
}

func TestFindIsAWalkOfTheWholeLog(t *testing.T) {
	l := syntheticLog(40_000, 7)
	rng := rand.New(rand.NewPCG(3, 4))
	head := l.entries[len(l.entries)-1].position
	day := func() time.Time {
		return time.Unix(0, l.entries[rng.IntN(len(l.entries))].at).Truncate(24 * time.Hour)
	}
	region := func() string { return l.regions.list[1+rng.IntN(len(l.regions.list)-1)] }
	queries := []LogQuery{
		{},
		{Region: region()},
		{Region: region(), Types: []string{l.types.list[3]}},
		{Types: []string{l.types.list[3], l.types.list[9], "no.such_type"}},
		{Types: []string{"no.such_type"}},
		{Actor: l.actors.list[len(l.actors.list)-1]},
		{Actor: l.actors.list[2], Region: region()},
		{Actor: "nobody"},
		{Region: "11.01"}, // a region with no entry
		{From: day(), To: day().Add(30 * 24 * time.Hour)},
		{From: day()},
		{To: day()},
		{From: day(), To: day().Add(60 * 24 * time.Hour), Types: []string{l.types.list[5]}},
		{EntityType: l.aggs[3].Type, EntityID: l.aggs[3].ID},
		{EntityType: l.aggs[0].Type, EntityID: l.aggs[0].ID, Types: []string{l.types.list[1]}},
		{EntityType: domain.AggregateInnovation, EntityID: "nope"},
		{Search: l.regions.list[2]},
		{Search: domain.MustRegions().All()[1].Name[10:]},
		{Search: l.aggs[7].ID[2:9]},
		{Search: "EVENT_1"},
		{Search: "innovation/"},
		{Search: "kind0"},
		{Search: "zzz"},
		{Search: "bskdn.03", Region: region()},
	}
	var nonEmpty, paged int
	for qi, base := range queries {
		for variant := range 12 {
			q := base
			q.Limit = []int{1, 7, 100}[variant%3]
			q.Ascending = variant%2 == 1
			if variant >= 4 {
				q.AsOf = 1 + uint64(rng.Int64N(int64(head)))
			}
			if variant >= 6 {
				e := l.entries[rng.IntN(len(l.entries))]
				q.After = LogCursor{Position: e.position, Index: int(e.index) + variant%3 - 1}
			}
			if variant >= 10 {
				q.Offset = rng.IntN(50)
			}
			found, total, next := l.find(q)
			wantFound, wantTotal, wantNext := l.naiveFind(q)
			if !slices.Equal(found, wantFound) || total != wantTotal || next != wantNext {
				t.Fatalf("query %d %+v:\n got %d entries %v, total %d, next %v\nwant %d entries %v, total %d, next %v",
					qi, q, len(found), head5(found), total, next, len(wantFound), head5(wantFound), wantTotal, wantNext)
			}
			if len(found) > 0 {
				nonEmpty++
			}
			if !next.IsZero() {
				paged++
			}
		}
	}
	if nonEmpty < len(queries)*12/2 || paged < len(queries)*12/4 {
		t.Errorf("only %d of %d pages had entries, %d a next page: the queries test little", nonEmpty, len(queries)*12, paged)
	}
	t.Logf("%d of %d pages had entries, %d a next page", nonEmpty, len(queries)*12, paged)
}

func head5(s []int) []int { return s[:min(5, len(s))] }

// BenchmarkFind finds pages of 100 in a log of national size (1.9M
// entries) in memory, as the probes of `jejak bench http` ask for them:
// what an audit page costs before its events are read from the store.
func BenchmarkFind(b *testing.B) {
	l := syntheticLog(1_922_699, 1)
	region := l.regions.list[17]
	name, _ := domain.LookupRegion(region)
	mid := l.entries[len(l.entries)/2]
	month := time.Unix(0, mid.at).UTC().Truncate(24 * time.Hour)
	_, _, cursor := l.find(LogQuery{Limit: 100})
	for _, c := range []struct {
		name string
		q    LogQuery
	}{
		{"newest", LogQuery{}},
		{"after a cursor", LogQuery{After: cursor}},
		{"one region", LogQuery{Region: region}},
		{"region and type", LogQuery{Region: region, Types: []string{l.types.list[4]}}},
		{"one actor", LogQuery{Actor: l.actors.list[5]}},
		{"a month", LogQuery{From: month, To: month.AddDate(0, 1, 0).Add(-1)}},
		{"oldest first, one region", LogQuery{Region: region, Ascending: true}},
		{"search a region code", LogQuery{Search: region}},
		{"search a region name", LogQuery{Search: name.Name}},
		{"one type", LogQuery{Types: []string{l.types.list[4]}}},
		{"one type, a month", LogQuery{Types: []string{l.types.list[4]}, From: month, To: month.AddDate(0, 1, 0).Add(-1)}},
	} {
		c.q.Limit = 100
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				l.find(c.q)
			}
		})
		b.Run(c.name+"/whole log walked", func(b *testing.B) { // as before the lists
			for b.Loop() {
				l.naiveFind(c.q)
			}
		})
	}
}

// BenchmarkDecodeEventLog restores a log of national size from its
// checkpoint bytes (the lists by region, type and actor are rebuilt, not
// stored): on the restart's critical path.
func BenchmarkDecodeEventLog(b *testing.B) {
	data := syntheticLog(1_922_699, 1).encode()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := decodeEventLog(data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDecodeRebuildsTheLists(t *testing.T) {
	live := syntheticLog(30_000, 5)
	restored, err := decodeEventLog(live.encode())
	if err != nil {
		t.Fatal(err)
	}
	same := func(when string) {
		t.Helper()
		for name, pair := range map[string][2][][]uint32{"byAgg": {live.byAgg, restored.byAgg},
			"byRegion": {live.byRegion, restored.byRegion}, "byType": {live.byType, restored.byType}, "byActor": {live.byActor, restored.byActor}} {
			for i := range max(len(pair[0]), len(pair[1])) {
				if a, b := listOf(pair[0], i), listOf(pair[1], i); !slices.Equal(a, b) {
					t.Fatalf("%s: %s[%d] is %d entries live, %d restored", when, name, i, len(a), len(b))
				}
			}
		}
		if !slices.Equal(live.aggRegion, restored.aggRegion) || !slices.Equal(live.blocks, restored.blocks) {
			t.Fatalf("%s: aggregate regions or blocks differ", when)
		}
		if !slices.Equal(live.aggText, restored.aggText) || !slices.Equal(live.aggEnd, restored.aggEnd) || len(live.aggEnd) != len(live.aggs) {
			t.Fatalf("%s: the aggregates' text differs", when)
		}
	}
	same("restored")
	// entries applied after a restore grow the lists carved from one
	// array without writing over their neighbours
	more := syntheticLog(3_000, 6)
	for _, e := range more.entries {
		e.position += live.entries[len(live.entries)-1].position
		e.agg, e.inn = 1+e.agg%uint32(len(live.aggs)), 0
		e.typ, e.actor, e.region = e.typ%uint16(len(live.types.list)), e.actor%uint32(len(live.actors.list)), e.region%uint16(len(live.regions.list))
		live.index(e)
		restored.index(e)
	}
	same("after more entries")
}

// TestAggsHoldingIsEachAggregate compares the search of aggregates in
// aggText with a test of each aggregate, on terms in a type, in an id,
// across the slash, in capitals and runes whose lower case is longer.
func TestAggsHoldingIsEachAggregate(t *testing.T) {
	l := syntheticLog(20_000, 3)
	for _, ref := range []aggregateRef{
		{domain.AggregatePerson, "NIP-Ab/Cd"}, {domain.AggregateEvidence, "64.03/ÉTÉ"}, {domain.AggregateAssessment, "2025-64.03"},
		{domain.AggregatePerson, "İstanbul"}, {domain.AggregateRegion, "64.03"}, {domain.AggregatePerson, "a\x00b"},
	} {
		l.aggID(ref)
	}
	terms := []string{"person", "son/", "n/nip", "nip-ab/cd", "/cd", "64.03", "2025-64", "été", "i̇stan", "i", "/", "-",
		"a\x00b", "\x00", "zz-no-such", l.aggs[5].ID[:6], l.aggs[9].ID[3:12], string(l.aggs[9].Type) + "/" + l.aggs[9].ID[:4],
		l.aggs[len(l.aggs)-7].ID}
	for _, term := range terms {
		term = strings.ToLower(term)
		got, want := l.aggsHolding(term), l.aggsHoldingEach(term)
		if !slices.Equal(got, want) {
			n := 0
			for i := range got {
				if got[i] != want[i] {
					n++
				}
			}
			t.Errorf("term %q: %d aggregates differ", term, n)
		}
		if term == "64.03" && !got[len(got)-2] {
			t.Errorf("term %q: region/64.03 not found", term)
		}
	}
}
