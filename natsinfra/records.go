package natsinfra

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
)

// Buckets of the reactors' records.
const (
	NotificationBucket    = "JEJAK_NOTIFICATIONS"
	WebhookDeliveryBucket = "JEJAK_WEBHOOK_DELIVERIES"
)

// Records is a JetStream KV bucket of write-once records: what a reactor
// has done, keyed so that doing it again is recognised. Keys use letters,
// digits and "-_=./". Safe for concurrent use.
type Records struct {
	kv jetstream.KeyValue
}

// OpenRecords creates or opens the bucket (file storage, one revision per
// key, nothing expires).
func OpenRecords(ctx context.Context, nc *nats.Conn, bucket string, replicas int) (*Records, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("natsinfra: %w", err)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: bucket,
		Description: "Jejak reactor records " + bucket, History: 1,
		Storage: jetstream.FileStorage, Replicas: max(replicas, 1)})
	if err != nil {
		return nil, Translate("open "+bucket, err)
	}
	return &Records{kv: kv}, nil
}

// Create stores value under key unless the key exists. created is false,
// and nothing is written, when it does: a redelivered commit finds its
// record and is not recorded twice.
func (r *Records) Create(ctx context.Context, key string, value []byte) (created bool, err error) {
	_, err = r.kv.Create(ctx, key, value)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return false, nil
	}
	if err != nil {
		return false, Translate("create record "+key, err)
	}
	return true, nil
}

// Get returns the value under key; ok is false when there is none.
func (r *Records) Get(ctx context.Context, key string) (value []byte, ok bool, err error) {
	entry, err := r.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, Translate("get record "+key, err)
	}
	return entry.Value(), true, nil
}

// Each calls fn with every record, in the order they were written, and
// stops at fn's first error (returned).
func (r *Records) Each(ctx context.Context, fn func(key string, value []byte) error) error {
	w, err := r.kv.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return Translate("list records", err)
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e, ok := <-w.Updates():
			if !ok {
				return domain.Errorf(domain.CodeUnavailable, "the records bucket is closed")
			}
			if e == nil { // the initial values are done
				return nil
			}
			if err := fn(e.Key(), e.Value()); err != nil {
				return err
			}
		}
	}
}
