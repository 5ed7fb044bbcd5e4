package eventstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/eventstore/storetest"
)

func mustBenchStore(b *testing.B) *eventstore.Store {
	b.Helper()
	server := MustStartEmbedded(b, b.TempDir())
	b.Cleanup(server.Shutdown)
	store, err := eventstore.Open(context.Background(), server.Conn(), eventstore.Config{Codec: MustCodec(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	return store
}

// BenchmarkAppend appends one-event commits to one aggregate, one at a time.
func BenchmarkAppend(b *testing.B) {
	store := mustBenchStore(b)
	var version uint64
	for b.Loop() {
		if _, err := store.Append(context.Background(), storetest.NewCommit("bench", version, "note")); err != nil {
			b.Fatal(err)
		}
		version++
	}
}

// BenchmarkAppendParallel appends from many goroutines, each on its own
// aggregate (run with -cpu to vary the writers).
func BenchmarkAppendParallel(b *testing.B) {
	store := mustBenchStore(b)
	var writers atomic.Int64
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		id := fmt.Sprintf("writer-%d", writers.Add(1))
		var version uint64
		for pb.Next() {
			if _, err := store.Append(context.Background(), storetest.NewCommit(id, version, "note")); err != nil {
				b.Error(err)
				return
			}
			version++
		}
	})
}

// BenchmarkRead replays 20,000 one-event commits per iteration.
func BenchmarkRead(b *testing.B) {
	store := mustBenchStore(b)
	const events = 20_000
	for v := range uint64(events) {
		storetest.MustAppend(b, store, storetest.NewCommit(fmt.Sprintf("agg-%d", v%100), v/100, "note"))
	}
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if err := store.Read(context.Background(), 0, func(domain.RecordedEvent) error { n++; return nil }); err != nil || n != events {
			b.Fatalf("read %d events: %v", n, err)
		}
	}
	b.ReportMetric(float64(events*b.N)/b.Elapsed().Seconds(), "events/s")
}
