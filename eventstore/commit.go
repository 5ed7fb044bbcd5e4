package eventstore

import (
	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// validateCommit reports every problem of a commit at once (CodeInvalid).
func validateCommit(c domain.Commit) error {
	var p domain.Problems
	p.Check(c.CommandID != uuid.Nil, "CommandID", "is required")
	p.Check(ValidAggregateType(c.AggregateType), "AggregateType", "must be a lowercase word")
	p.Check(ValidAggregateID(c.AggregateID), "AggregateID",
		"must be 1-128 letters, digits, '.' or '-', starting with a letter or digit")
	p.Check(len(c.Events) > 0, "Events", "a commit needs at least one event")
	for _, e := range c.Events {
		if e == nil {
			p.Add("Events", "an event is nil")
			break
		}
	}
	return p.Err()
}

// validateAggregate checks the aggregate reference of a read (CodeInvalid).
func validateAggregate(t domain.AggregateType, id string) error {
	var p domain.Problems
	p.Check(ValidAggregateType(t), "AggregateType", "must be a lowercase word")
	p.Check(ValidAggregateID(id), "AggregateID",
		"must be 1-128 letters, digits, '.' or '-', starting with a letter or digit")
	return p.Err()
}
