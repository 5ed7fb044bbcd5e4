package kemendagri

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"
)

// normalize validates t and m and returns a copy of t with its rows in export
// order and nil slices and maps replaced by empty ones, so that nil and empty
// render the same. It reports every problem at once.
func normalize(t Tables, m Meta) (Tables, error) {
	var errs []error
	if t.Year != m.Year {
		errs = append(errs, fmt.Errorf("tables are for %d but meta for %d", t.Year, m.Year))
	}
	out := Tables{
		Year:        t.Year,
		Regions:     slices.Clone(t.Regions),
		Innovations: slices.Clone(t.Innovations),
		Bimtek:      slices.Clone(t.Bimtek),
	}
	if out.Regions == nil {
		out.Regions = []RegionRow{}
	}
	if out.Innovations == nil {
		out.Innovations = []InnovationRow{}
	}
	if out.Bimtek == nil {
		out.Bimtek = []BimtekRow{}
	}
	for i := range out.Regions {
		if out.Regions[i].Clusters == nil {
			out.Regions[i].Clusters = []string{}
		}
	}
	for i, r := range out.Innovations {
		if r.Verification == nil {
			out.Innovations[i].Verification = map[string]string{}
		}
		for _, d := range []struct{ name, v string }{{"proposedOn", r.ProposedOn}, {"trialOn", r.TrialOn}, {"implementedOn", r.ImplementedOn}} {
			if !validDate(d.v, true) {
				errs = append(errs, fmt.Errorf("innovation %q: %s %q is not a date YYYY-MM-DD", r.ID, d.name, d.v))
			}
		}
	}
	for _, b := range out.Bimtek {
		if !validDate(b.Date, false) {
			errs = append(errs, fmt.Errorf("bimtek %q: date %q is not a date YYYY-MM-DD", b.ID, b.Date))
		}
	}

	slices.SortFunc(out.Regions, func(a, b RegionRow) int { return cmp.Compare(a.Code, b.Code) })
	slices.SortFunc(out.Innovations, func(a, b InnovationRow) int {
		return cmp.Or(cmp.Compare(a.RegionCode, b.RegionCode), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(out.Bimtek, func(a, b BimtekRow) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.ID, b.ID))
	})
	// Unique keys make the order total, so it cannot depend on input order.
	errs = append(errs, duplicates("region code", out.Regions, func(r RegionRow) string { return r.Code })...)
	errs = append(errs, duplicates("innovation ID", out.Innovations, func(r InnovationRow) string { return r.ID })...)
	errs = append(errs, duplicates("bimtek ID", out.Bimtek, func(r BimtekRow) string { return r.ID })...)
	if err := errors.Join(errs...); err != nil {
		return Tables{}, fmt.Errorf("export: %w", err)
	}
	return out, nil
}

// duplicates reports keys that occur more than once or are empty.
func duplicates[T any](what string, rows []T, key func(T) string) []error {
	var errs []error
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		k := key(r)
		switch {
		case k == "":
			errs = append(errs, fmt.Errorf("a row has an empty %s", what))
		case seen[k]:
			errs = append(errs, fmt.Errorf("%s %q occurs more than once", what, k))
		}
		seen[k] = true
	}
	return errs
}

// validDate reports whether s is a civil date YYYY-MM-DD (or empty, if allowed).
func validDate(s string, emptyOK bool) bool {
	if s == "" {
		return emptyOK
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == len(time.DateOnly)
}
