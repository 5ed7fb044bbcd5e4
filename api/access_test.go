package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jejak-id/jejak/api/apitest"
)

// TestAccess is the role × region × action matrix. Every cell states whether
// the caller is allowed (2xx) or the exact status and problem code of the
// refusal; refused cells must leave the event store unchanged, allowed
// writes must append. Expectations follow domain.Authorize and the spec:
// admin everything; coordinator national (periods, any region's data, reads
// all); operator writes its own region only; verifier verifies, never their
// own submission; auditor reads everything including the audit trail and
// writes nothing; the public reads published results only.
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
		{"submit an answer", true, regional, func(tok string) apitest.Request {
			return apitest.Request{Method: "POST", Path: "/api/v1/assessments/2024/" + own + "/answers", Token: tok, Body: answerBody("1", "", 2, "rev "+unique())}
		}},
		{"schedule a Bimtek", true, regional, func(tok string) apitest.Request {
			return apitest.Request{Method: "POST", Path: "/api/v1/bimtek", Token: tok, Body: bimtekBody(own)}
		}},
		{"record attendance", true, regional, func(tok string) apitest.Request {
			return apitest.Request{Method: "POST", Path: "/api/v1/bimtek/" + session + "/attendance", Token: tok,
				Body: map[string]string{"name": "Peserta " + unique(), "unit": unit, "role": "peserta"}}
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
		{"read rankings of an unpublished year", false, []string{ok, ok, ok, ok, ok, ok, ok, forbidden}, func(tok string) apitest.Request {
			return apitest.Request{Method: "GET", Path: "/api/v1/rankings/2025", Token: tok}
		}},
		{"read innovations", false, []string{ok, ok, ok, ok, ok, ok, ok, unauth}, func(tok string) apitest.Request {
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
