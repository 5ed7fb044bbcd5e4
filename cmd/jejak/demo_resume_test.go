package main

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/sampledata"
)

// TestDemoLoadResumesAfterKill kills "jejak serve --demo" with SIGKILL at
// random points of its demo load, starts it again each time, and checks
// that the last start ends with exactly the full demo: the head equals that
// of an uninterrupted load, and loading once more appends nothing.
func TestDemoLoadResumesAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills jejak several times; not in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	// The full demo, loaded without interruption.
	clean, err := app.OpenStorage(ctx, app.StorageConfig{DataDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sampledata.LoadDemo(ctx, domain.NewService(clean.Store, time.Now), sampledata.DemoOptions{}); err != nil {
		t.Fatal(err)
	}
	full, err := clean.Store.Head(ctx)
	clean.Close()
	if err != nil {
		t.Fatal(err)
	}

	data := filepath.Join(t.TempDir(), "data")
	seed := uint64(time.Now().UnixNano())
	rnd := rand.New(rand.NewPCG(seed, 19))
	t.Logf("seed %d; the full demo is %d commits", seed, full)
	cut := 0
	for i := 0; i < 5; i++ {
		// A random point of the load: from the moment it says it starts
		// (or resumes) to about the time a whole load takes here.
		after := time.Duration(500+rnd.IntN(1000)) * time.Millisecond
		p := startProcess(t, "serve", "--demo", "--data", data, "--addr", freeAddr(t), "--snapshot-every", "0")
		p.waitOutput("data contoh", time.Minute)
		select {
		case <-p.exited:
			t.Fatalf("jejak exited:\n%s", p.output())
		case <-time.After(after):
		}
		p.kill()
		head := storeHead(t, data)
		t.Logf("kill %d after %s: %d of %d commits", i+1, after, head, full)
		if head > 0 && head < full {
			cut++
		}
	}
	addr := freeAddr(t)
	p := startProcess(t, "serve", "--demo", "--data", data, "--addr", addr, "--snapshot-every", "0")
	p.waitReady("http://"+addr, 2*time.Minute)
	p.stop()

	if got := storeHead(t, data); got != full {
		t.Fatalf("after resuming, the store holds %d commits; the full demo is %d", got, full)
	}
	st, err := app.OpenStorage(ctx, app.StorageConfig{DataDir: data}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := sampledata.LoadDemo(ctx, domain.NewService(st.Store, time.Now), sampledata.DemoOptions{})
	if err != nil || sum.Commits != 0 {
		t.Fatalf("loading the demo again appended %d commits (%v); want none", sum.Commits, err)
	}
	if cut == 0 {
		t.Logf("no kill landed inside the load this time (seed %d); the resume path was not exercised", seed)
	}
}
