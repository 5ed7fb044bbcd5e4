package index

import (
	"container/list"

	"github.com/jejak-id/jejak/domain"
)

// scoreCache keeps computed scores between reads. Two kinds, because
// their sizes differ by three orders of magnitude:
//   - the totals of every region-year scored (a few hundred bytes each):
//     rankings of a year still open need every region's, on every read;
//   - explained results (every indicator and innovation with its points
//     and event ids: hundreds of KB for a national-scale region), least
//     recently used out first within a budget of estimated bytes. Without
//     the bound, reading each region's profile once kept 700 MB at
//     national scale (docs/BENCHMARKS.md, "Serve's memory").
//
// Entries are dropped when an event touches their region (invalidate).
// The caller holds Index.cacheMu.
type scoreCache struct {
	budget  int64
	bytes   int64
	lru     list.List // of *cachedScore, most recently used first
	results map[scoreKey]*list.Element
	totals  map[scoreKey]scoreTotals
}

type cachedScore struct {
	key  scoreKey
	res  *domain.ScoreResult
	size int64
}

// scoreTotals is what a ranking row shows of a score.
type scoreTotals struct {
	verified       domain.Totals
	provisionalIID domain.Hundredths
}

// DefaultScoreCacheBytes bounds the explained results kept: about two
// hundred national-scale regions, as many as the API keeps encoded
// (scoreBodies, 64 MiB of JSON, whose entries live as long as their
// result). An export or a freeze, which read every region, take the
// results from scoreAll, not from this cache.
const DefaultScoreCacheBytes = 128 << 20

func newScoreCache(budget int64) *scoreCache {
	return &scoreCache{budget: budget, results: map[scoreKey]*list.Element{}, totals: map[scoreKey]scoreTotals{}}
}

// resultSize estimates an explained result's memory: measured at national
// scale, about 4 KB an innovation (its indicators with event ids).
func resultSize(res *domain.ScoreResult) int64 {
	return 2<<10 + int64(len(res.Innovations))*(4<<10) + int64(len(res.SPD))*256
}

func (c *scoreCache) result(k scoreKey) (*domain.ScoreResult, bool) {
	e, ok := c.results[k]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*cachedScore).res, true
}

func (c *scoreCache) totalsOf(k scoreKey) (scoreTotals, bool) {
	t, ok := c.totals[k]
	return t, ok
}

// put keeps res's totals, and res itself within the budget.
func (c *scoreCache) put(k scoreKey, res *domain.ScoreResult) {
	c.totals[k] = scoreTotals{verified: res.Verified, provisionalIID: res.Provisional.IID}
	c.dropResult(k)
	size := resultSize(res)
	if size > c.budget {
		return
	}
	c.results[k] = c.lru.PushFront(&cachedScore{key: k, res: res, size: size})
	c.bytes += size
	for c.bytes > c.budget {
		c.dropResult(c.lru.Back().Value.(*cachedScore).key)
	}
}

func (c *scoreCache) dropResult(k scoreKey) {
	if e, ok := c.results[k]; ok {
		c.bytes -= e.Value.(*cachedScore).size
		c.lru.Remove(e)
		delete(c.results, k)
	}
}

// drop forgets k's totals and result.
func (c *scoreCache) drop(k scoreKey) {
	delete(c.totals, k)
	c.dropResult(k)
}

// clear forgets everything.
func (c *scoreCache) clear() {
	clear(c.totals)
	clear(c.results)
	c.lru.Init()
	c.bytes = 0
}

// SetScoreCacheBytes bounds the explained scores kept between reads
// (DefaultScoreCacheBytes when not set; 0 keeps none). The totals that
// rankings read are kept whatever the bound.
func (x *Index) SetScoreCacheBytes(n int64) {
	x.cacheMu.Lock()
	defer x.cacheMu.Unlock()
	x.scoreBudget = n
	x.scores.budget = n
	for x.scores.bytes > n {
		x.scores.dropResult(x.scores.lru.Back().Value.(*cachedScore).key)
	}
}

// ScoreCacheStats reports the explained scores kept and their estimated
// bytes, and the region-years whose totals are kept.
func (x *Index) ScoreCacheStats() (results int, bytes int64, totals int) {
	x.cacheMu.Lock()
	defer x.cacheMu.Unlock()
	return len(x.scores.results), x.scores.bytes, len(x.scores.totals)
}

// ScoreVersion changes whenever anything a region's explanations (of any
// year) show may have changed: an event that touched the region, or all
// regions, or a restore. Equal versions of the same Index mean equal
// explanations, so an encoded one can be reused without scoring.
func (x *Index) ScoreVersion(region string) [2]uint64 {
	x.cacheMu.Lock()
	defer x.cacheMu.Unlock()
	return [2]uint64{x.scoreGen, x.regionGen[region]}
}
