package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/jejak-id/jejak/api/apitest"
)

// TestScoreBodiesFollowTheFacts checks the cache of encoded explanations:
// every answer carries the position it reflects, and the body changes when
// an event touches the region's score or its profile, and only then.
func TestScoreBodiesFollowTheFacts(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.coordinator, Body: periodBody(2025)})
	id := implemented(t, s, p.operator, own, "Puskesmas Keliling")
	last := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.operator,
		Body: answerBody("16", id, 2, "perbup")})

	read := func(after apitest.Response) (uint64, map[string]any, []byte) {
		t.Helper()
		res := checked(t, c, s, apitest.Request{Method: "GET", Token: p.auditor, Header: map[string]string{"Accept-Encoding": "identity"},
			Path: fmt.Sprintf("/api/v1/index/2025/%s?min_position=%d", own, after.Position())})
		if res.Status != 200 || res.Header.Get("Content-Length") != strconv.Itoa(len(res.Body)) {
			t.Fatalf("status %d, Content-Length %q for %d bytes", res.Status, res.Header.Get("Content-Length"), len(res.Body))
		}
		m := res.Map(t)
		delete(m, "position")
		rest, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return res.Position(), m, rest
	}
	pos1, _, body1 := read(last)
	if pos1 != last.Position() {
		t.Fatalf("position %d, want %d", pos1, last.Position())
	}
	if pos, _, body := read(last); pos != pos1 || !bytes.Equal(body, body1) {
		t.Fatal("a second read of an unchanged region differs")
	}

	// Another region's fact moves the position only.
	elsewhere := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.otherOperator,
		Body: innovationBody(other, "Samsat Keliling", "2025-02-01")})
	if pos, _, body := read(elsewhere); pos != elsewhere.Position() || !bytes.Equal(body, body1) {
		t.Fatalf("after a fact elsewhere: position %d (want %d), body changed %v", pos, elsewhere.Position(), !bytes.Equal(body, body1))
	}

	// An answer of this region changes the explanation.
	more := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/assessments/2025/" + own + "/answers", Token: p.operator,
		Body: answerBody("17", id, 3, "sk")})
	_, m2, body2 := read(more)
	if bytes.Equal(body2, body1) {
		t.Fatal("a new answer of the region left its explanation unchanged")
	}
	prov := func(m map[string]any) any { return m["provisional"].(map[string]any)["iid"] }
	t.Logf("provisional IID %v after the second answer", prov(m2))

	// So does the region's profile.
	profile := s.MustDo(apitest.Request{Method: "PATCH", Path: "/api/v1/regions/" + own, Token: p.admin,
		Body: map[string]any{"office_name": "Bappeda Lampung Barat", "office_kind": "bappeda", "perbatasan": false}})
	_, m3, _ := read(profile)
	if m3["region"].(map[string]any)["office_name"] != "Bappeda Lampung Barat" {
		t.Fatalf("the profile change is not shown: %v", m3["region"])
	}
}
