package api_test

import (
	"net/http"
	"testing"

	"github.com/jejak-id/jejak/api/apitest"
)

// TestReadsAnswerNotModified: the explanation, rankings, overview and
// statistics carry a weak ETag over their body without its position, and
// answer 304 to If-None-Match until what they show changes.
func TestReadsAnswerNotModified(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2025)})
	inn := implemented(t, s, p.operator, own, "Posyandu Digital")
	last := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.operator, Body: answerBody("16", inn, 2, "x")})
	s.WaitForProjections(last.Position())

	paths := []string{"/api/v1/index/2025/" + own, "/api/v1/index/2025/" + own + "?view=summary", "/api/v1/rankings/2025",
		"/api/v1/index/2025", "/api/v1/stats?year=2025"}
	etags := map[string]string{}
	for _, path := range paths {
		res := checked(t, c, s, apitest.Request{Method: "GET", Path: path, Token: p.coordinator})
		if res.Status != http.StatusOK || len(res.Header.Get("ETag")) < 5 || res.Header.Get("ETag")[:2] != `W/` {
			t.Fatalf("%s: %d, ETag %q", path, res.Status, res.Header.Get("ETag"))
		}
		etags[path] = res.Header.Get("ETag")
		again := checked(t, c, s, apitest.Request{Method: "GET", Path: path, Token: p.coordinator, Header: map[string]string{"If-None-Match": etags[path]}})
		if again.Status != http.StatusNotModified || len(again.Body) != 0 || again.Header.Get("ETag") != etags[path] {
			t.Fatalf("%s with its ETag: %d (%d bytes), ETag %q", path, again.Status, len(again.Body), again.Header.Get("ETag"))
		}
	}

	// A fact that changes none of them moves the position only: still 304.
	moved := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/bimtek", Token: p.otherOperator, Body: bimtekBody(other)})
	s.WaitForProjections(moved.Position())
	for _, path := range []string{"/api/v1/index/2025/" + own, "/api/v1/rankings/2025"} {
		res := checked(t, c, s, apitest.Request{Method: "GET", Path: path, Token: p.coordinator, Header: map[string]string{"If-None-Match": `"x", ` + etags[path]}})
		if res.Status != http.StatusNotModified {
			t.Errorf("%s after an unrelated fact: %d, want 304", path, res.Status)
		}
	}
	// An answer changes the region's score, the ranking and the overview.
	changed := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.operator, Body: answerBody("1", "", 3, "visi")})
	s.WaitForProjections(changed.Position())
	for _, path := range []string{"/api/v1/index/2025/" + own, "/api/v1/rankings/2025"} {
		res := checked(t, c, s, apitest.Request{Method: "GET", Path: path, Token: p.coordinator, Header: map[string]string{"If-None-Match": etags[path]}})
		if res.Status != http.StatusOK || res.Header.Get("ETag") == etags[path] || res.Position() != changed.Position() {
			t.Errorf("%s after a new answer: %d, ETag %q (was %q), position %d", path, res.Status, res.Header.Get("ETag"), etags[path], res.Position())
		}
	}
}
