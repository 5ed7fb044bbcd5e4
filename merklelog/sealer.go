package merklelog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// SealerConfig configures a Sealer.
type SealerConfig struct {
	Key SigningKey
	// Head returns the stream's head (eventstore.Store.Head) and Read
	// replays it (ReadRaw): the sealer catches the tree up with them.
	Head func(ctx context.Context) (uint64, error)
	Read Follow
	// Fed says that a reader of the whole stream offers its commits to the
	// tree (Tree.Offer; in jejak serve, the projections' reads). The sealer
	// then seals what the tree holds and reads nothing while offers come:
	// it asks the stream's head, and catches up by reading, only when an
	// offer was past the tree's next position (a gap: at start, the reader
	// resumed ahead of the last head) or no offer came for three intervals
	// (the reader stopped, or the stream is idle). A head then trails the
	// stream by the feeding reader's lag.
	Fed bool
	// Interval: a head is sealed in every interval of this length (aligned
	// to the Unix epoch) in which the tree grew. Default 10s.
	Interval time.Duration
	// MaxCommits: a head is sealed at once, within the interval, when this
	// many commits wait unsealed. Default 10,000.
	MaxCommits uint64
	// Now is the clock of the heads' times (time.Now when nil).
	Now func() time.Time
	// OnError hears failures the sealer survives (it retries on the next
	// tick). Nil: none.
	OnError func(error)
}

// Validate reports every problem at once.
func (c SealerConfig) Validate() error {
	var errs []error
	if c.Key.Signer == nil {
		errs = append(errs, errors.New("merklelog: a sealing key is required"))
	}
	if c.Head == nil || c.Read == nil {
		errs = append(errs, errors.New("merklelog: the sealer needs the stream's Head and Read"))
	}
	if c.Interval < 0 {
		errs = append(errs, errors.New("merklelog: the seal interval must not be negative"))
	}
	return errors.Join(errs...)
}

// Sealer appends a signed head of the tree to the head store in every
// interval in which the tree grew. Every replica runs one; they need no
// leader: a sealer reads the last head, checks that its own tree agrees
// with it (same root at that size), and appends its head on top of exactly
// that one. If another replica sealed first, the store refuses the append
// and this sealer sees the new head on its next try, by then sealed for
// this interval. So there is one head per interval (more only when
// MaxCommits commits arrive within one), each extending the one before.
//
// The ordering invariant: the tiles of a head's tree are stored (Tree.Seal)
// before the head is appended, so any replica can serve proofs for any
// signed size from the store.
type Sealer struct {
	tree  *Tree
	heads *Heads
	store HeadStore
	cfg   SealerConfig

	sealing sync.Mutex // one seal at a time: Run's and SealNow's

	offered  uint64    // Fed: the highest position offered at the last look (guarded by sealing)
	offersAt time.Time // when it last rose

	mu     sync.Mutex
	latest Head // the latest head seen; zero before the first
}

