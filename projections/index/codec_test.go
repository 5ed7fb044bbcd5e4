package index

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// edgeState holds the values the codec must keep apart: zero and non-zero
// times in several zones and precisions, nil and empty slices and maps, the
// SPD answer key, shared and unique strings.
func edgeState() *indexState {
	jakarta := time.FixedZone("", 7*3600)
	id := uuid.MustParse("0190f3a2-7c4e-7abc-8def-0123456789ab")
	st := newIndexState()
	st.Events = 42
	st.Periods[2025] = &periodState{Year: 2025, CatalogueVersion: "permendagri-2025", Phase: domain.PhasePenjaringan,
		Schedule: []domain.PhaseWindow{{Phase: domain.PhasePenjaringan, Start: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC),
			End: time.Date(2025, 7, 31, 23, 59, 59, 999_999_999, jakarta)}},
		OpenedAt: time.Date(2025, 4, 30, 10, 0, 0, 123_000_000, time.UTC), FrozenAt: 7, Version: 6,
		Results: map[string]*frozenResult{"64.03": {SPD: 40250, SID: "1429/40", Total: "6543/200", IID: 3237,
			Predicate: "Kurang Inovatif", ProvisionalIID: 3300, Counted: []string{"inn-1"}}, "18.04": {Counted: []string{}}}}
	st.Periods[2024] = &periodState{Year: 2024, Results: map[string]*frozenResult{}}
	h := &st.History
	h.steps["2025-64.03"] = []scoreStep{{Position: 9, At: stampOf(time.Date(2025, 6, 2, 3, 4, 5, 6, jakarta)), EventID: id,
		Type: h.ref("assessment.answer_verified"), Actor: h.ref("verifikator"), Role: h.ref("verifier"), Indicator: h.ref("16"),
		InnovationID: h.ref("inn-1"), Events: 3, Verified: 3237, Provisional: -1}, {Position: 10},
		{Position: 11, At: stampOf(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)), Actor: h.ref("<&>")}}
	h.steps["2024-18.04"] = []scoreStep{}
	st.Regions["64.03"] = &regionState{Perbatasan: true, OfficeName: "Brida Kabupaten Berau", OfficeKind: "brida", Version: 2}
	st.Regions["18.04"] = &regionState{}
	st.Innovations["inn-1"] = &innovationState{ID: "inn-1", Region: "64.03", Name: "Layanan \"Jemput\" Bola ✓",
		Unit: "Dinas Kesehatan", Initiator: "opd", Form: "tata_kelola", Digital: true, Affair: "kesehatan",
		Stage: domain.StageReplication, ProposedOn: time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC), ProposedEventID: id,
		Replications: []domain.DatedFact{{Ref: "18.04", Date: time.Date(2024, 3, 1, 0, 0, 0, 0, jakarta), EventIDs: []uuid.UUID{id, id}}},
		Timeline:     []stageEvent{{Stage: domain.StageProposed, On: time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC), EventID: id, Actor: "op-berau"}, {}},
		MadePublicAt: time.Date(2025, 6, 3, 4, 5, 6, 7, jakarta), Version: 1 << 40}
	st.Innovations["inn-2"] = &innovationState{ID: "inn-2", Region: "64.03", Timeline: []stageEvent{}, Replications: []domain.DatedFact{{}}}
	st.Sessions["s-1"] = &sessionState{ID: "s-1", Region: "64.03", Title: "Bimtek", Date: time.Date(2025, 8, 6, 0, 0, 0, 0, time.UTC),
		Speakers: []string{"Narasumber A", "op-berau"}, Attendees: []attendeeState{{Name: "A", Unit: "Dinas Kesehatan", EventID: id}, {}}, Closed: true, Version: 3}
	st.Sessions["s-2"] = &sessionState{ID: "s-2", Speakers: []string{}, Attendees: []attendeeState{}}
	st.Assessments[domain.AssessmentID(2025, "64.03")] = &assessmentState{Year: 2025, Region: "64.03",
		Answers: map[string]*answerState{
			answerKey("", "1"): {Indicator: "1", Claimed: 2, Status: domain.AnswerAccepted, Verified: 2, Revision: -1, EventIDs: []uuid.UUID{id}},
			answerKey("inn-1", "1"): {Indicator: "1", InnovationID: "inn-1", Evidence: domain.Evidence{DocumentRef: "Perbup 39/2024", Link: "https://berau.go.id/x", Note: "ada",
				Files: []string{"ab12", "ab12"}, Links: []string{}}, EventIDs: []uuid.UUID{}},
		},
		Rejected: map[string]string{"inn-2": "tidak lengkap"}, FirstSubmitted: time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC), Version: 129}
	st.Assessments[domain.AssessmentID(2024, "18.04")] = &assessmentState{Year: 2024, Region: "18.04", Answers: map[string]*answerState{}}
	st.Evidence["ab12"] = &evidenceState{SHA256: "ab12", Size: 1 << 24, MediaType: domain.MediaPDF, Pages: 3,
		Uploads: []evidenceUpload{{Region: "64.03", Name: "Perbup ✓.pdf", UploadedBy: "op-berau", UploadedAt: time.Date(2025, 6, 1, 8, 0, 0, 5, jakarta), EventID: id, Version: 1}, {}}}
	st.Evidence["cd34"] = &evidenceState{Uploads: []evidenceUpload{}}
	return st
}

