package domain

import (
	"github.com/google/uuid"
)

// What every EventStore accepts, whatever holds the events: the rules are
// part of the port's contract (eventstore/storetest checks them). They are
// loops rather than regexps because every append checks them.

// ValidAggregateID reports whether id can name an aggregate: 1-128 letters,
// digits, '.' or '-', starting with a letter or digit ("18.04",
// "2025-18.04", a UUID), that is ^[A-Za-z0-9][A-Za-z0-9.-]{0,127}$. It
// forbids '_' so that a store may map '.' to '_' (the JetStream store does,
// in subject tokens) without two ids meeting.
func ValidAggregateID(id string) bool {
	if len(id) == 0 || len(id) > 128 || !isAlnum(id[0]) {
		return false
	}
	for i := 1; i < len(id); i++ {
		if c := id[i]; !isAlnum(c) && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// Valid reports whether t is a lowercase word (letters, digits, '-'), that
// is ^[a-z][a-z0-9-]{0,63}$.
func (t AggregateType) Valid() bool {
	if len(t) == 0 || len(t) > 64 || !isLower(t[0]) {
		return false
	}
	for i := 1; i < len(t); i++ {
		if c := t[i]; !isLower(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	return true
}

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool { return isLower(c) || isDigit(c) || ('A' <= c && c <= 'Z') }

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
