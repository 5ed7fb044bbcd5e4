package eventstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
)

// Metadata keys set on every watermill message of an EventSubscriber.
const (
	MetadataPosition   = "jejak_position"    // stream sequence of the commit, decimal
	MetadataSubject    = "jejak_subject"     // the stream message's subject
	MetadataRecordedAt = "jejak_recorded_at" // server timestamp, RFC 3339 with nanoseconds
	MetadataDelivery   = "jejak_delivery"    // 1 on the first delivery, more on redeliveries
)

// Defaults of SubscriberConfig.
const (
	DefaultSubscriberAckWait  = 30 * time.Second
	DefaultSubscriberNakDelay = 5 * time.Second
)

// SubscriberConfig configures an EventSubscriber. Zero values mean defaults.
type SubscriberConfig struct {
	// DeliverNew makes a durable consumer created now start with the next
	// commit instead of the first one. Default false ("deliver all"): a new
	// reactor sees every commit once, including history, which is what an
	// idempotent reactor wants; set it for reactors that must not act on the
	// past (e.g. a new webhook subscriber who only wants news). It only
	// matters when the durable is created: an existing one keeps its place.
	DeliverNew bool
	// AckWait is how long the server waits for an ack before redelivering.
	// While a handler works, the subscriber extends it (in-progress acks)
	// every AckWait/2, so it bounds how fast a crashed process's commit is
	// redelivered, not how long a handler may take. Default 30s.
	AckWait time.Duration
	// NakDelay is how long a nacked commit waits before its redelivery.
	// Default 5s.
	NakDelay time.Duration
	// Logger receives delivery problems (default: discarded).
	Logger *slog.Logger
}

func (c SubscriberConfig) withDefaults() SubscriberConfig {
	if c.AckWait == 0 {
		c.AckWait = DefaultSubscriberAckWait
	}
	if c.NakDelay == 0 {
		c.NakDelay = DefaultSubscriberNakDelay
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Validate reports every problem of the configuration at once.
func (c SubscriberConfig) Validate() error {
	c = c.withDefaults()
	var errs []error
	if c.AckWait < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("ack wait %s: must be at least 100ms", c.AckWait))
	}
	if c.NakDelay < 0 {
		errs = append(errs, fmt.Errorf("nak delay %s: must not be negative", c.NakDelay))
	}
	return errors.Join(errs...)
}

// durableNamePattern is what a durable consumer name may be.
var durableNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// EventSubscriber is a watermill message.Subscriber over durable JetStream
// pull consumers of the event stream. Each watermill message is one commit:
// UUID is the commit's command id, Payload the stream message body (the
// envelope), Metadata the Metadata* keys. Decode turns it into events.
//
// The topic given to Subscribe is the durable consumer's name, and that
// name is API: the consumer remembers what was acked under it, so renaming
// it makes the reactor start over (or, with DeliverNew, skip what happened
// meanwhile). Each topic gets its own consumer; subscribing to the same
// topic twice (two processes) shares the work.
//
// One commit is in flight per subscription: the next is fetched after the
// current one is acked or nacked (MaxAckPending 1, so commits are handled in
// stream order, also across processes). Ack is a JetStream ack confirmed by
// the server; Nack a NAK with NakDelay. MaxDeliver is unlimited: retries and
// dead-lettering are the router's business (middleware.Retry and
// middleware.PoisonQueue). Safe for concurrent use.
type EventSubscriber struct {
	store *Store
	cfg   SubscriberConfig

	mu     sync.Mutex
	closed bool
	stop   context.CancelFunc
	life   context.Context
	wg     sync.WaitGroup
}

var _ message.Subscriber = (*EventSubscriber)(nil)

// NewEventSubscriber returns a subscriber to the store's stream. It sends
// nothing to the server until Subscribe.
func NewEventSubscriber(store *Store, cfg SubscriberConfig) (*EventSubscriber, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("eventstore: invalid subscriber config: %w", err)
	}
	life, stop := context.WithCancel(context.Background())
	return &EventSubscriber{store: store, cfg: cfg.withDefaults(), life: life, stop: stop}, nil
}

// Subscribe creates the durable consumer named durable, or updates the one
// that exists (keeping its start position and progress), and delivers its
// commits on the returned channel until ctx is done or Close is called; the
// channel is then closed and a commit in flight is NAKed for immediate
// redelivery. It fails with CodeInvalid for a bad name and CodeUnavailable
// when the server cannot be reached. It does not block on delivery.
func (s *EventSubscriber) Subscribe(ctx context.Context, durable string) (<-chan *message.Message, error) {
	if !durableNamePattern.MatchString(durable) {
		return nil, domain.Errorf(domain.CodeInvalid, "durable consumer name %q: use 1-64 letters, digits, '-' or '_'", durable)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errClosed()
	}
	consumer, err := s.consumer(ctx, durable)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	stopAfter := context.AfterFunc(s.life, cancel)
	out := make(chan *message.Message)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() { stopAfter(); cancel(); close(out) }()
		s.deliver(ctx, durable, consumer, out)
	}()
	return out, nil
}

// consumer creates or updates the durable consumer.
func (s *EventSubscriber) consumer(ctx context.Context, durable string) (jetstream.Consumer, error) {
	cfg := jetstream.ConsumerConfig{
		Durable:       durable,
		Description:   "Jejak reactor " + durable,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       s.cfg.AckWait,
		MaxDeliver:    -1,
		MaxAckPending: 1,
		FilterSubject: s.store.subjects.all(),
	}
	if s.cfg.DeliverNew {
		cfg.DeliverPolicy = jetstream.DeliverNewPolicy
	}
	existing, err := s.store.stream.Consumer(ctx, durable)
	switch {
	case err == nil:
		// The start position cannot change on an existing consumer.
		cfg.DeliverPolicy = existing.CachedInfo().Config.DeliverPolicy
	case !errors.Is(err, jetstream.ErrConsumerNotFound):
		return nil, translate("look up consumer "+durable, err)
	}
	consumer, err := s.store.stream.CreateOrUpdateConsumer(ctx, cfg)
	if err != nil {
		return nil, translate("create consumer "+durable, err)
	}
	return consumer, nil
}

