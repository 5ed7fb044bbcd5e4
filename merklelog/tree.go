package merklelog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/transparency-dev/merkle/compact"
)

// Follow delivers the stream's commits with Position > after, in order,
// up to the stream's head when it starts, until ctx ends or fn fails
// (eventstore.Store.ReadRaw, adapted by package app).
type Follow func(ctx context.Context, after uint64, fn func(Commit) error) error

// Tree is the Merkle tree over the event stream, built by reading it: a
// compact range of the whole tree (O(log n) hashes, enough for the root)
// and the partial tiles on its right edge. Complete tiles are written to
// the TileStore as they fill, partial ones when Seal asks; a tile that
// another replica wrote already is compared, never overwritten, so two
// replicas that read different bytes notice (ErrDiverged).
//
// A tree starts from the latest signed head (Restore), trusting the stored
// tiles only as far as they hash to that head's root, and then reads only
// the commits after it. It does not follow the stream live: the sealer
// catches it up in one batch per interval, just before sealing, so that
// appends never wait for it and the stream is read once per interval
// rather than once per commit.
//
// Safe for concurrent use: CatchUp appends on one goroutine while Seal,
// Size and RootAt are called from others. mu guards every field below it.
type Tree struct {
	store TileStore
	cache *tileCache

	mu      sync.Mutex
	rng     *compact.Range
	partial [][]byte // per tile level, the hashes of the right-edge tile so far
	full    []tileWrite
	lh      leafHasher
}

type tileWrite struct {
	id   tileID
	data []byte
}

// ErrDiverged means a stored tile differs from what this tree computed:
// the stream it read differs from the one that tile was built from.
var ErrDiverged = errors.New("merklelog: the stored tree differs from the stream")

// ErrGap means the stream skipped a position: the server could not read a
// message (damaged storage) or it was removed.
var ErrGap = errors.New("merklelog: a position is missing from the stream")

// NewTree returns an empty tree writing tiles to store; cacheTiles bounds
// the tiles it keeps in memory for reading (8 KiB each).
func NewTree(store TileStore, cacheTiles int) *Tree {
	return &Tree{store: store, cache: newTileCache(store, max(cacheTiles, 16)), rng: rangeFactory.NewEmptyRange(0)}
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
// to the stream's head when it starts (read is eventstore.Store.ReadRaw,
// adapted by package app). It fails when the stream skips a position
// (ErrGap), a tile diverges (ErrDiverged) or the store fails; the commits
// appended until then stay, and the next CatchUp goes on from there. Not
// safe to run twice at once: the sealer is the one caller.
func (t *Tree) CatchUp(ctx context.Context, read Follow) error {
	return read(ctx, t.Size(), func(c Commit) error { return t.Append(ctx, c) })
}

// Append adds the commit at the next position. Complete tiles are written
// before it returns; if that fails, the tree keeps the commit and retries
// the write on the next Append or Seal.
func (t *Tree) Append(ctx context.Context, c Commit) error {
	t.mu.Lock()
	if next := t.rng.End() + 1; c.Position != next {
		t.mu.Unlock()
		if c.Position > next {
			return fmt.Errorf("%w: position %d, the next commit read is %d", ErrGap, next, c.Position)
		}
		return fmt.Errorf("merklelog: commit %d appended twice (the tree is at %d)", c.Position, next-1)
	}
	defer t.mu.Unlock()
	leaf := t.lh.hash(c)
	if err := t.rng.Append(leaf, t.visit); err != nil {
		return err
	}
	// Written under t.mu, so that Seal never sees a size whose tiles are
	// not all stored.
	for len(t.full) > 0 {
		if err := t.write(ctx, t.full[0]); err != nil {
			return err
		}
		t.full = t.full[1:]
	}
	return nil
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

// write stores a tile, or checks it against what is stored: tiles only
// grow, so the longer of the two must start with the shorter.
func (t *Tree) write(ctx context.Context, w tileWrite) error {
	for {
		cur, rev, ok, err := t.store.Get(ctx, w.id.key())
		if err != nil {
			return err
		}
		if ok {
			n := min(len(cur), len(w.data))
			if !bytes.Equal(cur[:n], w.data[:n]) {
				return divergence(w.id, cur, w.data)
			}
			if len(cur) >= len(w.data) {
				t.cache.put(w.id, cur)
				return nil
			}
		}
		written, err := t.store.Put(ctx, w.id.key(), w.data, rev)
		if err != nil {
			return err
		}
		if written {
			t.cache.put(w.id, w.data)
			return nil
		}
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

// Seal writes the partial tiles of the right edge, so that every node of
// the tree as it is now can be read from the store, and returns its size
// and root. Appends wait meanwhile.
func (t *Tree) Seal(ctx context.Context) (uint64, []byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	size := t.rng.End()
	for len(t.full) > 0 {
		if err := t.write(ctx, t.full[0]); err != nil {
			return 0, nil, err
		}
		t.full = t.full[1:]
	}
	for tl, part := range t.partial {
		if len(part) == 0 {
			continue
		}
		n := size >> (tileHeight * uint(tl))
		id, _ := tileOf(uint(tl), n)
		if err := t.write(ctx, tileWrite{id: id, data: append([]byte(nil), part...)}); err != nil {
			return 0, nil, err
		}
	}
	root, err := t.root()
	return size, root, err
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
		partial[i] = append([]byte(nil), p...)
	}
	t.mu.Unlock()
	own := func(ctx context.Context, id tileID, width int) ([]byte, error) {
		if int(id.level) < len(partial) {
			if cur, _ := tileOf(id.level, end>>(tileHeight*id.level)); cur == id && len(partial[id.level]) >= width*hashSize {
				return partial[id.level], nil
			}
		}
		return t.cache.tile(ctx, id, width)
	}
	return rootAt(ctx, own, size)
}
