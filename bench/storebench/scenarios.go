package storebench

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
)

// (a) one writer appending one event at a time with the concurrency check.
func (s *setup) sequentialAppend(ctx context.Context, o Options) (Figure, error) {
	body := rawBody()
	raw := func(ctx context.Context, round int) error {
		subject := fmt.Sprintf("%s.assessment.seq-%d", rawPrefix, round)
		var last uint64
		for range o.AppendOps {
			msg := nats.NewMsg(subject)
			msg.Data = body
			msg.Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(last, 10))
			ack, err := s.js.PublishMsg(ctx, msg)
			if err != nil {
				return err
			}
			last = ack.Sequence
		}
		return nil
	}
	jejak := func(ctx context.Context, round int) error {
		id := fmt.Sprintf("seq-%d", round)
		for v := range uint64(o.AppendOps) {
			if _, err := s.store.Append(ctx, commit(id, v)); err != nil {
				return err
			}
		}
		return nil
	}
	rawRate, jejakRate, err := rounds(ctx, o.Rounds, o.AppendOps, raw, jejak)
	return figure("(a) append, 1 writer", "ops/s",
		"synchronous js.PublishMsg of a pre-encoded body of the same size with Nats-Expected-Last-Subject-Sequence",
		0.9, rawRate, jejakRate), err
}

// (b) many writers on distinct aggregates.
func (s *setup) concurrentAppend(ctx context.Context, o Options) (Figure, error) {
	body := rawBody()
	raw := func(ctx context.Context, round int) error {
		for i := range o.ConcurrentOps {
			subject := fmt.Sprintf("%s.assessment.par-%d-%d", rawPrefix, round, i%o.Writers)
			if _, err := s.js.PublishAsync(subject, body); err != nil {
				return err
			}
		}
		select {
		case <-s.js.PublishAsyncComplete():
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	jejak := func(ctx context.Context, round int) error {
		return parallelAppends(ctx, s, o.Writers, o.ConcurrentOps/o.Writers, fmt.Sprintf("par-%d", round))
	}
	rawRate, jejakRate, err := rounds(ctx, o.Rounds, o.ConcurrentOps/o.Writers*o.Writers, raw, jejak)
	return figure(fmt.Sprintf("(b) append, %d writers", o.Writers), "ops/s",
		"one goroutine, js.PublishAsync of a pre-encoded body, pipelined, no concurrency check, then PublishAsyncComplete",
		0.6, rawRate, jejakRate), err
}

// parallelAppends runs writers goroutines, each appending each commits to its
// own aggregate.
func parallelAppends(ctx context.Context, s *setup, writers, each int, prefix string) error {
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("%s-%d", prefix, w)
			for v := range uint64(each) {
				if _, err := s.store.Append(ctx, commit(id, v)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// rawEnvelope is the baseline's equivalent of Jejak's envelope, with the
// event data typed directly.
type rawEnvelope struct {
	CommandID     uuid.UUID `json:"command_id"`
	AggregateType string    `json:"aggregate_type"`
	AggregateID   string    `json:"aggregate_id"`
	FromVersion   uint64    `json:"from_version"`
	Actor         struct {
		UserID string `json:"user"`
		Role   string `json:"role"`
		Region string `json:"region"`
	} `json:"actor"`
	CorrelationID string    `json:"correlation_id"`
	CausationID   string    `json:"causation_id"`
	OccurredAt    time.Time `json:"occurred_at"`
	Events        []struct {
		ID            uuid.UUID  `json:"id"`
		Type          string     `json:"type"`
		SchemaVersion int        `json:"schema_version"`
		Data          BenchEvent `json:"data"`
	} `json:"events"`
}

// (c) replay of the whole Jejak stream, decoded.
func (s *setup) replay(ctx context.Context, o Options) (Figure, error) {
	if err := s.fill(ctx, o.ReplayEvents); err != nil {
		return Figure{}, err
	}
	head, err := streamHead(ctx, s.events)
	if err != nil {
		return Figure{}, err
	}
	raw := func(ctx context.Context, _ int) error {
		cons, err := s.events.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
		if err != nil {
			return err
		}
		it, err := cons.Messages(jetstream.PullMaxMessages(2048))
		if err != nil {
			return err
		}
		defer it.Stop()
		for {
			msg, err := it.Next(jetstream.NextContext(ctx))
			if err != nil {
				return err
			}
			meta, err := msg.Metadata()
			if err != nil {
				return err
			}
			var env rawEnvelope
			if err := json.Unmarshal(msg.Data(), &env); err != nil {
				return err
			}
			if meta.Sequence.Stream >= head {
				return nil
			}
		}
	}
	jejak := func(ctx context.Context, _ int) error {
		n := 0
		err := s.store.Read(ctx, 0, func(domain.RecordedEvent) error { n++; return nil })
		if err == nil && uint64(n) < head {
			return errShort
		}
		return err
	}
	rawRate, jejakRate, err := rounds(ctx, o.Rounds, int(head), raw, jejak)
	return figure(fmt.Sprintf("(c) replay %d events", head), "events/s",
		"ordered consumer, Messages() with 2048 in flight, Metadata() and json.Unmarshal into an equivalent typed struct",
		0.9, rawRate, jejakRate), err
}

// fill appends one-event commits until the Jejak stream holds n events.
func (s *setup) fill(ctx context.Context, n int) error {
	head, err := streamHead(ctx, s.events)
	if err != nil {
		return err
	}
	missing := n - int(head)
	if missing <= 0 {
		return nil
	}
	const writers, perAggregate = 64, 50
	batch := writers * perAggregate
	for round := 0; missing > 0; round++ {
		per := perAggregate
		if missing < batch {
			per = (missing + writers - 1) / writers
		}
		if err := parallelAppends(ctx, s, writers, per, fmt.Sprintf("fill-%d", round)); err != nil {
			return err
		}
		missing -= writers * per
	}
	return nil
}
