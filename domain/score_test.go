package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
)

func ans(code string, claimed int, status domain.AnswerStatus, verified int) domain.AnswerInput {
	return domain.AnswerInput{Indicator: code, Claimed: claimed, Status: status, Verified: verified, EventIDs: []uuid.UUID{uuid.New()}}
}

func accepted(code string, p int) domain.AnswerInput { return ans(code, p, domain.AnswerAccepted, p) }

func fact(ref string, on time.Time) domain.DatedFact {
	return domain.DatedFact{Ref: ref, Date: on, EventIDs: []uuid.UUID{uuid.New()}}
}

// workedExample is Kabupaten Contoh 2025 of docs/DOMAIN.md §6.
func workedExample() domain.ScoreInput {
	spd := []domain.AnswerInput{
		accepted("1", 3), accepted("2a", 3), accepted("2b", 2), accepted("3", 2), accepted("4", 1),
		accepted("5a", 2), accepted("5b", 2), ans("6", 3, domain.AnswerLowered, 2), accepted("7", 1),
		accepted("8", 3), accepted("9", 2), accepted("11a", 2), accepted("11b", 3),
		ans("12", 1, domain.AnswerPending, 0), accepted("13a", 1), ans("14", 3, domain.AnswerRejected, 0),
	}
	var aAnswers []domain.AnswerInput
	for _, i := range domain.MustCatalogueForTest().IndicatorsOf(domain.AspectSID) {
		if !i.IsDerived() {
			aAnswers = append(aAnswers, accepted(i.Code, 2))
		}
	}
	impl := func(id string, stage domain.Stage, proposed, trial, implemented time.Time) domain.InnovationInput {
		return domain.InnovationInput{ID: id, Name: "Inovasi " + id, Unit: "Dinas " + id, Affair: domain.AffairKesehatan, Stage: stage,
			ProposedOn: proposed, TrialStartedOn: trial, ImplementationStartedOn: implemented,
			ProposedEventID: uuid.New(), TrialEventID: uuid.New()}
	}
	a := impl("A", domain.StageReplication, testsupport.Day("2023-09-01"), testsupport.Day("2023-12-01"), testsupport.Day("2024-03-01"))
	a.Answers = aAnswers
	a.BimtekSessions = []domain.DatedFact{fact("s1", testsupport.Day("2024-05-01")), fact("s2", testsupport.Day("2025-07-01")), fact("s2", testsupport.Day("2025-07-01")), fact("old", testsupport.Day("2022-01-01"))}
	a.Replications = []domain.DatedFact{fact("18.01", testsupport.Day("2025-01-10"))}
	b := impl("B", domain.StageImplementation, testsupport.Day("2024-01-15"), testsupport.Day("2024-11-20"), testsupport.Day("2025-01-05"))
	b.Affair = domain.AffairPendidikan
	b.Answers = []domain.AnswerInput{accepted("16", 3), accepted("17", 3), accepted("33", 3), accepted("35", 3), ans("18", 1, domain.AnswerPending, 0)}
	c := impl("C", domain.StageImplementation, testsupport.Day("2021-01-01"), testsupport.Day("2021-06-01"), testsupport.Day("2022-01-10"))
	c.Answers = aAnswers
	d := impl("D", domain.StageTrial, testsupport.Day("2024-01-01"), testsupport.Day("2024-03-01"), time.Time{})
	e := impl("E", domain.StageImplementation, testsupport.Day("2024-01-01"), testsupport.Day("2024-03-01"), testsupport.Day("2024-06-01"))
	e.RejectedForYear, e.RejectionReason = true, "evidence does not show an innovation"
	return domain.ScoreInput{Region: "18.04", Year: 2025, ClosesAt: testsupport.Day("2025-08-23"), SPD: spd,
		Innovations: []domain.InnovationInput{a, b, c, d, e}}
}

