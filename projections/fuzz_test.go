package projections_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
	"github.com/jejak-id/jejak/projections"
)

// memBlobs is a BlobStore in memory.
type memBlobs struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (b *memBlobs) Put(_ context.Context, name string, data []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[name] = append([]byte(nil), data...)
	return nil
}

func (b *memBlobs) Names(_ context.Context, prefix string) ([]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var names []string
	for n := range b.m {
		if strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	return names, nil
}

func (b *memBlobs) Delete(_ context.Context, name string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.m, name)
	return nil
}

func (b *memBlobs) Get(_ context.Context, name string) ([]byte, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.m[name]
	return d, ok, nil
}

// checkpointSeeds are real checkpoints: of empty projections and of
// projections that applied a few events.
func checkpointSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	ctx := context.Background()
	var seeds [][]byte
	for _, events := range [][]domain.Event{nil, {
		domain.PeriodOpened{Year: 2025, CatalogueVersion: "iid-2025.1", Schedule: testsupport.Schedule2025()},
		domain.InnovationProposed{InnovationID: "inn-1", Region: "18.04", Name: "SI-IDA", Unit: "Brida", Initiator: domain.InitiatorOPD,
			Form: domain.FormTataKelola, Affair: domain.AffairPenunjang, Problem: "p", Solution: "s", Benefit: "b", ProposedOn: testsupport.Day("2025-01-02")},
		domain.BimtekScheduled{SessionID: "s-1", Region: "18.04", Title: "Bimtek", Kind: domain.SessionBimtek, Date: testsupport.Day("2025-08-06"),
			Venue: "Aula", Organiser: "Brida", Mode: domain.ModeLuring, Speakers: []string{"A"}},
	}} {
		v := projections.NewViews(nil)
		for i, e := range events {
			ev := domain.RecordedEvent{ID: uuid.Must(uuid.NewV7()), Type: e.EventType(), SchemaVersion: domain.EventSchemaVersion,
				AggregateType: "period", AggregateID: "x", Version: 1, Position: uint64(i + 1), CommitSize: 1,
				OccurredAt: time.Date(2025, 1, 2+i, 0, 0, 0, 0, time.UTC), Actor: domain.System, Data: e}
			for _, p := range []interface {
				Apply(domain.RecordedEvent) error
			}{v.Index, v.Audit, v.Timeline} {
				if err := p.Apply(ev); err != nil {
					tb.Fatal(err)
				}
			}
		}
		blobs := &memBlobs{m: map[string][]byte{}}
		if _, err := v.SaveCheckpoint(ctx, blobs, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			tb.Fatal(err)
		}
		for _, d := range blobs.m {
			seeds = append(seeds, d)
		}
	}
	return seeds
}

// FuzzCheckpoint restores projections from any bytes stored as the
// checkpoint: it restores or refuses, never panics.
func FuzzCheckpoint(f *testing.F) {
	for _, s := range checkpointSeeds(f) {
		f.Add(s)
		f.Add(s[:len(s)-1])
	}
	f.Add([]byte(`{"Position":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := projections.NewViews(nil)
		pos, err := v.RestoreCheckpoint(context.Background(), &memBlobs{m: map[string][]byte{"projections-checkpoint": data}})
		if err != nil {
			return
		}
		if v.Runner.Position() != pos {
			t.Fatalf("restored position %d, runner at %d", pos, v.Runner.Position())
		}
		// what was restored answers reads
		_ = v.Index.Years()
		_ = v.Timeline.PositionAt(time.Now())
	})
}

// FuzzParseAsOf: as_of is a position, or an instant time travel can
// resolve; anything else is an error.
func FuzzParseAsOf(f *testing.F) {
	for _, s := range []string{"", "0", "1", "18446744073709551615", "18446744073709551616", "2025-08-06", "2025-08-06T00:00:00+07:00",
		"2262-04-11", "2262-04-12", "3000-01-01", "0000-01-01", "1677-09-21T00:12:44Z", "kemarin", "2025-13-01"} {
		f.Add(s)
	}
	tl := &projections.Timeline{}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := projections.ParseAsOf(s)
		if err != nil {
			if !a.IsZero() {
				t.Fatalf("%q: error %v with %v", s, err, a)
			}
			return
		}
		switch {
		case a.Position > 0:
		case a.Time.Before(projections.MinAsOf) || a.Time.After(projections.MaxAsOf):
			t.Fatalf("%q: %v is outside the range", s, a.Time)
		default:
			if time.Unix(0, a.Time.UnixNano()).Equal(a.Time) == false {
				t.Fatalf("%q: %v does not survive UnixNano", s, a.Time)
			}
			_ = tl.PositionAt(a.Time)
		}
	})
}
