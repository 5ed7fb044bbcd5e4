package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/personal"
)

// PersonalKeyFile is the master key of personal data in a data
// directory's keys/ (docs/PRIVACY.md), created on first start.
const PersonalKeyFile = "personal-master.key"

// PersonalKeyPath is where the master key is: path when given (a cluster's
// key from `make credentials`), else <dataDir>/keys/personal-master.key.
func PersonalKeyPath(path, dataDir string) string {
	if path != "" {
		return path
	}
	return filepath.Join(dataDir, "keys", PersonalKeyFile)
}

// OpenPeople opens the personal data keys (bucket JEJAK_KEYS) with the
// master key at keyPath, creating the key when it does not exist. now is
// the clock of the vault's key cache (nil: time.Now).
func OpenPeople(ctx context.Context, nc *nats.Conn, replicas int, keyPath string, now func() time.Time) (*personal.Vault, error) {
	master, err := personal.LoadOrCreateMasterKey(keyPath)
	if err != nil {
		return nil, fmt.Errorf("personal data master key: %w", err)
	}
	keys, err := natsinfra.OpenPersonalKeys(ctx, nc, replicas)
	if err != nil {
		return nil, err
	}
	return personal.NewVault(keys, master, personal.Options{Now: now})
}

// ShredErased shreds the key of every subject erased in store's log (the
// keys of a store restored from a backup, or of an erasure whose process
// stopped between the append and the shred). It returns the position of
// the last person commit, from which FollowErasures goes on.
func ShredErased(ctx context.Context, store *eventstore.Store, people domain.PersonalData) (uint64, error) {
	return store.ReadType(ctx, domain.AggregatePerson, shredOn(ctx, people))
}

// FollowErasures shreds the key of every subject erased after position
// after, live, until ctx ends (every replica runs it, so an erasure is
// carried out even when the process that appended it stopped before
// shredding).
func FollowErasures(ctx context.Context, store *eventstore.Store, after uint64, people domain.PersonalData) error {
	err := store.FollowType(ctx, domain.AggregatePerson, after, shredOn(ctx, people))
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}

func shredOn(ctx context.Context, people domain.PersonalData) func(domain.RecordedEvent) error {
	return func(ev domain.RecordedEvent) error {
		if e, ok := ev.Data.(domain.PersonErased); ok {
			return people.Shred(ctx, e.Subject)
		}
		return nil
	}
}
