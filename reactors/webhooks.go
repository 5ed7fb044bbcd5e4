package reactors

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// Webhook request headers. The signature scheme: with t the decimal Unix
// time in the Jejak-Timestamp header and body the exact request body,
//
//	Jejak-Signature: sha256=hex(HMAC-SHA256(secret, t + "." + body))
//
// A receiver recomputes it, compares in constant time (VerifySignature) and
// rejects timestamps far from its clock (say 5 minutes) against replays.
// Every try is signed afresh. Delivery is at least once: a crash between a
// successful POST and its record POSTs again, with the same
// Idempotency-Key (the event id), which receivers must use to drop repeats.
const (
	HeaderEventID        = "Jejak-Event-Id"
	HeaderEventType      = "Jejak-Event-Type"
	HeaderTimestamp      = "Jejak-Timestamp"
	HeaderSignature      = "Jejak-Signature"
	HeaderIdempotencyKey = "Idempotency-Key"
)

// WebhookConsumerPrefix starts the durable consumer of each subscriber:
// "reactor-webhook-<ID>". API: never rename it, nor a subscriber's ID.
const WebhookConsumerPrefix = "reactor-webhook-"

// WebhookDeadLetterTopic receives the commits a subscriber's endpoint kept
// refusing.
const WebhookDeadLetterTopic = "jejak.deadletter.webhooks"

// WebhookPayload is the JSON body POSTed for one event.
type WebhookPayload struct {
	ID         string           `json:"id"`
	Type       string           `json:"type"`
	Position   uint64           `json:"position"`
	Aggregate  WebhookAggregate `json:"aggregate"`
	OccurredAt time.Time        `json:"occurred_at"`
	RecordedAt time.Time        `json:"recorded_at"`
	Actor      WebhookActor     `json:"actor"`
	Data       domain.Event     `json:"data"` // the event's fields by their stored (snake_case) names
}

// WebhookAggregate names the aggregate an event belongs to.
type WebhookAggregate struct {
	Type    domain.AggregateType `json:"type"`
	ID      string               `json:"id"`
	Version uint64               `json:"version"`
}

// WebhookActor is who caused an event.
type WebhookActor struct {
	User   string      `json:"user"`
	Role   domain.Role `json:"role"`
	Region string      `json:"region,omitempty"`
}

// WebhookDelivery is the record of one successful delivery, kept under
// "<subscriber>.<event id>" so that a redelivered commit is not POSTed
// again.
type WebhookDelivery struct {
	Subscriber  string    `json:"subscriber"`
	EventID     string    `json:"event_id"`
	Status      int       `json:"status"`
	DeliveredAt time.Time `json:"delivered_at"`
}

// Webhooks posts events to subscribers. Safe for concurrent use.
type Webhooks struct {
	deliveries Records
	client     *http.Client
	now        func() time.Time
}

// NewWebhooks records deliveries in deliveries (the
// natsinfra.WebhookDeliveryBucket); client nil means a client with a 10s
// timeout, now nil means time.Now.
func NewWebhooks(deliveries Records, client *http.Client, now func() time.Time) *Webhooks {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	return &Webhooks{deliveries: deliveries, client: client, now: now}
}

// Reactors returns one reactor per subscriber, each on its own durable
// consumer, so that a failing endpoint delays no other.
func (w *Webhooks) Reactors(subscribers []WebhookSubscriber) []Reactor {
	out := make([]Reactor, 0, len(subscribers))
	for _, s := range subscribers {
		out = append(out, Reactor{Name: "webhook-" + s.ID, Consumer: WebhookConsumerPrefix + s.ID,
			DeadLetterTopic: WebhookDeadLetterTopic,
			React: func(ctx context.Context, events []domain.RecordedEvent) error {
				return w.deliver(ctx, s, events)
			}})
	}
	return out
}

// deliver POSTs each wanted event of a commit not yet delivered to s. The
// first failure stops it; the retry skips what was delivered.
func (w *Webhooks) deliver(ctx context.Context, s WebhookSubscriber, events []domain.RecordedEvent) error {
	for _, ev := range events {
		if !slices.Contains(s.Types, ev.Type) {
			continue
		}
		key := s.ID + "." + ev.ID.String()
		if _, done, err := w.deliveries.Get(ctx, key); err != nil || done {
			return err
		}
		status, err := w.post(ctx, s, ev)
		if err != nil {
			return fmt.Errorf("webhook %s, event %s: %w", s.ID, ev.ID, err)
		}
		record, _ := json.Marshal(WebhookDelivery{Subscriber: s.ID, EventID: ev.ID.String(), Status: status, DeliveredAt: w.now().UTC()})
		if _, err := w.deliveries.Create(ctx, key, record); err != nil {
			return fmt.Errorf("webhook %s, event %s delivered but not recorded: %w", s.ID, ev.ID, err)
		}
	}
	return nil
}

// post sends one event and returns the 2xx status; anything else is an
// error.
func (w *Webhooks) post(ctx context.Context, s WebhookSubscriber, ev domain.RecordedEvent) (int, error) {
	body, err := json.Marshal(WebhookPayload{ID: ev.ID.String(), Type: ev.Type, Position: ev.Position,
		Aggregate:  WebhookAggregate{Type: ev.AggregateType, ID: ev.AggregateID, Version: ev.Version},
		OccurredAt: ev.OccurredAt, RecordedAt: ev.RecordedAt,
		Actor: WebhookActor{User: ev.Actor.UserID, Role: ev.Actor.Role, Region: ev.Actor.Region},
		Data:  ev.Data})
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	ts := strconv.FormatInt(w.now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderEventID, ev.ID.String())
	req.Header.Set(HeaderEventType, ev.Type)
	req.Header.Set(HeaderIdempotencyKey, ev.ID.String())
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(s.Secret, ts, body))
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return 0, fmt.Errorf("endpoint answered %s: %q", resp.Status, snippet)
	}
	return resp.StatusCode, nil
}

// Sign returns the Jejak-Signature value of body sent at timestamp (the
// Jejak-Timestamp value): "sha256=" and the hex HMAC-SHA256, keyed with
// secret, of timestamp + "." + body.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports, in constant time, whether signature is the
// Jejak-Signature of body sent at timestamp with secret. Checking the
// timestamp's age is the receiver's business.
func VerifySignature(secret, timestamp string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature))
}
