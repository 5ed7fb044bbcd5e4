package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"

	"github.com/jejak-id/jejak/domain"
)

// readBatch is how many messages the consumer keeps in flight.
const readBatch = 2048

// internLimit bounds the strings one reader shares between messages.
const internLimit = 1 << 16

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

// RawCommit is one stream message exactly as stored: the commit's position
// (stream sequence), subject, headers and body bytes, undecoded. The Merkle
// log hashes these bytes. Header and Data belong to the callee once
// delivered; they are not reused.
type RawCommit struct {
	Position   uint64
	Subject    string
	Header     map[string][]string
	Data       []byte
	RecordedAt time.Time
}

// TapRaw makes every reader of the whole stream that decodes (Read,
// Subscribe: the projections) show fn each message as read, undecoded,
// before decoding it: the Merkle log hashes the projections' reads instead
// of reading the stream a second time. fn runs on the reader's goroutine,
// must be quick and must not keep Header or Data; it sees a position once
// per reader (twice if two readers read it), in order within each reader,
// from the next message read on. nil removes it.
func (s *Store) TapRaw(fn func(RawCommit)) {
	if fn == nil {
		s.tap.Store(nil)
		return
	}
	s.tap.Store(&fn)
}

// ReadRaw calls fn for every message with Position > after, in stream
// order, up to the head as it was when ReadRaw started, without decoding
// anything. A message the server cannot read (a damaged block) is skipped
// by the server, so fn sees a jump in positions: callers that need every
// position check for gaps. Safe for concurrent use.
func (s *Store) ReadRaw(ctx context.Context, after uint64, fn func(RawCommit) error) error {
	head, err := s.Head(ctx)
	if err != nil || head <= after {
		return err
	}
	return s.consumeRaw(ctx, s.subjects.all(), after, head, fn)
}

// FollowRaw is ReadRaw that goes on live after the head, like Subscribe. It
// blocks until ctx is done (ctx.Err()), fn fails (that error), the store
// closes or the server is gone for good (CodeUnavailable).
func (s *Store) FollowRaw(ctx context.Context, after uint64, fn func(RawCommit) error) error {
	return s.consumeRaw(ctx, s.subjects.all(), after, 0, fn)
}

// GetRaw returns the message at position with a direct get: CodeNotFound
// when the stream holds none there.
func (s *Store) GetRaw(ctx context.Context, position uint64) (RawCommit, error) {
	if s.closed() {
		return RawCommit{}, errClosed()
	}
	msg, err := s.stream.GetMsg(ctx, position)
	if err != nil {
		if err = s.fail("get message", err); errors.Is(err, errNoMessage) {
			return RawCommit{}, domain.Errorf(domain.CodeNotFound, "no commit at position %d", position)
		}
		return RawCommit{}, err
	}
	return RawCommit{Position: msg.Sequence, Subject: msg.Subject, Header: msg.Header, Data: msg.Data, RecordedAt: msg.Time}, nil
}

// consume delivers the events on subjects matching filter after the given
// position (and, within an aggregate, after afterVersion); it stops after the
// commit at stop, or never when stop is 0.
func (s *Store) consume(ctx context.Context, filter string, after, stop, afterVersion uint64, fn func(domain.RecordedEvent) error) error {
	var env envelope
	in := newInterner(internLimit)
	whole := filter == s.subjects.all()
	return s.consumeRaw(ctx, filter, after, stop, func(c RawCommit) error {
		if tap := s.tap.Load(); tap != nil && whole {
			(*tap)(c)
		}
		if err := decodeEnvelope(c.Data, &env, in); err != nil {
			return decodeError(c.Position, err)
		}
		return recordedEvents(s.codec, &env, c.Position, c.RecordedAt, afterVersion, fn)
	})
}

// consumeRaw delivers the messages on subjects matching filter after the
// given position, undecoded, with one ordered consumer; it stops after the
// message at stop, or never when stop is 0.
func (s *Store) consumeRaw(ctx context.Context, filter string, after, stop uint64, fn func(RawCommit) error) error {
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
		if err := fn(RawCommit{Position: seq, Subject: msg.Subject(), Header: msg.Headers(), Data: msg.Data(), RecordedAt: meta.Timestamp}); err != nil {
			return err
		}
		if stop != 0 && seq >= stop {
			return nil
		}
	}
}

// rawBatch is how many messages one batched direct get returns.
const rawBatch = 1024

