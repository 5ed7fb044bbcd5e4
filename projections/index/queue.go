package index

import (
	"cmp"
	"container/heap"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// The verification queue is maintained as answers are submitted and
// verified, not scanned per request: every answer sits in one bucket, the
// answers of one assessment (year and region) with one status, ordered by
// (submitted at, answer key). A page merges the buckets the filter selects
// from a cursor; a count adds up bucket sizes, binary searches or per
// indicator counts, and scans a bucket only for the combined filters.
//
// The buckets are derived lookups like byRegion: not in the state (nor the
// snapshot or the state hash), rebuilt by reindex. They are guarded by x.mu.

// queueEntry is one answer in a bucket.
type queueEntry struct {
	at  int64 // SubmittedAt, Unix nanoseconds
	key string
	ans *answerState
}

// queueBucket holds one assessment's answers of one status, ordered by
// (at, key).
type queueBucket struct {
	a          *assessmentState
	id         string // the assessment id, the order between buckets
	entries    []queueEntry
	indicators map[string]int
}

func (b *queueBucket) search(at int64, key string) (int, bool) {
	return slices.BinarySearchFunc(b.entries, queueEntry{at: at, key: key}, compareEntries)
}

func compareEntries(a, b queueEntry) int {
	if c := cmp.Compare(a.at, b.at); c != 0 {
		return c
	}
	return strings.Compare(a.key, b.key)
}

// verificationQueue is every answer by status, then by assessment id.
type verificationQueue map[domain.AnswerStatus]map[string]*queueBucket

func (q verificationQueue) add(a *assessmentState, key string, ans *answerState) {
	byID := q[ans.Status]
	if byID == nil {
		byID = map[string]*queueBucket{}
		q[ans.Status] = byID
	}
	id := domain.AssessmentID(a.Year, a.Region)
	b := byID[id]
	if b == nil {
		b = &queueBucket{a: a, id: id, indicators: map[string]int{}}
		byID[id] = b
	}
	e := queueEntry{at: ans.SubmittedAt.UnixNano(), key: key, ans: ans}
	i, found := b.search(e.at, key)
	if found {
		b.entries[i] = e
		return
	}
	b.entries = slices.Insert(b.entries, i, e)
	b.indicators[ans.Indicator]++
}

func (q verificationQueue) remove(a *assessmentState, key string, ans *answerState) {
	id := domain.AssessmentID(a.Year, a.Region)
	b := q[ans.Status][id]
	if b == nil {
		return
	}
	i, found := b.search(ans.SubmittedAt.UnixNano(), key)
	if !found {
		return
	}
	b.entries = slices.Delete(b.entries, i, i+1)
	if b.indicators[ans.Indicator]--; b.indicators[ans.Indicator] <= 0 {
		delete(b.indicators, ans.Indicator)
	}
	if len(b.entries) == 0 {
		delete(q[ans.Status], id)
	}
}

// rebuildQueue fills the queue from the state (reindex).
func (x *Index) rebuildQueue() {
	x.queue = verificationQueue{}
	// In bulk: each bucket is filled, then sorted once (adding answer by
	// answer inserted into sorted slices, which made a national restore
	// spend half a second here).
	for _, a := range x.state.Assessments {
		if len(a.Answers) == 0 {
			continue
		}
		id := domain.AssessmentID(a.Year, a.Region)
		for key, ans := range a.Answers {
			byID := x.queue[ans.Status]
			if byID == nil {
				byID = map[string]*queueBucket{}
				x.queue[ans.Status] = byID
			}
			b := byID[id]
			if b == nil {
				b = &queueBucket{a: a, id: id, indicators: map[string]int{}}
				byID[id] = b
			}
			b.entries = append(b.entries, queueEntry{at: ans.SubmittedAt.UnixNano(), key: key, ans: ans})
			b.indicators[ans.Indicator]++
		}
	}
	for _, byID := range x.queue {
		for _, b := range byID {
			slices.SortFunc(b.entries, compareEntries)
		}
	}
}

// QueueFilter selects answers in the verification queue. The zero value
// is every pending answer.
type QueueFilter struct {
	Year   int
	Region string
	Status domain.AnswerStatus // default pending
	// Indicator keeps the answers to one indicator; Innovation those about
	// one innovation.
	Indicator  string
	Innovation string
	// SubmittedBefore, when set, keeps answers submitted before it.
	SubmittedBefore time.Time
}

// QueueCursor is where a page of the queue ends: the next page starts
// after it. Its text form (String, ParseQueueCursor) is opaque to clients.
type QueueCursor struct {
	At         time.Time
	Assessment string
	Key        string
}

// IsZero reports whether c is the start of the queue.
func (c QueueCursor) IsZero() bool { return c == QueueCursor{} }

// String encodes c for a next_cursor ("" for the start).
func (c QueueCursor) String() string {
	if c.IsZero() {
		return ""
	}
	raw := strconv.FormatInt(c.At.UnixNano(), 10) + "\x00" + c.Assessment + "\x00" + c.Key
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseQueueCursor reads a cursor String made ("" is the start). A cursor
// that String did not make is CodeInvalid.
func ParseQueueCursor(s string) (QueueCursor, error) {
	if s == "" {
		return QueueCursor{}, nil
	}
	bad := &domain.Error{Code: domain.CodeInvalid, Message: "the cursor is not one this API gave",
		Problems: []domain.FieldProblem{{Field: "cursor", Message: "must be a next_cursor of an earlier page"}}}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return QueueCursor{}, bad
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
		return QueueCursor{}, bad
	}
	ns, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return QueueCursor{}, bad
	}
	return QueueCursor{At: time.Unix(0, ns).UTC(), Assessment: parts[1], Key: parts[2]}, nil
}

