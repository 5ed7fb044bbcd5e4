package api

import (
	"net/http"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// JSON answers of the API are gzip-compressed when the client accepts it
// and the body is larger than gzipMinBytes (a region's explanation at
// national scale shrinks about tenfold). The answer is held until that
// many bytes are written, then either compressed or passed on as it is;
// Server-Sent Events, downloads and other media types pass untouched.
// github.com/klauspost/compress/gzip (already a dependency of the NATS
// client) is the standard library's format at about twice its speed.

// gzipMinBytes is the size from which a JSON answer is compressed.
const gzipMinBytes = 1024

var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// compress wraps next with gzip for the API's JSON answers.
func compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Accept-Encoding")
		if !acceptsGzip(r.Header.Get("Accept-Encoding")) {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipResponse{ResponseWriter: w, status: http.StatusOK}
		defer gw.finish()
		next.ServeHTTP(gw, r)
	})
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip (not
// refused with q=0).
func acceptsGzip(v string) bool {
	for part := range strings.SplitSeq(v, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") || strings.TrimSpace(name) == "*" {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// gzipResponse holds an answer's first bytes until it knows whether to
// compress it.
type gzipResponse struct {
	http.ResponseWriter
	status  int
	header  bool // WriteHeader was called
	decided bool
	buf     []byte
	zw      *gzip.Writer
}

func (g *gzipResponse) WriteHeader(status int) {
	if g.header {
		return
	}
	g.header, g.status = true, status
	if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified {
		g.decide(false)
	}
}

func (g *gzipResponse) Write(p []byte) (int, error) {
	if !g.decided && len(g.buf) == 0 && len(p) >= gzipMinBytes {
		// Enough to decide on at once: no copy of p (an answer encoded
		// and gzipped once per position is tens of KB, sent to many).
		g.decide(g.compressible())
	}
	if !g.decided {
		g.buf = append(g.buf, p...)
		if len(g.buf) < gzipMinBytes {
			return len(p), nil
		}
		g.decide(g.compressible())
		return len(p), g.flushBuffer()
	}
	if g.zw != nil {
		return g.zw.Write(p)
	}
	return g.ResponseWriter.Write(p)
}

// compressible: a JSON answer not encoded already.
func (g *gzipResponse) compressible() bool {
	h := g.Header()
	ct := h.Get("Content-Type")
	return h.Get("Content-Encoding") == "" &&
		(strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "application/problem+json"))
}

// decide sends the header, compressing or not.
func (g *gzipResponse) decide(compress bool) {
	g.decided = true
	if compress {
		h := g.Header()
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		g.zw = gzipWriters.Get().(*gzip.Writer)
		g.zw.Reset(g.ResponseWriter)
	}
	g.ResponseWriter.WriteHeader(g.status)
}

func (g *gzipResponse) flushBuffer() error {
	buf := g.buf
	g.buf = nil
	if len(buf) == 0 {
		return nil
	}
	if g.zw != nil {
		_, err := g.zw.Write(buf)
		return err
	}
	_, err := g.ResponseWriter.Write(buf)
	return err
}

// Flush sends what is held (a streamed answer is never compressed).
func (g *gzipResponse) Flush() {
	if !g.decided {
		g.decide(false)
		_ = g.flushBuffer()
	}
	if g.zw != nil {
		_ = g.zw.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (g *gzipResponse) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// finish ends the answer: a short one goes out as it is.
func (g *gzipResponse) finish() {
	if !g.decided {
		if !g.header && len(g.buf) == 0 {
			return // nothing written: net/http sends its 200
		}
		g.decide(false)
		_ = g.flushBuffer()
	}
	if g.zw != nil {
		_ = g.zw.Close()
		g.zw.Reset(nil)
		gzipWriters.Put(g.zw)
		g.zw = nil
	}
}
