package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api/apitest"
)

// TestVerificationQueuePages pages the queue with its cursor and each
// filter, over HTTP and against openapi.json.
func TestVerificationQueuePages(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2025)})
	inn := implemented(t, s, p.operator, own, "Posyandu Digital")
	otherInn := implemented(t, s, p.otherOperator, other, "Samsat Keliling")
	var last apitest.Response
	for _, ind := range []string{"1", "6", "12", "2a", "3"} {
		s.Clock.Advance(time.Hour)
		last = s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.operator, Body: answerBody(ind, "", 2, "x")})
	}
	for _, ind := range []string{"16", "17"} {
		s.Clock.Advance(time.Hour)
		s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.operator, Body: answerBody(ind, inn, 1, "x")})
		last = s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + other + "/answers", Token: p.otherOperator, Body: answerBody(ind, otherInn, 1, "x")})
	}
	s.WaitForProjections(last.Position())
	s.Clock.Advance(time.Minute)

	type answer struct {
		Region       string `json:"region"`
		Indicator    string `json:"indicator"`
		InnovationID string `json:"innovation_id"`
	}
	type queuePage struct {
		Items      []answer `json:"items"`
		Total      int      `json:"total"`
		Remaining  int      `json:"remaining"`
		NextCursor string   `json:"next_cursor"`
	}
	read := func(token, query string) queuePage {
		t.Helper()
		res := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/verification-queue?" + query, Token: token})
		if res.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", query, res.Status, res.Body)
		}
		var page queuePage
		res.JSON(t, &page)
		return page
	}
	// all pages through the queue two answers at a time.
	all := func(token, query string) ([]answer, int) {
		t.Helper()
		whole := read(token, query+"&limit=1000")
		var got []answer
		cursor := ""
		for range 100 {
			page := read(token, query+"&limit=2&cursor="+url.QueryEscape(cursor))
			if page.Remaining != whole.Remaining || page.Total != page.Remaining {
				t.Fatalf("%s: remaining %d and total %d on a page, %d on the whole list", query, page.Remaining, page.Total, whole.Remaining)
			}
			got = append(got, page.Items...)
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		if !slices.Equal(got, whole.Items) || len(got) != whole.Remaining {
			t.Fatalf("%s: pages give %v, the whole list %v (remaining %d)", query, got, whole.Items, whole.Remaining)
		}
		return got, whole.Remaining
	}

	for _, tc := range []struct {
		name, token, query string
		want               int
	}{
		{"every pending answer", p.verifier, "year=2025", 9},
		{"one region", p.verifier, "region=" + own, 7},
		{"a regional verifier's own region", p.ownVerifier, "year=2025", 7},
		{"one indicator", p.verifier, "indicator=16", 2},
		{"one innovation", p.verifier, "innovation=" + inn, 2},
		{"an innovation and another region", p.verifier, "innovation=" + inn + "&region=" + other, 0},
		{"older than 0 days: all of them", p.verifier, "older_than=0", 9},
		{"older than a year: none", p.verifier, "older_than=365", 0},
		{"submitted before a date long ago", p.verifier, "submitted_before=2001-01-01", 0},
		{"accepted: none yet", p.verifier, "status=accepted", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, n := all(tc.token, tc.query)
			if n != tc.want {
				t.Fatalf("%s: %d answers (%v), want %d", tc.query, n, got, tc.want)
			}
		})
	}

	t.Run("oldest first", func(t *testing.T) {
		got, _ := all(p.verifier, "region="+own)
		if got[0].Indicator != "1" || got[len(got)-1].Indicator != "17" {
			t.Fatalf("order %v, want the answer to 1 first and to 17 last", got)
		}
	})

	t.Run("bad parameters are refused naming the parameter", func(t *testing.T) {
		for query, field := range map[string]string{
			"cursor=not-a-cursor":                  "cursor",
			"older_than=-1":                        "older_than",
			"submitted_before=yesterday":           "submitted_before",
			"innovation=" + url.QueryEscape("a b"): "innovation",
			"status=done":                          "status",
		} {
			res := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/verification-queue?" + query, Token: p.verifier})
			pr := problemOf(t, res)
			if res.Status != http.StatusUnprocessableEntity || pr.Code != "invalid" || len(pr.Errors) == 0 || pr.Errors[0].Field != field {
				t.Errorf("%s: %d %+v, want 422 invalid naming %s", query, res.Status, pr, field)
			}
		}
	})
}
