package natsinfra

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
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
	os     jetstream.ObjectStore
	js     jetstream.JetStream
	stream jetstream.Stream // the bucket's stream, for purges by subject

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
	stream, err := js.Stream(ctx, "OBJ_"+EvidenceBucket)
	if err != nil {
		return nil, Translate("open stream of "+EvidenceBucket, err)
	}
	return &EvidenceObjects{os: os, js: js, stream: stream}, nil
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

// StagedEvidence is an upload whose chunks are stored but which has no
// name yet: Commit names it by its hash, Discard removes the chunks.
type StagedEvidence struct {
	ID     string // the chunks' id (their subject's last token)
	SHA256 string // of the bytes, lowercase hex
	Size   int64
}

// StageChunkSize is the chunk size of staged uploads: the object store's
// default (128 KiB), as a put of nats.go uses.
const StageChunkSize = 128 << 10

// stageWindow bounds the chunks of one upload published and not yet
// acknowledged; each has its own buffer, reused once it is acknowledged,
// so an upload holds at most stageWindow chunks (1 MiB) in memory. 8 is
// as fast as 16 (BenchmarkUpload20MB, three interleaved runs under the
// bench lock: median 45.1 ms with 8, 44.3 with 16, 51.9 with 4) at half
// the memory per concurrent upload.
const stageWindow = 8

// Stage stores what r yields as the chunks of an object that has no name
// yet, hashing it on the way, so that an upload is read once and neither
// spooled nor hashed twice: its name (the hash) is known only at the end.
// The chunks follow the object store's layout (ADR-20: subject
// $O.<bucket>.C.<id>, whole chunks of StageChunkSize but the last), so
// that Commit only has to publish the object's description. A failed
// Stage (r fails, ctx ends, the server refuses) purges what it sent; when
// r failed, its error is returned as it is. Until Commit, nothing names
// the chunks: no reader sees them, and a process that dies leaves only
// chunks without a description, as a put of nats.go cut off does.
func (e *EvidenceObjects) Stage(ctx context.Context, r io.Reader) (StagedEvidence, error) {
	s := StagedEvidence{ID: nuid.Next()}
	subject := chunkSubject(s.ID)
	// the hash is taken on its own goroutine, in order, while the next
	// chunk is read and published
	h := sha256.New()
	toHash, hashed := make(chan []byte, stageWindow), make(chan struct{}, stageWindow)
	go func() {
		for b := range toHash {
			h.Write(b)
			hashed <- struct{}{}
		}
		close(hashed)
	}()
	sent, done := 0, 0 // chunks given to the hasher, and hashed
	var (
		bufs [stageWindow]*[StageChunkSize]byte
		acks [stageWindow]jetstream.PubAckFuture
	)
	// free waits until slot i's last chunk is acknowledged and hashed
	free := func(ctx context.Context, i int) error {
		for ; sent-done >= stageWindow; done++ {
			<-hashed
		}
		if acks[i] == nil {
			return nil
		}
		select {
		case <-acks[i].Ok():
			acks[i] = nil
			return nil
		case err := <-acks[i].Err():
			acks[i] = nil
			return Translate("stage evidence", err)
		case <-ctx.Done():
			return ctx.Err() // still in flight: its buffer is not reused
		}
	}
	// release gives back to the pool the buffers no chunk in flight uses
	release := func() {
		for i, b := range bufs {
			if b != nil && acks[i] == nil {
				chunkBuffers.Put(b)
			}
		}
	}
	finished := false
	finish := func() {
		if !finished {
			finished = true
			close(toHash)
			for range hashed {
			}
		}
	}
	fail := func(err error) (StagedEvidence, error) {
		finish()
		// nothing may land after the purge: wait for every chunk sent
		// (each is answered within the publish timeout)
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		for i := range acks {
			_ = free(wctx, i)
		}
		release()
		_ = e.purgeChunks(ctx, s.ID)
		return StagedEvidence{}, err
	}
	for n := 0; ; n++ {
		i := n % stageWindow
		if err := free(ctx, i); err != nil {
			return fail(err)
		}
		if bufs[i] == nil {
			bufs[i] = chunkBuffers.Get().(*[StageChunkSize]byte)
		}
		k, rerr := fillChunk(r, bufs[i][:])
		if k > 0 {
			ack, err := e.js.PublishMsgAsync(&nats.Msg{Subject: subject, Data: bufs[i][:k]})
			if err != nil {
				return fail(Translate("stage evidence", err))
			}
			acks[i] = ack
			toHash <- bufs[i][:k]
			sent++
			s.Size += int64(k)
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return fail(rerr)
		}
	}
	finish()
	for i := range acks {
		if err := free(ctx, i); err != nil {
			return fail(err)
		}
	}
	release()
	s.SHA256 = hex.EncodeToString(h.Sum(nil))
	return s, nil
}

