package natsinfra

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The stream of signed tree heads of the Merkle log over the events.
const (
	SealStream  = "JEJAK_SEALS"
	SealSubject = "jejak.seals.head"
)

// Seals is the JEJAK_SEALS stream: an append-only chain of opaque entries
// (signed tree heads), one message each, replicated like the events, with
// nothing ever dropped or deleted. Append is optimistic: it names the
// sequence of the entry it builds on, and the server refuses it when
// another writer appended first, so replicas racing to seal write exactly
// one entry. Safe for concurrent use.
type Seals struct {
	js     jetstream.JetStream
	stream jetstream.Stream
}

// OpenSeals creates or updates the seals stream.
func OpenSeals(ctx context.Context, nc *nats.Conn, replicas int) (*Seals, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("natsinfra: %w", err)
	}
	stream, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        SealStream,
		Description: "Jejak signed tree heads of the Merkle log over JEJAK_EVENTS",
		Subjects:    []string{SealSubject},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		MaxMsgs:     -1,
		MaxBytes:    -1,
		Replicas:    max(replicas, 1),
		DenyDelete:  true,
		DenyPurge:   true,
		AllowDirect: true,
	})
	if err != nil {
		return nil, Translate("open "+SealStream, err)
	}
	return &Seals{js: js, stream: stream}, nil
}

// Append stores data on top of the entry at sequence after (0: the stream
// must be empty) and returns the new entry's sequence. appended is false,
// and nothing is written, when the last entry is not at after: another
// writer was first.
func (s *Seals) Append(ctx context.Context, data []byte, after uint64) (seq uint64, appended bool, err error) {
	msg := &nats.Msg{Subject: SealSubject, Data: data, Header: nats.Header{
		jetstream.ExpectedLastSeqHeader: {strconv.FormatUint(after, 10)},
	}}
	ack, err := s.js.PublishMsg(ctx, msg)
	if err != nil {
		if err = Translate("append seal", err); errors.Is(err, ErrStaleExpectation) {
			return 0, false, nil
		}
		return 0, false, err
	}
	return ack.Sequence, true, nil
}

// Last returns the latest entry and its sequence; ok is false when there
// is none.
func (s *Seals) Last(ctx context.Context) (seq uint64, data []byte, ok bool, err error) {
	msg, err := s.stream.GetLastMsgForSubject(ctx, SealSubject)
	if ok, err := found(err); !ok || err != nil {
		return 0, nil, false, err
	}
	return msg.Sequence, msg.Data, true, nil
}

// Get returns the entry at seq; ok is false when there is none.
func (s *Seals) Get(ctx context.Context, seq uint64) (data []byte, ok bool, err error) {
	msg, err := s.stream.GetMsg(ctx, seq)
	if ok, err := found(err); !ok || err != nil {
		return nil, false, err
	}
	return msg.Data, true, nil
}

// found translates the error of a direct get: ok is false for "no message".
func found(err error) (bool, error) {
	if err == nil {
		return true, nil
	}
	if err = Translate("get seal", err); errors.Is(err, ErrNoMessage) {
		return false, nil
	}
	return false, err
}
