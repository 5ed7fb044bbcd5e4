package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api/apitest"
	"github.com/jejak-id/jejak/domain"
)

// fuzzStack starts a stack with a period, an innovation and a Bimtek
// session, and returns the admin's token and the paths that need ids.
func fuzzStack(f *testing.F) (*apitest.Stack, string, map[string]string) {
	s := apitest.StartWith(f, apitest.Options{WaitTimeout: time.Millisecond})
	admin := s.Token("admin-fuzz", domain.RoleAdmin, "")
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: admin, Body: periodBody(2025)})
	inn := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: admin, Body: innovationBody(own, "Inovasi Uji", "2025-01-02")})
	ses := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/bimtek", Token: admin, Body: bimtekBody(own)})
	return s, admin, map[string]string{"{innovation}": inn.Map(f)["id"].(string), "{session}": ses.Map(f)["id"].(string)}
}

// send sends one request without the test helpers (they may not be used
// inside a fuzz function).
func send(t *testing.T, s *apitest.Stack, method, path, token string, body []byte, header map[string]string) (int, []byte) {
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil // not a request a client could send
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data
}

// head is the store's head, without the stack's test helpers.
func head(t *testing.T, s *apitest.Stack) uint64 {
	h, err := s.Store.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// checkAnswer: no 5xx but a bounded wait's 504, a coded problem for every
// refusal, and nothing appended by a refusal.
func checkAnswer(t *testing.T, s *apitest.Stack, what string, status int, body []byte, before, after uint64) {
	if status == 0 {
		return
	}
	if status >= 500 && status != http.StatusGatewayTimeout {
		t.Fatalf("%s: %d %s", what, status, body)
	}
	if status >= 400 {
		var p struct {
			Code string `json:"code"`
		}
		if err := json.Unmarshal(body, &p); err != nil || p.Code == "" || (status == http.StatusGatewayTimeout && p.Code != "timeout") {
			t.Fatalf("%s: %d without a coded problem: %s", what, status, body)
		}
		if after != before {
			t.Fatalf("%s: refused with %d but appended %d commits: %s", what, status, after-before, body)
		}
	}
}

// FuzzWrites sends any body to every write endpoint, as an admin (who may
// do anything, so the domain's own rules are what refuses).
func FuzzWrites(f *testing.F) {
	routes := []struct{ method, path string }{
		{"POST", "/api/v1/innovations"}, {"POST", "/api/v1/innovations/{innovation}/stage"},
		{"POST", "/api/v1/innovations/{innovation}/withdraw"}, {"POST", "/api/v1/innovations/{innovation}/replications"},
		{"POST", "/api/v1/assessments/2025/" + own + "/answers"}, {"POST", "/api/v1/assessments/2025/" + own + "/verifications"},
		{"POST", "/api/v1/assessments/2025/rejections"}, {"POST", "/api/v1/bimtek"},
		{"POST", "/api/v1/bimtek/{session}/attendance"}, {"POST", "/api/v1/bimtek/{session}/close"},
		{"POST", "/api/v1/periods"}, {"POST", "/api/v1/periods/2025/advance"}, {"PATCH", "/api/v1/regions/" + own},
	}
	seed := func(v any) []byte {
		b, _ := json.Marshal(v)
		return b
	}
	for i, body := range [][]byte{
		seed(innovationBody(own, "Inovasi\u202e", "2025-01-02")), seed(map[string]string{"to": "uji_coba", "on": "0000-01-01"}),
		seed(map[string]string{"reason": "a\x00"}), seed(map[string]string{"adopter_region": other}),
		seed(answerBody("1", "", 3, "catatan")), seed(map[string]any{"indicator": "1", "decision": "accepted", "reason": "ok"}),
		seed(map[string]string{"innovation_id": "x", "reason": "r"}), seed(bimtekBody(own)),
		seed(map[string]string{"name": "Siti", "unit": "Dinas", "role": "pamong"}), []byte(`{}`),
		seed(periodBody(2030)), []byte(`{"to":"pengukuran"}`), []byte(`{"office_name":"Brida","office_kind":"brida"}`),
	} {
		f.Add(uint8(i), body, false)
	}
	f.Add(uint8(0), []byte(`{"name":"a","name":"b"}`), true)
	s, admin, ids := fuzzStack(f)
	f.Fuzz(func(t *testing.T, route uint8, body []byte, withKey bool) {
		rt := routes[int(route)%len(routes)]
		path := rt.path
		for k, v := range ids {
			path = strings.ReplaceAll(path, k, v)
		}
		var header map[string]string
		if withKey {
			header = map[string]string{"Idempotency-Key": "fuzz-key"}
		}
		before := head(t, s)
		status, answer := send(t, s, rt.method, path, admin, body, header)
		checkAnswer(t, s, rt.method+" "+rt.path, status, answer, before, head(t, s))
	})
}

// FuzzReads sends any query string (as_of, min_position, paging, filters)
// to the read endpoints.
func FuzzReads(f *testing.F) {
	paths := []string{"/api/v1/periods", "/api/v1/periods/2025", "/api/v1/innovations", "/api/v1/innovations/{innovation}",
		"/api/v1/rankings/2025", "/api/v1/index/2025", "/api/v1/index/2025/" + own, "/api/v1/audit", "/api/v1/verification-queue",
		"/api/v1/bimtek", "/api/v1/bimtek/{session}", "/api/v1/stats", "/api/v1/events/recent", "/api/v1/regions", "/api/v1/regions/" + own + "/scores",
		"/api/v1/assessments/2025/" + own + "/answers"}
	for i, q := range []string{"as_of=2025-08-06", "as_of=2262-04-12", "as_of=3000-01-01", "as_of=1", "as_of=18446744073709551615",
		"min_position=1", "min_position=-1", "min_position=99999999999999999999", "limit=0&offset=-1", "limit=1000&offset=1073741824",
		"since=2025-01-01&cluster=kabupaten", "region=" + own + "&from=2025-01-01&to=2024-01-01", "entity=innovation/x", "event_id=nope",
		"year=99999&status=pending", "q=%ff%fe"} {
		f.Add(uint8(i), q)
	}
	s, admin, ids := fuzzStack(f)
	f.Fuzz(func(t *testing.T, route uint8, query string) {
		path := paths[int(route)%len(paths)]
		for k, v := range ids {
			path = strings.ReplaceAll(path, k, v)
		}
		if strings.ContainsAny(query, "# \r\n\t") {
			return // not one query string
		}
		before := head(t, s)
		status, answer := send(t, s, "GET", path+"?"+query, admin, nil, nil)
		checkAnswer(t, s, "GET "+path+"?"+query, status, answer, before, head(t, s))
	})
}
