package api

import (
	"bytes"
	"container/list"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"weak"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/index"
)

// scoreBodies caches encoded region explanations. The explanation of a
// national-scale region is a few hundred KB of JSON (every point with its
// event ids); encoding it on every read was most of the region query, and its
// garbage drove the tail latency. An entry is keyed by the score result it
// encodes, which the index replaces (never changes) when an event touches the
// region, and by everything else the body shows; it holds the body without
// its position, which each response puts in front.
//
// A body of the live index is also found by the region's score version
// (index.ScoreVersion), which moves whenever its explanation may change: a
// read whose version has a body needs no score at all, and so does not
// depend on the index's bounded cache of explained results (a crowd reading
// every region of a year outgrew it and scored again on most reads).
type scoreBodies struct {
	mu       sync.Mutex
	entries  map[scoreBodyKey]*list.Element    // of *scoreBody
	versions map[scoreVersionKey]*list.Element // the same elements, for the live index
	lru      list.List                         // most recently used first
	bytes    int
}

type scoreBody struct {
	key      scoreBodyKey
	versions []scoreVersionKey // the versions that found it
	body     []byte
	etag     string // weakETag of body[1:]
	gz       gzipOnce
}

// scoreVersionKey finds a body of the live index without scoring.
type scoreVersionKey struct {
	year    int
	region  string
	version [2]uint64
	summary bool
}

// scoreBodyBudget bounds the cache by size: at national scale a region's
// explanation is a few hundred KB, so this keeps the regions a dashboard
// audience reads most (own region, the top of the rankings) without
// holding every region of every year.
const scoreBodyBudget = 64 << 20

type scoreBodyKey struct {
	// result is weak: a result the index has replaced can never be asked
	// for again, and the cache must not keep it alive until evicted.
	result            weak.Pointer[domain.ScoreResult]
	phase             domain.Phase
	notAssessed       bool
	changedSincePleno bool
	published         publishedJSON
	hasPublished      bool
	region            regionKey
	summary           bool
}

// regionKey is what regionJSON shows that can change (the rest follows from
// the region code, which the result implies).
type regionKey struct {
	perbatasan bool
	office     string
	officeKind string
}

func newScoreBodies() *scoreBodies {
	return &scoreBodies{entries: map[scoreBodyKey]*list.Element{}, versions: map[scoreVersionKey]*list.Element{}}
}

// cached answers a body of the live index found by its version, if there
// is one.
func (c *scoreBodies) cached(w http.ResponseWriter, r *http.Request, vk scoreVersionKey, position uint64) bool {
	c.mu.Lock()
	e, ok := c.versions[vk]
	if ok {
		c.lru.MoveToFront(e)
	}
	c.mu.Unlock()
	if !ok {
		return false
	}
	sb := e.Value.(*scoreBody)
	writeWithPosition(w, r, position, sb.body[1:], sb.etag, &sb.gz)
	return true
}

// write answers the explanation of rs at position, from the cache when it
// can, with a weak ETag over the body without its position (304 for an
// If-None-Match that holds it). vk, when not nil, is the version of the
// live index rs was scored at: the body is found by it from then on.
func (c *scoreBodies) write(w http.ResponseWriter, r *http.Request, rs index.RegionScore, position uint64, region regionJSON, summary bool, vk *scoreVersionKey) error {
	key := scoreBodyKey{result: weak.Make(rs.Result), phase: rs.Phase, notAssessed: rs.NotAssessed, changedSincePleno: rs.ChangedSincePleno,
		region: regionKey{region.Perbatasan, region.OfficeName, region.OfficeKind}, summary: summary}
	if p := publishedOf(rs); p != nil {
		key.published, key.hasPublished = *p, true
	}
	sb, ok := c.get(key)
	if !ok {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(scoreDTO(rs, region, summary)); err != nil {
			return fmt.Errorf("encode the explanation: %w", err)
		}
		body := buf.Bytes()
		sb = &scoreBody{key: key, body: body, etag: weakETag(body[1:])}
		c.put(sb)
	}
	if vk != nil {
		c.putVersion(*vk, sb)
	}
	writeWithPosition(w, r, position, sb.body[1:], sb.etag, &sb.gz) // the body without its opening brace
	return nil
}

func (c *scoreBodies) get(key scoreBodyKey) (*scoreBody, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*scoreBody), true
}

func (c *scoreBodies) put(sb *scoreBody) {
	if len(sb.body) > scoreBodyBudget/4 {
		return // not worth evicting a quarter of the cache for
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[sb.key]; ok {
		return
	}
	c.entries[sb.key] = c.lru.PushFront(sb)
	c.bytes += len(sb.body)
	for c.bytes > scoreBodyBudget {
		oldest := c.lru.Back()
		sb := c.lru.Remove(oldest).(*scoreBody)
		delete(c.entries, sb.key)
		for _, vk := range sb.versions {
			delete(c.versions, vk)
		}
		c.bytes -= len(sb.body)
	}
}

// putVersion lets vk find sb while sb is kept.
func (c *scoreBodies) putVersion(vk scoreVersionKey, sb *scoreBody) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[sb.key]
	if !ok || e.Value.(*scoreBody) != sb {
		return // not kept (too large, or evicted meanwhile)
	}
	if _, ok := c.versions[vk]; ok {
		return
	}
	c.versions[vk] = e
	sb.versions = append(sb.versions, vk)
}
