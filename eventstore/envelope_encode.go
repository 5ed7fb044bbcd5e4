package eventstore

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/google/uuid"
)

// appendJSON appends the envelope's JSON to buf: byte for byte what
// json.Marshal(e) gives (field order, omitempty, HTML-safe string escaping,
// RFC 3339 times), pinned by TestEnvelopeEncoding. Written by hand because it
// runs on every append: encoding/json would reflect over the envelope and
// scan every event's data again to compact it, although the codec's output is
// compact already.
func (e *envelope) appendJSON(buf []byte) ([]byte, error) {
	buf = append(buf, `{"command_id":`...)
	buf = appendUUID(buf, e.CommandID)
	buf = append(buf, `,"aggregate_type":`...)
	buf = appendString(buf, e.AggregateType)
	buf = append(buf, `,"aggregate_id":`...)
	buf = appendString(buf, e.AggregateID)
	buf = append(buf, `,"from_version":`...)
	buf = strconv.AppendUint(buf, e.FromVersion, 10)
	buf = append(buf, `,"actor":{"user":`...)
	buf = appendString(buf, e.Actor.UserID)
	buf = append(buf, `,"role":`...)
	buf = appendString(buf, e.Actor.Role)
	if e.Actor.Region != "" {
		buf = append(buf, `,"region":`...)
		buf = appendString(buf, e.Actor.Region)
	}
	buf = append(buf, '}')
	if e.CorrelationID != "" {
		buf = append(buf, `,"correlation_id":`...)
		buf = appendString(buf, e.CorrelationID)
	}
	if e.CausationID != "" {
		buf = append(buf, `,"causation_id":`...)
		buf = appendString(buf, e.CausationID)
	}
	buf = append(buf, `,"occurred_at":`...)
	// time.Time.MarshalJSON refuses years outside 0..9999; so do we.
	if y := e.OccurredAt.Year(); y < 0 || y > 9999 {
		return nil, errors.New("occurred_at: year outside 0..9999")
	}
	buf = append(buf, '"')
	buf = e.OccurredAt.AppendFormat(buf, "2006-01-02T15:04:05.999999999Z07:00")
	buf = append(buf, `","events":[`...)
	for i := range e.Events {
		w := &e.Events[i]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"id":`...)
		buf = appendUUID(buf, w.ID)
		buf = append(buf, `,"type":`...)
		buf = appendString(buf, w.Type)
		buf = append(buf, `,"schema_version":`...)
		buf = strconv.AppendInt(buf, int64(w.SchemaVersion), 10)
		buf = append(buf, `,"data":`...)
		buf = append(buf, w.Data...) // json.Marshal output: compact already
		buf = append(buf, '}')
	}
	return append(buf, "]}"...), nil
}

// size estimates the encoded envelope's length, to allocate once.
func (e *envelope) size() int {
	n := 320 + len(e.AggregateID) + len(e.Actor.UserID) + len(e.Actor.Region) + len(e.CorrelationID) + len(e.CausationID)
	for i := range e.Events {
		n += 110 + len(e.Events[i].Type) + len(e.Events[i].Data)
	}
	return n
}

const hexDigits = "0123456789abcdef"

// appendUUID appends the quoted canonical form (what uuid.UUID's
// MarshalText gives).
func appendUUID(buf []byte, id uuid.UUID) []byte {
	buf = append(buf, '"')
	for i, b := range id {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			buf = append(buf, '-')
		}
		buf = append(buf, hexDigits[b>>4], hexDigits[b&0x0f])
	}
	return append(buf, '"')
}

// appendString appends s as a JSON string the way encoding/json writes it.
// Identifiers and most names are plain printable ASCII and are copied; any
// other string goes through encoding/json, so escaping is never hand-made.
func appendString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			quoted, _ := json.Marshal(s) // a string always encodes
			return append(buf, quoted...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}
