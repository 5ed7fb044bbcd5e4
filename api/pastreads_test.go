package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api/apitest"
)

// TestTimeTravelIsAuthorisedAndBoundedBeforeWork reads past states as a
// visitor without a token and as a signed-in caller.
func TestTimeTravelIsAuthorisedAndBoundedBeforeWork(t *testing.T) {
	c := mustContract(t)
	s := apitest.StartWith(t, apitest.Options{AnonPastPerMinute: 1})
	p := tokens(s)
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2025)})
	var positions []uint64
	for _, ind := range []string{"1", "6", "12"} {
		s.Clock.Advance(time.Hour)
		res := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.operator, Body: answerBody(ind, "", 2, "x")})
		positions = append(positions, res.Position())
	}
	s.Clock.Set(time.Date(2025, 10, 1, 9, 0, 0, 0, time.UTC))
	p = tokens(s) // the first ones have expired
	var last apitest.Response
	for _, phase := range []string{"pengukuran", "presentasi", "validasi_lapangan", "pleno", "published"} {
		last = advance(t, s, p.coordinator, 2025, phase)
	}
	s.WaitForProjections(last.Position())
	computed := func() int {
		n, _, _ := s.Views.PastStats()
		return n
	}
	get := func(token, path string) apitest.Response {
		t.Helper()
		return checked(t, c, s, apitest.Request{Method: "GET", Path: path, Token: token})
	}

	t.Run("a past read that ends in 403 computes nothing", func(t *testing.T) {
		for _, path := range []string{
			fmt.Sprintf("/api/v1/index/2025/%s?as_of=%d", own, positions[0]),
			fmt.Sprintf("/api/v1/rankings/2025?as_of=%d", positions[1]),
			fmt.Sprintf("/api/v1/index/2025?as_of=%d", positions[2]),
			"/api/v1/rankings/2025?since=2025-05-15",
		} {
			res := get("", path)
			if res.Status != http.StatusForbidden || problemOf(t, res).Code != "forbidden" {
				t.Fatalf("%s without a token: %d %s, want 403 forbidden", path, res.Status, res.Body)
			}
		}
		if n := computed(); n != 0 {
			t.Fatalf("%d past states computed for refused reads, want 0", n)
		}
		res := get(p.coordinator, fmt.Sprintf("/api/v1/index/2025/%s?as_of=%d", own, positions[0]))
		if res.Status != http.StatusOK || computed() != 1 {
			t.Fatalf("the coordinator's past read: %d (%d computed), want 200 and one past state", res.Status, computed())
		}
	})

	t.Run("a visitor's work a minute is bounded", func(t *testing.T) {
		first := get("", fmt.Sprintf("/api/v1/periods?as_of=%d", positions[1]))
		if first.Status != http.StatusOK {
			t.Fatalf("a visitor's first past state: %d %s", first.Status, first.Body)
		}
		res := get("", fmt.Sprintf("/api/v1/periods?as_of=%d", positions[2]))
		if res.Status != http.StatusServiceUnavailable || problemOf(t, res).Code != "unavailable" || res.Header.Get("Retry-After") == "" {
			t.Fatalf("a visitor's second past state in the minute: %d %v %s, want 503 unavailable with Retry-After", res.Status, res.Header, res.Body)
		}
		if again := get("", fmt.Sprintf("/api/v1/periods?as_of=%d", positions[1])); again.Status != http.StatusOK {
			t.Fatalf("a past state already kept costs nothing, but answered %d", again.Status)
		}
		if signed := get(p.auditor, fmt.Sprintf("/api/v1/periods?as_of=%d", positions[2])); signed.Status != http.StatusOK {
			t.Fatalf("a signed-in caller's past state: %d", signed.Status)
		}
	})
}
