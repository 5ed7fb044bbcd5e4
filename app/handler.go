package app

import (
	"crypto/ed25519"
	"crypto/rand"
	"net/http"

	"github.com/jejak-id/jejak/api"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
)

// NewHandler builds the HTTP API over a store and projections the caller
// runs itself, without listening: for benchmarks that measure the handlers
// on projections they have just rebuilt. Tokens are signed with a fresh
// key; nothing else (exports, idempotency keys) is wired.
func NewHandler(store domain.EventStore, views *projections.Views) (http.Handler, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return api.New(api.Config{Store: store, Service: domain.NewService(store, nil), Views: views, Tokens: api.NewTokens(key, nil)})
}