// QueuePage is one page of the queue.
type QueuePage struct {
	Items []AnswerDetail
	// Total is the number of answers the filter selects (all pages).
	Total int
	// Next is where the next page starts; zero on the last page.
	Next QueueCursor
}

// QueuePage lists up to limit answers that f selects, oldest first, after
// the cursor (or after skipping offset answers from the start when the
// cursor is zero), with the total the filter selects. now gives pending
// answers their age.
func (x *Index) QueuePage(f QueueFilter, after QueueCursor, offset, limit int, now time.Time) QueuePage {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if f.Status == "" {
		f.Status = domain.AnswerPending
	}
	buckets := x.queueBuckets(f)
	page := QueuePage{Items: []AnswerDetail{}, Total: countQueue(buckets, f)}
	var before int64 = 1<<63 - 1
	if !f.SubmittedBefore.IsZero() {
		before = f.SubmittedBefore.UnixNano()
	}
	m := &queueMerge{}
	cur := queueEntry{at: after.At.UnixNano(), key: after.Key}
	for _, b := range buckets {
		i := 0
		if !after.IsZero() {
			i = startAfter(b, cur, after.Assessment)
		}
		it := &queueIter{b: b, i: i, f: &f, before: before}
		if it.skip() {
			m.its = append(m.its, it)
		}
	}
	heap.Init(m)
	var last QueueCursor
	for m.Len() > 0 {
		it := m.its[0]
		e := it.b.entries[it.i]
		if offset > 0 {
			offset--
		} else if len(page.Items) == limit {
			page.Next = last
			break
		} else {
			page.Items = append(page.Items, x.answerDetail(it.b.a, e.ans, now))
			last = QueueCursor{At: time.Unix(0, e.at).UTC(), Assessment: it.b.id, Key: e.key}
		}
		it.i++
		if it.skip() {
			heap.Fix(m, 0)
		} else {
			heap.Pop(m)
		}
	}
	return page
}

