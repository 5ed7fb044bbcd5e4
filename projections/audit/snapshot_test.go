package audit

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/domain"
)

// A snapshot in the binary layout, and those in the binary layout without
// rows and the all-JSON layout (still found in checkpoints saved before
// them), restore to the same audit index; the earlier layouts hold no row,
// so their entries' rows are read from the store.
func TestSnapshotLayouts(t *testing.T) {
	a := NewTrails(nil)
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 300 {
		region := []string{"64.03", "18.04", "63.10"}[i%3]
		ev := domain.RecordedEvent{ID: uuid.New(), Type: "innovation.proposed", AggregateType: domain.AggregateInnovation,
			AggregateID: fmt.Sprintf("inn-%d", i%40), Version: uint64(i/40 + 1), Position: uint64(i + 1), CommitSize: 1,
			OccurredAt: at.Add(time.Duration(i) * time.Minute), RecordedAt: at.Add(time.Duration(i) * time.Minute),
			Actor: domain.Actor{UserID: fmt.Sprintf("op-%d", i%7), Role: domain.RoleOperator, Region: region},
			Data:  domain.InnovationProposed{InnovationID: fmt.Sprintf("inn-%d", i%40), Region: region, Name: "Inovasi"}}
		if err := a.Apply(ev); err != nil {
			t.Fatal(err)
		}
	}
	binarySnap, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(binarySnap, []byte(snapshotMagic)) {
		t.Fatalf("the snapshot starts %q, not with the binary layout's magic", binarySnap[:8])
	}
	a.mu.RLock()
	old := auditState{ByRegion: refsOut(a.byRegion), ByActor: refsOut(a.byActor), Recent: oldestFirst(a.recent),
		RecentBy: map[string][]Entry{}, Log: a.log.encode()}
	for region, w := range a.recentBy {
		old.RecentBy[region] = oldestFirst(w)
	}
	a.mu.RUnlock()
	jsonSnap, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	old.Log = nil
	meta, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	noRowsSnap := append(binary.AppendUvarint([]byte(snapshotMagicNoRows), uint64(len(meta))), meta...)
	noRowsSnap = append(noRowsSnap, a.log.encode()...)
	a.mu.Lock()
	rows := a.rows
	a.rows = &rowStore{base: len(a.log.entries)}
	a.mu.Unlock()
	withoutRows, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	a.rows = rows
	a.mu.Unlock()
	for name, data := range map[string][]byte{"binary": binarySnap, "binary without rows": noRowsSnap, "all-JSON": jsonSnap} {
		b := NewTrails(nil)
		if err := b.Restore(data); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		again, err := b.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		want := binarySnap
		if name != "binary" {
			want = withoutRows
		}
		if !bytes.Equal(again, want) {
			t.Errorf("restored from the %s layout, the index snapshots differently", name)
		}
		if got, want := len(b.Recent(50, "64.03")), len(a.Recent(50, "64.03")); got != want || got == 0 {
			t.Errorf("%s: %d recent entries of 64.03, want %d", name, got, want)
		}
	}
	for _, cut := range []int{len(snapshotMagic), len(snapshotMagic) + 1, len(binarySnap) - 3} {
		if err := NewTrails(nil).Restore(binarySnap[:cut]); err == nil {
			t.Errorf("a snapshot cut at %d of %d bytes restored without an error", cut, len(binarySnap))
		}
	}
}
