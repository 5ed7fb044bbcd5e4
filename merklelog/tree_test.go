package merklelog_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/testonly"

	"github.com/jejak-id/jejak/internal/testsupport"
	"github.com/jejak-id/jejak/merklelog"
	"github.com/jejak-id/jejak/natsinfra"
)

// stores opens the tiles bucket and the seals stream on a real embedded
// server with file storage.
func stores(t *testing.T) (*natsinfra.Tiles, *natsinfra.Seals) {
	t.Helper()
	st := testsupport.MustStorage(t)
	ctx := context.Background()
	tiles, err := natsinfra.OpenTiles(ctx, st.Conn, 1)
	if err != nil {
		t.Fatal(err)
	}
	seals, err := natsinfra.OpenSeals(ctx, st.Conn, 1)
	if err != nil {
		t.Fatal(err)
	}
	return tiles, seals
}

func commit(pos uint64) merklelog.Commit {
	return merklelog.Commit{Position: pos, Subject: fmt.Sprintf("jejak.events.region.%d", pos%7),
		Header:  map[string][]string{"Nats-Msg-Id": {fmt.Sprintf("cmd-%d", pos)}, "Jejak-Type": {"region.profile_updated"}, "Jejak-Version": {"1"}},
		Payload: []byte(fmt.Sprintf(`{"n":%d}`, pos))}
}

