package audit

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// answerEvents are n events shaped like the national store's (answers of
// a region's assessment with their evidence, ~3.5 to a commit).
func answerEvents(n int) []domain.RecordedEvent {
	at := time.Date(2023, 7, 13, 4, 18, 0, 0, time.UTC)
	out := make([]domain.RecordedEvent, n)
	pos, idx := uint64(1), 0
	for i := range out {
		if i%4 == 3 {
			pos, idx = pos+1, 0
		}
		region := fmt.Sprintf("%02d.%02d", 11+i%80, i%30)
		out[i] = domain.RecordedEvent{ID: uuid.New(), Type: "assessment.answer_submitted", SchemaVersion: 2,
			AggregateType: domain.AggregateAssessment, AggregateID: "2023-" + region, Version: uint64(i/80 + 1),
			Position: pos, Index: idx, CommitSize: 4, CommandID: uuid.New(), OccurredAt: at.Add(time.Duration(i) * time.Second),
			RecordedAt: at.Add(time.Duration(i) * time.Second), CorrelationID: "sampledata-generate-1",
			Actor: domain.Actor{UserID: "operator." + region, Role: domain.RoleOperator, Region: region},
			Data: domain.AnswerSubmitted{Year: 2023, Region: region, Indicator: fmt.Sprint(16 + i%20), InnovationID: uuid.NewString(),
				Unit: "Badan Penanggulangan Bencana Daerah", Revision: 1, Option: 1 + i%3,
				Evidence:    domain.Evidence{DocumentRef: fmt.Sprintf("bukti-2023-%s-ind%d-p2.pdf", region, 16+i%20), Note: "Bukti dukung data contoh"},
				SubmittedBy: "operator." + region}}
		idx++
	}
	return out
}

// Every record gives back the event it was made from, as its JSON shows
// it, sealed and compressed or not; and one the domain does not list is
// not held.
func TestRowsGiveBackTheEvents(t *testing.T) {
	a := NewTrails(nil)
	evs := answerEvents(3*rowGroup + 17)
	evs[5].OccurredAt = evs[5].OccurredAt.In(time.FixedZone("WIB", 7*3600))
	evs[6].Data = nil
	for _, ev := range evs {
		if err := a.Apply(ev); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		t.Helper()
		for i, want := range evs {
			a.mu.RLock()
			n := a.neededLocked(i)
			a.mu.RUnlock()
			var rr rowReader
			rec, err := rr.record(n.row)
			if err != nil || rec == nil {
				t.Fatalf("%s: entry %d: no record (%v)", when, i, err)
			}
			got, err := rowEvent(n.entry, n.typ, n.agg, n.user, rec)
			rr.release()
			if err != nil {
				t.Fatal(err)
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Fatalf("%s: entry %d gives\n%s\nwant\n%s", when, i, g, w)
			}
		}
	}
	check("applied")
	data, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Restore(data); err != nil {
		t.Fatal(err)
	}
	check("restored")

	b := NewTrails(nil)
	odd := evs[0]
	odd.Type = "not.listed"
	if err := b.Apply(odd); err != nil {
		t.Fatal(err)
	}
	b.mu.RLock()
	ref := b.neededLocked(0).row
	b.mu.RUnlock()
	var rr rowReader
	if rec, err := rr.record(ref); rec != nil || err != nil {
		t.Errorf("an event of a type the domain does not list: record %q, %v", rec, err)
	}
}

// BenchmarkApply is Trails.Apply (log, windows and rows) per event, the
// rows' part of it on the applying goroutine (encoding; compression is on
// another), and the compression of a group.
func BenchmarkApply(b *testing.B) {
	evs := answerEvents(1 << 16)
	b.Run("apply", func(b *testing.B) {
		b.ReportAllocs()
		var a *Trails
		for i := 0; b.Loop(); i++ {
			if i%len(evs) == 0 {
				a = NewTrails(nil)
			}
			if err := a.Apply(evs[i%len(evs)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rows on the applying goroutine", func(b *testing.B) {
		b.ReportAllocs()
		var r *rowStore
		for i := 0; b.Loop(); i++ {
			if i%len(evs) == 0 {
				r = &rowStore{}
			}
			r.add(evs[i%len(evs)])
			r.sealing, r.compressing = nil, true // compressed elsewhere
		}
	})
	b.Run("compressing a group", func(b *testing.B) {
		r := &rowStore{}
		for _, ev := range evs[:rowGroup] {
			r.add(ev)
		}
		b.SetBytes(int64(len(r.sealing[0])))
		for b.Loop() {
			zstdEncoder().EncodeAll(r.sealing[0], nil)
		}
	})
}
