package eventstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/jejak-id/jejak/domain"
)

// Upcaster turns the JSON of one event type from schema version From into
// version From+1 (the domain declares its own: domain.EventUpcasters).
type Upcaster = domain.Upcaster

// Codec encodes domain events as JSON (with the names their tags give) and
// decodes them back, upcasting old schema versions. It is immutable and safe
// for concurrent use.
type Codec struct {
	types     map[string]eventType
	upcasters map[upcastKey]Upcaster
}

type eventType struct {
	spec domain.EventSpec
	// goType is the value type New returns; pointer tells whether New
	// returns a pointer (decode into it) or a value (decode into a new
	// pointer, then return the value).
	goType  reflect.Type
	pointer bool
}

type upcastKey struct {
	eventType string
	from      int
}

// NewCodec builds a codec for the given event types. It reports every
// problem at once: empty or duplicate types, versions below 1, a nil New or
// one whose value names another type, upcasters for unknown types, outside
// 1..Version-1, duplicated or without a function.
func NewCodec(specs []domain.EventSpec, upcasters ...Upcaster) (*Codec, error) {
	c := &Codec{types: make(map[string]eventType, len(specs)), upcasters: make(map[upcastKey]Upcaster)}
	var errs []error
	for _, s := range specs {
		switch {
		case s.Type == "":
			errs = append(errs, errors.New("event spec with an empty type"))
			continue
		case s.Version < 1:
			errs = append(errs, fmt.Errorf("event %q: version %d, must be at least 1", s.Type, s.Version))
		case s.New == nil:
			errs = append(errs, fmt.Errorf("event %q: New is nil", s.Type))
			continue
		}
		if _, dup := c.types[s.Type]; dup {
			errs = append(errs, fmt.Errorf("event %q: registered twice", s.Type))
			continue
		}
		sample := s.New()
		if sample == nil || sample.EventType() != s.Type {
			errs = append(errs, fmt.Errorf("event %q: New returns a value of another type", s.Type))
			continue
		}
		t := reflect.TypeOf(sample)
		c.types[s.Type] = eventType{spec: s, goType: t, pointer: t.Kind() == reflect.Pointer}
	}
	for _, u := range upcasters {
		et, known := c.types[u.Type]
		key := upcastKey{u.Type, u.From}
		switch {
		case !known:
			errs = append(errs, fmt.Errorf("upcaster for unknown event %q", u.Type))
		case u.Upcast == nil:
			errs = append(errs, fmt.Errorf("upcaster %q v%d: no function", u.Type, u.From))
		case u.From < 1 || u.From >= et.spec.Version:
			errs = append(errs, fmt.Errorf("upcaster %q v%d: must upcast from 1..%d", u.Type, u.From, et.spec.Version-1))
		default:
			if _, dup := c.upcasters[key]; dup {
				errs = append(errs, fmt.Errorf("upcaster %q v%d: registered twice", u.Type, u.From))
			}
			c.upcasters[key] = u
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("eventstore: codec: %w", err)
	}
	return c, nil
}

// Encode returns the event's type, its current schema version and its JSON.
// An unregistered type or a value that cannot be marshalled is an *Error
// with CodeInvalid.
func (c *Codec) Encode(e domain.Event) (string, int, []byte, error) {
	if e == nil {
		return "", 0, nil, domain.Errorf(domain.CodeInvalid, "an event is missing")
	}
	name := e.EventType()
	et, ok := c.types[name]
	if !ok {
		return "", 0, nil, domain.Errorf(domain.CodeInvalid, "unknown event type %q", name)
	}
	data, err := json.Marshal(e)
	if err != nil {
		return "", 0, nil, domain.Errorf(domain.CodeInvalid, "event %q cannot be encoded", name)
	}
	return name, et.spec.Version, data, nil
}

// Decode turns stored JSON of the given type and schema version into a
// domain event of the current version. Unknown types, versions newer than
// the codec knows, a missing upcaster or bad JSON are errors; nothing is
// silently dropped.
func (c *Codec) Decode(name string, version int, data []byte) (domain.Event, error) {
	et, ok := c.types[name]
	if !ok {
		return nil, fmt.Errorf("unknown event type %q", name)
	}
	if version > et.spec.Version {
		return nil, fmt.Errorf("event %q v%d is newer than this program knows (v%d)", name, version, et.spec.Version)
	}
	for v := version; v < et.spec.Version; v++ {
		u, ok := c.upcasters[upcastKey{name, v}]
		if !ok {
			return nil, fmt.Errorf("event %q: no upcaster from v%d", name, v)
		}
		up, err := u.Upcast(data)
		if err != nil {
			return nil, fmt.Errorf("event %q: upcast from v%d: %w", name, v, err)
		}
		data = up
	}
	if et.pointer {
		e := et.spec.New()
		if err := json.Unmarshal(data, e); err != nil {
			return nil, fmt.Errorf("event %q: %w", name, err)
		}
		return e, nil
	}
	ptr := reflect.New(et.goType)
	if err := json.Unmarshal(data, ptr.Interface()); err != nil {
		return nil, fmt.Errorf("event %q: %w", name, err)
	}
	return ptr.Elem().Interface().(domain.Event), nil
}
