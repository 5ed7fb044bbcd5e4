package sampledata_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
	"github.com/jejak-id/jejak/personal"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/sampledata"
)

// MustStore starts an embedded server with file storage in a temp dir and
// opens a store on it; both stop with the test.
func MustStore(tb testing.TB) domain.EventStore {
	tb.Helper()
	return testsupport.MustStorage(tb).Store
}

// MustViews catches the projections up with the store.
func MustViews(tb testing.TB, store domain.EventStore) *projections.Views {
	tb.Helper()
	v := projections.NewViews(store)
	if err := v.Runner.CatchUp(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return v
}

func TestLoadDemo(t *testing.T) {
	ctx := context.Background()
	store := MustStore(t)
	svc := domain.NewService(store, nil)
	sum, err := sampledata.LoadDemo(ctx, svc, sampledata.DemoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo: %+v", sum)
	views := MustViews(t, store)

	t.Run("gives the seed regions their published results", func(t *testing.T) {
		for _, c := range []struct {
			year      int
			region    string
			iid       string // "" when only the predicate is fixed
			predicate string
		}{
			{2023, sampledata.Berau, "39.75", "Inovatif"},
			{2024, sampledata.Berau, "32.37", "Kurang Inovatif"},
			{2023, sampledata.LampungBarat, "", "Sangat Inovatif"},
			{2024, sampledata.LampungBarat, "", "Sangat Inovatif"},
			{2023, sampledata.LampungSelatan, "", "Sangat Inovatif"},
			{2024, sampledata.LampungSelatan, "", "Sangat Inovatif"},
			{2025, sampledata.LampungSelatan, "", "Sangat Inovatif"},
			{2021, sampledata.Lumajang, "", "Inovatif"},
		} {
			s, err := views.Index.Score(c.year, c.region)
			if err != nil {
				t.Fatal(err)
			}
			got := s.Result.Verified
			t.Logf("%d %s: IID %s %s (n %d, SPD %s, SID sum %s)", c.year, c.region, got.IID, got.Predicate, got.Counted, got.SPD, got.SIDSum)
			if c.iid != "" && got.IID.String() != c.iid || got.Predicate != c.predicate {
				t.Errorf("%d %s: IID %s %s, want %s %s", c.year, c.region, got.IID, got.Predicate, c.iid, c.predicate)
			}
			if s.Frozen == nil || s.Frozen.IID != got.IID {
				t.Errorf("%d %s: the published result differs from the live one", c.year, c.region)
			}
		}
	})

	t.Run("is in the stream in the order it happened", func(t *testing.T) {
		// so that "as of a date" holds exactly the facts dated up to then
		var last domain.RecordedEvent
		err := store.Read(ctx, 0, func(ev domain.RecordedEvent) error {
			if ev.OccurredAt.Before(last.OccurredAt) {
				return fmt.Errorf("event %d (%s, %s) occurred before event %d (%s)", ev.Position, ev.Type, ev.OccurredAt, last.Position, last.OccurredAt)
			}
			last = ev
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("leaves answers of the open year pending, each citing a sample PDF", func(t *testing.T) {
		docs, err := sampledata.DemoDocuments()
		if err != nil {
			t.Fatal(err)
		}
		samples := map[string]sampledata.Document{}
		for _, d := range docs {
			samples[d.SHA256] = d
		}
		q := views.Index.QueuePage(index.QueueFilter{Status: domain.AnswerPending}, index.QueueCursor{}, 0, 1000, time.Now())
		if q.Total == 0 {
			t.Fatal("the demo's verification queue is empty")
		}
		regions := map[string]bool{}
		for _, a := range q.Items {
			regions[a.Region] = true
			if a.Year != 2026 {
				t.Errorf("a pending answer of %d (%s, indicator %s): only the open year has any", a.Year, a.Region, a.Indicator)
			}
			if len(a.Evidence.Files) != 1 {
				t.Errorf("%s indicator %s cites %d files, want 1", a.Region, a.Indicator, len(a.Evidence.Files))
				continue
			}
			f := a.Evidence.Files[0]
			d, ok := samples[f.SHA256]
			if !ok || f.MediaType != domain.MediaPDF || f.Pages != d.Pages || f.Name != d.Name || f.Size != int64(len(d.Data)) {
				t.Errorf("%s indicator %s cites %+v, not a sample document of the demo", a.Region, a.Indicator, f)
			}
			if !bytes.Contains(d.Data, []byte("CONTOH")) || !strings.Contains(d.Name, "2026") {
				t.Errorf("%s: the cited sample %s is not labelled contoh for 2026", a.Region, d.Name)
			}
		}
		if len(regions) < 3 {
			t.Errorf("pending answers of %d regions, want 3", len(regions))
		}
		t.Logf("%d pending answers of %d regions", q.Total, len(regions))
	})

	t.Run("ranks many regions", func(t *testing.T) {
		rk, err := views.Index.Rankings(2024, domain.ClusterKabupaten)
		if err != nil {
			t.Fatal(err)
		}
		if len(rk.Rows) < 8 {
			t.Errorf("2024 kabupaten ranking has %d rows, want at least 8", len(rk.Rows))
		}
	})

	t.Run("appends nothing when loaded again", func(t *testing.T) {
		head, err := store.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		again, err := sampledata.LoadDemo(ctx, svc, sampledata.DemoOptions{})
		if err != nil {
			t.Fatal(err)
		}
		after, err := store.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after != head || again.Commits != 0 {
			t.Errorf("second load moved the head from %d to %d with %d commits", head, after, again.Commits)
		}
	})
}

func TestGenerate(t *testing.T) {
	ctx := context.Background()
	// The attendees' subjects and ciphertexts come from the vault: one vault
	// with derived nonces seals both runs alike.
	people, err := personal.NewVault(personal.NewMemoryKeys(), personal.NewMasterKey(), personal.Options{SyntheticNonces: true})
	if err != nil {
		t.Fatal(err)
	}
	opts := sampledata.GenerateOptions{Seed: 7, Scale: 0.005, People: people}
	run := func() (sampledata.Summary, string, domain.EventStore) {
		store := MustStore(t)
		sum, err := sampledata.Generate(ctx, store, opts)
		if err != nil {
			t.Fatal(err)
		}
		return sum, sampledata.OrderFreeStateHash(t, MustViews(t, store).Index), store
	}
	first, h1, store := run()
	t.Logf("generated: %+v", first)

	t.Run("is deterministic for a seed", func(t *testing.T) {
		second, h2, _ := run()
		if first != second {
			t.Errorf("summaries differ: %+v and %+v", first, second)
		}
		if h1 != h2 {
			t.Errorf("projection states differ: %s and %s", h1, h2)
		}
	})

	t.Run("refuses a non-empty store", func(t *testing.T) {
		if _, err := sampledata.Generate(ctx, store, opts); err == nil {
			t.Error("generated into a non-empty store")
		}
	})
}
