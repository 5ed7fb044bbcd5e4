package merklelog

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
)

// The checks an auditor runs offline, with only the public key, heads and
// proofs (jejak verify-proof). Heads must come from OpenHead, which has
// checked their signatures.

// ErrSizeBackwards means a later head holds fewer commits than an earlier
// one: a log never shrinks.
var ErrSizeBackwards = errors.New("merklelog: the head's size goes backwards")

// ErrProofFailed means a proof does not hold for the heads given.
var ErrProofFailed = errors.New("merklelog: the proof does not verify")

// CheckInclusion checks that p proves a commit's inclusion in head's tree.
// When p carries the commit's canonical bytes, they must hash to its leaf.
func CheckInclusion(head Head, p InclusionProof) error {
	if p.Type != KindInclusion {
		return fmt.Errorf("%w: not an inclusion proof (%q)", ErrProofFailed, p.Type)
	}
	if p.TreeSize != head.Size {
		return fmt.Errorf("%w: the proof is for a tree of %d commits, the head has %d", ErrProofFailed, p.TreeSize, head.Size)
	}
	if p.Position == 0 || p.LeafIndex != p.Position-1 {
		return fmt.Errorf("%w: position %d and leaf index %d do not agree", ErrProofFailed, p.Position, p.LeafIndex)
	}
	if p.Leaf != nil {
		sum := sha256.Sum256(append([]byte{0}, p.Leaf...))
		if !bytes.Equal(sum[:], p.LeafHash) {
			return fmt.Errorf("%w: the commit's bytes do not hash to the leaf hash", ErrProofFailed)
		}
		if pos, ok := canonicalPosition(p.Leaf); !ok || pos != p.Position {
			return fmt.Errorf("%w: the commit's bytes name another position", ErrProofFailed)
		}
	}
	if err := proof.VerifyInclusion(Hasher, p.LeafIndex, p.TreeSize, p.LeafHash, hashes(p.Hashes), head.Root); err != nil {
		return fmt.Errorf("%w: the leaf and the proof do not give the head's root (%s)", ErrProofFailed, shortReason(err))
	}
	return nil
}

// CheckConsistency checks that p proves that newer's tree extends older's.
// A newer head with fewer commits is ErrSizeBackwards.
func CheckConsistency(older, newer Head, p ConsistencyProof) error {
	if newer.Size < older.Size {
		return fmt.Errorf("%w: %d commits after %d", ErrSizeBackwards, newer.Size, older.Size)
	}
	if p.Type != KindConsistency {
		return fmt.Errorf("%w: not a consistency proof (%q)", ErrProofFailed, p.Type)
	}
	if p.From != older.Size || p.To != newer.Size {
		return fmt.Errorf("%w: the proof is from %d to %d commits, the heads have %d and %d", ErrProofFailed,
			p.From, p.To, older.Size, newer.Size)
	}
	if older.Size == 0 {
		return fmt.Errorf("%w: a head of an empty tree proves nothing", ErrProofFailed)
	}
	if err := proof.VerifyConsistency(Hasher, p.From, p.To, hashes(p.Hashes), older.Root, newer.Root); err != nil {
		return fmt.Errorf("%w: the newer tree does not extend the older one (%s)", ErrProofFailed, shortReason(err))
	}
	return nil
}

func hashes(hs []Hash) [][]byte {
	out := make([][]byte, len(hs))
	for i, h := range hs {
		out[i] = h
	}
	return out
}

// canonicalPosition reads the position at the start of canonical bytes.
func canonicalPosition(b []byte) (uint64, bool) {
	if len(b) < 8 {
		return 0, false
	}
	var p uint64
	for _, c := range b[:8] {
		p = p<<8 | uint64(c)
	}
	return p, true
}

func nodeID(level uint, index uint64) compact.NodeID { return compact.NewNodeID(level, index) }

// shortReason is the library's reason without the hashes it prints as
// byte lists.
func shortReason(err error) string {
	var mismatch proof.RootMismatchError
	if errors.As(err, &mismatch) {
		return fmt.Sprintf("calculated root %x, expected %x", mismatch.CalculatedRoot, mismatch.ExpectedRoot)
	}
	return err.Error()
}
