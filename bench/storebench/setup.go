package storebench

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/natsinfra"
)

// setup is one embedded server with the Jejak stream and a raw stream of
// identical configuration (made by a second store with another name).
type setup struct {
	server *natsinfra.Embedded
	store  *eventstore.Store
	rawCfg *eventstore.Store
	js     jetstream.JetStream
	raw    jetstream.Stream
	events jetstream.Stream
}

const rawPrefix = "bench.raw"

func newSetup(ctx context.Context, dir string) (*setup, error) {
	server, err := natsinfra.StartEmbedded(natsinfra.EmbeddedConfig{DataDir: dir})
	if err != nil {
		return nil, err
	}
	s := &setup{server: server}
	codec, err := eventstore.NewCodec(Specs())
	if err != nil {
		s.close()
		return nil, err
	}
	if s.store, err = eventstore.Open(ctx, server.Conn(), eventstore.Config{Codec: codec}); err != nil {
		s.close()
		return nil, err
	}
	if s.rawCfg, err = eventstore.Open(ctx, server.Conn(), eventstore.Config{
		Codec: codec, Stream: "BENCH_RAW", SubjectPrefix: rawPrefix,
	}); err != nil {
		s.close()
		return nil, err
	}
	if s.js, err = jetstream.New(server.Conn(), jetstream.WithPublishAsyncMaxPending(4096)); err != nil {
		s.close()
		return nil, err
	}
	if s.raw, err = s.js.Stream(ctx, "BENCH_RAW"); err != nil {
		s.close()
		return nil, err
	}
	if s.events, err = s.js.Stream(ctx, eventstore.DefaultStream); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *setup) close() {
	for _, st := range []*eventstore.Store{s.store, s.rawCfg} {
		if st != nil {
			st.Close()
		}
	}
	s.server.Shutdown()
}

// commit is a one-event commit as the domain would produce it.
func commit(aggregateID string, expected uint64) domain.Commit {
	return domain.Commit{
		CommandID:       uuid.New(),
		AggregateType:   domain.AggregateAssessment,
		AggregateID:     aggregateID,
		ExpectedVersion: expected,
		Events:          []domain.Event{BenchEvent{Region: "18.04", Score: 71.5, Note: "indikator terpenuhi"}},
		Actor:           domain.Actor{UserID: "operator-18.04", Role: domain.RoleOperator, Region: "18.04"},
		OccurredAt:      time.Now(),
		CorrelationID:   "bench",
	}
}

// rawBody is what raw JetStream publishes: a body of the same shape and
// size as Jejak's envelope, encoded once up front.
func rawBody() []byte {
	return []byte(fmt.Sprintf(`{"command_id":"%s","aggregate_type":"assessment","aggregate_id":"2025-18.04",`+
		`"from_version":0,"actor":{"user":"operator-18.04","role":"operator","region":"18.04"},"correlation_id":"bench",`+
		`"occurred_at":"%s","events":[{"id":"%s","type":"bench.scored","schema_version":1,`+
		`"data":{"Region":"18.04","Score":71.5,"Note":"indikator terpenuhi"}}]}`,
		uuid.New(), time.Now().UTC().Format(time.RFC3339Nano), uuid.New()))
}
