package audit

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/jejak-id/jejak/domain"
)

// plan is how a page's entries are found: the test of the query's
// filters, and the entries it walks, the shortest list of them that holds
// every match (an entity's, a region's, an actor's, the types', or those
// of what a search term names), or else the whole log.
type plan struct {
	match func(logEntry) bool
	// list is the candidates, in log order, unless all.
	list []uint32
	all  bool
	// exact: every candidate matches (its list is the query's only
	// filter, or there is none), so none is tested.
	exact bool
	// dated: the query has a date range [from, to]; dateOnly: nothing else.
	dated, dateOnly bool
	from, to        int64
}

// find selects a page in memory: the numbers in the log of its entries,
// the number of entries the query selects on all pages, and where the next
// page starts (zero on the last).
func (l *eventLog) find(q LogQuery) (found []int, total int, next LogCursor) {
	p, ok := l.plan(q)
	if !ok {
		return nil, 0, LogCursor{}
	}
	cut := len(l.entries) // the entries at or before AsOf (the log is in position order)
	if q.AsOf != 0 {
		cut = sort.Search(len(l.entries), func(i int) bool { return l.entries[i].position > q.AsOf })
	}
	n := cut // the candidates
	if !p.all {
		n = sort.Search(len(p.list), func(k int) bool { return int(p.list[k]) >= cut })
	}
	at := func(k int) int { // the k-th candidate's number in the log
		if p.all {
			return k
		}
		return int(p.list[k])
	}
	outside := func(b int) bool { return l.blocks[b].max < p.from || l.blocks[b].min > p.to }

	switch {
	case p.exact:
		total = n
	case p.all && p.dated:
		for b := 0; b<<blockShift < n; b++ {
			if outside(b) {
				continue
			}
			lo, hi := b<<blockShift, min((b+1)<<blockShift, n)
			if r := l.blocks[b]; p.dateOnly && r.min >= p.from && r.max <= p.to {
				total += hi - lo
				continue
			}
			for i := lo; i < hi; i++ {
				if p.match(l.entries[i]) {
					total++
				}
			}
		}
	default:
		for k := range n {
			if p.match(l.entries[at(k)]) {
				total++
			}
		}
	}

	cursor := func(i int) LogCursor {
		return LogCursor{Position: l.entries[i].position, Index: int(l.entries[i].index)}
	}
	k, step := 0, 1
	if q.Ascending {
		if !q.After.IsZero() {
			k = sort.Search(n, func(k int) bool { return cursor(at(k)).after(q.After) })
		}
	} else {
		step, k = -1, n-1
		if !q.After.IsZero() {
			k = sort.Search(n, func(k int) bool { return !q.After.after(cursor(at(k))) }) - 1
		}
	}
	skip, block := q.Offset, -1
	for ; k >= 0 && k < n; k += step {
		if p.all && p.dated && k>>blockShift != block {
			if block = k >> blockShift; outside(block) {
				if step > 0 {
					k = (block+1)<<blockShift - 1
				} else {
					k = block << blockShift
				}
				continue
			}
		}
		i := at(k)
		if !p.exact && !p.match(l.entries[i]) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if len(found) >= q.Limit {
			if len(found) > 0 {
				next = cursor(found[len(found)-1])
			}
			break
		}
		found = append(found, i)
	}
	return found, total, next
}