// NewSealer returns a sealer of tree's heads into store; heads must read
// the same store, trusting at least cfg.Key.
func NewSealer(tree *Tree, store HeadStore, heads *Heads, cfg SealerConfig) (*Sealer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Interval == 0 {
		cfg.Interval = 10 * time.Second
	}
	if cfg.MaxCommits == 0 {
		cfg.MaxCommits = 10_000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.OnError == nil {
		cfg.OnError = func(error) {}
	}
	return &Sealer{tree: tree, heads: heads, store: store, cfg: cfg}, nil
}

// Run seals until ctx ends. It looks at the stream's head a few times per
// interval, so a head follows the interval's first commits by at most a
// fraction of the interval.
func (s *Sealer) Run(ctx context.Context) {
	tick := time.NewTicker(max(s.cfg.Interval/8, 10*time.Millisecond))
	defer tick.Stop()
	for {
		if _, _, err := s.seal(ctx, false); err != nil && ctx.Err() == nil {
			s.cfg.OnError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// SealNow catches the tree up with the stream and seals it if it grew
// since the last head, whatever the interval; sealed is false when there
// was nothing new (or another replica sealed first). For tests and
// operators.
func (s *Sealer) SealNow(ctx context.Context) (head Head, sealed bool, err error) {
	return s.seal(ctx, true)
}

// Latest returns the latest head this sealer has seen.
func (s *Sealer) Latest() Head {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.latest
}

func (s *Sealer) interval(t time.Time) int64 { return t.UnixNano() / int64(s.cfg.Interval) }

// due reports whether a head of size is due on top of last at now.
func (s *Sealer) due(last Head, size uint64, now time.Time) bool {
	switch {
	case size <= last.Size:
		return false
	case last.Number == 0, size-last.Size >= s.cfg.MaxCommits:
		return true
	}
	return s.interval(now) > s.interval(last.Time)
}

func (s *Sealer) seal(ctx context.Context, force bool) (Head, bool, error) {
	s.sealing.Lock()
	defer s.sealing.Unlock()
	size, read := s.tree.Size(), true
	if s.cfg.Fed && !force {
		now := time.Now()
		offered := s.tree.Offered()
		if offered > s.offered {
			s.offered, s.offersAt = offered, now
		}
		// Offers come and reach the tree: seal what it holds.
		read = offered > size || now.Sub(s.offersAt) >= 3*s.cfg.Interval
	}
	if read {
		head, err := s.cfg.Head(ctx)
		if err != nil {
			return Head{}, false, err
		}
		size = max(size, head)
	}
	if seen := s.Latest(); !force && !s.due(seen, size, s.cfg.Now()) {
		return Head{}, false, nil // cheap check first: no request, or one stream info request
	}
	last, ok, err := s.heads.Latest(ctx)
	if err != nil {
		return Head{}, false, fmt.Errorf("merklelog: not sealing on top of the latest head: %w", err)
	}
	if seen := s.Latest(); ok && last.Number > seen.Number && last.Size < seen.Size {
		return Head{}, false, fmt.Errorf("%w: head %d has %d commits, head %d had %d; not sealing on top of it",
			ErrSizeBackwards, last.Number, last.Size, seen.Number, seen.Size)
	}
	if ok {
		s.remember(last)
	}
	if size <= last.Size || (!force && !s.due(last, size, s.cfg.Now())) {
		return Head{}, false, nil // nothing new, or sealed by another replica
	}
	if read {
		if err := s.tree.CatchUp(ctx, s.cfg.Read); err != nil {
			return Head{}, false, err
		}
	}
	if s.tree.Size() < last.Size {
		return Head{}, false, nil // another replica sealed past this tree
	}
	if ok {
		root, err := s.tree.RootAt(ctx, last.Size)
		if err != nil {
			return Head{}, false, err
		}
		if !bytes.Equal(root, last.Root) {
			return Head{}, false, fmt.Errorf("%w: this replica's tree of %d commits does not have the root of head %d",
				ErrDiverged, last.Size, last.Number)
		}
	}
	size, root, err := s.tree.Seal(ctx)
	if err != nil {
		return Head{}, false, err
	}
	at := s.cfg.Now().UTC().Truncate(time.Second)
	if at.Before(last.Time) {
		at = last.Time // times never go back, whatever the replicas' clocks say
	}
	head, err := SignHead(s.cfg.Key, size, root, at)
	if err != nil {
		return Head{}, false, err
	}
	n, appended, err := s.store.Append(ctx, head.Checkpoint, last.Number)
	if err != nil || !appended {
		return Head{}, false, err
	}
	head.Number = n
	s.remember(head)
	return head, true, nil
}

func (s *Sealer) remember(h Head) {
	s.mu.Lock()
	if h.Number > s.latest.Number {
		s.latest = h
	}
	s.mu.Unlock()
}
