package merklelog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/transparency-dev/merkle/compact"
)

// Follow delivers the stream's commits with Position > after, in order,
// up to the stream's head when it starts, until ctx ends or fn fails
// (eventstore.Store.ReadRaw, adapted by package app).
type Follow func(ctx context.Context, after uint64, fn func(Commit) error) error

// Tree is the Merkle tree over the event stream, built by reading it: a
// compact range of the whole tree (O(log n) hashes, enough for the root)
// and the partial tiles on its right edge. Complete tiles are queued as
// they fill and written to the TileStore by the sealer (Seal, and CatchUp
// every few dozen tiles), never on the goroutine that appends; a tile that
// another replica wrote already is compared, never overwritten, so two
// replicas that read different bytes notice (ErrDiverged).
//
// A tree starts from the latest signed head (Restore), trusting the stored
// tiles only as far as they hash to that head's root, and then takes only
// the commits after it. Two ways feed it, and they mix safely: Offer, from
// a reader that reads the stream anyway (in jejak serve, the projections'
// reads: the tree then costs a hash per commit and no read of its own), and
// CatchUp, which reads the stream itself up to its head (at start, when the
// offers stop or run ahead of the tree, and for SealNow). Each takes only
// the next position; what the other appended meanwhile is skipped, and the
// offers that ran ahead are appended once CatchUp reaches them.
//
// Safe for concurrent use: Offer and CatchUp append on their goroutines
// while Seal, Size and RootAt are called from others. mu guards the fields
// below it; flushing is held by the one goroutine writing tiles (the
// sealer's) and guards revs.
type Tree struct {
	store TileStore
	cache *tileCache

	flushing sync.Mutex
	revs     map[tileID]uint64 // revision of partial tiles as this tree last wrote or read them

	mu      sync.Mutex
	rng     *compact.Range
	partial [][]byte    // per tile level, the hashes of the right-edge tile so far
	full    []tileWrite // complete tiles not written yet, in order
	offered uint64      // the highest position offered (Offer), taken or not
	lh      leafHasher

	// ahead holds the leaf hashes of the latest run of consecutive offers
	// past the tree's next position (positions aheadFrom on): when a
	// CatchUp reaches aheadFrom, they are appended at once, so a reader that
	// got ahead of the tree feeds it again instead of being ignored for
	// good. At most maxAhead hashes (2 MiB).
	ahead     [][]byte
	aheadFrom uint64
}

// maxAhead bounds the offers kept past a gap; a longer run starts over at
// its newest commit (what a CatchUp reaches last).
const maxAhead = 1 << 16

type tileWrite struct {
	id   tileID
	data []byte
}

// flushAt is how many complete tiles (2 MiB) CatchUp lets wait before it
// writes them: a long catch-up (a restart far behind the stream) keeps
// little in memory.
const flushAt = 256

// ErrDiverged means a stored tile differs from what this tree computed:
// the stream it read differs from the one that tile was built from.
var ErrDiverged = errors.New("merklelog: the stored tree differs from the stream")

// ErrGap means the stream skipped a position: the server could not read a
// message (damaged storage) or it was removed.
var ErrGap = errors.New("merklelog: a position is missing from the stream")

// NewTree returns an empty tree writing tiles to store; cacheTiles bounds
// the tiles it keeps in memory for reading (8 KiB each).
func NewTree(store TileStore, cacheTiles int) *Tree {
	return &Tree{store: store, cache: newTileCache(store, max(cacheTiles, 16)), rng: rangeFactory.NewEmptyRange(0),
		revs: map[tileID]uint64{}}
}

