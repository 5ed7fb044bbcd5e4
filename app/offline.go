package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/merklelog"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/snapshot"
)

// offlineCheckpointAfter is how many replayed commits make an offline tool
// save a checkpoint after catching up.
const offlineCheckpointAfter = 20_000

// Offline is a store with its projections caught up, for the tools that
// work without a running server (export, snapshot, verify).
type Offline struct {
	*Storage
	Views     *projections.Views
	Snapshots *snapshot.Store
}

// OpenOffline opens the store, restores the projections' checkpoint and
// catches up. progress hears how far the replay is (by position); warn
// hears problems that cost only time.
func OpenOffline(ctx context.Context, sf StorageConfig, progress func(done, total int), warn func(error)) (*Offline, error) {
	o, err := OpenStorage(ctx, sf, nil)
	if err != nil {
		return nil, err
	}
	off := &Offline{Storage: o, Views: projections.NewViews(o.Store)}
	fail := func(err error) (*Offline, error) { o.Close(); return nil, err }
	checkpoints, err := natsinfra.OpenBlobs(ctx, o.Conn, natsinfra.CheckpointBucket, o.Replicas)
	if err != nil {
		return fail(err)
	}
	restored, err := off.Views.RestoreCheckpoint(ctx, checkpoints)
	switch {
	case errors.Is(err, projections.ErrStaleCheckpoint):
		off.Views = projections.NewViews(o.Store)
	case errors.Is(err, projections.ErrBrokenCheckpoint):
		if warn != nil {
			warn(fmt.Errorf("no checkpoint could be read, replaying the whole stream: %w", err))
		}
		off.Views = projections.NewViews(o.Store)
	case err != nil:
		return fail(err)
	}
	if warn != nil {
		for _, skipped := range off.Views.SkippedCheckpoints() {
			warn(fmt.Errorf("a newer checkpoint could not be read and was passed over: %w", skipped))
		}
	}
	head, err := o.Store.Head(ctx)
	if err != nil {
		return fail(err)
	}
	if progress != nil {
		off.Views.Runner.OnApplied(func(ev domain.RecordedEvent) { progress(int(ev.Position), int(head)) })
	}
	if err := off.Views.Runner.CatchUp(ctx); err != nil {
		return fail(err)
	}
	if head-restored >= offlineCheckpointAfter {
		// Keep the replay for the next tool or server start. A failure
		// only costs that replay again.
		if _, err := off.Views.SaveCheckpoint(ctx, checkpoints, time.Now()); err != nil {
			if warn != nil {
				warn(fmt.Errorf("could not save a checkpoint (the next start replays again): %w", err))
			}
		}
	}
	blobs, err := natsinfra.OpenBlobs(ctx, o.Conn, natsinfra.SnapshotBucket, o.Replicas)
	if err != nil {
		return fail(err)
	}
	off.Snapshots = snapshot.New(blobs, off.Views)
	// Snapshots and exports record the Merkle log's head when there is
	// one that this data directory's keys verify.
	if trusted, err := TrustedSealKeys(sf.DataDir); err == nil {
		if _, seals, err := OpenLogStores(ctx, o.Conn, o.Replicas); err == nil {
			off.Snapshots.RecordLogHeads(LogHeadsOf(merklelog.NewHeads(seals, trusted)))
		}
	}
	return off, nil
}
