// Package merklelog makes Jejak's history tamper-evident: an RFC 9162
// (RFC 6962) Merkle tree whose leaves are the commits of the event stream
// in stream order, signed tree heads ("seals") appended to their own
// stream, and inclusion and consistency proofs that an auditor checks with
// only the public key.
//
// The pieces:
//
//   - leaf.go: the canonical bytes of a commit and its leaf hash;
//   - tiles.go: the tree's node hashes, stored as tiles of 256 hashes
//     (levels 0, 8, 16, ... of the tree) in a TileStore;
//   - tree.go: the Tree, a consumer of the event stream that keeps a
//     compact range (O(log n) hashes) and writes tiles as they fill;
//   - head.go, keys.go: signed tree heads as C2SP checkpoints (signed
//     notes, Ed25519) and the sealing keys;
//   - sealer.go: the Sealer, which appends a head every interval with
//     optimistic concurrency, so one head is written per interval whichever
//     replica seals;
//   - heads.go, prover.go: reading heads and building proofs from tiles
//     (no replay per request);
//   - check.go, verify.go: offline checks of proofs, and the full check of
//     the log against the stream.
//
// The library github.com/transparency-dev/merkle does the tree arithmetic
// (compact ranges, proof node layout, proof verification);
// golang.org/x/mod/sumdb/note signs and opens the checkpoints. See
// docs/MERKLE_LOG.md for the formats.
package merklelog
