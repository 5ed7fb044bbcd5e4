// Package reactors runs side effects of events (notifications, outbound
// webhooks) on a watermill router, each reactor on its own durable consumer
// of the event stream, apart from the projections: a slow or failing
// reactor never holds up a read model.
//
// Delivery is at least once: a commit is handed to a reactor until the
// reactor succeeds, or, after Config.MaxRetries retries, the commit goes to
// the reactor's dead-letter topic with the reason and the reactor moves on.
// Reactors therefore record what they did under keys that make a repeat
// recognisable (Records.Create).
package reactors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/jejak-id/jejak/domain"
)

// Records is a set of write-once records, keyed so that a repeated side
// effect is recognised. natsinfra.Records (a JetStream KV bucket) is the
// implementation. Implementations are safe for concurrent use.
type Records interface {
	// Create stores value under key unless the key exists: then created is
	// false and nothing is written.
	Create(ctx context.Context, key string, value []byte) (created bool, err error)
	// Get returns the value under key; ok is false when there is none.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// Each calls fn with every record and stops at fn's first error.
	Each(ctx context.Context, fn func(key string, value []byte) error) error
}

// Reactor is one side effect, run for every commit of the event stream.
type Reactor struct {
	// Name names the router handler (also in dead letters and logs).
	Name string
	// Consumer is the durable consumer name. It is API: the server
	// remembers under it which commits were handled; renaming it makes the
	// reactor see every commit again.
	Consumer string
	// DeadLetterTopic receives the commits the reactor gave up on, e.g.
	// "jejak.deadletter.webhooks".
	DeadLetterTopic string
	// React handles the events of one commit (all of its events, in
	// order). It may be called again for the same commit (retries,
	// redeliveries) and must recognise work already done. An error is
	// retried with backoff; a panic counts as an error.
	React func(ctx context.Context, events []domain.RecordedEvent) error
}

// Defaults of Config.
const (
	DefaultMaxRetries      = 5
	DefaultRetryInitial    = time.Second
	DefaultRetryMax        = time.Minute
	DefaultRetryMultiplier = 2.0
)

// Config configures a Router. Zero values mean defaults.
type Config struct {
	// Subscriber delivers one commit per message; the subscribe topic is
	// the reactor's Consumer. Required (eventstore.EventSubscriber).
	Subscriber message.Subscriber
	// Decode returns the events of a commit message. Required
	// (eventstore.EventSubscriber.Decode).
	Decode func(*message.Message) ([]domain.RecordedEvent, error)
	// DeadLetters stores the commits reactors gave up on. Required
	// (natsinfra.DeadLetters).
	DeadLetters message.Publisher
	// MaxRetries is how many times a failed commit is retried before it is
	// dead-lettered: MaxRetries+1 tries in all. Default 5.
	MaxRetries int
	// RetryInitial is the first wait between tries, doubled (RetryMultiplier)
	// up to RetryMax. Defaults 1s, 1m, 2.
	RetryInitial    time.Duration
	RetryMax        time.Duration
	RetryMultiplier float64
	// Logger (default: discarded).
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.RetryInitial == 0 {
		c.RetryInitial = DefaultRetryInitial
	}
	if c.RetryMax == 0 {
		c.RetryMax = DefaultRetryMax
	}
	if c.RetryMultiplier == 0 {
		c.RetryMultiplier = DefaultRetryMultiplier
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Validate reports every problem of the configuration (after defaults) at
// once.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	if c.Subscriber == nil {
		errs = append(errs, errors.New("subscriber is required"))
	}
	if c.Decode == nil {
		errs = append(errs, errors.New("decode is required"))
	}
	if c.DeadLetters == nil {
		errs = append(errs, errors.New("dead-letter publisher is required"))
	}
	if c.MaxRetries < 0 {
		errs = append(errs, fmt.Errorf("max retries %d: must not be negative", c.MaxRetries))
	}
	if c.RetryInitial < 0 || c.RetryMax < c.RetryInitial {
		errs = append(errs, fmt.Errorf("retry backoff %s..%s: need 0 <= initial <= max", c.RetryInitial, c.RetryMax))
	}
	if c.RetryMultiplier < 1 {
		errs = append(errs, fmt.Errorf("retry multiplier %g: must be at least 1", c.RetryMultiplier))
	}
	return errors.Join(errs...)
}

// Router runs reactors on a watermill message.Router with the middlewares,
// outermost first: CorrelationID, PoisonQueue (the reactor's dead-letter
// topic), Retry (exponential backoff), Recoverer (a panic becomes an
// error).
type Router struct {
	router *message.Router
}

// NewRouter checks cfg and the reactors and sets up the router; nothing
// runs until Run.
func NewRouter(cfg Config, reactors ...Reactor) (*Router, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("reactors: invalid config: %w", err)
	}
	cfg = cfg.withDefaults()
	logger := watermill.NewSlogLogger(cfg.Logger)
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: 30 * time.Second}, logger)
	if err != nil {
		return nil, fmt.Errorf("reactors: %w", err)
	}
	var errs []error
	for _, r := range reactors {
		if r.Name == "" || r.Consumer == "" || r.DeadLetterTopic == "" || r.React == nil {
			errs = append(errs, fmt.Errorf("reactor %q: name, consumer, dead-letter topic and React are required", r.Name))
			continue
		}
		poison, err := middleware.PoisonQueueWithFilter(cfg.DeadLetters, r.DeadLetterTopic, notStopping)
		if err != nil {
			errs = append(errs, fmt.Errorf("reactor %q: %w", r.Name, err))
			continue
		}
		h := router.AddConsumerHandler(r.Name, r.Consumer, cfg.Subscriber, handle(cfg.Decode, r.React))
		h.AddMiddleware(
			middleware.CorrelationID,
			poison,
			middleware.Retry{
				MaxRetries:          cfg.MaxRetries,
				InitialInterval:     cfg.RetryInitial,
				MaxInterval:         cfg.RetryMax,
				Multiplier:          cfg.RetryMultiplier,
				RandomizationFactor: 0.2,
				ResetContextOnRetry: true,
				Logger:              logger,
			}.Middleware,
			middleware.Recoverer,
		)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("reactors: %w", err)
	}
	return &Router{router: router}, nil
}

// notStopping keeps commits out of the dead letters when they failed only
// because the router is stopping: they are NAKed and handled after restart.
func notStopping(err error) bool { return !errors.Is(err, context.Canceled) }

// handle adapts a React function to a watermill handler.
func handle(decode func(*message.Message) ([]domain.RecordedEvent, error), react func(context.Context, []domain.RecordedEvent) error) message.NoPublishHandlerFunc {
	return func(msg *message.Message) error {
		events, err := decode(msg)
		if err != nil {
			return err
		}
		return react(msg.Context(), events)
	}
}

// Run runs the reactors until ctx is done or Close is called; it blocks
// and returns nil after a clean stop, or why the router could not start.
func (r *Router) Run(ctx context.Context) error { return r.router.Run(ctx) }

// Running is closed once every reactor has subscribed.
func (r *Router) Running() <-chan struct{} { return r.router.Running() }

// Close stops the reactors, waiting (up to 30s) for commits in hand, and
// closes the subscriber. Idempotent.
func (r *Router) Close() error { return r.router.Close() }
