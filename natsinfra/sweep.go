package natsinfra

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// SweepOrphanChunks removes from the object store bucket the chunks that
// no object's description names and whose last chunk is older than
// minAge: what a Put or an upload left when it failed or its process died
// half-way (at national scale a checkpoint is 200 MB, an upload up to the
// request limit). minAge must exceed the longest a Put or upload may take,
// so that one still in flight, here or on another replica, is never
// touched. It returns how many objects' chunks it removed; a failure
// leaves the rest for the next sweep.
func SweepOrphanChunks(ctx context.Context, nc *nats.Conn, bucket string, minAge time.Duration) (int, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, err
	}
	obs, err := js.ObjectStore(ctx, bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) || errors.Is(err, jetstream.ErrStreamNotFound) {
		return 0, nil // nothing stored yet
	}
	if err != nil {
		return 0, Translate("sweep "+bucket, err)
	}
	stream, err := js.Stream(ctx, "OBJ_"+bucket)
	if err != nil {
		return 0, Translate("sweep "+bucket, err)
	}
	return sweepOrphans(ctx, obs, stream, bucket, minAge)
}

func sweepOrphans(ctx context.Context, obs jetstream.ObjectStore, stream jetstream.Stream, bucket string, minAge time.Duration) (int, error) {
	infos, err := obs.List(ctx, jetstream.ListObjectsShowDeleted())
	if err != nil && !errors.Is(err, jetstream.ErrNoObjectsFound) {
		return 0, Translate("sweep "+bucket, err)
	}
	live := map[string]bool{}
	for _, i := range infos {
		if !i.Deleted {
			live[i.NUID] = true
		}
	}
	prefix := "$O." + bucket + ".C."
	si, err := stream.Info(ctx, jetstream.WithSubjectFilter(prefix+">"))
	if err != nil {
		return 0, Translate("sweep "+bucket, err)
	}
	removed := 0
	for subject := range si.State.Subjects {
		if live[strings.TrimPrefix(subject, prefix)] {
			continue
		}
		last, err := stream.GetLastMsgForSubject(ctx, subject)
		if err != nil || time.Since(last.Time) < minAge {
			continue
		}
		if err := stream.Purge(ctx, jetstream.WithPurgeSubject(subject)); err != nil {
			return removed, Translate("sweep "+bucket, err)
		}
		removed++
	}
	return removed, nil
}
