package audit

import (
	"testing"

	"github.com/jejak-id/jejak/domain"
)

func TestWindowKeepsTheLatestNewestFirst(t *testing.T) {
	for _, n := range []int{0, 1, recentSize - 1, recentSize, recentSize + 1, 3*recentSize + 7} {
		w := &window{restored: []Entry{{Position: 0, Type: "restored"}}}
		for p := 1; p <= n; p++ {
			w.add(domain.RecordedEvent{Position: uint64(p)})
		}
		got := w.latest()
		want := min(recentSize, n+1)
		if len(got) != want {
			t.Fatalf("after %d events: %d entries, want %d", n, len(got), want)
		}
		for i, e := range got {
			if wantPos := uint64(max(n-i, 0)); e.Position != wantPos {
				t.Fatalf("after %d events: entry %d is at position %d, want %d", n, i, e.Position, wantPos)
			}
		}
	}
}
