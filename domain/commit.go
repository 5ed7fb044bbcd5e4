package domain

import (
	"regexp"

	"github.com/google/uuid"
)

// What every EventStore accepts, whatever holds the events: the rules are
// part of the port's contract (eventstore/storetest checks them).

var (
	// aggregateIDPattern forbids '_' so that a store may map '.' to '_'
	// (the JetStream store does, in subject tokens) without two ids
	// meeting.
	aggregateIDPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,127}$`)
	aggregateTypePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`)
)

// ValidAggregateID reports whether id can name an aggregate: 1-128 letters,
// digits, '.' or '-', starting with a letter or digit ("18.04",
// "2025-18.04", a UUID).
func ValidAggregateID(id string) bool { return aggregateIDPattern.MatchString(id) }

// Valid reports whether t is a lowercase word (letters, digits, '-').
func (t AggregateType) Valid() bool { return aggregateTypePattern.MatchString(string(t)) }

// Validate reports every problem of a commit at once (CodeInvalid): a
// command id, a valid aggregate reference, at least one event and no nil
// event. Whether the events can be encoded is the store's to check.
func (c Commit) Validate() error {
	var p Problems
	p.Check(c.CommandID != uuid.Nil, "CommandID", "is required")
	checkAggregate(&p, c.AggregateType, c.AggregateID)
	p.Check(len(c.Events) > 0, "Events", "a commit needs at least one event")
	for _, e := range c.Events {
		if e == nil {
			p.Add("Events", "an event is nil")
			break
		}
	}
	return p.Err()
}

// CheckAggregate checks the aggregate reference of a read (CodeInvalid).
func CheckAggregate(t AggregateType, id string) error {
	var p Problems
	checkAggregate(&p, t, id)
	return p.Err()
}

func checkAggregate(p *Problems, t AggregateType, id string) {
	p.Check(t.Valid(), "AggregateType", "must be a lowercase word")
	p.Check(ValidAggregateID(id), "AggregateID", "must be 1-128 letters, digits, '.' or '-', starting with a letter or digit")
}
