package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api/apitest"
)

// TestAccess is the role × region × action matrix. Every cell states whether
// the caller is allowed (2xx) or the exact status and problem code of the
// refusal; refused cells must leave the event store unchanged, allowed
// writes must append. Expectations follow domain.Authorize and the spec:
// admin everything; coordinator national (periods, any region's data, reads
// all); operator writes and reads its own region only; verifier verifies,
// never their own submission; auditor reads everything including the audit
// trail and writes nothing; the public reads published results only.
// TestReadAccess is the full table of reads.
func TestAccess(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)

	// Fixture: 2025 in pengukuran with answers to verify in both regions
	// (indicator 2a of 18.04 answered by the admin, for the four-eyes rule),
	// 2024 in penjaringan for new answers, 2023 open for phase moves, a Bimtek
	// session of 18.04.
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2025)})
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.operator, Body: answerBody("1", "", 3, "a")})
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.admin, Body: answerBody("2a", "", 2, "a")})
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + other + "/answers", Token: p.otherOperator, Body: answerBody("1", "", 3, "a")})
	advance(t, s, p.admin, 2025, "pengukuran")
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2024)})
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2023)})
	session := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/bimtek", Token: p.admin, Body: bimtekBody(own)}).Map(t)["id"].(string)

	type caller struct{ name, token string }
	callers := []caller{
		{"admin", p.admin}, {"coordinator", p.coordinator}, {"operator of the region", p.operator},
		{"operator of another region", p.otherOperator}, {"verifier scoped to the region", p.ownVerifier},
		{"national verifier", p.verifier}, {"auditor", p.auditor}, {"public", ""},
	}
	const (
		ok         = "ok"
		unauth     = "401 unauthenticated"
		forbidden  = "403 forbidden"
		outOfScope = "403 out_of_scope"
		fourEyes   = "403 four_eyes"
	)
	// regional is the rule of every regional write: own region only for
	// operators, never for verifiers and auditors.
	regional := []string{ok, ok, ok, outOfScope, forbidden, forbidden, forbidden, unauth}
	verify := []string{ok, forbidden, forbidden, forbidden, ok, ok, forbidden, unauth}
	national := []string{ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden, unauth}
	adminOnly := []string{ok, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, unauth}
	n := 0
	unique := func() string { n++; return fmt.Sprint(n) }
	actions := []struct {
		name   string
		write  bool
		expect []string
		req    func(token string) apitest.Request
	}{
		{"propose an innovation", true, regional, func(tok string) apitest.Request {
			return apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: tok, Body: innovationBody(own, "Inovasi "+unique(), "2025-01-02")}
		}},
		{"advance an innovation's stage", true, regional, func(tok string) apitest.Request {
			id := propose(t, s, p.admin, own, "Inovasi "+unique(), "2025-01-02")
			return apitest.Request{Method: "POST", Path: "/api/v1/innovations/" + id + "/stage", Token: tok, Body: map[string]string{"to": "uji_coba"}}
		}},
		{"make an innovation public", true, regional, func(tok string) apitest.Request {
			id := propose(t, s, p.admin, own, "Inovasi "+unique(), "2025-01-02")
			return apitest.Request{Method: "POST", Path: "/api/v1/innovations/" + id + "/publicity", Token: tok, Body: map[string]bool{"public": true}}
		}},
		{"submit an answer", true, regional, func(tok string) apitest.Request {
			return apitest.Request{Method: "POST", Path: "/api/v1/assessments/2024/" + own + "/answers", Token: tok, Body: answerBody("1", "", 2, "rev "+unique())}
		}},
		{"schedule a Bimtek", true, regional, func(tok string) apitest.Request {
			return apitest.Request{Method: "POST", Path: "/api/v1/bimtek", Token: tok, Body: bimtekBody(own)}
		}},
		{"record attendance", true, regional, func(tok string) apitest.Request {
			return apitest.Request{Method: "POST", Path: "/api/v1/bimtek/" + session + "/attendance", Token: tok,
				Body: map[string]string{"name": "Peserta " + unique(), "nip": fmt.Sprintf("99%016d", n), "unit": unit, "role": "peserta"}}
		}},
		{"verify an answer of the region", true, verify, func(tok string) apitest.Request {
			return apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/verifications", Token: tok,
				Body: map[string]any{"indicator": "1", "decision": "accepted", "reason": "sesuai " + unique()}}
		}},
		{"verify an answer of another region", true, []string{ok, forbidden, forbidden, forbidden, outOfScope, ok, forbidden, unauth}, func(tok string) apitest.Request {
			return apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + other + "/verifications", Token: tok,
				Body: map[string]any{"indicator": "1", "decision": "accepted", "reason": "sesuai " + unique()}}
		}},
		{"verify an answer the admin submitted", true, []string{fourEyes, forbidden, forbidden, forbidden, ok, ok, forbidden, unauth}, func(tok string) apitest.Request {
			return apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/verifications", Token: tok,
				Body: map[string]any{"indicator": "2a", "decision": "accepted", "reason": "sesuai " + unique()}}
		}},
		{"open a period", true, national, func(tok string) apitest.Request {
			year := 2021
			if tok == p.admin {
				year = 2022
			}
			return apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: tok, Body: periodBody(year)}
		}},
		{"advance a period's phase", true, national, func(tok string) apitest.Request {
			// Read the phase as of the latest write (a refused advance
			// leaves the head where it was).
			phase := s.MustDo(apitest.Request{Method: "GET", Path: fmt.Sprintf("/api/v1/periods/2023?min_position=%d", s.Head())}).Map(t)["phase"].(string)
			next := map[string]string{"penjaringan": "pengukuran", "pengukuran": "presentasi", "presentasi": "validasi_lapangan"}[phase]
			return apitest.Request{Method: "POST", Path: "/api/v1/periods/2023/advance", Token: tok, Body: map[string]string{"to": next}}
		}},
		{"set daerah perbatasan", true, adminOnly, func(tok string) apitest.Request {
			return apitest.Request{Method: "PATCH", Path: "/api/v1/regions/" + own, Token: tok, Body: map[string]any{"perbatasan": true, "perbatasan_reason": "berbatasan dengan negara tetangga"}}
		}},
		{"read the audit trail", false, []string{ok, ok, forbidden, forbidden, forbidden, forbidden, ok, unauth}, func(tok string) apitest.Request {
			return apitest.Request{Method: "GET", Path: "/api/v1/audit?region=" + own, Token: tok}
		}},
		{"read rankings of an unpublished year", false, []string{ok, ok, outOfScope, outOfScope, outOfScope, ok, ok, forbidden}, func(tok string) apitest.Request {
			return apitest.Request{Method: "GET", Path: "/api/v1/rankings/2025", Token: tok}
		}},
		{"read innovations (the public reads the public database)", false, []string{ok, ok, ok, ok, ok, ok, ok, ok}, func(tok string) apitest.Request {
			return apitest.Request{Method: "GET", Path: "/api/v1/innovations", Token: tok}
		}},
	}
	t.Run("a verifier who submitted the answer under another role → 403 four_eyes", func(t *testing.T) {
		// The same user id as the operator who answered indicator 1.
		req := apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/verifications",
			Token: s.Token("op-own", "verifier", ""), Body: map[string]any{"indicator": "1", "decision": "accepted", "reason": "sesuai"}}
		before := s.Head()
		res := s.Do(req)
		c.validate(t, s, req, res)
		if pr := problemOf(t, res); res.Status != 403 || pr.Code != "four_eyes" {
			t.Errorf("got %d %s, want 403 four_eyes", res.Status, pr.Code)
		}
		if s.Head() != before {
			t.Errorf("a refused verification appended")
		}
	})
	for _, a := range actions {
		t.Run(a.name, func(t *testing.T) {
			for i, who := range callers {
				want := a.expect[i]
				t.Run(who.name+" → "+want, func(t *testing.T) {
					req := a.req(who.token)
					before := s.Head()
					res := s.Do(req)
					c.validate(t, s, req, res)
					after := s.Head()
					if want == ok {
						if res.Status < 200 || res.Status > 299 {
							t.Fatalf("status %d, want 2xx: %s", res.Status, truncate(res.Body))
						}
						if a.write && after == before {
							t.Errorf("an allowed write appended nothing")
						}
						if !a.write && after != before {
							t.Errorf("a read appended %d commits", after-before)
						}
						return
					}
					status, code, _ := strings.Cut(want, " ")
					pr := problemOf(t, res)
					if fmt.Sprint(res.Status) != status || pr.Code != code {
						t.Errorf("got %d %s (%s), want %s", res.Status, pr.Code, pr.Detail, want)
					}
					if after != before {
						t.Errorf("a refused request appended %d commits", after-before)
					}
				})
			}
		})
	}
}

