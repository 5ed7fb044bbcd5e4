package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/jejak-id/jejak/api/apitest"
)

// TestReadVersions: every read that answers an ETag takes it from the
// index as of the read's position. A write answers its aggregate's new
// version; a read as of the write's position answers the same, a read at
// min_position of the last write the latest, and a read as of before the
// first write version 0 or not found.
func TestReadVersions(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)
	read := func(t *testing.T, path string, want int) apitest.Response {
		t.Helper()
		res := checked(t, c, s, apitest.Request{Method: "GET", Path: path, Token: p.admin})
		if res.Status != want {
			t.Fatalf("GET %s: %d, want %d: %s", path, res.Status, want, truncate(res.Body))
		}
		return res
	}
	// follows checks the reads of path against the writes to its aggregate,
	// made after position before.
	follows := func(t *testing.T, path string, before uint64, writes ...apitest.Response) {
		t.Helper()
		last := writes[len(writes)-1]
		if got := read(t, fmt.Sprintf("%s?min_position=%d", path, last.Position()), 200).Header.Get("ETag"); got != last.Header.Get("ETag") {
			t.Errorf("read at the last write: ETag %s, want %s", got, last.Header.Get("ETag"))
		}
		for i, w := range writes {
			want := fmt.Sprintf(`"%d"`, i+1)
			if got := w.Header.Get("ETag"); got != want {
				t.Errorf("write %d answered ETag %s, want %s", i+1, got, want)
			}
			if got := read(t, fmt.Sprintf("%s?as_of=%d", path, w.Position()), 200).Header.Get("ETag"); got != want {
				t.Errorf("read as of write %d (position %d): ETag %s, want %s", i+1, w.Position(), got, want)
			}
		}
		res := s.Do(apitest.Request{Method: "GET", Path: fmt.Sprintf("%s?as_of=%d", path, before), Token: p.admin})
		if res.Status != http.StatusNotFound && res.Header.Get("ETag") != `"0"` {
			t.Errorf("read as of before the first write: %d, ETag %s", res.Status, res.Header.Get("ETag"))
		}
	}
	// A first commit, so that "before" is a position.
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2024)})

	t.Run("a period honours as_of and min_position", func(t *testing.T) {
		before := s.Head()
		opened := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2025)})
		moved := advance(t, s, p.admin, 2025, "pengukuran")
		follows(t, "/api/v1/periods/2025", before, opened, moved)
		now := read(t, fmt.Sprintf("/api/v1/periods/2025?min_position=%d", moved.Position()), 200).Map(t)
		if now["phase"] != "pengukuran" || now["version"] != 2.0 {
			t.Errorf("at the advance: %v", now)
		}
		then := read(t, fmt.Sprintf("/api/v1/periods/2025?as_of=%d", opened.Position()), 200).Map(t)
		if then["phase"] != "penjaringan" || then["version"] != 1.0 || then["closes_at"] != "2025-06-30" ||
			len(then["schedule"].([]any)) != 6 || then["frozen"] != false || then["catalogue_version"] != "iid-2025.1" {
			t.Errorf("as of the opening: %v", then)
		}
		read(t, fmt.Sprintf("/api/v1/periods/2025?as_of=%d", before), http.StatusNotFound)
		read(t, fmt.Sprintf("/api/v1/periods/2025?min_position=%d", s.Head()+1000), http.StatusGatewayTimeout)
		read(t, "/api/v1/periods/2025?as_of=kemarin", http.StatusUnprocessableEntity)
		read(t, "/api/v1/periods/2031", http.StatusNotFound)
	})

	t.Run("a region's profile", func(t *testing.T) {
		if got := read(t, "/api/v1/regions/"+other, 200).Header.Get("ETag"); got != `"0"` {
			t.Errorf("a region without a profile: ETag %s, want \"0\"", got)
		}
		before := s.Head()
		patch := func(office string) apitest.Response {
			return s.MustDo(apitest.Request{Method: "PATCH", Path: "/api/v1/regions/" + own, Token: p.operator,
				Body: map[string]any{"office_name": office, "office_kind": "bappeda"}})
		}
		follows(t, "/api/v1/regions/"+own, before, patch("Bappeda Lampung Barat"), patch("Bapelitbangda Lampung Barat"))
	})

	t.Run("an innovation", func(t *testing.T) {
		before := s.Head()
		proposed := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: innovationBody(own, "Layanan Daring", "2024-01-10")})
		id := proposed.Map(t)["id"].(string)
		trial := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/innovations/" + id + "/stage", Token: p.operator, Body: map[string]string{"to": "uji_coba", "on": "2024-03-10"}})
		follows(t, "/api/v1/innovations/"+id, before, proposed, trial)
	})

	t.Run("a Bimtek session", func(t *testing.T) {
		before := s.Head()
		scheduled := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/bimtek", Token: p.operator, Body: bimtekBody(own)})
		id := scheduled.Map(t)["id"].(string)
		attended := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/bimtek/" + id + "/attendance", Token: p.operator,
			Body: map[string]string{"name": "Ani", "nip": "198202022007022002", "unit": unit, "role": "peserta"}})
		follows(t, "/api/v1/bimtek/"+id, before, scheduled, attended)
	})

	t.Run("an assessment's answers", func(t *testing.T) {
		// The first answer starts the assessment: one commit of two events.
		path := "/api/v1/assessments/2024/" + own + "/answers"
		before := s.Head()
		first := s.MustDo(apitest.Request{Method: "POST", Path: path, Token: p.operator, Body: answerBody("1", "", 2, "a")})
		second := s.MustDo(apitest.Request{Method: "POST", Path: path, Token: p.operator, Body: answerBody("2a", "", 2, "b")})
		if first.Header.Get("ETag") != `"2"` || second.Header.Get("ETag") != `"3"` {
			t.Fatalf("answers answered ETags %s and %s, want \"2\" and \"3\"", first.Header.Get("ETag"), second.Header.Get("ETag"))
		}
		read(t, fmt.Sprintf("%s?min_position=%d", path, second.Position()), 200)
		for _, w := range []apitest.Response{first, second} {
			if got := read(t, fmt.Sprintf("%s?as_of=%d", path, w.Position()), 200).Header.Get("ETag"); got != w.Header.Get("ETag") {
				t.Errorf("answers as of position %d: ETag %s, the write answered %s", w.Position(), got, w.Header.Get("ETag"))
			}
		}
		if got := read(t, fmt.Sprintf("%s?as_of=%d", path, before), 200).Header.Get("ETag"); got != `"0"` {
			t.Errorf("answers before the first: ETag %s, want \"0\"", got)
		}
	})
}
