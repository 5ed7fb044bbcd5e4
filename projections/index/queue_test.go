package index

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// queueWorld applies n random submissions and verifications, with many
// answers submitted at the same instant, to an index.
func queueWorld(t *testing.T, x *Index, rng *rand.Rand, n int, pos *uint64) {
	t.Helper()
	regions := []string{"18.04", "18.01", "64.03"}
	inns := map[string]string{"inn-a": "18.04", "inn-b": "64.03", "inn-c": "18.01"}
	apply := func(at time.Time, data domain.Event) {
		*pos++
		ev := domain.RecordedEvent{ID: uuid.New(), Position: *pos, OccurredAt: at, Data: data}
		if err := x.Apply(ev); err != nil {
			t.Fatal(err)
		}
	}
	if *pos == 0 {
		for id, region := range inns {
			apply(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), domain.InnovationProposed{InnovationID: id, Region: region, Name: id})
		}
	}
	base := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for range n {
		year := 2024 + rng.IntN(2)
		region := regions[rng.IntN(len(regions))]
		inn := ""
		if rng.IntN(2) == 0 {
			for id, r := range inns {
				if r == region {
					inn = id
				}
			}
		}
		ind := strconv.Itoa(1 + rng.IntN(20))
		at := base.Add(time.Duration(rng.IntN(40)) * time.Hour)
		if a := x.state.Assessments[domain.AssessmentID(year, region)]; a != nil && rng.IntN(3) == 0 {
			if ans := a.Answers[answerKey(inn, ind)]; ans != nil {
				d := []domain.Decision{domain.DecisionAccept, domain.DecisionLower, domain.DecisionReject}[rng.IntN(3)]
				apply(at, domain.AnswerVerified{Year: year, Region: region, Indicator: ind, InnovationID: inn, Decision: d, VerifiedBy: "v"})
				continue
			}
		}
		apply(at, domain.AnswerSubmitted{Year: year, Region: region, Indicator: ind, InnovationID: inn, Option: 1, SubmittedBy: "op"})
	}
}

// bruteQueue is what the queue must answer: a scan of the whole state.
func bruteQueue(x *Index, f QueueFilter) []string {
	if f.Status == "" {
		f.Status = domain.AnswerPending
	}
	type row struct {
		at      time.Time
		id, key string
	}
	var rows []row
	for id, a := range x.state.Assessments {
		if (f.Year != 0 && a.Year != f.Year) || (f.Region != "" && a.Region != f.Region) {
			continue
		}
		for key, ans := range a.Answers {
			if ans.Status != f.Status || (f.Indicator != "" && ans.Indicator != f.Indicator) ||
				(f.Innovation != "" && ans.InnovationID != f.Innovation) ||
				(!f.SubmittedBefore.IsZero() && !ans.SubmittedAt.Before(f.SubmittedBefore)) {
				continue
			}
			rows = append(rows, row{ans.SubmittedAt, id, key})
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(a.at.Compare(b.at), strings.Compare(a.id, b.id), strings.Compare(a.key, b.key))
	})
	out := []string{}
	for _, r := range rows {
		out = append(out, r.id+"|"+r.key)
	}
	return out
}

func pageAll(t *testing.T, x *Index, f QueueFilter, limit int) ([]string, int) {
	t.Helper()
	var out []string
	var after QueueCursor
	total := -1
	for range 10_000 {
		p := x.QueuePage(f, after, 0, limit, time.Time{})
		if total == -1 {
			total = p.Total
		}
		for _, it := range p.Items {
			out = append(out, domain.AssessmentID(it.Year, it.Region)+"|"+answerKey(it.InnovationID, it.Indicator))
		}
		if p.Next.IsZero() {
			return out, total
		}
		back, err := ParseQueueCursor(p.Next.String())
		if err != nil || back != p.Next {
			t.Fatalf("cursor %q reads back as %+v, %v; want %+v", p.Next.String(), back, err, p.Next)
		}
		after = back
	}
	t.Fatal("paging did not end")
	return nil, 0
}

