package domain

import "reflect"

// changes is embedded by every aggregate: the version of the history it was
// rebuilt from, and the events decided since (pending, not yet appended).
type changes struct {
	version uint64
	pending []Event
}

// Version is the version of the stored history the aggregate was rebuilt
// from (0 for a new aggregate); pending changes do not count. A Commit of the
// pending changes uses it as ExpectedVersion.
func (c *changes) Version() uint64 { return c.version }

// Changes returns the events decided since the aggregate was rebuilt, in
// order. They have already been applied to the aggregate's state.
func (c *changes) Changes() []Event { return append([]Event(nil), c.pending...) }

// aggregateState is what every aggregate implements to be rebuilt.
type aggregateState interface {
	apply(Event)
}

// rebuild applies history to a, counting versions. Events decoded as
// pointers are applied as values.
func rebuild(a aggregateState, c *changes, history []Event) {
	for _, e := range history {
		a.apply(eventValue(e))
		c.version++
	}
}

// record applies e and keeps it as a pending change.
func record(a aggregateState, c *changes, e Event) {
	a.apply(e)
	c.pending = append(c.pending, e)
}

// eventValue returns the value an event pointer points to.
func eventValue(e Event) Event {
	if v := reflect.ValueOf(e); v.Kind() == reflect.Pointer && !v.IsNil() {
		if ev, ok := v.Elem().Interface().(Event); ok {
			return ev
		}
	}
	return e
}
