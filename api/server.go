// Package api is Jejak's HTTP interface: JSON under /api/v1, errors as RFC
// 9457 problem documents, Server-Sent Events for live updates, and the
// dashboard. Handlers translate requests into domain commands and read the
// projections; they hold no state of their own.
package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/jejak-id/jejak/api/dashboard"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/export"
)

// Config wires the server to the rest of Jejak.
type Config struct {
	Store   domain.EventStore
	Service *domain.Service
	// People opens attendees' personal data for the roles that may read it
	// (nil: names are never shown, only subjects).
	People domain.PersonalData
	Views  *projections.Views
	Tokens *Tokens
	Hub    *Hub
	// Exports runs the Kemendagri exports; nil turns the export endpoints
	// off (503) until EnableExports.
	Exports *export.Jobs
	// Idempotency remembers Idempotency-Keys to refuse a reused key; nil
	// only replays retries (same key, same endpoint) without that check.
	Idempotency IdempotencyKeys
	// Metrics is the registry /metrics serves; the API registers its own
	// collectors on it (nil: a registry of the API's metrics alone).
	Metrics *prometheus.Registry
	// Now is the clock (time.Now when nil).
	Now     func() time.Time
	Logger  *slog.Logger
	Version string

	// Evidence keeps the bytes of evidence files (nil: the evidence
	// endpoints answer 503); EvidenceLimits bounds uploads.
	Evidence       EvidenceStore
	EvidenceLimits EvidenceLimits

	// MaxBodyBytes bounds request bodies (default 1 MiB; uploads have
	// EvidenceLimits).
	MaxBodyBytes int64
	// WaitTimeout bounds how long a read waits for min_position (default 5s).
	WaitTimeout time.Duration
	// AnonPastPerMinute is how many past states (as_of, since) a visitor
	// without a token may have computed a minute (default 6; pastreads.go).
	AnonPastPerMinute int
}

// Validate reports every missing or wrong setting at once.
func (c Config) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("api: Store is required"))
	}
	if c.Views == nil {
		errs = append(errs, errors.New("api: Views is required"))
	}
	if c.Service == nil {
		errs = append(errs, errors.New("api: Service is required"))
	}
	if c.Tokens == nil {
		errs = append(errs, errors.New("api: Tokens is required"))
	}
	if c.AnonPastPerMinute < 0 {
		errs = append(errs, errors.New("api: AnonPastPerMinute must not be negative"))
	}
	if c.MaxBodyBytes < 0 {
		errs = append(errs, errors.New("api: MaxBodyBytes must not be negative"))
	}
	if l := c.EvidenceLimits; l.MaxFileBytes < 0 || l.MaxRequestBytes < 0 {
		errs = append(errs, errors.New("api: evidence limits must not be negative"))
	} else if l.MaxFileBytes > 0 && l.MaxRequestBytes > 0 && l.MaxFileBytes > l.MaxRequestBytes {
		errs = append(errs, errors.New("api: the evidence file limit must not exceed the request limit"))
	}
	return errors.Join(errs...)
}

// Server serves the HTTP API. It is safe for concurrent use.
type Server struct {
	cfg     Config
	store   domain.EventStore
	service *domain.Service
	views   *projections.Views
	runner  *projections.Runner
	hub     *Hub
	// scoreBodies caches encoded region explanations.
	scoreBodies *scoreBodies
	// visitors bounds the past states anonymous visitors have computed.
	visitors *visitorLimits
	// posBodies caches overview, statistics and ranking answers per position.
	posBodies *posBodies

	merkle logState

	exportsMu sync.RWMutex
	exports   *export.Jobs
	now       func() time.Time
	tokens    *Tokens
	log       *slog.Logger
	metrics   *metrics
	handler   http.Handler
	mux       *http.ServeMux
	// startHead is the head the projections replay to at start-up, and
	// notReady is true from CatchUpTo until MarkReady.
	startHead atomic.Uint64
	notReady  atomic.Bool
}

