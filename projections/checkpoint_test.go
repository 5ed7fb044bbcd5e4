package projections_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/projections"
)

func TestCheckpoint(t *testing.T) {
	s := mustStack(t)
	scenario(t, s)
	ctx := context.Background()
	blobs, err := natsinfra.OpenBlobs(ctx, s.storage.Conn, natsinfra.CheckpointBucket, 1)
	if err != nil {
		t.Fatal(err)
	}
	first := caughtUp(t, s.store)
	saved, err := first.SaveCheckpoint(ctx, blobs, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	// Three more commits after the checkpoint.
	_, err = s.svc.VerifyAnswer(ctx, domain.VerifyAnswerCommand{CommandMeta: s.meta(verifier), Year: 2025,
		Region: "18.04", Indicator: "12", Decision: domain.DecisionAccept, Reason: "piagam ada"})
	if err != nil {
		t.Fatal(err)
	}
	lb := operator("18.04")
	_, session, err := s.svc.ScheduleBimtek(ctx, domain.ScheduleBimtekCommand{CommandMeta: s.meta(lb), Plan: domain.BimtekPlan{
		Region: "18.04", Title: "Bimtek Inovasi Daerah 2025", Kind: domain.SessionBimtek, Date: day("2025-08-06"),
		Venue: "Aula Kagungan", Organiser: "Bappeda Lampung Barat", Mode: domain.ModeHybrid}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.RecordAttendance(ctx, domain.RecordAttendanceCommand{CommandMeta: s.meta(lb), SessionID: session,
		Participant: domain.Participant{Name: "Peserta Contoh", NIP: "990000000000000001", Unit: "Dinas Kependudukan dan Pencatatan Sipil", Role: "pamong inovasi"}}); err != nil {
		t.Fatal(err)
	}

	t.Run("resumes after the checkpoint without replaying everything", func(t *testing.T) {
		head, err := s.store.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		restarted := projections.NewViews(s.store)
		pos, err := restarted.RestoreCheckpoint(ctx, blobs)
		if err != nil || pos != saved {
			t.Fatalf("restored at %d (%v), want %d", pos, err, saved)
		}
		var reread int
		restarted.Runner.OnApplied(func(domain.RecordedEvent) { reread++ })
		if err := restarted.Runner.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if want := int(head - saved); reread != want {
			t.Fatalf("re-read %d events after the checkpoint, want %d (head %d, checkpoint %d)", reread, want, head, saved)
		}
		rebuilt := caughtUp(t, s.store)
		if a, b := hash(t, restarted.Index), hash(t, rebuilt.Index); a != b {
			t.Fatalf("resumed index %s != rebuilt %s", a, b)
		}
		if a, b := hash(t, restarted.Timeline), hash(t, rebuilt.Timeline); a != b {
			t.Fatalf("resumed timeline %s != rebuilt %s", a, b)
		}
	})

	t.Run("starts from zero when there is no checkpoint", func(t *testing.T) {
		other, err := natsinfra.OpenBlobs(ctx, s.storage.Conn, "EMPTY_CHECKPOINTS", 1)
		if err != nil {
			t.Fatal(err)
		}
		pos, err := projections.NewViews(s.store).RestoreCheckpoint(ctx, other)
		if err != nil || pos != 0 {
			t.Fatalf("RestoreCheckpoint = %d, %v; want 0, nil", pos, err)
		}
	})

	// A blob that sorts after every checkpoint a save writes: the one a
	// restore reads first.
	const newest = "projections-checkpoint.99999999999999999999"
	t.Run("refuses a checkpoint of another projection version", func(t *testing.T) {
		header := []byte(`{"Position":3,"Parts":[{"Name":"index","Version":0,"Size":0},{"Name":"audit","Version":1,"Size":0},{"Name":"timeline","Version":1,"Size":0}]}`)
		data := binary.AppendUvarint([]byte("JEJAK-CHECKPOINT\x01"), uint64(len(header)))
		if err := blobs.Put(ctx, newest, append(data, header...)); err != nil {
			t.Fatal(err)
		}
		_, err := projections.NewViews(s.store).RestoreCheckpoint(ctx, blobs)
		if !errors.Is(err, projections.ErrStaleCheckpoint) {
			t.Fatalf("err = %v, want ErrStaleCheckpoint", err)
		}
	})

	t.Run("treats a checkpoint in the older JSON format as stale", func(t *testing.T) {
		if err := blobs.Put(ctx, newest, []byte(`{"Position":3,"Projections":{"index":{"Version":3,"State":{}}}}`)); err != nil {
			t.Fatal(err)
		}
		_, err := projections.NewViews(s.store).RestoreCheckpoint(ctx, blobs)
		if !errors.Is(err, projections.ErrStaleCheckpoint) {
			t.Fatalf("err = %v, want ErrStaleCheckpoint", err)
		}
	})

	t.Run("passes over a damaged checkpoint for the one before, and reports when none is left", func(t *testing.T) {
		if err := blobs.Delete(ctx, newest); err != nil {
			t.Fatal(err)
		}
		v := caughtUp(t, s.store)
		at, err := v.SaveCheckpoint(ctx, blobs, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		names := checkpointNames(t, blobs)
		if len(names) != 2 || !strings.HasSuffix(names[0], fmt.Sprintf(".%020d", at)) {
			t.Fatalf("after two saves the bucket holds %v; want the latest (position %d) and the one before", names, at)
		}
		// and no description of a deleted one is left behind
		if got := metaSubjects(t, s.storage.Conn); got != 2 {
			t.Fatalf("%d object descriptions in the bucket, want the 2 kept", got)
		}
		data, _, err := blobs.Get(ctx, names[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := blobs.Put(ctx, names[0], data[:len(data)-10]); err != nil {
			t.Fatal(err)
		}
		restored := projections.NewViews(s.store)
		pos, err := restored.RestoreCheckpoint(ctx, blobs)
		if err != nil || pos != saved || len(restored.SkippedCheckpoints()) != 1 {
			t.Fatalf("restored at %d (%v), skipped %v; want the checkpoint before (%d), one skipped", pos, err, restored.SkippedCheckpoints(), saved)
		}

		// The chunks of the older one disappear (as when nats.go's Put
		// fails after writing the description): it is refused at once,
		// not waited for.
		js, err := jetstream.New(s.storage.Conn)
		if err != nil {
			t.Fatal(err)
		}
		obs, err := js.ObjectStore(ctx, natsinfra.CheckpointBucket)
		if err != nil {
			t.Fatal(err)
		}
		info, err := obs.GetInfo(ctx, names[1])
		if err != nil {
			t.Fatal(err)
		}
		stream, err := js.Stream(ctx, "OBJ_"+natsinfra.CheckpointBucket)
		if err != nil {
			t.Fatal(err)
		}
		if err := stream.Purge(ctx, jetstream.WithPurgeSubject("$O."+natsinfra.CheckpointBucket+".C."+info.NUID)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := blobs.Get(ctx, names[1]); !errors.Is(err, natsinfra.ErrBrokenBlob) {
			t.Fatalf("reading a checkpoint without its chunks: %v, want ErrBrokenBlob", err)
		}
		_, err = projections.NewViews(s.store).RestoreCheckpoint(ctx, blobs)
		if !errors.Is(err, projections.ErrBrokenCheckpoint) {
			t.Fatalf("err = %v, want ErrBrokenCheckpoint", err)
		}
	})
}

// metaSubjects counts the object descriptions in the checkpoint bucket's
// stream, deleted ones included.
func metaSubjects(t *testing.T, nc *nats.Conn) int {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.Stream(context.Background(), "OBJ_"+natsinfra.CheckpointBucket)
	if err != nil {
		t.Fatal(err)
	}
	si, err := stream.Info(context.Background(), jetstream.WithSubjectFilter("$O."+natsinfra.CheckpointBucket+".M.>"))
	if err != nil {
		t.Fatal(err)
	}
	return len(si.State.Subjects)
}

// checkpointNames lists the stored checkpoints, newest first.
func checkpointNames(t *testing.T, blobs *natsinfra.Blobs) []string {
	t.Helper()
	names, err := blobs.Names(context.Background(), "projections-checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	slices.Reverse(names)
	return names
}