// startAfter is the index of b's first entry after cur of bucket id.
func startAfter(b *queueBucket, cur queueEntry, id string) int {
	switch c := strings.Compare(b.id, id); {
	case c < 0: // every entry at cur.at comes before the cursor
		i, _ := slices.BinarySearchFunc(b.entries, cur.at, func(e queueEntry, at int64) int {
			if e.at <= at {
				return -1
			}
			return 1
		})
		return i
	case c > 0: // every entry at cur.at comes after it
		i, _ := slices.BinarySearchFunc(b.entries, cur.at, func(e queueEntry, at int64) int { return cmp.Compare(e.at, at) })
		return i
	default:
		i, found := b.search(cur.at, cur.key)
		if found {
			i++
		}
		return i
	}
}

// queueBuckets are the buckets of f's status, year and region.
func (x *Index) queueBuckets(f QueueFilter) []*queueBucket {
	region := f.Region
	if f.Innovation != "" {
		inn, ok := x.state.Innovations[f.Innovation]
		if !ok || (region != "" && region != inn.Region) {
			return nil
		}
		region = inn.Region
	}
	byID := x.queue[f.Status]
	if f.Year != 0 && region != "" {
		if b := byID[domain.AssessmentID(f.Year, region)]; b != nil {
			return []*queueBucket{b}
		}
		return nil
	}
	var out []*queueBucket
	for _, b := range byID {
		if (f.Year == 0 || b.a.Year == f.Year) && (region == "" || b.a.Region == region) {
			out = append(out, b)
		}
	}
	return out
}

func (f *QueueFilter) keeps(ans *answerState) bool {
	return (f.Indicator == "" || ans.Indicator == f.Indicator) && (f.Innovation == "" || ans.InnovationID == f.Innovation)
}

// countQueue counts the answers of buckets that f selects.
func countQueue(buckets []*queueBucket, f QueueFilter) int {
	n := 0
	for _, b := range buckets {
		end := len(b.entries)
		if !f.SubmittedBefore.IsZero() {
			end, _ = slices.BinarySearchFunc(b.entries, f.SubmittedBefore.UnixNano(), func(e queueEntry, at int64) int { return cmp.Compare(e.at, at) })
		}
		switch {
		case f.Indicator == "" && f.Innovation == "":
			n += end
		case f.Innovation == "" && end == len(b.entries):
			n += b.indicators[f.Indicator]
		default:
			for _, e := range b.entries[:end] {
				if f.keeps(e.ans) {
					n++
				}
			}
		}
	}
	return n
}

// queueIter walks one bucket's entries that the filter keeps.
type queueIter struct {
	b      *queueBucket
	i      int
	f      *QueueFilter
	before int64
}

// skip moves to the next entry the filter keeps and reports whether there
// is one.
func (it *queueIter) skip() bool {
	for ; it.i < len(it.b.entries); it.i++ {
		e := it.b.entries[it.i]
		if e.at >= it.before {
			return false
		}
		if it.f.keeps(e.ans) {
			return true
		}
	}
	return false
}

// queueMerge is a heap of iterators ordered by their current entry.
type queueMerge struct{ its []*queueIter }

func (m *queueMerge) Len() int { return len(m.its) }
func (m *queueMerge) Less(i, j int) bool {
	a, b := m.its[i], m.its[j]
	ea, eb := a.b.entries[a.i], b.b.entries[b.i]
	if ea.at != eb.at {
		return ea.at < eb.at
	}
	if a.b.id != b.b.id {
		return a.b.id < b.b.id
	}
	return ea.key < eb.key
}
func (m *queueMerge) Swap(i, j int) { m.its[i], m.its[j] = m.its[j], m.its[i] }
func (m *queueMerge) Push(v any)    { m.its = append(m.its, v.(*queueIter)) }
func (m *queueMerge) Pop() any {
	v := m.its[len(m.its)-1]
	m.its = m.its[:len(m.its)-1]
	return v
}

// Queue lists every answer f selects, oldest first.
func (x *Index) Queue(f QueueFilter, now time.Time) []AnswerDetail {
	return x.QueuePage(f, QueueCursor{}, 0, 1<<31-1, now).Items
}
