package domain_test

import (
	"context"
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
)

// TestInnovationPublicity: a region makes its innovation public in the
// public database before a published year lists it, and private again; the
// same access rule as every regional write.
func TestInnovationPublicity(t *testing.T) {
	ctx := context.Background()
	t.Run("is decided without a store and recorded as innovation.publicity_set", func(t *testing.T) {
		in := MustInnovation(t, domain.StageProposed)
		cmd := domain.SetPublicityCommand{CommandMeta: meta(operator), InnovationID: in.ID(), Public: true}
		if err := cmd.Decide(in); err != nil {
			t.Fatal(err)
		}
		changes := in.Changes()
		got, ok := changes[len(changes)-1].(domain.InnovationPublicitySet)
		if !ok || got != (domain.InnovationPublicitySet{InnovationID: "inn-1", Region: "18.01", Unit: details().Unit, Public: true}) {
			t.Fatalf("recorded %#v", changes[len(changes)-1])
		}
		if !in.Public() || !in.View().Public {
			t.Fatal("the innovation is not public after the decision")
		}
		again, err := domain.RebuildInnovation("inn-1", changes)
		if err != nil || !again.Public() {
			t.Fatalf("rebuilt: public %v, %v", again.Public(), err)
		}
	})
	t.Run("the same value again changes nothing; private again is recorded", func(t *testing.T) {
		in := MustInnovation(t, domain.StageTrial)
		n := len(in.Changes())
		check := func(public bool, want int) {
			t.Helper()
			if err := in.SetPublic(public); err != nil {
				t.Fatal(err)
			}
			if got := len(in.Changes()) - n; got != want {
				t.Fatalf("public=%v: %d new events, want %d", public, got, want)
			}
		}
		check(false, 0) // private from the start
		check(true, 1)
		check(true, 1)
		check(false, 2)
		if in.Public() {
			t.Fatal("still public")
		}
	})
	t.Run("a withdrawn innovation cannot be made public, but can be made private", func(t *testing.T) {
		in := MustInnovation(t, domain.StageImplementation)
		if err := in.SetPublic(true); err != nil {
			t.Fatal(err)
		}
		if err := in.Withdraw("digabung", testsupport.Day("2023-01-02")); err != nil {
			t.Fatal(err)
		}
		if err := in.SetPublic(false); err != nil {
			t.Fatal(err)
		}
		wantCode(t, in.SetPublic(true), domain.CodeIllegalTransition)
	})
	t.Run("who may: the region's operator, coordinators and admins", func(t *testing.T) {
		own := testsupport.Operator("18.01")
		noRegion := domain.Actor{UserID: "op", Role: domain.RoleOperator}
		public := domain.Actor{UserID: "public", Role: domain.RolePublic}
		scopedVerifier := domain.Actor{UserID: "verifikator.lambar", Role: domain.RoleVerifier, Region: "18.01"}
		for _, c := range []struct {
			name  string
			actor domain.Actor
			want  domain.Code // "" allowed
		}{
			{"the region's operator", own, ""},
			{"a coordinator", testsupport.Coordinator, ""},
			{"an admin", testsupport.Admin, ""},
			{"another region's operator", testsupport.Operator("18.04"), domain.CodeOutOfScope},
			{"an operator without a region", noRegion, domain.CodeOutOfScope},
			{"a national verifier", testsupport.Verifier, domain.CodeForbidden},
			{"the region's verifier", scopedVerifier, domain.CodeForbidden},
			{"an auditor", testsupport.Auditor, domain.CodeForbidden},
			{"the public", public, domain.CodeForbidden},
		} {
			t.Run(c.name, func(t *testing.T) {
				in := MustInnovation(t, domain.StageProposed)
				n := len(in.Changes())
				err := domain.SetPublicityCommand{CommandMeta: meta(c.actor), InnovationID: in.ID(), Public: true}.Decide(in)
				if c.want == "" {
					if err != nil || !in.Public() {
						t.Fatalf("refused: %v", err)
					}
					return
				}
				wantCode(t, err, c.want)
				if len(in.Changes()) != n {
					t.Fatal("a refused decision recorded changes")
				}
			})
		}
	})
	t.Run("through the service: appended once, refused callers append nothing", func(t *testing.T) {
		s, store := MustService(t)
		_, id := must2(t)(s.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: meta(operator), Region: "18.01",
			Details: details(), On: testsupport.Day("2025-01-10")}))
		for _, a := range []domain.Actor{testsupport.Operator("18.04"), testsupport.Verifier, testsupport.Auditor,
			{UserID: "public", Role: domain.RolePublic}} {
			_, err := s.SetInnovationPublicity(ctx, domain.SetPublicityCommand{CommandMeta: meta(a), InnovationID: id, Public: true})
			if !domain.IsCode(err, domain.CodeOutOfScope) && !domain.IsCode(err, domain.CodeForbidden) {
				t.Fatalf("%s: %v", a.UserID, err)
			}
		}
		cmd := domain.SetPublicityCommand{CommandMeta: meta(operator), InnovationID: id, Public: true}
		res := check(s.SetInnovationPublicity(ctx, cmd))(t)
		if res.Version != 2 || len(res.EventIDs) != 1 {
			t.Fatalf("got %+v", res)
		}
		if again := check(s.SetInnovationPublicity(ctx, cmd))(t); !again.Duplicate || again.Position != res.Position {
			t.Fatalf("a retry gave %+v", again)
		}
		same := check(s.SetInnovationPublicity(ctx, domain.SetPublicityCommand{CommandMeta: meta(testsupport.Coordinator), InnovationID: id, Public: true}))(t)
		if same.Version != 2 || same.EventIDs != nil {
			t.Fatalf("setting the same value appended: %+v", same)
		}
		check(s.SetInnovationPublicity(ctx, domain.SetPublicityCommand{CommandMeta: meta(testsupport.Admin), InnovationID: id, Public: false}))(t)
		recs, err := store.Load(ctx, domain.AggregateInnovation, id, 0)
		if err != nil || len(recs) != 3 {
			t.Fatalf("%d events, %v", len(recs), err)
		}
		if e := recs[2].Data.(domain.InnovationPublicitySet); e.Public || recs[2].Actor != testsupport.Admin {
			t.Fatalf("last event %+v by %+v", e, recs[2].Actor)
		}
		_, err = s.SetInnovationPublicity(ctx, domain.SetPublicityCommand{CommandMeta: meta(operator), InnovationID: "0190a5e2-7c1d-7b3e-8f00-00000000dead", Public: true})
		wantCode(t, err, domain.CodeNotFound)
	})
}
