package projections_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/export"
	"github.com/jejak-id/jejak/projections/kemendagri"
	"github.com/jejak-id/jejak/projections/snapshot"
)

func mustSnapshots(tb testing.TB, s *stack, v *projections.Views) *snapshot.Store {
	tb.Helper()
	blobs, err := natsinfra.OpenBlobs(context.Background(), s.storage.Conn, natsinfra.SnapshotBucket, 1)
	if err != nil {
		tb.Fatal(err)
	}
	return snapshot.New(blobs, v)
}

func TestExports(t *testing.T) {
	ctx := context.Background()
	s := mustStack(t)
	pos := scenario(t, s)
	v := caughtUp(t, s.store)
	snaps := mustSnapshots(t, s, v)

	first, err := export.Build(ctx, snaps, 2025, projections.AsOf{}, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range first.Files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("two exports of one snapshot are byte-identical", func(t *testing.T) {
		second, err := export.Build(ctx, snaps, 2025, projections.AsOf{}, "test", nil)
		if err != nil {
			t.Fatal(err)
		}
		if second.Snapshot.Name != first.Snapshot.Name || second.Snapshot.SHA256 != first.Snapshot.SHA256 {
			t.Fatalf("second export used snapshot %+v, first %+v", second.Snapshot, first.Snapshot)
		}
		if len(second.Files) != len(first.Files) {
			t.Fatalf("%d files, then %d", len(first.Files), len(second.Files))
		}
		for i := range first.Files {
			if first.Files[i].Name != second.Files[i].Name || !bytes.Equal(first.Files[i].Data, second.Files[i].Data) {
				t.Errorf("%s differs between two exports of one snapshot", first.Files[i].Name)
			}
		}
	})

	t.Run("reports progress from the snapshot to the last file", func(t *testing.T) {
		var steps [][2]int
		if _, err := export.Build(ctx, snaps, 2025, projections.AsOf{}, "test", func(done, total int) {
			steps = append(steps, [2]int{done, total})
		}); err != nil {
			t.Fatal(err)
		}
		total := steps[0][1]
		if steps[0][0] != 0 || steps[len(steps)-1] != [2]int{total, total} || total != 2+len(kemendagri.FileNames()) {
			t.Fatalf("progress %v: want 0..%d of %d", steps, 2+len(kemendagri.FileNames()), 2+len(kemendagri.FileNames()))
		}
		for i := 1; i < len(steps); i++ {
			if steps[i][1] != total || steps[i][0] != steps[i-1][0]+1 {
				t.Fatalf("progress %v is not one step at a time", steps)
			}
		}
	})

	t.Run("holds the scores of the index", func(t *testing.T) {
		if first.Manifest.Position != pos["verify 18.01 1"] || first.Manifest.SnapshotHash != first.Snapshot.SHA256 {
			t.Fatalf("manifest %+v", first.Manifest)
		}
		var daerah []byte
		for _, f := range first.Files {
			if f.Name == "daerah.csv" {
				daerah = f.Data
			}
		}
		if !bytes.Contains(daerah, []byte("18.04,Kabupaten Lampung Barat")) || !bytes.Contains(daerah, []byte("3.87")) {
			t.Fatalf("daerah.csv lacks Lampung Barat's 3.87:\n%s", daerah)
		}
	})

	t.Run("verify matches the history the export came from", func(t *testing.T) {
		res, err := export.Verify(ctx, s.store, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Match() {
			t.Fatalf("verify found %s", res.Difference)
		}
	})

	t.Run("verify names the difference when the history differs", func(t *testing.T) {
		other := mustStack(t)
		// One more fact before the same scenario: the history at the
		// manifest's position is no longer the one the export came from.
		if _, err := other.svc.UpdateRegionProfile(ctx, domain.UpdateRegionProfileCommand{CommandMeta: other.meta(admin),
			Region: "18.04", OfficeName: "Brida Kabupaten Lampung Barat", OfficeKind: domain.OfficeBrida}); err != nil {
			t.Fatal(err)
		}
		scenario(t, other)
		res, err := export.Verify(ctx, other.store, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Match() || res.Difference.Kind == kemendagri.Same && res.SnapshotHash == first.Manifest.SnapshotHash {
			t.Fatal("verify accepted an export of another history")
		}
		t.Logf("difference: %s", res.Difference)
		if res.Difference.File == "" {
			t.Fatalf("the difference names no file: %+v", res.Difference)
		}
	})
}
