package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/jejak-id/jejak/api/apitest"
)

// TestAuditLogPages reads GET /api/v1/audit over HTTP: newest first by
// default, each filter, keyset paging while events are appended, and bad
// parameters.
func TestAuditLogPages(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2025)})
	inn := implemented(t, s, p.operator, own, "Posyandu Digital")
	implemented(t, s, p.otherOperator, other, "Samsat Keliling")
	last := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.operator, Body: answerBody("16", inn, 2, "x")})
	s.WaitForProjections(last.Position())

	type entry struct {
		Position    uint64 `json:"position"`
		Index       int    `json:"index"`
		EventID     string `json:"event_id"`
		Type        string `json:"type"`
		AggregateID string `json:"aggregate_id"`
		Actor       struct {
			User string `json:"user"`
		} `json:"actor"`
	}
	type auditPage struct {
		Items      []entry `json:"items"`
		Total      int     `json:"total"`
		Order      string  `json:"order"`
		NextCursor string  `json:"next_cursor"`
	}
	read := func(query string) auditPage {
		t.Helper()
		res := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/audit?" + query, Token: p.auditor})
		if res.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", query, res.Status, res.Body)
		}
		var page auditPage
		res.JSON(t, &page)
		return page
	}
	key := func(e entry) string { return fmt.Sprintf("%d.%d", e.Position, e.Index) }

	all := read("limit=1000")
	if all.Order != "desc" || all.Total != len(all.Items) || len(all.Items) < 8 {
		t.Fatalf("the whole log: order %q, total %d, %d items", all.Order, all.Total, len(all.Items))
	}
	if !slices.IsSortedFunc(all.Items, func(a, b entry) int { return int(b.Position) - int(a.Position) }) {
		t.Fatalf("not newest first: %v", all.Items)
	}
	asc := read("limit=1000&order=asc")
	if asc.Order != "asc" || len(asc.Items) != len(all.Items) || asc.Items[0].Type != "period.opened" {
		t.Fatalf("oldest first: %v", asc.Items)
	}

	t.Run("one event, as the dashboard asks for it", func(t *testing.T) {
		var e entry
		for _, x := range all.Items {
			if x.AggregateID == inn {
				e = x
			}
		}
		one := read("order=asc&limit=500&region=" + own + "&event_id=" + e.EventID)
		if len(one.Items) != 1 || one.Items[0] != e {
			t.Fatalf("event %s: %v", e.EventID, one.Items)
		}
	})

	t.Run("filters", func(t *testing.T) {
		for query, keep := range map[string]func(entry) bool{
			"type=innovation.trial_started":             func(e entry) bool { return e.Type == "innovation.trial_started" },
			"actor=op-other":                            func(e entry) bool { return e.Actor.User == "op-other" },
			"entity=innovation/" + inn:                  func(e entry) bool { return e.AggregateID == inn || e.Type == "assessment.answer_submitted" },
			"region=" + other:                           func(e entry) bool { return e.Actor.User == "op-other" },
			"q=" + url.QueryEscape("BANDAR LAMPUNG"):    func(e entry) bool { return e.Actor.User == "op-other" },
			"from=2025-05-15&to=2025-05-15":             func(entry) bool { return true },
			"from=2025-05-16":                           func(entry) bool { return false },
			"type=assessment.answer_submitted&q=op-own": func(e entry) bool { return e.Type == "assessment.answer_submitted" },
		} {
			var want []entry
			for _, e := range all.Items {
				if keep(e) {
					want = append(want, e)
				}
			}
			got := read(query + "&limit=1000")
			if !slices.Equal(got.Items, want) || got.Total != len(want) {
				t.Errorf("%s: %d items (total %d), want %d: %v", query, len(got.Items), got.Total, len(want), got.Items)
			}
		}
	})

	t.Run("pages neither skip nor repeat while events are appended", func(t *testing.T) {
		for _, order := range []string{"desc", "asc"} {
			seen := map[string]int{}
			cursor := ""
			for n := 0; ; n++ {
				page := read("order=" + order + "&limit=3&cursor=" + url.QueryEscape(cursor))
				for _, e := range page.Items {
					seen[key(e)]++
				}
				appended := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.otherOperator,
					Body: innovationBody(other, fmt.Sprintf("Inovasi %s %d", order, n), "2024-01-10")})
				s.WaitForProjections(appended.Position())
				if page.NextCursor == "" {
					break
				}
				cursor = page.NextCursor
			}
			for _, e := range all.Items {
				if seen[key(e)] != 1 {
					t.Fatalf("%s: event %s listed %d times", order, key(e), seen[key(e)])
				}
			}
			for k, n := range seen {
				if n != 1 {
					t.Fatalf("%s: event %s listed %d times", order, k, n)
				}
			}
		}
	})

	t.Run("bad parameters", func(t *testing.T) {
		for query, field := range map[string]string{
			"order=newest":                  "order",
			"cursor=12":                     "cursor",
			"cursor=x.1":                    "cursor",
			"type=innovation.deleted":       "type",
			"from=kemarin":                  "from",
			"from=2025-03-01&to=2025-02-01": "to",
			"entity=innovation":             "entity",
			"limit=0":                       "limit",
		} {
			res := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/audit?" + query, Token: p.auditor})
			pr := problemOf(t, res)
			if res.Status != http.StatusUnprocessableEntity || pr.Code != "invalid" || len(pr.Errors) == 0 || pr.Errors[0].Field != field {
				t.Errorf("%s: %d %+v, want 422 invalid naming %s", query, res.Status, pr, field)
			}
		}
	})
}
