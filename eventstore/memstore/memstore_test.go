package memstore_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore/memstore"
	"github.com/jejak-id/jejak/eventstore/storetest"
)

func TestStoreBehaviour(t *testing.T) {
	storetest.Run(t, storetest.Harness{NewBackend: func(t testing.TB) storetest.Backend {
		return &backend{log: memstore.NewLog()}
	}})
}

// backend is one in-memory log. It is not a storetest.Restarter: the log
// lives only as long as the process.
type backend struct {
	log *memstore.Log
}

func (b *backend) Open(t testing.TB, o storetest.StoreOptions) domain.EventStore {
	t.Helper()
	s, err := memstore.Open(b.log, memstore.Config{Specs: o.Specs, MaxCommitBytes: o.MaxCommitBytes})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// ForgetCommand returns at once: the memory store remembers every command
// id for ever, so a retry is always recognised from the log itself.
func (b *backend) ForgetCommand(testing.TB, uuid.UUID) {}
