package logbench_test

import (
	"context"
	"os"
	"testing"

	"github.com/jejak-id/jejak/bench/logbench"
)

func TestRunSmall(t *testing.T) {
	rep, err := logbench.Run(context.Background(), logbench.Options{Scale: 0.002, Rounds: 1, Writers: 4, Appends: 40,
		Proofs: 20, DataDir: t.TempDir()}, os.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	if rep.AppendOn <= 0 || rep.AppendOff <= 0 || rep.VerifyRate <= 0 || rep.InclusionP99 <= 0 || rep.Commits == 0 {
		t.Fatalf("report %+v", rep)
	}
}