// chunkBuffers hold the chunks of uploads being staged, reused from one
// upload to the next rather than left to the collector (an upload would
// otherwise leave stageWindow chunks of garbage behind).
var chunkBuffers = sync.Pool{New: func() any { return new([StageChunkSize]byte) }}

// fillChunk reads r into p until p is full or r ends (io.EOF, with the
// bytes read before it) or fails (any other error, as it is: a reader cut
// short may answer io.ErrUnexpectedEOF, which is not an end).
func fillChunk(r io.Reader, p []byte) (n int, err error) {
	for n < len(p) && err == nil {
		var k int
		k, err = r.Read(p[n:])
		n += k
	}
	if n == len(p) && errors.Is(err, io.EOF) {
		err = nil // the next read answers io.EOF again
	}
	return n, err
}

func chunkSubject(id string) string { return "$O." + EvidenceBucket + ".C." + id }

// metaSubject is the subject of an object's description in the bucket.
func metaSubject(name string) string {
	return "$O." + EvidenceBucket + ".M." + base64.URLEncoding.EncodeToString([]byte(name))
}

// validStagedID: a nuid (22 letters and digits), so that a purge can only
// ever name one staged object's chunks.
func validStagedID(id string) bool {
	if len(id) != 22 {
		return false
	}
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// purgeChunks removes the chunks of a staged upload, even when ctx has
// ended (a request that ended still cleans up).
func (e *EvidenceObjects) purgeChunks(ctx context.Context, id string) error {
	if !validStagedID(id) {
		return fmt.Errorf("evidence: %q is not a staged upload", id)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := e.stream.Purge(ctx, jetstream.WithPurgeSubject(chunkSubject(id))); err != nil {
		return Translate("discard evidence", err)
	}
	return nil
}

// Commit makes a staged upload the evidence object named by its hash, by
// publishing its description (as the object store's Put does last), or
// removes it when that object is stored already (created false). An
// object of that name but another size (bytes that were never whole) is
// replaced.
func (e *EvidenceObjects) Commit(ctx context.Context, s StagedEvidence) (created bool, err error) {
	if !validStagedID(s.ID) || !validHex(s.SHA256) {
		return false, fmt.Errorf("commit evidence: not a staged upload (%q, %q)", s.ID, s.SHA256)
	}
	unlock := e.lock(s.SHA256)
	defer unlock()
	existing, err := e.os.GetInfo(ctx, s.SHA256)
	switch {
	case err == nil && int64(existing.Size) == s.Size:
		return false, e.Discard(ctx, s)
	case err == nil:
		if err := e.os.Delete(ctx, s.SHA256); err != nil {
			return false, Translate("replace evidence", err)
		}
	case !errors.Is(err, jetstream.ErrObjectNotFound):
		return false, Translate("evidence info", err)
	}
	raw, _ := hex.DecodeString(s.SHA256)
	info := jetstream.ObjectInfo{
		ObjectMeta: jetstream.ObjectMeta{Name: s.SHA256, Opts: &jetstream.ObjectMetaOptions{ChunkSize: StageChunkSize}},
		Bucket:     EvidenceBucket, NUID: s.ID, Size: uint64(s.Size),
		Chunks: uint32((s.Size + StageChunkSize - 1) / StageChunkSize),
		Digest: "SHA-256=" + base64.URLEncoding.EncodeToString(raw),
	}
	data, err := json.Marshal(&info)
	if err != nil {
		return false, err
	}
	m := nats.NewMsg(metaSubject(s.SHA256))
	m.Header.Set(jetstream.MsgRollup, jetstream.MsgRollupSubject)
	m.Data = data
	if _, err := e.js.PublishMsg(ctx, m); err != nil {
		return false, Translate("commit evidence", err)
	}
	return true, nil
}

func validHex(s string) bool {
	_, err := hex.DecodeString(s)
	return len(s) == 64 && err == nil
}

// Discard removes the chunks of a staged upload, even when ctx has ended.
func (e *EvidenceObjects) Discard(ctx context.Context, s StagedEvidence) error {
	return e.purgeChunks(ctx, s.ID)
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
