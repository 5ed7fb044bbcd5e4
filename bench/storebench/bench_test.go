package storebench_test

import (
	"context"
	"os"
	"testing"

	"github.com/jejak-id/jejak/bench/storebench"
)

func TestRunSmall(t *testing.T) {
	report, err := storebench.Run(context.Background(), storebench.Options{
		Rounds: 1, AppendOps: 50, Writers: 8, ConcurrentOps: 200, ReplayEvents: 500, DataDir: t.TempDir(),
	}, os.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Figures) != 3 {
		t.Fatalf("%d figures", len(report.Figures))
	}
	for _, f := range report.Figures {
		if f.Jejak <= 0 || f.Raw <= 0 {
			t.Fatalf("figure %+v", f)
		}
	}
}