func mustKey(t *testing.T) merklelog.SigningKey {
	t.Helper()
	path := t.TempDir() + "/seal.key"
	k, err := merklelog.LoadOrCreateKey(path, "test.jejak/log")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestTreeAgreesWithTheReference builds a tree of 66,000 commits (three
// tile levels) and checks roots, restores and proofs against the
// library's reference implementation.
func TestTreeAgreesWithTheReference(t *testing.T) {
	ctx := context.Background()
	tiles, _ := stores(t)
	ref := testonly.New(merklelog.Hasher)
	tree := merklelog.NewTree(tiles, 64)
	const n = 66_000
	sealedAt := map[uint64][]byte{}
	for pos := uint64(1); pos <= n; pos++ {
		c := commit(pos)
		if err := tree.Append(ctx, c); err != nil {
			t.Fatal(err)
		}
		ref.Append(merklelog.LeafHash(c))
		if pos%9_973 == 0 || pos == 255 || pos == 256 || pos == 257 || pos == 65_536 || pos == n {
			size, root, err := tree.Seal(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if size != pos || !bytes.Equal(root, ref.Hash()) {
				t.Fatalf("seal at %d: size %d, root %x, want %x", pos, size, root, ref.Hash())
			}
			sealedAt[pos] = root
		}
	}
	t.Run("roots at earlier sizes", func(t *testing.T) {
		for _, size := range []uint64{1, 2, 255, 256, 257, 9_973, 65_535, 65_536, n - 1} {
			root, err := tree.RootAt(ctx, size)
			if err != nil || !bytes.Equal(root, ref.HashAt(size)) {
				t.Errorf("root at %d: %x, %v", size, root, err)
			}
		}
	})
	t.Run("a restored tree continues where the head left off", func(t *testing.T) {
		key := mustKey(t)
		head, err := merklelog.SignHead(key, 257, sealedAt[257], time.Now())
		if err != nil {
			t.Fatal(err)
		}
		again := merklelog.NewTree(tiles, 64)
		if err := again.Restore(ctx, head); err != nil {
			t.Fatal(err)
		}
		for pos := uint64(258); pos <= 70_000; pos++ {
			if pos > n {
				ref.Append(merklelog.LeafHash(commit(pos)))
			}
			if err := again.Append(ctx, commit(pos)); err != nil {
				t.Fatalf("append %d: %v", pos, err)
			}
		}
		_, root, err := again.Seal(ctx)
		if err != nil || !bytes.Equal(root, ref.Hash()) {
			t.Fatalf("restored tree: %x, %v", root, err)
		}
		bad := head
		bad.Root = bytes.Repeat([]byte{1}, 32)
		if err := merklelog.NewTree(tiles, 8).Restore(ctx, bad); err == nil {
			t.Error("a head whose root the tiles do not give was accepted")
		}
	})
	t.Run("proofs equal the reference's", func(t *testing.T) {
		prover := merklelog.NewProver(tiles, 256)
		rnd := rand.New(rand.NewPCG(1, 2))
		sizes := []uint64{1, 256, 257, 9_973, 65_536, n, 70_000}
		for range 300 {
			size := sizes[rnd.IntN(len(sizes))]
			pos := 1 + rnd.Uint64N(size)
			p, err := prover.Inclusion(ctx, pos, size)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := ref.InclusionProof(pos-1, size)
			if !equalHashes(p.Hashes, want) || !bytes.Equal(p.LeafHash, ref.LeafHash(pos-1)) {
				t.Fatalf("inclusion of %d in %d differs from the reference", pos, size)
			}
			from := sizes[rnd.IntN(len(sizes))]
			if from > size {
				from, size = size, from
			}
			c, err := prover.Consistency(ctx, from, size)
			if err != nil {
				t.Fatal(err)
			}
			want, _ = ref.ConsistencyProof(from, size)
			if !equalHashes(c.Hashes, want) {
				t.Fatalf("consistency %d..%d differs from the reference", from, size)
			}
		}
		if _, err := prover.Inclusion(ctx, 1, 80_000); err == nil {
			t.Error("a proof for an unsealed size was built")
		}
	})
	t.Run("offers take only the next commit; roots before any tile is written", func(t *testing.T) {
		empty, _ := stores(t)
		fed := merklelog.NewTree(empty, 8)
		if fed.Offer(commit(2)) || fed.Size() != 0 {
			t.Fatal("an empty tree took position 2")
		}
		// 2 was kept ahead: taking 1 takes it too.
		if !fed.Offer(commit(1)) || fed.Size() != 2 || fed.Offer(commit(2)) {
			t.Fatalf("after offering 1: size %d, want 2 (the offer kept ahead)", fed.Size())
		}
		for pos := uint64(3); pos <= 1000; pos++ {
			if !fed.Offer(commit(pos)) || fed.Offer(commit(pos)) {
				t.Fatalf("offer of %d: not taken once", pos)
			}
		}
		for _, size := range []uint64{1, 255, 256, 700, 999} {
			if root, err := fed.RootAt(ctx, size); err != nil || !bytes.Equal(root, ref.HashAt(size)) {
				t.Errorf("root at %d: %x, %v", size, root, err)
			}
		}
		if size, root, err := fed.Seal(ctx); err != nil || size != 1000 || !bytes.Equal(root, ref.HashAt(1000)) {
			t.Errorf("seal: %d %x %v", size, root, err)
		}
	})
	t.Run("offers ahead of the tree are appended when a catch-up reaches them", func(t *testing.T) {
		// A reader resumed at 601 while the tree is empty (projections
		// restored from a checkpoint past the last head): its offers are
		// kept, a catch-up that reads only up to 600 joins them, and the
		// offers after that are taken at once.
		empty, _ := stores(t)
		fed := merklelog.NewTree(empty, 8)
		for pos := uint64(601); pos <= 900; pos++ {
			if fed.Offer(commit(pos)) {
				t.Fatalf("offer of %d taken by a tree of size %d", pos, fed.Size())
			}
		}
		// A first run ahead that broke off is forgotten for the newer one.
		for pos := uint64(401); pos <= 450; pos++ {
			fed.Offer(commit(pos))
		}
		if err := fed.CatchUp(ctx, readUpTo(400)); err != nil || fed.Size() != 450 {
			t.Fatalf("catch-up to 400 with offers 401-450 kept: size %d, %v; want 450", fed.Size(), err)
		}
		for pos := uint64(601); pos <= 900; pos++ {
			fed.Offer(commit(pos)) // past a gap again
		}
		if err := fed.CatchUp(ctx, readUpTo(600)); err != nil || fed.Size() != 900 {
			t.Fatalf("catch-up to 600 with offers 601-900 kept: size %d, %v; want 900", fed.Size(), err)
		}
		for pos := uint64(901); pos <= 1000; pos++ {
			if !fed.Offer(commit(pos)) {
				t.Fatalf("offer of %d not taken by a tree of size %d", pos, fed.Size())
			}
		}
		if size, root, err := fed.Seal(ctx); err != nil || size != 1000 || !bytes.Equal(root, ref.HashAt(1000)) {
			t.Errorf("seal: %d %x %v", size, root, err)
		}
	})
	t.Run("a tile from another stream is noticed", func(t *testing.T) {
		other := merklelog.NewTree(tiles, 8)
		for pos := uint64(1); pos <= 256; pos++ {
			c := commit(pos)
			if pos == 100 {
				c.Payload = []byte(`{"n":"changed"}`)
			}
			if err := other.Append(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		// The complete tile is compared when it is written.
		if _, _, err := other.Seal(ctx); !errors.Is(err, merklelog.ErrDiverged) || !bytes.Contains([]byte(err.Error()), []byte("position 100")) {
			t.Fatalf("a diverging tile: %v", err)
		}
	})
}

// readUpTo is a stream of the test's commits whose head is at head.
func readUpTo(head uint64) merklelog.Follow {
	return func(ctx context.Context, after uint64, fn func(merklelog.Commit) error) error {
		for pos := after + 1; pos <= head && ctx.Err() == nil; pos++ {
			if err := fn(commit(pos)); err != nil {
				return err
			}
		}
		return ctx.Err()
	}
}

func equalHashes(got []merklelog.Hash, want [][]byte) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			return false
		}
	}
	return true
}
