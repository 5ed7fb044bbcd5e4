package eventstore

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
)

// headerAllowance is room for the message headers on top of the envelope
// when sizing the stream's max message size.
const headerAllowance = 4096

// Store is the JetStream implementation of domain.EventStore. It is safe for
// concurrent use. It does not own the NATS connection: Close stops the store,
// the caller closes the connection.
type Store struct {
	cfg      Config
	js       jetstream.JetStream
	stream   jetstream.Stream
	subjects subjects
	codec    *Codec
	versions *versionCache
	ids      *idSource

	life context.Context // cancelled by Close
	stop context.CancelFunc

	tap atomic.Pointer[func(RawCommit)] // see TapRaw
}

var _ domain.EventStore = (*Store)(nil)

// Open validates cfg, creates the stream or updates its configuration, and
// returns a ready store. It blocks for one or two server round trips.
func Open(ctx context.Context, nc *nats.Conn, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("eventstore: invalid config: %w", err)
	}
	cfg = cfg.withDefaults()
	if max := nc.MaxPayload(); max > 0 && int64(cfg.MaxCommitBytes+headerAllowance) > max {
		return nil, fmt.Errorf("eventstore: max commit bytes %d (+%d for headers) exceeds the server's max payload %d",
			cfg.MaxCommitBytes, headerAllowance, max)
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(30*time.Second), jetstream.WithPublishAsyncMaxPending(8192))
	if err != nil {
		return nil, fmt.Errorf("eventstore: %w", err)
	}
	subj := subjects{prefix: cfg.SubjectPrefix}
	stream, err := js.CreateOrUpdateStream(ctx, streamConfig(cfg, subj))
	if err != nil {
		return nil, translate("create stream", err)
	}
	ids, err := newIDSource()
	if err != nil {
		return nil, fmt.Errorf("eventstore: seeding event ids: %w", err)
	}
	life, stop := context.WithCancel(context.Background())
	return &Store{
		cfg:      cfg,
		js:       js,
		stream:   stream,
		subjects: subj,
		codec:    cfg.Codec,
		versions: newVersionCache(cfg.VersionCacheSize),
		ids:      ids,
		life:     life,
		stop:     stop,
	}, nil
}

// streamConfig is the one stream holding every event: file storage, nothing
// ever dropped or deleted, direct gets for fast lookups.
func streamConfig(cfg Config, subj subjects) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        cfg.Stream,
		Description: "Jejak events: one message per commit",
		Subjects:    []string{subj.all()},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld, // irrelevant: no limits are set
		MaxMsgs:     -1,
		MaxBytes:    -1,
		MaxAge:      0,
		MaxMsgSize:  int32(cfg.MaxCommitBytes + headerAllowance),
		Replicas:    cfg.Replicas,
		Duplicates:  cfg.DuplicateWindow,
		DenyDelete:  true,
		DenyPurge:   true,
		AllowDirect: true,
	}
}

// Head returns the stream sequence of the latest commit (0 when empty).
func (s *Store) Head(ctx context.Context) (uint64, error) {
	if s.closed() {
		return 0, errClosed()
	}
	info, err := s.stream.Info(ctx)
	if err != nil {
		return 0, s.fail("head", err)
	}
	return info.State.LastSeq, nil
}

// Close stops the store: later calls and running Subscribe calls fail with
// CodeUnavailable. It does not close the NATS connection. Always nil.
func (s *Store) Close() error {
	s.stop()
	return nil
}

// closed reports whether Close was called. Short calls (Append, Load,
// Head) only check this when they start; an in-flight call finishes.
func (s *Store) closed() bool { return s.life.Err() != nil }

// bind returns ctx, also cancelled when the store closes, or CodeUnavailable
// if it is closed already.
func (s *Store) bind(ctx context.Context) (context.Context, func(), error) {
	if s.life.Err() != nil {
		return nil, nil, errClosed()
	}
	ctx, cancel := context.WithCancel(ctx)
	stopAfter := context.AfterFunc(s.life, cancel)
	return ctx, func() { stopAfter(); cancel() }, nil
}

// fail translates err, reporting CodeUnavailable when the store has closed
// meanwhile.
func (s *Store) fail(op string, err error) error {
	if s.life.Err() != nil {
		return errClosed()
	}
	return translate(op, err)
}
