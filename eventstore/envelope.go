package eventstore

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
)

// envelope is the body of one stream message: one commit. Its JSON field
// names are the wire format; change them only with an upcasting plan.
type envelope struct {
	CommandID     uuid.UUID   `json:"command_id"`
	AggregateType string      `json:"aggregate_type"`
	AggregateID   string      `json:"aggregate_id"`
	FromVersion   uint64      `json:"from_version"`
	Actor         wireActor   `json:"actor"`
	CorrelationID string      `json:"correlation_id,omitempty"`
	CausationID   string      `json:"causation_id,omitempty"`
	OccurredAt    time.Time   `json:"occurred_at"`
	Events        []wireEvent `json:"events"`
}

type wireActor struct {
	UserID string `json:"user"`
	Role   string `json:"role"`
	Region string `json:"region,omitempty"`
}

type wireEvent struct {
	ID            uuid.UUID       `json:"id"`
	Type          string          `json:"type"`
	SchemaVersion int             `json:"schema_version"`
	Data          json.RawMessage `json:"data"`
}

// toVersion is the aggregate version after the commit.
func (e *envelope) toVersion() uint64 { return e.FromVersion + uint64(len(e.Events)) }

func (e *envelope) eventIDs() []uuid.UUID {
	ids := make([]uuid.UUID, len(e.Events))
	for i, ev := range e.Events {
		ids[i] = ev.ID
	}
	return ids
}

// newEnvelope encodes the commit's events with fresh UUID v7 ids from ids.
// Encoding failures are *Error with CodeInvalid; nothing has been sent yet.
func newEnvelope(codec *Codec, ids *idSource, c domain.Commit) (*envelope, error) {
	env := &envelope{
		CommandID:     c.CommandID,
		AggregateType: string(c.AggregateType),
		AggregateID:   c.AggregateID,
		FromVersion:   c.ExpectedVersion,
		Actor:         wireActor{UserID: c.Actor.UserID, Role: string(c.Actor.Role), Region: c.Actor.Region},
		CorrelationID: c.CorrelationID,
		CausationID:   c.CausationID,
		OccurredAt:    c.OccurredAt.UTC(),
		Events:        make([]wireEvent, len(c.Events)),
	}
	for i, e := range c.Events {
		name, version, data, err := codec.Encode(e)
		if err != nil {
			return nil, err
		}
		id, err := ids.newV7()
		if err != nil {
			return nil, domain.Errorf(domain.CodeUnavailable, "cannot generate event ids")
		}
		env.Events[i] = wireEvent{ID: id, Type: name, SchemaVersion: version, Data: data}
	}
	return env, nil
}

// message builds the stream message for the envelope: the body and the
// concurrency check, nothing else. The body says what the commit is (also
// in `nats stream view`); there is no Nats-Msg-Id, because the concurrency
// check already refuses a second copy of a commit (see ARCHITECTURE.md,
// "Idempotency"), and each header is bytes stored, sent to every reader and
// parsed by the server on every append.
func (e *envelope) message(subject string, body []byte, expectedSubjectSeq uint64) *nats.Msg {
	// The key is canonical already: no need for Header.Set.
	return &nats.Msg{Subject: subject, Data: body, Header: nats.Header{
		jetstream.ExpectedLastSubjSeqHeader: {strconv.FormatUint(expectedSubjectSeq, 10)},
	}}
}

// recordedEvents decodes the envelope's events and calls fn for each one with
// Version > after, in order. seq and at are the message's stream sequence and
// timestamp.
func recordedEvents(codec *Codec, env *envelope, seq uint64, at time.Time, after uint64, fn func(domain.RecordedEvent) error) error {
	actor := domain.Actor{UserID: env.Actor.UserID, Role: domain.Role(env.Actor.Role), Region: env.Actor.Region}
	for i := range env.Events {
		version := env.FromVersion + uint64(i) + 1
		if version <= after {
			continue
		}
		w := &env.Events[i]
		data, err := codec.Decode(w.Type, w.SchemaVersion, w.Data)
		if err != nil {
			return decodeError(seq, err)
		}
		err = fn(domain.RecordedEvent{
			ID:            w.ID,
			Type:          w.Type,
			SchemaVersion: w.SchemaVersion,
			AggregateType: domain.AggregateType(env.AggregateType),
			AggregateID:   env.AggregateID,
			Version:       version,
			Position:      seq,
			Index:         i,
			CommitSize:    len(env.Events),
			CommandID:     env.CommandID,
			OccurredAt:    env.OccurredAt,
			RecordedAt:    at,
			Actor:         actor,
			CorrelationID: env.CorrelationID,
			CausationID:   env.CausationID,
			Data:          data,
		})
		if err != nil {
			return err
		}
	}
	return nil
}