// New returns a server for cfg.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	cfg.EvidenceLimits = cfg.EvidenceLimits.withDefaults()
	if cfg.WaitTimeout == 0 {
		cfg.WaitTimeout = 5 * time.Second
	}
	if cfg.Hub == nil {
		cfg.Hub = NewHub()
	}
	if cfg.AnonPastPerMinute == 0 {
		cfg.AnonPastPerMinute = 6
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, store: cfg.Store, service: cfg.Service, views: cfg.Views, runner: cfg.Views.Runner,
		hub: cfg.Hub, now: cfg.Now, tokens: cfg.Tokens, log: cfg.Logger,
		exports: cfg.Exports, scoreBodies: newScoreBodies(), visitors: newVisitorLimits(cfg.AnonPastPerMinute), posBodies: newPosBodies()}
	if cfg.Metrics == nil {
		cfg.Metrics = prometheus.NewRegistry()
	}
	s.metrics = newMetrics(cfg.Metrics, s)
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+rt.pattern, s.handle(rt))
	}
	// Everything outside /api is the dashboard; unknown API paths stay
	// problem+json 404s.
	dash := dashboard.Handler()
	// paths answers which methods a known path allows, for 405s.
	paths := http.NewServeMux()
	allowed := map[string][]string{}
	for _, rt := range s.routes() {
		if allowed[rt.pattern] == nil {
			paths.Handle(rt.pattern, http.NotFoundHandler())
		}
		allowed[rt.pattern] = append(allowed[rt.pattern], rt.method)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api" && !strings.HasPrefix(r.URL.Path, "/api/") {
			dash.ServeHTTP(w, r)
			return
		}
		if _, pattern := paths.Handler(r); allowed[pattern] != nil {
			w.Header().Set("Allow", strings.Join(allowed[pattern], ", "))
			writeError(w, r, domain.Errorf(codeMethodNotAllowed, "%s does not allow %s; use %s", r.URL.Path, r.Method, strings.Join(allowed[pattern], " or ")), s.log)
			return
		}
		writeError(w, r, domain.Errorf(codeRouteNotFound, "no endpoint %s %s; see /api/v1/openapi.json", r.Method, r.URL.Path), s.log)
	})
	s.mux = mux
	s.handler = s.observe(compress(s.authenticate(mux)))
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// route is one endpoint. Handlers return an error instead of writing one.
type route struct {
	method  string
	pattern string
	// public routes answer anonymous callers; the others need a token.
	public bool
	// upload routes take a body up to the evidence request limit and are
	// idempotent by content (no Idempotency-Key fingerprint of the body).
	upload bool
	fn     func(w http.ResponseWriter, r *http.Request) error
	// maxBody bounds the request body (0: Config.MaxBodyBytes).
	maxBody int64
}

func (s *Server) handle(rt route) http.Handler {
	name := rt.method + " " + rt.pattern
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec := recordOf(r.Context()); rec != nil {
			rec.route = name
		}
		if !rt.public && actorFrom(r.Context()).Role == domain.RolePublic {
			// Without a token: 401, sign in. With a valid token of the
			// public role: 403, the role may not do this.
			if signedIn(r.Context()) {
				writeError(w, r, domain.Errorf(domain.CodeForbidden, "role public may not use %s", rt.pattern), s.log)
			} else {
				writeError(w, r, domain.Errorf(codeUnauthenticated, "sign in with a token to use %s", rt.pattern), s.log)
			}
			return
		}
		limit := s.cfg.MaxBodyBytes
		switch {
		case rt.upload:
			limit = s.cfg.EvidenceLimits.MaxRequestBytes + multipartSlack
		case rt.maxBody > 0:
			limit = rt.maxBody
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if err := s.refuseWhileCatchingUp(w, r.Method); err != nil {
			writeError(w, r, err, s.log)
			return
		}
		var claim *idempotencyClaim
		var err error
		if !rt.upload {
			claim, err = s.claimIdempotencyKey(r)
		}
		if err != nil {
			writeError(w, r, err, s.log)
			return
		}
		if err := rt.fn(w, r); err != nil {
			if status := statusOf(err); claim != nil && status >= 400 && status < 500 {
				s.releaseIdempotencyKey(r, claim)
			}
			writeError(w, r, err, s.log)
		}
	})
}

func (s *Server) routes() []route {
	rs := []route{
		{method: "GET", pattern: "/healthz", public: true, fn: s.healthz},
		{method: "GET", pattern: "/readyz", public: true, fn: s.readyz},
		{method: "GET", pattern: "/metrics", public: true, fn: s.metricsz},
	}
	return append(rs, s.apiRoutes()...)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
	return nil
}

func (s *Server) metricsz(w http.ResponseWriter, r *http.Request) error {
	s.metrics.handler.ServeHTTP(w, r)
	return nil
}

// readOptions are the query parameters every read accepts.
type readOptions struct {
	AsOf projections.AsOf
}

// parseRead reads as_of and min_position and waits for min_position.
func (s *Server) parseRead(r *http.Request) (readOptions, error) {
	var opts readOptions
	q := r.URL.Query()
	var p domain.Problems
	if v := q.Get("as_of"); v != "" {
		asOf, err := projections.ParseAsOf(v)
		switch {
		case errors.Is(err, projections.ErrAsOfRange):
			p.Add("as_of", "must be between %s and %s", projections.MinAsOf.Format(time.DateOnly), projections.MaxAsOf.Format(time.DateOnly))
		case err != nil:
			p.Add("as_of", "must be an RFC 3339 time (2025-08-06T00:00:00+07:00), a date (2025-08-06) or a stream position")
		}
		opts.AsOf = asOf
	}
	var minPos uint64
	if v := q.Get("min_position"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			p.Add("min_position", "must be a non-negative integer position")
		}
		minPos = n
	}
	if err := p.Err(); err != nil {
		return opts, err
	}
	if minPos > 0 {
		if err := s.runner.WaitFor(r.Context(), minPos, s.cfg.WaitTimeout); err != nil {
			return opts, err
		}
	}
	return opts, nil
}
