package projections

import (
	"crypto/sha256"
	"encoding/hex"
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
