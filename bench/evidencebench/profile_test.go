package evidencebench

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
)

// BenchmarkUpload20MB and BenchmarkRawPut20MB are the two sides of the
// 20 MB comparison, one at a time, for profiles (go test -bench
// Upload20MB -cpuprofile).
func startBench(b testing.TB) *bench {
	b.Helper()
	ctx := context.Background()
	a, err := app.Start(ctx, app.Config{Addr: "127.0.0.1:0", Storage: app.StorageConfig{DataDir: filepath.Join(b.TempDir(), "data")},
		Version: "bench", NoReactors: true, NoSeal: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	token, err := a.Tokens.Issue(domain.Actor{UserID: "bench-operator", Role: domain.RoleOperator, Region: "64.03"}, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	return &bench{ctx: ctx, app: a, url: a.URL() + "/api/v1/evidence?region=64.03", token: token, client: &http.Client{}}
}

func BenchmarkUpload20MB(b *testing.B) {
	bench20MB(b, func(bb *bench, _ uint64, data []byte) error { return bb.upload(data) })
}

func BenchmarkRawPut20MB(b *testing.B) {
	bench20MB(b, func(bb *bench, i uint64, data []byte) error {
		return bb.app.Evidence.PutRaw(bb.ctx, fmt.Sprintf("raw-%d", i), bytes.NewReader(data))
	})
}

// bench20MB times put over 20 MB files of distinct bytes, made outside the
// timed part.
func bench20MB(b *testing.B, put func(bb *bench, i uint64, data []byte) error) {
	bb := startBench(b)
	b.SetBytes(20 * mib)
	i := uint64(0)
	for b.Loop() {
		b.StopTimer()
		data := filler(20*mib, 5000+i)
		i++
		b.StartTimer()
		if err := put(bb, i, data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRSSProfile writes a heap profile taken while one 100 MB request
// is at its peak (EVIDENCE_RSS_PROFILE=file).
func TestRSSProfile(t *testing.T) {
	path := os.Getenv("EVIDENCE_RSS_PROFILE")
	if path == "" {
		t.Skip("EVIDENCE_RSS_PROFILE=file")
	}
	bb := startBench(t)
	for i := range 3 {
		if err := bb.upload(filler(20*mib, 9000+uint64(i))); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	debug.FreeOSMemory()
	base, _ := rssBytes()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("before: rss %d MiB, heap inuse %d MiB, sys %d MiB", base>>20, ms.HeapInuse>>20, ms.Sys>>20)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var peak int64
		tk := time.NewTicker(5 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				if r, _ := rssBytes(); r > peak+(4<<20) {
					peak = r
					var ms runtime.MemStats
					runtime.ReadMemStats(&ms)
					t.Logf("rss %d MiB, heap inuse %d MiB, heap alloc %d MiB, stacks %d MiB", r>>20, ms.HeapInuse>>20, ms.HeapAlloc>>20, ms.StackInuse>>20)
					f, _ := os.Create(path)
					pprof.Lookup("heap").WriteTo(f, 0)
					f.Close()
				}
			}
		}
	}()
	err := bb.streamUpload(5, 20*mib, 777)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
}
