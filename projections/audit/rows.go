package audit

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/klauspost/compress/zstd"

	"github.com/jejak-id/jejak/domain"
)

// rowStore keeps, for every entry of the log from base on, what its audit
// row shows beyond the log's own columns: the event and command ids, the
// versions, the two instants, the actor's role and region, correlation and
// causation, and the event's data as JSON. A page builds its rows from it
// and reads nothing from the store: a cold page used to read ~100 commits
// scattered over up to 23 of the stream's 8 MB message blocks, and the
// server loads a whole block to serve one message (docs/BENCHMARKS.md,
// "Audit pages with entry lists").
//
// Records are gathered in log order, rowGroup to a group; a full group is
// compressed (zstd) once, by a goroutine of its own so that the applying
// one does not wait for it, and appended to one arena. Everything is plain
// bytes and numbers (nothing for the GC to scan), and append-only: a
// slice of the arena, of the ends or of the open group taken under the
// owner's read lock stays valid and unchanged after it is released (a full
// group's buffer is never reused). The owner's lock guards the fields.
type rowStore struct {
	base  int      // the log entry of the first record: entries before it are read from the store
	held  int      // records held, sealed and open
	arena []byte   // the sealed groups, compressed, back to back
	ends  []uint64 // where each sealed group ends in arena
	// sealing are the full groups after those in arena, not compressed
	// yet, oldest first; compressing is whether a goroutine is at them.
	sealing     [][]byte
	compressing bool
	open        []byte // the records of the group being filled, uncompressed
}

// rowGroup is how many records are compressed together: a group is ~40 KB
// before compression at national scale, decompressed in tens of µs.
const rowGroup = 128

// rowNotHeld starts a record whose event could not be encoded (a type the
// domain does not list): its row is read from the store.
const (
	rowNotHeld = 0
	rowHeld    = 1
)

var (
	zstdEncoder = sync.OnceValue(func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(false),
			zstd.WithLowerEncoderMem(true))
		if err != nil {
			panic(err) // only for bad options
		}
		return e
	})
	zstdDecoder = sync.OnceValue(func() *zstd.Decoder {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderLowmem(true))
		if err != nil {
			panic(err)
		}
		return d
	})
	// eventTypes is the domain's events by type, to decode the data JSON
	// rows hold (written from the current version's struct).
	eventTypes = sync.OnceValue(func() map[string]domain.EventSpec {
		m := map[string]domain.EventSpec{}
		for _, s := range domain.EventSpecs() {
			m[s.Type] = s
		}
		return m
	})
)

// add appends ev's record. When it fills a group and no goroutine is
// compressing, it returns true: the caller starts one (compressRows).
func (r *rowStore) add(ev domain.RecordedEvent) (compress bool) {
	start := len(r.open)
	r.open = append(r.open, 0, 0, 0) // room for the length, fixed below when it fits
	r.open = appendRow(r.open, ev)
	body := r.open[start+3:]
	if n := len(body); n < 1<<21 { // a three-byte uvarint
		r.open[start], r.open[start+1], r.open[start+2] = byte(n)|0x80, byte(n>>7)|0x80, byte(n>>14)
	} else {
		rec := append([]byte(nil), body...)
		r.open = binary.AppendUvarint(r.open[:start], uint64(len(rec)))
		r.open = append(r.open, rec...)
	}
	r.held++
	if r.held%rowGroup != 0 {
		return false
	}
	r.sealing = append(r.sealing, r.open)
	r.open = make([]byte, 0, len(r.open)+len(r.open)/4) // never reused: readers may hold the old one
	if r.compressing {
		return false
	}
	r.compressing = true
	return true
}

// compressRows compresses r's sealing groups into its arena, oldest
// first, until there are none; mu is r's owner's lock, held only to take a
// group and to append it compressed.
func compressRows(mu *sync.RWMutex, r *rowStore) {
	for {
		mu.Lock()
		if len(r.sealing) == 0 {
			r.compressing = false
			mu.Unlock()
			return
		}
		group := r.sealing[0]
		mu.Unlock()
		packed := zstdEncoder().EncodeAll(group, make([]byte, 0, len(group)/4))
		mu.Lock()
		r.arena = append(r.arena, packed...)
		r.ends = append(r.ends, uint64(len(r.arena)))
		r.sealing[0] = nil
		r.sealing = r.sealing[1:]
		mu.Unlock()
	}
}

