package api_test

import (
	"fmt"
	"testing"

	"github.com/jejak-id/jejak/api/apitest"
	"github.com/jejak-id/jejak/domain"
)

const (
	own   = "18.04" // Kabupaten Lampung Barat
	other = "18.71" // Kota Bandar Lampung
	unit  = "Dinas Kesehatan"
)

// periodBody opens year with its catalogue on a schedule whose penjaringan
// closes on 30 June of that year.
func periodBody(year int) map[string]any {
	d := func(md string) string { return fmt.Sprintf("%d-%s", year, md) }
	return map[string]any{"year": year, "catalogue_version": fmt.Sprintf("iid-%d.1", year), "schedule": []map[string]string{
		{"phase": "penjaringan", "start": d("03-01"), "end": d("06-30")},
		{"phase": "pengukuran", "start": d("07-01"), "end": d("07-31")},
		{"phase": "presentasi", "start": d("08-01"), "end": d("08-15")},
		{"phase": "validasi_lapangan", "start": d("08-16"), "end": d("08-31")},
		{"phase": "pleno", "start": d("09-01"), "end": d("09-15")},
		{"phase": "published", "start": d("09-16"), "end": d("09-30")},
	}}
}

func innovationBody(region, name, proposedOn string) map[string]any {
	return map[string]any{"region": region, "name": name, "unit": unit, "initiator": "opd",
		"form": "pelayanan_publik", "digital": true, "affair": "kesehatan", "problem": "antrean panjang",
		"solution": "pendaftaran daring", "benefit": "waktu tunggu turun", "proposed_on": proposedOn}
}

func answerBody(indicator, innovationID string, option int, note string) map[string]any {
	return map[string]any{"indicator": indicator, "innovation_id": innovationID, "option": option,
		"evidence": map[string]string{"document_ref": "SK-" + indicator, "note": note}}
}

func bimtekBody(region string) map[string]any {
	return map[string]any{"region": region, "title": "Bimtek inovasi daerah", "kind": "bimtek", "date": "2025-04-10",
		"venue": "Aula Bappeda", "organiser": "BSKDN", "mode": "luring", "speakers": []string{"Narasumber"}}
}

// people are the tokens of the test users.
type people struct {
	admin, coordinator, operator, otherOperator, verifier, ownVerifier, otherVerifier, auditor string
}

func tokens(s *apitest.Stack) people {
	return people{
		admin:         s.Token("admin-1", domain.RoleAdmin, ""),
		coordinator:   s.Token("coord-1", domain.RoleCoordinator, ""),
		operator:      s.Token("op-own", domain.RoleOperator, own),
		otherOperator: s.Token("op-other", domain.RoleOperator, other),
		verifier:      s.Token("ver-national", domain.RoleVerifier, ""),
		ownVerifier:   s.Token("ver-own", domain.RoleVerifier, own),
		otherVerifier: s.Token("ver-other", domain.RoleVerifier, other),
		auditor:       s.Token("aud-1", domain.RoleAuditor, ""),
	}
}

// propose creates an innovation of region and returns its id.
func propose(t *testing.T, s *apitest.Stack, token, region, name, on string) string {
	t.Helper()
	res := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: token, Body: innovationBody(region, name, on)})
	return res.Map(t)["id"].(string)
}

// implemented creates an innovation in penerapan (proposed 10 Jan 2024,
// trial 10 Mar 2024, implementation 1 Jun 2024) and returns its id.
func implemented(t *testing.T, s *apitest.Stack, token, region, name string) string {
	t.Helper()
	id := propose(t, s, token, region, name, "2024-01-10")
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/innovations/" + id + "/stage", Token: token, Body: map[string]string{"to": "uji_coba", "on": "2024-03-10"}})
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/innovations/" + id + "/stage", Token: token, Body: map[string]string{"to": "penerapan", "on": "2024-06-01"}})
	return id
}

func advance(t *testing.T, s *apitest.Stack, token string, year int, to string) apitest.Response {
	t.Helper()
	return s.MustDo(apitest.Request{Method: "POST", Path: fmt.Sprintf("/api/v1/periods/%d/advance", year), Token: token, Body: map[string]string{"to": to}})
}
