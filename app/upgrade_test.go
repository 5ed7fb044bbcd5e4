package app_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/internal/testsupport"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/projections/index"
	"github.com/jejak-id/jejak/sampledata"
)

// markCheckpointAsPreviousVersion rewrites the stored checkpoint so that
// its index part claims the version before the current one: what a
// process finds after an upgrade that changed the index's version. The
// checkpoint is "JEJAK-CHECKPOINT\x01", the header's length (uvarint), the
// JSON header and the parts.
func markCheckpointAsPreviousVersion(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	st := testsupport.MustStorageIn(t, dir)
	defer st.Close()
	blobs, err := natsinfra.OpenBlobs(ctx, st.Conn, natsinfra.CheckpointBucket, 1)
	if err != nil {
		t.Fatal(err)
	}
	names, err := blobs.Names(ctx, "projections-checkpoint.")
	if err != nil || len(names) == 0 {
		t.Fatalf("no checkpoint: %v", err)
	}
	slices.Sort(names)
	name := names[len(names)-1] // the newest, which a start reads
	data, ok, err := blobs.Get(ctx, name)
	if err != nil || !ok {
		t.Fatalf("no checkpoint: %v", err)
	}
	const magic = "JEJAK-CHECKPOINT\x01"
	rest, _ := bytes.CutPrefix(data, []byte(magic))
	n, read := binary.Uvarint(rest)
	var h map[string]any
	if err := json.Unmarshal(rest[read:read+int(n)], &h); err != nil {
		t.Fatal(err)
	}
	for _, p := range h["Parts"].([]any) {
		if part := p.(map[string]any); part["Name"] == "index" {
			part["Version"] = index.Version - 1
		}
	}
	header, _ := json.Marshal(h)
	out := binary.AppendUvarint([]byte(magic), uint64(len(header)))
	out = append(append(out, header...), rest[read+int(n):]...)
	if err := blobs.Put(ctx, name, out); err != nil {
		t.Fatal(err)
	}
}

// TestUpgradeWithoutDarkPeriod: over a store of 100,000+ events, a process
// that finds a checkpoint of the previous index version serves that
// version while it rebuilds the current one beside it, then switches:
// once ready, /readyz and reads answer 200 throughout, and after the
// switch the served state is the current version's full rebuild.
func TestUpgradeWithoutDarkPeriod(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 100,000 events; not in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	st := testsupport.MustStorageIn(t, dir)
	sum, err := sampledata.Generate(ctx, st.Store, sampledata.GenerateOptions{Seed: 21, Years: []int{2023, 2024, 2025}, Scale: 0.085})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Events < 100_000 {
		t.Fatalf("generated %d events; the test wants 100,000+", sum.Events)
	}
	cfg := app.Config{Addr: "127.0.0.1:0", Storage: app.StorageConfig{DataDir: dir}, Version: "test", NoReactors: true}
	first, err := app.Start(ctx, cfg) // replays everything, saves a checkpoint
	if err != nil {
		t.Fatal(err)
	}
	first.Close()
	markCheckpointAsPreviousVersion(t, dir)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = l.Addr().String()
	l.Close()
	base := "http://" + cfg.Addr
	type sample struct {
		ready, read int
		rebuilding  bool
	}
	var (
		mu      sync.Mutex
		samples []sample
	)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		client := http.Client{Timeout: 10 * time.Second}
		status := func(path string) (int, string) {
			res, err := client.Get(base + path)
			if err != nil {
				return 0, ""
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		for {
			select {
			case <-done:
				return
			default:
			}
			ready, _ := status("/readyz")
			read, _ := status("/api/v1/rankings/2024")
			_, metrics := status("/metrics")
			mu.Lock()
			samples = append(samples, sample{ready, read, strings.Contains(metrics, "\njejak_projection_rebuilding 1")})
			mu.Unlock()
			time.Sleep(25 * time.Millisecond) // a probe, not a load test
		}
	}()
	began := time.Now()
	second, err := app.Start(ctx, cfg)
	if err != nil {
		close(done)
		t.Fatal(err)
	}
	defer second.Close()
	ready := time.Since(began)
	head, _ := second.Store.Head(ctx)
	// Wait for the switch: the current version serves and has every commit.
	for {
		res, err := http.Get(base + "/metrics")
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if strings.Contains(string(b), "\njejak_projection_rebuilding 0") && second.Views.Runner.Position() >= head {
				break
			}
		}
		if ctx.Err() != nil {
			t.Fatal("the rebuild did not finish")
		}
		time.Sleep(20 * time.Millisecond)
	}
	switched := time.Since(began)
	close(done)
	wg.Wait()

	var during, afterReady, notOK int
	seenReady := false
	for _, s := range samples {
		if s.ready == http.StatusOK {
			seenReady = true
		}
		if !seenReady {
			continue
		}
		afterReady++
		if s.rebuilding {
			during++
		}
		if s.ready != http.StatusOK || s.read != http.StatusOK {
			notOK++
		}
	}
	t.Logf("%d events, %d commits: ready after %s (previous version), switched after %s; %d samples once ready, %d during the rebuild, %d not 200",
		sum.Events, sum.Commits, ready.Round(time.Millisecond), switched.Round(time.Millisecond), afterReady, during, notOK)
	if notOK > 0 {
		t.Errorf("%d of %d reads or readiness probes failed once the replica was ready", notOK, afterReady)
	}
	if during == 0 {
		t.Errorf("no probe saw the rebuild: the previous version did not serve while the current one rebuilt")
	}
	if want := stateHash(t, second.Store, head); want != served(t, base) {
		t.Errorf("after the switch the served index is not the current version's rebuild")
	}
}

// served is the index state hash the API reports.
func served(t *testing.T, base string) string {
	t.Helper()
	res, err := http.Get(base + "/api/v1/projections")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Hashes map[string]string `json:"hashes"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || body.Hashes["index"] == "" {
		t.Fatalf("/api/v1/projections: %v %v", body, err)
	}
	return body.Hashes["index"]
}
