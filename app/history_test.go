package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/internal/testsupport"
)

// historyFixture holds the raw stream messages of historyCommits as the
// release before the explicit event schema wrote them (schema version 1,
// Go field names): one JSON object per line with the subject, the headers
// (as published) and the body. TestWriteHistoryFixture of commit 660918f
// wrote it by appending historyCommits through the store of that release
// and reading each message back with a direct get; it is gone because this
// release would write version 2.
const historyFixture = "testdata/history-v1.jsonl"

type rawMessage struct {
	Subject string              `json:"subject"`
	Header  map[string][]string `json:"header"`
	Body    json.RawMessage     `json:"body"`
}

// historyCommits is a small history with every event type and every nested
// value type, including text with non-ASCII letters, HTML characters and a
// newline, zero times and empty slices.
func historyCommits() []domain.Commit {
	day := testsupport.Day
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	cmd := func(n int) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceURL, []byte{byte(n)}) }
	coordinator := domain.Actor{UserID: "koordinator.pusat", Role: domain.RoleCoordinator}
	operator := domain.Actor{UserID: "operator.berau", Role: domain.RoleOperator, Region: "64.03"}
	verifier := domain.Actor{UserID: "verifikator.ui", Role: domain.RoleVerifier}
	admin := domain.Actor{UserID: "admin", Role: domain.RoleAdmin}
	const (
		innov   = "5b0c2d2e-6a3f-5d1e-9f00-000000000001"
		adopter = "5b0c2d2e-6a3f-5d1e-9f00-000000000002"
		session = "5b0c2d2e-6a3f-5d1e-9f00-000000000003"
	)
	schedule := []domain.PhaseWindow{
		{Phase: domain.PhasePenjaringan, Start: day("2024-06-21"), End: day("2024-08-18")},
		{Phase: domain.PhasePengukuran, Start: day("2024-08-19"), End: day("2024-09-19")},
		{Phase: domain.PhasePresentasi, Start: day("2024-09-25"), End: day("2024-09-27")},
		{Phase: domain.PhaseValidasiLapangan, Start: day("2024-10-01"), End: day("2024-10-15")},
		{Phase: domain.PhasePleno, Start: day("2024-11-20"), End: day("2024-11-20")},
		{Phase: domain.PhasePublished, Start: day("2024-12-05"), End: day("2024-12-05")},
	}
	return []domain.Commit{
		{CommandID: cmd(1), AggregateType: domain.AggregatePeriod, AggregateID: "2024", Actor: coordinator,
			OccurredAt: at("2024-06-01T02:00:00Z"), CorrelationID: "req-1",
			Events: []domain.Event{domain.PeriodOpened{Year: 2024, CatalogueVersion: "iid-2024.1", Schedule: schedule}}},
		{CommandID: cmd(2), AggregateType: domain.AggregateRegion, AggregateID: "64.03", Actor: operator,
			OccurredAt: at("2024-06-02T03:00:00Z"),
			Events:     []domain.Event{domain.RegionProfileUpdated{Region: "64.03", OfficeName: "Bapelitbang Kabupaten Berau", OfficeKind: domain.OfficeBapelitbang}}},
		{CommandID: cmd(3), AggregateType: domain.AggregateRegion, AggregateID: "64.03", ExpectedVersion: 1, Actor: admin,
			OccurredAt: at("2024-06-03T04:00:00Z"),
			Events:     []domain.Event{domain.RegionBorderFlagSet{Region: "64.03", Perbatasan: true, Reason: "Permendagri <contoh> & lampiran"}}},
		{CommandID: cmd(4), AggregateType: domain.AggregateInnovation, AggregateID: innov, Actor: operator,
			OccurredAt: at("2024-01-10T05:00:00Z"), CorrelationID: "req-4", CausationID: "cause-4",
			Events: []domain.Event{domain.InnovationProposed{InnovationID: innov, Region: "64.03", Name: "Antrean Puskesmas Daring – Ibu & Anak",
				Unit: "Dinas Kesehatan", Initiator: domain.InitiatorOPD, Form: domain.FormPelayananPublik, Digital: true,
				Affair: domain.AffairKesehatan, Problem: "Antrean panjang.\nWarga menunggu berjam-jam.", Solution: "Pendaftaran daring",
				Benefit: "Waktu tunggu turun", ProposedOn: day("2024-01-10")}}},
		{CommandID: cmd(5), AggregateType: domain.AggregateInnovation, AggregateID: innov, ExpectedVersion: 1, Actor: operator,
			OccurredAt: at("2024-02-01T05:00:00Z"),
			Events:     []domain.Event{domain.InnovationTrialStarted{InnovationID: innov, Region: "64.03", Unit: "Dinas Kesehatan", StartedOn: day("2024-02-01")}}},
		{CommandID: cmd(6), AggregateType: domain.AggregateInnovation, AggregateID: innov, ExpectedVersion: 2, Actor: operator,
			OccurredAt: at("2024-03-01T05:00:00Z"),
			Events:     []domain.Event{domain.InnovationImplementationStarted{InnovationID: innov, Region: "64.03", Unit: "Dinas Kesehatan", StartedOn: day("2024-03-01")}}},
		{CommandID: cmd(7), AggregateType: domain.AggregateInnovation, AggregateID: innov, ExpectedVersion: 3, Actor: admin,
			OccurredAt: at("2024-04-01T05:00:00Z"),
			Events: []domain.Event{domain.InnovationReplicated{InnovationID: innov, Region: "64.03", Unit: "Dinas Kesehatan",
				AdopterRegion: "18.04", AdopterInnovationID: adopter, ReplicatedOn: day("2024-04-01")}}},
		{CommandID: cmd(8), AggregateType: domain.AggregateInnovation, AggregateID: adopter, Actor: admin,
			OccurredAt: at("2024-04-01T05:00:01Z"),
			Events: []domain.Event{domain.InnovationProposed{InnovationID: adopter, Region: "18.04", Name: "Antrean Puskesmas Daring – Ibu & Anak",
				Unit: "Dinas Kesehatan Lampung Barat", Initiator: domain.InitiatorOPD, Form: domain.FormPelayananPublik, Digital: true,
				Affair: domain.AffairKesehatan, Problem: "Antrean panjang.\nWarga menunggu berjam-jam.", Solution: "Pendaftaran daring",
				Benefit: "Waktu tunggu turun", ProposedOn: day("2024-04-01"), OriginInnovationID: innov, OriginRegion: "64.03"}}},
		{CommandID: cmd(9), AggregateType: domain.AggregateInnovation, AggregateID: adopter, ExpectedVersion: 1, Actor: admin,
			OccurredAt: at("2024-05-01T05:00:00Z"),
			Events: []domain.Event{domain.InnovationWithdrawn{InnovationID: adopter, Region: "18.04", Unit: "Dinas Kesehatan Lampung Barat",
				FromStage: domain.StageProposed, Reason: "digabung dengan inovasi lain", WithdrawnOn: day("2024-05-01")}}},
		{CommandID: cmd(10), AggregateType: domain.AggregateAssessment, AggregateID: "2024-64.03", Actor: operator,
			OccurredAt: at("2024-07-01T06:00:00Z"),
			Events: []domain.Event{
				domain.AssessmentStarted{Year: 2024, Region: "64.03", CatalogueVersion: "iid-2024.1"},
				domain.AnswerSubmitted{Year: 2024, Region: "64.03", Indicator: "1", Revision: 1, Option: 3,
					Evidence: domain.Evidence{DocumentRef: "Perbup 39/2024", Link: "https://berau.example/perbup-39", Note: "halaman 4"}, SubmittedBy: "operator.berau"},
			}},
		{CommandID: cmd(11), AggregateType: domain.AggregateAssessment, AggregateID: "2024-64.03", ExpectedVersion: 2, Actor: operator,
			OccurredAt: at("2024-07-02T06:00:00Z"),
			Events: []domain.Event{domain.AnswerSubmitted{Year: 2024, Region: "64.03", Indicator: "16", InnovationID: innov, Unit: "Dinas Kesehatan",
				Revision: 1, Option: 2, Evidence: domain.Evidence{Note: "SK Kepala Dinas"}, SubmittedBy: "operator.berau"}}},
		{CommandID: cmd(12), AggregateType: domain.AggregatePeriod, AggregateID: "2024", ExpectedVersion: 1, Actor: coordinator,
			OccurredAt: at("2024-08-19T01:00:00.123456789Z"),
			Events: []domain.Event{domain.PeriodPhaseAdvanced{Year: 2024, From: domain.PhasePenjaringan, To: domain.PhasePengukuran,
				AdvancedAt: at("2024-08-19T01:00:00.123456789Z")}}},
		{CommandID: cmd(13), AggregateType: domain.AggregateAssessment, AggregateID: "2024-64.03", ExpectedVersion: 3, Actor: verifier,
			OccurredAt: at("2024-08-20T06:00:00Z"),
			Events: []domain.Event{
				domain.AnswerVerified{Year: 2024, Region: "64.03", Indicator: "1", Revision: 1, Decision: domain.DecisionLower,
					ClaimedOption: 3, Option: 2, Reason: "visi memuat inovasi, misi tidak", VerifiedBy: "verifikator.ui"},
			}},
		{CommandID: cmd(14), AggregateType: domain.AggregateAssessment, AggregateID: "2024-64.03", ExpectedVersion: 4, Actor: verifier,
			OccurredAt: at("2024-08-21T06:00:00Z"),
			Events:     []domain.Event{domain.InnovationRejected{Year: 2024, Region: "64.03", InnovationID: innov, Reason: "bukti tidak sah", RejectedBy: "verifikator.ui"}}},
		{CommandID: cmd(15), AggregateType: domain.AggregateBimtek, AggregateID: session, Actor: operator,
			OccurredAt: at("2024-07-01T01:00:00Z"),
			Events: []domain.Event{domain.BimtekScheduled{SessionID: session, Region: "64.03", Title: "Sosialisasi dan Bimtek IID 2024",
				Kind: domain.SessionSosialisasi, Date: day("2024-07-08"), Venue: "Ruang Rapat Bapelitbang", Organiser: "Bapelitbang",
				Mode: domain.ModeHybrid, Speakers: []string{"Wakil Bupati", "Analis Kebijakan BSKDN"}}}},
		{CommandID: cmd(16), AggregateType: domain.AggregateBimtek, AggregateID: session, ExpectedVersion: 1, Actor: operator,
			OccurredAt: at("2024-07-08T03:00:00Z"),
			Events: []domain.Event{domain.BimtekAttendanceRecorded{SessionID: session, Region: "64.03", SessionDate: day("2024-07-08"),
				// read as legacy plaintext (docs/PRIVACY.md): no subject, no key
				Attendee: domain.Attendee{LegacyName: "Siti Rahmawati", Unit: "Dinas Kesehatan", Role: "pamong inovasi", Region: "64.03"}}}},
		{CommandID: cmd(17), AggregateType: domain.AggregateBimtek, AggregateID: session, ExpectedVersion: 2, Actor: operator,
			OccurredAt: at("2024-07-08T09:00:00Z"),
			Events:     []domain.Event{domain.BimtekClosed{SessionID: session, Region: "64.03", ClosedAt: at("2024-07-08T09:00:00Z")}}},
		{CommandID: cmd(18), AggregateType: domain.AggregateBimtek, AggregateID: "5b0c2d2e-6a3f-5d1e-9f00-000000000004", Actor: operator,
			OccurredAt: at("2024-07-09T01:00:00Z"),
			Events: []domain.Event{domain.BimtekScheduled{SessionID: "5b0c2d2e-6a3f-5d1e-9f00-000000000004", Region: "64.03", Title: "Bimtek daring",
				Kind: domain.SessionBimtek, Date: day("2024-07-10"), Organiser: "Bapelitbang", Mode: domain.ModeDaring}}},
	}
}

