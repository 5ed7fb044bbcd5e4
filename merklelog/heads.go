package merklelog

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// HeadStore is the append-only chain of signed heads (natsinfra.Seals
// implements it on the JEJAK_SEALS stream). Entries are numbered 1, 2, ...
// Append stores data on top of entry after (0: on an empty chain) and
// reports appended=false, storing nothing, when the last entry is not
// after: that is the optimistic concurrency that lets several replicas
// seal without a leader.
type HeadStore interface {
	Last(ctx context.Context) (number uint64, data []byte, ok bool, err error)
	Get(ctx context.Context, number uint64) (data []byte, ok bool, err error)
	Append(ctx context.Context, data []byte, after uint64) (number uint64, appended bool, err error)
}

// Heads reads signed heads, checking each signature with the trusted keys.
// Safe for concurrent use.
type Heads struct {
	store   HeadStore
	trusted note.Verifiers
}

// NewHeads reads heads from store; trusted are the sealing keys whose
// heads are accepted (the current key and the ones it replaced).
func NewHeads(store HeadStore, trusted []note.Verifier) *Heads {
	return &Heads{store: store, trusted: TrustedKeys(trusted...)}
}

// TrustedKeys lists verifiers once each (a key given twice is not
// ambiguous).
func TrustedKeys(vs ...note.Verifier) note.Verifiers {
	type id struct {
		name string
		hash uint32
	}
	seen := map[id]bool{}
	var out []note.Verifier
	for _, v := range vs {
		if k := (id{v.Name(), v.KeyHash()}); !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return note.VerifierList(out...)
}

// Trusted returns the keys heads are checked with.
func (h *Heads) Trusted() note.Verifiers { return h.trusted }

// Latest returns the latest head; ok is false when nothing is sealed yet.
// A head that does not verify is an error (ErrUntrustedHead,
// ErrMalformedHead).
func (h *Heads) Latest(ctx context.Context) (Head, bool, error) {
	n, data, ok, err := h.store.Last(ctx)
	if err != nil || !ok {
		return Head{}, false, err
	}
	head, err := h.open(n, data)
	return head, err == nil, err
}

// Get returns head number n; ok is false when there is none.
func (h *Heads) Get(ctx context.Context, n uint64) (Head, bool, error) {
	data, ok, err := h.store.Get(ctx, n)
	if err != nil || !ok {
		return Head{}, false, err
	}
	head, err := h.open(n, data)
	return head, err == nil, err
}

func (h *Heads) open(n uint64, data []byte) (Head, error) {
	head, err := OpenHead(data, h.trusted)
	if err != nil {
		return Head{}, fmt.Errorf("head %d: %w", n, err)
	}
	head.Number = n
	return head, nil
}

// Page returns up to limit heads numbered after after, oldest first, and
// the number of the latest head.
func (h *Heads) Page(ctx context.Context, after uint64, limit int) ([]Head, uint64, error) {
	last, _, ok, err := h.store.Last(ctx)
	if err != nil || !ok {
		return nil, 0, err
	}
	var out []Head
	for n := after + 1; n <= last && len(out) < limit; n++ {
		head, ok, err := h.Get(ctx, n)
		if err != nil {
			return nil, 0, err
		}
		if ok {
			out = append(out, head)
		}
	}
	return out, last, nil
}

// Covering returns the first head whose tree holds position (sizes only
// grow, so it is found by bisection), or the latest head when none does
// yet; ok is false when nothing is sealed.
func (h *Heads) Covering(ctx context.Context, position uint64) (Head, bool, error) {
	latest, ok, err := h.Latest(ctx)
	if err != nil || !ok || latest.Size < position {
		return latest, ok, err
	}
	lo, hi := uint64(1), latest.Number // the answer is in [lo, hi]
	best := latest
	for lo < hi {
		mid := lo + (hi-lo)/2
		head, ok, err := h.Get(ctx, mid)
		if err != nil {
			return Head{}, false, err
		}
		if ok && head.Size >= position {
			best, hi = head, mid
		} else {
			lo = mid + 1
		}
	}
	return best, true, nil
}
