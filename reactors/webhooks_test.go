package reactors_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/eventstore"
	"github.com/jejak-id/jejak/natsinfra"
	"github.com/jejak-id/jejak/reactors"
)

const secret = "rahasia-yang-panjang"

// endpoint is a webhook receiver; fail decides, per try, whether to answer
// 503 instead of 204.
type endpoint struct {
	*httptest.Server
	mu       sync.Mutex
	attempts map[string]int // by event id
	accepted []*http.Request
	bodies   [][]byte
}

func mustEndpoint(tb testing.TB, fail func(eventID string, attempt int) bool) *endpoint {
	tb.Helper()
	e := &endpoint{attempts: map[string]int{}}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		id := r.Header.Get(reactors.HeaderEventID)
		e.mu.Lock()
		e.attempts[id]++
		n := e.attempts[id]
		if !fail(id, n) {
			e.accepted = append(e.accepted, r)
			e.bodies = append(e.bodies, body)
		}
		e.mu.Unlock()
		if fail(id, n) {
			http.Error(w, "coba lagi nanti", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	tb.Cleanup(e.Close)
	return e
}

// delivered returns the accepted requests and their bodies.
func (e *endpoint) delivered() ([]*http.Request, [][]byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.accepted, e.bodies
}

func (e *endpoint) attemptsFor(id string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.attempts[id]
}

func (h *harness) webhooks(tb testing.TB, url string) (*reactors.Webhooks, []reactors.Reactor) {
	tb.Helper()
	subs := []reactors.WebhookSubscriber{{ID: "bappeda", URL: url, Secret: secret, Types: []string{"assessment.answer_submitted"}}}
	if err := reactors.ValidateWebhookSubscribers(subs); err != nil {
		tb.Fatal(err)
	}
	w := reactors.NewWebhooks(h.records(tb, natsinfra.WebhookDeliveryBucket), nil, nil)
	return w, w.Reactors(subs)
}

const consumer = reactors.WebhookConsumerPrefix + "bappeda"

func lastEvent(res domain.CommitResult) string { return res.EventIDs[len(res.EventIDs)-1].String() }

func TestWebhooks(t *testing.T) {
	t.Run("posts each wanted event once with a valid signature", func(t *testing.T) {
		h := mustHarness(t)
		res := h.submit(t, "18.04", "8")
		ep := mustEndpoint(t, func(string, int) bool { return false })
		_, rs := h.webhooks(t, ep.URL)
		_, sub := h.run(t, rs...)
		waitAcked(t, sub, consumer, res.Position)

		accepted, bodies := ep.delivered()
		if len(accepted) != 1 {
			t.Fatalf("%d deliveries, want 1 (period.opened is not wanted)", len(accepted))
		}
		r, body := accepted[0], bodies[0]
		id := lastEvent(res)
		if r.Header.Get("Content-Type") != "application/json" || r.Header.Get(reactors.HeaderEventID) != id ||
			r.Header.Get(reactors.HeaderIdempotencyKey) != id {
			t.Fatalf("headers %v", r.Header)
		}
		if !reactors.VerifySignature(secret, r.Header.Get(reactors.HeaderTimestamp), body, r.Header.Get(reactors.HeaderSignature)) {
			t.Fatalf("signature %q does not verify", r.Header.Get(reactors.HeaderSignature))
		}
		if reactors.VerifySignature("another-secret-xx", r.Header.Get(reactors.HeaderTimestamp), body, r.Header.Get(reactors.HeaderSignature)) {
			t.Fatal("signature verifies with the wrong secret")
		}
		var p struct {
			reactors.WebhookPayload
			Data map[string]any `json:"data"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		if p.ID != id || p.Type != "assessment.answer_submitted" || p.Position != res.Position ||
			p.Aggregate.Type != domain.AggregateAssessment || p.Actor.User != "operator.18.04" || p.Data["indicator"] != "8" {
			t.Fatalf("payload %s", body)
		}
	})
	t.Run("retries with backoff until the endpoint accepts", func(t *testing.T) {
		h := mustHarness(t)
		res := h.submit(t, "18.04", "8")
		ep := mustEndpoint(t, func(_ string, attempt int) bool { return attempt <= 2 })
		_, rs := h.webhooks(t, ep.URL)
		_, sub := h.run(t, rs...)
		waitAcked(t, sub, consumer, res.Position)

		if got := ep.attemptsFor(lastEvent(res)); got != 3 {
			t.Fatalf("%d attempts, want 3", got)
		}
		if accepted, _ := ep.delivered(); len(accepted) != 1 {
			t.Fatalf("%d deliveries, want 1", len(accepted))
		}
		mustDeadLetters(t, h, 0)
	})
	t.Run("dead-letters an event the endpoint keeps refusing and goes on", func(t *testing.T) {
		h := mustHarness(t)
		refused := h.submit(t, "18.04", "8")
		later := h.submit(t, "18.04", "12")
		ep := mustEndpoint(t, func(id string, _ int) bool { return id == lastEvent(refused) })
		_, rs := h.webhooks(t, ep.URL)
		_, sub := h.run(t, rs...)
		waitAcked(t, sub, consumer, later.Position)

		if got := ep.attemptsFor(lastEvent(refused)); got != 3 { // MaxRetries 2
			t.Fatalf("%d attempts, want 3", got)
		}
		if accepted, _ := ep.delivered(); len(accepted) != 1 || accepted[0].Header.Get(reactors.HeaderEventID) != lastEvent(later) {
			t.Fatalf("the later event was not delivered: %d deliveries", len(accepted))
		}
		dl := mustDeadLetters(t, h, 1)[0]
		if dl.Subject != reactors.WebhookDeadLetterTopic || dl.Handler != "webhook-bappeda" ||
			!strings.Contains(dl.Reason, "503") || !strings.Contains(dl.Reason, lastEvent(refused)) {
			t.Fatalf("dead letter %+v", dl)
		}
		events, err := eventstore.DecodeCommit(mustCodec(t), dl.Payload, refused.Position, dl.Stored)
		if err != nil || lastEventOf(events) != lastEvent(refused) {
			t.Fatalf("dead letter payload: %v %v", events, err)
		}
	})
}

func TestRouterRecoversAPanickingReactor(t *testing.T) {
	h := mustHarness(t)
	res := h.submit(t, "18.04", "8")
	var calls atomic.Int32
	_, sub := h.run(t, reactors.Reactor{Name: "panics-once", Consumer: "test-panics-once",
		DeadLetterTopic: "jejak.deadletter.test",
		React: func(ctx context.Context, events []domain.RecordedEvent) error {
			if calls.Add(1) == 1 {
				panic("reactor bug")
			}
			return nil
		}})
	waitAcked(t, sub, "test-panics-once", res.Position)
	if got := calls.Load(); got != 3 { // panic, retry, next commit
		t.Fatalf("%d calls, want 3", got)
	}
	mustDeadLetters(t, h, 0)
}

func mustDeadLetters(tb testing.TB, h *harness, want int) []natsinfra.DeadLetter {
	tb.Helper()
	dls, err := h.deadLetters.List(context.Background(), "")
	if err != nil {
		tb.Fatal(err)
	}
	if len(dls) != want {
		tb.Fatalf("%d dead letters, want %d: %+v", len(dls), want, dls)
	}
	return dls
}

func mustCodec(tb testing.TB) *eventstore.Codec {
	tb.Helper()
	c, err := eventstore.NewCodec(domain.EventSpecs(), domain.EventUpcasters()...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func lastEventOf(events []domain.RecordedEvent) string {
	if len(events) == 0 {
		return ""
	}
	return events[len(events)-1].ID.String()
}
