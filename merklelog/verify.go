package merklelog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"
)

// LogReport is what VerifyLog found. The log is sound when Problems is
// empty.
type LogReport struct {
	Commits  uint64 // commits read from the stream
	Heads    int    // heads stored
	HeadsOK  int    // heads whose signature and root match the stream
	LatestOK Head   // the latest head that matched (zero if none)
	Problems []string
	// FirstDifference is the first position whose bytes differ from what
	// a head covered (0: none found). It is exact when the stored tiles
	// still hold what the heads signed; otherwise it is the first position
	// after the last head that matched.
	FirstDifference uint64
}

// OK reports whether the log is sound.
func (r LogReport) OK() bool { return len(r.Problems) == 0 }

func (r *LogReport) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

func (r *LogReport) differs(position uint64) {
	if r.FirstDifference == 0 || position < r.FirstDifference {
		r.FirstDifference = position
	}
}

// VerifyLog recomputes the tree from the stream (read replays it in order,
// up to its current head), checks every stored head's signature with
// trusted, that sizes and times never go back, and that each head's root
// is the root of the recomputed tree at its size. To name the first
// position whose bytes differ, it compares each recomputed leaf with the
// leaf stored in the tiles when the tree was built. progress, if set, hears
// the position reached. The error is for failures to read, not for what
// was found.
func VerifyLog(ctx context.Context, read Follow, store HeadStore, tiles TileStore, heads *Heads, progress func(position uint64)) (LogReport, error) {
	var rep LogReport
	valid, err := loadHeads(ctx, store, heads, &rep)
	if err != nil {
		return rep, err
	}
	var (
		rng      = rangeFactory.NewEmptyRange(0)
		lh       leafHasher
		cache    = newTileCache(tiles, 4)
		next     = 0 // index into valid of the next head to check
		gap      uint64
		tileData []byte
		tileIdx  = ^uint64(0)
		leafDiff uint64 // first leaf that differs from the stored tiles
		failed   *Head  // first head whose root does not match
		okBefore uint64 // size of the last matching head before it
	)
	checkHeads := func() error {
		for next < len(valid) && valid[next].Size <= rng.End() {
			h := valid[next]
			next++
			root := emptyRoot()
			if h.Size > 0 {
				var err error
				if root, err = rng.GetRootHash(nil); err != nil {
					return err
				}
			}
			if bytes.Equal(root, h.Root) {
				rep.HeadsOK++
				rep.LatestOK = h
				continue
			}
			rep.problem("head %d (%d commits, sealed %s) does not match the stream", h.Number, h.Size, h.Time.Format(time.RFC3339))
			if failed == nil {
				failed, okBefore = &h, rep.LatestOK.Size
			}
		}
		return nil
	}
	if err := checkHeads(); err != nil { // heads of size 0
		return rep, err
	}
	errStop := errors.New("stop")
	err = read(ctx, 0, func(c Commit) error {
		if want := rng.End() + 1; c.Position != want {
			gap = want
			return errStop
		}
		leaf := lh.hash(c)
		if err := rng.Append(leaf, nil); err != nil {
			return err
		}
		rep.Commits = c.Position
		// Each level-0 tile is read once: past what it holds (the unsealed
		// tail) leaves are not compared, rather than read again per commit.
		if t, _ := tileOf(0, c.Position-1); t.index != tileIdx {
			tileIdx, tileData = t.index, nil
			if data, err := cache.tile(ctx, t, 1); err == nil {
				tileData = data
			}
		}
		if off := int((c.Position - 1) % tileWidth); len(tileData) >= (off+1)*hashSize &&
			!bytes.Equal(tileData[off*hashSize:(off+1)*hashSize], leaf) && leafDiff == 0 {
			leafDiff = c.Position
		}
		if next < len(valid) && valid[next].Size == c.Position {
			if err := checkHeads(); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(c.Position)
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return rep, err
	}
	if gap != 0 {
		rep.problem("position %d is missing from the stream (unreadable or removed); nothing after it can be checked", gap)
		rep.differs(gap)
	}
	for _, h := range valid[next:] {
		if gap == 0 {
			rep.problem("head %d covers %d commits, the stream holds %d", h.Number, h.Size, rep.Commits)
			rep.differs(rep.Commits + 1)
		} else {
			rep.problem("head %d (%d commits) cannot be checked past the missing position %d", h.Number, h.Size, gap)
		}
	}
	switch {
	case failed != nil && leafDiff != 0 && leafDiff <= failed.Size:
		rep.differs(leafDiff) // exact: the tiles still hold what the head signed
	case failed != nil:
		rep.differs(okBefore + 1) // somewhere in (okBefore, failed.Size]
		rep.problem("the stored tiles no longer hold what head %d signed: the first difference is after position %d", failed.Number, okBefore)
	case leafDiff != 0:
		rep.problem("the stored tiles differ from the stream at position %d (proofs built from them will not verify)", leafDiff)
	}
	return rep, nil
}

// loadHeads reads every stored head, refusing those that do not verify or
// that go back in size or time; it returns the others in order.
func loadHeads(ctx context.Context, store HeadStore, heads *Heads, rep *LogReport) ([]Head, error) {
	last, _, ok, err := store.Last(ctx)
	if err != nil || !ok {
		return nil, err
	}
	var valid []Head
	for n := uint64(1); n <= last; n++ {
		rep.Heads++
		data, ok, err := store.Get(ctx, n)
		if err != nil {
			return nil, err
		}
		if !ok {
			rep.problem("head %d is missing from the seals stream", n)
			continue
		}
		h, err := heads.open(n, data)
		if err != nil {
			rep.problem("%v", err)
			continue
		}
		if k := len(valid); k > 0 {
			prev := valid[k-1]
			if h.Size < prev.Size {
				rep.problem("head %d is refused: %d commits after head %d had %d (%v)", n, h.Size, prev.Number, prev.Size, ErrSizeBackwards)
				continue
			}
			if h.Time.Before(prev.Time) {
				rep.problem("head %d is refused: sealed %s, before head %d (%s)", n, h.Time.Format(time.RFC3339),
					prev.Number, prev.Time.Format(time.RFC3339))
				continue
			}
		}
		valid = append(valid, h)
	}
	return valid, nil
}