// Restore sets the tree to the size of head from the stored tiles,
// checking that they hash to the head's root. Call it before Run.
func (t *Tree) Restore(ctx context.Context, head Head) error {
	if head.Size == 0 {
		return nil
	}
	rng, err := rangeAt(ctx, t.cache.tile, head.Size)
	if err != nil {
		return fmt.Errorf("merklelog: restore the tree at head %d (size %d): %w", head.Number, head.Size, err)
	}
	root, err := rng.GetRootHash(nil)
	if err != nil {
		return err
	}
	if !bytes.Equal(root, head.Root) {
		return fmt.Errorf("%w: the stored tiles do not hash to the root of head %d (size %d)", ErrDiverged, head.Number, head.Size)
	}
	var partial [][]byte
	for tl := uint(0); head.Size>>(tileHeight*tl) > 0; tl++ {
		n := head.Size >> (tileHeight * tl) // complete nodes at level 8*tl
		id, width := tileOf(tl, n)
		var part []byte
		if width > 0 {
			data, err := t.cache.tile(ctx, id, width)
			if err != nil {
				return err
			}
			part = append(make([]byte, 0, tileWidth*hashSize), data[:width*hashSize]...)
		}
		partial = append(partial, part)
	}
	t.mu.Lock()
	t.rng, t.partial = rng, partial
	t.mu.Unlock()
	return nil
}

// CatchUp appends every commit the stream holds after the tree's size, up
// to the stream's head when it starts (read is eventstore.Store.ReadRaw or
// ReadRawDirect, adapted by package app), skipping those that Offer
// appended meanwhile. It fails when the stream skips a position (ErrGap),
// a tile diverges (ErrDiverged) or the store fails; the commits appended
// until then stay, and the next CatchUp goes on from there. Not safe to
// run twice at once: the sealer is the one caller.
func (t *Tree) CatchUp(ctx context.Context, read Follow) error {
	return read(ctx, t.Size(), func(c Commit) error {
		t.mu.Lock()
		if next := t.rng.End() + 1; c.Position != next {
			t.mu.Unlock()
			if c.Position < next {
				return nil // offered meanwhile
			}
			return fmt.Errorf("%w: position %d, the next commit read is %d", ErrGap, next, c.Position)
		}
		err := t.appendLocked(c)
		if err == nil {
			err = t.takeAheadLocked()
		}
		waiting := len(t.full)
		t.mu.Unlock()
		if err == nil && waiting >= flushAt {
			err = t.Flush(ctx)
		}
		return err
	})
}

// Append adds the commit at the next position; any other position is an
// error (ErrGap past it, a duplicate before it). Complete tiles wait for
// Flush or Seal.
func (t *Tree) Append(_ context.Context, c Commit) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if next := t.rng.End() + 1; c.Position != next {
		if c.Position > next {
			return fmt.Errorf("%w: position %d, the next commit read is %d", ErrGap, next, c.Position)
		}
		return fmt.Errorf("merklelog: commit %d appended twice (the tree is at %d)", c.Position, next-1)
	}
	return t.appendLocked(c)
}

// Offer appends c if it is the commit at the next position and reports
// whether it did. A commit already in the tree is ignored. One past a gap
// (the reader is ahead of the tree) is kept as a leaf hash, with the run
// of offers after it, until CatchUp fills the gap and appends the run: a
// reader that got ahead of the tree feeds it again from there. For a
// reader that reads the whole stream in order anyway: it costs one leaf
// hash and no I/O, and it is safe to offer the same commit from several
// readers. c's bytes are not kept.
func (t *Tree) Offer(c Commit) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.offered = max(t.offered, c.Position)
	next := t.rng.End() + 1
	switch {
	case c.Position < next:
		return false // already in the tree
	case c.Position > next:
		t.keepAheadLocked(c)
		return false
	}
	return t.appendLocked(c) == nil && t.takeAheadLocked() == nil
}

// keepAheadLocked keeps the leaf hash of c, offered past a gap, in the run
// of offers ahead (or starts a new run with it). t.mu is held.
func (t *Tree) keepAheadLocked(c Commit) {
	if len(t.ahead) == 0 || c.Position != t.aheadFrom+uint64(len(t.ahead)) || len(t.ahead) == maxAhead {
		clear(t.ahead)
		t.ahead, t.aheadFrom = t.ahead[:0], c.Position
	}
	t.ahead = append(t.ahead, t.lh.hash(c))
}

