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
	ctxRecord
	ctxSignedIn // a valid token was presented
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

// signedIn reports whether the request presented a valid token (an actor
// of the public role may have one).
func signedIn(ctx context.Context) bool {
	ok, _ := ctx.Value(ctxSignedIn).(bool)
	return ok
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

// requestRecord is what the access log and the metrics learn about a request
// while it is served: the middleware that reads the token fills in the
// actor, the route fills in its pattern, writeError the refusal's code. It
// travels in the request's context; only the request's own goroutine
// touches it.
type requestRecord struct {
	actor   *domain.Actor
	route   string // "GET /api/v1/regions/{code}"; "" until a route matched
	problem string // the code of a refused or failed request
}

func recordOf(ctx context.Context) *requestRecord {
	rec, _ := ctx.Value(ctxRecord).(*requestRecord)
	return rec
}

// observe assigns request and correlation ids, recovers panics into a 500
// problem, and logs one line per request naming who sent it (user, role,
// region or anonymous), the route pattern, the status, the duration and the
// refusal's code. The path's values (ids) are left out with the query
// string: the route pattern says what was asked, and a query can carry a
// token (?access_token= of the live stream). Request bodies are never
// logged.
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
		record := &requestRecord{}
		ctx := context.WithValue(r.Context(), ctxRequestID, rid)
		ctx = context.WithValue(ctx, ctxCorrelationID, cid)
		ctx = context.WithValue(ctx, ctxRecord, record)
		r = r.WithContext(ctx)
		w.Header().Set("X-Request-ID", rid)
		w.Header().Set("X-Correlation-ID", cid)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				s.log.ErrorContext(ctx, "panic in handler", "panic", v, "route", record.route)
				if rec.status == 0 {
					writeError(rec, r, domain.Errorf(domain.CodeInternal, "an unexpected error occurred; it has been logged"), s.log)
				}
			}
			took := time.Since(start)
			route := record.route
			if route == "" {
				route = s.routeOf(r)
			}
			status := rec.status
			if status == 0 { // nothing written: net/http answers 200
				status = http.StatusOK
			}
			s.metrics.observeRequest(route, r.Method, status, took.Seconds())
			s.metrics.observeRefusal(record.problem, status)
			actor := domain.Actor{UserID: "anonymous", Role: domain.RolePublic}
			if record.actor != nil {
				actor = *record.actor
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method), slog.String("route", route),
				slog.Int("status", status), slog.Int("bytes", rec.bytes),
				slog.String("duration", took.Round(time.Microsecond).String()),
				slog.String("request_id", rid), slog.String("correlation_id", cid),
				slog.String("user", actor.UserID), slog.String("role", string(actor.Role)),
			}
			if actor.Region != "" {
				attrs = append(attrs, slog.String("region", actor.Region))
			}
			level := slog.LevelInfo
			if record.problem != "" {
				attrs = append(attrs, slog.String("reason", record.problem))
			}
			switch {
			case status == http.StatusServiceUnavailable && route == "GET /readyz":
				// not ready yet (starting, catching up): a state the
				// answer reports, not a failure to serve
			case status >= 500:
				level = slog.LevelError
			}
			s.log.LogAttrs(ctx, level, "request", attrs...)
		}()
		next.ServeHTTP(rec, r)
	})
}

// routeOf names the route of a request that was answered before its route
// ran (a refused token): its pattern, "dashboard" for the dashboard's files
// or "unmatched" for an unknown path, so that metrics never carry raw paths.
func (s *Server) routeOf(r *http.Request) string {
	if _, pattern := s.mux.Handler(r); pattern != "" && pattern != "/" {
		return pattern
	}
	if r.URL.Path != "/api" && !strings.HasPrefix(r.URL.Path, "/api/") {
		return "dashboard"
	}
	return "unmatched"
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
		// The scheme is case-insensitive (RFC 9110, section 11.1).
		scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			writeError(w, r, domain.Errorf(codeUnauthenticated, "use an Authorization: Bearer <token> header"), s.log)
			return
		}
		actor, err := s.tokens.Verify(strings.TrimSpace(token))
		if err != nil {
			writeError(w, r, err, s.log)
			return
		}
		if rec := recordOf(r.Context()); rec != nil {
			rec.actor = &actor
		}
		ctx := context.WithValue(r.Context(), ctxActor, actor)
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, ctxSignedIn, true)))
	})
}
