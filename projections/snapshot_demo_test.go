package projections_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/sampledata"
)

// TestSnapshotOfTheDemo restores the demo's index (four real regions, 40
// generated ones, six years, frozen results, Bimtek, replications) from its
// snapshot and checks that nothing changed: the readable state, the bytes,
// and the answers the API gives.
func TestSnapshotOfTheDemo(t *testing.T) {
	s := mustStack(t)
	if _, err := sampledata.LoadDemo(context.Background(), s.svc, sampledata.DemoOptions{}); err != nil {
		t.Fatal(err)
	}
	live := caughtUp(t, s.store).Index
	data, err := live.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored := index.New()
	if err := restored.Restore(data); err != nil {
		t.Fatal(err)
	}
	again, err := restored.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, again) {
		t.Fatal("the restored index snapshots to other bytes")
	}
	a, err := live.StateJSON()
	if err != nil {
		t.Fatal(err)
	}
	b, err := restored.StateJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("the restored index's readable state differs from the live one")
	}
	t.Logf("demo index: %d bytes as a snapshot, %d as readable JSON", len(data), len(a))
	for _, year := range []int{2021, 2023, 2024, 2025} {
		for _, region := range []string{"64.03", "18.04", "18.01", "35.08"} {
			want, err := live.Score(year, region)
			if err != nil {
				t.Fatal(err)
			}
			got, err := restored.Score(year, region)
			if err != nil {
				t.Fatal(err)
			}
			w, _ := json.Marshal(want)
			g, _ := json.Marshal(got)
			if !bytes.Equal(w, g) {
				t.Errorf("score of %s in %d: live and restored differ", region, year)
			}
		}
	}
}
