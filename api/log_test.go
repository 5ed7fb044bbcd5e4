package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/jejak-id/jejak/api/apitest"
	"github.com/jejak-id/jejak/merklelog"
)

func TestLogEndpoints(t *testing.T) {
	c := mustContract(t)
	s := apitest.Start(t)
	p := tokens(s)

	res := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/log/head"})
	if res.Status != http.StatusNotFound {
		t.Fatalf("head before any commit: %d %s", res.Status, res.Body)
	}
	var positions []uint64
	for i := range 5 {
		res := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator,
			Body: innovationBody(own, fmt.Sprintf("Inovasi %d", i), "2025-03-01")})
		positions = append(positions, res.Position())
	}
	first := s.Seal(positions[2])
	more := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator,
		Body: innovationBody(own, "Inovasi akhir", "2025-03-01")})
	latest := s.Seal(more.Position())
	trusted := note.VerifierList(s.Log().Key.Verifier)

	var head merklelog.Head
	t.Run("the latest head is signed and covers every write", func(t *testing.T) {
		res := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/log/head"})
		var err error
		if head, err = merklelog.ReadHead(res.Body, trusted); err != nil {
			t.Fatalf("head: %v\n%s", err, res.Body)
		}
		if head.Size != latest.Size || head.Size < more.Position() || head.Number != latest.Number {
			t.Fatalf("head %+v, want size %d", head, latest.Size)
		}
	})
	t.Run("heads are listed in pages", func(t *testing.T) {
		res := checked(t, c, s, apitest.Request{Method: "GET", Path: "/api/v1/log/heads?limit=1"})
		var page struct {
			Heads  []merklelog.HeadJSON `json:"heads"`
			Latest uint64               `json:"latest"`
			Next   *uint64              `json:"next_after"`
		}
		res.JSON(t, &page)
		if len(page.Heads) != 1 || page.Heads[0].Number != first.Number || page.Next == nil || page.Latest != latest.Number {
			t.Fatalf("page: %s", res.Body)
		}
	})
	t.Run("an inclusion proof verifies offline; auditors also get the commit's bytes", func(t *testing.T) {
		for _, tok := range []string{"", p.auditor} {
			res := checked(t, c, s, apitest.Request{Method: "GET", Token: tok,
				Path: fmt.Sprintf("/api/v1/log/proof/inclusion?position=%d", positions[1])})
			var proof merklelog.InclusionProof
			res.JSON(t, &proof)
			if err := merklelog.CheckInclusion(head, proof); err != nil {
				t.Fatalf("proof: %v\n%s", err, res.Body)
			}
			if (tok == "") != (proof.Leaf == nil) {
				t.Errorf("leaf bytes given to the public or withheld from an auditor: %s", res.Body)
			}
		}
	})
	t.Run("a consistency proof links the first head to the latest", func(t *testing.T) {
		res := checked(t, c, s, apitest.Request{Method: "GET", Path: fmt.Sprintf("/api/v1/log/proof/consistency?from=%d", first.Size)})
		var proof merklelog.ConsistencyProof
		if err := json.Unmarshal(res.Body, &proof); err != nil {
			t.Fatal(err)
		}
		if err := merklelog.CheckConsistency(first, head, proof); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("bad questions are refused with a problem", func(t *testing.T) {
		for path, want := range map[string]int{
			"/api/v1/log/proof/inclusion":                                          http.StatusUnprocessableEntity,
			"/api/v1/log/proof/inclusion?position=x":                               http.StatusUnprocessableEntity,
			"/api/v1/log/proof/inclusion?position=1&size=999999":                   http.StatusUnprocessableEntity,
			"/api/v1/log/proof/inclusion?position=99999":                           http.StatusNotFound,
			"/api/v1/log/proof/consistency?from=0":                                 http.StatusUnprocessableEntity,
			fmt.Sprintf("/api/v1/log/proof/consistency?from=%d&to=1", latest.Size): http.StatusUnprocessableEntity,
		} {
			if res := checked(t, c, s, apitest.Request{Method: "GET", Path: path}); res.Status != want {
				t.Errorf("GET %s: %d, want %d: %s", path, res.Status, want, res.Body)
			}
		}
	})
}
