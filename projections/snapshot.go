package projections

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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

// Snapshot serialises the index state deterministically.
func (x *Index) Snapshot() ([]byte, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x.state); err != nil {
		return nil, fmt.Errorf("index snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// Restore replaces the index state with a snapshot.
func (x *Index) Restore(data []byte) error {
	st := newIndexState()
	if err := json.Unmarshal(data, st); err != nil {
		return fmt.Errorf("index restore: %w", err)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.state = st
	x.reindex()
	return nil
}