// TestReadAccess is the read table: each role × endpoint × the caller's own
// or another region × a published or unpublished year. Published results
// are everyone's; a region's unpublished results and its working files
// (innovations, answers, Bimtek, statistics, the queue) are the region's
// and the national roles'; lists and counts without a region are narrowed
// to the caller's region for a regional caller. No read appends.
func TestReadAccess(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)
	post := func(token, path string, body any) apitest.Response {
		t.Helper()
		return s.MustDo(apitest.Request{Method: "POST", Path: path, Token: token, Body: body})
	}

	// Fixture. 15 May: 2024 opens and both regions answer it; each region
	// proposes an innovation and schedules a Bimtek session; 2025 opens and
	// both answer it. 16 May (UTC; within the tokens' day): 2024 goes
	// through to published.
	post(p.admin, "/api/v1/periods", periodBody(2024))
	ownInnovation := propose(t, s, p.operator, own, "Puskesmas Daring", "2024-01-10")
	otherInnovation := propose(t, s, p.otherOperator, other, "Samsat Keliling", "2024-01-10")
	ownSession := post(p.operator, "/api/v1/bimtek", bimtekBody(own)).Map(t)["id"].(string)
	otherSession := post(p.otherOperator, "/api/v1/bimtek", bimtekBody(other)).Map(t)["id"].(string)
	post(p.admin, "/api/v1/periods", periodBody(2025))
	for _, year := range []string{"2024", "2025"} {
		post(p.operator, "/api/v1/assessments/"+year+"/"+own+"/answers", answerBody("1", "", 3, "a"))
		post(p.otherOperator, "/api/v1/assessments/"+year+"/"+other+"/answers", answerBody("1", "", 2, "a"))
	}
	unpublishedOn := apitest.DefaultNow.Format(time.DateOnly)
	s.Clock.Advance(23 * time.Hour)
	publishedOn := s.Clock.Now().Format(time.DateOnly)
	var last apitest.Response
	for _, to := range []string{"pengukuran", "presentasi", "validasi_lapangan", "pleno", "published"} {
		last = advance(t, s, p.admin, 2024, to)
	}
	s.WaitForProjections(last.Position())

	type caller struct{ name, token string }
	callers := []caller{
		{"admin", p.admin}, {"coordinator", p.coordinator}, {"operator of the region", p.operator},
		{"operator of another region", p.otherOperator}, {"verifier scoped to the region", p.ownVerifier},
		{"national verifier", p.verifier}, {"auditor", p.auditor}, {"public", ""},
	}
	const (
		ok         = "ok"
		unauth     = "401 unauthenticated"
		forbidden  = "403 forbidden"
		outOfScope = "403 out_of_scope"
	)
	// "The region" is 18.04 (own); the rows about 18.71 (other) swap the
	// two operators' answers. Public routes answer the public 403, token
	// routes 401.
	var (
		everyone       = []string{ok, ok, ok, ok, ok, ok, ok, ok}
		signedIn       = []string{ok, ok, ok, ok, ok, ok, ok, unauth}
		ownResults     = []string{ok, ok, ok, outOfScope, ok, ok, ok, forbidden}
		otherResults   = []string{ok, ok, outOfScope, ok, outOfScope, ok, ok, forbidden}
		nationalResult = []string{ok, ok, outOfScope, outOfScope, outOfScope, ok, ok, forbidden}
		ownFiles       = []string{ok, ok, ok, outOfScope, ok, ok, ok, unauth}
		otherFiles     = []string{ok, ok, outOfScope, ok, outOfScope, ok, ok, unauth}
		auditors       = []string{ok, ok, forbidden, forbidden, forbidden, forbidden, ok, unauth}
	)
	// years reads the years a region's score history lists.
	years := func(t *testing.T, res apitest.Response) []int {
		var body struct {
			Years []struct {
				Year int `json:"year"`
			} `json:"years"`
		}
		res.JSON(t, &body)
		var out []int
		for _, y := range body.Years {
			out = append(out, y.Year)
		}
		return out
	}
	// regionsOf reads the regions of the items of a list.
	regionsOf := func(t *testing.T, res apitest.Response) map[string]bool {
		var body struct {
			Items []struct {
				Region string `json:"region"`
			} `json:"items"`
		}
		res.JSON(t, &body)
		out := map[string]bool{}
		for _, it := range body.Items {
			out[it.Region] = true
		}
		return out
	}
	regional := map[string]bool{"operator of the region": true, "operator of another region": true, "verifier scoped to the region": true}
	regionOfCaller := map[string]string{"operator of the region": own, "operator of another region": other, "verifier scoped to the region": own}

	// publicToo is e with the public allowed: innovations of published
	// years are the public database's (basis data inovasi).
	publicToo := func(e []string) []string {
		c := slices.Clone(e)
		c[len(c)-1] = ok
		return c
	}
	rows := []struct {
		name   string
		path   string
		expect []string
		// check, if set, looks at an allowed answer's content.
		check func(t *testing.T, who string, res apitest.Response)
	}{
		{"reference: a region's profile", "/api/v1/regions/" + other, everyone, nil},
		{"reference: a period", "/api/v1/periods/2025", everyone, nil},
		{"reference: the periods", "/api/v1/periods", everyone, nil},
		{"the region's score history lists unpublished years to those who may read them", "/api/v1/regions/" + own + "/scores", everyone,
			func(t *testing.T, who string, res apitest.Response) {
				want := []int{2024, 2025}
				if who == "operator of another region" || who == "public" {
					want = []int{2024}
				}
				if got := years(t, res); !slices.Equal(got, want) {
					t.Errorf("years %v, want %v", got, want)
				}
			}},
		{"the region's published score", "/api/v1/index/2024/" + own, everyone, nil},
		{"another region's published score", "/api/v1/index/2024/" + other, everyone, nil},
		{"the region's unpublished score", "/api/v1/index/2025/" + own, ownResults, nil},
		{"another region's unpublished score", "/api/v1/index/2025/" + other, otherResults, nil},
		{"an innovation of the region's published score", "/api/v1/index/2024/" + own + "/innovations/" + ownInnovation, everyone, nil},
		{"an innovation of the region's unpublished score", "/api/v1/index/2025/" + own + "/innovations/" + ownInnovation, ownResults, nil},
		{"an innovation of another region's unpublished score", "/api/v1/index/2025/" + other + "/innovations/" + otherInnovation, otherResults, nil},
		{"the warnings of the region's published score", "/api/v1/index/2024/" + own + "/warnings", everyone, nil},
		{"the warnings of the region's unpublished score", "/api/v1/index/2025/" + own + "/warnings", ownResults, nil},
		{"the warnings of another region's unpublished score", "/api/v1/index/2025/" + other + "/warnings", otherResults, nil},
		{"the region's score simulation, published year", "/api/v1/index/2024/" + own + "/simulation", everyone, nil},
		{"the region's score simulation, unpublished year", "/api/v1/index/2025/" + own + "/simulation", ownResults, nil},
		{"another region's score simulation, unpublished year", "/api/v1/index/2025/" + other + "/simulation", otherResults, nil},
		{"a published ranking", "/api/v1/rankings/2024", everyone, nil},
		{"an unpublished ranking", "/api/v1/rankings/2025", nationalResult, nil},
		{"a published ranking's movement since it was published", "/api/v1/rankings/2024?since=" + publishedOn, everyone, nil},
		{"a published ranking's movement since before it was published", "/api/v1/rankings/2024?since=" + unpublishedOn, nationalResult, nil},
		{"a published year's national overview", "/api/v1/index/2024", everyone, nil},
		{"an unpublished year's national overview", "/api/v1/index/2025", nationalResult, nil},
		{"the region's innovations", "/api/v1/innovations?region=" + own, publicToo(ownFiles), nil},
		{"another region's innovations", "/api/v1/innovations?region=" + other, publicToo(otherFiles), nil},
		{"innovations without a region: a regional caller gets its own", "/api/v1/innovations", publicToo(signedIn),
			func(t *testing.T, who string, res apitest.Response) {
				got := regionsOf(t, res)
				if regional[who] && (len(got) != 1 || !got[regionOfCaller[who]]) {
					t.Errorf("regions %v, want only %s", got, regionOfCaller[who])
				}
				if !regional[who] && len(got) != 2 {
					t.Errorf("regions %v, want both", got)
				}
			}},
		{"an innovation of the region", "/api/v1/innovations/" + ownInnovation, publicToo(ownFiles), nil},
		{"an innovation of another region", "/api/v1/innovations/" + otherInnovation, publicToo(otherFiles), nil},
		{"the region's answers of a published year", "/api/v1/assessments/2024/" + own + "/answers", ownFiles, nil},
		{"the region's answers of an unpublished year", "/api/v1/assessments/2025/" + own + "/answers", ownFiles, nil},
		{"another region's answers of a published year", "/api/v1/assessments/2024/" + other + "/answers", otherFiles, nil},
		{"another region's answers of an unpublished year", "/api/v1/assessments/2025/" + other + "/answers", otherFiles, nil},
		{"the region's verification queue", "/api/v1/verification-queue?region=" + own, ownFiles, nil},
		{"another region's verification queue", "/api/v1/verification-queue?region=" + other, otherFiles, nil},
		{"the verification queue without a region: a regional caller gets its own", "/api/v1/verification-queue", signedIn,
			func(t *testing.T, who string, res apitest.Response) {
				got := regionsOf(t, res)
				if regional[who] && (len(got) != 1 || !got[regionOfCaller[who]]) {
					t.Errorf("regions %v, want only %s", got, regionOfCaller[who])
				}
			}},
		{"the region's Bimtek sessions", "/api/v1/bimtek?region=" + own, ownFiles, nil},
		{"another region's Bimtek sessions", "/api/v1/bimtek?region=" + other, otherFiles, nil},
		{"a Bimtek session of the region", "/api/v1/bimtek/" + ownSession, ownFiles, nil},
		{"a Bimtek session of another region", "/api/v1/bimtek/" + otherSession, otherFiles, nil},
		{"the region's statistics", "/api/v1/stats?region=" + own + "&year=2025", ownFiles, nil},
		{"another region's statistics", "/api/v1/stats?region=" + other + "&year=2025", otherFiles, nil},
		{"statistics without a region: a regional caller gets its own", "/api/v1/stats", signedIn,
			func(t *testing.T, who string, res apitest.Response) {
				var body struct {
					Stats struct {
						Region      string `json:"region"`
						Innovations int    `json:"innovations"`
					} `json:"stats"`
				}
				res.JSON(t, &body)
				if want := regionOfCaller[who]; body.Stats.Region != want || (want == "" && body.Stats.Innovations != 2) {
					t.Errorf("stats of %q (%d innovations), want %q", body.Stats.Region, body.Stats.Innovations, want)
				}
			}},
		{"recent events: a regional caller sees its region's and the national ones", "/api/v1/events/recent?limit=50", signedIn,
			func(t *testing.T, who string, res apitest.Response) {
				got := regionsOf(t, res)
				if !got[""] {
					t.Errorf("no national event (the periods') among %v", got)
				}
				for r := range got {
					if regional[who] && r != "" && r != regionOfCaller[who] {
						t.Errorf("an event of %s", r)
					}
				}
				if !regional[who] && (!got[own] || !got[other]) {
					t.Errorf("regions %v, want both", got)
				}
			}},
		{"the audit trail of the region", "/api/v1/audit?region=" + own, auditors, nil},
		{"the exports", "/api/v1/exports", auditors, nil},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			for i, who := range callers {
				want := row.expect[i]
				t.Run(who.name+" → "+want, func(t *testing.T) {
					req := apitest.Request{Method: "GET", Path: row.path, Token: who.token}
					before := s.Head()
					res := s.Do(req)
					c.validate(t, s, req, res)
					if after := s.Head(); after != before {
						t.Errorf("a read appended %d commits", after-before)
					}
					if want == ok {
						if res.Status != 200 {
							t.Fatalf("status %d, want 200: %s", res.Status, truncate(res.Body))
						}
						if row.check != nil {
							row.check(t, who.name, res)
						}
						return
					}
					status, code, _ := strings.Cut(want, " ")
					pr := problemOf(t, res)
					if fmt.Sprint(res.Status) != status || pr.Code != code {
						t.Errorf("got %d %s (%s), want %s", res.Status, pr.Code, pr.Detail, want)
					}
				})
			}
		})
	}

	t.Run("an export is refused to a regional caller before anything runs", func(t *testing.T) {
		for _, tok := range []string{p.operator, p.ownVerifier, p.verifier} {
			req := apitest.Request{Method: "POST", Path: "/api/v1/exports", Token: tok, Body: map[string]any{"year": 2025}}
			res := s.Do(req)
			c.validate(t, s, req, res)
			if pr := problemOf(t, res); res.Status != 403 || pr.Code != "forbidden" {
				t.Errorf("got %d %s", res.Status, pr.Code)
			}
		}
	})

	t.Run("live notices carry another region's facts only to those who may read them", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// Earlier writes must be applied (and their notices sent) before
		// subscribing, or a late notice of theirs would open the streams.
		s.WaitForProjections(s.Head())
		operator, auditor := sse(t, ctx, s, p.operator), sse(t, ctx, s, p.auditor)
		// Another region's fact, a national one, then one of the operator's
		// region: notices are sent in that order, so the operator's stream
		// shows by its own region's notice that it skipped the other's.
		post(p.otherOperator, "/api/v1/innovations", innovationBody(other, "Inovasi Lain", "2025-01-02"))
		post(p.admin, "/api/v1/periods", periodBody(2023))
		post(p.operator, "/api/v1/innovations", innovationBody(own, "Inovasi Sendiri", "2025-01-02"))
		seen := func(stream <-chan map[string]any) []string {
			var regions []string
			for n := range stream {
				regions = append(regions, fmt.Sprint(n["region"]))
				if n["region"] == own {
					break
				}
			}
			return regions
		}
		if got := seen(operator); !slices.Equal(got, []string{"", own}) {
			t.Errorf("the operator's notices are about %q, want the national one and its region's", got)
		}
		if got := seen(auditor); !slices.Equal(got, []string{other, "", own}) {
			t.Errorf("the auditor's notices are about %q, want all three", got)
		}
	})
}

// sse subscribes to the live stream with token and returns its "event"
// notices, decoded, until ctx ends.
func sse(t *testing.T, ctx context.Context, s *apitest.Stack, token string) <-chan map[string]any {
	t.Helper()
	r := s.NewRequest(apitest.Request{Method: "GET", Path: "/api/v1/stream", Token: token}).WithContext(ctx)
	res, err := s.Client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("stream: %d", res.StatusCode)
	}
	out := make(chan map[string]any, 64)
	sc := bufio.NewScanner(res.Body)
	// The stream is subscribed once its first comment arrives.
	for sc.Scan() && sc.Text() != ": connected" {
	}
	go func() {
		defer close(out)
		defer res.Body.Close()
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "event":
				var n map[string]any
				if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &n) == nil {
					out <- n
				}
			}
		}
	}()
	return out
}
