package audit

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// Query selects an audit trail: the events of an entity, a region or an
// actor (at least one; several narrow each other), optionally narrowed by
// type, occurred-at and event id. Build it with ParseQuery; History and the
// CLI's replay take it as it is.
type Query struct {
	EntityType domain.AggregateType
	EntityID   string
	Region     string
	Actor      string
	Types      []string  // event types to keep; all when empty
	From, To   time.Time // occurred-at bounds, inclusive; zero = open
	AsOf       uint64    // only events at or before this position; 0 = all
	EventID    uuid.UUID // only this event (with before/after from its whole trail); Nil = all
}

// Params are an audit query as people write it: the API's query parameters
// of GET /api/v1/audit and the flags of `jejak audit`, under the API's
// names. As of is not among them: it is the read option every read shares.
type Params struct {
	Entity  string // "type/id": innovation/<uuid>, bimtek/<uuid>, assessment/2025-64.03, region/64.03, period/2025, person/<subject>
	Region  string // a Kemendagri code
	Actor   string // a user id
	Type    string // event types, comma separated
	EventID string // one event's id
	From    string // a date (from the start of that day in WIB) or an RFC 3339 time
	To      string // a date (to the end of that day in WIB) or an RFC 3339 time
	// For the log (ParseLogQuery) only:
	Search string // a term (at most 100 characters)
	Order  string // "desc" (newest first, the default) or "asc"
	Cursor string // a LogCursor's String
}

// wib is Western Indonesian Time (UTC+7): a bare date is a whole day there,
// as it is for as_of.
var wib = time.FixedZone("WIB", 7*3600)

// ParseQuery parses and validates p once for every port. It reports every
// problem at once as a CodeInvalid *domain.Error whose fields are the names
// of Params in the API ("entity", "region", "actor", "type", "event_id",
// "from", "to").
func ParseQuery(p Params) (Query, error) {
	var probs domain.Problems
	q := parseQuery(&probs, p, true)
	return q, probs.Err()
}

// ParseLogQuery parses p for a page of the log (Trails.Page): like
// ParseQuery, but no subject is needed, and Search, Order and Cursor are
// read ("q", "order", "cursor"); event_id is not read (ParseQuery's).
func ParseLogQuery(p Params) (LogQuery, error) {
	var probs domain.Problems
	q := parseQuery(&probs, p, false)
	lq := LogQuery{Types: q.Types, Actor: q.Actor, EntityType: q.EntityType, EntityID: q.EntityID, Region: q.Region,
		From: q.From, To: q.To, Search: strings.TrimSpace(p.Search)}
	probs.Check(utf8.ValidString(lq.Search) && utf8.RuneCountInString(lq.Search) <= 100, "q", "must be a term of at most 100 characters")
	switch p.Order {
	case "", "desc":
	case "asc":
		lq.Ascending = true
	default:
		probs.Add("order", "must be desc (newest first) or asc (oldest first)")
	}
	after, err := ParseLogCursor(p.Cursor)
	if err != nil {
		probs.Add("cursor", "must be a next_cursor of an earlier page (position.index)")
	}
	lq.After = after
	return lq, probs.Err()
}

func parseQuery(probs *domain.Problems, p Params, subject bool) Query {
	var q Query
	p.Entity, p.Region, p.Actor = strings.TrimSpace(p.Entity), strings.TrimSpace(p.Region), strings.TrimSpace(p.Actor)
	if subject && p.Entity == "" && p.Region == "" && p.Actor == "" {
		probs.Add("entity", "give an entity (type/id), a region or an actor")
	}
	if p.Entity != "" {
		typ, id, ok := strings.Cut(p.Entity, "/")
		if !ok || id == "" || !slices.Contains(entityTypes(), domain.AggregateType(typ)) {
			probs.Add("entity", "must be type/id with type innovation, region, bimtek, assessment, period, evidence or person")
		}
		q.EntityType, q.EntityID = domain.AggregateType(typ), id
	}
	if p.Region != "" {
		if _, ok := domain.LookupRegion(p.Region); !ok {
			probs.Add("region", "no region with Kemendagri code %q", p.Region)
		}
		q.Region = p.Region
	}
	q.Actor = p.Actor
	if p.Type != "" {
		known := map[string]bool{}
		for _, s := range domain.EventSpecs() {
			known[s.Type] = true
		}
		for _, t := range strings.Split(p.Type, ",") {
			t = strings.TrimSpace(t)
			if !known[t] {
				probs.Add("type", "%q is not an event type (such as innovation.trial_started)", t)
				continue
			}
			q.Types = append(q.Types, t)
		}
	}
	if p.EventID != "" {
		id, err := uuid.Parse(p.EventID)
		if err != nil {
			probs.Add("event_id", "must be an event id (a UUID)")
		}
		q.EventID = id
	}
	q.From = parseBound(probs, "from", p.From, false)
	q.To = parseBound(probs, "to", p.To, true)
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		probs.Add("to", "must not be before from")
	}
	return q
}

func entityTypes() []domain.AggregateType {
	return []domain.AggregateType{domain.AggregateInnovation, domain.AggregateRegion, domain.AggregateBimtek,
		domain.AggregateAssessment, domain.AggregatePeriod, domain.AggregateEvidence, domain.AggregatePerson}
}

// parseBound reads an RFC 3339 time or a date: the first (or, for end, the
// last) instant of that day in WIB.
func parseBound(p *domain.Problems, field, v string, end bool) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t
	}
	d, err := time.ParseInLocation(time.DateOnly, v, wib)
	if err != nil {
		p.Add(field, "must be a date (2025-08-06) or an RFC 3339 time")
		return time.Time{}
	}
	if end {
		return d.Add(24*time.Hour - time.Nanosecond)
	}
	return d
}

// Keep reports whether q selects ev.
func Keep(ev domain.RecordedEvent, q Query) bool {
	if q.AsOf != 0 && ev.Position > q.AsOf {
		return false
	}
	if q.EventID != uuid.Nil && ev.ID != q.EventID {
		return false
	}
	if len(q.Types) > 0 && !slices.Contains(q.Types, ev.Type) {
		return false
	}
	if !q.From.IsZero() && ev.OccurredAt.Before(q.From) {
		return false
	}
	if !q.To.IsZero() && ev.OccurredAt.After(q.To) {
		return false
	}
	if q.Actor != "" && ev.Actor.UserID != q.Actor {
		return false
	}
	if q.Region != "" {
		if r := EventRegion(ev.Data); r != "" && r != q.Region {
			return false
		}
	}
	return true
}
