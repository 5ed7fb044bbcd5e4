package memstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// Append appends the commit's events atomically; see domain.EventStore. A
// command id already in the log gives the original result with Duplicate
// set, however long ago it was appended. It never blocks on anything but
// the log's lock.
func (s *Store) Append(ctx context.Context, c domain.Commit) (domain.CommitResult, error) {
	if s.isClosed() {
		return domain.CommitResult{}, errClosed()
	}
	if err := ctx.Err(); err != nil {
		return domain.CommitResult{}, err
	}
	if err := c.Validate(); err != nil {
		return domain.CommitResult{}, err
	}
	events, err := s.encode(c)
	if err != nil {
		return domain.CommitResult{}, err
	}
	l := s.log
	l.mu.Lock()
	defer l.mu.Unlock()
	if original, ok := l.byCommand[c.CommandID]; ok {
		return original.result(true), nil
	}
	key := aggregateKey{c.AggregateType, c.AggregateID}
	var current uint64
	if history := l.byAggregate[key]; len(history) > 0 {
		current = history[len(history)-1].toVersion()
	}
	if current != c.ExpectedVersion {
		return domain.CommitResult{}, domain.ConflictError(c.AggregateType, c.AggregateID, c.ExpectedVersion, current)
	}
	stored := &commit{Commit: c, position: uint64(len(l.commits)) + 1, recordedAt: time.Now().UTC(), events: events}
	stored.Events = nil
	stored.OccurredAt = c.OccurredAt.UTC()
	for i := range stored.events {
		stored.events[i].id = s.cfg.NewEventID(c, i)
	}
	l.commits = append(l.commits, stored)
	l.byAggregate[key] = append(l.byAggregate[key], stored)
	l.byCommand[c.CommandID] = stored
	close(l.appended)
	l.appended = make(chan struct{})
	return stored.result(false), nil
}

// encode encodes the commit's events and checks the size limit: an
// unknown type or an event that cannot be encoded is CodeInvalid, too many
// bytes CodeTooLarge.
func (s *Store) encode(c domain.Commit) ([]storedEvent, error) {
	events := make([]storedEvent, len(c.Events))
	size := 0
	for i, e := range c.Events {
		et, ok := s.types[e.EventType()]
		if !ok {
			return nil, domain.Errorf(domain.CodeInvalid, "unknown event type %q", e.EventType())
		}
		data, err := json.Marshal(e)
		if err != nil {
			return nil, domain.Errorf(domain.CodeInvalid, "event %q cannot be encoded", e.EventType())
		}
		size += len(data)
		events[i] = storedEvent{typ: et.spec.Type, schemaVersion: et.spec.Version, data: data}
	}
	if size > s.cfg.MaxCommitBytes {
		return nil, domain.Errorf(domain.CodeTooLarge, "the commit's events are %d bytes encoded, over the limit of %d bytes", size, s.cfg.MaxCommitBytes)
	}
	return events, nil
}