// appendRow appends what the row of ev needs beyond the log's columns.
func appendRow(b []byte, ev domain.RecordedEvent) []byte {
	var data []byte
	if ev.Data != nil {
		if _, known := eventTypes()[ev.Type]; !known || ev.Data.EventType() != ev.Type {
			return append(b, rowNotHeld)
		}
		var err error
		if data, err = json.Marshal(ev.Data); err != nil {
			return append(b, rowNotHeld)
		}
	}
	b = append(b, rowHeld)
	b = append(b, ev.ID[:]...)
	b = append(b, ev.CommandID[:]...)
	b = binary.AppendUvarint(b, uint64(ev.SchemaVersion))
	b = binary.AppendUvarint(b, ev.Version)
	b = binary.AppendUvarint(b, uint64(ev.CommitSize))
	b = appendTime(b, ev.OccurredAt)
	b = appendTime(b, ev.RecordedAt)
	for _, s := range []string{string(ev.Actor.Role), ev.Actor.Region, ev.CorrelationID, ev.CausationID} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	if ev.Data == nil {
		return append(b, 0) // no data (not JSON "null": that is one 4-byte value)
	}
	b = binary.AppendUvarint(b, uint64(len(data)+1))
	return append(b, data...)
}

// appendTime keeps t's instant and its offset (what its JSON shows).
func appendTime(b []byte, t time.Time) []byte {
	bin, err := t.MarshalBinary()
	if err != nil { // only for offsets that are not whole minutes
		bin, _ = t.UTC().MarshalBinary()
	}
	b = append(b, byte(len(bin)))
	return append(b, bin...)
}

// rowRef is where an entry's record is: in a compressed group (at
// arena[from:to]) or in a group not compressed (sealing or open), the k-th
// record of its group. Taken under the owner's lock, read after it.
type rowRef struct {
	group    int    // -1: a group not compressed; -2: not held
	buf      []byte // the arena, or the group
	from, to uint64 // the sealed group in the arena
	k        int
}

// ref finds entry i's record.
func (r *rowStore) ref(i int) rowRef {
	k := i - r.base
	if k < 0 || k >= r.held {
		return rowRef{group: -2}
	}
	g := k / rowGroup
	if g < len(r.ends) {
		var from uint64
		if g > 0 {
			from = r.ends[g-1]
		}
		return rowRef{group: g, buf: r.arena, from: from, to: r.ends[g], k: k % rowGroup}
	}
	if g -= len(r.ends); g < len(r.sealing) {
		return rowRef{group: -1, buf: r.sealing[g], k: k % rowGroup}
	}
	return rowRef{group: -1, buf: r.open, k: k % rowGroup}
}

// rowReader decodes records, decompressing a group into one buffer that it
// reuses (a page asks for its records group by group: rowsInOrder).
type rowReader struct {
	group int // the group in buf, plus one (0: none)
	buf   []byte
}

// rowBuffers are rowReaders' buffers, across pages: a group is ~40 KB, and
// a page reads up to a hundred.
var rowBuffers = sync.Pool{New: func() any { return new([]byte) }}

// release returns rr's buffer to rowBuffers.
func (rr *rowReader) release() {
	if rr.buf != nil {
		b := rr.buf[:0]
		rowBuffers.Put(&b)
		rr.buf, rr.group = nil, 0
	}
}

// record returns the body of the record ref names, nil when it is not
// held. It is valid until the next call.
func (rr *rowReader) record(ref rowRef) ([]byte, error) {
	var buf []byte
	switch ref.group {
	case -2:
		return nil, nil
	case -1:
		buf = ref.buf
	default:
		if rr.group != ref.group+1 {
			if rr.buf == nil {
				rr.buf = *rowBuffers.Get().(*[]byte)
			}
			var err error
			if rr.buf, err = zstdDecoder().DecodeAll(ref.buf[ref.from:ref.to], rr.buf[:0]); err != nil {
				rr.group = 0
				return nil, fmt.Errorf("audit rows: group %d: %w", ref.group, err)
			}
			rr.group = ref.group + 1
		}
		buf = rr.buf
	}
	for k := 0; ; k++ {
		n, read := binary.Uvarint(buf)
		if read <= 0 || n > uint64(len(buf)-read) {
			return nil, errRowsCorrupt
		}
		if k == ref.k {
			body := buf[read : read+int(n)]
			if len(body) == 0 || body[0] != rowHeld {
				return nil, nil
			}
			return body[1:], nil
		}
		buf = buf[read+int(n):]
	}
}

var errRowsCorrupt = errors.New("audit rows: corrupt record")