func TestQueuePagesEqualAScanOfTheState(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 4))
	x := New()
	var pos uint64
	queueWorld(t, x, rng, 600, &pos)
	filters := map[string]QueueFilter{
		"every pending answer":        {},
		"accepted":                    {Status: domain.AnswerAccepted},
		"rejected in 2025":            {Status: domain.AnswerRejected, Year: 2025},
		"one region":                  {Region: "18.04"},
		"one region and year":         {Region: "64.03", Year: 2024},
		"one indicator":               {Indicator: "3"},
		"one innovation":              {Innovation: "inn-b"},
		"an innovation of another":    {Innovation: "inn-b", Region: "18.04"},
		"an unknown innovation":       {Innovation: "nope"},
		"submitted before an instant": {SubmittedBefore: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)},
		"indicator, before, year":     {Indicator: "2", Year: 2025, SubmittedBefore: time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)},
		"lowered in a region":         {Status: domain.AnswerLowered, Region: "18.01"},
	}
	for name, f := range filters {
		t.Run(name, func(t *testing.T) {
			want := bruteQueue(x, f)
			for _, limit := range []int{1, 7, 1000} {
				got, total := pageAll(t, x, f, limit)
				if !slices.Equal(got, want) {
					t.Fatalf("limit %d: pages give\n%v\nwant\n%v", limit, got, want)
				}
				if total != len(want) {
					t.Fatalf("limit %d: total %d, want %d", limit, total, len(want))
				}
			}
			if len(want) > 3 {
				p := x.QueuePage(f, QueueCursor{}, 3, 2, time.Time{})
				if len(p.Items) != 2 || domain.AssessmentID(p.Items[0].Year, p.Items[0].Region)+"|"+answerKey(p.Items[0].InnovationID, p.Items[0].Indicator) != want[3] {
					t.Fatalf("offset 3 starts at %+v, want %s", p.Items, want[3])
				}
			}
		})
	}

	t.Run("a restored index answers the same pages", func(t *testing.T) {
		data, err := x.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		y := New()
		if err := y.Restore(data); err != nil {
			t.Fatal(err)
		}
		for name, f := range filters {
			a, _ := pageAll(t, x, f, 5)
			b, _ := pageAll(t, y, f, 5)
			if !slices.Equal(a, b) {
				t.Fatalf("%s: restored %v, live %v", name, b, a)
			}
		}
	})

	t.Run("paging while answers arrive neither skips nor repeats what was there", func(t *testing.T) {
		f := QueueFilter{Status: domain.AnswerAccepted}
		type mark struct {
			ans    *answerState
			events int
		}
		before := map[string]mark{}
		for _, k := range bruteQueue(x, f) {
			id, key, _ := strings.Cut(k, "|")
			ans := x.state.Assessments[id].Answers[key]
			before[k] = mark{ans, len(ans.EventIDs)}
		}
		seen := map[string]int{}
		var after QueueCursor
		for {
			p := x.QueuePage(f, after, 0, 4, time.Time{})
			for _, it := range p.Items {
				seen[domain.AssessmentID(it.Year, it.Region)+"|"+answerKey(it.InnovationID, it.Indicator)]++
			}
			queueWorld(t, x, rng, 5, &pos)
			if p.Next.IsZero() {
				break
			}
			after = p.Next
		}
		stable := 0
		for k, m := range before {
			id, key, _ := strings.Cut(k, "|")
			if x.state.Assessments[id].Answers[key] != m.ans || len(m.ans.EventIDs) != m.events {
				continue // resubmitted or verified again while paging
			}
			stable++
			if seen[k] != 1 {
				t.Fatalf("%s, accepted and untouched throughout, was listed %d times", k, seen[k])
			}
		}
		if stable == 0 {
			t.Fatal("no answer stayed untouched: the test proves nothing")
		}
	})

	t.Run("a cursor the API did not give is invalid", func(t *testing.T) {
		for _, c := range []string{"x", "!!", QueueCursor{At: time.Unix(1, 0), Assessment: "a", Key: "b"}.String()[:4]} {
			if _, err := ParseQueueCursor(c); !domain.IsCode(err, domain.CodeInvalid) {
				t.Fatalf("ParseQueueCursor(%q) = %v, want invalid", c, err)
			}
		}
	})
}
