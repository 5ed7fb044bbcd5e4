package projections

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// BlobStore keeps named blobs durably (the eventstore package implements it
// on a JetStream object store bucket). Load returns ok=false for a missing
// name.
type BlobStore interface {
	Put(ctx context.Context, name string, data []byte) error
	Get(ctx context.Context, name string) (data []byte, ok bool, err error)
}

// checkpointName is the blob holding the live projections' checkpoint.
const checkpointName = "projections-checkpoint"

// checkpoint is the state of every live projection at one position.
type checkpoint struct {
	Position    uint64
	SavedAt     time.Time
	Projections map[string]checkpointPart
}

type checkpointPart struct {
	Version int
	State   json.RawMessage
}

func (v *Views) snapshotters() []Snapshotter {
	return []Snapshotter{v.Index, v.Audit, v.Timeline}
}

// SaveCheckpoint stores the state of the projections between two commits.
func (v *Views) SaveCheckpoint(ctx context.Context, blobs BlobStore, now time.Time) (uint64, error) {
	cp := checkpoint{SavedAt: now.UTC(), Projections: map[string]checkpointPart{}}
	err := v.Runner.Exclusive(func(position uint64) error {
		cp.Position = position
		for _, p := range v.snapshotters() {
			data, err := p.Snapshot()
			if err != nil {
				return err
			}
			cp.Projections[p.Name()] = checkpointPart{Version: p.Version(), State: bytes.TrimSpace(data)}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	data, err := json.Marshal(cp)
	if err != nil {
		return 0, err
	}
	return cp.Position, blobs.Put(ctx, checkpointName, data)
}

// ErrStaleCheckpoint means a checkpoint was written by another version of a
// projection; the projections start from zero instead.
var ErrStaleCheckpoint = errors.New("checkpoint of another projection version")

// RestoreCheckpoint loads the last checkpoint into the projections and sets
// the runner to resume after it. It must be called before the runner runs.
// Without a checkpoint it returns position 0 and no error; with one of
// another projection version, ErrStaleCheckpoint (the projections are then
// left empty, to be rebuilt from the stream).
func (v *Views) RestoreCheckpoint(ctx context.Context, blobs BlobStore) (uint64, error) {
	data, ok, err := blobs.Get(ctx, checkpointName)
	if err != nil || !ok {
		return 0, err
	}
	var cp checkpoint
	if err := json.Unmarshal(data, &cp); err != nil {
		return 0, fmt.Errorf("checkpoint: %w", err)
	}
	for _, p := range v.snapshotters() {
		part, ok := cp.Projections[p.Name()]
		if !ok || part.Version != p.Version() {
			return 0, fmt.Errorf("%w: %s", ErrStaleCheckpoint, p.Name())
		}
	}
	for _, p := range v.snapshotters() {
		if err := p.Restore(cp.Projections[p.Name()].State); err != nil {
			return 0, err
		}
	}
	v.Runner.resetTo(cp.Position)
	return cp.Position, nil
}

// RunCheckpoints saves a checkpoint every interval when the projections
// have moved, and once more when ctx ends. It blocks until then.
func (v *Views) RunCheckpoints(ctx context.Context, blobs BlobStore, interval time.Duration, now func() time.Time, onErr func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var saved uint64
	save := func(ctx context.Context) {
		if v.Runner.Position() == saved {
			return
		}
		pos, err := v.SaveCheckpoint(ctx, blobs, now())
		if err != nil {
			onErr(err)
			return
		}
		saved = pos
	}
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			save(final)
			cancel()
			return
		case <-t.C:
			save(ctx)
		}
	}
}
