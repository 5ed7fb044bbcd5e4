package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// lagTolerance is how far behind the head a replica that has caught up may
// fall before /readyz takes it out of rotation again.
const lagTolerance = 1000

// retryAfterSeconds is what a refused write asks the client to wait.
const retryAfterSeconds = 2

// CatchUpTo tells the server that it is not ready until MarkReady: the
// projections are replaying up to head (the store's head when the process
// started). Until then /readyz answers 503 "catching_up" with the position
// and head, and writes answer 503 with Retry-After. Reads answer meanwhile
// (a read with min_position waits for it). Safe for concurrent use.
func (s *Server) CatchUpTo(head uint64) {
	s.startHead.Store(head)
	s.notReady.Store(true)
}

// MarkReady ends CatchUpTo: the composition root calls it once the
// projections have caught up and, after a long replay, a checkpoint has
// been saved.
func (s *Server) MarkReady() { s.notReady.Store(false) }

// catchingUp reports whether the server is still catching up.
func (s *Server) catchingUp() bool { return s.notReady.Load() }

// readyz answers 200 once the projections have caught up with the head as
// it was at start-up and stay within lagTolerance commits of the head.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	pos := s.runner.Position()
	if start := s.startHead.Load(); s.catchingUp() {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "catching_up", "head": start, "position": pos})
		return nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	head, err := s.store.Head(ctx)
	if err != nil {
		return err
	}
	if head > pos && head-pos > lagTolerance {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "catching_up", "head": head, "position": pos})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "head": head, "position": pos})
	return nil
}

// refuseWhileCatchingUp answers writes with 503 and Retry-After until the
// projections have caught up: a command decided now would be checked
// against the store (which is always current) but its answer could not be
// read back, and the replica is not in rotation yet anyway.
func (s *Server) refuseWhileCatchingUp(w http.ResponseWriter, method string) error {
	if method == http.MethodGet || method == http.MethodHead || !s.catchingUp() {
		return nil
	}
	w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	return domain.Errorf(domain.CodeUnavailable, "this server is catching up with the event stream (at %d of %d); retry shortly",
		s.runner.Position(), s.startHead.Load())
}

// Starting answers while a process opens its store and restores its
// projections, before the API can serve: /healthz 200, /readyz 503
// "starting", everything else 503 with Retry-After.
func Starting(version string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": version})
		case "/readyz":
			w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "starting", "head": 0, "position": 0})
		default:
			w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
			writeError(w, r, domain.Errorf(domain.CodeUnavailable, "the server is starting; retry shortly"), slog.New(slog.DiscardHandler))
		}
	})
}
