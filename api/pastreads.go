package api

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
)

// Time travel for visitors without a token is bounded twice: each visitor
// (by remote address) may start AnonPastPerMinute computations of a past
// state a minute, and all of them together four times that. A past state
// already kept, or being computed for someone else, costs nothing and is
// not counted.

// visitorLimits are token buckets by remote address, with one shared
// bucket over them all. Safe for concurrent use.
type visitorLimits struct {
	perMinute int
	all       *rate.Limiter

	mu       sync.Mutex
	visitors map[string]*rate.Limiter
}

// maxVisitors bounds the buckets kept; the table starts afresh when full
// (the shared bucket still bounds the total).
const maxVisitors = 10_000

func newVisitorLimits(perMinute int) *visitorLimits {
	every := rate.Every(time.Minute / time.Duration(4*perMinute))
	return &visitorLimits{perMinute: perMinute, all: rate.NewLimiter(every, 4*perMinute),
		visitors: map[string]*rate.Limiter{}}
}

func (l *visitorLimits) allow(visitor string) bool {
	l.mu.Lock()
	lim := l.visitors[visitor]
	if lim == nil {
		if len(l.visitors) >= maxVisitors {
			clear(l.visitors)
		}
		lim = rate.NewLimiter(rate.Every(time.Minute/time.Duration(l.perMinute)), l.perMinute)
		l.visitors[visitor] = lim
	}
	l.mu.Unlock()
	return lim.Allow() && l.all.Allow()
}

// admitPast is what a read of r may compute: anything for a signed-in
// caller, a bounded amount per minute for an anonymous visitor (beyond it,
// CodeUnavailable: 503 with Retry-After).
func (s *Server) admitPast(r *http.Request) projections.Admit {
	if signedIn(r.Context()) {
		return nil
	}
	return func() error {
		visitor, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			visitor = r.RemoteAddr
		}
		if !s.visitors.allow(visitor) {
			return domain.Errorf(domain.CodeUnavailable, "visitors without a token may compute only %d past states a minute; try again later or sign in", s.cfg.AnonPastPerMinute)
		}
		return nil
	}
}

// indexAt is the index at asOf for r's caller (admitPast).
func (s *Server) indexAt(r *http.Request, asOf projections.AsOf) (*index.Index, uint64, error) {
	return s.views.IndexAtAdmitted(r.Context(), asOf, s.admitPast(r))
}

// regionIndexAt is the index that answers region's own reads at asOf for
// r's caller: the live one, or a past state of the region alone
// (projections.Views.RegionIndexAt, bounded like the others: admitPast).
func (s *Server) regionIndexAt(r *http.Request, region string, asOf projections.AsOf) (*index.Index, uint64, error) {
	return s.views.RegionIndexAt(r.Context(), region, asOf, s.admitPast(r))
}

// resultsIndex is the index of r's read options, for reading the results
// of year (a region's, or every region's with region ""): the caller's
// right to read them as of that instant is checked before any past state
// is computed, from the period's own few events. For one region, a past
// instant is that region's own past state (regionIndexAt): only its reads
// are right in it.
func (s *Server) resultsIndex(r *http.Request, year int, region string) (*index.Index, uint64, error) {
	opts, err := s.parseRead(r)
	if err != nil {
		return nil, 0, err
	}
	if err := s.authorizePastResults(r, opts.AsOf, year, region); err != nil {
		return nil, 0, err
	}
	at := s.indexAt
	if region != "" {
		at = func(r *http.Request, asOf projections.AsOf) (*index.Index, uint64, error) {
			return s.regionIndexAt(r, region, asOf)
		}
	}
	ix, pos, err := at(r, opts.AsOf)
	if err != nil {
		return nil, 0, err
	}
	if err := authorizeResults(r, ix, year, region); err != nil {
		return nil, 0, err
	}
	return ix, pos, nil
}

// resultsAt is resultsIndex for the reads that can answer a past instant
// from the live index without computing its past state (the rankings from
// their figures, the score history by position): live is true when r's
// read options select the live index; otherwise pos is the past position
// asked for, year was open then, and r's caller may read its results as
// they were then. Either way ix is the live index.
func (s *Server) resultsAt(r *http.Request, year int, region string) (ix *index.Index, pos uint64, live bool, err error) {
	opts, err := s.parseRead(r)
	if err != nil {
		return nil, 0, false, err
	}
	ix, pos = s.views.Index, s.views.Position(opts.AsOf)
	if pos >= s.runner.Position() {
		if err := authorizeResults(r, ix, year, region); err != nil {
			return nil, 0, false, err
		}
		return ix, pos, true, nil
	}
	if err := s.authorizePastResults(r, opts.AsOf, year, region); err != nil {
		return nil, 0, false, err
	}
	if _, open, err := s.views.PhaseAt(r.Context(), year, pos); err != nil || !open {
		if err == nil {
			err = domain.Errorf(domain.CodeNotFound, "no assessment period for %d at %s", year, opts.AsOf)
		}
		return nil, 0, false, err
	}
	return ix, pos, false, nil
}

// authorizePastResults checks, when asOf is a past state, that r's caller
// may read year's results as they were then.
func (s *Server) authorizePastResults(r *http.Request, asOf projections.AsOf, year int, region string) error {
	pos := s.views.Position(asOf)
	if pos >= s.runner.Position() {
		return nil // the live index: checked on it
	}
	if authorize(r, domain.ActionReadUnpublished, region) == nil {
		return nil // may read them in any phase
	}
	phase, _, err := s.views.PhaseAt(r.Context(), year, pos)
	if err != nil {
		return err
	}
	if err := authorize(r, domain.ResultsAction(phase == domain.PhasePublished), region); err != nil {
		return explain(err, "the results of %d were not published yet at %s", year, asOf)
	}
	return nil
}