// takeAheadLocked appends the offers kept ahead once the tree has reached
// them, and forgets those it has passed. t.mu is held.
func (t *Tree) takeAheadLocked() error {
	if len(t.ahead) == 0 {
		return nil
	}
	next := t.rng.End() + 1
	if next < t.aheadFrom {
		return nil // still a gap before them
	}
	var err error
	if skip := next - t.aheadFrom; skip < uint64(len(t.ahead)) {
		for _, h := range t.ahead[skip:] {
			if err = t.rng.Append(h, t.visit); err != nil {
				break
			}
		}
	}
	clear(t.ahead)
	t.ahead = t.ahead[:0]
	return err
}

// Offered returns the highest position offered so far, taken or not: a
// sealer compares it with Size to tell whether the offers reach the tree.
func (t *Tree) Offered() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.offered
}

// appendLocked hashes c and appends it; t.mu is held.
func (t *Tree) appendLocked(c Commit) error {
	return t.rng.Append(t.lh.hash(c), t.visit)
}

// visit collects the new complete nodes of tile levels into the partial
// tiles, and the tiles they fill. t.mu is held (called from rng.Append).
func (t *Tree) visit(id compact.NodeID, hash []byte) {
	if id.Level%tileHeight != 0 {
		return
	}
	tl := id.Level / tileHeight
	for uint(len(t.partial)) <= tl {
		t.partial = append(t.partial, make([]byte, 0, tileWidth*hashSize))
	}
	t.partial[tl] = append(t.partial[tl], hash...)
	if len(t.partial[tl]) == tileWidth*hashSize {
		t.full = append(t.full, tileWrite{id: tileID{level: tl, index: id.Index / tileWidth}, data: t.partial[tl]})
		t.partial[tl] = make([]byte, 0, tileWidth*hashSize)
	}
}

// Flush writes the complete tiles waiting. On failure the ones not written
// wait for the next Flush or Seal.
func (t *Tree) Flush(ctx context.Context) error {
	t.flushing.Lock()
	defer t.flushing.Unlock()
	return t.flushLocked(ctx)
}

// flushLocked writes the waiting complete tiles; t.flushing is held.
func (t *Tree) flushLocked(ctx context.Context) error {
	t.mu.Lock()
	todo := t.full
	t.full = nil
	t.mu.Unlock()
	for i, w := range todo {
		if err := t.write(ctx, w); err != nil {
			t.mu.Lock()
			t.full = append(slices.Clip(todo[i:]), t.full...)
			t.mu.Unlock()
			return err
		}
	}
	return nil
}

// write stores a tile, or checks it against what is stored: tiles only
// grow, so the longer of the two must start with the shorter. The first
// try is blind, at the revision this tree last saw of the tile (absent for
// a tile it never wrote): that is what a tile holds unless another replica
// wrote it, so one round trip is the rule; a refused write reads the
// stored tile and compares. t.flushing is held.
func (t *Tree) write(ctx context.Context, w tileWrite) error {
	key := w.id.key()
	rev := t.revs[w.id]
	for {
		newRev, written, err := t.store.Put(ctx, key, w.data, rev)
		if err != nil {
			return err
		}
		if written {
			t.stored(w.id, w.data, newRev)
			return nil
		}
		cur, curRev, ok, err := t.store.Get(ctx, key)
		if err != nil {
			return err
		}
		if ok {
			n := min(len(cur), len(w.data))
			if !bytes.Equal(cur[:n], w.data[:n]) {
				return divergence(w.id, cur, w.data)
			}
			if len(cur) >= len(w.data) {
				t.stored(w.id, cur, curRev)
				return nil
			}
		}
		rev = curRev
	}
}

