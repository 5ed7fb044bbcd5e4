package reactors_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/internal/testsupport"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/reactors"
)

// harness is a real event store on an embedded nats-server with file
// storage, the domain service writing to it, and the reactors' buckets and
// dead letters.
type harness struct {
	storage     *app.Storage
	store       *eventstore.Store
	svc         *domain.Service
	deadLetters *natsinfra.DeadLetters
	seq         atomic.Int32
}

func mustHarness(tb testing.TB) *harness {
	tb.Helper()
	st := testsupport.MustStorage(tb)
	ctx := context.Background()
	dl, err := natsinfra.OpenDeadLetters(ctx, st.Conn, 1)
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Date(2025, 6, 25, 9, 0, 0, 0, time.UTC)
	h := &harness{storage: st, store: st.Store, deadLetters: dl}
	h.svc = domain.NewService(st.Store, func() time.Time { return now })
	_, err = h.svc.OpenPeriod(ctx, domain.OpenPeriodCommand{CommandMeta: h.meta(admin), Year: 2025,
		CatalogueVersion: "iid-2025.1", Schedule: testsupport.Schedule2025()})
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

var admin = testsupport.Admin

func (h *harness) meta(actor domain.Actor) domain.CommandMeta {
	return domain.CommandMeta{CommandID: uuid.New(), Actor: actor}
}

func (h *harness) records(tb testing.TB, bucket string) *natsinfra.Records {
	tb.Helper()
	r, err := natsinfra.OpenRecords(context.Background(), h.storage.Conn, bucket, 1)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// submit has region's operator submit evidence for an SPD indicator.
func (h *harness) submit(tb testing.TB, region, indicator string) domain.CommitResult {
	tb.Helper()
	op := domain.Actor{UserID: "operator." + region, Role: domain.RoleOperator, Region: region}
	res, err := h.svc.SubmitAnswer(context.Background(), domain.SubmitAnswerCommand{CommandMeta: h.meta(op),
		Year: 2025, Region: region, Indicator: indicator, Option: 2,
		Evidence: domain.Evidence{DocumentRef: "bukti-" + indicator, Note: "data contoh"}})
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// run starts a router with the reactors on a fresh subscriber, with tiny
// backoff and two retries (three tries), and returns a function stopping
// it (also called at cleanup) and the subscriber.
func (h *harness) run(tb testing.TB, rs ...reactors.Reactor) (stop func(), sub *eventstore.EventSubscriber) {
	tb.Helper()
	sub, err := eventstore.NewEventSubscriber(h.store, eventstore.SubscriberConfig{NakDelay: time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	router, err := reactors.NewRouter(reactors.Config{Subscriber: sub, Decode: sub.Decode, DeadLetters: h.deadLetters,
		MaxRetries: 2, RetryInitial: time.Millisecond, RetryMax: 2 * time.Millisecond}, rs...)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- router.Run(ctx) }()
	select {
	case <-router.Running():
	case err := <-done:
		tb.Fatalf("router stopped: %v", err)
	}
	var stopped atomic.Bool
	stop = func() {
		if stopped.Swap(true) {
			return
		}
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("router: %v", err)
		}
	}
	tb.Cleanup(stop)
	return stop, sub
}

// waitAcked polls until the consumer has acked every commit up to pos.
func waitAcked(tb testing.TB, sub *eventstore.EventSubscriber, consumer string, pos uint64) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for {
		acked, err := sub.AckedThrough(context.Background(), consumer)
		if err != nil && !domain.IsCode(err, domain.CodeNotFound) {
			tb.Fatal(err)
		}
		if acked >= pos {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("consumer %s acked through %d, want %d", consumer, acked, pos)
		}
		<-poll.C
	}
}

// counted wraps a reactor, counting its calls.
func counted(r reactors.Reactor, calls *atomic.Int32) reactors.Reactor {
	react := r.React
	r.React = func(ctx context.Context, events []domain.RecordedEvent) error {
		calls.Add(1)
		return react(ctx, events)
	}
	return r
}

var errBoom = errors.New("boom")
