package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jejak-id/jejak/api/apitest"
)

// TestInnovationPublicity: POST /api/v1/innovations/{id}/publicity puts an
// innovation of a year not yet published into the public database (basis
// data inovasi) with its public fields only, and takes it out again.
func TestInnovationPublicity(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)
	do := func(req apitest.Request) apitest.Response { t.Helper(); return checked(t, c, s, req) }
	at := func(path string, pos uint64) string { return fmt.Sprintf("%s?min_position=%d", path, pos) }

	// 2025 is open (penjaringan); the innovation has an answer with evidence
	// and a later stage, none of which the public may see.
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2025)})
	id := propose(t, s, p.operator, own, "Puskesmas Keliling Publik", "2025-01-02")
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/innovations/" + id + "/stage", Token: p.operator, Body: map[string]string{"to": "uji_coba", "on": "2025-02-03"}})
	answered := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.operator,
		Body: answerBody("16", id, 2, "catatan rahasia operator")})
	path := "/api/v1/innovations/" + id
	publicity := path + "/publicity"

	if res := do(apitest.Request{Method: "GET", Path: at(path, answered.Position())}); res.Status != 404 {
		t.Fatalf("before it is made public the public reads %d", res.Status)
	}

	t.Run("refused callers append nothing", func(t *testing.T) {
		for _, c := range []struct{ who, token, want string }{
			{"operator of another region", p.otherOperator, "403 out_of_scope"},
			{"verifier of the region", p.ownVerifier, "403 forbidden"},
			{"national verifier", p.verifier, "403 forbidden"},
			{"auditor", p.auditor, "403 forbidden"},
			{"public", "", "401 unauthenticated"},
		} {
			before := s.Head()
			res := do(apitest.Request{Method: "POST", Path: publicity, Token: c.token, Body: map[string]bool{"public": true}})
			if pr := problemOf(t, res); fmt.Sprintf("%d %s", res.Status, pr.Code) != c.want {
				t.Errorf("%s: %d %s, want %s", c.who, res.Status, pr.Code, c.want)
			}
			if s.Head() != before {
				t.Errorf("%s: a refused request appended", c.who)
			}
		}
	})

	t.Run("public is required", func(t *testing.T) {
		for _, body := range []any{map[string]any{}, map[string]any{"public": nil}} {
			res := do(apitest.Request{Method: "POST", Path: publicity, Token: p.operator, Body: body})
			pr := problemOf(t, res)
			if res.Status != 422 || pr.Code != "invalid" || len(pr.Errors) != 1 || pr.Errors[0].Field != "public" {
				t.Errorf("%v: %d %+v", body, res.Status, pr)
			}
		}
		res := do(apitest.Request{Method: "POST", Path: publicity, Token: p.operator, Body: map[string]any{"public": "ya"}})
		if res.Status != 400 && res.Status != 422 {
			t.Errorf("a string: %d", res.Status)
		}
		res = do(apitest.Request{Method: "POST", Path: "/api/v1/innovations/0190a5e2-7c1d-7b3e-8f00-00000000dead/publicity", Token: p.operator,
			Body: map[string]bool{"public": true}})
		if pr := problemOf(t, res); res.Status != 404 || pr.Code != "not_found" {
			t.Errorf("an unknown innovation: %d %s", res.Status, pr.Code)
		}
	})

	var made apitest.Response
	t.Run("the region's operator makes it public: the public database lists its public fields only", func(t *testing.T) {
		made = do(apitest.Request{Method: "POST", Path: publicity, Token: p.operator, Body: map[string]bool{"public": true}})
		if made.Status != 200 || made.Header.Get("ETag") != `"3"` {
			t.Fatalf("%d ETag %s: %s", made.Status, made.Header.Get("ETag"), made.Body)
		}
		res := do(apitest.Request{Method: "GET", Path: at(path, made.Position())})
		if res.Status != 200 {
			t.Fatalf("the public reads %d: %s", res.Status, res.Body)
		}
		d := res.Map(t)
		want := []string{"id", "name", "region", "region_name", "province", "unit", "affair", "form", "digital", "initiator", "stage",
			"proposed_on", "years", "counted_years", "made_public_on", "problem", "solution", "benefit", "stages", "replications"}
		var got []string
		for k := range d {
			got = append(got, k)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("the public detail has fields %v, the allow-list %v", got, want)
		}
		if d["made_public_on"] != apitest.DefaultNow.UTC().Format("2006-01-02") || len(d["years"].([]any)) != 0 || d["stage"] != "uji_coba" {
			t.Errorf("made_public_on %v, years %v, stage %v", d["made_public_on"], d["years"], d["stage"])
		}
		if n := len(d["stages"].([]any)); n != 2 {
			t.Errorf("%d stages, want 2", n)
		}
		if body := string(res.Body); strings.Contains(body, "catatan rahasia") || strings.Contains(body, "SK-16") || strings.Contains(body, "op-own") {
			t.Errorf("the public detail leaks an answer or a user: %s", res.Body)
		}
		var list struct {
			Total int `json:"total"`
			Items []map[string]any
		}
		do(apitest.Request{Method: "GET", Path: "/api/v1/innovations?q=keliling+publik&made_public=true"}).JSON(t, &list)
		if list.Total != 1 || list.Items[0]["id"] != id || list.Items[0]["made_public_on"] == nil {
			t.Errorf("the public list: %+v", list)
		}
		do(apitest.Request{Method: "GET", Path: "/api/v1/innovations?q=keliling+publik&year=2025"}).JSON(t, &list)
		if list.Total != 0 {
			t.Errorf("year=2025 (not published) lists %d", list.Total)
		}
		var mine struct {
			MadePublic       bool `json:"made_public"`
			InPublicDatabase bool `json:"in_public_database"`
		}
		do(apitest.Request{Method: "GET", Path: path, Token: p.operator}).JSON(t, &mine)
		if !mine.MadePublic || !mine.InPublicDatabase {
			t.Errorf("the operator reads %+v", mine)
		}
	})

	t.Run("the same value again appends nothing", func(t *testing.T) {
		before := s.Head()
		res := do(apitest.Request{Method: "POST", Path: publicity, Token: p.coordinator, Body: map[string]bool{"public": true}})
		if res.Status != 200 || s.Head() != before || res.Header.Get("ETag") != `"3"` {
			t.Errorf("%d, head %d -> %d, ETag %s", res.Status, before, s.Head(), res.Header.Get("ETag"))
		}
	})

	t.Run("a stale If-Match is 412", func(t *testing.T) {
		res := do(apitest.Request{Method: "POST", Path: publicity, Token: p.operator, Body: map[string]bool{"public": false},
			Header: map[string]string{"If-Match": `"2"`}})
		if pr := problemOf(t, res); res.Status != 412 || pr.Code != "precondition_failed" {
			t.Errorf("%d %s", res.Status, pr.Code)
		}
	})

	t.Run("made private again, the public no longer finds it", func(t *testing.T) {
		res := do(apitest.Request{Method: "POST", Path: publicity, Token: p.operator, Body: map[string]bool{"public": false},
			Header: map[string]string{"If-Match": `"3"`}})
		if res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		if got := do(apitest.Request{Method: "GET", Path: at(path, res.Position())}); got.Status != 404 {
			t.Errorf("the public reads %d", got.Status)
		}
		var list struct{ Total int }
		do(apitest.Request{Method: "GET", Path: "/api/v1/innovations?q=keliling+publik"}).JSON(t, &list)
		if list.Total != 0 {
			t.Errorf("still listed")
		}
		// as of the moment it was public, it was
		if got := do(apitest.Request{Method: "GET", Path: fmt.Sprintf("%s?as_of=%d", path, made.Position())}); got.Status != 200 {
			t.Errorf("as of its publicity the public reads %d", got.Status)
		}
	})

	t.Run("the audit trail says who changed it and how", func(t *testing.T) {
		var trail struct {
			Items []struct {
				Type  string `json:"type"`
				Actor struct {
					User string `json:"user"`
				} `json:"actor"`
				Changes []struct {
					Field         string
					Before, After any
				} `json:"changes"`
			} `json:"items"`
		}
		do(apitest.Request{Method: "GET", Path: "/api/v1/audit?order=asc&type=innovation.publicity_set&entity=innovation/" + id, Token: p.auditor}).JSON(t, &trail)
		var got []string
		for _, e := range trail.Items {
			for _, c := range e.Changes {
				got = append(got, fmt.Sprintf("%s %s %s %v->%v", e.Type, e.Actor.User, c.Field, c.Before, c.After))
			}
		}
		want := []string{"innovation.publicity_set op-own public <nil>->true", "innovation.publicity_set op-own public true->false"}
		if !slices.Equal(got, want) {
			t.Errorf("the trail reads %q, want %q", got, want)
		}
	})
}
