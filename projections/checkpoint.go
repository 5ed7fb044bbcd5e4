package projections

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// BlobStore keeps named blobs durably (the eventstore package implements it
// on a JetStream object store bucket). Load returns ok=false for a missing
// name.
type BlobStore interface {
	Put(ctx context.Context, name string, data []byte) error
	Get(ctx context.Context, name string) (data []byte, ok bool, err error)
	// Names lists the names of the blobs that start with prefix.
	Names(ctx context.Context, prefix string) ([]string, error)
	Delete(ctx context.Context, name string) error
}

// Checkpoints are blobs named checkpointName + "." + the position (20
// digits, so that names sort as positions do). Each save writes a new blob
// and, once it is stored, deletes all but it and the one before: a save
// that fails or is cut short half-way never touches the checkpoint a
// restart reads, and a blob found broken (its chunks missing) is passed
// over for the one before. Before this layout every save overwrote one
// blob named checkpointName, which a restore still reads as the oldest
// candidate.
const checkpointName = "projections-checkpoint"

func checkpointBlob(position uint64) string { return fmt.Sprintf("%s.%020d", checkpointName, position) }

// checkpointsKept is how many checkpoints a save leaves.
const checkpointsKept = 2

// checkpointCandidates are the stored checkpoints, newest first.
func checkpointCandidates(ctx context.Context, blobs BlobStore) ([]string, error) {
	names, err := blobs.Names(ctx, checkpointName)
	if err != nil {
		return nil, err
	}
	names = slices.DeleteFunc(names, func(n string) bool { return n != checkpointName && !strings.HasPrefix(n, checkpointName+".") })
	slices.Sort(names) // the legacy name sorts first
	slices.Reverse(names)
	return names, nil
}

// ErrBrokenCheckpoint means every stored checkpoint failed to read (the
// projections are left empty, to be rebuilt from the stream).
var ErrBrokenCheckpoint = errors.New("no stored checkpoint could be read")

// A checkpoint is the state of every live projection at one position:
// checkpointMagic, the length of a JSON header, the header (position, time,
// and each part's projection name, version and size) and then the parts'
// bytes in header order. The parts are the projections' own snapshots,
// which need not be JSON.
const checkpointMagic = "JEJAK-CHECKPOINT\x01"

type checkpointHeader struct {
	Position uint64
	SavedAt  time.Time
	Parts    []checkpointPart
}

type checkpointPart struct {
	Name    string
	Version int
	Size    int
}

func (v *Views) snapshotters() []Snapshotter {
	return []Snapshotter{v.Index, v.Audit, v.Timeline}
}

