package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/index"
)

// Reads ask the domain's one access rule (domain.Authorize) what the caller
// may read; these helpers only find the facts it needs: who asks, about
// which region, and whether the year was published as of the read.

// authorize applies domain.Authorize to the caller of r.
func authorize(r *http.Request, act domain.Action, region string) error {
	return domain.Authorize(actorFrom(r.Context()), act, region)
}

// readScope is the region a list or count covers for the caller of r
// (domain.ReadScope): an operator who names no region reads its own.
func readScope(r *http.Request, region string) (string, error) {
	return domain.ReadScope(actorFrom(r.Context()), region)
}

// authorizeResults lets the caller read the results of year in ix: a
// region's (region = its code) or every region's (""). Published results
// are everyone's; before publication the rule is ActionReadUnpublished.
func authorizeResults(r *http.Request, ix *index.Index, year int, region string) error {
	if err := authorize(r, domain.ResultsAction(published(ix, year)), region); err != nil {
		return explain(err, "the results of %d are not published yet", year)
	}
	return nil
}

// published reports whether year is published in ix.
func published(ix *index.Index, year int) bool {
	for _, p := range ix.Years() {
		if p.Year == year {
			return p.Phase == domain.PhasePublished
		}
	}
	return false
}

// explain puts what was asked in front of a refusal, keeping its code.
func explain(err error, format string, args ...any) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	return &domain.Error{Code: de.Code, Message: fmt.Sprintf(format, args...) + ": " + de.Message, Problems: de.Problems}
}
