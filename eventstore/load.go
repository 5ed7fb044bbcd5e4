package eventstore

import (
	"context"

	"github.com/jejak-id/jejak/domain"
)

// Load returns the aggregate's events with Version > afterVersion, in order;
// see domain.EventStore. It reads only the aggregate's subject: one direct
// get for the latest commit, then one per earlier commit still needed.
// An invalid aggregate reference is CodeInvalid. Safe for concurrent use.
func (s *Store) Load(ctx context.Context, aggregate domain.AggregateType, id string, afterVersion uint64) ([]domain.RecordedEvent, error) {
	if s.closed() {
		return nil, errClosed()
	}
	if err := validateAggregate(aggregate, id); err != nil {
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