func TestScore(t *testing.T) {
	c := MustCatalogue(t, 2025)
	t.Run("reproduces the worked example of docs/DOMAIN.md", func(t *testing.T) {
		r, err := domain.Score(c, workedExample())
		if err != nil {
			t.Fatal(err)
		}
		v, p := r.Verified, r.Provisional
		checks := []struct{ name, got, want string }{
			{"SPD", v.SPD.String(), "29.75"},
			{"provisional SPD", p.SPD.String(), "31.75"},
			{"A", r.Innovations[0].Points.String(), "73"},
			{"B", r.Innovations[1].Points.String(), "38"},
			{"provisional B", r.Innovations[1].ProvisionalPoints.String(), "40"},
			{"indicator 36", v.Indicator36.String(), "0.76"},
			{"SID", v.SID.FloatString(2), "11.86"},
			{"total", v.Total.FloatString(2), "41.61"},
			{"IID", v.IID.String(), "16.64"},
			{"predicate", v.Predicate, "Kurang Inovatif"},
			{"provisional IID", p.IID.String(), "17.52"},
		}
		for _, ch := range checks {
			if ch.got != ch.want {
				t.Errorf("%s = %s, want %s", ch.name, ch.got, ch.want)
			}
		}
		if v.Counted != 2 || v.Divisor != 10 {
			t.Errorf("n = %d, divisor %d", v.Counted, v.Divisor)
		}
		for i, want := range []bool{true, true, false, false, false} {
			if s := r.Innovations[i]; s.Counted != want || s.Reason == "" {
				t.Errorf("%s counted %v (%s)", s.ID, s.Counted, s.Reason)
			}
		}
	})
	t.Run("names the events behind derived indicators", func(t *testing.T) {
		r, _ := domain.Score(c, workedExample())
		for _, is := range r.Innovations[0].Indicators {
			switch is.Code {
			case "20":
				if is.Parameter != 2 || len(is.EventIDs) != 3 {
					t.Errorf("20: parameter %d, %d events", is.Parameter, len(is.EventIDs))
				}
			case "31", "32":
				if len(is.EventIDs) == 0 {
					t.Errorf("%s: no events", is.Code)
				}
			}
		}
	})
	t.Run("warns about mandatory indicators without points", func(t *testing.T) {
		r, _ := domain.Score(c, workedExample())
		got := map[string]bool{}
		for _, w := range r.Warnings {
			got[w.InnovationID+"/"+w.Indicator] = true
		}
		for _, want := range []string{"/12", "/14"} {
			if !got[want] {
				t.Errorf("no warning %s in %v", want, r.Warnings)
			}
		}
		if got["/1"] || got["A/16"] {
			t.Errorf("warned about answered indicators: %v", r.Warnings)
		}
	})
	t.Run("shows basic-service coverage of counted innovations", func(t *testing.T) {
		r, _ := domain.Score(c, workedExample())
		covered := map[domain.Affair]bool{}
		for _, b := range r.BasicServices {
			covered[b.Affair] = b.Covered
		}
		if len(r.BasicServices) != 6 || !covered[domain.AffairKesehatan] || !covered[domain.AffairPendidikan] || covered[domain.AffairSosial] {
			t.Fatalf("got %+v", r.BasicServices)
		}
	})
	t.Run("does not count an innovation already counted in two earlier years", func(t *testing.T) {
		in := workedExample()
		in.Innovations[0].CountedYears = []int{2023, 2024}
		r, _ := domain.Score(c, in)
		if r.Innovations[0].Counted || r.Verified.Counted != 1 {
			t.Fatalf("counted: %+v", r.Innovations[0].Reason)
		}
	})
	t.Run("rejects hand answers to derived indicators and bad options, listing all", func(t *testing.T) {
		in := workedExample()
		in.Innovations[0].Answers = append(in.Innovations[0].Answers, accepted("20", 3))
		in.SPD = append(in.SPD, accepted("99", 1), ans("15", 4, domain.AnswerPending, 0))
		_, err := domain.Score(c, in)
		if e, ok := err.(*domain.Error); !ok || len(e.Problems) != 3 {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("gives Tidak Dapat Dinilai to a region without anything", func(t *testing.T) {
		r, err := domain.Score(c, domain.ScoreInput{Region: "18.04", Year: 2025, ClosesAt: testsupport.Day("2025-08-23")})
		if err != nil || r.Verified.IID != 0 || r.Verified.Predicate != "Tidak Dapat Dinilai" {
			t.Fatalf("got %+v %v", r.Verified, err)
		}
	})
	t.Run("reaches Berau's totals 99.375 (IID 39.75) and 80.925 (IID 32.37)", func(t *testing.T) {
		for _, tc := range []struct {
			year   int
			spd    []domain.AnswerInput
			sum    int // SID points over 40 counted innovations
			iid    string
			pred   string
			closes time.Time
		}{
			{2023, berauSPD(45), 1567, "39.75", "Inovatif", testsupport.Day("2023-07-28")},
			{2024, berauSPD(30), 1429, "32.37", "Kurang Inovatif", testsupport.Day("2024-08-18")},
		} {
			in := domain.ScoreInput{Region: "64.03", Year: tc.year, ClosesAt: tc.closes, SPD: tc.spd}
			in.Innovations = innovationsSumming(tc.sum, 40, tc.closes)
			r, err := domain.Score(MustCatalogue(t, tc.year), in)
			if err != nil {
				t.Fatal(err)
			}
			if r.Verified.IID.String() != tc.iid || r.Verified.Predicate != tc.pred {
				t.Errorf("%d: IID %s %s, total %s", tc.year, r.Verified.IID, r.Verified.Predicate, r.Verified.Total.FloatString(3))
			}
		}
	})
}

// berauSPD answers SPD indicators with bobot 1 at p3 until spd points.
func berauSPD(points int) []domain.AnswerInput {
	var out []domain.AnswerInput
	left := domain.Milli(points * 1000)
	for _, i := range domain.MustCatalogueForTest().IndicatorsOf(domain.AspectSPD) {
		for p := 3; p >= 1; p-- {
			if i.Bobot*domain.Milli(p) <= left {
				out = append(out, accepted(i.Code, p))
				left -= i.Bobot * domain.Milli(p)
				break
			}
		}
	}
	return out
}

// innovationsSumming makes n counted innovations whose accepted answers sum
// to sum points (greedy over answered indicators).
func innovationsSumming(sum, n int, closes time.Time) []domain.InnovationInput {
	var out []domain.InnovationInput
	left := domain.Milli(sum * 1000)
	sid := domain.MustCatalogueForTest().IndicatorsOf(domain.AspectSID)
	for k := range n {
		in := domain.InnovationInput{ID: uuid.NewString(), Unit: "Dinas", Affair: domain.AffairSosial, Stage: domain.StageImplementation,
			ProposedOn: closes.AddDate(-1, 0, 0), ImplementationStartedOn: closes.AddDate(0, -3, 0)}
		share := left / domain.Milli(n-k)
		share -= share % 1000
		if k == n-1 {
			share = left
		}
		for _, i := range sid {
			if i.IsDerived() {
				continue
			}
			for p := 3; p >= 1; p-- {
				if i.Bobot*domain.Milli(p) <= share {
					in.Answers = append(in.Answers, accepted(i.Code, p))
					share -= i.Bobot * domain.Milli(p)
					left -= i.Bobot * domain.Milli(p)
					break
				}
			}
		}
		out = append(out, in)
	}
	return out
}
