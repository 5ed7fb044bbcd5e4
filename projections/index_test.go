package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/index"
)

// The scenario, checked by hand with the 2025 catalogue (score = bobot x
// parameter):
//
//	Lampung Barat (18.04), period closes 23 Aug 2025
//	SPD  1: p3 accepted       1   x 3 = 3
//	     8: p3 accepted       1.5 x 3 = 4.5
//	    12: p2 pending        0 (provisional 2 x 2 = 4)
//	    SPD = 7.5, provisional 11.5
//	Innovation A, implementation since 1 Jun 2024 (inside 24 months): counts
//	    16: p3 accepted       3 x 3 = 9
//	    33: p2 lowered to p1  3 x 1 = 3
//	    32: derived, proposal 10 Jan 2024 -> trial 1 Mar 2024, <= 4 months: 2 x 3 = 6
//	    20, 31: no Bimtek, no replication: 0
//	    A = 18; n = 1, divisor max(10, 1) = 10, indicator 36 = 0.38
//	SID = 18 / 10 + 0.38 = 2.18; total = 9.68; IID = 9.68 / 250 x 100 = 3.872 -> 3.87
//	provisional: 11.5 + 2.18 = 13.68 -> 5.472 -> 5.47
//
//	Lampung Selatan (18.01): SPD 1: p1 accepted = 1; no innovations
//	total = 1 -> IID 0.40
func TestIndexScenario(t *testing.T) {
	s := mustStack(t)
	scenario(t, s)
	v := caughtUp(t, s.store)

	t.Run("scores a region as computed by hand", func(t *testing.T) {
		rs, err := v.Index.Score(2025, "18.04")
		if err != nil {
			t.Fatal(err)
		}
		got := rs.Result.Verified
		if got.SPD.String() != "7.5" || got.IID.String() != "3.87" || got.Predicate != "Kurang Inovatif" || got.Counted != 1 {
			t.Fatalf("verified = SPD %s IID %s %s n=%d, want SPD 7.5 IID 3.87 Kurang Inovatif n=1", got.SPD, got.IID, got.Predicate, got.Counted)
		}
		if p := rs.Result.Provisional; p.SPD.String() != "11.5" || p.IID.String() != "5.47" {
			t.Fatalf("provisional = SPD %s IID %s, want 11.5 and 5.47", p.SPD, p.IID)
		}
		if len(rs.Result.Innovations) != 1 || rs.Result.Innovations[0].Points.String() != "18" {
			t.Fatalf("innovations = %+v, want one with 18 points", rs.Result.Innovations)
		}
	})

	t.Run("names the events behind every point", func(t *testing.T) {
		rs, err := v.Index.Score(2025, "18.04")
		if err != nil {
			t.Fatal(err)
		}
		for _, ind := range rs.Result.SPD {
			if ind.Points > 0 && len(ind.EventIDs) < 2 {
				t.Errorf("SPD %s has %s points but events %v (want submission and verification)", ind.Code, ind.Points, ind.EventIDs)
			}
		}
		for _, ind := range rs.Result.Innovations[0].Indicators {
			if ind.Points > 0 && len(ind.EventIDs) == 0 {
				t.Errorf("SID %s has %s points and no events", ind.Code, ind.Points)
			}
		}
	})

	t.Run("ranks regions nationally and per cluster", func(t *testing.T) {
		for _, c := range []domain.Cluster{index.ClusterNational, domain.ClusterKabupaten} {
			r, err := v.Index.Rankings(2025, c)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Rows) != 2 || r.Rows[0].Region.Code != "18.04" || r.Rows[1].Region.Code != "18.01" ||
				r.Rows[1].IID.String() != "0.40" || r.Rows[0].Rank != 1 || r.Rows[1].Rank != 2 {
				t.Fatalf("%s ranking = %+v", c, r.Rows)
			}
		}
		r, err := v.Index.Rankings(2025, domain.ClusterKota)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Rows) != 0 {
			t.Fatalf("kota ranking has %d rows, want 0", len(r.Rows))
		}
	})

	t.Run("counts the funnel and the verification queue", func(t *testing.T) {
		st := v.Index.Stats("18.04", 2025)
		if st.Stages[domain.StageImplementation] != 1 || st.Queue[domain.AnswerPending] != 1 ||
			st.Queue[domain.AnswerAccepted] != 3 || st.Queue[domain.AnswerLowered] != 1 {
			t.Fatalf("stats = %+v", st)
		}
		q := v.Index.Queue(index.QueueFilter{Year: 2025}, s.now)
		if len(q) != 1 || q[0].Indicator != "12" {
			t.Fatalf("queue = %+v, want the pending answer to 12", q)
		}
	})
}

