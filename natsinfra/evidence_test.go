package natsinfra_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/natsinfra"
)

func mustEvidence(t *testing.T) *natsinfra.EvidenceObjects {
	t.Helper()
	srv, err := natsinfra.StartEmbedded(natsinfra.EmbeddedConfig{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	ev, err := natsinfra.OpenEvidence(context.Background(), srv.Conn(), 1)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// failingReader yields n bytes, then an error, as a client that goes away.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("connection reset")
	}
	k := min(len(p), f.n)
	clear(p[:k])
	f.n -= k
	return k, nil
}

func TestEvidenceObjects(t *testing.T) {
	ctx := context.Background()
	data := bytes.Repeat([]byte("bukti dukung "), 100_000) // 1.3 MB: several chunks
	s := sha256.Sum256(data)
	sum := hex.EncodeToString(s[:])

	t.Run("a put that fails half way leaves no object", func(t *testing.T) {
		ev := mustEvidence(t)
		if _, err := ev.Put(ctx, sum, int64(len(data)), &failingReader{n: 600_000}); err == nil {
			t.Fatal("no error")
		}
		if names, err := ev.Names(ctx); err != nil || len(names) != 0 {
			t.Fatalf("objects %v, %v", names, err)
		}
	})
	t.Run("bytes that do not hash to the name are not kept", func(t *testing.T) {
		ev := mustEvidence(t)
		other := sha256.Sum256([]byte("x"))
		_, err := ev.Put(ctx, hex.EncodeToString(other[:]), int64(len(data)), bytes.NewReader(data))
		if !errors.Is(err, natsinfra.ErrEvidenceDigest) {
			t.Fatalf("got %v", err)
		}
		if names, _ := ev.Names(ctx); len(names) != 0 {
			t.Fatalf("objects %v", names)
		}
	})
	t.Run("stores once, reads back with seeks, re-hashes", func(t *testing.T) {
		ev := mustEvidence(t)
		for i, want := range []bool{true, false} {
			created, err := ev.Put(ctx, sum, int64(len(data)), bytes.NewReader(data))
			if err != nil || created != want {
				t.Fatalf("put %d: created %v, %v", i, created, err)
			}
		}
		r, ok, err := ev.Open(ctx, sum)
		if err != nil || !ok || r.Size() != int64(len(data)) {
			t.Fatalf("open: %v %v", ok, err)
		}
		defer r.Close()
		for _, off := range []int64{900_000, 10, 1_299_990, 0} {
			if _, err := r.Seek(off, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 10)
			if _, err := io.ReadFull(r, buf); err != nil || !bytes.Equal(buf, data[off:off+10]) {
				t.Fatalf("at %d: %q, %v", off, buf, err)
			}
		}
		got, n, ok, err := ev.Rehash(ctx, sum)
		if err != nil || !ok || got != sum || n != int64(len(data)) {
			t.Fatalf("rehash: %s %d %v %v", got, n, ok, err)
		}
		if _, _, ok, err := ev.Rehash(ctx, hex.EncodeToString(make([]byte, 32))); ok || err != nil {
			t.Fatalf("rehash of nothing: %v %v", ok, err)
		}
	})
}

// streamMsgs counts the messages of the evidence bucket's stream (chunks
// and descriptions).
func streamMsgs(t *testing.T, nc *nats.Conn) uint64 {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	st, err := js.Stream(context.Background(), "OBJ_"+natsinfra.EvidenceBucket)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// TestEvidenceStage: uploads are staged (chunks without a name), then
// committed under their hash or discarded.
func TestEvidenceStage(t *testing.T) {
	ctx := context.Background()
	data := bytes.Repeat([]byte("bukti dukung "), 200_000) // 2.6 MB: more chunks than the window
	s := sha256.Sum256(data)
	sum := hex.EncodeToString(s[:])
	srv, err := natsinfra.StartEmbedded(natsinfra.EmbeddedConfig{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	ev, err := natsinfra.OpenEvidence(ctx, srv.Conn(), 1)
	if err != nil {
		t.Fatal(err)
	}
	nothing := func(t *testing.T) {
		t.Helper()
		if names, err := ev.Names(ctx); err != nil || len(names) != 0 {
			t.Fatalf("objects %v, %v", names, err)
		}
		if n := streamMsgs(t, srv.Conn()); n != 0 {
			t.Fatalf("%d messages left in the bucket", n)
		}
	}

	t.Run("a stage cut off half way leaves nothing, and says why", func(t *testing.T) {
		_, err := ev.Stage(ctx, &failingReader{n: 1_500_000})
		if err == nil || err.Error() != "connection reset" {
			t.Fatalf("got %v", err)
		}
		nothing(t)
	})
	t.Run("a short read before the end is not the end", func(t *testing.T) {
		r := io.MultiReader(bytes.NewReader(data[:300_000]), iotest.ErrReader(io.ErrUnexpectedEOF))
		if _, err := ev.Stage(ctx, r); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("got %v", err)
		}
		nothing(t)
	})
	t.Run("a discarded stage leaves nothing", func(t *testing.T) {
		st, err := ev.Stage(ctx, iotest.HalfReader(bytes.NewReader(data)))
		if err != nil || st.SHA256 != sum || st.Size != int64(len(data)) {
			t.Fatalf("stage: %+v, %v", st, err)
		}
		if names, _ := ev.Names(ctx); len(names) != 0 {
			t.Fatalf("a staged upload is listed: %v", names)
		}
		if err := ev.Discard(ctx, st); err != nil {
			t.Fatal(err)
		}
		nothing(t)
	})
	t.Run("committed under its hash, once, read back whole", func(t *testing.T) {
		for i, want := range []bool{true, false} {
			st, err := ev.Stage(ctx, iotest.OneByteReader(bytes.NewReader(data[:400_000])))
			if err != nil {
				t.Fatal(err)
			}
			st2, err := ev.Stage(ctx, bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ev.Commit(ctx, st); err != nil {
				t.Fatal(err)
			}
			created, err := ev.Commit(ctx, st2)
			if err != nil || created != want {
				t.Fatalf("commit %d: created %v, %v", i, created, err)
			}
		}
		names, _ := ev.Names(ctx)
		if len(names) != 2 {
			t.Fatalf("objects %v", names)
		}
		got, n, ok, err := ev.Rehash(ctx, sum)
		if err != nil || !ok || got != sum || n != int64(len(data)) {
			t.Fatalf("rehash: %s %d %v %v", got, n, ok, err)
		}
		// the duplicates' chunks are gone: what is left is the two
		// objects' chunks and descriptions
		want := uint64((len(data)+natsinfra.StageChunkSize-1)/natsinfra.StageChunkSize + (400_000+natsinfra.StageChunkSize-1)/natsinfra.StageChunkSize + 2)
		if n := streamMsgs(t, srv.Conn()); n != want {
			t.Fatalf("%d messages in the bucket, want %d", n, want)
		}
		r, ok, err := ev.Open(ctx, sum)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		defer r.Close()
		if _, err := r.Seek(1_000_000, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 100)
		if _, err := io.ReadFull(r, buf); err != nil || !bytes.Equal(buf, data[1_000_000:1_000_100]) {
			t.Fatalf("%q %v", buf, err)
		}
	})
	t.Run("not a staged upload", func(t *testing.T) {
		if err := ev.Discard(ctx, natsinfra.StagedEvidence{ID: ">"}); err == nil {
			t.Fatal("discarded a wildcard")
		}
		if _, err := ev.Commit(ctx, natsinfra.StagedEvidence{ID: "*", SHA256: sum}); err == nil {
			t.Fatal("committed a wildcard")
		}
	})
}
