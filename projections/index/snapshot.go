package index

import (
	"bytes"
	"encoding/json"
	"fmt"
)

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
