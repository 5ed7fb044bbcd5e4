package audit

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jejak-id/jejak/domain"
)

// eventLog indexes every event the audit projection has applied, in commit
// order, so that an audit page is found in memory and only its own events
// (and the earlier events of the same answer, attendee or entity that
// give their before values) are read from the store. About 40 bytes an
// event: strings are numbered once (types, actors, aggregates, regions).
// Its owner's lock guards it.
type eventLog struct {
	entries []logEntry

	types   names
	actors  names
	regions names
	aggs    []aggregateRef
	aggIdx  map[aggregateRef]uint32
	// byAgg lists each aggregate's entries (numbers into entries), oldest
	// first; derived, rebuilt on restore.
	byAgg [][]uint32
	// aggRegion is each aggregate's region, from its first event that
	// names one (0: none yet); derived like byAgg.
	aggRegion []uint16
	// byRegion, byType and byActor list the entries of each region, event
	// type and actor (by their numbers in the tables), oldest first, so
	// that a filtered page walks only the entries it can be among; blocks
	// hold the range of occurred-at of each run of blockSize entries, so
	// that a date range passes over the runs outside it. Derived like byAgg.
	byRegion, byType, byActor [][]uint32
	blocks                    []atRange
	// aggText is every aggregate's "type/id" in lower case, each followed
	// by aggSep, and aggEnd where each one's text ends: a search term is
	// looked for in it with one strings.Index per match rather than once
	// per aggregate (hundreds of thousands at national scale). Derived
	// like byAgg.
	aggText []byte
	aggEnd  []uint32
}

// aggSep ends each aggregate's text in aggText; a term that holds it is
// looked for aggregate by aggregate.
const aggSep = 0

// blockShift sets the entries of a block of the occurred-at summary.
const (
	blockShift = 10
	blockSize  = 1 << blockShift
)

// atRange is the earliest and latest occurred-at of a block of entries.
type atRange struct{ min, max int64 }

// logEntry is one event. Numbers into the tables: typ, actor, region (the
// event's, or else its aggregate's: a trial's start belongs to the region
// of the innovation; 0: none) and agg, inn (an innovation the event is about, 0: none; both
// shifted by one).
type logEntry struct {
	position uint64
	at       int64 // occurred-at, Unix nanoseconds
	index    uint32
	typ      uint16
	region   uint16
	actor    uint32
	agg      uint32
	inn      uint32
	scope    uint32 // hash of the change scope within the aggregate (changeSubject)
}

// names numbers strings in the order they are first seen.
type names struct {
	list []string
	idx  map[string]uint32
}

func (n *names) id(s string) uint32 {
	if i, ok := n.idx[s]; ok {
		return i
	}
	if n.idx == nil {
		n.idx = map[string]uint32{}
	}
	n.list = append(n.list, s)
	n.idx[s] = uint32(len(n.list) - 1)
	return uint32(len(n.list) - 1)
}

func newEventLog() *eventLog {
	l := &eventLog{aggIdx: map[aggregateRef]uint32{}}
	l.regions.id("") // region 0 is none
	return l
}

// aggID numbers ref from 1 (0 is none).
func (l *eventLog) aggID(ref aggregateRef) uint32 {
	if i, ok := l.aggIdx[ref]; ok {
		return i
	}
	l.aggs = append(l.aggs, ref)
	l.aggText = appendLower(l.aggText, string(ref.Type))
	l.aggText = append(l.aggText, '/')
	l.aggText = appendLower(l.aggText, ref.ID)
	l.aggEnd = append(l.aggEnd, uint32(len(l.aggText)))
	l.aggText = append(l.aggText, aggSep)
	l.byAgg = append(l.byAgg, nil)
	l.aggRegion = append(l.aggRegion, 0)
	l.aggIdx[ref] = uint32(len(l.aggs))
	return uint32(len(l.aggs))
}

// appendLower appends s in lower case (strings.ToLower's) to b, without
// a copy of s when it is ASCII with no capitals.
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return append(b, strings.ToLower(s)...)
		}
	}
	return append(b, s...)
}

// scopeHash is FNV-1a of part.
func scopeHash(part string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(part); i++ {
		h ^= uint32(part[i])
		h *= 16777619
	}
	return h
}

