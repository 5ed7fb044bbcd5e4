package merklelog

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/transparency-dev/merkle/proof"
)

// Hash is a node hash; it reads and writes as lower-case hex in JSON.
type Hash []byte

func (h Hash) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h)), nil }

func (h *Hash) UnmarshalText(b []byte) error {
	v, err := hex.DecodeString(string(b))
	if err != nil || len(v) != hashSize {
		return fmt.Errorf("merklelog: %q is not a hex SHA-256 hash", b)
	}
	*h = v
	return nil
}

// InclusionProof proves that the commit at Position is leaf Position-1 of
// the tree of TreeSize commits (RFC 9162, section 2.1.3).
type InclusionProof struct {
	Type      string `json:"type"` // "inclusion"
	Position  uint64 `json:"position"`
	LeafIndex uint64 `json:"leaf_index"` // Position - 1
	TreeSize  uint64 `json:"tree_size"`
	LeafHash  Hash   `json:"leaf_hash"`
	// Leaf, when present, is the commit's canonical bytes (base64), so
	// that the proof shows what it proves: LeafHash = SHA-256(0x00 || Leaf).
	Leaf   []byte `json:"leaf,omitempty"`
	Hashes []Hash `json:"hashes"`
}

// ConsistencyProof proves that the tree of To commits extends the tree of
// From commits (RFC 9162, section 2.1.4).
type ConsistencyProof struct {
	Type   string `json:"type"` // "consistency"
	From   uint64 `json:"from"`
	To     uint64 `json:"to"`
	Hashes []Hash `json:"hashes"`
}

// Proof kinds, the Type of a proof.
const (
	KindInclusion   = "inclusion"
	KindConsistency = "consistency"
)

// Prover builds proofs from the stored tiles: a handful of tile reads (most
// from its cache) and a few dozen hashes per proof, never a replay. It can
// prove anything about a tree size whose tiles are stored, which every
// sealed size is. Safe for concurrent use.
type Prover struct {
	tiles *tileCache
}

// NewProver reads tiles from store, keeping up to cacheTiles of them in
// memory (8 KiB each).
func NewProver(store TileStore, cacheTiles int) *Prover {
	return &Prover{tiles: newTileCache(store, max(cacheTiles, 16))}
}

// ErrNotStored means the proof asks about a tree size that was never
// sealed (its tiles are not stored).
var ErrNotStored = errors.New("merklelog: the tree of that size is not stored")

// Inclusion proves the commit at position (1-based) in the tree of size.
func (p *Prover) Inclusion(ctx context.Context, position, size uint64) (InclusionProof, error) {
	if position == 0 || position > size {
		return InclusionProof{}, fmt.Errorf("merklelog: position %d is not in a tree of %d commits", position, size)
	}
	nodes, err := proof.Inclusion(position-1, size)
	if err != nil {
		return InclusionProof{}, err
	}
	hashes, err := p.rehash(ctx, nodes)
	if err != nil {
		return InclusionProof{}, err
	}
	leaf, err := nodeHash(ctx, p.tiles.tile, nodeID(0, position-1))
	if err != nil {
		return InclusionProof{}, notStored(err)
	}
	return InclusionProof{Type: KindInclusion, Position: position, LeafIndex: position - 1, TreeSize: size,
		LeafHash: leaf, Hashes: hashes}, nil
}

// Consistency proves that the tree of to commits extends the tree of from
// commits; 0 < from <= to.
func (p *Prover) Consistency(ctx context.Context, from, to uint64) (ConsistencyProof, error) {
	if from == 0 || from > to {
		return ConsistencyProof{}, fmt.Errorf("merklelog: no consistency proof from %d to %d commits", from, to)
	}
	nodes, err := proof.Consistency(from, to)
	if err != nil {
		return ConsistencyProof{}, err
	}
	hashes, err := p.rehash(ctx, nodes)
	if err != nil {
		return ConsistencyProof{}, err
	}
	return ConsistencyProof{Type: KindConsistency, From: from, To: to, Hashes: hashes}, nil
}

// Root returns the root of the tree of size from the stored tiles.
func (p *Prover) Root(ctx context.Context, size uint64) ([]byte, error) {
	root, err := rootAt(ctx, p.tiles.tile, size)
	return root, notStored(err)
}

func (p *Prover) rehash(ctx context.Context, nodes proof.Nodes) ([]Hash, error) {
	hs, err := nodeHashes(ctx, p.tiles.tile, nodes.IDs)
	if err != nil {
		return nil, notStored(err)
	}
	hs, err = nodes.Rehash(hs, Hasher.HashChildren)
	if err != nil {
		return nil, err
	}
	out := make([]Hash, len(hs))
	for i, h := range hs {
		out[i] = h
	}
	return out, nil
}

func notStored(err error) error {
	var missing errMissingTile
	if errors.As(err, &missing) {
		return fmt.Errorf("%w (%v)", ErrNotStored, err)
	}
	return err
}
