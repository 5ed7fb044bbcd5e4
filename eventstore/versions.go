package eventstore

import (
	"hash/maphash"
	"sync"

	"github.com/google/uuid"
)

// aggregateHead is where an aggregate stands: its version, the stream
// sequence of its last commit and the command that made it (zero values for
// a new aggregate).
type aggregateHead struct {
	version uint64
	seq     uint64
	command uuid.UUID
}

// versionCache remembers aggregate heads seen by this process, so that an
// append usually needs no lookup. It is only a hint: the server checks the
// expected sequence, and a stale entry just costs one rejected publish.
// Sharded by subject, so concurrent writers on different aggregates rarely
// wait for each other. Safe for concurrent use.
type versionCache struct {
	seed   maphash.Seed
	shards [versionShards]versionShard
}

const versionShards = 16

type versionShard struct {
	mu    sync.Mutex
	max   int
	heads map[string]aggregateHead // by subject
	_     [40]byte                 // keep shards on separate cache lines
}

func newVersionCache(size int) *versionCache {
	c := &versionCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i] = versionShard{max: max(1, size/versionShards), heads: make(map[string]aggregateHead)}
	}
	return c
}

func (c *versionCache) shard(subject string) *versionShard {
	return &c.shards[maphash.String(c.seed, subject)%versionShards]
}

func (c *versionCache) get(subject string) (aggregateHead, bool) {
	s := c.shard(subject)
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.heads[subject]
	return h, ok
}

// put records h unless the cache already knows a later head.
func (c *versionCache) put(subject string, h aggregateHead) {
	s := c.shard(subject)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.heads[subject]; ok && old.seq >= h.seq {
		return
	}
	if len(s.heads) >= s.max {
		for evict := range s.heads { // any entry: the cache is a hint
			delete(s.heads, evict)
			break
		}
	}
	s.heads[subject] = h
}
