package natsinfra

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// EvidenceBucket is the object store bucket of evidence files.
const EvidenceBucket = "JEJAK_EVIDENCE"

// EvidenceObjects keeps the bytes of evidence files in a JetStream object
// store bucket, one object per file named by its SHA-256 in lowercase hex:
// the same bytes are stored once whoever uploads them. Objects are never
// deleted or replaced through it (an answer may cite any of them). The
// object store writes an object's chunks first and its description last,
// and removes the chunks of a put that fails, so an object is either all
// there or not at all. Safe for concurrent use.
type EvidenceObjects struct {
	os jetstream.ObjectStore

	// putting serialises puts of one hash in this process (striped by
	// the hash's first byte), so two uploads of the same new file store
	// it once.
	putting [256]sync.Mutex
}

// OpenEvidence creates or opens the evidence bucket with the given replicas
// (1 embedded, 3 in a cluster, like the event stream).
func OpenEvidence(ctx context.Context, nc *nats.Conn, replicas int) (*EvidenceObjects, error) {
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(time.Minute),
		jetstream.WithPublishAsyncMaxPending(256), jetstream.WithPublishAsyncTimeout(time.Minute))
	if err != nil {
		return nil, fmt.Errorf("natsinfra: %w", err)
	}
	if replicas < 1 {
		replicas = 1
	}
	os, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket: EvidenceBucket, Description: "Jejak evidence files (bukti dukung), named by SHA-256",
		Storage: jetstream.FileStorage, Replicas: replicas,
	})
	if err != nil {
		return nil, Translate("open object store "+EvidenceBucket, err)
	}
	return &EvidenceObjects{os: os}, nil
}

// ErrEvidenceDigest reports bytes whose SHA-256 is not the name they were
// stored or asked for under.
var ErrEvidenceDigest = errors.New("evidence bytes do not hash to their name")

// lock serialises puts of one hash in this process.
func (e *EvidenceObjects) lock(sum string) func() {
	var b byte
	if sum != "" {
		b = sum[0] ^ sum[len(sum)-1]
	}
	e.putting[b].Lock()
	return e.putting[b].Unlock
}

// Put stores the size bytes r yields under sum, their SHA-256 in lowercase
// hex, unless an object of that name and size is stored already (then r is
// not read and created is false). The object store hashes what it stores;
// when that is not sum the object is removed and ErrEvidenceDigest
// returned. A failed put (r fails, ctx ends, the server refuses) leaves no
// object.
func (e *EvidenceObjects) Put(ctx context.Context, sum string, size int64, r io.Reader) (created bool, err error) {
	unlock := e.lock(sum)
	defer unlock()
	if info, err := e.os.GetInfo(ctx, sum); err == nil && int64(info.Size) == size {
		return false, nil
	} else if err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		return false, Translate("evidence info", err)
	}
	info, err := e.os.Put(ctx, jetstream.ObjectMeta{Name: sum}, r)
	if err != nil {
		return false, Translate("put evidence", err)
	}
	if digestHex(info.Digest) != sum || int64(info.Size) != size {
		_ = e.os.Delete(context.WithoutCancel(ctx), sum)
		return false, fmt.Errorf("put evidence %s (%d bytes): %w", sum, info.Size, ErrEvidenceDigest)
	}
	return true, nil
}

// digestHex turns the object store's "SHA-256=<base64url>" into hex.
func digestHex(d string) string {
	const prefix = "SHA-256="
	if len(d) <= len(prefix) || d[:len(prefix)] != prefix {
		return ""
	}
	raw, err := base64.URLEncoding.DecodeString(d[len(prefix):])
	if err != nil {
		return ""
	}
	return hex.EncodeToString(raw)
}

// Size returns the stored size of sum; ok is false when there is no object.
func (e *EvidenceObjects) Size(ctx context.Context, sum string) (size int64, ok bool, err error) {
	info, err := e.os.GetInfo(ctx, sum)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, Translate("evidence info", err)
	}
	return int64(info.Size), true, nil
}

