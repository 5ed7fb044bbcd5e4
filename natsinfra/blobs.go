package natsinfra

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Default object store buckets.
const (
	CheckpointBucket = "JEJAK_CHECKPOINTS"
	SnapshotBucket   = "JEJAK_SNAPSHOTS"
	ExportBucket     = "JEJAK_EXPORTS"
)

// Blobs stores named blobs (projection checkpoints, snapshots) in a
// JetStream object store bucket, replicated like the event stream. Objects
// carry a SHA-256 digest that the server checks on read. Safe for
// concurrent use.
type Blobs struct {
	os     jetstream.ObjectStore
	stream jetstream.Stream
	bucket string
}

// ErrBrokenBlob means a blob's description names chunks that are not in the
// bucket (nats.go's Put writes the description before it knows every chunk
// was stored, and removes the new chunks when one fails): reading it would
// wait for them until the timeout.
var ErrBrokenBlob = errors.New("the blob's chunks are missing")

// BlobInfo describes a stored blob.
type BlobInfo struct {
	Name     string
	Size     uint64
	Modified time.Time
	Digest   string
	Metadata map[string]string
}

// OpenBlobs creates or opens the object store bucket.
func OpenBlobs(ctx context.Context, nc *nats.Conn, bucket string, replicas int) (*Blobs, error) {
	// Large objects (national-scale snapshots) go out as hundreds of
	// chunks: bound what is in flight and give acks time.
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(time.Minute),
		jetstream.WithPublishAsyncMaxPending(64), jetstream.WithPublishAsyncTimeout(time.Minute))
	if err != nil {
		return nil, fmt.Errorf("natsinfra: %w", err)
	}
	if replicas < 1 {
		replicas = 1
	}
	os, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket: bucket, Description: "Jejak " + bucket, Storage: jetstream.FileStorage, Replicas: replicas,
	})
	if err != nil {
		return nil, Translate("open object store "+bucket, err)
	}
	stream, err := js.Stream(ctx, "OBJ_"+bucket)
	if err != nil {
		return nil, Translate("open object store "+bucket, err)
	}
	return &Blobs{os: os, stream: stream, bucket: bucket}, nil
}

// blobTimeout bounds a whole Put or Get of a large object when the caller's
// context has no deadline (the client's default would cut a national-scale
// snapshot off after a minute).
const blobTimeout = 10 * time.Minute

func withBlobTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, blobTimeout)
}

// Put stores data under name, replacing an earlier version.
func (b *Blobs) Put(ctx context.Context, name string, data []byte) error {
	return b.PutMeta(ctx, name, data, nil)
}

// PutMeta stores data with metadata under name.
func (b *Blobs) PutMeta(ctx context.Context, name string, data []byte, meta map[string]string) error {
	ctx, cancel := withBlobTimeout(ctx)
	defer cancel()
	_, err := b.os.Put(ctx, jetstream.ObjectMeta{Name: name, Metadata: meta}, bytes.NewReader(data))
	if err != nil {
		return Translate("put "+name, err)
	}
	b.sweep(ctx)
	return nil
}

// orphanAge is how long chunks without a description stay before sweep
// removes them: longer than any Put may take, so that the chunks of one
// still in flight (here or on another replica) are never touched.
const orphanAge = blobTimeout + time.Minute

// sweep removes the chunks no blob describes any more, left by Puts that
// failed or were cut short (at national scale each is 200 MB). Best effort.
func (b *Blobs) sweep(ctx context.Context) {
	_, _ = sweepOrphans(ctx, b.os, b.stream, b.bucket, orphanAge)
}

// Delete removes the blob (nothing when there is none), its description
// included: the object store would keep a "deleted" description under the
// name for ever, and checkpoints are named by position, one per save.
func (b *Blobs) Delete(ctx context.Context, name string) error {
	err := b.os.Delete(ctx, name)
	if err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		return Translate("delete "+name, err)
	}
	// the description's subject, as the object store names it (ADR-20)
	meta := "$O." + b.bucket + ".M." + base64.URLEncoding.EncodeToString([]byte(name))
	if err := b.stream.Purge(ctx, jetstream.WithPurgeSubject(meta)); err != nil {
		return Translate("delete "+name, err)
	}
	return nil
}

// Names lists the names of the blobs that start with prefix.
func (b *Blobs) Names(ctx context.Context, prefix string) ([]string, error) {
	infos, err := b.List(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, i := range infos {
		if strings.HasPrefix(i.Name, prefix) {
			names = append(names, i.Name)
		}
	}
	return names, nil
}

// intact checks that every chunk the blob's description names is stored.
func (b *Blobs) intact(ctx context.Context, info *jetstream.ObjectInfo) error {
	if info.Chunks == 0 {
		return nil
	}
	subject := "$O." + b.bucket + ".C." + info.NUID
	si, err := b.stream.Info(ctx, jetstream.WithSubjectFilter(subject))
	if err != nil {
		return Translate("check "+info.Name, err)
	}
	if got := si.State.Subjects[subject]; got != uint64(info.Chunks) {
		return fmt.Errorf("natsinfra: blob %s: %w (%d of %d stored)", info.Name, ErrBrokenBlob, got, info.Chunks)
	}
	return nil
}

// Get returns the blob's bytes; ok is false when there is none.
func (b *Blobs) Get(ctx context.Context, name string) ([]byte, bool, error) {
	ctx, cancel := withBlobTimeout(ctx)
	defer cancel()
	info, err := b.os.GetInfo(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, Translate("get "+name, err)
	}
	if err := b.intact(ctx, info); err != nil {
		return nil, false, err
	}
	obj, err := b.os.Get(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, Translate("get "+name, err)
	}
	defer obj.Close()
	// Sized from the object's info up front (a national checkpoint is
	// ~200 MB: growing a buffer to it copied it several times); read to the
	// end, where the object store checks the digest.
	var buf bytes.Buffer
	if info, err := obj.Info(); err == nil && info.Size < 1<<40 {
		buf.Grow(int(info.Size) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(obj); err != nil {
		return nil, false, Translate("get "+name, err)
	}
	return buf.Bytes(), true, nil
}

// Info describes one blob; ok is false when there is none.
func (b *Blobs) Info(ctx context.Context, name string) (BlobInfo, bool, error) {
	info, err := b.os.GetInfo(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return BlobInfo{}, false, nil
	}
	if err != nil {
		return BlobInfo{}, false, Translate("info "+name, err)
	}
	return blobInfo(info), true, nil
}

// List describes every blob, in the store's order.
func (b *Blobs) List(ctx context.Context) ([]BlobInfo, error) {
	infos, err := b.os.List(ctx)
	if errors.Is(err, jetstream.ErrNoObjectsFound) {
		return nil, nil
	}
	if err != nil {
		return nil, Translate("list objects", err)
	}
	out := make([]BlobInfo, 0, len(infos))
	for _, i := range infos {
		out = append(out, blobInfo(i))
	}
	return out, nil
}

func blobInfo(i *jetstream.ObjectInfo) BlobInfo {
	return BlobInfo{Name: i.Name, Size: i.Size, Modified: i.ModTime, Digest: i.Digest, Metadata: i.Metadata}
}

// Metadata returns the metadata of every blob, by name.
func (b *Blobs) Metadata(ctx context.Context) (map[string]map[string]string, error) {
	infos, err := b.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]string, len(infos))
	for _, i := range infos {
		out[i.Name] = i.Metadata
	}
	return out, nil
}
