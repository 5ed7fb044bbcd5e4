package projections

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jejak-id/jejak/domain"
)

// Snapshotter is a projection whose state can be serialised
// deterministically: equal states give equal bytes. The bytes are the
// checkpoint, the snapshot and (hashed) the state hash.
type Snapshotter interface {
	Projection
	// Snapshot serialises the state. It takes the read lock.
	Snapshot() ([]byte, error)
	// Restore replaces the state with a snapshot of the same Version.
	Restore(data []byte) error
}

// StateHash is the SHA-256 of a projection's snapshot, in hex.
func StateHash(p Snapshotter) (string, error) {
	data, err := p.Snapshot()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// Snapshot serialises the index state deterministically, in the compact
// binary form of index_codec.go.
func (x *Index) Snapshot() ([]byte, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	hint := x.snapshotSize.Load() // the last size, with room to grow
	data, err := encodeIndexState(x.state, int(hint+hint/8))
	if err != nil {
		return nil, fmt.Errorf("index snapshot: %w", err)
	}
	x.snapshotSize.Store(int64(len(data)))
	return data, nil
}

// Restore replaces the index state with a snapshot.
func (x *Index) Restore(data []byte) error {
	st, err := decodeIndexState(data)
	if err != nil {
		return fmt.Errorf("index restore: %w", err)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.state = st
	x.reindex()
	return nil
}

// StateJSON is the index state in a readable form: indented JSON with
// sorted map keys, for people and tools that inspect a snapshot.
func (x *Index) StateJSON() ([]byte, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(x.state); err != nil {
		return nil, fmt.Errorf("index state: %w", err)
	}
	return buf.Bytes(), nil
}

// auditState is the audit projection's serialised form.
type auditState struct {
	ByRegion map[string][]string // region -> sorted "type/id"
	ByActor  map[string][]string
	Recent   []AuditEntry
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

// Snapshot serialises the audit index deterministically.
func (a *Audit) Snapshot() ([]byte, error) {
	a.mu.RLock()
	st := auditState{ByRegion: refsOut(a.byRegion), ByActor: refsOut(a.byActor), Recent: a.latest()}
	slices.Reverse(st.Recent) // oldest first
	data, err := json.Marshal(st)
	a.mu.RUnlock()
	return data, err
}

// Restore replaces the audit index with a snapshot.
func (a *Audit) Restore(data []byte) error {
	var st auditState
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("audit restore: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.byRegion, a.byActor = refsIn(st.ByRegion), refsIn(st.ByActor)
	a.restored, a.recent = st.Recent, nil
	return nil
}

type timelineState struct {
	Positions []uint64
	Times     []int64
}

// Snapshot serialises the timeline.
func (t *Timeline) Snapshot() ([]byte, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return json.Marshal(timelineState{Positions: t.positions, Times: t.times})
}

// Restore replaces the timeline with a snapshot.
func (t *Timeline) Restore(data []byte) error {
	var st timelineState
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("timeline restore: %w", err)
	}
	if len(st.Positions) != len(st.Times) {
		return errors.New("timeline restore: positions and times differ in length")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.positions, t.times = st.Positions, st.Times
	return nil
}
