package domain_test

import (
	"fmt"
	"testing"

	"github.com/jejak-id/jejak/domain"
)

// TestReadPolicy is the table of who may read what, region by region:
// a region sees its own working files and unpublished results, the
// national roles every region's, everyone published results.
func TestReadPolicy(t *testing.T) {
	const own, other = "18.04", "18.71"
	actors := []domain.Actor{
		{UserID: "a", Role: domain.RoleAdmin},
		{UserID: "s", Role: domain.RoleSystem},
		{UserID: "c", Role: domain.RoleCoordinator},
		{UserID: "x", Role: domain.RoleAuditor},
		{UserID: "vn", Role: domain.RoleVerifier},
		{UserID: "vo", Role: domain.RoleVerifier, Region: own},
		{UserID: "o", Role: domain.RoleOperator, Region: own},
		{UserID: "p", Role: domain.RolePublic},
	}
	const (
		ok  = ""
		oos = domain.CodeOutOfScope
		no  = domain.CodeForbidden
	)
	// want[action][region] lists the answer for each actor above, in order.
	want := map[domain.Action]map[string][]domain.Code{
		domain.ActionReadPublished: {
			own: {ok, ok, ok, ok, ok, ok, ok, ok}, other: {ok, ok, ok, ok, ok, ok, ok, ok}, "": {ok, ok, ok, ok, ok, ok, ok, ok}},
		domain.ActionReadUnpublished: {
			own: {ok, ok, ok, ok, ok, ok, ok, no}, other: {ok, ok, ok, ok, ok, oos, oos, no}, "": {ok, ok, ok, ok, ok, oos, oos, no}},
		domain.ActionReadRegion: {
			own: {ok, ok, ok, ok, ok, ok, ok, no}, other: {ok, ok, ok, ok, ok, oos, oos, no}, "": {ok, ok, ok, ok, ok, oos, oos, no}},
		domain.ActionReadAudit: {
			own: {ok, ok, ok, ok, no, no, no, no}, "": {ok, ok, ok, ok, no, no, no, no}},
		domain.ActionExport: {
			"": {ok, ok, ok, ok, no, no, no, no}},
	}
	for act, byRegion := range want {
		for region, codes := range byRegion {
			for i, a := range actors {
				t.Run(fmt.Sprintf("%s(%s) %s of %q", a.Role, a.Region, act, region), func(t *testing.T) {
					if got := domain.ErrorCode(domain.Authorize(a, act, region)); got != codes[i] {
						t.Errorf("got %q, want %q", got, codes[i])
					}
				})
			}
		}
	}
	t.Run("an operator without a region reads nothing regional", func(t *testing.T) {
		a := domain.Actor{UserID: "o", Role: domain.RoleOperator}
		if got := domain.ErrorCode(domain.Authorize(a, domain.ActionReadRegion, own)); got != domain.CodeOutOfScope {
			t.Errorf("got %q", got)
		}
	})
	t.Run("an actor without a user id reads nothing, not even published results", func(t *testing.T) {
		if got := domain.ErrorCode(domain.Authorize(domain.Actor{Role: domain.RolePublic}, domain.ActionReadPublished, "")); got != domain.CodeForbidden {
			t.Errorf("got %q", got)
		}
	})
	t.Run("reads write nothing: an auditor and a verifier stay without writes", func(t *testing.T) {
		for _, a := range []domain.Actor{actors[3], actors[4]} {
			if domain.Authorize(a, domain.ActionWriteRegion, own) == nil || domain.Authorize(a, domain.ActionManagePeriod, "") == nil {
				t.Errorf("%s may write", a.Role)
			}
		}
	})
}

func TestReadScope(t *testing.T) {
	for _, tc := range []struct {
		name    string
		actor   domain.Actor
		asked   string
		covered string
		code    domain.Code
	}{
		{"a national reader asking for nothing covers every region", domain.Actor{UserID: "c", Role: domain.RoleCoordinator}, "", "", ""},
		{"a national verifier asking for a region covers it", domain.Actor{UserID: "v", Role: domain.RoleVerifier}, "18.71", "18.71", ""},
		{"an operator asking for nothing covers its region", domain.Actor{UserID: "o", Role: domain.RoleOperator, Region: "18.04"}, "", "18.04", ""},
		{"a scoped verifier asking for nothing covers its region", domain.Actor{UserID: "v", Role: domain.RoleVerifier, Region: "18.04"}, "", "18.04", ""},
		{"an operator asking for its region covers it", domain.Actor{UserID: "o", Role: domain.RoleOperator, Region: "18.04"}, "18.04", "18.04", ""},
		{"an operator asking for another region is refused", domain.Actor{UserID: "o", Role: domain.RoleOperator, Region: "18.04"}, "18.71", "18.71", domain.CodeOutOfScope},
		{"the public is refused", domain.Actor{UserID: "anonymous", Role: domain.RolePublic}, "", "", domain.CodeForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := domain.ReadScope(tc.actor, tc.asked)
			if got != tc.covered || domain.ErrorCode(err) != tc.code {
				t.Errorf("got %q, %v; want %q, %q", got, err, tc.covered, tc.code)
			}
		})
	}
}