func TestIndexCodecRoundTrip(t *testing.T) {
	st := edgeState()
	data, err := encodeIndexState(st, 0)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeIndexState(data)
	if err != nil {
		t.Fatal(err)
	}
	if want, got := stateJSON(t, st), stateJSON(t, back); !bytes.Equal(want, got) {
		t.Fatalf("restored state differs:\nwant %s\ngot  %s", want, got)
	}
	again, err := encodeIndexState(back, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, again) {
		t.Fatal("encoding the restored state gives other bytes")
	}
	// JSON cannot tell these apart by value; the codec must keep them.
	if back.Periods[2025].Results["18.04"].Counted == nil || back.Periods[2025].Results["64.03"].Counted[0] != "inn-1" {
		t.Error("an empty list came back nil")
	}
	if back.Innovations["inn-2"].Timeline == nil || back.Sessions["s-2"].Attendees == nil {
		t.Error("empty slices came back nil")
	}
	if back.Assessments[domain.AssessmentID(2024, "18.04")].Rejected != nil {
		t.Error("a nil map came back non-nil")
	}
	end := back.Periods[2025].Schedule[0].End
	if _, off := end.Zone(); off != 7*3600 || end.Nanosecond() != 999_999_999 || !end.Equal(st.Periods[2025].Schedule[0].End) {
		t.Errorf("time came back as %v", end)
	}
	if loc := back.Periods[2025].OpenedAt.Location(); loc != time.UTC {
		t.Errorf("a UTC time came back in %v", loc)
	}
	// Aggregate versions come back, for every kind of aggregate.
	for what, got := range map[string]uint64{
		"period":     back.Periods[2025].Version,
		"region":     back.Regions["64.03"].Version,
		"innovation": back.Innovations["inn-1"].Version,
		"session":    back.Sessions["s-1"].Version,
		"assessment": back.Assessments[domain.AssessmentID(2025, "64.03")].Version,
	} {
		if want := map[string]uint64{"period": 6, "region": 2, "innovation": 1 << 40, "session": 3, "assessment": 129}[what]; got != want {
			t.Errorf("the %s's version came back as %d, want %d", what, got, want)
		}
	}
}

func TestIndexCodecRefusesTheFormerFormat(t *testing.T) {
	// Format 1 had no aggregate versions: its states must be rebuilt from
	// the stream, not read with every version 0.
	data, err := encodeIndexState(edgeState(), 0)
	if err != nil {
		t.Fatal(err)
	}
	old := append([]byte("JEJAK-INDEX\x01"), data[len(indexCodecMagic):]...)
	if _, err := decodeIndexState(old); err == nil {
		t.Fatal("a state of format 1 was accepted")
	}
}

func TestIndexCodecIsDeterministic(t *testing.T) {
	// Map iteration order is random; the bytes must not be.
	first, err := encodeIndexState(edgeState(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, err := encodeIndexState(edgeState(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatal("two encodings of equal states differ")
		}
	}
}

func TestIndexCodecRefusesDamage(t *testing.T) {
	data, err := encodeIndexState(edgeState(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(data) {
		if _, err := decodeIndexState(data[:n]); err == nil {
			t.Fatalf("a state cut to %d of %d bytes was accepted", n, len(data))
		}
	}
	if _, err := decodeIndexState(append(bytes.Clone(data), 0)); err == nil {
		t.Fatal("trailing bytes were accepted")
	}
	// Flipped bytes must give an error or some state, never a panic or a
	// huge allocation.
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		bad := bytes.Clone(data)
		for range 1 + rnd.IntN(4) {
			bad[len(indexCodecMagic)+rnd.IntN(len(bad)-len(indexCodecMagic))] = byte(rnd.IntN(256))
		}
		_, _ = decodeIndexState(bad)
	}
}

func TestIndexCodecRefusesAMisfiledAnswer(t *testing.T) {
	st := edgeState()
	a := st.Assessments[domain.AssessmentID(2025, "64.03")]
	a.Answers["inn-9/1"] = &answerState{Indicator: "1", InnovationID: "inn-1"}
	if _, err := encodeIndexState(st, 0); err == nil {
		t.Fatal("an answer under another key was encoded; its key would change on restore")
	}
}

func stateJSON(t *testing.T, st *indexState) []byte {
	t.Helper()
	x := New()
	x.state = st
	data, err := x.StateJSON()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A stamp keeps the instant and the zone offset of a time (the zone's
// name is dropped, as the codec drops it); the zero time stays zero.
func TestStampKeepsTime(t *testing.T) {
	for _, tm := range []time.Time{
		{},
		time.Unix(0, 0).UTC(),
		time.Date(2025, 6, 2, 3, 4, 5, 6, time.FixedZone("WIB", 7*3600)),
		time.Date(2025, 6, 2, 3, 4, 5, 999_999_999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC),
		time.Date(2100, 12, 31, 23, 59, 59, 0, time.FixedZone("", -9*3600-30*60)),
	} {
		back := stampOf(tm).time()
		_, want := tm.Zone()
		_, got := back.Zone()
		if !back.Equal(tm) || got != want || back.IsZero() != tm.IsZero() {
			t.Errorf("%v came back as %v", tm, back)
		}
	}
}
