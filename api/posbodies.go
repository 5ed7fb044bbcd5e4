package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"

	"github.com/jejak-id/jejak/projections/index"
)

// posBodies caches encoded answers of reads that do not change while the
// index stays at one position (the national overview, statistics,
// rankings): the first read at a position encodes the answer, the others
// at that position copy it. Each body is kept without its "position"
// member, which every answer puts in front, and carries a weak ETag over
// the rest: a client holding an equal body gets 304 Not Modified with
// If-None-Match, even after the position moved on elsewhere. Safe for
// concurrent use.
type posBodies struct {
	mu      sync.Mutex
	entries map[string]*posBody
}

type posBody struct {
	ix   *index.Index
	pos  uint64
	rest []byte // the JSON object without its opening brace and position
	etag string
	gz   gzipOnce
}

// gzipOnce keeps a body gzipped for one position, so that a crowd reading
// the same answer does not compress it once per request.
type gzipOnce struct {
	mu   sync.Mutex
	pos  uint64
	data []byte
}

// get returns head+rest gzipped, compressing when the position moved.
func (g *gzipOnce) get(pos uint64, head string, rest []byte) []byte {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.data != nil && g.pos == pos {
		return g.data
	}
	var buf bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&buf)
	_, _ = zw.Write([]byte(head))
	_, _ = zw.Write(rest)
	_ = zw.Close()
	zw.Reset(nil)
	gzipWriters.Put(zw)
	g.pos, g.data = pos, buf.Bytes()
	return g.data
}

// posBodiesMax bounds the answers kept (the table starts afresh when
// full): the keys are few (years, clusters, regions) but filters are free
// text.
const posBodiesMax = 1024

func newPosBodies() *posBodies { return &posBodies{entries: map[string]*posBody{}} }

// serve answers key as of ix at pos: from the cache, or from build (a
// value encoded as a JSON object without "position"); key "" is never
// kept.
func (c *posBodies) serve(w http.ResponseWriter, r *http.Request, ix *index.Index, pos uint64, key string, build func() (any, error)) error {
	var b *posBody
	if key != "" {
		c.mu.Lock()
		b = c.entries[key]
		c.mu.Unlock()
	}
	if b == nil || b.ix != ix || b.pos != pos {
		v, err := build()
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("encode %s: %w", key, err)
		}
		rest := buf.Bytes()
		if len(rest) < 2 || rest[0] != '{' {
			return fmt.Errorf("encode %s: not a JSON object", key)
		}
		rest = rest[1:]
		b = &posBody{ix: ix, pos: pos, rest: rest, etag: weakETag(rest)}
		if key != "" {
			c.mu.Lock()
			if len(c.entries) >= posBodiesMax {
				clear(c.entries)
			}
			c.entries[key] = b
			c.mu.Unlock()
		}
	}
	writeWithPosition(w, r, pos, b.rest, b.etag, &b.gz)
	return nil
}

// weakETag is a weak validator of a body without its position.
func weakETag(rest []byte) string {
	h := fnv.New64a()
	_, _ = h.Write(rest)
	return `W/"` + strconv.FormatUint(h.Sum64(), 36) + `"`
}

// writeWithPosition answers {"position":pos, ...rest} with etag, or 304
// when the request's If-None-Match holds etag; gzipped from gz when the
// client accepts it and the body is large enough (compress would).
func writeWithPosition(w http.ResponseWriter, r *http.Request, pos uint64, rest []byte, etag string, gz *gzipOnce) {
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, no-cache") // revalidate: the position moves on
	if noneMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	head := `{"position":` + strconv.FormatUint(pos, 10)
	if len(rest) > 0 && rest[0] != '}' {
		head += ","
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	if len(head)+len(rest) >= gzipMinBytes && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		data := gz.get(pos, head, rest)
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(data)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(head)+len(rest)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(head))
	_, _ = w.Write(rest)
}

// noneMatch reports whether an If-None-Match value names etag (weak
// comparison, RFC 9110 13.1.2).
func noneMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	opaque := strings.TrimPrefix(etag, "W/")
	for tag := range strings.SplitSeq(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == opaque {
			return true
		}
	}
	return false
}