// plan returns how q's entries are found; ok is false when none can match
// (an unknown actor or region).
func (l *eventLog) plan(q LogQuery) (p plan, ok bool) {
	p.all = true
	filters := 0
	var exactList bool
	use := func(list []uint32, exact bool) {
		p.list, p.all, exactList = list, false, exact
	}
	shorter := func(size int) bool { return p.all || size < len(p.list) }

	var agg, inn uint32
	if q.EntityID != "" {
		filters++
		agg = l.aggIdx[aggregateRef{q.EntityType, q.EntityID}]
		if agg == 0 {
			use([]uint32{}, true)
		} else {
			if q.EntityType == domain.AggregateInnovation {
				inn = agg
			}
			// an aggregate's list: its events, and an innovation's also
			// those about it
			use(l.byAgg[agg-1], true)
		}
	}
	region := -1
	if q.Region != "" {
		filters++
		i, ok := l.regions.idx[q.Region]
		if !ok {
			return p, false
		}
		region = int(i)
		if list := listOf(l.byRegion, region); shorter(len(list)) {
			use(list, true)
		}
	}
	actor := -1
	if q.Actor != "" {
		filters++
		i, ok := l.actors.idx[q.Actor]
		if !ok {
			return p, false
		}
		actor = int(i)
		if list := listOf(l.byActor, actor); shorter(len(list)) {
			use(list, true)
		}
	}
	var types []bool
	if len(q.Types) > 0 {
		filters++
		types = make([]bool, len(l.types.list))
		var lists [][]uint32
		for _, t := range q.Types {
			if i, ok := l.types.idx[t]; ok && !types[i] {
				types[i] = true
				lists = append(lists, listOf(l.byType, int(i)))
			}
		}
		if shorter(sizeOf(lists)) {
			use(union(lists), true)
		}
	}
	var from, to int64 = -1 << 63, 1<<63 - 1
	if !q.From.IsZero() || !q.To.IsZero() {
		filters++
		p.dated = true
		if !q.From.IsZero() {
			from = q.From.UnixNano()
		}
		if !q.To.IsZero() {
			to = q.To.UnixNano()
		}
	}
	p.from, p.to = from, to
	var search func(logEntry) bool
	if term := strings.ToLower(strings.TrimSpace(q.Search)); term != "" {
		filters++
		has := func(s string) bool { return containsLower(s, term) }
		sets := [3][]bool{make([]bool, len(l.types.list)), make([]bool, len(l.actors.list)), make([]bool, len(l.regions.list))}
		var lists [][]uint32
		for i, s := range l.types.list {
			if sets[0][i] = has(s); sets[0][i] {
				lists = append(lists, listOf(l.byType, i))
			}
		}
		for i, s := range l.actors.list {
			if sets[1][i] = has(s); sets[1][i] {
				lists = append(lists, listOf(l.byActor, i))
			}
		}
		for i, s := range l.regions.list {
			r, _ := domain.LookupRegion(s)
			if sets[2][i] = s != "" && (has(s) || has(r.Name)); sets[2][i] {
				lists = append(lists, listOf(l.byRegion, i))
			}
		}
		aggs := l.aggsHolding(term)
		for i, hit := range aggs[1:] {
			if hit {
				lists = append(lists, l.byAgg[i]) // a superset: an innovation's also holds the events about it
			}
		}
		search = func(e logEntry) bool {
			return sets[0][e.typ] || sets[1][e.actor] || sets[2][e.region] || aggs[e.agg]
		}
		// merging lists costs less than testing every entry, up to a point
		if size := sizeOf(lists); shorter(size) && size <= len(l.entries)/2 {
			use(union(lists), false)
		}
	}
	p.exact = filters == 0 || filters == 1 && !p.all && exactList
	p.dateOnly = filters == 1 && p.dated
	p.match = func(e logEntry) bool {
		switch {
		case q.AsOf != 0 && e.position > q.AsOf,
			types != nil && !types[e.typ],
			actor >= 0 && int(e.actor) != actor,
			region >= 0 && int(e.region) != region,
			q.EntityID != "" && e.agg != agg && (inn == 0 || e.inn != inn),
			e.at < from || e.at > to,
			search != nil && !search(e):
			return false
		}
		return true
	}
	return p, true
}

// aggsHolding marks the aggregates (by their numbers, from 1) whose
// "type/id" holds term (in lower case), ignoring case: the term is in the
// type, in the id, or across the slash. It looks for term in aggText, one
// bytes.Index per aggregate that holds it.
func (l *eventLog) aggsHolding(term string) []bool {
	if strings.IndexByte(term, aggSep) >= 0 || term == "" {
		return l.aggsHoldingEach(term)
	}
	out := make([]bool, len(l.aggs)+1)
	t := []byte(term)
	for at := 0; ; {
		k := bytes.Index(l.aggText[at:], t)
		if k < 0 {
			return out
		}
		// the aggregate whose text holds the match: the first that ends
		// after it (a match cannot cross aggSep)
		i, _ := slices.BinarySearch(l.aggEnd, uint32(at+k+1))
		out[i+1] = true
		at = int(l.aggEnd[i]) + 1
	}
}

// aggsHoldingEach is aggsHolding one aggregate at a time.
func (l *eventLog) aggsHoldingEach(term string) []bool {
	out := make([]bool, len(l.aggs)+1)
	for i, r := range l.aggs {
		out[i+1] = containsLower(string(r.Type), term) || containsLower(r.ID, term) ||
			strings.Contains(term, "/") && containsLower(string(r.Type)+"/"+r.ID, term)
	}
	return out
}

// listOf is lists[i], nil when lists is shorter.
func listOf(lists [][]uint32, i int) []uint32 {
	if i < len(lists) {
		return lists[i]
	}
	return nil
}

func sizeOf(lists [][]uint32) int {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	return n
}

// union merges sorted lists into one sorted list without repeats (the
// list itself when there is one).
func union(lists [][]uint32) []uint32 {
	switch len(lists) {
	case 0:
		return []uint32{}
	case 1:
		return lists[0]
	}
	for len(lists) > 1 { // pairwise, so each number is copied log(len(lists)) times
		var merged [][]uint32
		for i := 0; i < len(lists); i += 2 {
			if i+1 == len(lists) {
				merged = append(merged, lists[i])
				continue
			}
			merged = append(merged, merge(lists[i], lists[i+1]))
		}
		lists = merged
	}
	return lists[0]
}

// merge is the sorted union of the sorted lists a and b.
func merge(a, b []uint32) []uint32 {
	out := make([]uint32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// containsLower reports whether s holds term, term in lower case, ignoring
// case; without a copy of s when s is ASCII with no capitals.
func containsLower(s, term string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return strings.Contains(strings.ToLower(s), term)
		}
	}
	return strings.Contains(s, term)
}
