package app_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/sampledata"
)

// stateHash replays the store up to position into fresh projections and
// returns the index's state hash.
func stateHash(t *testing.T, store domain.EventStore, position uint64) string {
	t.Helper()
	v := projections.NewViews(store)
	if err := projections.Replay(context.Background(), store, position, v.Index, v.Audit, v.Timeline); err != nil {
		t.Fatal(err)
	}
	h, err := projections.StateHash(v.Index)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestBackupRestoreUnderLoad backs a store up while 64 writers append,
// restores the backup into a new data directory, and checks that every
// write acknowledged before the backup began is there and that the
// projections rebuilt from the restored store equal the source's at the
// backup's position. A second restore into the now non-empty store is
// refused unless forced.
func TestBackupRestoreUnderLoad(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	src := testsupport.MustStorage(t)
	if _, err := sampledata.Generate(ctx, src.Store, sampledata.GenerateOptions{Seed: 19, Years: []int{2025}, Scale: 0.002}); err != nil {
		t.Fatal(err)
	}
	keys, err := natsinfra.OpenIdempotencyKeys(ctx, src.Conn, 1, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := keys.Claim(ctx, "kunci-contoh", "sidik-jari"); err != nil {
		t.Fatal(err)
	}

	type ack struct {
		id       uuid.UUID
		position uint64
		innov    string
	}
	svc := domain.NewService(src.Store, time.Now)
	var (
		mu     sync.Mutex
		acked  []ack
		n      atomic.Int64
		stop   = make(chan struct{})
		wg     sync.WaitGroup
		failed atomic.Value
	)
	for w := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := uuid.Must(uuid.NewV7())
				res, inn, err := svc.ProposeInnovation(ctx, domain.ProposeInnovationCommand{
					CommandMeta: domain.CommandMeta{CommandID: id, Actor: testsupport.Admin}, Region: "18.04",
					On: testsupport.Day("2025-01-02"), Details: domain.InnovationDetails{Name: fmt.Sprintf("Inovasi %d-%d", w, i),
						Unit: "Dinas Kesehatan", Initiator: domain.InitiatorOPD, Form: domain.FormPelayananPublik, Digital: true,
						Affair: domain.AffairKesehatan, Problem: "p", Solution: "s", Benefit: "b"}})
				if err != nil {
					failed.Store(err)
					return
				}
				mu.Lock()
				acked = append(acked, ack{id, res.Position, inn})
				mu.Unlock()
				n.Add(1)
			}
		}()
	}
	for waited := time.Now(); n.Load() < 200; { // the writers are well under way
		if err, _ := failed.Load().(error); err != nil {
			t.Fatal(err)
		}
		if time.Since(waited) > time.Minute {
			t.Fatalf("the writers acknowledged %d writes in a minute", n.Load())
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	before := append([]ack(nil), acked...)
	mu.Unlock()
	file := filepath.Join(t.TempDir(), "jejak.backup")
	m, err := app.Backup(ctx, src.Conn, file, app.BackupOptions{Version: "test"})
	atBackupEnd := n.Load()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if err, _ := failed.Load().(error); err != nil {
		t.Fatal(err)
	}
	t.Logf("backup at position %d of %d streams; %d writes acknowledged before it began, %d by its end, %d in all",
		m.EventsPosition, len(m.Streams), len(before), atBackupEnd, n.Load())
	var names []string
	for _, s := range m.Streams {
		names = append(names, s.Name)
	}
	for _, want := range []string{"JEJAK_EVENTS", "KV_JEJAK_IDEMPOTENCY"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("the backup has %v, not %s", names, want)
		}
	}

	dir := t.TempDir()
	conn, err := app.OpenConnection(app.StorageConfig{DataDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Restore(ctx, conn.Conn, file, app.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	dst := testsupport.MustStorageIn(t, dir)

	t.Run("every write acknowledged before the backup began is restored", func(t *testing.T) {
		head, err := dst.Store.Head(ctx)
		if err != nil || head != m.EventsPosition {
			t.Fatalf("restored head %d (%v), the backup's position is %d", head, err, m.EventsPosition)
		}
		for _, a := range before {
			if a.position > m.EventsPosition {
				t.Fatalf("write at %d acknowledged before the backup is after its position %d", a.position, m.EventsPosition)
			}
			evs, err := dst.Store.Load(ctx, domain.AggregateInnovation, a.innov, 0)
			if err != nil || len(evs) == 0 || evs[0].CommandID != a.id || evs[0].Position != a.position {
				t.Fatalf("innovation %s (position %d) not restored as written: %v", a.innov, a.position, err)
			}
		}
	})
	t.Run("the projections equal the source's at the backup's position", func(t *testing.T) {
		want, got := stateHash(t, src.Store, m.EventsPosition), stateHash(t, dst.Store, m.EventsPosition)
		if want != got {
			t.Fatalf("state hash %s after restore, %s in the source at %d", got, want, m.EventsPosition)
		}
	})
	t.Run("the buckets come back", func(t *testing.T) {
		keys, err := natsinfra.OpenIdempotencyKeys(ctx, dst.Conn, 1, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if first, _, err := keys.Claim(ctx, "kunci-contoh", "lain"); err != nil || first != "sidik-jari" {
			t.Errorf("the idempotency key from before the backup answers %q, %v", first, err)
		}
	})
	dst.Close()
	t.Run("a store that is not empty is refused unless forced", func(t *testing.T) {
		conn, err := app.OpenConnection(app.StorageConfig{DataDir: dir}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := app.Restore(ctx, conn.Conn, file, app.RestoreOptions{}); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("restore into a non-empty store: %v", err)
		}
		if _, err := app.Restore(ctx, conn.Conn, file, app.RestoreOptions{Force: true}); err != nil {
			t.Fatalf("forced restore: %v", err)
		}
	})
}