// readHistoryFixture reads the raw messages of historyFixture.
func readHistoryFixture(tb testing.TB) []rawMessage {
	tb.Helper()
	f, err := os.Open(historyFixture)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var msgs []rawMessage
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m rawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			tb.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return msgs
}

// TestHistoryV1 reads a store written by the release before the explicit
// event schema (historyFixture, published message by message as it was
// stored) through the store as `jejak serve` opens it: every event comes
// back equal to the event that was appended, now in schema version 2.
func TestHistoryV1(t *testing.T) {
	ctx := context.Background()
	st := testsupport.MustStorage(t)
	js, err := jetstream.New(st.Conn)
	if err != nil {
		t.Fatal(err)
	}
	msgs := readHistoryFixture(t)
	for _, m := range msgs {
		msg := nats.NewMsg(m.Subject)
		msg.Header = nats.Header(m.Header)
		msg.Data = m.Body
		if _, err := js.PublishMsg(ctx, msg); err != nil {
			t.Fatalf("publish %s: %v", m.Subject, err)
		}
	}
	commits := historyCommits()
	if len(msgs) != len(commits) {
		t.Fatalf("the fixture has %d messages, the history %d commits", len(msgs), len(commits))
	}
	var read []domain.RecordedEvent
	if err := st.Store.Read(ctx, 0, func(ev domain.RecordedEvent) error {
		read = append(read, ev)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	codec, err := eventstore.NewCodec(domain.EventSpecs(), domain.EventUpcasters()...)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for pos, c := range commits {
		for idx, want := range c.Events {
			if i >= len(read) {
				t.Fatalf("read %d events, want more", len(read))
			}
			got := read[i]
			i++
			if got.Position != uint64(pos+1) || got.Index != idx || got.CommandID != c.CommandID || got.AggregateID != c.AggregateID ||
				got.Actor != c.Actor || !got.OccurredAt.Equal(c.OccurredAt) || got.SchemaVersion != 1 {
				t.Errorf("event %d: envelope %+v does not match commit %+v", i, got, c)
			}
			if !reflect.DeepEqual(got.Data, want) {
				t.Errorf("event %d (%s) upcast to\n%#v\nwant\n%#v", i, got.Type, got.Data, want)
			}
			// and it is stored today exactly as the same event written anew
			_, version, now, err := codec.Encode(got.Data)
			_, _, fresh, _ := codec.Encode(want)
			wantVersion := domain.EventSchemaVersion
			if got.Type == "bimtek.attendance_recorded" {
				wantVersion = 3
			}
			if err != nil || version != wantVersion || !bytes.Equal(now, fresh) {
				t.Errorf("event %d re-encodes as v%d %s, want %s (%v)", i, version, now, fresh, err)
			}
		}
	}
	if i != len(read) {
		t.Errorf("read %d events, the history has %d", len(read), i)
	}

	t.Run("aggregates rebuild from the old history", func(t *testing.T) {
		svc := domain.NewService(st.Store, nil)
		in, err := svc.Innovation(ctx, "5b0c2d2e-6a3f-5d1e-9f00-000000000001")
		if err != nil || in.Stage != domain.StageReplication || in.Details.Name != "Antrean Puskesmas Daring – Ibu & Anak" || len(in.Replications) != 1 {
			t.Errorf("innovation: %+v, %v", in, err)
		}
		a, err := svc.Assessment(ctx, 2024, "64.03")
		if err != nil || len(a.Answers) != 2 || a.Answers[0].Evidence.DocumentRef != "Perbup 39/2024" || a.Answers[0].Status != domain.AnswerLowered {
			t.Errorf("assessment: %+v, %v", a, err)
		}
		b, err := svc.Bimtek(ctx, "5b0c2d2e-6a3f-5d1e-9f00-000000000003")
		if err != nil || !b.Closed || len(b.Attendees) != 1 || b.Attendees[0].Role != "pamong inovasi" || len(b.Plan.Speakers) != 2 {
			t.Errorf("bimtek: %+v, %v", b, err)
		}
		p, err := svc.Period(ctx, 2024)
		if err != nil || p.Phase != domain.PhasePengukuran || len(p.Schedule) != 6 || !p.ClosesAt.Equal(testsupport.Day("2024-08-18")) {
			t.Errorf("period: %+v, %v", p, err)
		}
	})
}
