package projections

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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
