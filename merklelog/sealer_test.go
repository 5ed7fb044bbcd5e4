package merklelog_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/jejak-id/jejak/merklelog"
)

// TestTwoSealersWriteOneHeadPerInterval runs two replicas' trees and
// sealers on one store while commits arrive: every head extends the one
// before, and no interval has two heads.
//
// In the fed variant one replica's tree is fed as jejak serve feeds it
// (Tree.Offer from a reader of the whole stream, here one that starts past
// the tree's size, as projections restarting from a checkpoint ahead of
// the last head do), the other reads the stream itself.
func TestTwoSealersWriteOneHeadPerInterval(t *testing.T) {
	t.Run("both read", func(t *testing.T) { twoSealers(t, false) })
	t.Run("one fed", func(t *testing.T) { twoSealers(t, true) })
}

func twoSealers(t *testing.T, fed bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tiles, seals := stores(t)
	key := mustKey(t)
	heads := merklelog.NewHeads(seals, []note.Verifier{key.Verifier})
	const interval = time.Second // heads carry whole seconds
	var stream memoryStream
	var wg sync.WaitGroup
	var offered, taken atomic.Int64
	for i := range 2 {
		tree := merklelog.NewTree(tiles, 64)
		feed := fed && i == 0
		s, err := merklelog.NewSealer(tree, seals, heads, merklelog.SealerConfig{Key: key, Interval: interval, MaxCommits: 1 << 40,
			Head: stream.head, Read: stream.read, Fed: feed, OnError: func(err error) { t.Errorf("sealer: %v", err) }})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() { defer wg.Done(); s.Run(ctx) }()
		if feed {
			wg.Add(1)
			go func() { // a reader of the whole stream, from position 300 on
				defer wg.Done()
				for after := uint64(299); ctx.Err() == nil; time.Sleep(5 * time.Millisecond) {
					_ = stream.read(ctx, after, func(c merklelog.Commit) error {
						offered.Add(1)
						if tree.Offer(c) {
							taken.Add(1)
						}
						after = c.Position
						return nil
					})
				}
			}()
		}
	}
	deadline := time.Now().Add(3500 * time.Millisecond)
	for pos := uint64(1); time.Now().Before(deadline); pos++ {
		stream.append(commit(pos))
		time.Sleep(time.Millisecond) // commits arrive over time, not as a test wait
	}
	// one more interval for the last head
	final, _ := stream.head(ctx)
	waitUntil(t, 5*time.Second, func() bool {
		h, ok, err := heads.Latest(ctx)
		return err == nil && ok && h.Size == final
	})
	cancel()
	wg.Wait()
	if fed {
		t.Logf("fed tree: %d of %d offered commits taken", taken.Load(), offered.Load())
		if taken.Load() == 0 {
			t.Error("the fed tree took no offered commit")
		}
	}

	all, _, err := heads.Page(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 3 {
		t.Fatalf("%d heads in 3.5s with a %v interval", len(all), interval)
	}
	prover := merklelog.NewProver(tiles, 64)
	seen := map[int64]uint64{}
	for i, h := range all {
		slot := h.Time.UnixNano() / int64(interval)
		if other, dup := seen[slot]; dup {
			t.Errorf("heads %d and %d were both sealed in interval %d", other, h.Number, slot)
		}
		seen[slot] = h.Number
		if i == 0 {
			continue
		}
		prev := all[i-1]
		if h.Size <= prev.Size || h.Time.Before(prev.Time) {
			t.Errorf("head %d (%d, %s) after head %d (%d, %s)", h.Number, h.Size, h.Time, prev.Number, prev.Size, prev.Time)
		}
		p, err := prover.Consistency(context.Background(), prev.Size, h.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := merklelog.CheckConsistency(prev, h, p); err != nil {
			t.Errorf("head %d does not extend head %d: %v", h.Number, prev.Number, err)
		}
	}
}

func waitUntil(t *testing.T, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in time")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// memoryStream is a stream of commits in memory, read as the sealers read
// the event stream.
type memoryStream struct {
	mu      sync.Mutex
	commits []merklelog.Commit
}

func (m *memoryStream) append(c merklelog.Commit) {
	m.mu.Lock()
	m.commits = append(m.commits, c)
	m.mu.Unlock()
}

func (m *memoryStream) head(context.Context) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return uint64(len(m.commits)), nil
}

func (m *memoryStream) read(ctx context.Context, after uint64, fn func(merklelog.Commit) error) error {
	m.mu.Lock()
	cs := m.commits[min(after, uint64(len(m.commits))):]
	m.mu.Unlock()
	for _, c := range cs {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}