// add indexes ev.
func (l *eventLog) add(ev domain.RecordedEvent, region string) {
	part, inn := changeScope(ev.Data)
	e := logEntry{position: ev.Position, at: ev.OccurredAt.UnixNano(), index: uint32(ev.Index),
		typ: uint16(l.types.id(ev.Type)), region: uint16(l.regions.id(region)), actor: l.actors.id(ev.Actor.UserID),
		agg: l.aggID(aggregateRef{ev.AggregateType, ev.AggregateID}), scope: scopeHash(part)}
	if inn != "" {
		e.inn = l.aggID(aggregateRef{domain.AggregateInnovation, inn})
	}
	if e.region == 0 {
		e.region = l.aggRegion[e.agg-1]
	}
	l.index(e)
}

// index appends e with its aggregate lists: its own, and the innovation's
// it is about.
func (l *eventLog) index(e logEntry) {
	n := uint32(len(l.entries))
	if l.aggRegion[e.agg-1] == 0 {
		l.aggRegion[e.agg-1] = e.region
	}
	l.byAgg[e.agg-1] = append(l.byAgg[e.agg-1], n)
	if e.inn != 0 && e.inn != e.agg {
		l.byAgg[e.inn-1] = append(l.byAgg[e.inn-1], n)
	}
	appendTo(&l.byRegion, int(e.region), n)
	appendTo(&l.byType, int(e.typ), n)
	appendTo(&l.byActor, int(e.actor), n)
	l.noteAt(int(n), e.at)
	l.entries = append(l.entries, e)
}

// appendTo appends n to the i-th list of lists, growing lists to hold it.
func appendTo(lists *[][]uint32, i int, n uint32) {
	if i >= len(*lists) {
		*lists = append(*lists, make([][]uint32, i+1-len(*lists))...)
	}
	(*lists)[i] = append((*lists)[i], n)
}

// encode writes the log compactly: the tables, then each entry as varints
// (position and time as differences from the previous entry).
func (l *eventLog) encode() []byte { return l.appendEncoded(nil) }

// encodedSizeHint is about the size encode returns (for preallocation).
func (l *eventLog) encodedSizeHint() int { return 16*len(l.entries) + 40*len(l.aggs) }

