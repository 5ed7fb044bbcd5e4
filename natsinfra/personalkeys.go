package natsinfra

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// PersonalKeysBucket is the KV bucket of personal data keys (wrapped) and
// the NIP index (docs/PRIVACY.md).
const PersonalKeysBucket = "JEJAK_KEYS"

// PersonalKeys is the key store of package personal on a KV bucket
// (replicated like the stream, one value per key, nothing expires). Safe
// for concurrent use.
type PersonalKeys struct {
	kv     jetstream.KeyValue
	stream jetstream.Stream
}

// OpenPersonalKeys creates or opens the bucket. Its stream is made here
// rather than by the KV API, because a KV bucket's stream denies deleting
// single messages, and shredding needs that to overwrite a destroyed key's
// bytes on disk (JetStream's secure delete); otherwise it is configured as
// the KV API configures a bucket (one value per key, rollups, direct gets).
func OpenPersonalKeys(ctx context.Context, nc *nats.Conn, replicas int) (*PersonalKeys, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("natsinfra: %w", err)
	}
	stream, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:              "KV_" + PersonalKeysBucket,
		Description:       "Jejak personal data keys (wrapped) and the NIP index",
		Subjects:          []string{"$KV." + PersonalKeysBucket + ".>"},
		MaxMsgsPerSubject: 1,
		MaxMsgs:           -1,
		MaxBytes:          -1,
		MaxConsumers:      -1,
		MaxMsgSize:        -1,
		Storage:           jetstream.FileStorage,
		Replicas:          max(replicas, 1),
		Discard:           jetstream.DiscardNew,
		Duplicates:        2 * time.Minute,
		AllowRollup:       true,
		AllowDirect:       true,
		DenyDelete:        false,
	})
	if err != nil {
		return nil, Translate("open "+PersonalKeysBucket, err)
	}
	kv, err := js.KeyValue(ctx, PersonalKeysBucket)
	if err != nil {
		return nil, Translate("open "+PersonalKeysBucket, err)
	}
	return &PersonalKeys{kv: kv, stream: stream}, nil
}

// Get returns the value under key; ok is false when there is none.
func (k *PersonalKeys) Get(ctx context.Context, key string) ([]byte, bool, error) {
	e, err := k.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, Translate("read personal key", err)
	}
	return e.Value(), true, nil
}

// Create stores value under key unless key exists.
func (k *PersonalKeys) Create(ctx context.Context, key string, value []byte) (bool, error) {
	_, err := k.kv.Create(ctx, key, value)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return false, nil
	}
	if err != nil {
		return false, Translate("store personal key", err)
	}
	return true, nil
}

// Delete overwrites the stored message of key on disk (JetStream's secure
// delete) and then purges the key, leaving a purge marker without data. A
// key that does not exist is not an error.
func (k *PersonalKeys) Delete(ctx context.Context, key string) error {
	e, err := k.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil
	}
	if err != nil {
		return Translate("read personal key", err)
	}
	if err := k.stream.SecureDeleteMsg(ctx, e.Revision()); err != nil {
		// Another process (an erasure's shred racing the erasure follower)
		// may have deleted the message first: that is done, not a failure.
		// nats.go does not wrap the server's error here, so ask whether
		// the message is still there instead of reading the error.
		if _, gerr := k.stream.GetMsg(ctx, e.Revision()); !errors.Is(Translate("read personal key", gerr), ErrNoMessage) {
			return Translate("delete personal key", err)
		}
	}
	if err := k.kv.Purge(ctx, key); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return Translate("delete personal key", err)
	}
	return nil
}