// Open returns a reader of the object sum that can seek (for HTTP Range
// requests); ok is false when there is no object. Close it when done.
func (e *EvidenceObjects) Open(ctx context.Context, sum string) (r *EvidenceReader, ok bool, err error) {
	size, ok, err := e.Size(ctx, sum)
	if !ok || err != nil {
		return nil, ok, err
	}
	return &EvidenceReader{ctx: ctx, os: e.os, name: sum, size: size}, true, nil
}

// Rehash reads the object sum and returns the SHA-256 of its bytes in hex
// and their number; ok is false when there is no object.
func (e *EvidenceObjects) Rehash(ctx context.Context, sum string) (got string, size int64, ok bool, err error) {
	res, err := e.os.Get(ctx, sum)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return "", 0, false, nil
	}
	if err != nil {
		return "", 0, false, Translate("get evidence", err)
	}
	defer res.Close()
	h := sha256.New()
	n, err := io.Copy(h, res)
	if err != nil && !errors.Is(err, jetstream.ErrDigestMismatch) {
		return "", n, true, Translate("read evidence", err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, true, nil
}

// ReadRaw reads the object sum into w without hashing it (benchmarks
// compare Rehash with it); ok is false when there is no object.
func (e *EvidenceObjects) ReadRaw(ctx context.Context, sum string, w io.Writer) (int64, bool, error) {
	res, err := e.os.Get(ctx, sum)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, Translate("get evidence", err)
	}
	defer res.Close()
	n, err := io.Copy(w, res)
	return n, true, err
}

// PutRaw stores r under name as the object store does, without the checks
// of Put (benchmarks compare uploads with it).
func (e *EvidenceObjects) PutRaw(ctx context.Context, name string, r io.Reader) error {
	_, err := e.os.Put(ctx, jetstream.ObjectMeta{Name: name}, r)
	return err
}

// Delete removes the object name; only benchmarks and tests use it.
func (e *EvidenceObjects) Delete(ctx context.Context, name string) error {
	return e.os.Delete(ctx, name)
}

// Names lists every stored object's name.
func (e *EvidenceObjects) Names(ctx context.Context) ([]string, error) {
	infos, err := e.os.List(ctx)
	if errors.Is(err, jetstream.ErrNoObjectsFound) {
		return nil, nil
	}
	if err != nil {
		return nil, Translate("list evidence", err)
	}
	names := make([]string, 0, len(infos))
	for _, info := range infos {
		names = append(names, info.Name)
	}
	return names, nil
}

// EvidenceReader reads one evidence object. Seeking is cheap; a read after a
// seek backwards (or forwards past what was read) fetches the object again
// from the new offset, which is what a PDF viewer's Range requests need and
// keeps only one chunk in memory. Not safe for concurrent use.
type EvidenceReader struct {
	ctx  context.Context
	os   jetstream.ObjectStore
	name string
	size int64

	pos  int64 // where the next Read reads
	res  jetstream.ObjectResult
	rpos int64 // where res is
}

// Size is the object's size in bytes.
func (r *EvidenceReader) Size() int64 { return r.size }

// Seek implements io.Seeker.
func (r *EvidenceReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.pos
	case io.SeekEnd:
		offset += r.size
	default:
		return 0, errors.New("evidence reader: bad whence")
	}
	if offset < 0 {
		return 0, errors.New("evidence reader: negative position")
	}
	r.pos = offset
	return offset, nil
}

// Read implements io.Reader.
func (r *EvidenceReader) Read(p []byte) (int, error) {
	if r.pos >= r.size {
		return 0, io.EOF
	}
	if r.res == nil || r.rpos != r.pos {
		if r.res != nil {
			r.res.Close()
			r.res = nil
		}
		res, err := r.os.Get(r.ctx, r.name)
		if err != nil {
			return 0, Translate("get evidence", err)
		}
		if _, err := io.CopyN(io.Discard, res, r.pos); err != nil {
			res.Close()
			return 0, Translate("seek evidence", err)
		}
		r.res, r.rpos = res, r.pos
	}
	n, err := r.res.Read(p)
	r.pos += int64(n)
	r.rpos += int64(n)
	return n, err
}

// Close releases the reader.
func (r *EvidenceReader) Close() error {
	if r.res != nil {
		err := r.res.Close()
		r.res = nil
		return err
	}
	return nil
}
