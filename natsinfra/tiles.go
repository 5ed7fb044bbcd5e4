package natsinfra

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// LogTilesBucket keeps the tiles of the Merkle log (its node hashes).
const LogTilesBucket = "JEJAK_LOG_TILES"

// Tiles is a JetStream KV bucket of tiles: values that only ever grow by
// appending (a tile holds up to 256 node hashes), written with a revision
// check so that two writers never overwrite each other's longer value.
// Keys use letters, digits and ".-_". Safe for concurrent use.
type Tiles struct {
	kv jetstream.KeyValue
}

// OpenTiles creates or opens the bucket (file storage, one revision per
// key, nothing expires).
func OpenTiles(ctx context.Context, nc *nats.Conn, replicas int) (*Tiles, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("natsinfra: %w", err)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: LogTilesBucket,
		Description: "Jejak Merkle log tiles (node hashes)", History: 1,
		Storage: jetstream.FileStorage, Replicas: max(replicas, 1)})
	if err != nil {
		return nil, Translate("open "+LogTilesBucket, err)
	}
	return &Tiles{kv: kv}, nil
}

// Get returns the value under key and its revision; ok is false when there
// is none.
func (t *Tiles) Get(ctx context.Context, key string) (value []byte, revision uint64, ok bool, err error) {
	entry, err := t.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, Translate("get tile "+key, err)
	}
	return entry.Value(), entry.Revision(), true, nil
}

// Put stores value under key if the key is at revision (0: the key must
// not exist) and returns the new revision. written is false, and nothing
// is stored, when it is not.
func (t *Tiles) Put(ctx context.Context, key string, value []byte, revision uint64) (newRevision uint64, written bool, err error) {
	if revision == 0 {
		newRevision, err = t.kv.Create(ctx, key, value)
	} else {
		newRevision, err = t.kv.Update(ctx, key, value, revision)
	}
	if errors.Is(err, jetstream.ErrKeyExists) {
		return 0, false, nil
	}
	if err = Translate("put tile "+key, err); errors.Is(err, ErrStaleExpectation) {
		return 0, false, nil
	}
	return newRevision, err == nil, err
}
