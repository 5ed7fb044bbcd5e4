package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api/apitest"
	"github.com/jejak-id/jejak/domain"
)

// TestBadInput: every refused request answers a problem document with the
// right status and code, and appends nothing.
func TestBadInput(t *testing.T) {
	c := mustContract(t)
	s := apitest.StartWith(t, apitest.Options{WaitTimeout: 200 * time.Millisecond})
	p := tokens(s)
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.coordinator, Body: periodBody(2025)})
	id := propose(t, s, p.operator, own, "Puskesmas Daring", "2024-01-10")
	good := innovationBody(own, "Inovasi Baru", "2025-01-02")
	withField := func(k string, v any) map[string]any {
		m := map[string]any{}
		for key, val := range good {
			m[key] = val
		}
		m[k] = v
		return m
	}
	stage := "/api/v1/innovations/" + id + "/stage"
	huge := `{"region":"` + own + `","name":"` + strings.Repeat("x", 1<<20+10) + `"}`
	// raw bodies: good with one member replaced, added or renamed by hand
	raw := func(edit func(string) string) string {
		b, err := json.Marshal(good)
		if err != nil {
			t.Fatal(err)
		}
		return edit(string(b))
	}
	answers := "/api/v1/assessments/2025/" + own + "/answers"
	longID := strings.Repeat("a", 10000)
	publicToken := s.Token("warga", domain.RolePublic, "")

	cases := []struct {
		name   string
		req    apitest.Request
		status int
		code   string
		field  string // the field errors must name, if any
	}{
		{"malformed JSON", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: `{"region":`}, 400, "malformed_request", ""},
		{"an unknown field", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: withField("colour", "red")}, 400, "malformed_request", "colour"},
		{"a field of the wrong type", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: withField("digital", "ya")}, 400, "malformed_request", "digital"},
		{"an empty body", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: ""}, 400, "malformed_request", ""},
		{"a JSON array instead of an object", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: `[]`}, 400, "malformed_request", ""},
		{"a body over 1 MiB", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: huge}, 413, "too_large", ""},
		{"trailing data after the object", apitest.Request{Method: "POST", Path: stage, Token: p.operator, Body: `{"to":"uji_coba"} {}`}, 400, "malformed_request", ""},
		{"trailing garbage after the object", apitest.Request{Method: "POST", Path: stage, Token: p.operator, Body: `{"to":"uji_coba"}x`}, 400, "malformed_request", ""},
		{"an illegal stage transition", apitest.Request{Method: "POST", Path: stage, Token: p.operator, Body: map[string]string{"to": "penerapan"}}, 409, "illegal_transition", ""},
		{"a stage that cannot be reached this way", apitest.Request{Method: "POST", Path: stage, Token: p.operator, Body: map[string]string{"to": "replikasi"}}, 422, "invalid", "to"},
		{"an illegal phase transition", apitest.Request{Method: "POST", Path: "/api/v1/periods/2025/advance", Token: p.coordinator, Body: map[string]string{"to": "pleno"}}, 409, "illegal_transition", ""},
		{"verification outside pengukuran", apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/verifications", Token: p.verifier,
			Body: map[string]any{"indicator": "1", "decision": "accepted", "reason": "x"}}, 409, "phase_closed", ""},
		{"opening a period twice", apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.coordinator, Body: periodBody(2025)}, 409, "already_exists", ""},
		{"an unknown region code in the body", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.coordinator, Body: withField("region", "99.99")}, 422, "invalid", "region"},
		{"an unknown region code in the path", apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/99.99/answers", Token: p.coordinator, Body: answerBody("1", "", 3, "x")}, 404, "not_found", ""},
		{"a region that is not autonomous", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.coordinator, Body: withField("region", "31.71")}, 422, "invalid", "region"},
		{"an unknown innovation", apitest.Request{Method: "POST", Path: "/api/v1/innovations/nope/stage", Token: p.operator, Body: map[string]string{"to": "uji_coba"}}, 404, "not_found", ""},
		{"an invalid date", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: withField("proposed_on", "2025-13-01")}, 422, "invalid", "proposed_on"},
		{"a date in the future", apitest.Request{Method: "POST", Path: stage, Token: p.operator, Body: map[string]string{"to": "uji_coba", "on": "2030-01-01"}}, 422, "invalid", "on"},
		{"an export as of a future date", apitest.Request{Method: "POST", Path: "/api/v1/exports", Token: p.coordinator, Body: map[string]any{"year": 2025, "as_of": "2030-01-01"}}, 422, "invalid", "as_of"},
		{"an audit window that ends before it starts", apitest.Request{Method: "GET", Path: "/api/v1/audit?region=" + own + "&from=2025-03-01&to=2025-02-01", Token: p.auditor}, 422, "invalid", "to"},
		{"a stage date before the proposal", apitest.Request{Method: "POST", Path: stage, Token: p.operator, Body: map[string]string{"to": "uji_coba", "on": "2023-12-31"}}, 422, "invalid", "on"},
		{"a proposal dated in the future", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: withField("proposed_on", "2030-01-01")}, 422, "invalid", "proposed_on"},
		{"an invalid year in the path", apitest.Request{Method: "GET", Path: "/api/v1/periods/20x5", Token: p.operator}, 422, "invalid", "year"},
		{"an answer option out of range", apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.operator, Body: answerBody("1", "", 4, "x")}, 422, "invalid", "option"},
		{"an Idempotency-Key with a space", apitest.Request{Method: "POST", Path: stage, Token: p.operator, Body: map[string]string{"to": "uji_coba"}, Header: map[string]string{"Idempotency-Key": "a b"}}, 422, "invalid", "Idempotency-Key"},
		{"an Idempotency-Key over 255 characters", apitest.Request{Method: "POST", Path: stage, Token: p.operator, Body: map[string]string{"to": "uji_coba"}, Header: map[string]string{"Idempotency-Key": strings.Repeat("k", 256)}}, 422, "invalid", "Idempotency-Key"},
		{"a stale If-Match", apitest.Request{Method: "POST", Path: stage, Token: p.operator, Body: map[string]string{"to": "uji_coba"}, Header: map[string]string{"If-Match": `"7"`}}, 412, "precondition_failed", ""},
		{"a malformed If-Match", apitest.Request{Method: "POST", Path: stage, Token: p.operator, Body: map[string]string{"to": "uji_coba"}, Header: map[string]string{"If-Match": "versi-1"}}, 400, "precondition_required", ""},
		{"an unknown route", apitest.Request{Method: "GET", Path: "/api/v1/nothing-here", Token: p.operator}, 404, "route_not_found", ""},
		{"a bad as_of", apitest.Request{Method: "GET", Path: "/api/v1/periods?as_of=kemarin"}, 422, "invalid", "as_of"},
		{"a negative min_position", apitest.Request{Method: "GET", Path: "/api/v1/periods?min_position=-1"}, 422, "invalid", "min_position"},
		{"a min_position beyond the head", apitest.Request{Method: "GET", Path: "/api/v1/periods?min_position=999999"}, 504, "timeout", ""},
		{"a limit out of range", apitest.Request{Method: "GET", Path: "/api/v1/innovations?limit=0", Token: p.operator}, 422, "invalid", "limit"},
		{"an unknown region filter", apitest.Request{Method: "GET", Path: "/api/v1/innovations?region=99.99", Token: p.operator}, 422, "invalid", "region"},
		{"an invalid token", apitest.Request{Method: "GET", Path: "/api/v1/me", Token: "not-a-jwt"}, 401, "unauthenticated", ""},
		{"a token signed by another key", apitest.Request{Method: "GET", Path: "/api/v1/me", Token: apitest.Start(t).Token("admin-1", "admin", "")}, 401, "unauthenticated", ""},
		{"an Authorization header that is not Bearer", apitest.Request{Method: "GET", Path: "/api/v1/periods", Header: map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4="}}, 401, "unauthenticated", ""},
		{"an audit order that is neither asc nor desc", apitest.Request{Method: "GET", Path: "/api/v1/audit?order=newest", Token: p.auditor}, 422, "invalid", "order"},
		{"an audit cursor the API did not give", apitest.Request{Method: "GET", Path: "/api/v1/audit?cursor=abc", Token: p.auditor}, 422, "invalid", "cursor"},
		{"an audit query of an entity without an id", apitest.Request{Method: "GET", Path: "/api/v1/audit?entity=innovation/", Token: p.auditor}, 422, "invalid", "entity"},
		{"an audit query of an unknown event type", apitest.Request{Method: "GET", Path: "/api/v1/audit?region=" + own + "&type=innovation.deleted", Token: p.auditor}, 422, "invalid", "type"},

		// issue 14: what was accepted and stored for good before
		{"a name with NUL", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: withField("name", "Inovasi\x00Baru")}, 422, "invalid", "name"},
		{"a name with U+0001", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: withField("name", "Inovasi\u0001Baru")}, 422, "invalid", "name"},
		{"a name with a newline", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: withField("name", "Inovasi\nBaru")}, 422, "invalid", "name"},
		{"a name with a right-to-left override", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: withField("name", "Inovasi \u202eurab")}, 422, "invalid", "name"},
		{"a unit with a bidi isolate", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: withField("unit", "Dinas \u2067x\u2069")}, 422, "invalid", "unit"},
		{"a name over 200 characters", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: withField("name", strings.Repeat("é", 201))}, 422, "invalid", "name"},
		{"evidence with a control character", apitest.Request{Method: "POST", Path: answers, Token: p.operator, Body: answerBody("1", "", 3, "catatan\x07")}, 422, "invalid", "evidence.note"},
		{"invalid UTF-8 in a string", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator,
			Body: raw(func(b string) string { return strings.Replace(b, `"Inovasi Baru"`, "\"Inovasi \xff\xfe Baru\"", 1) })}, 400, "malformed_request", "name"},
		{"invalid UTF-8 in a member name", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator,
			Body: raw(func(b string) string { return strings.Replace(b, `"name":`, "\"n\xffme\":", 1) })}, 400, "malformed_request", ""},
		{"a duplicate key (the last used to win)", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator,
			Body: raw(func(b string) string { return strings.Replace(b, `"name":`, `"name":"Pertama","name":`, 1) })}, 400, "malformed_request", "name"},
		{"a duplicate key in a nested object", apitest.Request{Method: "POST", Path: answers, Token: p.operator,
			Body: `{"indicator":"1","option":3,"evidence":{"note":"a","note":"b"}}`}, 400, "malformed_request", "evidence.note"},
		{"a field name in another case", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator,
			Body: raw(func(b string) string { return strings.Replace(b, `"name":`, `"Name":`, 1) })}, 400, "malformed_request", "Name"},
		{"a field name in upper case", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator,
			Body: raw(func(b string) string { return strings.Replace(b, `"name":`, `"NAME":`, 1) })}, 400, "malformed_request", "NAME"},
		{"a nested field name in another case", apitest.Request{Method: "POST", Path: answers, Token: p.operator,
			Body: `{"indicator":"1","option":3,"evidence":{"Note":"a"}}`}, 400, "malformed_request", "evidence.Note"},
		{"a proposal dated 0000-01-01", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: withField("proposed_on", "0000-01-01")}, 422, "invalid", "proposed_on"},
		{"a proposal dated 1900-01-01", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: withField("proposed_on", "1900-01-01")}, 422, "invalid", "proposed_on"},
		{"a Bimtek dated 1900-01-01", apitest.Request{Method: "POST", Path: "/api/v1/bimtek", Token: p.operator,
			Body: func() map[string]any { b := bimtekBody(own); b["date"] = "1900-01-01"; return b }()}, 422, "invalid", "date"},
		{"a schedule in another year", apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.coordinator,
			Body: func() map[string]any {
				b := periodBody(2026)
				b["schedule"].([]map[string]string)[5]["end"] = "2030-01-01"
				return b
			}()}, 422, "invalid", "schedule[5].end"},
		{"an option of 1e400", apitest.Request{Method: "POST", Path: answers, Token: p.operator,
			Body: `{"indicator":"1","option":1e400,"evidence":{"note":"a"}}`}, 400, "malformed_request", "option"},
		{"an option beyond int64", apitest.Request{Method: "POST", Path: answers, Token: p.operator,
			Body: `{"indicator":"1","option":99999999999999999999,"evidence":{"note":"a"}}`}, 400, "malformed_request", "option"},
		{"a fractional option", apitest.Request{Method: "POST", Path: answers, Token: p.operator,
			Body: `{"indicator":"1","option":2.5,"evidence":{"note":"a"}}`}, 400, "malformed_request", "option"},
		{"a year beyond int64", apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.coordinator,
			Body: `{"year":1e30,"catalogue_version":"iid-2025.1","schedule":[]}`}, 400, "malformed_request", "year"},
		{"an as_of after 2262-04-11", apitest.Request{Method: "GET", Path: "/api/v1/periods?as_of=2262-04-12"}, 422, "invalid", "as_of"},
		{"an as_of in the year 3000", apitest.Request{Method: "GET", Path: "/api/v1/periods?as_of=3000-01-01"}, 422, "invalid", "as_of"},
		{"an as_of before 1678", apitest.Request{Method: "GET", Path: "/api/v1/periods?as_of=1600-01-01T00:00:00Z"}, 422, "invalid", "as_of"},
		{"a ranking since the year 9999", apitest.Request{Method: "GET", Path: "/api/v1/rankings/2025?since=9999-01-01"}, 422, "invalid", "since"},
		{"a path id with a subject wildcard", apitest.Request{Method: "POST", Path: "/api/v1/innovations/a*b/stage", Token: p.operator, Body: map[string]string{"to": "uji_coba"}}, 422, "invalid", "id"},
		{"a path id of 10,000 characters", apitest.Request{Method: "POST", Path: "/api/v1/innovations/" + longID + "/stage", Token: p.operator, Body: map[string]string{"to": "uji_coba"}}, 422, "invalid", "id"},
		{"a body id of 10,000 characters", apitest.Request{Method: "POST", Path: answers, Token: p.operator, Body: answerBody("16", longID, 3, "x")}, 422, "invalid", "innovation_id"},
		{"a public token writing", apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: publicToken, Body: good}, 403, "forbidden", ""},
		{"an Authorization scheme that is not Bearer in any case", apitest.Request{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"Authorization": "bearers x"}}, 401, "unauthenticated", ""},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("refuses %s with %d %s", tc.name, tc.status, tc.code), func(t *testing.T) {
			before := s.Head()
			res := s.Do(tc.req)
			c.validate(t, s, tc.req, res)
			pr := problemOf(t, res)
			t.Logf("%d %s: %s %+v", res.Status, pr.Code, pr.Detail, pr.Errors)
			if res.Status != tc.status || pr.Code != tc.code {
				t.Fatalf("got %d %s (%s), want %d %s", res.Status, pr.Code, pr.Detail, tc.status, tc.code)
			}
			if tc.field != "" && (len(pr.Errors) == 0 || pr.Errors[0].Field != tc.field) {
				t.Errorf("errors = %+v, want field %q", pr.Errors, tc.field)
			}
			if after := s.Head(); after != before {
				t.Errorf("appended %d commits", after-before)
			}
			if n := strings.Count(string(res.Body), longID); n > 1 {
				t.Errorf("the answer echoes a long id %d times", n)
			}
		})
	}

	t.Run("accepts the Bearer scheme in any case", func(t *testing.T) {
		for _, scheme := range []string{"bearer", "BEARER", "Bearer"} {
			res := s.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"Authorization": scheme + " " + p.operator}})
			if res.Status != http.StatusOK || res.Map(t)["user"] != "op-own" {
				t.Errorf("%s: %d %s", scheme, res.Status, res.Body)
			}
		}
	})

	t.Run("reads the current state as of a future instant", func(t *testing.T) {
		now := s.MustDo(apitest.Request{Method: "GET", Path: "/api/v1/periods"})
		later := s.MustDo(apitest.Request{Method: "GET", Path: "/api/v1/periods?as_of=2262-04-11"})
		var a, b struct {
			Items    []any  `json:"items"`
			Position uint64 `json:"position"`
		}
		now.JSON(t, &a)
		later.JSON(t, &b)
		if len(a.Items) == 0 || len(a.Items) != len(b.Items) {
			t.Errorf("now %s, as of 2262-04-11 %s", now.Body, later.Body)
		}
	})

	t.Run("tells a stale If-Match the current version", func(t *testing.T) {
		res := s.Do(apitest.Request{Method: "POST", Path: stage, Token: p.operator, Body: map[string]string{"to": "uji_coba"}, Header: map[string]string{"If-Match": `"7"`}})
		if pr := problemOf(t, res); pr.CurrentVersion == nil || *pr.CurrentVersion != 1 {
			t.Errorf("current_version = %v, want 1", pr.CurrentVersion)
		}
	})

	t.Run("accepts the current If-Match", func(t *testing.T) {
		created := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator,
			Body: innovationBody(own, "Inovasi If-Match", "2025-01-02")})
		other := created.Map(t)["id"].(string)
		// read your write: the projection may not have applied it yet
		etag := s.MustDo(apitest.Request{Method: "GET", Token: p.operator,
			Path: fmt.Sprintf("/api/v1/innovations/%s?min_position=%d", other, created.Position())}).Header.Get("ETag")
		req := apitest.Request{Method: "POST", Path: "/api/v1/innovations/" + other + "/stage", Token: p.operator,
			Body: map[string]string{"to": "uji_coba"}, Header: map[string]string{"If-Match": etag}}
		res := s.Do(req)
		c.validate(t, s, req, res)
		if res.Status != http.StatusOK || res.Header.Get("ETag") != `"2"` {
			t.Errorf("If-Match %s: %d ETag %s", etag, res.Status, res.Header.Get("ETag"))
		}
	})

	t.Run("replays a repeated Idempotency-Key without appending", func(t *testing.T) {
		req := apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: good,
			Header: map[string]string{"Idempotency-Key": "usulan-42"}}
		first := s.Do(req)
		c.validate(t, s, req, first)
		if first.Status != http.StatusCreated || first.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first: %d replayed=%q", first.Status, first.Header.Get("Idempotent-Replayed"))
		}
		before := s.Head()
		again := s.Do(req)
		c.validate(t, s, req, again)
		if again.Status != http.StatusCreated || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry: %d replayed=%q", again.Status, again.Header.Get("Idempotent-Replayed"))
		}
		if string(again.Body) != string(first.Body) {
			t.Errorf("retry answered %s, first %s", again.Body, first.Body)
		}
		if after := s.Head(); after != before {
			t.Errorf("the retry appended %d commits", after-before)
		}
		other := req
		other.Body = map[string]any{"region": own, "name": "Inovasi lain", "unit": "Dinas Kesehatan"}
		reused := s.Do(other)
		if pr := problemOf(t, reused); reused.Status != 422 || pr.Code != "idempotency_key_reused" {
			t.Errorf("reused key for another body: %d %s", reused.Status, pr.Code)
		}
		if after := s.Head(); after != before {
			t.Errorf("the reused key appended %d commits", after-before)
		}
	})

	t.Run("a request refused for its body does not use up its Idempotency-Key", func(t *testing.T) {
		key := map[string]string{"Idempotency-Key": "koreksi-1"}
		bad := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Header: key,
			Body: innovationBody(own, "Inovasi\u202eKoreksi", "2025-01-02")})
		if bad.Status != 422 {
			t.Fatalf("bad body: %d %s", bad.Status, bad.Body)
		}
		malformed := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Header: key, Body: `{"name":`})
		if malformed.Status != 400 {
			t.Fatalf("malformed body: %d %s", malformed.Status, malformed.Body)
		}
		fixed := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Header: key,
			Body: innovationBody(own, "Inovasi Koreksi", "2025-01-02")})
		if fixed.Status != http.StatusCreated {
			t.Errorf("corrected retry with the same key: %d %s", fixed.Status, fixed.Body)
		}
	})

	t.Run("a request refused by authorisation does not use up its Idempotency-Key", func(t *testing.T) {
		key := map[string]string{"Idempotency-Key": "koreksi-2"}
		wrong := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Header: key,
			Body: innovationBody(other, "Inovasi Daerah Lain", "2025-01-02")})
		if wrong.Status != 403 {
			t.Fatalf("another region: %d %s", wrong.Status, wrong.Body)
		}
		fixed := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Header: key,
			Body: innovationBody(own, "Inovasi Daerah Sendiri", "2025-01-02")})
		if fixed.Status != http.StatusCreated {
			t.Errorf("corrected retry with the same key: %d %s", fixed.Status, fixed.Body)
		}
		other := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Header: key,
			Body: innovationBody(own, "Inovasi Ketiga", "2025-01-02")})
		if pr := problemOf(t, other); other.Status != 422 || pr.Code != "idempotency_key_reused" {
			t.Errorf("a third body after success: %d %s", other.Status, pr.Code)
		}
	})

	t.Run("compares bodies as JSON values", func(t *testing.T) {
		key := map[string]string{"Idempotency-Key": "indentasi-1"}
		body := innovationBody(own, "Inovasi Indentasi", "2025-01-02")
		compact, _ := json.Marshal(body)
		indented, _ := json.MarshalIndent(body, "", "    ")
		first := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Header: key, Body: string(compact)})
		before := s.Head()
		again := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Header: key, Body: string(indented)})
		if first.Status != http.StatusCreated || again.Status != http.StatusCreated || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("first %d, re-indented copy %d replayed=%q: %s", first.Status, again.Status, again.Header.Get("Idempotent-Replayed"), again.Body)
		}
		if s.Head() != before {
			t.Error("the re-indented copy appended")
		}
	})

	t.Run("answers 405 with Allow for a known path and a wrong method", func(t *testing.T) {
		res := s.Do(apitest.Request{Method: "DELETE", Path: "/api/v1/innovations", Token: p.operator})
		if pr := problemOf(t, res); res.Status != 405 || pr.Code != "method_not_allowed" || res.Header.Get("Allow") != "GET, POST" {
			t.Errorf("got %d %s Allow=%q", res.Status, pr.Code, res.Header.Get("Allow"))
		}
	})

	t.Run("refuses an expired token", func(t *testing.T) {
		tok := s.Token("op-own", "operator", own)
		now := s.Clock.Now()
		s.Clock.Set(now.Add(48 * time.Hour))
		defer s.Clock.Set(now)
		res := s.Do(apitest.Request{Method: "GET", Path: "/api/v1/me", Token: tok})
		if pr := problemOf(t, res); res.Status != 401 || pr.Code != "unauthenticated" || !strings.Contains(pr.Detail, "expired") {
			t.Errorf("got %d %s %q", res.Status, pr.Code, pr.Detail)
		}
	})
}

