package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api/apitest"
)

// TestScenario drives one assessment year over HTTP, through the embedded
// NATS store and the projections and back, and validates every request and
// response against openapi.json.
//
// The IID of region 18.04 in 2025 is checked against a hand computation
// with catalogue iid-2025.1 (domain/catalogue/2025.json; max total 250,
// min divisor 10, indicator 36: 0.38 per counted innovation):
//
//	SPD  1 (bobot 1)   claimed 3, accepted         1   × 3 = 3
//	SPD  6 (bobot 1.5) claimed 2, accepted         1.5 × 2 = 3
//	SPD 12 (bobot 2)   claimed 3, lowered to 1     2   × 1 = 2
//	SPD total                                              8
//	one innovation in penerapan since 2024-06-01 (within 24 months of 2025-06-30): counted, n = 1
//	  SID 16 (bobot 3) claimed 2, accepted         3 × 2 = 6
//	  SID 20 (bobot 1) 1 Bimtek attended by the unit: parameter 1 = 1
//	  SID 32 (bobot 2) 2 months from proposal to trial (<= 4): parameter 3 = 6
//	  SID 31 no replication = 0; every other indicator unanswered = 0
//	  innovation points                                   13
//	SID = 13 / max(10, 1) + 0.38 × 1 = 1.68
//	Total = 8 + 1.68 = 9.68; IID = 9.68 × 100 / 250 = 3.872 -> 3.87, "Kurang Inovatif"
//
// Before verification only the derived indicators count (verified: 0 SPD,
// SID (1 + 6)/10 + 0.38 = 1.08, IID 0.432 -> 0.43); provisionally the claims
// count too (SPD 3 + 3 + 6 = 12, SID (6 + 1 + 6)/10 + 0.38 = 1.68, total
// 13.68, IID 5.472 -> 5.47).
func TestScenario(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)
	do := func(want int, req apitest.Request) apitest.Response {
		t.Helper()
		res := checked(t, c, s, req)
		if res.Status != want {
			t.Fatalf("%s %s: status %d, want %d: %s", req.Method, req.Path, res.Status, want, truncate(res.Body))
		}
		return res
	}
	get := func(token, path string) apitest.Response {
		t.Helper()
		return do(http.StatusOK, apitest.Request{Method: "GET", Path: path, Token: token})
	}
	post := func(want int, token, path string, body any) apitest.Response {
		t.Helper()
		return do(want, apitest.Request{Method: "POST", Path: path, Token: token, Body: body})
	}
	at := func(path string, res apitest.Response) string {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		return fmt.Sprintf("%s%smin_position=%d", path, sep, res.Position())
	}

	// System and reference reads.
	get("", "/healthz")
	get("", "/readyz")
	get("", "/metrics")
	get(p.operator, "/api/v1/me")
	get("", "/api/v1/projections")
	get("", "/api/v1/catalogue/2025")
	get("", "/api/v1/regions?q=lampung&limit=5")
	get("", "/api/v1/regions?province=18&kind=kabupaten")

	// The period opens; a read at the write's position sees it.
	opened := post(http.StatusCreated, p.coordinator, "/api/v1/periods", periodBody(2025))
	if loc := opened.Header.Get("Location"); loc != "/api/v1/periods/2025" {
		t.Errorf("Location = %q", loc)
	}
	if opened.Position() == 0 {
		t.Fatalf("a write answers its position: %s", opened.Body)
	}
	periods := get("", at("/api/v1/periods", opened)).Map(t)
	if items := periods["items"].([]any); len(items) != 1 || items[0].(map[string]any)["phase"] != "penjaringan" {
		t.Errorf("periods after opening: %v", periods)
	}
	period := get("", "/api/v1/periods/2025")
	if period.Header.Get("ETag") != `"1"` {
		t.Errorf("period ETag = %q, want \"1\"", period.Header.Get("ETag"))
	}

	// The region's operator records its office and an innovation.
	do(http.StatusOK, apitest.Request{Method: "PATCH", Path: "/api/v1/regions/" + own, Token: p.operator,
		Body: map[string]any{"office_name": "Bapelitbangda Lampung Barat", "office_kind": "bapelitbang"}})
	created := post(http.StatusCreated, p.operator, "/api/v1/innovations", innovationBody(own, "Puskesmas Daring", "2024-01-10"))
	id := created.Map(t)["id"].(string)
	if created.Header.Get("Location") != "/api/v1/innovations/"+id || created.Header.Get("ETag") != `"1"` {
		t.Errorf("propose headers: Location %q ETag %q", created.Header.Get("Location"), created.Header.Get("ETag"))
	}
	post(http.StatusOK, p.operator, "/api/v1/innovations/"+id+"/stage", map[string]string{"to": "uji_coba", "on": "2024-03-10"})
	last := post(http.StatusOK, p.operator, "/api/v1/innovations/"+id+"/stage", map[string]string{"to": "penerapan", "on": "2024-06-01"})
	inn := get(p.operator, at("/api/v1/innovations/"+id, last))
	if m := inn.Map(t); m["stage"] != "penerapan" || len(m["timeline"].([]any)) != 3 {
		t.Errorf("innovation after two stage moves: %s", inn.Body)
	}
	if inn.Header.Get("ETag") != `"3"` {
		t.Errorf("innovation ETag = %q, want \"3\"", inn.Header.Get("ETag"))
	}
	get(p.auditor, "/api/v1/innovations?region="+own+"&stage=penerapan")

	// A second innovation is withdrawn, a third stays in inisiatif (and is
	// rejected for the year later); 18.71 replicates an implemented
	// innovation of its own region's neighbour: none of this touches the
	// IID of 18.04.
	spare := propose(t, s, p.operator, own, "Perpustakaan Keliling", "2025-02-01")
	post(http.StatusOK, p.operator, "/api/v1/innovations/"+spare+"/withdraw", map[string]string{"reason": "anggaran dialihkan"})
	idle := propose(t, s, p.operator, own, "Lapor Bupati", "2025-02-01")
	origin := implemented(t, s, p.otherOperator, other, "Samsat Keliling")
	post(http.StatusCreated, p.operator, "/api/v1/innovations/"+origin+"/replications", map[string]string{"adopter_region": own, "unit": "Bapenda"})

	// Answers and a Bimtek session attended by the innovation's unit.
	post(http.StatusOK, p.operator, "/api/v1/assessments/2025/"+own+"/answers", answerBody("1", "", 3, "visi misi"))
	post(http.StatusOK, p.operator, "/api/v1/assessments/2025/"+own+"/answers", answerBody("6", "", 2, "investasi"))
	post(http.StatusOK, p.operator, "/api/v1/assessments/2025/"+own+"/answers", answerBody("12", "", 3, "penghargaan"))
	answered := post(http.StatusOK, p.operator, "/api/v1/assessments/2025/"+own+"/answers", answerBody("16", id, 2, "perbup"))
	answers := get(p.operator, at("/api/v1/assessments/2025/"+own+"/answers", answered)).Map(t)
	if answers["total"] != 4.0 {
		t.Errorf("answers: %v", answers)
	}
	session := post(http.StatusCreated, p.operator, "/api/v1/bimtek", bimtekBody(own)).Map(t)["id"].(string)
	post(http.StatusOK, p.operator, "/api/v1/bimtek/"+session+"/attendance", map[string]string{"name": "Siti", "nip": "198001012005012001", "unit": unit, "role": "peserta"})
	closed := post(http.StatusOK, p.operator, "/api/v1/bimtek/"+session+"/close", nil)
	get(p.operator, at("/api/v1/bimtek?region="+own, closed))
	get(p.operator, "/api/v1/bimtek/"+session)

	score := func(token string, res apitest.Response) map[string]any {
		t.Helper()
		return get(token, at("/api/v1/index/2025/"+own, res)).Map(t)
	}
	iid := func(m map[string]any, variant string) float64 { return m[variant].(map[string]any)["iid"].(float64) }
	before := score(p.operator, closed)
	if iid(before, "verified") != 0.43 || iid(before, "provisional") != 5.47 {
		t.Errorf("before verification: verified IID %v (want 0.43), provisional %v (want 5.47)", iid(before, "verified"), iid(before, "provisional"))
	}
	// The simulator agrees with the score and suggests what could still
	// be answered, largest gain first.
	sim := get(p.operator, at("/api/v1/index/2025/"+own+"/simulation", closed)).Map(t)
	suggestions := sim["suggestions"].([]any)
	if iid(sim, "current") != 0.43 || iid(sim, "provisional") != 5.47 || sim["phase"] != "penjaringan" || len(suggestions) == 0 ||
		iid(sim, "best_case") <= iid(sim, "provisional") {
		t.Errorf("simulation before verification: current %v provisional %v best %v, %d suggestions", iid(sim, "current"),
			iid(sim, "provisional"), iid(sim, "best_case"), len(suggestions))
	}

	// The coordinator's summary before advancing: the region submitted, its
	// answers wait, and mandatory indicators are missing.
	sum := get(p.coordinator, at("/api/v1/periods/2025/summary", closed)).Map(t)
	if sum["regions_submitted"] != 1.0 || sum["answers_waiting"].(float64) < 4 || sum["rejected_awaiting_resubmission"] != 0.0 ||
		len(sum["regions_missing_mandatory"].([]any)) != 1 {
		t.Errorf("phase summary: %v", sum)
	}
	do(http.StatusForbidden, apitest.Request{Method: "GET", Path: "/api/v1/periods/2025/summary", Token: p.operator})

	// Verification.
	advance(t, s, p.coordinator, 2025, "pengukuran")
	get(p.verifier, "/api/v1/verification-queue?year=2025&region="+own)
	verify := func(indicator, innovation, decision string, option int) apitest.Response {
		return post(http.StatusOK, p.verifier, "/api/v1/assessments/2025/"+own+"/verifications", map[string]any{
			"indicator": indicator, "innovation_id": innovation, "decision": decision, "option": option, "reason": "bukti diperiksa"})
	}
	verify("1", "", "accepted", 0)
	verify("6", "", "accepted", 0)
	verify("12", "", "lowered", 1)
	verified := verify("16", id, "accepted", 0)
	post(http.StatusOK, p.verifier, "/api/v1/assessments/2025/rejections", map[string]string{"innovation_id": idle, "reason": "belum diterapkan"})

	after := score(p.auditor, verified)
	if sim := get(p.verifier, at("/api/v1/index/2025/"+own+"/simulation", verified)).Map(t); iid(sim, "current") != 3.87 || sim["phase"] != "pengukuran" {
		t.Errorf("simulation after verification: current %v in %v, want 3.87 in pengukuran", iid(sim, "current"), sim["phase"])
	}
	v := after["verified"].(map[string]any)
	if v["iid"] != 3.87 || v["iid_text"] != "3.87" || v["spd"] != "8" || v["sid"] != "1.68" || v["total"] != "9.68" ||
		v["predicate"] != "Kurang Inovatif" || v["counted_innovations"] != 1.0 {
		t.Errorf("verified totals = %v, want IID 3.87 (SPD 8, SID 1.68, total 9.68, Kurang Inovatif, 1 counted)", v)
	}

	// Reads of the year.
	rankings := get(p.coordinator, "/api/v1/rankings/2025").Map(t)
	found := false
	for _, row := range rankings["items"].([]any) {
		if r := row.(map[string]any); r["region"] == own {
			found = true
			if r["iid"] != 3.87 {
				t.Errorf("ranking row of %s: iid %v, want 3.87", own, r["iid"])
			}
		}
	}
	if !found {
		t.Errorf("%s is not ranked: %v", own, rankings)
	}
	get(p.coordinator, "/api/v1/rankings/2025?cluster=kabupaten&province=18&since=2025-05-01")
	get(p.coordinator, "/api/v1/index/2025")
	get(p.operator, "/api/v1/regions/"+own+"/scores")
	get(p.operator, "/api/v1/regions/"+own)
	get(p.operator, "/api/v1/stats?region="+own+"&year=2025")
	get(p.operator, "/api/v1/events/recent?limit=5")
	// An innovation's trail: its three stage events, then what the
	// assessment recorded about it (indicator 16 answered, then verified).
	var trail struct {
		Items []struct {
			Type    string            `json:"type"`
			Subject map[string]string `json:"subject"`
			Changes []struct {
				Field  string `json:"field"`
				Before any    `json:"before"`
			} `json:"changes"`
		} `json:"items"`
	}
	get(p.auditor, "/api/v1/audit?order=asc&entity=innovation/"+id).JSON(t, &trail)
	var types []string
	for _, e := range trail.Items {
		types = append(types, e.Type+" "+e.Subject["indicator"])
	}
	if want := []string{"innovation.proposed ", "innovation.trial_started ", "innovation.implementation_started ",
		"assessment.answer_submitted 16", "assessment.answer_verified 16"}; !slices.Equal(types, want) {
		t.Errorf("audit trail of the innovation: %q, want %q", types, want)
	}
	// each stage's date is new, not a change of the previous stage's date
	for _, e := range trail.Items[1:3] {
		for _, c := range e.Changes {
			if c.Field == "started_on" && c.Before != nil {
				t.Errorf("%s shows started_on changed from %v", e.Type, c.Before)
			}
		}
	}
	// (An unknown type is refused: this used to ask for "AnswerSubmitted",
	// which matched nothing, silently.)
	if page := get(p.auditor, "/api/v1/audit?region="+own+"&type=assessment.answer_submitted&from=2025-01-01&to=2025-12-31&limit=2").Map(t); len(page["items"].([]any)) != 2 || page["total"].(float64) < 4 {
		t.Errorf("the region's answers of 2025 in the audit trail: %v", page)
	}
	// Every verification names the answer it verified, though its indicator
	// and innovation did not change.
	var byVerifier struct {
		Items []struct {
			Type    string            `json:"type"`
			Subject map[string]string `json:"subject"`
		} `json:"items"`
	}
	get(p.auditor, "/api/v1/audit?order=asc&actor=ver-national&type=assessment.answer_verified").JSON(t, &byVerifier)
	var subjects []string
	for _, e := range byVerifier.Items {
		subjects = append(subjects, e.Subject["indicator"]+"/"+e.Subject["innovation_id"])
	}
	if want := []string{"1/", "6/", "12/", "16/" + id}; !slices.Equal(subjects, want) {
		t.Errorf("verifications in the audit trail are about %v, want %v", subjects, want)
	}
	// "Which event changed it, and who": one event of the explanation, found
	// by its id, with its before/after and actor.
	lowered := verifiedIDs(t, after, "12")
	var one struct {
		Total int `json:"total"`
		Items []struct {
			EventID string `json:"event_id"`
			Actor   struct {
				User string `json:"user"`
			} `json:"actor"`
			Changes []struct {
				Field  string `json:"field"`
				Before any    `json:"before"`
				After  any    `json:"after"`
			} `json:"changes"`
		} `json:"items"`
	}
	get(p.auditor, "/api/v1/audit?region="+own+"&event_id="+lowered).JSON(t, &one)
	if one.Total != 1 || one.Items[0].EventID != lowered || one.Items[0].Actor.User != "ver-national" {
		t.Fatalf("audit of event %s: %+v", lowered, one)
	}
	found = false
	for _, c := range one.Items[0].Changes {
		found = found || (c.Field == "decision" && c.After == "lowered")
	}
	if !found {
		t.Errorf("the lowering event shows changes %+v", one.Items[0].Changes)
	}
	do(http.StatusUnprocessableEntity, apitest.Request{Method: "GET", Path: "/api/v1/audit?region=" + own + "&event_id=nope", Token: p.auditor})
	get(p.operator, "/api/v1/innovations/"+id+"?as_of="+fmt.Sprint(created.Position()))

	// The public sees nothing of the year until it is published.
	do(http.StatusForbidden, apitest.Request{Method: "GET", Path: "/api/v1/rankings/2025"})
	do(http.StatusForbidden, apitest.Request{Method: "GET", Path: "/api/v1/index/2025/" + own})
	for _, to := range []string{"presentasi", "validasi_lapangan", "pleno"} {
		advance(t, s, p.coordinator, 2025, to)
	}
	published := advance(t, s, p.admin, 2025, "published")
	public := get("", at("/api/v1/index/2025/"+own, published))
	if pub, _ := public.Map(t)["published"].(map[string]any); pub == nil || pub["iid"] != 3.87 {
		t.Errorf("published result: %v, want IID 3.87", public.Map(t)["published"])
	}
	get("", "/api/v1/rankings/2025?q=lampung")
	get("", "/api/v1/index/2025")
	get("", "/api/v1/regions/"+own+"/scores")

	t.Run("streams live updates as Server-Sent Events", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r := s.NewRequest(apitest.Request{Method: "GET", Path: "/api/v1/stream", Token: p.auditor}).WithContext(ctx)
		res, err := s.Client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		buf := make([]byte, 64)
		n, _ := res.Body.Read(buf)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" || !strings.HasPrefix(string(buf[:n]), "retry: 3000") {
			t.Errorf("stream: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), buf[:n])
		}
	})
}

// verifiedIDs returns the id of the last event behind SPD indicator code in
// a score explanation (its verification).
func verifiedIDs(t *testing.T, score map[string]any, code string) string {
	t.Helper()
	for _, r := range score["spd"].([]any) {
		row := r.(map[string]any)
		if row["code"] == code {
			ids := row["event_ids"].([]any)
			return ids[len(ids)-1].(string)
		}
	}
	t.Fatalf("no SPD indicator %s in the explanation", code)
	return ""
}
