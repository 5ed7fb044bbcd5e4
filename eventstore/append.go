package eventstore

import (
	"context"
	"errors"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
)

// Append appends the commit as one stream message; see domain.EventStore.
//
// The server checks that the aggregate's last message is the one this store
// believes is at c.ExpectedVersion. On a rejection the store looks up the
// true version, and reports the original append (Duplicate) when the
// aggregate already holds this command, otherwise one version conflict. A
// command sent again on top of its own commit (its commit is the aggregate's
// last) is answered with the original as well, without sending anything.
// Safe for concurrent use; blocks for one round trip in the common case.
func (s *Store) Append(ctx context.Context, c domain.Commit) (domain.CommitResult, error) {
	if s.closed() {
		return domain.CommitResult{}, errClosed()
	}
	if err := c.Validate(); err != nil {
		return domain.CommitResult{}, err
	}
	env, err := newEnvelope(s.codec, s.ids, c)
	if err != nil {
		return domain.CommitResult{}, err
	}
	body, err := env.appendJSON(make([]byte, 0, env.size()))
	if err != nil {
		return domain.CommitResult{}, domain.Errorf(domain.CodeInvalid, "the commit cannot be encoded")
	}
	if len(body) > s.cfg.MaxCommitBytes {
		return domain.CommitResult{}, domain.Errorf(domain.CodeTooLarge,
			"the commit is %d bytes encoded, over the limit of %d bytes", len(body), s.cfg.MaxCommitBytes)
	}
	subject := s.subjects.aggregate(c.AggregateType, c.AggregateID)
	head, err := s.expectedHead(ctx, subject, c.ExpectedVersion)
	switch {
	case errors.Is(err, errStaleExpectation):
		return s.resolveRejection(ctx, subject, c)
	case err != nil:
		return domain.CommitResult{}, err
	case head.command == c.CommandID:
		return s.originalResult(ctx, head.seq)
	}
	ack, err := s.publish(ctx, env.message(subject, body, head.seq))
	if err != nil {
		if err = s.fail("append", err); errors.Is(err, errStaleExpectation) {
			return s.resolveRejection(ctx, subject, c)
		}
		return domain.CommitResult{}, err
	}
	version := env.toVersion()
	s.versions.put(subject, aggregateHead{version: version, seq: ack.Sequence, command: c.CommandID})
	return domain.CommitResult{Position: ack.Sequence, Version: version, EventIDs: env.eventIDs()}, nil
}

// expectedHead returns the aggregate's head at version expected (the zero
// head for a new aggregate), or errStaleExpectation when the aggregate is
// known to be elsewhere. It asks the server only when the cache cannot
// answer.
func (s *Store) expectedHead(ctx context.Context, subject string, expected uint64) (aggregateHead, error) {
	head, cached := s.versions.get(subject)
	switch {
	case !cached && expected == 0:
		return aggregateHead{}, nil // the server rejects it if the aggregate exists
	case !cached || head.version < expected: // unknown, or others moved it on
		var err error
		if head, err = s.headOf(ctx, subject); err != nil {
			return aggregateHead{}, err
		}
	}
	if head.version != expected {
		return aggregateHead{}, errStaleExpectation
	}
	return head, nil
}

// resolveRejection turns a rejected expectation into the answer: the
// original result if this command is already in the aggregate's history
// (a retry, also after the duplicate window), otherwise exactly one
// version conflict carrying the current version.
func (s *Store) resolveRejection(ctx context.Context, subject string, c domain.Commit) (domain.CommitResult, error) {
	last, err := s.lastCommit(ctx, subject)
	if err != nil {
		return domain.CommitResult{}, err
	}
	var current uint64
	if last != nil {
		current = last.env.toVersion()
	}
	if current > c.ExpectedVersion {
		// Only the commit that started at c.ExpectedVersion can be this
		// command's earlier append.
		original, err := s.commitFrom(ctx, subject, last, c.ExpectedVersion)
		if err != nil {
			return domain.CommitResult{}, err
		}
		if original != nil && original.env.CommandID == c.CommandID {
			return resultOf(original, true), nil
		}
	}
	return domain.CommitResult{}, domain.ConflictError(c.AggregateType, c.AggregateID, c.ExpectedVersion, current)
}

// commitFrom finds the aggregate's commit whose FromVersion is from, or nil.
func (s *Store) commitFrom(ctx context.Context, subject string, last *storedCommit, from uint64) (*storedCommit, error) {
	if last.env.FromVersion == from {
		return last, nil
	}
	var found *storedCommit
	err := s.eachCommit(ctx, subject, last.seq, func(c *storedCommit) (bool, error) {
		if c.env.FromVersion == from {
			found = c
		}
		return c.env.FromVersion < from, nil
	})
	return found, err
}

// originalResult reads the message that already holds this command and
// describes it.
func (s *Store) originalResult(ctx context.Context, seq uint64) (domain.CommitResult, error) {
	msg, err := s.stream.GetMsg(ctx, seq)
	if err != nil {
		return domain.CommitResult{}, s.fail("get original commit", err)
	}
	c, err := decodeCommit(msg)
	if err != nil {
		return domain.CommitResult{}, err
	}
	return resultOf(c, true), nil
}

func resultOf(c *storedCommit, duplicate bool) domain.CommitResult {
	return domain.CommitResult{
		Position:  c.seq,
		Version:   c.env.toVersion(),
		EventIDs:  c.env.eventIDs(),
		Duplicate: duplicate,
	}
}

// publish sends msg and waits for its acknowledgement. It uses the
// asynchronous publisher so that many concurrent Appends share one ack
// subscription and pipeline on the connection, instead of each paying for a
// request/reply round of its own.
func (s *Store) publish(ctx context.Context, msg *nats.Msg) (*jetstream.PubAck, error) {
	future, err := s.js.PublishMsgAsync(msg)
	if err != nil {
		return nil, err
	}
	select {
	case ack := <-future.Ok():
		return ack, nil
	case err := <-future.Err():
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
