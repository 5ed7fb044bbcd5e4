package eventstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
)

// readBatch is how many messages the consumer keeps in flight.
const readBatch = 2048

// Read calls fn for every event with Position > after, in commit order, up
// to the head as it was when Read started; see domain.EventStore. It uses
// one ordered consumer over the whole stream and decodes each message once.
// fn runs on the calling goroutine. Safe for concurrent use.
func (s *Store) Read(ctx context.Context, after uint64, fn func(domain.RecordedEvent) error) error {
	head, err := s.Head(ctx)
	if err != nil || head <= after {
		return err
	}
	return s.consume(ctx, s.subjects.all(), after, head, 0, fn)
}

// Subscribe calls fn for every event with Position > after: the history,
// then live; see domain.EventStore. It blocks until ctx is done (ctx.Err()),
// fn fails (that error), the store closes or the server is gone for good
// (CodeUnavailable). fn is never called concurrently.
func (s *Store) Subscribe(ctx context.Context, after uint64, fn func(domain.RecordedEvent) error) error {
	return s.consume(ctx, s.subjects.all(), after, 0, 0, fn)
}

// consume delivers the events on subjects matching filter after the given
// position (and, within an aggregate, after afterVersion); it stops after the
// commit at stop, or never when stop is 0.
func (s *Store) consume(ctx context.Context, filter string, after, stop, afterVersion uint64, fn func(domain.RecordedEvent) error) error {
	bound, done, err := s.bind(ctx)
	if err != nil {
		return err
	}
	defer done()
	consumer, err := s.stream.OrderedConsumer(bound, jetstream.OrderedConsumerConfig{
		FilterSubjects:    []string{filter},
		DeliverPolicy:     jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:       after + 1,
		InactiveThreshold: 30 * time.Second,
	})
	if err != nil {
		return s.fail("create reader", err)
	}
	messages, err := consumer.Messages(jetstream.PullMaxMessages(readBatch))
	if err != nil {
		return s.fail("start reader", err)
	}
	defer messages.Stop()
	var env envelope
	for {
		msg, err := messages.Next(jetstream.NextContext(bound))
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return s.fail("read", err)
		}
		meta, err := msg.Metadata()
		if err != nil {
			return s.fail("read metadata", err)
		}
		seq := meta.Sequence.Stream
		env = envelope{Events: env.Events[:0]}
		if err := json.Unmarshal(msg.Data(), &env); err != nil {
			return decodeError(seq, err)
		}
		if err := recordedEvents(s.codec, &env, seq, meta.Timestamp, afterVersion, fn); err != nil {
			return err
		}
		if stop != 0 && seq >= stop {
			return nil
		}
	}
}
