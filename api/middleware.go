package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/jejak-id/jejak/domain"
)

type ctxKey int

const (
	ctxRequestID ctxKey = iota
	ctxCorrelationID
	ctxActor
)

var safeID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxRequestID).(string)
	return id
}

func correlationID(ctx context.Context) string {
	id, _ := ctx.Value(ctxCorrelationID).(string)
	return id
}

// actorFrom returns the authenticated actor of the request; anonymous
// requests act as the public role.
func actorFrom(ctx context.Context) domain.Actor {
	if a, ok := ctx.Value(ctxActor).(domain.Actor); ok {
		return a
	}
	return domain.Actor{UserID: "anonymous", Role: domain.RolePublic}
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusRecorder remembers the status a handler wrote, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Flush lets Server-Sent Events through the recorder.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// observe assigns request and correlation ids, recovers panics into a 500
// problem, and logs one line per request.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := r.Header.Get("X-Request-ID")
		if !safeID.MatchString(rid) {
			rid = newID()
		}
		cid := r.Header.Get("X-Correlation-ID")
		if !safeID.MatchString(cid) {
			cid = rid
		}
		ctx := context.WithValue(r.Context(), ctxRequestID, rid)
		ctx = context.WithValue(ctx, ctxCorrelationID, cid)
		r = r.WithContext(ctx)
		w.Header().Set("X-Request-ID", rid)
		w.Header().Set("X-Correlation-ID", cid)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				s.log.ErrorContext(ctx, "panic in handler", "panic", v, "path", r.URL.Path)
				if rec.status == 0 {
					writeError(rec, r, domain.Errorf(domain.CodeInternal, "an unexpected error occurred; it has been logged"), s.log)
				}
			}
			s.metrics.observeRequest(r.Method, rec.status)
			s.log.LogAttrs(ctx, slog.LevelInfo, "request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", rec.status), slog.Int("bytes", rec.bytes),
				slog.Duration("took", time.Since(start)),
				slog.String("request_id", rid), slog.String("correlation_id", cid),
				slog.String("user", actorFrom(r.Context()).UserID))
		}()
		next.ServeHTTP(rec, r)
	})
}

// authenticate reads a Bearer token when present. A missing token means the
// public role; a bad one is refused (never silently downgraded).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		// EventSource cannot send headers: the live stream alone also takes
		// the token as ?access_token=.
		if qt := r.URL.Query().Get("access_token"); h == "" && qt != "" && r.URL.Path == "/api/v1/stream" {
			h = "Bearer " + qt
		}
		if h == "" {
			next.ServeHTTP(w, r)
			return
		}
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			writeError(w, r, domain.Errorf(codeUnauthenticated, "use an Authorization: Bearer <token> header"), s.log)
			return
		}
		actor, err := s.tokens.Verify(strings.TrimSpace(token))
		if err != nil {
			writeError(w, r, err, s.log)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxActor, actor)))
	})
}
