package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
)

// query reads typed query parameters, collecting every problem.
type query struct {
	r *http.Request
	p domain.Problems
}

func newQuery(r *http.Request) *query { return &query{r: r} }

func (q *query) str(name string) string { return strings.TrimSpace(q.r.URL.Query().Get(name)) }

func (q *query) int(name string, def, lo, hi int) int {
	v := q.str(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		q.p.Add(name, "must be a whole number from %d to %d", lo, hi)
		return def
	}
	return n
}

// uint reads a non-negative whole number (def when absent).
func (q *query) uint(name string, def uint64) uint64 {
	v := q.str(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		q.p.Add(name, "must be a non-negative whole number")
		return def
	}
	return n
}

// date reads a date or an RFC 3339 time within the instants time travel
// can resolve (projections.MinAsOf..MaxAsOf).
func (q *query) date(name string) time.Time {
	v := q.str(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		if t, err = time.Parse(time.DateOnly, v); err != nil {
			q.p.Add(name, "must be a date (2025-08-06) or an RFC 3339 time")
			return time.Time{}
		}
	}
	if t.Before(projections.MinAsOf) || t.Add(24*time.Hour).After(projections.MaxAsOf) {
		q.p.Add(name, "must be between %s and %s", projections.MinAsOf.Format(time.DateOnly), projections.MaxAsOf.Format(time.DateOnly))
		return time.Time{}
	}
	return t
}

func (q *query) region(name string) string {
	v := q.str(name)
	if v != "" {
		if _, ok := domain.LookupRegion(v); !ok {
			q.p.Add(name, "no region with Kemendagri code %s", domain.Quote(v))
		}
	}
	return v
}

func (q *query) err() error { return q.p.Err() }

// pathYear reads the {year} path segment.
func pathYear(r *http.Request) (int, error) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 2000 || y > 2100 {
		return 0, &domain.Error{Code: domain.CodeInvalid, Message: "the year in the path is not valid",
			Problems: []domain.FieldProblem{{Field: "year", Message: "must be a year such as 2025"}}}
	}
	return y, nil
}

// pathID reads the {id} path segment of an innovation or a Bimtek session:
// an id of the aggregate id grammar (CodeInvalid naming "id" otherwise, so
// that nothing else reaches the store).
func pathID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !domain.ValidAggregateID(id) {
		return "", &domain.Error{Code: domain.CodeInvalid, Message: "the id in the path is not valid",
			Problems: []domain.FieldProblem{{Field: "id", Message: domain.IDGrammar}}}
	}
	return id, nil
}

// checkID adds a problem for an id given in a body field, unless it is
// empty (required ids are checked by the domain) or of the id grammar.
func checkID(p *domain.Problems, field, id string) {
	p.Check(id == "" || domain.ValidAggregateID(id), field, domain.IDGrammar)
}

// pathRegion reads the {region} or {code} path segment.
func pathRegion(r *http.Request, name string) (domain.Region, error) {
	code := r.PathValue(name)
	g, ok := domain.LookupRegion(code)
	if !ok {
		return domain.Region{}, domain.Errorf(domain.CodeNotFound, "no region with Kemendagri code %s", domain.Quote(code))
	}
	return g, nil
}

// page is a window of a list.
type page[T any] struct {
	Items    []T    `json:"items"`
	Total    int    `json:"total"`
	Limit    int    `json:"limit"`
	Offset   int    `json:"offset"`
	Position uint64 `json:"position"`
}

// paginate cuts items by the limit and offset parameters.
func paginate[T any](q *query, items []T, position uint64) page[T] {
	limit := q.int("limit", 100, 1, 1000)
	offset := q.int("offset", 0, 0, 1<<30)
	total := len(items)
	start := min(offset, total)
	end := min(start+limit, total)
	out := items[start:end]
	if out == nil {
		out = []T{}
	}
	return page[T]{Items: out, Total: total, Limit: limit, Offset: offset, Position: position}
}

func parseDate(p *domain.Problems, field, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		p.Add(field, "must be a date like 2025-08-06")
	}
	return t
}
