package domain_test

import (
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/internal/testsupport"
)

func plan() domain.BimtekPlan {
	return domain.BimtekPlan{Region: "18.04", Title: "Bimtek Inovasi Daerah 2025", Kind: domain.SessionBimtek, Date: testsupport.Day("2025-08-06"),
		Venue: "Aula Kagungan", Organiser: "Bappeda Lampung Barat", Mode: domain.ModeHybrid, Speakers: []string{"Analis kebijakan BSKDN"}}
}

func TestBimtek(t *testing.T) {
	t.Run("lists every scheduling problem at once", func(t *testing.T) {
		_, err := domain.ScheduleBimtek("b", domain.BimtekPlan{Mode: "x", Kind: "y"})
		wantCode(t, err, domain.CodeInvalid)
		if n := len(err.(*domain.Error).Problems); n != 7 {
			t.Fatalf("got %d: %v", n, err)
		}
	})
	t.Run("records attendance once per participant and none after close", func(t *testing.T) {
		b, err := domain.ScheduleBimtek("b", plan())
		if err != nil {
			t.Fatal(err)
		}
		who := domain.Participant{Name: "Siti", Unit: "Dinas Kesehatan", Role: "pamong inovasi"}
		if err := b.RecordAttendance(who); err != nil {
			t.Fatal(err)
		}
		who.Name, who.Unit = " siti ", "dinas  kesehatan"
		wantCode(t, b.RecordAttendance(who), domain.CodeDuplicate)
		wantCode(t, b.RecordAttendance(domain.Participant{Name: "Budi"}), domain.CodeInvalid)
		if err := b.Close(testsupport.Day("2025-08-06")); err != nil {
			t.Fatal(err)
		}
		wantCode(t, b.RecordAttendance(domain.Participant{Name: "Budi", Unit: "Bappeda", Role: "ASN"}), domain.CodeIllegalTransition)
		wantCode(t, b.Close(testsupport.Day("2025-08-07")), domain.CodeIllegalTransition)
		again, _ := domain.RebuildBimtek("b", b.Changes())
		if v := again.View(); !v.Closed || len(v.Attendees) != 1 || v.Attendees[0].Region != "18.04" || v.Version != 3 {
			t.Fatalf("got %+v", v)
		}
	})
}

func TestRegionProfile(t *testing.T) {
	t.Run("records the office and the perbatasan flag, and gives clusters", func(t *testing.T) {
		r, err := domain.RebuildRegionProfile("64.03", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.SetOffice("Bapelitbang Kabupaten Berau", domain.OfficeBapelitbang); err != nil {
			t.Fatal(err)
		}
		if err := r.SetPerbatasan(true, "data contoh"); err != nil {
			t.Fatal(err)
		}
		if err := r.SetPerbatasan(true, "again"); err != nil || len(r.Changes()) != 2 {
			t.Fatalf("err %v changes %d", err, len(r.Changes()))
		}
		v := r.View()
		if v.OfficeKind != domain.OfficeBapelitbang || !v.Perbatasan || v.Clusters[len(v.Clusters)-1] != domain.ClusterPerbatasan {
			t.Fatalf("got %+v", v)
		}
	})
	t.Run("does not exist for unknown codes and validates the office", func(t *testing.T) {
		_, err := domain.RebuildRegionProfile("99", nil)
		wantCode(t, err, domain.CodeNotFound)
		r, _ := domain.RebuildRegionProfile("18.04", nil)
		err = r.SetOffice("", "dinas")
		wantCode(t, err, domain.CodeInvalid)
		if len(err.(*domain.Error).Problems) != 2 {
			t.Fatalf("got %v", err)
		}
	})
}

func TestAuthorize(t *testing.T) {
	op := domain.Actor{UserID: "u", Role: domain.RoleOperator, Region: "18.04"}
	cases := []struct {
		name   string
		actor  domain.Actor
		action domain.Action
		region string
		want   domain.Code
	}{
		{"admin does everything", domain.Actor{UserID: "a", Role: domain.RoleAdmin}, domain.ActionSetPerbatasan, "18.04", ""},
		{"coordinator manages periods", domain.Actor{UserID: "c", Role: domain.RoleCoordinator}, domain.ActionManagePeriod, "", ""},
		{"coordinator writes any region", domain.Actor{UserID: "c", Role: domain.RoleCoordinator}, domain.ActionWriteRegion, "35.08", ""},
		{"coordinator does not set perbatasan", domain.Actor{UserID: "c", Role: domain.RoleCoordinator}, domain.ActionSetPerbatasan, "35.08", domain.CodeForbidden},
		{"operator writes its region", op, domain.ActionWriteRegion, "18.04", ""},
		{"operator does not write another region", op, domain.ActionWriteRegion, "18.01", domain.CodeOutOfScope},
		{"operator does not verify", op, domain.ActionVerify, "18.04", domain.CodeForbidden},
		{"operator does not manage periods", op, domain.ActionManagePeriod, "", domain.CodeForbidden},
		{"verifier verifies", domain.Actor{UserID: "v", Role: domain.RoleVerifier}, domain.ActionVerify, "18.04", ""},
		{"verifier writes nothing else", domain.Actor{UserID: "v", Role: domain.RoleVerifier}, domain.ActionWriteRegion, "18.04", domain.CodeForbidden},
		{"auditor writes nothing", domain.Actor{UserID: "x", Role: domain.RoleAuditor}, domain.ActionWriteRegion, "18.04", domain.CodeForbidden},
		{"public writes nothing", domain.Actor{UserID: "x", Role: domain.RolePublic}, domain.ActionVerify, "18.04", domain.CodeForbidden},
		{"an anonymous actor does nothing", domain.Actor{Role: domain.RoleAdmin}, domain.ActionWriteRegion, "18.04", domain.CodeForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := domain.ErrorCode(domain.Authorize(tc.actor, tc.action, tc.region)); got != tc.want {
				t.Fatalf("got %q want %q", got, tc.want)
			}
		})
	}
}
