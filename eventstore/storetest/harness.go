// Package storetest is the behaviour suite every domain.EventStore
// implementation must pass. An implementation's test calls Run with a
// Harness that starts fresh backends.
package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// StoreOptions are what the suite asks of a store; zero values mean the
// implementation's defaults.
type StoreOptions struct {
	Specs           []domain.EventSpec
	MaxCommitBytes  int
	DuplicateWindow time.Duration
}

// Backend is one isolated, initially empty storage (for JetStream: one
// embedded server in a temp dir; in memory: one log). Stores opened on one
// backend share its events, like processes connected to one server.
type Backend interface {
	// Open returns a store over the backend; the backend closes it at the
	// end of the test.
	Open(t testing.TB, o StoreOptions) domain.EventStore
	// ForgetCommand returns once the backend's duplicate window no longer
	// covers commandID, so that a retry must be recognised from history.
	// It must wait by polling, never by sleeping a fixed time. A backend
	// without a duplicate window returns at once.
	ForgetCommand(t testing.TB, commandID uuid.UUID)
}

// Restarter is a Backend whose data outlives its server (JetStream's files).
// The restart case runs only on such backends and is skipped, saying so,
// on the others: an in-memory log has no server to restart and keeps
// nothing beyond the process.
type Restarter interface {
	Backend
	// Restart stops the backend and starts it again over the same data.
	// Stores opened before are unusable afterwards; open new ones.
	Restart(t testing.TB)
}

// Harness supplies fresh backends to the suite.
type Harness struct {
	NewBackend func(t testing.TB) Backend
}