// SaveCheckpoint stores the state of the projections between two commits.
func (v *Views) SaveCheckpoint(ctx context.Context, blobs BlobStore, now time.Time) (uint64, error) {
	h := checkpointHeader{SavedAt: now.UTC()}
	var parts [][]byte
	err := v.Runner.Exclusive(func(position uint64) error {
		h.Position = position
		// The parts are independent: each encodes on its own core, so the
		// runner waits for the largest part, not for their sum.
		snapshotters := v.snapshotters()
		parts = make([][]byte, len(snapshotters))
		errs := make([]error, len(snapshotters))
		var wg sync.WaitGroup
		for i, p := range snapshotters {
			wg.Go(func() { parts[i], errs[i] = p.Snapshot() })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		for i, p := range snapshotters {
			h.Parts = append(h.Parts, checkpointPart{Name: p.Name(), Version: p.Version(), Size: len(parts[i])})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	header, err := json.Marshal(h)
	if err != nil {
		return 0, err
	}
	size := len(checkpointMagic) + binary.MaxVarintLen64 + len(header)
	for _, p := range parts {
		size += len(p)
	}
	data := make([]byte, 0, size)
	data = append(data, checkpointMagic...)
	data = binary.AppendUvarint(data, uint64(len(header)))
	data = append(data, header...)
	for _, p := range parts {
		data = append(data, p...)
	}
	name := checkpointBlob(h.Position)
	if err := blobs.Put(ctx, name, data); err != nil {
		return 0, err
	}
	// The older ones go (best effort: what is left is removed next time).
	if names, err := checkpointCandidates(ctx, blobs); err == nil {
		// The newest checkpointsKept stay (another replica may have saved
		// a later position into the same bucket), and this one.
		for i, n := range names {
			if i >= checkpointsKept && n != name {
				_ = blobs.Delete(ctx, n)
			}
		}
	}
	v.checkpointAt.Store(h.SavedAt.UnixNano())
	v.checkpointPos.Store(h.Position)
	return h.Position, nil
}

// CheckpointSavedAt is when the checkpoint these projections last saved or
// restored was taken (zero before either).
func (v *Views) CheckpointSavedAt() time.Time {
	n := v.checkpointAt.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// ErrStaleCheckpoint means a checkpoint was written by another version of a
// projection (or in an older format); the projections start from zero
// instead.
var ErrStaleCheckpoint = errors.New("checkpoint of another projection version")

// RestoreCheckpoint loads the last checkpoint into the projections and sets
// the runner to resume after it. It must be called before the runner runs.
// Without a checkpoint it returns position 0 and no error; with one of
// another projection version, ErrStaleCheckpoint (the projections are then
// left empty, to be rebuilt from the stream).
func (v *Views) RestoreCheckpoint(ctx context.Context, blobs BlobStore) (uint64, error) {
	return v.restoreCheckpoint(ctx, blobs, false)
}

// RestorePreviousCheckpoint loads a checkpoint written by another version
// of the projections, when their snapshots can still be read: the state
// the previous version computed, to serve while the current version
// rebuilds beside it. It fails when a part is missing or cannot be read.
func (v *Views) RestorePreviousCheckpoint(ctx context.Context, blobs BlobStore) (uint64, error) {
	return v.restoreCheckpoint(ctx, blobs, true)
}

func (v *Views) restoreCheckpoint(ctx context.Context, blobs BlobStore, anyVersion bool) (uint64, error) {
	names, err := checkpointCandidates(ctx, blobs)
	if err != nil {
		return 0, err
	}
	var broken []error
	for _, name := range names {
		data, ok, err := blobs.Get(ctx, name)
		if err == nil && !ok {
			continue // deleted since it was listed
		}
		var h checkpointHeader
		var parts map[string]checkpointBytes
		if err == nil {
			h, parts, err = parseCheckpoint(data)
		}
		switch {
		case errors.Is(err, ErrStaleCheckpoint):
			return 0, err
		case err != nil && ctx.Err() != nil:
			return 0, err
		case err != nil:
			broken = append(broken, fmt.Errorf("%s: %w", name, err))
			continue
		}
		v.skipped = broken
		return v.restoreParts(h, parts, anyVersion)
	}
	if len(broken) > 0 {
		return 0, fmt.Errorf("%w: %w", ErrBrokenCheckpoint, errors.Join(broken...))
	}
	return 0, nil
}

// SkippedCheckpoints are the newer checkpoints the last restore could not
// read before it found one it could (each error names its blob).
func (v *Views) SkippedCheckpoints() []error { return v.skipped }

func (v *Views) restoreParts(h checkpointHeader, parts map[string]checkpointBytes, anyVersion bool) (uint64, error) {
	for _, p := range v.snapshotters() {
		part, ok := parts[p.Name()]
		if !ok || (part.Version != p.Version() && !anyVersion) {
			return 0, fmt.Errorf("%w: %s", ErrStaleCheckpoint, p.Name())
		}
	}
	// The parts are independent: each decodes on its own core (at national
	// scale the index and the audit log take about a second each).
	snapshotters := v.snapshotters()
	errs := make([]error, len(snapshotters))
	var wg sync.WaitGroup
	for i, p := range snapshotters {
		wg.Go(func() { errs[i] = p.Restore(parts[p.Name()].data) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	v.Runner.resetTo(h.Position)
	v.checkpointAt.Store(h.SavedAt.UnixNano())
	v.checkpointPos.Store(h.Position)
	return h.Position, nil
}

type checkpointBytes struct {
	Version int
	data    []byte
}

func parseCheckpoint(data []byte) (checkpointHeader, map[string]checkpointBytes, error) {
	var h checkpointHeader
	if len(data) > 0 && data[0] == '{' {
		return h, nil, fmt.Errorf("%w: the checkpoint is in the older JSON format", ErrStaleCheckpoint)
	}
	rest, ok := bytes.CutPrefix(data, []byte(checkpointMagic))
	if !ok {
		return h, nil, errors.New("checkpoint: unknown format")
	}
	n, read := binary.Uvarint(rest)
	if read <= 0 || n > uint64(len(rest)-read) {
		return h, nil, errors.New("checkpoint: truncated header")
	}
	rest = rest[read:]
	if err := json.Unmarshal(rest[:n], &h); err != nil {
		return h, nil, fmt.Errorf("checkpoint header: %w", err)
	}
	rest = rest[n:]
	parts := map[string]checkpointBytes{}
	for _, p := range h.Parts {
		if p.Size < 0 || p.Size > len(rest) {
			return h, nil, fmt.Errorf("checkpoint: part %s is truncated", p.Name)
		}
		parts[p.Name] = checkpointBytes{Version: p.Version, data: rest[:p.Size]}
		rest = rest[p.Size:]
	}
	if len(rest) != 0 {
		return h, nil, fmt.Errorf("checkpoint: %d bytes after the last part", len(rest))
	}
	return h, parts, nil
}

// CheckpointPolicy says when the live projections' state is saved.
type CheckpointPolicy struct {
	// Interval: save at least this often while the projections move.
	Interval time.Duration
	// Commits: save as soon as the projections have applied this many
	// commits since the last checkpoint (0: by interval only). This keeps
	// what a restart replays bounded however busy the store is and however
	// often the process dies.
	Commits uint64
	// FinalAfter: the save when ctx ends happens only if the projections
	// have moved at least this many commits since the last one (0: if they
	// moved at all).
	FinalAfter uint64
	Now        func() time.Time
	// OnSaved hears each checkpoint saved; OnError each one that failed.
	OnSaved func(position uint64)
	OnError func(error)
}

// RunCheckpoints saves a checkpoint whenever the policy says so, and once
// more when ctx ends. It blocks until then.
func (v *Views) RunCheckpoints(ctx context.Context, blobs BlobStore, p CheckpointPolicy) {
	if p.Interval <= 0 {
		p.Interval = 30 * time.Second
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	saved := v.checkpointPos.Load() // the last checkpoint saved or restored
	save := func(ctx context.Context, atLeast uint64) {
		if pos := v.Runner.Position(); pos == saved || pos-saved < atLeast {
			return
		}
		pos, err := v.SaveCheckpoint(ctx, blobs, p.Now())
		if err != nil {
			if p.OnError != nil {
				p.OnError(err)
			}
			return
		}
		saved = pos
		if p.OnSaved != nil {
			p.OnSaved(pos)
		}
	}
	for {
		target := uint64(math.MaxUint64)
		if p.Commits > 0 {
			target = saved + p.Commits
		}
		err := v.Runner.WaitFor(ctx, target, p.Interval)
		switch {
		case ctx.Err() != nil:
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			save(final, p.FinalAfter)
			cancel()
			return
		case err != nil && !domain.IsCode(err, domain.CodeTimeout):
			// The runner stopped; what it applied is still a consistent
			// state to save on the way out.
			<-ctx.Done()
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			save(final, p.FinalAfter)
			cancel()
			return
		}
		save(ctx, 0)
	}
}
