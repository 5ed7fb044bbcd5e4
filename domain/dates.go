package domain

import "time"

// The range of every date a command gives the domain (proposal and stage
// dates, Bimtek dates, period schedules): from MinDate to MaxDate, both
// inclusive. Jejak records regional innovation under PP 38/2017, measured
// since 2018; 2000 leaves room for innovations that started long before
// their first assessment. The upper bound matches the years the API takes
// (2000-2100). Stage dates must also not be in the future, and a period's
// schedule lies within its year and the year after (PeriodDateRange).
var (
	MinDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxDate = time.Date(2100, 12, 31, 0, 0, 0, 0, time.UTC)
)

// MinYear and MaxYear bound assessment years.
const (
	MinYear = 2000
	MaxYear = 2100
)

// PeriodDateRange is the range of the schedule dates of year's period: the
// year itself and one more, for phases that run late.
func PeriodDateRange(year int) (from, to time.Time) {
	return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year+1, 12, 31, 0, 0, 0, 0, time.UTC)
}

// checkDay adds a problem for field unless t is a day within MinDate and
// MaxDate (a zero t is missing).
func checkDay(p *Problems, field string, t time.Time) {
	checkDayIn(p, field, t, MinDate, MaxDate)
}

func checkDayIn(p *Problems, field string, t, from, to time.Time) {
	switch d := Day(t); {
	case t.IsZero():
		p.Add(field, "is required")
	case d.Before(from) || d.After(to):
		p.Add(field, "must be a date from %s to %s", date(from), date(to))
	}
}
