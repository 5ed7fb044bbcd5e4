package projections_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
)

// recorder is a projection that keeps the positions of the events it
// applied, and fails at failAt if set.
type recorder struct {
	name   string
	failAt uint64
	mu     sync.Mutex
	seen   []uint64
}

func (r *recorder) Name() string { return r.name }
func (r *recorder) Version() int { return 1 }
func (r *recorder) Apply(ev domain.RecordedEvent) error {
	if r.failAt != 0 && ev.Position == r.failAt {
		return errors.New("refused")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, ev.Position)
	return nil
}

func (r *recorder) positions() []uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]uint64(nil), r.seen...)
}

// A projection beside the others (on its own goroutine) sees every event
// in order; the listener hears an event after every projection applied
// it; the runner's position, Exclusive and WaitFor count a commit as
// applied only when the projection beside has applied it too; a failure
// beside stops the runner with the error.
func TestRunnerBeside(t *testing.T) {
	s := mustStack(t)
	pos := scenario(t, s)
	ctx := context.Background()
	head := pos["verify 18.01 1"]

	main, beside := &recorder{name: "main"}, &recorder{name: "beside"}
	r := projections.NewRunner(s.store, 0, beside, main)
	r.Beside(beside)
	var heardBefore []uint64 // events heard before the projection beside applied them
	r.OnApplied(func(ev domain.RecordedEvent) {
		if got := beside.positions(); len(got) == 0 || got[len(got)-1] != ev.Position {
			heardBefore = append(heardBefore, ev.Position)
		}
	})
	if err := r.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	a, b := main.positions(), beside.positions()
	if len(a) == 0 || !slices.Equal(a, b) || r.Position() != head || a[len(a)-1] != head {
		t.Fatalf("main saw %d events, beside %d; position %d, head %d", len(a), len(b), r.Position(), head)
	}
	if len(heardBefore) > 0 {
		t.Errorf("the listener heard %v before the projection beside applied them", heardBefore)
	}

	// live: appends while checkpoints look between commits
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(runCtx) }()
	var last uint64
	for i := range 30 {
		res, _, err := s.svc.ProposeInnovation(ctx, domain.ProposeInnovationCommand{CommandMeta: s.meta(operator("18.04")), Region: "18.04",
			On: day("2024-01-10"), Details: domain.InnovationDetails{Name: "Inovasi uji runner " + string(rune('A'+i)),
				Unit: "Dinas Kesehatan", Initiator: domain.InitiatorOPD, Form: domain.FormPelayananPublik,
				Affair: domain.AffairKesehatan, Problem: "p", Solution: "s", Benefit: "b"}})
		if err != nil {
			t.Fatal(err)
		}
		last = res.Position
		if err := r.Exclusive(func(at uint64) error {
			a, b := main.positions(), beside.positions()
			if !slices.Equal(a, b) || len(b) > 0 && b[len(b)-1] != at {
				t.Errorf("between commits the projections differ: main at %v, beside at %v, position %d", a[len(a)-1], b[len(b)-1], at)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.WaitFor(ctx, last, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if b := beside.positions(); b[len(b)-1] != last {
		t.Errorf("WaitFor(%d) returned with the projection beside at %d", last, b[len(b)-1])
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// a failure beside stops a catch-up with its error, the position before it
	failing, other := &recorder{name: "failing", failAt: pos["answer 18.04 16"]}, &recorder{name: "other"}
	r = projections.NewRunner(s.store, 0, failing, other)
	r.Beside(failing)
	err := r.CatchUp(ctx)
	if err == nil || !strings.Contains(err.Error(), "projection failing at position") {
		t.Fatalf("a failure beside: %v", err)
	}
	if got := r.Position(); got >= pos["answer 18.04 16"] {
		t.Errorf("the position passed the failed commit: %d", got)
	}
}