// ReadRawDirect is ReadRaw with batched direct gets instead of a consumer,
// for frequent short catch-ups (the Merkle log's sealer, every few
// seconds): an ordered consumer per call would stay on the server for its
// inactivity threshold, and the server considers every consumer on every
// append. Positions skipped by the server show as a jump, as in ReadRaw.
func (s *Store) ReadRawDirect(ctx context.Context, after uint64, fn func(RawCommit) error) error {
	head, err := s.Head(ctx)
	if err != nil || head <= after {
		return err
	}
	for next := after + 1; next <= head; {
		// No subject filter: the stream holds only events, and a wildcard
		// filter makes the server look through every aggregate's subject.
		msgs, err := jetstreamext.GetBatch(ctx, s.js, s.cfg.Stream, rawBatch, jetstreamext.GetBatchSeq(next))
		if err != nil {
			return s.fail("get messages", err)
		}
		got := 0
		for msg, err := range msgs {
			if err != nil {
				if err = s.fail("get messages", err); errors.Is(err, errNoMessage) {
					return nil
				}
				return err
			}
			if msg.Sequence > head {
				return nil
			}
			if err := fn(RawCommit{Position: msg.Sequence, Subject: msg.Subject, Header: msg.Header, Data: msg.Data, RecordedAt: msg.Time}); err != nil {
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

// Commit returns the events of the commit at position, with a direct get
// (no consumer): for readers that pick a few commits by position, such as
// an audit page. CodeNotFound when the stream holds none there.
func (s *Store) Commit(ctx context.Context, position uint64) ([]domain.RecordedEvent, error) {
	c, err := s.GetRaw(ctx, position)
	if err != nil {
		return nil, err
	}
	var env envelope
	if err := decodeEnvelope(c.Data, &env, nil); err != nil {
		return nil, decodeError(c.Position, err)
	}
	var out []domain.RecordedEvent
	err = recordedEvents(s.codec, &env, c.Position, c.RecordedAt, 0, func(ev domain.RecordedEvent) error {
		out = append(out, ev)
		return nil
	})
	return out, err
}

// ReadType calls fn for every event of aggregate type typ, in commit
// order, up to the last such commit when ReadType started. It reads only
// that type's subjects (a filtered ordered consumer), so it is cheap for a
// type with few commits in a long stream (person erasures). Safe for
// concurrent use.
func (s *Store) ReadType(ctx context.Context, typ domain.AggregateType, fn func(domain.RecordedEvent) error) (last uint64, err error) {
	filter := s.subjects.prefix + "." + string(typ) + ".>"
	if s.closed() {
		return 0, errClosed()
	}
	last, err = s.lastOnFilter(ctx, filter)
	if err != nil || last == 0 {
		return 0, err
	}
	return last, s.consume(ctx, filter, 0, last, 0, fn)
}

// lastOnFilter returns the position of the last message on a subject that
// matches filter (a wildcard), 0 when there is none. It asks the stream
// leader through the JetStream API (STREAM.MSG.GET with last_by_subj): a
// direct get of the last message puts the subject into its own request
// subject, and a wildcard there is not answered in a cluster (replicas of
// a three-node cluster never replied, and every start-up timed out).
func (s *Store) lastOnFilter(ctx context.Context, filter string) (uint64, error) {
	prefix := s.js.Options().APIPrefix
	if prefix == "" {
		prefix = jetstream.DefaultAPIPrefix
	}
	req, err := json.Marshal(struct {
		LastFor string `json:"last_by_subj"`
	}{filter})
	if err != nil {
		return 0, err
	}
	bound, done, err := s.bind(ctx)
	if err != nil {
		return 0, err
	}
	defer done()
	msg, err := s.js.Conn().RequestWithContext(bound, prefix+"STREAM.MSG.GET."+s.stream.CachedInfo().Config.Name, req)
	if err != nil {
		return 0, s.fail("get last commit of "+filter, err)
	}
	var resp struct {
		Message *struct {
			Seq uint64 `json:"seq"`
		} `json:"message"`
		Error *jetstream.APIError `json:"error"`
	}
	if err := json.Unmarshal(msg.Data, &resp); err != nil {
		return 0, fmt.Errorf("eventstore: get last commit of %s: %w", filter, err)
	}
	switch {
	case resp.Error != nil && resp.Error.ErrorCode == jetstream.JSErrCodeMessageNotFound:
		return 0, nil
	case resp.Error != nil:
		return 0, s.fail("get last commit of "+filter, resp.Error)
	case resp.Message == nil:
		return 0, fmt.Errorf("eventstore: get last commit of %s: an answer without a message", filter)
	}
	return resp.Message.Seq, nil
}

// FollowType calls fn for every event of aggregate type typ with Position >
// after, live, like Subscribe restricted to the type's subjects. It blocks
// until ctx is done (ctx.Err()), fn fails, the store closes or the server
// is gone for good (CodeUnavailable).
func (s *Store) FollowType(ctx context.Context, typ domain.AggregateType, after uint64, fn func(domain.RecordedEvent) error) error {
	return s.consume(ctx, s.subjects.prefix+"."+string(typ)+".>", after, 0, 0, fn)
}
