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
// retry).
func (k *IdempotencyKeys) Claim(ctx context.Context, key, fingerprint string) (string, error) {
	sum := sha256.Sum256([]byte(key))
	name := hex.EncodeToString(sum[:])
	_, err := k.kv.Create(ctx, name, []byte(fingerprint))
	if err == nil {
		return fingerprint, nil
	}
	if !errors.Is(err, jetstream.ErrKeyExists) {
		return "", Translate("claim idempotency key", err)
	}
	entry, err := k.kv.Get(ctx, name)
	if err != nil {
		return "", Translate("read idempotency key", err)
	}
	return string(entry.Value()), nil
}
