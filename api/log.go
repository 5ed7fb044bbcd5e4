package api

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/merklelog"
)

// merkleLog is the Merkle log as the API serves it: signed heads, proofs
// built from stored tiles, and the canonical bytes of a commit.
type merkleLog struct {
	heads  *merklelog.Heads
	prover *merklelog.Prover
	leaf   func(ctx context.Context, position uint64) ([]byte, error)
}

// logState guards the log, which starts in the background.
type logState struct {
	mu  sync.RWMutex
	log *merkleLog
}

// EnableLog turns on the /api/v1/log endpoints. leaf returns the canonical
// bytes of the commit at a position (merklelog.AppendCanonical).
func (s *Server) EnableLog(heads *merklelog.Heads, prover *merklelog.Prover, leaf func(ctx context.Context, position uint64) ([]byte, error)) {
	s.merkle.mu.Lock()
	defer s.merkle.mu.Unlock()
	s.merkle.log = &merkleLog{heads: heads, prover: prover, leaf: leaf}
}

// latestHead returns the log and its latest signed head.
func (s *Server) latestHead(ctx context.Context) (*merkleLog, merklelog.Head, error) {
	s.merkle.mu.RLock()
	l := s.merkle.log
	s.merkle.mu.RUnlock()
	if l == nil {
		return nil, merklelog.Head{}, domain.Errorf(domain.CodeUnavailable, "the Merkle log is not running on this server (yet); try again shortly")
	}
	head, ok, err := l.heads.Latest(ctx)
	if err != nil {
		return nil, merklelog.Head{}, logError(err)
	}
	if !ok {
		return nil, merklelog.Head{}, domain.Errorf(domain.CodeNotFound, "nothing is sealed yet: the first signed head follows the first commit within the seal interval")
	}
	return l, head, nil
}

// logError hides what a failure of the log says internally: a head that
// does not verify is reported as such, anything else stays in the log.
func logError(err error) error {
	switch {
	case errors.Is(err, merklelog.ErrUntrustedHead), errors.Is(err, merklelog.ErrMalformedHead):
		return domain.Errorf(domain.CodeUnavailable, "the latest stored head does not verify with this server's sealing keys; run jejak verify --log")
	case errors.Is(err, merklelog.ErrNotStored):
		return domain.Errorf(domain.CodeNotFound, "that tree size was never sealed")
	}
	return err
}

func (s *Server) logHead(w http.ResponseWriter, r *http.Request) error {
	_, head, err := s.latestHead(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, head.JSON())
	return nil
}

type headsPage struct {
	Heads  []merklelog.HeadJSON `json:"heads"`
	Latest uint64               `json:"latest"` // number of the latest head
	Next   *uint64              `json:"next_after,omitempty"`
}

func (s *Server) logHeads(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	after := q.uint("after", 0)
	limit := q.int("limit", 100, 1, 1000)
	if err := q.err(); err != nil {
		return err
	}
	l, _, err := s.latestHead(r.Context())
	if err != nil {
		return err
	}
	heads, latest, err := l.heads.Page(r.Context(), after, limit)
	if err != nil {
		return logError(err)
	}
	out := headsPage{Heads: make([]merklelog.HeadJSON, 0, len(heads)), Latest: latest}
	for _, h := range heads {
		out.Heads = append(out.Heads, h.JSON())
	}
	if n := len(heads); n > 0 && heads[n-1].Number < latest {
		next := heads[n-1].Number
		out.Next = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) logInclusion(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	position := q.uint("position", 0)
	size := q.uint("size", 0)
	if q.str("position") == "" {
		q.p.Add("position", "is required: the stream position of the commit")
	}
	if err := q.err(); err != nil {
		return err
	}
	l, head, err := s.latestHead(r.Context())
	if err != nil {
		return err
	}
	if size == 0 {
		size = head.Size
	}
	var p domain.Problems
	p.Check(size <= head.Size, "size", "must not exceed the latest signed head's size, %d", head.Size)
	p.Check(position >= 1, "position", "must be at least 1")
	if err := p.Err(); err != nil {
		return err
	}
	if position > size {
		return domain.Errorf(domain.CodeNotFound, "position %d is not in the tree of %d commits; it is sealed by the next head (within the seal interval)", position, size)
	}
	proof, err := l.prover.Inclusion(r.Context(), position, size)
	if err != nil {
		return logError(err)
	}
	if authorize(r, domain.ActionReadAudit, "") == nil { // who may read the audit history may read the commit
		if proof.Leaf, err = l.leaf(r.Context(), position); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, proof)
	return nil
}

func (s *Server) logConsistency(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	from := q.uint("from", 0)
	to := q.uint("to", 0)
	if q.str("from") == "" {
		q.p.Add("from", "is required: the size of the older head")
	}
	if err := q.err(); err != nil {
		return err
	}
	l, head, err := s.latestHead(r.Context())
	if err != nil {
		return err
	}
	if to == 0 {
		to = head.Size
	}
	var p domain.Problems
	p.Check(from >= 1, "from", "must be at least 1")
	p.Check(from <= to, "from", "must not exceed to")
	p.Check(to <= head.Size, "to", "must not exceed the latest signed head's size, %d", head.Size)
	if err := p.Err(); err != nil {
		return err
	}
	proof, err := l.prover.Consistency(r.Context(), from, to)
	if err != nil {
		return logError(err)
	}
	writeJSON(w, http.StatusOK, proof)
	return nil
}
