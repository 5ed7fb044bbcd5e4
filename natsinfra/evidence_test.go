package natsinfra_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"

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
