package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections/audit"
)

// Notice is one live update sent to dashboard clients over Server-Sent
// Events.
type Notice struct {
	// Kind is the SSE event name: "event" for a new domain event,
	// "export" for export progress.
	Kind string `json:"-"`
	// Public notices may go to anonymous visitors too.
	Public bool `json:"-"`
	Data   any  `json:"-"`
	ID     string
}

// Hub fans live notices out to connected SSE clients. Publishing never
// blocks: a client that cannot keep up loses notices and is told to reload.
// Safe for concurrent use.
type Hub struct {
	mu      sync.Mutex
	clients map[chan Notice]bool // value: may see non-public notices
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{clients: map[chan Notice]bool{}} }

// Publish sends n to every client allowed to see it, without blocking.
func (h *Hub) Publish(n Notice) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch, private := range h.clients {
		if !n.Public && !private {
			continue
		}
		select {
		case ch <- n:
		default: // slow client: drop; it resynchronises on "overflow"
			select {
			case ch <- Notice{Kind: "overflow", Data: map[string]string{"hint": "reload"}}:
			default:
			}
		}
	}
}

func (h *Hub) subscribe(private bool) chan Notice {
	ch := make(chan Notice, 256)
	h.mu.Lock()
	h.clients[ch] = private
	h.mu.Unlock()
	return ch
}

func (h *Hub) unsubscribe(ch chan Notice) {
	h.mu.Lock()
	delete(h.clients, ch)
	h.mu.Unlock()
}

// serveSSE streams notices until the client goes away. Heartbeat comments
// keep proxies from closing an idle stream.
func (h *Hub) serveSSE(w http.ResponseWriter, r *http.Request, private bool) error {
	flusher, ok := w.(http.Flusher)
	if !ok {
		return fmt.Errorf("response writer cannot stream")
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 3000\n: connected\n\n")
	flusher.Flush()

	ch := h.subscribe(private)
	defer h.unsubscribe(ch)
	heartbeat := time.NewTicker(15 * time.Second)
	defer heartbeat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-heartbeat.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case n := <-ch:
			data, err := json.Marshal(n.Data)
			if err != nil {
				continue
			}
			if n.ID != "" {
				fmt.Fprintf(w, "id: %s\n", n.ID)
			}
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", n.Kind, data)
		}
		flusher.Flush()
	}
}

// NoticeFor describes a newly applied event for live clients. Anonymous
// visitors get a content-free "changed" notice only.
func NoticeFor(ev domain.RecordedEvent) Notice {
	return Notice{Kind: "event", Public: false, ID: fmt.Sprint(ev.Position), Data: map[string]any{
		"position": ev.Position, "type": ev.Type, "aggregate_type": ev.AggregateType, "aggregate_id": ev.AggregateID,
		"region": audit.EventRegion(ev.Data), "occurred_at": ev.OccurredAt, "actor": ev.Actor.UserID,
	}}
}
