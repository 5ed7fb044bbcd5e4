package memstore

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// DefaultMaxCommitBytes is the default bound on a commit's encoded events,
// the JetStream store's default commit limit.
const DefaultMaxCommitBytes = 1<<20 - 4096

// Config configures a Store. Zero values mean the defaults.
type Config struct {
	// Specs are the event types the store accepts. Default
	// domain.EventSpecs().
	Specs []domain.EventSpec
	// MaxCommitBytes bounds the encoded events of one commit; larger
	// commits fail with CodeTooLarge. Default DefaultMaxCommitBytes.
	MaxCommitBytes int
	// NewEventID gives the id of the commit's index-th event. Default: a
	// fresh UUID v7, as the JetStream store gives. A test that compares two
	// stores' projections byte for byte derives ids from the commit
	// instead.
	NewEventID func(c domain.Commit, index int) uuid.UUID
}

// Log holds the events: the commits in order, shared by every Store opened
// over it, as one JetStream stream is shared by the processes connected to
// it. Safe for concurrent use.
type Log struct {
	mu          sync.Mutex
	commits     []*commit                  // position p is commits[p-1]
	byAggregate map[aggregateKey][]*commit // in version order
	byCommand   map[uuid.UUID]*commit
	appended    chan struct{} // closed (and replaced) by every append
}

type aggregateKey struct {
	typ domain.AggregateType
	id  string
}

// commit is one stored commit: its envelope and encoded events.
type commit struct {
	domain.Commit // Events is nil: see events
	position      uint64
	recordedAt    time.Time
	events        []storedEvent
}

type storedEvent struct {
	id            uuid.UUID
	typ           string
	schemaVersion int
	data          []byte
}

func (c *commit) toVersion() uint64 { return c.ExpectedVersion + uint64(len(c.events)) }

func (c *commit) result(duplicate bool) domain.CommitResult {
	ids := make([]uuid.UUID, len(c.events))
	for i, e := range c.events {
		ids[i] = e.id
	}
	return domain.CommitResult{Position: c.position, Version: c.toVersion(), EventIDs: ids, Duplicate: duplicate}
}

// NewLog returns an empty log.
func NewLog() *Log {
	return &Log{byAggregate: map[aggregateKey][]*commit{}, byCommand: map[uuid.UUID]*commit{}, appended: make(chan struct{})}
}

// Store is an in-memory domain.EventStore over a Log. It is safe for
// concurrent use. Close stops this store only; the log and other stores
// over it go on.
type Store struct {
	log    *Log
	cfg    Config
	types  map[string]eventType
	closed chan struct{}
	once   sync.Once
}

var _ domain.EventStore = (*Store)(nil)

type eventType struct {
	spec    domain.EventSpec
	goType  reflect.Type
	pointer bool // New returns a pointer: decode into it
}

// New returns a store over a new, empty log with the default
// configuration (the domain's events).
func New() *Store {
	s, err := Open(NewLog(), Config{})
	if err != nil {
		panic(err) // domain.EventSpecs is malformed: a bug
	}
	return s
}

// Open returns a store over log. It reports every problem of the event
// specs at once: an empty or repeated type, a version below 1, a nil New
// or one whose value names another type.
func Open(log *Log, cfg Config) (*Store, error) {
	if cfg.Specs == nil {
		cfg.Specs = domain.EventSpecs()
	}
	if cfg.MaxCommitBytes <= 0 {
		cfg.MaxCommitBytes = DefaultMaxCommitBytes
	}
	if cfg.NewEventID == nil {
		cfg.NewEventID = func(domain.Commit, int) uuid.UUID { return uuid.Must(uuid.NewV7()) }
	}
	types := make(map[string]eventType, len(cfg.Specs))
	var errs []error
	for _, spec := range cfg.Specs {
		var sample domain.Event
		if spec.New != nil {
			sample = spec.New()
		}
		_, dup := types[spec.Type]
		switch {
		case spec.Type == "":
			errs = append(errs, errors.New("an event spec has no type"))
		case dup:
			errs = append(errs, fmt.Errorf("event %q: registered twice", spec.Type))
		case spec.Version < 1:
			errs = append(errs, fmt.Errorf("event %q: version %d, must be at least 1", spec.Type, spec.Version))
		case sample == nil || sample.EventType() != spec.Type:
			errs = append(errs, fmt.Errorf("event %q: New must return an event of that type", spec.Type))
		default:
			t := reflect.TypeOf(sample)
			types[spec.Type] = eventType{spec: spec, goType: t, pointer: t.Kind() == reflect.Pointer}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("memstore: %w", err)
	}
	return &Store{log: log, cfg: cfg, types: types, closed: make(chan struct{})}, nil
}

// Close stops the store: later calls and running Subscribe calls fail with
// CodeUnavailable. Always nil.
func (s *Store) Close() error {
	s.once.Do(func() { close(s.closed) })
	return nil
}

func (s *Store) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

func errClosed() error { return domain.Errorf(domain.CodeUnavailable, "the event store is closed") }

// Head returns the position of the latest commit (0 when empty).
func (s *Store) Head(context.Context) (uint64, error) {
	if s.isClosed() {
		return 0, errClosed()
	}
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	return uint64(len(s.log.commits)), nil
}