// appendEncoded appends what encode returns to b.
func (l *eventLog) appendEncoded(b []byte) []byte {
	putStrings := func(list []string) {
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, s := range list {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
	}
	putStrings(l.types.list)
	putStrings(l.actors.list)
	putStrings(l.regions.list)
	aggs := make([]string, len(l.aggs))
	for i, r := range l.aggs {
		aggs[i] = string(r.Type) + "/" + r.ID
	}
	putStrings(aggs)
	b = binary.AppendUvarint(b, uint64(len(l.entries)))
	var pos uint64
	var at int64
	for _, e := range l.entries {
		b = binary.AppendUvarint(b, e.position-pos)
		b = binary.AppendVarint(b, e.at-at)
		pos, at = e.position, e.at
		for _, v := range []uint64{uint64(e.index), uint64(e.typ), uint64(e.region), uint64(e.actor), uint64(e.agg), uint64(e.inn)} {
			b = binary.AppendUvarint(b, v)
		}
		b = binary.LittleEndian.AppendUint32(b, e.scope)
	}
	return b
}

var errLogCorrupt = errors.New("audit log: corrupt encoding")

// decodeEventLog reads what encode wrote.
func decodeEventLog(b []byte) (*eventLog, error) {
	if len(b) == 0 {
		return newEventLog(), nil
	}
	r := logReader{b: b}
	l := newEventLog()
	l.types.idx, l.actors.idx, l.regions.idx = nil, nil, nil
	l.regions.list = nil
	for _, n := range []*names{&l.types, &l.actors, &l.regions} {
		for _, s := range r.strings() {
			n.id(s)
		}
	}
	aggs := r.strings()
	text := 0
	for _, s := range aggs {
		text += len(s) + 1
	}
	l.aggText, l.aggEnd = make([]byte, 0, text), make([]uint32, 0, len(aggs)) // their size is known: no growing on restore
	for _, s := range aggs {
		typ, id, _ := strings.Cut(s, "/")
		l.aggID(aggregateRef{domain.AggregateType(typ), id})
	}
	n := r.uvarint()
	if r.err == nil && n > uint64(len(b)) {
		r.err = errLogCorrupt
	}
	if r.err != nil {
		return nil, r.err
	}
	l.entries = make([]logEntry, 0, n)
	var pos uint64
	var at int64
	for range n {
		pos += r.uvarint()
		at += r.varint()
		e := logEntry{position: pos, at: at, index: uint32(r.uvarint()), typ: uint16(r.uvarint()), region: uint16(r.uvarint()),
			actor: uint32(r.uvarint()), agg: uint32(r.uvarint()), inn: uint32(r.uvarint()), scope: r.uint32()}
		if r.err != nil {
			return nil, r.err
		}
		if int(e.typ) >= len(l.types.list) || int(e.actor) >= len(l.actors.list) || int(e.region) >= len(l.regions.list) ||
			e.agg == 0 || int(e.agg) > len(l.aggs) || int(e.inn) > len(l.aggs) {
			return nil, errLogCorrupt
		}
		l.entries = append(l.entries, e)
	}
	if len(r.b) != r.i {
		return nil, fmt.Errorf("audit log: %d bytes after the entries", len(r.b)-r.i)
	}
	l.reindex()
	return l, nil
}

// reindex derives what index keeps for each entry, for entries all at once:
// each list is counted first and carved from one array, not grown append
// by append (a restore is on the restart's critical path). A list's
// capacity is its length, so a later index appends to a copy.
func (l *eventLog) reindex() {
	counts := func(lists int, of func(e logEntry, count func(list int))) [][]uint32 {
		n := make([]int, lists)
		total := 0
		for _, e := range l.entries {
			of(e, func(i int) { n[i]++; total++ })
		}
		all := make([]uint32, total)
		out := make([][]uint32, lists)
		off := 0
		for i, c := range n {
			out[i] = all[off : off : off+c]
			off += c
		}
		return out
	}
	l.byAgg = counts(len(l.aggs), func(e logEntry, count func(int)) {
		count(int(e.agg - 1))
		if e.inn != 0 && e.inn != e.agg {
			count(int(e.inn - 1))
		}
	})
	l.byRegion = counts(len(l.regions.list), func(e logEntry, count func(int)) { count(int(e.region)) })
	l.byType = counts(len(l.types.list), func(e logEntry, count func(int)) { count(int(e.typ)) })
	l.byActor = counts(len(l.actors.list), func(e logEntry, count func(int)) { count(int(e.actor)) })
	l.blocks = make([]atRange, 0, (len(l.entries)+blockSize-1)/blockSize)
	for i, e := range l.entries {
		n := uint32(i)
		if l.aggRegion[e.agg-1] == 0 {
			l.aggRegion[e.agg-1] = e.region
		}
		l.byAgg[e.agg-1] = append(l.byAgg[e.agg-1], n)
		if e.inn != 0 && e.inn != e.agg {
			l.byAgg[e.inn-1] = append(l.byAgg[e.inn-1], n)
		}
		l.byRegion[e.region] = append(l.byRegion[e.region], n)
		l.byType[e.typ] = append(l.byType[e.typ], n)
		l.byActor[e.actor] = append(l.byActor[e.actor], n)
		l.noteAt(i, e.at)
	}
}

// noteAt widens the occurred-at range of entry i's block to hold at.
func (l *eventLog) noteAt(i int, at int64) {
	if b := i >> blockShift; b == len(l.blocks) {
		l.blocks = append(l.blocks, atRange{at, at})
	} else {
		r := &l.blocks[b]
		r.min, r.max = min(r.min, at), max(r.max, at)
	}
}

type logReader struct {
	b   []byte
	i   int
	err error
}

func (r *logReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.i:])
	if n <= 0 {
		r.err = errLogCorrupt
		return 0
	}
	r.i += n
	return v
}

func (r *logReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b[r.i:])
	if n <= 0 {
		r.err = errLogCorrupt
		return 0
	}
	r.i += n
	return v
}

func (r *logReader) uint32() uint32 {
	if r.err != nil || len(r.b)-r.i < 4 {
		r.err = errLogCorrupt
		return 0
	}
	v := binary.LittleEndian.Uint32(r.b[r.i:])
	r.i += 4
	return v
}

func (r *logReader) strings() []string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errLogCorrupt
		return nil
	}
	out := make([]string, 0, n)
	for range n {
		k := r.uvarint()
		if r.err != nil || k > uint64(len(r.b)-r.i) {
			r.err = errLogCorrupt
			return nil
		}
		out = append(out, string(r.b[r.i:r.i+int(k)]))
		r.i += int(k)
	}
	return out
}
