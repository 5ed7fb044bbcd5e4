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
	// Action and Region say who receives the notice: the signed-in clients
	// whose actor domain.Authorize allows Action on Region. Anonymous
	// clients receive none.
	Action domain.Action `json:"-"`
	Region string        `json:"-"`
	Data   any           `json:"-"`
	ID     string
}

// Hub fans live notices out to connected SSE clients, each only the notices
// its actor may read. Publishing never blocks: a client that cannot keep up
// loses notices and is told to reload. Safe for concurrent use.
type Hub struct {
	mu      sync.Mutex
	clients map[chan Notice]domain.Actor
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{clients: map[chan Notice]domain.Actor{}} }

// Publish sends n to every client allowed to see it, without blocking.
func (h *Hub) Publish(n Notice) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch, actor := range h.clients {
		if !mayReceive(actor, n) {
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

// clientCount is the number of connected live-stream clients.
func (h *Hub) clientCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// mayReceive applies the read rule to a notice: an event of a region is
// that region's working file until someone may read it, an export notice
// is for those who export. The public gets no live notices.
func mayReceive(a domain.Actor, n Notice) bool {
	return a.Role != domain.RolePublic && domain.Authorize(a, n.Action, n.Region) == nil
}

func (h *Hub) subscribe(actor domain.Actor) chan Notice {
	ch := make(chan Notice, 256)
	h.mu.Lock()
	h.clients[ch] = actor
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
func (h *Hub) serveSSE(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	flusher, ok := w.(http.Flusher)
	if !ok {
		return fmt.Errorf("response writer cannot stream")
	}
	// Subscribe before saying "connected": a client that writes as soon as
	// it is told so must see the notice of that write.
	ch := h.subscribe(actor)
	defer h.unsubscribe(ch)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 3000\n: connected\n\n")
	flusher.Flush()

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

// NoticeFor describes a newly applied event for live clients: an event of
// a region goes to those who may read the region's working files
// (domain.ActionReadRegion), a national event (a period's) to everyone
// signed in, an erasure (it names a subject) to those who read the audit
// trail.
func NoticeFor(ev domain.RecordedEvent) Notice {
	region := audit.EventRegion(ev.Data)
	action := domain.ActionReadRegion
	switch {
	case ev.AggregateType == domain.AggregatePerson:
		// an erasure names a subject: for those who read the audit trail
		action = domain.ActionReadAudit
	case region == "":
		action = domain.ActionReadPublished
	}
	return Notice{Kind: "event", Action: action, Region: region, ID: fmt.Sprint(ev.Position), Data: map[string]any{
		"position": ev.Position, "type": ev.Type, "aggregate_type": ev.AggregateType, "aggregate_id": ev.AggregateID,
		"region": region, "occurred_at": ev.OccurredAt, "actor": ev.Actor.UserID,
	}}
}
