package eventstore

import "sync"

// aggregateHead is where an aggregate stands: its version and the stream
// sequence of its last commit (0, 0 for a new aggregate).
type aggregateHead struct {
	version uint64
	seq     uint64
}

// versionCache remembers aggregate heads seen by this process, so that an
// append usually needs no lookup. It is only a hint: the server checks the
// expected sequence, and a stale entry just costs one rejected publish.
// Safe for concurrent use.
type versionCache struct {
	mu    sync.Mutex
	max   int
	heads map[string]aggregateHead // by subject
}

func newVersionCache(max int) *versionCache {
	return &versionCache{max: max, heads: make(map[string]aggregateHead)}
}

func (c *versionCache) get(subject string) (aggregateHead, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.heads[subject]
	return h, ok
}

// put records h unless the cache already knows a later head.
func (c *versionCache) put(subject string, h aggregateHead) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.heads[subject]; ok && old.seq >= h.seq {
		return
	}
	if len(c.heads) >= c.max {
		for evict := range c.heads { // any entry: the cache is a hint
			delete(c.heads, evict)
			break
		}
	}
	c.heads[subject] = h
}
