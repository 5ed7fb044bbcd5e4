package projections_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/sampledata"
)

// TestIndexKeepsAggregateVersions: the index answers each aggregate's
// version as the store has it, live, restored from a snapshot, and as of an
// earlier position, so reads never load an aggregate to set an ETag.
func TestIndexKeepsAggregateVersions(t *testing.T) {
	s := mustStack(t)
	ctx := context.Background()
	if _, err := sampledata.LoadDemo(ctx, s.svc, sampledata.DemoOptions{}); err != nil {
		t.Fatal(err)
	}
	v := caughtUp(t, s.store)
	head := v.Runner.Position()
	mid := head / 2

	// The store's versions, at the head and at mid.
	type ref struct {
		typ domain.AggregateType
		id  string
	}
	atHead, atMid := map[ref]uint64{}, map[ref]uint64{}
	if err := s.store.Read(ctx, 0, func(ev domain.RecordedEvent) error {
		r := ref{ev.AggregateType, ev.AggregateID}
		atHead[r] = ev.Version
		if ev.Position <= mid {
			atMid[r] = ev.Version
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	restored := index.New()
	data, err := v.Index.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := restored.Restore(data); err != nil {
		t.Fatal(err)
	}
	past, _, err := v.IndexAt(ctx, projections.AsOf{Position: mid})
	if err != nil {
		t.Fatal(err)
	}

	kinds := map[domain.AggregateType]int{}
	check := func(name string, ix *index.Index, want map[ref]uint64) {
		for r := range atHead {
			kinds[r.typ]++
			if got := versionOf(t, ix, r.typ, r.id); got != want[r] {
				t.Errorf("%s: %s/%s has version %d in the index, %d in the store", name, r.typ, r.id, got, want[r])
			}
		}
	}
	check("live", v.Index, atHead)
	check("restored", restored, atHead)
	check("as of the middle of the stream", past, atMid)
	for _, typ := range []domain.AggregateType{domain.AggregatePeriod, domain.AggregateRegion, domain.AggregateInnovation,
		domain.AggregateBimtek, domain.AggregateAssessment, domain.AggregateEvidence} {
		if kinds[typ] == 0 {
			t.Errorf("the demo has no %s aggregate; the test checks nothing for it", typ)
		}
	}
}

// versionOf is the version the index answers for an aggregate, 0 when the
// index does not know it (yet).
func versionOf(t *testing.T, ix *index.Index, typ domain.AggregateType, id string) uint64 {
	t.Helper()
	switch typ {
	case domain.AggregatePeriod:
		year, err := strconv.Atoi(id)
		if err != nil {
			t.Fatal(err)
		}
		p, err := ix.Period(year)
		if domain.IsCode(err, domain.CodeNotFound) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return p.Version
	case domain.AggregateRegion:
		return ix.RegionProfile(id).Version
	case domain.AggregateInnovation:
		d, err := ix.Innovation(id, time.Time{})
		if domain.IsCode(err, domain.CodeNotFound) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return d.Version
	case domain.AggregateEvidence:
		region, sha, ok := strings.Cut(id, "-")
		if !ok {
			t.Fatalf("evidence aggregate id %q", id)
		}
		return ix.EvidenceVersion(region, sha)
	case domain.AggregateBimtek:
		sess, err := ix.Session(id)
		if domain.IsCode(err, domain.CodeNotFound) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return sess.Version
	case domain.AggregateAssessment:
		y, region, _ := strings.Cut(id, "-") // "2025-64.03"
		year, err := strconv.Atoi(y)
		if err != nil {
			t.Fatalf("assessment id %q", id)
		}
		_, version := ix.Answers(year, region, time.Time{})
		return version
	}
	t.Fatalf("aggregate type %s", typ)
	return 0
}
