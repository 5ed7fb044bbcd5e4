package domain_test

import (
	"context"
	"strings"
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
	t.Run("records sealed attendance once per person and none after close", func(t *testing.T) {
		b, err := domain.ScheduleBimtek("b", plan())
		if err != nil {
			t.Fatal(err)
		}
		people := testsupport.People()
		ctx := context.Background()
		siti, err := domain.SealParticipants(ctx, people, "18.04", []domain.Participant{{Name: "Siti", NIP: "198001012005012001",
			Unit: "Dinas Kesehatan", Role: "pamong inovasi", Contact: "0812"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := b.RecordAttendance(siti[0]); err != nil {
			t.Fatal(err)
		}
		// the same NIP under another spelling of the name is the same person
		again, err := domain.SealParticipants(ctx, people, "18.04", []domain.Participant{{Name: " siti ", NIP: "198001012005012001",
			Unit: "Bappeda", Role: "ASN"}})
		if err != nil || again[0].Subject != siti[0].Subject {
			t.Fatalf("sealed again: %+v, %v", again, err)
		}
		wantCode(t, b.RecordAttendance(again[0]), domain.CodeDuplicate)
		wantCode(t, b.RecordAttendance(domain.Attendee{Subject: "x", Unit: "Bappeda", Role: "ASN"}), domain.CodeInvalid)
		wantCode(t, b.RecordAttendance(domain.Attendee{LegacyName: "Budi", Unit: "Bappeda", Role: "ASN"}), domain.CodeInvalid)
		if err := b.Close(testsupport.Day("2025-08-06")); err != nil {
			t.Fatal(err)
		}
		budi, _ := domain.SealParticipants(ctx, people, "18.04", []domain.Participant{{Name: "Budi", NIP: "198102022006021002", Unit: "Bappeda", Role: "ASN"}})
		wantCode(t, b.RecordAttendance(budi[0]), domain.CodeIllegalTransition)
		wantCode(t, b.Close(testsupport.Day("2025-08-07")), domain.CodeIllegalTransition)
		rebuilt, _ := domain.RebuildBimtek("b", b.Changes())
		v := rebuilt.View()
		if !v.Closed || len(v.Attendees) != 1 || v.Attendees[0].Region != "18.04" || v.Version != 3 {
			t.Fatalf("got %+v", v)
		}
		if a := v.Attendees[0]; strings.Contains(string(a.Name)+string(a.NIP)+string(a.Contact), "Siti") || a.Position != "" {
			t.Fatalf("the attendee holds plaintext or an empty field sealed: %+v", a)
		}
		p, err := people.Open(ctx, v.Attendees[0])
		if err != nil || p != (domain.PersonalFields{Name: "Siti", NIP: "198001012005012001", Contact: "0812"}) {
			t.Fatalf("opened %+v, %v", p, err)
		}
	})
	t.Run("checks a participant's NIP and fields before anything is sealed", func(t *testing.T) {
		_, err := domain.SealParticipants(context.Background(), testsupport.People(), "18.04", []domain.Participant{
			{Name: "Siti", NIP: "19800101", Unit: "Dinas", Role: "ASN"}, {Name: "", NIP: "1980010120050120a1", Unit: "", Role: "ASN"}})
		if f := problemFields(err); strings.Join(f, ",") != "participants[0].nip,participants[1].name,participants[1].nip,participants[1].unit" {
			t.Fatalf("got %v", err)
		}
		_, err = domain.SealParticipants(context.Background(), nil, "18.04", []domain.Participant{{Name: "Siti", NIP: "198001012005012001", Unit: "Dinas", Role: "ASN"}})
		wantCode(t, err, domain.CodeUnavailable)
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
