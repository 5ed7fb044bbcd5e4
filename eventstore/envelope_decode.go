package eventstore

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/google/uuid"
)

// decodeEnvelope decodes one message body into env, reusing env.Events'
// memory. Each event's Data aliases body (message bodies are never reused,
// so this is safe); it is checked as JSON when the event is decoded.
//
// The result is what json.Unmarshal(body, env) gives. Bodies in the form
// the store writes (keys as named, strings without escapes, no nulls) are
// read by a small scanner, because replays decode every message and
// encoding/json reads each body twice (a validity scan, then reflection);
// anything else, including every malformed body, goes to encoding/json, so
// its errors and its rules are the ones that apply. in, when not nil,
// shares the strings that repeat across messages (types, actors, ids).
func decodeEnvelope(body []byte, env *envelope, in *interner) error {
	events := env.Events[:0]
	*env = envelope{Events: events}
	d := envDecoder{data: body, in: in}
	if d.envelope(env) {
		return nil
	}
	// encoding/json decodes into existing slice elements without zeroing
	// them; start from clean ones.
	clear(events[:cap(events)])
	*env = envelope{Events: events}
	return json.Unmarshal(body, env)
}

// envDecoder reads an envelope; every method reports false when the body
// is not in the plain form, and the caller falls back to encoding/json.
type envDecoder struct {
	data []byte
	i    int
	in   *interner
}

func (d *envDecoder) envelope(env *envelope) bool {
	seenEvents := false
	return d.object(func(key []byte) bool {
		switch string(key) {
		case "command_id":
			return d.uuid(&env.CommandID)
		case "aggregate_type":
			return d.str(&env.AggregateType)
		case "aggregate_id":
			return d.str(&env.AggregateID)
		case "from_version":
			return d.uint(&env.FromVersion)
		case "actor":
			return d.object(func(key []byte) bool {
				switch string(key) {
				case "user":
					return d.str(&env.Actor.UserID)
				case "role":
					return d.str(&env.Actor.Role)
				case "region":
					return d.str(&env.Actor.Region)
				}
				return false
			})
		case "correlation_id":
			return d.str(&env.CorrelationID)
		case "causation_id":
			return d.str(&env.CausationID)
		case "occurred_at":
			start := d.i
			if _, ok := d.rawString(); !ok {
				return false
			}
			// What encoding/json calls for a time.Time: same rules, no copy.
			return env.OccurredAt.UnmarshalJSON(d.data[start:d.i]) == nil
		case "events":
			if seenEvents {
				return false // encoding/json would start the list again
			}
			seenEvents = true
			return d.events(env)
		}
		return false
	}) && d.end()
}

func (d *envDecoder) events(env *envelope) bool {
	if !d.byte('[') {
		return false
	}
	if d.byte(']') {
		return true
	}
	for {
		env.Events = append(env.Events, wireEvent{})
		w := &env.Events[len(env.Events)-1]
		ok := d.object(func(key []byte) bool {
			switch string(key) {
			case "id":
				return d.uuid(&w.ID)
			case "type":
				return d.str(&w.Type)
			case "schema_version":
				var v uint64
				if !d.uint(&v) || v > 1<<31-1 {
					return false
				}
				w.SchemaVersion = int(v)
				return true
			case "data":
				start := d.i
				if !d.skipValue() {
					return false
				}
				w.Data = d.data[start:d.i:d.i]
				return true
			}
			return false
		})
		if !ok {
			return false
		}
		if d.byte(',') {
			continue
		}
		return d.byte(']')
	}
}

// object reads {"key": value, ...}, calling member for each value.
func (d *envDecoder) object(member func(key []byte) bool) bool {
	if !d.byte('{') {
		return false
	}
	if d.byte('}') {
		return true
	}
	for {
		d.space()
		key, ok := d.rawString()
		if !ok || !d.byte(':') {
			return false
		}
		d.space()
		if !member(key) {
			return false
		}
		if d.byte(',') {
			continue
		}
		return d.byte('}')
	}
}

// byte skips white space and consumes c if it comes next.
func (d *envDecoder) byte(c byte) bool {
	d.space()
	if d.i < len(d.data) && d.data[d.i] == c {
		d.i++
		return true
	}
	return false
}

func (d *envDecoder) space() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// end reports whether only white space is left.
func (d *envDecoder) end() bool {
	d.space()
	return d.i == len(d.data)
}

// rawString reads a string without escapes and returns its contents.
func (d *envDecoder) rawString() ([]byte, bool) {
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		return nil, false
	}
	start := d.i + 1
	ascii := true
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			s := d.data[start:i]
			if !ascii && !utf8.Valid(s) {
				return nil, false // encoding/json replaces bad bytes
			}
			d.i = i + 1
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

func (d *envDecoder) str(dst *string) bool {
	s, ok := d.rawString()
	if ok {
		*dst = d.in.string(s)
	}
	return ok
}

func (d *envDecoder) uuid(dst *uuid.UUID) bool {
	s, ok := d.rawString()
	if !ok {
		return false
	}
	id, err := uuid.ParseBytes(s) // what uuid.UUID's UnmarshalText does
	*dst = id
	return err == nil
}

// uint reads a non-negative integer in JSON's form (no leading zeros, no
// fraction or exponent).
func (d *envDecoder) uint(dst *uint64) bool {
	start := d.i
	var v uint64
	for d.i < len(d.data) && '0' <= d.data[d.i] && d.data[d.i] <= '9' {
		digit := uint64(d.data[d.i] - '0')
		if v > (1<<64-1-digit)/10 {
			return false
		}
		v = v*10 + digit
		d.i++
	}
	n := d.i - start
	if n == 0 || (n > 1 && d.data[start] == '0') {
		return false
	}
	if d.i < len(d.data) {
		if c := d.data[d.i]; c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	*dst = v
	return true
}

// skipValue moves past one JSON value: strings with their escapes, nested
// objects and arrays, literals up to the next delimiter. It finds the end;
// the value's validity is checked when it is decoded.
func (d *envDecoder) skipValue() bool {
	depth := 0
	for d.i < len(d.data) {
		c := d.data[d.i]
		switch c {
		case '"':
			d.i++
			for d.i < len(d.data) && d.data[d.i] != '"' {
				if d.data[d.i] == '\\' {
					d.i++
				}
				d.i++
			}
			if d.i >= len(d.data) {
				return false
			}
			d.i++
		case '{', '[':
			depth++
			d.i++
		case '}', ']':
			if depth == 0 {
				return false
			}
			depth--
			d.i++
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return false
			}
			d.i++
		default:
			d.i++
		}
		if depth == 0 {
			// A literal ends at a delimiter; a string, object or array has
			// just ended.
			if c == '"' || c == '}' || c == ']' {
				return true
			}
			for d.i < len(d.data) {
				switch d.data[d.i] {
				case ',', '}', ']', ' ', '\t', '\n', '\r':
					return true
				}
				d.i++
			}
			return false
		}
	}
	return false
}

// interner shares equal strings read from many messages, so a replay does
// not allocate (and projections do not keep) a copy of the same actor, type
// or aggregate id per event. Bounded: it starts afresh when full. Not safe
// for concurrent use; a nil *interner just copies.
type interner struct {
	strings map[string]string
	max     int
}

func newInterner(max int) *interner {
	return &interner{strings: make(map[string]string, 256), max: max}
}

func (in *interner) string(b []byte) string {
	if in == nil {
		return string(b)
	}
	if s, ok := in.strings[string(b)]; ok {
		return s
	}
	if len(in.strings) >= in.max {
		clear(in.strings)
	}
	s := string(b)
	in.strings[s] = s
	return s
}
