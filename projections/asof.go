package projections

import (
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// wib is Western Indonesian Time (UTC+7), the zone a bare date is read in.
var wib = time.FixedZone("WIB", 7*3600)

// AsOf selects a past state: either a stream position (the state after that
// commit) or an instant (the state with every event that occurred at or
// before it). The zero value means "now".
//
// Time travel uses the events' occurred-at time, the business time of the
// fact, so history loaded later (backfills, the demo) answers as of the date
// it happened; positions give the order in which Jejak learnt the facts.
type AsOf struct {
	Position uint64
	Time     time.Time
}

// IsZero reports whether a is "now".
func (a AsOf) IsZero() bool { return a.Position == 0 && a.Time.IsZero() }

// Includes reports whether ev belongs to the state a selects.
func (a AsOf) Includes(ev domain.RecordedEvent) bool {
	if a.Position != 0 && ev.Position > a.Position {
		return false
	}
	if !a.Time.IsZero() && ev.OccurredAt.After(a.Time) {
		return false
	}
	return true
}

// String renders a for keys and logs.
func (a AsOf) String() string {
	switch {
	case a.IsZero():
		return "now"
	case a.Position != 0:
		return "position " + strconv.FormatUint(a.Position, 10)
	default:
		return a.Time.Format(time.RFC3339)
	}
}

// The instants time travel can resolve: the timeline keeps times as Unix
// nanoseconds, which cover 1677-09-21 to 2262-04-11 (UTC).
var (
	MinAsOf = time.Unix(0, math.MinInt64).UTC()
	MaxAsOf = time.Unix(0, math.MaxInt64).UTC()
)

// ErrAsOfRange is ParseAsOf's error for a well-formed instant outside
// MinAsOf..MaxAsOf.
var ErrAsOfRange = errors.New("as_of: outside the instants Jejak can represent")

// ParseAsOf reads an RFC 3339 time, a date (the end of that day in WIB), or
// a positive stream position. An instant outside MinAsOf..MaxAsOf is
// ErrAsOfRange; one in the future is valid and selects the current state.
func ParseAsOf(s string) (AsOf, error) {
	if n, err := strconv.ParseUint(s, 10, 64); err == nil && n > 0 {
		return AsOf{Position: n}, nil
	}
	var at time.Time
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		at = t
	} else if d, err := time.ParseInLocation(time.DateOnly, s, wib); err == nil {
		at = d.Add(24*time.Hour - time.Nanosecond)
	} else {
		return AsOf{}, errors.New("as_of: not a time, date or position")
	}
	if at.Before(MinAsOf) || at.After(MaxAsOf) {
		return AsOf{}, ErrAsOfRange
	}
	return AsOf{Time: at}, nil
}
