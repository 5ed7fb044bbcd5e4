package natsinfra

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// IdempotencyBucket is the KV bucket remembering Idempotency-Keys.
const IdempotencyBucket = "JEJAK_IDEMPOTENCY"

// IdempotencyKeys remembers, for a while, which request first used an
// Idempotency-Key, so that reusing a key for a different request is
// refused instead of silently answered with the first request's result.
// Safe for concurrent use.
type IdempotencyKeys struct {
	kv jetstream.KeyValue
}

// OpenIdempotencyKeys creates or opens the bucket; keys expire after ttl.
func OpenIdempotencyKeys(ctx context.Context, nc *nats.Conn, replicas int, ttl time.Duration) (*IdempotencyKeys, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("natsinfra: %w", err)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: IdempotencyBucket,
		Description: "Jejak Idempotency-Keys and the request that first used each", TTL: ttl,
		Storage: jetstream.FileStorage, Replicas: max(replicas, 1)})
	if err != nil {
		return nil, Translate("open "+IdempotencyBucket, err)
	}
	return &IdempotencyKeys{kv: kv}, nil
}

// Claim records fingerprint for key unless the key is known, and returns the
// fingerprint recorded first (equal to fingerprint for a new key or a true
// retry) and, when this call recorded it, the record's revision (0
// otherwise). A released key is new again.
func (k *IdempotencyKeys) Claim(ctx context.Context, key, fingerprint string) (string, uint64, error) {
	name := keyName(key)
	rev, err := k.kv.Create(ctx, name, []byte(fingerprint))
	if err == nil {
		return fingerprint, rev, nil
	}
	if !errors.Is(err, jetstream.ErrKeyExists) {
		return "", 0, Translate("claim idempotency key", err)
	}
	entry, err := k.kv.Get(ctx, name)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		// released between Create and Get: claim it again
		return k.Claim(ctx, key, fingerprint)
	}
	if err != nil {
		return "", 0, Translate("read idempotency key", err)
	}
	return string(entry.Value()), 0, nil
}

// Release deletes key if its record is still the one made at revision
// (never a later claim's). A key already gone is no error.
func (k *IdempotencyKeys) Release(ctx context.Context, key string, revision uint64) error {
	err := k.kv.Delete(ctx, keyName(key), jetstream.LastRevision(revision))
	if err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return Translate("release idempotency key", err)
	}
	return nil
}

// keyName hashes a key (any visible ASCII, up to 255 characters, prefixed
// with the user) into a valid KV key.
func keyName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}
