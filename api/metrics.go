package api

import (
	"fmt"
	"io"
	"sort"
	"sync"
)

// metrics counts what operators watch, exposed in the Prometheus text
// format at /metrics. Safe for concurrent use.
type metrics struct {
	mu        sync.Mutex
	requests  map[string]uint64 // "method code"
	appends   uint64
	conflicts uint64
	dupes     uint64
}

func newMetrics() *metrics { return &metrics{requests: map[string]uint64{}} }

func (m *metrics) observeRequest(method string, status int) {
	m.mu.Lock()
	m.requests[fmt.Sprintf("%s %d", method, status)]++
	m.mu.Unlock()
}

func (m *metrics) observeAppend(duplicate bool) {
	m.mu.Lock()
	m.appends++
	if duplicate {
		m.dupes++
	}
	m.mu.Unlock()
}

func (m *metrics) observeConflict() {
	m.mu.Lock()
	m.conflicts++
	m.mu.Unlock()
}

// write renders the metrics; head and position give the projection lag.
func (m *metrics) write(w io.Writer, head, position uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP jejak_http_requests_total HTTP requests by method and status.")
	fmt.Fprintln(w, "# TYPE jejak_http_requests_total counter")
	keys := make([]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var method string
		var code int
		fmt.Sscanf(k, "%s %d", &method, &code)
		fmt.Fprintf(w, "jejak_http_requests_total{method=%q,code=\"%d\"} %d\n", method, code, m.requests[k])
	}
	fmt.Fprintln(w, "# HELP jejak_appends_total Commits appended through the API.")
	fmt.Fprintln(w, "# TYPE jejak_appends_total counter")
	fmt.Fprintf(w, "jejak_appends_total %d\n", m.appends)
	fmt.Fprintln(w, "# HELP jejak_append_duplicates_total Retried commands answered from the first append.")
	fmt.Fprintln(w, "# TYPE jejak_append_duplicates_total counter")
	fmt.Fprintf(w, "jejak_append_duplicates_total %d\n", m.dupes)
	fmt.Fprintln(w, "# HELP jejak_version_conflicts_total Commands refused by optimistic concurrency.")
	fmt.Fprintln(w, "# TYPE jejak_version_conflicts_total counter")
	fmt.Fprintf(w, "jejak_version_conflicts_total %d\n", m.conflicts)
	fmt.Fprintln(w, "# HELP jejak_store_head_position Position of the latest commit in the store.")
	fmt.Fprintln(w, "# TYPE jejak_store_head_position gauge")
	fmt.Fprintf(w, "jejak_store_head_position %d\n", head)
	fmt.Fprintln(w, "# HELP jejak_projection_position Position the projections have applied.")
	fmt.Fprintln(w, "# TYPE jejak_projection_position gauge")
	fmt.Fprintf(w, "jejak_projection_position %d\n", position)
	lag := uint64(0)
	if head > position {
		lag = head - position
	}
	fmt.Fprintln(w, "# HELP jejak_projection_lag_commits Commits appended but not yet applied to the projections.")
	fmt.Fprintln(w, "# TYPE jejak_projection_lag_commits gauge")
	fmt.Fprintf(w, "jejak_projection_lag_commits %d\n", lag)
}
