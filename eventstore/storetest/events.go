package storetest

import "github.com/jejak-id/jejak/domain"

// NoteWritten is the suite's ordinary event.
type NoteWritten struct {
	Text string
}

// EventType implements domain.Event.
func (NoteWritten) EventType() string { return "test.note-written" }

// Counted is a second event type, decoded through a pointer-returning New.
type Counted struct {
	N int
}

// EventType implements domain.Event.
func (*Counted) EventType() string { return "test.counted" }

// Unencodable cannot be marshalled to JSON (it holds a channel): a commit
// containing it must fail before anything is written.
type Unencodable struct {
	Ch chan int
}

// EventType implements domain.Event.
func (Unencodable) EventType() string { return "test.unencodable" }

// Unregistered is an event type no spec describes.
type Unregistered struct{}

// EventType implements domain.Event.
func (Unregistered) EventType() string { return "test.unregistered" }

// Specs describes the suite's event types to a store's codec.
func Specs() []domain.EventSpec {
	return []domain.EventSpec{
		{Type: "test.note-written", Version: 1, New: func() domain.Event { return NoteWritten{} }},
		{Type: "test.counted", Version: 1, New: func() domain.Event { return &Counted{} }},
		{Type: "test.unencodable", Version: 1, New: func() domain.Event { return Unencodable{} }},
	}
}
