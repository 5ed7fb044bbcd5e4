package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/jejak-id/jejak/domain"
)

// IdempotencyKeys remembers which request first used an Idempotency-Key
// (natsinfra.IdempotencyKeys implements it on a JetStream KV bucket).
type IdempotencyKeys interface {
	// Claim records fingerprint for key unless the key is known. It returns
	// the fingerprint recorded first and, when this call recorded it, the
	// revision of the record (0 otherwise), for Release.
	Claim(ctx context.Context, key, fingerprint string) (first string, revision uint64, err error)
	// Release forgets key if it is still the record made at revision, so
	// that a refused request does not use its key up.
	Release(ctx context.Context, key string, revision uint64) error
}

// idempotencyClaim is a key claimed by the request being served.
type idempotencyClaim struct {
	key      string
	revision uint64
}

// claimIdempotencyKey refuses a write that reuses an Idempotency-Key for a
// different request (another endpoint or another body). A true retry (same
// key, same request) passes, and the command id derived from the key makes
// it append once and answer as the first time. Bodies are compared as JSON
// values (RFC 8785 canonical form), so a re-indented copy of a body is the
// same request. It leaves the body readable and returns the claim this
// request made, nil when it made none (no key, a read, a known key).
func (s *Server) claimIdempotencyKey(r *http.Request) (*idempotencyClaim, error) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" || s.cfg.Idempotency == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil, nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, decodeJSON(&http.Request{Header: r.Header, Body: io.NopCloser(errReader{err})}, &struct{}{})
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), canonicalJSON(body)...))
	fingerprint := hex.EncodeToString(sum[:])
	name := actorFrom(r.Context()).UserID + "\n" + key
	first, revision, err := s.cfg.Idempotency.Claim(r.Context(), name, fingerprint)
	if err != nil {
		return nil, err
	}
	if first != fingerprint {
		return nil, domain.Errorf(codeIdempotencyReuse, "this Idempotency-Key was already used for a different request; use a new key for a new request")
	}
	if revision == 0 {
		return nil, nil
	}
	return &idempotencyClaim{key: name, revision: revision}, nil
}

// releaseIdempotencyKey gives back the key of a request that was refused
// (any 4xx: authorisation, validation, a state the command does not fit),
// so that the corrected request can use the same key. Nothing was appended
// for it. Failures only cost the key, so they are logged, not answered.
func (s *Server) releaseIdempotencyKey(r *http.Request, c *idempotencyClaim) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	if err := s.cfg.Idempotency.Release(ctx, c.key, c.revision); err != nil {
		s.log.WarnContext(ctx, "idempotency key not released", "err", err)
	}
}

// canonicalJSON is body in RFC 8785 canonical form, or body itself when it
// is not valid JSON (such a request is refused anyway).
func canonicalJSON(body []byte) []byte {
	v := jsontext.Value(bytes.Clone(body))
	if err := v.Canonicalize(); err != nil {
		return body
	}
	return v
}

// errReader replays a read error (such as a too-large body) for decodeJSON.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