// TestUnavailableStore: when the store is gone, errors are problem
// documents that say nothing of the internals.
func TestUnavailableStore(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)
	if err := s.Store.Close(); err != nil {
		t.Fatal(err)
	}
	for _, req := range []apitest.Request{
		{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: innovationBody(own, "X", "2025-01-02")},
		// A read that loads from the store (periods are read from the index,
		// audit pages found in the audit index; one event's trail is loaded).
		{Method: "GET", Path: "/api/v1/audit?entity=innovation/0190f3a2-7c4e-7abc-8def-0123456789ab&event_id=0190f3a2-7c4e-7abc-8def-0123456789ab", Token: p.auditor},
		{Method: "GET", Path: "/readyz"},
	} {
		res := s.Do(req)
		c.validate(t, s, req, res)
		pr := problemOf(t, res)
		if res.Status < 500 {
			t.Errorf("%s %s: %d %s, want a 5xx", req.Method, req.Path, res.Status, pr.Code)
		}
		for _, internal := range []string{"nats", "jetstream", "JEJAK_EVENTS", "context", "go:", ".go"} {
			if strings.Contains(strings.ToLower(pr.Detail), strings.ToLower(internal)) {
				t.Errorf("%s %s: detail leaks %q: %s", req.Method, req.Path, internal, pr.Detail)
			}
		}
		if res.Status == http.StatusInternalServerError && pr.Detail != "an unexpected error occurred; it has been logged" {
			t.Errorf("%s %s: a 500 says %q", req.Method, req.Path, pr.Detail)
		}
	}
}
