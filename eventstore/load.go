package eventstore

import (
	"context"
	"errors"

	"github.com/synadia-io/orbit.go/jetstreamext"

	"github.com/jejak-id/jejak/domain"
)

// Load returns the aggregate's events with Version > afterVersion, in order;
// see domain.EventStore. It reads only the aggregate's subject: one direct
// get for the latest commit; when more are needed, a few direct gets for a
// short history, or batched direct gets for a long one (one request per
// loadBatch commits instead of a round trip per commit).
// An invalid aggregate reference is CodeInvalid. Safe for concurrent use.
// directGetLimit is the number of earlier events up to which Load reads
// commit by commit with direct gets rather than start a consumer.
const directGetLimit = 4

func (s *Store) Load(ctx context.Context, aggregate domain.AggregateType, id string, afterVersion uint64) ([]domain.RecordedEvent, error) {
	if s.closed() {
		return nil, errClosed()
	}
	if err := domain.CheckAggregate(aggregate, id); err != nil {
		return nil, err
	}
	subject := s.subjects.aggregate(aggregate, id)
	last, err := s.lastCommit(ctx, subject)
	if err != nil || last == nil || last.env.toVersion() <= afterVersion {
		return nil, err
	}
	events := make([]domain.RecordedEvent, 0, last.env.toVersion()-afterVersion)
	collect := func(e domain.RecordedEvent) error {
		events = append(events, e)
		return nil
	}
	if last.env.FromVersion <= afterVersion { // only the latest commit is needed
		err := recordedEvents(s.codec, &last.env, last.seq, last.at, afterVersion, collect)
		return events, err
	}
	if last.env.FromVersion-afterVersion > directGetLimit {
		err := s.batchCommits(ctx, subject, last.seq, func(c *storedCommit) error {
			if c.env.toVersion() <= afterVersion {
				return nil
			}
			return recordedEvents(s.codec, &c.env, c.seq, c.at, afterVersion, collect)
		})
		if err != nil {
			return nil, err
		}
		return events, nil
	}
	err = s.eachCommit(ctx, subject, last.seq, func(c *storedCommit) (bool, error) {
		if c.env.toVersion() <= afterVersion {
			return true, nil
		}
		return true, recordedEvents(s.codec, &c.env, c.seq, c.at, afterVersion, collect)
	})
	if err != nil {
		return nil, err
	}
	return events, nil
}

// loadBatch is how many commits one batched direct get returns.
const loadBatch = 512

// batchCommits calls fn for the aggregate's commits with stream sequence in
// [1, lastSeq], in order, with batched direct gets on the subject.
func (s *Store) batchCommits(ctx context.Context, subject string, lastSeq uint64, fn func(*storedCommit) error) error {
	for next := uint64(1); next <= lastSeq; {
		msgs, err := jetstreamext.GetBatch(ctx, s.js, s.cfg.Stream, loadBatch,
			jetstreamext.GetBatchSubject(subject), jetstreamext.GetBatchSeq(next))
		if err != nil {
			return s.fail("get commits", err)
		}
		got := 0
		for msg, err := range msgs {
			if err != nil {
				if err = s.fail("get commits", err); errors.Is(err, errNoMessage) {
					return nil
				}
				return err
			}
			if msg.Sequence > lastSeq {
				return nil
			}
			c, err := decodeCommit(msg)
			if err != nil {
				return err
			}
			if err := fn(c); err != nil {
				return err
			}
			next = msg.Sequence + 1
			got++
		}
		if got == 0 {
			return nil
		}
	}
	return nil
}
