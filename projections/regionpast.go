package projections

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"golang.org/x/sync/errgroup"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/index"
)

// RegionIndexAt returns an index that answers one region's reads (its
// score and explanation, its profile) as they were at asOf, and the
// position it reflects. "Now", and any position the live index has
// reached, is the live index. A past position is an index of only the
// events the region's reads depend on (regionIndex), a few thousand where
// the whole past state replays up to two million at national scale; it is
// kept, shared between identical requests and bounded like the past states
// of IndexAt (PastConfig), and admit is asked before it is computed.
//
// Only that region's reads are right in it: rankings, other regions and
// national figures are not.
func (v *Views) RegionIndexAt(ctx context.Context, region string, asOf AsOf, admit Admit) (*index.Index, uint64, error) {
	pos := v.Position(asOf)
	if pos >= v.Runner.Position() {
		return v.Index, pos, nil
	}
	ix, err := v.past.get(ctx, pastKey{position: pos, region: region}, admit)
	if err != nil {
		return nil, 0, err
	}
	return ix, pos, nil
}

// regionLoads bounds the aggregates a region's past state loads at once.
const regionLoads = 8

// regionIndex replays, up to position, what a region's score depends on
// (index.scoreInput): the events of every aggregate that named the region
// (its profile, innovations, assessments, Bimtek sessions and evidence
// files, found in the audit projection) and of every period (years opened,
// phases, the results frozen at pleno, which decide what counts later).
// Each aggregate is read from its own subject, in commit order once merged.
func (v *Views) regionIndex(ctx context.Context, region string, position uint64) (*index.Index, error) {
	type ref struct {
		typ domain.AggregateType
		id  string
	}
	var refs []ref
	v.Audit.AggregatesOf(region, func(typ domain.AggregateType, id string) { refs = append(refs, ref{typ, id}) })
	for _, p := range v.Index.Years() {
		refs = append(refs, ref{domain.AggregatePeriod, strconv.Itoa(p.Year)})
	}
	loaded := make([][]domain.RecordedEvent, len(refs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(regionLoads)
	for i, r := range refs {
		g.Go(func() error {
			evs, err := v.store.Load(gctx, r.typ, r.id, 0)
			loaded[i] = evs
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var evs []domain.RecordedEvent
	for _, list := range loaded {
		for _, ev := range list {
			if ev.Position <= position {
				evs = append(evs, ev)
			}
		}
	}
	slices.SortFunc(evs, func(a, b domain.RecordedEvent) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.Index, b.Index))
	})
	ix := index.New()
	for _, ev := range evs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := ix.Apply(ev); err != nil {
			return nil, err
		}
	}
	return ix, nil
}