func TestRebuildMatchesLive(t *testing.T) {
	s := mustStack(t)
	live := projections.NewViews(s.store)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- live.Runner.Run(ctx) }()
	defer func() { cancel(); <-done }()

	pos := scenario(t, s) // appended while the live projections follow
	head, err := s.store.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := live.Runner.WaitFor(context.Background(), head, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	rebuilt := caughtUp(t, s.store)
	if a, b := hash(t, live.Index), hash(t, rebuilt.Index); a != b {
		t.Fatalf("live index hash %s != rebuilt %s", a, b)
	}
	if a, b := hash(t, live.Audit), hash(t, rebuilt.Audit); a != b {
		t.Fatalf("live audit hash %s != rebuilt %s", a, b)
	}
	if len(pos) == 0 {
		t.Fatal("scenario wrote nothing")
	}
}

func TestAsOf(t *testing.T) {
	s := mustStack(t)
	pos := scenario(t, s)
	v := caughtUp(t, s.store)
	ctx := context.Background()

	t.Run("a position gives the state replayed to that point", func(t *testing.T) {
		at := pos["answer 18.04 12"]
		past, got, err := v.IndexAt(ctx, projections.AsOf{Position: at})
		if err != nil || got != at {
			t.Fatalf("IndexAt = %d, %v", got, err)
		}
		replayed := index.New()
		if err := projections.Replay(ctx, s.store, at, replayed); err != nil {
			t.Fatal(err)
		}
		if a, b := hash(t, past), hash(t, replayed); a != b {
			t.Fatalf("as-of hash %s != replayed %s", a, b)
		}
		rs, err := past.Score(2025, "18.04")
		if err != nil {
			t.Fatal(err)
		}
		// Before verification only the derived indicator 32 (6 points) and
		// indicator 36 count: (6 / 10 + 0.38) / 250 x 100 = 0.392 -> 0.39.
		if rs.Result.Verified.IID.String() != "0.39" || rs.Result.Provisional.SPD.String() != "11.5" {
			t.Fatalf("before verification: verified %s, provisional SPD %s; want 0.39 and 11.5",
				rs.Result.Verified.IID, rs.Result.Provisional.SPD)
		}
	})

	t.Run("an instant gives the state of the commits that occurred by then", func(t *testing.T) {
		past, got, err := v.IndexAt(ctx, projections.AsOf{Time: day("2025-08-31")})
		if err != nil {
			t.Fatal(err)
		}
		if got != pos["answer 18.01 1"] {
			t.Fatalf("31 Aug 2025 resolves to position %d, want %d (the last answer before pengukuran)", got, pos["answer 18.01 1"])
		}
		if n := len(past.Queue(index.QueueFilter{}, time.Time{})); n != 6 {
			t.Fatalf("pending answers on 31 Aug = %d, want 6", n)
		}
	})

	t.Run("now is the live state", func(t *testing.T) {
		ix, _, err := v.IndexAt(ctx, projections.AsOf{})
		if err != nil || ix != v.Index {
			t.Fatalf("IndexAt(now) did not return the live index (%v)", err)
		}
	})
}
