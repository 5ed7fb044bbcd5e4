package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"

	"github.com/jejak-id/jejak/domain"
)

// IdempotencyKeys remembers which request first used an Idempotency-Key
// (natsinfra.IdempotencyKeys implements it on a JetStream KV bucket).
type IdempotencyKeys interface {
	// Claim records fingerprint for key unless the key is known and returns
	// the fingerprint recorded first.
	Claim(ctx context.Context, key, fingerprint string) (string, error)
}

// checkIdempotencyKey refuses a write that reuses an Idempotency-Key for a
// different request (another endpoint or another body). A true retry (same
// key, same request) passes, and the command id derived from the key makes
// it append once and answer as the first time. It leaves the body readable.
func (s *Server) checkIdempotencyKey(r *http.Request) error {
	key := r.Header.Get("Idempotency-Key")
	if key == "" || s.cfg.Idempotency == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return decodeJSON(&http.Request{Header: r.Header, Body: io.NopCloser(errReader{err})}, &struct{}{})
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), body...))
	fingerprint := hex.EncodeToString(sum[:])
	first, err := s.cfg.Idempotency.Claim(r.Context(), actorFrom(r.Context()).UserID+"\n"+key, fingerprint)
	if err != nil {
		return err
	}
	if first != fingerprint {
		return domain.Errorf(codeIdempotencyReuse, "this Idempotency-Key was already used for a different request; use a new key for a new request")
	}
	return nil
}

// errReader replays a read error (such as a too-large body) for decodeJSON.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