// deliver fetches one commit at a time and hands it to the router.
func (s *EventSubscriber) deliver(ctx context.Context, durable string, consumer jetstream.Consumer, out chan<- *message.Message) {
	log := s.cfg.Logger.With("consumer", durable)
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		fetchCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		msg, err := consumer.Next(jetstream.FetchContext(fetchCtx))
		cancel()
		switch {
		case ctx.Err() != nil:
			if msg != nil {
				_ = msg.Nak()
			}
			return
		case errors.Is(err, nats.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
			continue
		case err != nil:
			log.Warn("fetching a commit failed; retrying", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(pause):
			}
			pause = min(2*pause, 10*time.Second)
			continue
		}
		pause = 100 * time.Millisecond
		wm, err := toWatermill(msg)
		if err != nil {
			// Cannot happen for messages the store wrote; leave it to the
			// router's dead-lettering via an undecodable payload.
			log.Error("commit without metadata", "err", err)
			_ = msg.NakWithDelay(s.cfg.NakDelay)
			continue
		}
		wm.SetContext(ctx)
		if !s.handOver(ctx, msg, wm, out, log) {
			return
		}
	}
}

// handOver sends wm to the router and waits for its verdict, extending the
// ack wait meanwhile. It reports false when ctx ended first.
func (s *EventSubscriber) handOver(ctx context.Context, msg jetstream.Msg, wm *message.Message, out chan<- *message.Message, log *slog.Logger) bool {
	select {
	case out <- wm:
	case <-ctx.Done():
		_ = msg.Nak()
		return false
	}
	tick := time.NewTicker(s.cfg.AckWait / 2)
	defer tick.Stop()
	for {
		select {
		case <-wm.Acked():
			ackCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := msg.DoubleAck(ackCtx); err != nil {
				log.Warn("ack not confirmed; the commit may be delivered again", "uuid", wm.UUID, "err", err)
			}
			return true
		case <-wm.Nacked():
			if err := msg.NakWithDelay(s.cfg.NakDelay); err != nil {
				log.Warn("nak failed; the commit is redelivered after the ack wait", "uuid", wm.UUID, "err", err)
			}
			return true
		case <-tick.C:
			_ = msg.InProgress()
		case <-ctx.Done():
			_ = msg.Nak()
			return false
		}
	}
}

// toWatermill builds the watermill message of one commit.
func toWatermill(msg jetstream.Msg) (*message.Message, error) {
	meta, err := msg.Metadata()
	if err != nil {
		return nil, err
	}
	var env envelope // the message's id is its command id
	_ = decodeEnvelope(msg.Data(), &env, nil)
	wm := message.NewMessage(env.CommandID.String(), msg.Data())
	wm.Metadata.Set(MetadataPosition, strconv.FormatUint(meta.Sequence.Stream, 10))
	wm.Metadata.Set(MetadataSubject, msg.Subject())
	wm.Metadata.Set(MetadataRecordedAt, meta.Timestamp.UTC().Format(time.RFC3339Nano))
	wm.Metadata.Set(MetadataDelivery, strconv.FormatUint(meta.NumDelivered, 10))
	return wm, nil
}

// Close stops every subscription, closing their channels, and waits for
// them. Commits in flight are NAKed. Idempotent; always nil.
func (s *EventSubscriber) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.stop()
	s.wg.Wait()
	return nil
}

// AckedThrough returns the position up to which the durable consumer has
// acked every commit (0 before the first). It fails with CodeNotFound when
// there is no such consumer.
func (s *EventSubscriber) AckedThrough(ctx context.Context, durable string) (uint64, error) {
	consumer, err := s.store.stream.Consumer(ctx, durable)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		return 0, domain.Errorf(domain.CodeNotFound, "no consumer %q", durable)
	}
	if err != nil {
		return 0, translate("consumer "+durable, err)
	}
	info, err := consumer.Info(ctx)
	if err != nil {
		return 0, translate("consumer "+durable, err)
	}
	return info.AckFloor.Stream, nil
}

// Decode returns the events of the commit carried by a message of this
// subscriber, decoded (and upcast) by the store's codec.
func (s *EventSubscriber) Decode(msg *message.Message) ([]domain.RecordedEvent, error) {
	pos, err := strconv.ParseUint(msg.Metadata.Get(MetadataPosition), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("eventstore: message %s has no position: %w", msg.UUID, err)
	}
	at, err := time.Parse(time.RFC3339Nano, msg.Metadata.Get(MetadataRecordedAt))
	if err != nil {
		return nil, fmt.Errorf("eventstore: message %s has no recorded-at: %w", msg.UUID, err)
	}
	return DecodeCommit(s.store.codec, msg.Payload, pos, at)
}

// DecodeCommit decodes one stream message body (an envelope) recorded at
// position and time recordedAt into its events, in order. A body this
// program cannot read gives an error naming the position.
func DecodeCommit(codec *Codec, body []byte, position uint64, recordedAt time.Time) ([]domain.RecordedEvent, error) {
	var env envelope
	if err := decodeEnvelope(body, &env, nil); err != nil {
		return nil, decodeError(position, err)
	}
	events := make([]domain.RecordedEvent, 0, len(env.Events))
	err := recordedEvents(codec, &env, position, recordedAt, 0, func(e domain.RecordedEvent) error {
		events = append(events, e)
		return nil
	})
	return events, err
}
