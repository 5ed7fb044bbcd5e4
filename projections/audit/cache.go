package audit

import (
	"reflect"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/jejak-id/jejak/domain"
)

// CommitCacheBytes bounds the decoded commits audit pages keep across
// requests (estimated bytes): at national scale a commit is ~3.5 events
// and a few KB decoded, so ~8,000 commits, some 80 pages of 100.
const CommitCacheBytes = 32 << 20

// commitCache keeps decoded commits by position across pages, the least
// recently used out first, up to a bound on their estimated bytes. A page
// reads ~100 commits from the store one by one (a direct get each, and a
// JSON decode), and the same pages are asked for again (the newest page,
// a region's first page, the page a cursor names). A stored commit never
// changes (the stream is append-only), so nothing is ever invalidated;
// which events a page shows (as_of, cursors, filters) is decided by the
// log in memory, never by what the cache holds. The events it returns are
// shared between pages: read, never written. Safe for concurrent use.
type commitCache struct {
	mu         sync.Mutex
	max, size  int64
	items      map[uint64]*cachedCommit
	head, tail *cachedCommit // most and least recently used

	hits, misses atomic.Uint64
}

type cachedCommit struct {
	position   uint64
	events     []domain.RecordedEvent
	size       int64
	prev, next *cachedCommit // towards head, towards tail
}

func newCommitCache(max int64) *commitCache {
	return &commitCache{max: max, items: map[uint64]*cachedCommit{}}
}

// get returns the commit at position if it is kept, and counts a hit or
// a miss.
func (c *commitCache) get(position uint64) ([]domain.RecordedEvent, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.items[position]
	if !ok {
		c.misses.Add(1)
		return nil, false
	}
	c.hits.Add(1)
	c.unlink(it)
	c.pushHead(it)
	return it.events, true
}

// put keeps the commit at position, making room by dropping the least
// recently used; a commit larger than the whole bound is not kept.
func (c *commitCache) put(position uint64, events []domain.RecordedEvent) {
	size := commitBytes(events)
	if size > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[position]; ok {
		return // read by two pages at once: the first kept it
	}
	for c.size+size > c.max && c.tail != nil {
		old := c.tail
		c.unlink(old)
		delete(c.items, old.position)
		c.size -= old.size
	}
	it := &cachedCommit{position: position, events: events, size: size}
	c.items[position] = it
	c.pushHead(it)
	c.size += size
}

func (c *commitCache) unlink(it *cachedCommit) {
	if it.prev != nil {
		it.prev.next = it.next
	} else {
		c.head = it.next
	}
	if it.next != nil {
		it.next.prev = it.prev
	} else {
		c.tail = it.prev
	}
	it.prev, it.next = nil, nil
}

func (c *commitCache) pushHead(it *cachedCommit) {
	it.next = c.head
	if c.head != nil {
		c.head.prev = it
	}
	c.head = it
	if c.tail == nil {
		c.tail = it
	}
}

// stats reports the hits and misses so far, and the bytes kept.
func (c *commitCache) stats() (hits, misses uint64, bytes int64) {
	c.mu.Lock()
	bytes = c.size
	c.mu.Unlock()
	return c.hits.Load(), c.misses.Load(), bytes
}

// commitBytes estimates what a decoded commit holds in memory: its events'
// structs, the strings and slices they point to, and the item and map
// entry that keep it. An estimate (no allocator rounding), so the bound is
// on about that many bytes.
func commitBytes(events []domain.RecordedEvent) int64 {
	n := int64(unsafe.Sizeof(cachedCommit{})) + 64 // the item and its map entry
	for i := range events {
		ev := &events[i]
		n += int64(unsafe.Sizeof(*ev)) + int64(len(ev.Type)+len(ev.AggregateType)+len(ev.AggregateID)+len(ev.CorrelationID)+
			len(ev.CausationID)+len(ev.Actor.UserID)+len(ev.Actor.Region)+len(ev.Actor.Role))
		if ev.Data != nil {
			v := reflect.ValueOf(ev.Data)
			n += int64(v.Type().Size()) + heldBytes(v, 0)
		}
	}
	return n
}

// heldBytes is what v points to beyond its own size: strings' bytes,
// slices' and maps' elements, pointers' targets (a few levels deep: event
// data is plain values).
func heldBytes(v reflect.Value, depth int) int64 {
	if depth > 6 || v.Type() == timeType {
		return 0 // a time's location is shared
	}
	switch v.Kind() {
	case reflect.String:
		return int64(v.Len())
	case reflect.Slice:
		n := int64(v.Cap()) * int64(v.Type().Elem().Size())
		for i := range v.Len() {
			n += heldBytes(v.Index(i), depth+1)
		}
		return n
	case reflect.Array:
		var n int64
		for i := range v.Len() {
			n += heldBytes(v.Index(i), depth+1)
		}
		return n
	case reflect.Map:
		n := int64(v.Len()) * int64(v.Type().Key().Size()+v.Type().Elem().Size()+8)
		it := v.MapRange()
		for it.Next() {
			n += heldBytes(it.Key(), depth+1) + heldBytes(it.Value(), depth+1)
		}
		return n
	case reflect.Struct:
		var n int64
		for i := range v.NumField() {
			n += heldBytes(v.Field(i), depth+1)
		}
		return n
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		n := heldBytes(e, depth+1)
		if v.Kind() == reflect.Pointer || !isDirect(e) {
			n += int64(e.Type().Size())
		}
		return n
	}
	return 0
}

var timeType = reflect.TypeFor[time.Time]()

// isDirect reports whether an interface holds e in its own word (a
// pointer-shaped value) rather than pointing to a copy.
func isDirect(e reflect.Value) bool {
	switch e.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	}
	return false
}
