package app

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/jejak-id/jejak/api"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
)

// restoreProjections restores the live projections from their checkpoint.
// When the checkpoint was written by another version of the projections,
// a.Views starts empty (to be rebuilt from the stream) and previous holds
// the checkpoint's state if this version can still read it, to be served
// meanwhile; otherwise previous is nil and the replica is not ready until
// the rebuild ends.
func (a *App) restoreProjections(ctx context.Context) (previous *projections.Views, err error) {
	restored, err := a.Views.RestoreCheckpoint(ctx, a.checkpoints)
	switch {
	case errors.Is(err, projections.ErrStaleCheckpoint):
		a.Views = a.newViews()
		old := a.newViews()
		pos, oldErr := old.RestorePreviousCheckpoint(ctx, a.checkpoints)
		if oldErr != nil || pos == 0 {
			a.log.Warn("projection versions changed; rebuilding from the stream (not ready until then)", "reason", err, "previous", oldErr)
			return nil, nil
		}
		a.log.Warn("projection versions changed; serving the previous version while the new one rebuilds beside it",
			"reason", err, "previous_position", pos)
		return old, nil
	case errors.Is(err, projections.ErrBrokenCheckpoint):
		// Nothing was restored: the projections replay the whole stream.
		a.Views = a.newViews()
		a.log.Warn("no checkpoint could be read; the projections rebuild from the stream (not ready until then)", "err", err)
		return nil, nil
	case err != nil:
		return nil, err
	case restored > 0:
		for _, skipped := range a.Views.SkippedCheckpoints() {
			a.log.Warn("a newer checkpoint could not be read and was passed over", "err", skipped)
		}
		a.log.Info("projections restored from checkpoint", "position", restored)
	}
	return nil, nil
}

// serveWhileRebuilding serves the previous projection version, kept live,
// while the current version rebuilds from the stream beside it; once the
// current version has caught up, the API switches to it (one atomic swap
// of the HTTP handler) and the previous version is dropped. It returns
// when the previous version is ready; the rebuild goes on in the
// background. Exports answer 503 until the switch (they are built from the
// current version).
func (a *App) serveWhileRebuilding(ctx, runCtx context.Context, previous *projections.Views, head uint64) error {
	old, err := a.newServer(previous)
	if err != nil {
		return err
	}
	old.CatchUpTo(head)
	var switched atomic.Bool
	previous.Runner.OnApplied(func(ev domain.RecordedEvent) {
		if !switched.Load() {
			a.Hub.Publish(api.NoticeFor(ev))
		}
	})
	a.Views.Runner.OnApplied(func(ev domain.RecordedEvent) {
		if switched.Load() {
			a.Hub.Publish(api.NoticeFor(ev))
		}
	})
	a.rebuilding.Store(true)
	a.handler.Store(&handlerBox{old})
	oldCtx, stopOld := context.WithCancel(runCtx)
	a.runProjections(oldCtx, previous)
	a.runProjections(runCtx, a.Views)
	if err := a.catchUp(ctx, previous, head); err != nil {
		stopOld()
		return err
	}
	old.MarkReady()
	a.ready.Store(true)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer stopOld()
		if err := a.catchUp(runCtx, a.Views, head); err != nil {
			return
		}
		// The current version has what the store held at start-up; let
		// it also reach what the previous one has applied since.
		if err := a.catchUp(runCtx, a.Views, previous.Runner.Position()); err != nil {
			return
		}
		// A checkpoint of the current version first, so that a restart
		// from now on resumes it. None is saved during the rebuild: until
		// the switch, a restart must find the previous version's
		// checkpoint and serve it again.
		if pos, err := a.Views.SaveCheckpoint(runCtx, a.checkpoints, a.cfg.Now()); err != nil {
			a.log.Warn("checkpoint not saved", "err", err)
		} else {
			a.log.Info("checkpoint saved after the rebuild", "position", pos)
		}
		a.Server.MarkReady()
		switched.Store(true)
		a.handler.Store(&handlerBox{a.Server})
		a.rebuilding.Store(false)
		a.log.Info("switched to the rebuilt projections; the previous version is dropped", "position", a.Views.Runner.Position())
		a.caughtUp(runCtx)
	}()
	return nil
}
