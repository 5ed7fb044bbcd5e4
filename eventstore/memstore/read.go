package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/jejak-id/jejak/domain"
)

// Load returns the aggregate's events with Version > afterVersion, in
// order; see domain.EventStore. An invalid aggregate reference is
// CodeInvalid.
func (s *Store) Load(ctx context.Context, aggregate domain.AggregateType, id string, afterVersion uint64) ([]domain.RecordedEvent, error) {
	if s.isClosed() {
		return nil, errClosed()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := domain.CheckAggregate(aggregate, id); err != nil {
		return nil, err
	}
	s.log.mu.Lock()
	history := s.log.byAggregate[aggregateKey{aggregate, id}]
	s.log.mu.Unlock()
	var events []domain.RecordedEvent
	for _, c := range history {
		if c.toVersion() <= afterVersion {
			continue
		}
		err := s.recorded(c, afterVersion, func(e domain.RecordedEvent) error {
			events = append(events, e)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return events, nil
}

// Read calls fn for every event with Position > after, up to the head as
// it was when Read started; see domain.EventStore. fn runs on the calling
// goroutine without the log's lock held.
func (s *Store) Read(ctx context.Context, after uint64, fn func(domain.RecordedEvent) error) error {
	if s.isClosed() {
		return errClosed()
	}
	s.log.mu.Lock()
	commits := s.log.commits[min(after, uint64(len(s.log.commits))):]
	s.log.mu.Unlock()
	return s.deliver(ctx, commits, fn)
}

// Subscribe calls fn for every event with Position > after: the history,
// then each commit as it is appended; see domain.EventStore. It returns
// ctx.Err() when ctx is done, fn's error, or CodeUnavailable when the
// store closes. fn is never called concurrently.
func (s *Store) Subscribe(ctx context.Context, after uint64, fn func(domain.RecordedEvent) error) error {
	for {
		if s.isClosed() {
			return errClosed()
		}
		s.log.mu.Lock()
		commits := s.log.commits[min(after, uint64(len(s.log.commits))):]
		appended := s.log.appended
		s.log.mu.Unlock()
		if len(commits) == 0 {
			select {
			case <-appended:
				continue
			case <-ctx.Done():
				return ctx.Err()
			case <-s.closed:
				return errClosed()
			}
		}
		if err := s.deliver(ctx, commits, fn); err != nil {
			return err
		}
		after = commits[len(commits)-1].position
	}
}

// deliver calls fn for every event of commits, in order.
func (s *Store) deliver(ctx context.Context, commits []*commit, fn func(domain.RecordedEvent) error) error {
	for _, c := range commits {
		if err := ctx.Err(); err != nil {
			return err
		}
		if s.isClosed() {
			return errClosed()
		}
		if err := s.recorded(c, 0, fn); err != nil {
			return err
		}
	}
	return nil
}

// recorded decodes the commit's events with Version > afterVersion and
// calls fn for each.
func (s *Store) recorded(c *commit, afterVersion uint64, fn func(domain.RecordedEvent) error) error {
	for i, e := range c.events {
		version := c.ExpectedVersion + uint64(i) + 1
		if version <= afterVersion {
			continue
		}
		data, err := s.decode(e)
		if err != nil {
			return fmt.Errorf("memstore: event %d of the commit at position %d cannot be decoded: %w", i, c.position, err)
		}
		err = fn(domain.RecordedEvent{
			ID: e.id, Type: e.typ, SchemaVersion: e.schemaVersion,
			AggregateType: c.AggregateType, AggregateID: c.AggregateID, Version: version,
			Position: c.position, Index: i, CommitSize: len(c.events),
			CommandID: c.CommandID, OccurredAt: c.OccurredAt, RecordedAt: c.recordedAt, Actor: c.Actor,
			CorrelationID: c.CorrelationID, CausationID: c.CausationID, Data: data,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// decode turns stored JSON into a domain event of its registered type: a
// pointer when the type's New returns one, a value otherwise.
func (s *Store) decode(e storedEvent) (domain.Event, error) {
	et, ok := s.types[e.typ]
	if !ok {
		return nil, fmt.Errorf("unknown event type %q", e.typ)
	}
	if et.pointer {
		ev := et.spec.New()
		if err := json.Unmarshal(e.data, ev); err != nil {
			return nil, err
		}
		return ev, nil
	}
	ptr := reflect.New(et.goType)
	if err := json.Unmarshal(e.data, ptr.Interface()); err != nil {
		return nil, err
	}
	return ptr.Elem().Interface().(domain.Event), nil
}