// stored notes that the store holds data for tile id at revision rev.
// t.flushing is held.
func (t *Tree) stored(id tileID, data []byte, rev uint64) {
	t.cache.put(id, data)
	if len(data) == tileWidth*hashSize {
		delete(t.revs, id) // complete: never written again
	} else {
		t.revs[id] = rev
	}
}

// divergence names the first node where a stored tile and a computed one
// differ (for level-0 tiles, the stream position).
func divergence(id tileID, stored, computed []byte) error {
	i := 0
	for i*hashSize < min(len(stored), len(computed)) && bytes.Equal(stored[i*hashSize:(i+1)*hashSize], computed[i*hashSize:(i+1)*hashSize]) {
		i++
	}
	node := id.index*tileWidth + uint64(i)
	if id.level == 0 {
		return fmt.Errorf("%w: the commit at position %d hashes differently than when it was first read", ErrDiverged, node+1)
	}
	return fmt.Errorf("%w: node %d at level %d", ErrDiverged, node, id.level*tileHeight)
}

// Size returns the number of commits in the tree (the position of the last
// one).
func (t *Tree) Size() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rng.End()
}

// Seal writes the tiles of the tree as it is now (the complete ones
// waiting and the partial ones of the right edge), so that every node of
// that tree can be read from the store, and returns its size and root.
// Appends go on meanwhile: they wait only while Seal takes its copy.
func (t *Tree) Seal(ctx context.Context) (uint64, []byte, error) {
	t.flushing.Lock()
	defer t.flushing.Unlock()
	t.mu.Lock()
	size := t.rng.End()
	root, err := t.root()
	var parts []tileWrite
	for tl, part := range t.partial {
		if len(part) == 0 {
			continue
		}
		id, _ := tileOf(uint(tl), size>>(tileHeight*uint(tl)))
		parts = append(parts, tileWrite{id: id, data: slices.Clone(part)})
	}
	t.mu.Unlock()
	if err != nil {
		return 0, nil, err
	}
	// The complete tiles first: they include every one filled up to size.
	if err := t.flushLocked(ctx); err != nil {
		return 0, nil, err
	}
	for _, w := range parts {
		if err := t.write(ctx, w); err != nil {
			return 0, nil, err
		}
	}
	return size, root, nil
}

// root returns the root of the whole tree. t.mu is held.
func (t *Tree) root() ([]byte, error) {
	if t.rng.End() == 0 {
		return emptyRoot(), nil
	}
	return t.rng.GetRootHash(nil)
}

// RootAt returns the root of the tree's first size commits, as this tree
// computed them: its own partial tiles first, then stored complete tiles
// (which Append compared with its own). size must not exceed Size.
func (t *Tree) RootAt(ctx context.Context, size uint64) ([]byte, error) {
	t.mu.Lock()
	if size == t.rng.End() {
		defer t.mu.Unlock()
		return t.root()
	}
	if size > t.rng.End() {
		t.mu.Unlock()
		return nil, fmt.Errorf("merklelog: the tree holds %d commits, not %d", t.Size(), size)
	}
	end := t.rng.End()
	partial := make([][]byte, len(t.partial))
	for i, p := range t.partial {
		partial[i] = slices.Clone(p)
	}
	waiting := make(map[tileID][]byte, len(t.full))
	for _, w := range t.full { // complete tiles are never modified
		waiting[w.id] = w.data
	}
	t.mu.Unlock()
	own := func(ctx context.Context, id tileID, width int) ([]byte, error) {
		if int(id.level) < len(partial) {
			if cur, _ := tileOf(id.level, end>>(tileHeight*id.level)); cur == id && len(partial[id.level]) >= width*hashSize {
				return partial[id.level], nil
			}
		}
		if data, ok := waiting[id]; ok {
			return data, nil
		}
		return t.cache.tile(ctx, id, width)
	}
	return rootAt(ctx, own, size)
}
