package audit

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jejak-id/jejak/domain"
)

// auditState is the audit projection's serialised form.
type auditState struct {
	ByRegion map[string][]string // region -> sorted "type/id"
	ByActor  map[string][]string
	Recent   []Entry            // oldest first
	RecentBy map[string][]Entry // per region ("" national), oldest first
	Log      []byte             `json:",omitempty"` // the event log, in the earlier all-JSON layout only
}

func refsOut(m map[string]map[aggregateRef]bool) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, refs := range m {
		list := make([]string, 0, len(refs))
		for r := range refs {
			list = append(list, string(r.Type)+"/"+r.ID)
		}
		slices.Sort(list)
		out[k] = list
	}
	return out
}

func refsIn(m map[string][]string) map[string]map[aggregateRef]bool {
	out := make(map[string]map[aggregateRef]bool, len(m))
	for k, list := range m {
		refs := make(map[aggregateRef]bool, len(list))
		for _, s := range list {
			typ, id, _ := strings.Cut(s, "/")
			refs[aggregateRef{domain.AggregateType(typ), id}] = true
		}
		out[k] = refs
	}
	return out
}

// Snapshot serialises the audit index deterministically: snapshotMagic,
// the length of the JSON of the lookups, that JSON, the length of the
// event log's own bytes (in JSON they were base64 text that a restore
// scanned twice and decoded: at national scale, 70 MB and half a second)
// in eight bytes, those bytes, then the entries' rows (rows.go).
func (a *Trails) Snapshot() ([]byte, error) {
	a.mu.RLock()
	st := auditState{ByRegion: refsOut(a.byRegion), ByActor: refsOut(a.byActor), Recent: oldestFirst(a.recent),
		RecentBy: make(map[string][]Entry, len(a.recentBy))}
	for region, w := range a.recentBy {
		st.RecentBy[region] = oldestFirst(w)
	}
	meta, err := json.Marshal(st)
	var data []byte
	if err == nil {
		data = make([]byte, 0, len(snapshotMagic)+binary.MaxVarintLen64+8+len(meta)+a.log.encodedSizeHint()+a.rows.encodedSizeHint())
		data = append(binary.AppendUvarint(append(data, snapshotMagic...), uint64(len(meta))), meta...)
		at := len(data)
		data = a.log.appendEncoded(append(data, make([]byte, 8)...))
		binary.LittleEndian.PutUint64(data[at:], uint64(len(data)-at-8))
		data = a.rows.appendEncoded(data)
	}
	a.mu.RUnlock()
	return data, err
}

// snapshotMagic starts a snapshot in the binary layout with rows;
// snapshotMagicNoRows one in the binary layout before them (the log runs
// to the end, no row is held); one that starts with '{' is the earlier
// all-JSON layout. All are read.
const (
	snapshotMagic       = "JAUD\x03"
	snapshotMagicNoRows = "JAUD\x02"
)

// Restore replaces the audit index with a snapshot.
func (a *Trails) Restore(data []byte) error {
	var st auditState
	var logBytes, rowBytes []byte
	withRows := bytes.HasPrefix(data, []byte(snapshotMagic))
	if rest, ok := bytes.CutPrefix(data, []byte(snapshotMagic)); ok || bytes.HasPrefix(data, []byte(snapshotMagicNoRows)) {
		if !ok {
			rest = data[len(snapshotMagicNoRows):]
		}
		n, read := binary.Uvarint(rest)
		if read <= 0 || n > uint64(len(rest)-read) {
			return errors.New("audit restore: truncated snapshot")
		}
		rest = rest[read:]
		if err := json.Unmarshal(rest[:n], &st); err != nil {
			return fmt.Errorf("audit restore: %w", err)
		}
		logBytes = rest[n:]
		if withRows {
			if len(logBytes) < 8 || binary.LittleEndian.Uint64(logBytes) > uint64(len(logBytes)-8) {
				return errors.New("audit restore: truncated snapshot")
			}
			n := int(binary.LittleEndian.Uint64(logBytes))
			logBytes, rowBytes = logBytes[8:8+n], logBytes[8+n:]
		}
	} else {
		if err := json.Unmarshal(data, &st); err != nil {
			return fmt.Errorf("audit restore: %w", err)
		}
		logBytes = st.Log
	}
	log, err := decodeEventLog(logBytes)
	if err != nil {
		return fmt.Errorf("audit restore: %w", err)
	}
	rows := &rowStore{base: len(log.entries)} // without rows: the earlier entries' are read from the store
	if withRows {
		if rows, err = decodeRows(rowBytes, len(log.entries)); err != nil {
			return fmt.Errorf("audit restore: %w", err)
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.log, a.rows = log, rows
	a.byRegion, a.byActor = refsIn(st.ByRegion), refsIn(st.ByActor)
	a.recent = &window{restored: st.Recent}
	a.recentBy = make(map[string]*window, len(st.RecentBy))
	for region, list := range st.RecentBy {
		a.recentBy[region] = &window{restored: list}
	}
	a.last.valid = false
	return nil
}

func oldestFirst(w *window) []Entry {
	list := w.latest()
	slices.Reverse(list)
	return list
}
