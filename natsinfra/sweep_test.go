package natsinfra_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/natsinfra"
)

// Chunks that no object describes (a Put or an upload cut short) are
// removed once older than the bound; the objects' own chunks and fresh
// orphans (an upload in flight) stay.
func TestSweepOrphanChunks(t *testing.T) {
	ctx := context.Background()
	srv, err := natsinfra.StartEmbedded(natsinfra.EmbeddedConfig{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	nc := srv.Conn()
	blobs, err := natsinfra.OpenBlobs(ctx, nc, "SWEEP_TEST", 1)
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("checkpoint "), 40_000) // several chunks
	if err := blobs.Put(ctx, "kept", data); err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	for _, orphan := range []string{"cutshort1", "cutshort2"} {
		for range 3 {
			if _, err := js.Publish(ctx, "$O.SWEEP_TEST.C."+orphan, []byte("half a put")); err != nil {
				t.Fatal(err)
			}
		}
	}
	chunkSubjects := func() int {
		stream, err := js.Stream(ctx, "OBJ_SWEEP_TEST")
		if err != nil {
			t.Fatal(err)
		}
		si, err := stream.Info(ctx, jetstream.WithSubjectFilter("$O.SWEEP_TEST.C.>"))
		if err != nil {
			t.Fatal(err)
		}
		return len(si.State.Subjects)
	}
	if n, err := natsinfra.SweepOrphanChunks(ctx, nc, "SWEEP_TEST", time.Hour); err != nil || n != 0 || chunkSubjects() != 3 {
		t.Fatalf("orphans younger than the bound: removed %d (%v), %d chunk subjects left; want 0 removed, 3 left", n, err, chunkSubjects())
	}
	if n, err := natsinfra.SweepOrphanChunks(ctx, nc, "SWEEP_TEST", 0); err != nil || n != 2 || chunkSubjects() != 1 {
		t.Fatalf("removed %d (%v), %d chunk subjects left; want the 2 orphans removed, the object's chunks left", n, err, chunkSubjects())
	}
	if n, err := natsinfra.SweepOrphanChunks(ctx, nc, "NEVER_MADE", 0); err != nil || n != 0 {
		t.Fatalf("a bucket not made yet: removed %d, %v; want 0, nil", n, err)
	}
	got, ok, err := blobs.Get(ctx, "kept")
	if err != nil || !ok || !bytes.Equal(got, data) {
		t.Fatalf("the described object after the sweep: ok %v, %v, %d bytes", ok, err, len(got))
	}
}
