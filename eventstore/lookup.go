package eventstore

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// storedCommit is one decoded stream message.
type storedCommit struct {
	seq uint64
	at  time.Time
	env envelope
}

func decodeCommit(msg *jetstream.RawStreamMsg) (*storedCommit, error) {
	c := &storedCommit{seq: msg.Sequence, at: msg.Time}
	if err := decodeEnvelope(msg.Data, &c.env, nil); err != nil {
		return nil, decodeError(msg.Sequence, err)
	}
	return c, nil
}

// lastCommit reads the aggregate's latest commit with a direct get and
// refreshes the version cache. It returns nil, nil for a new aggregate.
func (s *Store) lastCommit(ctx context.Context, subject string) (*storedCommit, error) {
	msg, err := s.stream.GetLastMsgForSubject(ctx, subject)
	if err != nil {
		if err = s.fail("get last commit", err); errors.Is(err, errNoMessage) {
			return nil, nil
		}
		return nil, err
	}
	c, err := decodeCommit(msg)
	if err != nil {
		return nil, err
	}
	s.versions.put(subject, c.head())
	return c, nil
}

// head is where the aggregate stands after this commit.
func (c *storedCommit) head() aggregateHead {
	return aggregateHead{version: c.env.toVersion(), seq: c.seq, command: c.env.CommandID}
}

// headOf returns the aggregate's current head, asking the server.
func (s *Store) headOf(ctx context.Context, subject string) (aggregateHead, error) {
	c, err := s.lastCommit(ctx, subject)
	if err != nil || c == nil {
		return aggregateHead{}, err
	}
	return c.head(), nil
}

// eachCommit calls fn for the aggregate's commits with stream sequence in
// [1, lastSeq], in order, using direct gets ("next message on this subject
// from sequence n"). It reads only the aggregate's subject. fn returns false
// to stop early.
func (s *Store) eachCommit(ctx context.Context, subject string, lastSeq uint64, fn func(*storedCommit) (bool, error)) error {
	for next := uint64(1); next <= lastSeq; {
		msg, err := s.stream.GetMsg(ctx, next, jetstream.WithGetMsgSubject(subject))
		if err != nil {
			if err = s.fail("get commit", err); errors.Is(err, errNoMessage) {
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
		more, err := fn(c)
		if err != nil || !more {
			return err
		}
		next = msg.Sequence + 1
	}
	return nil
}