// rowEvent rebuilds entry e's event from its record: the log gives
// position, index, type, aggregate and actor.
func rowEvent(e logEntry, typ string, agg aggregateRef, user string, rec []byte) (domain.RecordedEvent, error) {
	ev := domain.RecordedEvent{Position: e.position, Index: int(e.index), Type: typ, AggregateType: agg.Type, AggregateID: agg.ID}
	ev.Actor.UserID = user
	r := logReader{b: rec}
	if len(rec) < 32 {
		return ev, errRowsCorrupt
	}
	ev.ID, ev.CommandID = uuid.UUID(rec[:16]), uuid.UUID(rec[16:32])
	r.i = 32
	ev.SchemaVersion = int(r.uvarint())
	ev.Version = r.uvarint()
	ev.CommitSize = int(r.uvarint())
	for _, t := range []*time.Time{&ev.OccurredAt, &ev.RecordedAt} {
		n := r.byte()
		if b := r.bytes(int(n)); r.err == nil {
			if err := t.UnmarshalBinary(b); err != nil {
				return ev, errRowsCorrupt
			}
		}
	}
	role, region, corr, caus := r.str(), r.str(), r.str(), r.str()
	ev.Actor.Role, ev.Actor.Region, ev.CorrelationID, ev.CausationID = domain.Role(role), region, corr, caus
	n := r.uvarint()
	if r.err != nil {
		return ev, r.err
	}
	if n == 0 {
		return ev, nil
	}
	data := r.bytes(int(n - 1))
	if r.err != nil || r.i != len(rec) {
		return ev, errRowsCorrupt
	}
	spec, ok := eventTypes()[typ]
	if !ok {
		return ev, fmt.Errorf("audit rows: unknown event type %q", typ)
	}
	sample := spec.New()
	t := reflect.TypeOf(sample)
	if t.Kind() == reflect.Pointer {
		if err := json.Unmarshal(data, sample); err != nil {
			return ev, fmt.Errorf("audit rows: event %q: %w", typ, err)
		}
		ev.Data = sample
		return ev, nil
	}
	ptr := reflect.New(t)
	if err := json.Unmarshal(data, ptr.Interface()); err != nil {
		return ev, fmt.Errorf("audit rows: event %q: %w", typ, err)
	}
	ev.Data = ptr.Elem().Interface().(domain.Event)
	return ev, nil
}

func (r *logReader) byte() byte {
	if r.err != nil || r.i >= len(r.b) {
		r.err = errLogCorrupt
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

func (r *logReader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b)-r.i {
		r.err = errLogCorrupt
		return nil
	}
	r.i += n
	return r.b[r.i-n : r.i]
}

func (r *logReader) str() string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)-r.i) {
		r.err = errLogCorrupt
		return ""
	}
	return string(r.bytes(int(n)))
}

// bytes is about what the rows hold in memory.
func (r *rowStore) bytes() int {
	n := cap(r.arena) + 8*cap(r.ends) + cap(r.open)
	for _, g := range r.sealing {
		n += cap(g)
	}
	return n
}

// appendEncoded writes the rows for a snapshot: base, records held, the
// ends of the full groups, the arena with the groups not compressed yet
// compressed after it (as compressRows will: the snapshot does not depend
// on how far it is), the open group.
func (r *rowStore) appendEncoded(b []byte) []byte {
	packed := make([][]byte, len(r.sealing))
	for i, g := range r.sealing {
		packed[i] = zstdEncoder().EncodeAll(g, nil)
	}
	b = binary.AppendUvarint(b, uint64(r.base))
	b = binary.AppendUvarint(b, uint64(r.held))
	b = binary.AppendUvarint(b, uint64(len(r.ends)+len(packed)))
	var prev uint64
	for _, e := range r.ends {
		b = binary.AppendUvarint(b, e-prev)
		prev = e
	}
	size := len(r.arena)
	for _, p := range packed {
		b = binary.AppendUvarint(b, uint64(len(p)))
		size += len(p)
	}
	b = binary.AppendUvarint(b, uint64(size))
	b = append(b, r.arena...)
	for _, p := range packed {
		b = append(b, p...)
	}
	b = binary.AppendUvarint(b, uint64(len(r.open)))
	return append(b, r.open...)
}

// encodedSizeHint is about what appendEncoded appends.
func (r *rowStore) encodedSizeHint() int { return len(r.arena) + len(r.open) + 4*len(r.ends) + 32 }

// decodeRows reads what appendEncoded wrote, for a log of entries entries.
func decodeRows(b []byte, entries int) (*rowStore, error) {
	rd := logReader{b: b}
	r := &rowStore{base: int(rd.uvarint()), held: int(rd.uvarint())}
	groups := rd.uvarint()
	if rd.err != nil || groups > uint64(len(b)) || r.base < 0 || r.held < 0 || r.base+r.held != entries ||
		int(groups) != r.held/rowGroup {
		return nil, errRowsCorrupt
	}
	r.ends = make([]uint64, 0, groups)
	var end uint64
	for range groups {
		end += rd.uvarint()
		r.ends = append(r.ends, end)
	}
	r.arena = append([]byte(nil), rd.bytes(int(rd.uvarint()))...)
	r.open = append([]byte(nil), rd.bytes(int(rd.uvarint()))...)
	if rd.err != nil || rd.i != len(b) || end != uint64(len(r.arena)) {
		return nil, errRowsCorrupt
	}
	// The open group holds the rest, each a whole record.
	buf, n := r.open, 0
	for len(buf) > 0 {
		k, read := binary.Uvarint(buf)
		if read <= 0 || k > uint64(len(buf)-read) {
			return nil, errRowsCorrupt
		}
		buf = buf[read+int(k):]
		n++
	}
	if n != r.held%rowGroup {
		return nil, errRowsCorrupt
	}
	return r, nil
}
