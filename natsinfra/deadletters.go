package natsinfra

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Dead letters: commits a reactor gave up on, kept for an operator.
const (
	DeadLetterStream        = "JEJAK_DEADLETTER"
	DeadLetterSubjectPrefix = "jejak.deadletter"
	// HeaderMessageUUID carries the watermill message UUID (the command id
	// of the commit) on a dead letter.
	HeaderMessageUUID = "Jejak-Message-Uuid"
)

// DeadLetters is a watermill message.Publisher on the JEJAK_DEADLETTER
// stream (file storage, subjects jejak.deadletter.>, nothing expires). The
// topic is the full subject, e.g. "jejak.deadletter.webhooks". The body is
// the message payload; the UUID and every metadata key (for
// middleware.PoisonQueue: reason_poisoned, handler_poisoned, ...) become
// headers. Publishing the same UUID to the same topic twice within the
// stream's duplicate window stores it once. Safe for concurrent use.
type DeadLetters struct {
	js     jetstream.JetStream
	stream jetstream.Stream
}

var _ message.Publisher = (*DeadLetters)(nil)

// OpenDeadLetters creates or updates the dead-letter stream.
func OpenDeadLetters(ctx context.Context, nc *nats.Conn, replicas int) (*DeadLetters, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("natsinfra: %w", err)
	}
	stream, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        DeadLetterStream,
		Description: "Jejak commits that reactors gave up on, with the reason",
		Subjects:    []string{DeadLetterSubjectPrefix + ".>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Replicas:    max(replicas, 1),
		Duplicates:  10 * time.Minute,
	})
	if err != nil {
		return nil, Translate("open "+DeadLetterStream, err)
	}
	return &DeadLetters{js: js, stream: stream}, nil
}

// Publish stores the messages on the topic's subject, in order, waiting
// for the server's acknowledgement of each; it stops at the first failure.
// The topic must start with "jejak.deadletter.".
func (d *DeadLetters) Publish(topic string, messages ...*message.Message) error {
	if !strings.HasPrefix(topic, DeadLetterSubjectPrefix+".") {
		return fmt.Errorf("natsinfra: dead-letter topic %q is not under %s.>", topic, DeadLetterSubjectPrefix)
	}
	for _, m := range messages {
		msg := &nats.Msg{Subject: topic, Data: m.Payload, Header: nats.Header{}}
		for k, v := range m.Metadata {
			msg.Header.Set(k, v)
		}
		msg.Header.Set(HeaderMessageUUID, m.UUID)
		msg.Header.Set(jetstream.MsgIDHeader, topic+":"+m.UUID)
		ctx, cancel := context.WithTimeout(context.WithoutCancel(m.Context()), 10*time.Second)
		_, err := d.js.PublishMsg(ctx, msg)
		cancel()
		if err != nil {
			return Translate("publish dead letter", err)
		}
	}
	return nil
}

// Close does nothing: the connection belongs to the caller. Always nil.
func (d *DeadLetters) Close() error { return nil }

// DeadLetter is one stored dead letter.
type DeadLetter struct {
	Position uint64 // in the dead-letter stream
	Subject  string
	UUID     string
	Reason   string // middleware.PoisonQueue's reason_poisoned
	Handler  string // handler_poisoned
	Metadata map[string]string
	Payload  []byte
	Stored   time.Time
}

// List returns the dead letters on subject (all of them for ""), oldest
// first.
func (d *DeadLetters) List(ctx context.Context, subject string) ([]DeadLetter, error) {
	info, err := d.stream.Info(ctx)
	if err != nil {
		return nil, Translate("dead letters", err)
	}
	if subject == "" {
		subject = DeadLetterSubjectPrefix + ".>"
	}
	var out []DeadLetter
	for seq := info.State.FirstSeq; seq != 0 && seq <= info.State.LastSeq; seq++ {
		raw, err := d.stream.GetMsg(ctx, seq)
		if err != nil {
			if Translate("dead letter", err) == ErrNoMessage {
				continue
			}
			return nil, Translate("dead letter", err)
		}
		if !subjectMatches(subject, raw.Subject) {
			continue
		}
		dl := DeadLetter{Position: raw.Sequence, Subject: raw.Subject, Payload: raw.Data, Stored: raw.Time,
			UUID: raw.Header.Get(HeaderMessageUUID), Reason: raw.Header.Get("reason_poisoned"),
			Handler: raw.Header.Get("handler_poisoned"), Metadata: map[string]string{}}
		for k := range raw.Header {
			dl.Metadata[k] = raw.Header.Get(k)
		}
		out = append(out, dl)
	}
	return out, nil
}

// subjectMatches matches a subject against a filter with '*' and '>'.
func subjectMatches(filter, subject string) bool {
	f, s := strings.Split(filter, "."), strings.Split(subject, ".")
	for i, tok := range f {
		if tok == ">" {
			return len(s) > i
		}
		if i >= len(s) || (tok != "*" && tok != s[i]) {
			return false
		}
	}
	return len(f) == len(s)
}
