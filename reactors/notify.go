package reactors

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/jejak-id/jejak/domain"
)

// NotifierConsumer is the durable consumer of the notifier: API, never
// rename it (see Reactor.Consumer).
const NotifierConsumer = "reactor-notify-verifiers"

// Notification is a message for the people of one role about one region
// and year, e.g. "new evidence to verify". Its ID is the id of the event
// that caused it, so there is at most one per event.
type Notification struct {
	ID         string      `json:"id"`
	Kind       string      `json:"kind"` // "evidence_submitted"
	Audience   domain.Role `json:"audience"`
	Region     string      `json:"region"`
	Year       int         `json:"year"`
	Title      string      `json:"title"`
	Link       string      `json:"link"` // dashboard path, e.g. /#/antrian?region=18.04&year=2025
	Indicator  string      `json:"indicator"`
	Innovation string      `json:"innovation_id,omitempty"`
	Revision   int         `json:"revision"`
	By         string      `json:"by"` // the user whose action caused it
	OccurredAt time.Time   `json:"occurred_at"`
	Position   uint64      `json:"position"`
}

// Notifications records and lists notifications. Safe for concurrent use.
type Notifications struct {
	records Records
}

// NewNotifications keeps notifications in records (the
// natsinfra.NotificationBucket).
func NewNotifications(records Records) *Notifications {
	return &Notifications{records: records}
}

// Reactor returns the reactor telling verifiers about submitted evidence:
// one notification per assessment.answer_submitted event, keyed by the
// event id and created only if absent, so redeliveries add nothing.
func (n *Notifications) Reactor() Reactor {
	return Reactor{Name: "notify-verifiers", Consumer: NotifierConsumer,
		DeadLetterTopic: "jejak.deadletter.notifications", React: n.react}
}

func (n *Notifications) react(ctx context.Context, events []domain.RecordedEvent) error {
	for _, ev := range events {
		submitted, ok := ev.Data.(domain.AnswerSubmitted)
		if !ok {
			continue
		}
		body, err := json.Marshal(evidenceSubmitted(ev, submitted))
		if err != nil {
			return err
		}
		if _, err := n.records.Create(ctx, ev.ID.String(), body); err != nil {
			return fmt.Errorf("notify verifiers of event %s: %w", ev.ID, err)
		}
	}
	return nil
}

func evidenceSubmitted(ev domain.RecordedEvent, a domain.AnswerSubmitted) Notification {
	q := url.Values{"region": {a.Region}, "year": {strconv.Itoa(a.Year)}}
	return Notification{
		ID: ev.ID.String(), Kind: "evidence_submitted", Audience: domain.RoleVerifier,
		Region: a.Region, Year: a.Year,
		Title:     fmt.Sprintf("Bukti baru untuk diverifikasi: %s, indikator %s (revisi %d)", a.Region, a.Indicator, a.Revision),
		Link:      "/#/antrian?" + q.Encode(),
		Indicator: a.Indicator, Innovation: a.InnovationID, Revision: a.Revision,
		By: ev.Actor.UserID, OccurredAt: ev.OccurredAt, Position: ev.Position,
	}
}

// NotificationFilter selects notifications; zero fields match everything.
type NotificationFilter struct {
	Audience domain.Role
	Region   string
	Year     int
	After    uint64 // only those caused after this stream position
	Limit    int    // at most this many, the newest
}

// List returns the matching notifications, newest first. It reads the
// whole bucket: fine for the thousands a year brings, not for millions.
func (n *Notifications) List(ctx context.Context, f NotificationFilter) ([]Notification, error) {
	var out []Notification
	err := n.records.Each(ctx, func(key string, value []byte) error {
		var no Notification
		if err := json.Unmarshal(value, &no); err != nil {
			return fmt.Errorf("notification %s: %w", key, err)
		}
		if (f.Audience == "" || no.Audience == f.Audience) && (f.Region == "" || no.Region == f.Region) &&
			(f.Year == 0 || no.Year == f.Year) && no.Position > f.After {
			out = append(out, no)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Notification) int {
		if c := cmp.Compare(b.Position, a.Position); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}
