package merklelog

import (
	"container/list"
	"context"
	"crypto/sha256"
	"fmt"
	"sync"

	"github.com/transparency-dev/merkle/compact"
)

// TileStore keeps tiles durably (natsinfra.Tiles implements it on a
// JetStream KV bucket). A tile's value only ever grows: Put stores value
// if the key is at revision (0: absent) and returns its new revision, or
// reports written=false, storing nothing, otherwise.
type TileStore interface {
	Get(ctx context.Context, key string) (value []byte, revision uint64, ok bool, err error)
	Put(ctx context.Context, key string, value []byte, revision uint64) (newRevision uint64, written bool, err error)
}

// Tiles: the node hashes of tree levels 0, 8, 16, ... are stored in tiles
// of tileWidth consecutive hashes (the layout of C2SP tlog-tiles): tile
// (L, N) holds the hashes of the nodes at level 8L with indices
// 256N..256N+255, concatenated, 32 bytes each. A tile on the right edge
// holds fewer (a partial tile) and grows as the tree does. Nodes between
// those levels are hashed from the tile below when needed (at most 255
// hashes).
const (
	tileHeight = 8
	tileWidth  = 1 << tileHeight
	hashSize   = sha256.Size
)

// tileID names a tile: its tile level (tree level / 8) and index.
type tileID struct {
	level uint
	index uint64
}

func (t tileID) key() string { return fmt.Sprintf("tile.%d.%d", t.level, t.index) }

// tileOf returns the tile holding the node at tree level 8*tileLevel and
// index i, and the node's offset in it.
func tileOf(tileLevel uint, i uint64) (tileID, int) {
	return tileID{level: tileLevel, index: i / tileWidth}, int(i % tileWidth)
}

// tileSource returns the first width hashes of a tile (at least that many
// bytes), or errMissingTile.
type tileSource func(ctx context.Context, t tileID, width int) ([]byte, error)

// errMissingTile means the store does not hold the nodes asked for: the
// size asked about was never sealed.
type errMissingTile struct {
	tile  tileID
	width int
}

func (e errMissingTile) Error() string {
	return fmt.Sprintf("merklelog: tile %s does not hold %d hashes", e.tile.key(), e.width)
}

// nodeHash returns the hash of a complete node of the tree from tiles.
func nodeHash(ctx context.Context, src tileSource, id compact.NodeID) ([]byte, error) {
	tl, h := id.Level/tileHeight, id.Level%tileHeight
	first, count := id.Index<<h, 1<<h
	t, off := tileOf(tl, first)
	data, err := src(ctx, t, off+count)
	if err != nil {
		return nil, err
	}
	return perfectRoot(data[off*hashSize : (off+count)*hashSize]), nil
}

// perfectRoot hashes a power-of-two run of concatenated node hashes up to
// their common ancestor.
func perfectRoot(hashes []byte) []byte {
	n := len(hashes) / hashSize
	if n == 1 {
		return append([]byte(nil), hashes...)
	}
	level := make([][]byte, n)
	for i := range level {
		level[i] = hashes[i*hashSize : (i+1)*hashSize]
	}
	for len(level) > 1 {
		for i := 0; i < len(level)/2; i++ {
			level[i] = hashChildren(level[2*i], level[2*i+1])
		}
		level = level[:len(level)/2]
	}
	return level[0]
}

// nodeHashes returns the hashes of ids from tiles.
func nodeHashes(ctx context.Context, src tileSource, ids []compact.NodeID) ([][]byte, error) {
	out := make([][]byte, len(ids))
	for i, id := range ids {
		h, err := nodeHash(ctx, src, id)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

// rangeAt returns the compact range [0, size) from tiles.
func rangeAt(ctx context.Context, src tileSource, size uint64) (*compact.Range, error) {
	hashes, err := nodeHashes(ctx, src, compact.RangeNodes(0, size, nil))
	if err != nil {
		return nil, err
	}
	return rangeFactory.NewRange(0, size, hashes)
}

// rootAt returns the root of the tree of the given size from tiles.
func rootAt(ctx context.Context, src tileSource, size uint64) ([]byte, error) {
	if size == 0 {
		return emptyRoot(), nil
	}
	r, err := rangeAt(ctx, src, size)
	if err != nil {
		return nil, err
	}
	return r.GetRootHash(nil)
}

func emptyRoot() []byte { return Hasher.EmptyRoot() }

var rangeFactory = &compact.RangeFactory{Hash: hashChildren}

// tileCache reads tiles from a store and keeps the most recently used
// ones. A cached partial tile is read again when more of it is asked for.
// Safe for concurrent use.
type tileCache struct {
	store TileStore
	max   int

	mu      sync.Mutex
	entries map[tileID]*list.Element // of *cachedTile
	lru     list.List                // front: most recent
}

type cachedTile struct {
	id   tileID
	data []byte
}

func newTileCache(store TileStore, max int) *tileCache {
	return &tileCache{store: store, max: max, entries: map[tileID]*list.Element{}}
}

func (c *tileCache) tile(ctx context.Context, t tileID, width int) ([]byte, error) {
	c.mu.Lock()
	if e, ok := c.entries[t]; ok {
		ct := e.Value.(*cachedTile)
		if len(ct.data) >= width*hashSize {
			c.lru.MoveToFront(e)
			c.mu.Unlock()
			return ct.data, nil
		}
	}
	c.mu.Unlock()
	data, _, ok, err := c.store.Get(ctx, t.key())
	if err != nil {
		return nil, err
	}
	if !ok || len(data) < width*hashSize || len(data)%hashSize != 0 {
		return nil, errMissingTile{tile: t, width: width}
	}
	c.put(t, data)
	return data, nil
}

func (c *tileCache) put(t tileID, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[t]; ok {
		if ct := e.Value.(*cachedTile); len(ct.data) < len(data) {
			ct.data = data
		}
		c.lru.MoveToFront(e)
		return
	}
	c.entries[t] = c.lru.PushFront(&cachedTile{id: t, data: data})
	for c.lru.Len() > c.max {
		last := c.lru.Back()
		c.lru.Remove(last)
		delete(c.entries, last.Value.(*cachedTile).id)
	}
}
