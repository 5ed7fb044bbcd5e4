package domain_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/events.golden.json")

const eventsGolden = "testdata/events.golden.json"

// eventExamples holds one value of every event type, every field set.
func eventExamples() []domain.Event {
	day := func(s string) time.Time {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	at := time.Date(2025, 8, 24, 1, 2, 3, 400, time.UTC)
	const evidenceHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	const innov, adopter, session = "0190a5e2-7c1d-7b3e-8f00-000000000001", "0190a5e2-7c1d-7b3e-8f00-000000000002", "0190a5e2-7c1d-7b3e-8f00-000000000003"
	const subject = "0190a5e2-7c1d-7b3e-8f00-000000000004"
	return []domain.Event{
		domain.InnovationProposed{InnovationID: adopter, Region: "18.04", Name: "Antrean Puskesmas Daring", Unit: "Dinas Kesehatan",
			Initiator: domain.InitiatorOPD, Form: domain.FormPelayananPublik, Digital: true, Affair: domain.AffairKesehatan,
			Problem: "Antrean panjang.\nWarga menunggu.", Solution: "Pendaftaran daring", Benefit: "Waktu tunggu turun",
			ProposedOn: day("2025-01-02"), OriginInnovationID: innov, OriginRegion: "64.03"},
		domain.InnovationTrialStarted{InnovationID: innov, Region: "64.03", Unit: "Dinas Kesehatan", StartedOn: day("2025-02-03")},
		domain.InnovationImplementationStarted{InnovationID: innov, Region: "64.03", Unit: "Dinas Kesehatan", StartedOn: day("2025-03-04")},
		domain.InnovationReplicated{InnovationID: innov, Region: "64.03", Unit: "Dinas Kesehatan", AdopterRegion: "18.04",
			AdopterInnovationID: adopter, ReplicatedOn: day("2025-04-05")},
		domain.InnovationWithdrawn{InnovationID: innov, Region: "64.03", Unit: "Dinas Kesehatan", FromStage: domain.StageReplication,
			Reason: "digabung", WithdrawnOn: day("2025-05-06")},
		domain.InnovationPublicitySet{InnovationID: innov, Region: "64.03", Unit: "Dinas Kesehatan", Public: true},
		domain.RegionProfileUpdated{Region: "64.03", OfficeName: "Bapelitbang Kabupaten Berau", OfficeKind: domain.OfficeBapelitbang},
		domain.RegionBorderFlagSet{Region: "64.03", Perbatasan: true, Reason: "Permendagri"},
		domain.PeriodOpened{Year: 2025, CatalogueVersion: "iid-2025.1", Schedule: []domain.PhaseWindow{
			{Phase: domain.PhasePenjaringan, Start: day("2025-06-20"), End: day("2025-08-23")},
			{Phase: domain.PhasePengukuran, Start: day("2025-09-01"), End: day("2025-10-31")}}},
		domain.PeriodPhaseAdvanced{Year: 2025, From: domain.PhasePenjaringan, To: domain.PhasePengukuran, AdvancedAt: at},
		domain.AssessmentStarted{Year: 2025, Region: "64.03", CatalogueVersion: "iid-2025.1"},
		domain.AnswerSubmitted{Year: 2025, Region: "64.03", Indicator: "16", InnovationID: innov, Unit: "Dinas Kesehatan", Revision: 2,
			Option: 3, Evidence: domain.Evidence{DocumentRef: "Perbup 39/2024", Link: "https://berau.example/perbup", Note: "hal. 4",
				Files: []string{evidenceHash}, Links: []string{"https://berau.example/sk"}},
			SubmittedBy: "operator.berau"},
		domain.AnswerVerified{Year: 2025, Region: "64.03", Indicator: "16", InnovationID: innov, Revision: 2, Decision: domain.DecisionLower,
			ClaimedOption: 3, Option: 2, Reason: "SK kepala dinas, bukan Perkada", VerifiedBy: "verifikator.ui"},
		domain.InnovationRejected{Year: 2025, Region: "64.03", InnovationID: innov, Reason: "bukan inovasi", RejectedBy: "verifikator.ui"},
		domain.BimtekScheduled{SessionID: session, Region: "64.03", Title: "Bimtek IID 2025", Kind: domain.SessionBimtek, Date: day("2025-07-08"),
			Venue: "Aula Bapelitbang", Organiser: "Bapelitbang", Mode: domain.ModeHybrid, Speakers: []string{"Wakil Bupati", "BSKDN"}},
		domain.BimtekAttendanceRecorded{SessionID: session, Region: "64.03", SessionDate: day("2025-07-08"),
			Attendee: domain.Attendee{Subject: subject, NIPHash: "3f1c9a0e5b7d2c4f6a8e0b1d3c5f7a9e2b4d6f8a0c2e4a6b8d0f2a4c6e8b0d2f",
				Name: "q83vEjRWeJq8X0cJ2mA1bF3kLr9pTz", NIP: "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg", Position: "c2VhbGVkIHBvc2l0aW9uIGZpZWxk",
				Contact: "c2VhbGVkIGNvbnRhY3QgZmllbGQ", Unit: "Dinas Kesehatan", Role: "pamong inovasi", Region: "64.03", LegacyName: "Siti"}},
		domain.BimtekClosed{SessionID: session, Region: "64.03", ClosedAt: at},
		domain.EvidenceUploaded{SHA256: evidenceHash, Region: "64.03", Size: 48213, MediaType: domain.MediaPDF, Pages: 3,
			Name: "Perbup 39 2024.pdf", UploadedBy: "operator.berau"},
		domain.PersonErased{Subject: subject, Reason: "permintaan subjek data no. 12/2025", ErasedBy: "admin.pusat", ErasedAt: at},
	}
}

// TestEventSchemaGolden pins the stored format of every event type:
// renaming a Go field, or adding one, without a deliberate change of the
// golden file fails here. Rewrite it with go test ./domain -run Golden -update.
func TestEventSchemaGolden(t *testing.T) {
	examples := map[string]domain.Event{}
	for _, e := range eventExamples() {
		examples[e.EventType()] = e
	}
	var golden bytes.Buffer
	golden.WriteString("{\n")
	for i, s := range domain.EventSpecs() {
		e, ok := examples[s.Type]
		if !ok {
			t.Fatalf("no example of %s", s.Type)
		}
		data, err := json.MarshalIndent(e, "  ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		key, _ := json.Marshal(s.Type)
		golden.WriteString("  " + string(key) + ": " + string(data))
		if i < len(domain.EventSpecs())-1 {
			golden.WriteString(",")
		}
		golden.WriteString("\n")
	}
	golden.WriteString("}\n")
	if *updateGolden {
		if err := os.WriteFile(eventsGolden, golden.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(eventsGolden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(golden.Bytes(), want) {
		t.Errorf("the stored format of events changed; if on purpose, add a schema version and an upcaster, then -update.\ngot:\n%s", golden.Bytes())
	}

	t.Run("the golden file decodes to the examples", func(t *testing.T) {
		var stored map[string]json.RawMessage
		if err := json.Unmarshal(want, &stored); err != nil {
			t.Fatal(err)
		}
		for _, s := range domain.EventSpecs() {
			ptr := reflect.New(reflect.TypeOf(s.New()))
			if err := json.Unmarshal(stored[s.Type], ptr.Interface()); err != nil {
				t.Fatalf("%s: %v", s.Type, err)
			}
			if got := ptr.Elem().Interface(); !reflect.DeepEqual(got, examples[s.Type]) {
				t.Errorf("%s decodes to %#v, want %#v", s.Type, got, examples[s.Type])
			}
		}
	})

	t.Run("every stored field is named by a tag", func(t *testing.T) {
		for _, s := range domain.EventSpecs() {
			checkTags(t, s.Type, reflect.TypeOf(s.New()))
		}
	})
}

// checkTags reports exported struct fields without an explicit JSON name,
// in t and in the struct types it holds (time.Time excepted).
func checkTags(t *testing.T, where string, typ reflect.Type) {
	t.Helper()
	for typ.Kind() == reflect.Slice || typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct || typ == reflect.TypeOf(time.Time{}) {
		return
	}
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		if name, _, _ := bytes.Cut([]byte(f.Tag.Get("json")), []byte(",")); len(name) == 0 {
			t.Errorf("%s: field %s.%s has no JSON name", where, typ.Name(), f.Name)
		}
		checkTags(t, where, f.Type)
	}
}

// TestEventUpcasters: version 1 (Go field names) reads as version 2, and
// attendance of version 2 (a plain participant) as version 3.
func TestEventUpcasters(t *testing.T) {
	ups := map[string]domain.Upcaster{}
	var v2 []domain.Upcaster
	for _, u := range domain.EventUpcasters() {
		switch u.From {
		case 1:
			ups[u.Type] = u
		case 2:
			v2 = append(v2, u)
		default:
			t.Errorf("%s: upcaster from %d", u.Type, u.From)
		}
	}
	bornAtV2 := map[string]bool{"evidence.uploaded": true, "person.erased": true, "innovation.publicity_set": true}
	for _, s := range domain.EventSpecs() {
		if _, ok := ups[s.Type]; !ok && !bornAtV2[s.Type] {
			t.Errorf("no upcaster from v1 for %s", s.Type)
		}
	}
	t.Run("reads plain attendance of version 2 as legacy plaintext", func(t *testing.T) {
		if len(v2) != 1 || v2[0].Type != "bimtek.attendance_recorded" {
			t.Fatalf("upcasters from version 2: %+v", v2)
		}
		got, err := v2[0].Upcast([]byte(`{"session_id":"s","region":"64.03","session_date":"2024-07-08T00:00:00Z",` +
			`"participant":{"name":"Siti","unit":"Dinas Kesehatan","role":"pamong inovasi","region":"64.03"}}`))
		want := `{"attendee":{"subject":"","nip_hash":"","name_ct":"","nip_ct":"","position_ct":"","contact_ct":"",` +
			`"unit":"Dinas Kesehatan","role":"pamong inovasi","region":"64.03","legacy_name":"Siti"},` +
			`"region":"64.03","session_date":"2024-07-08T00:00:00Z","session_id":"s"}`
		if err != nil || string(got) != want {
			t.Errorf("got %s, %v\nwant %s", got, err, want)
		}
		for _, bad := range []string{`{"session_id":"s"}`, `{"participant":{"name":"x","nip":"1"}}`, `{"participant":{},"colour":1}`, `[]`} {
			if _, err := v2[0].Upcast([]byte(bad)); err == nil {
				t.Errorf("%s: no error", bad)
			}
		}
	})
	up := ups["assessment.answer_submitted"].Upcast
	t.Run("renames nested values", func(t *testing.T) {
		got, err := up([]byte(`{"Year":2025,"Region":"64.03","Indicator":"1","InnovationID":"","Unit":"","Revision":1,"Option":2,` +
			`"Evidence":{"DocumentRef":"SK","Link":"","Note":"n"},"SubmittedBy":"op"}`))
		want := `{"evidence":{"document_ref":"SK","link":"","note":"n"},"indicator":"1","innovation_id":"","option":2,` +
			`"region":"64.03","revision":1,"submitted_by":"op","unit":"","year":2025}`
		if err != nil || string(got) != want {
			t.Errorf("got %s, %v\nwant %s", got, err, want)
		}
	})
	t.Run("refuses a field version 1 never had", func(t *testing.T) {
		if _, err := up([]byte(`{"Year":2025,"Colour":"red"}`)); err == nil {
			t.Error("no error")
		}
	})
	t.Run("refuses data that is not an object", func(t *testing.T) {
		for _, bad := range []string{`null`, `[]`, `"x"`, `{`} {
			if _, err := up([]byte(bad)); err == nil {
				t.Errorf("%s: no error", bad)
			}
		}
	})
	t.Run("keeps a null nested value", func(t *testing.T) {
		got, err := ups["period.opened"].Upcast([]byte(`{"Year":2025,"CatalogueVersion":"x","Schedule":null}`))
		if err != nil || string(got) != `{"catalogue_version":"x","schedule":null,"year":2025}` {
			t.Errorf("got %s, %v", got, err)
		}
	})
}
