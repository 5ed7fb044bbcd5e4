package api

import (
	"errors"
	"maps"
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/jejak-id/jejak/projections/export"
)

// metrics are what the API counts for operators, registered on the
// registry the composition root passes in (Config.Metrics) and served at
// /metrics in the Prometheus text format. Other parts of Jejak (the
// projections' position and checkpoint age, the evidence store, the
// sealer) register their own collectors on the same registry.
type metrics struct {
	requests  *prometheus.HistogramVec
	appends   prometheus.Counter
	replays   prometheus.Counter
	conflicts *prometheus.CounterVec
	handler   http.Handler
}

func newMetrics(reg *prometheus.Registry, s *Server) *metrics {
	m := &metrics{
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "jejak_http_request_duration_seconds",
			Help: "HTTP request durations by route pattern, method and status class (2xx, 4xx...).",
			// 1 ms to 10 s: reads answer in milliseconds, exports and
			// min_position waits take seconds.
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status_class"}),
		appends: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jejak_appends_total",
			Help: "Commits appended through the API (new commits only; idempotent replays are counted apart).",
		}),
		replays: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jejak_idempotent_replays_total",
			Help: "Retried commands answered with the result of their first append (Idempotent-Replayed).",
		}),
		conflicts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jejak_version_conflicts_total",
			Help: "Commands refused by optimistic concurrency: 409 between writers, 412 for a stale If-Match.",
		}, []string{"status"}),
	}
	// A second server on the same registry (the previous projection
	// version, served while the current one rebuilds) shares the first
	// one's collectors.
	m.requests = register(reg, m.requests)
	m.appends = register(reg, m.appends)
	m.replays = register(reg, m.replays)
	m.conflicts = register(reg, m.conflicts)
	m.conflicts.WithLabelValues("409")
	m.conflicts.WithLabelValues("412")
	register(reg, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "jejak_sse_clients",
		Help: "Clients connected to the live stream (/api/v1/stream).",
	}, func() float64 { return float64(s.hub.clientCount()) }))
	register[prometheus.Collector](reg, exportJobsCollector{s: s})
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	return m
}

// register registers c on reg, or returns the collector already registered
// under the same description.
func register[C prometheus.Collector](reg *prometheus.Registry, c C) C {
	if err := reg.Register(c); err != nil {
		var dup prometheus.AlreadyRegisteredError
		if errors.As(err, &dup) {
			if existing, ok := dup.ExistingCollector.(C); ok {
				return existing
			}
			return c
		}
		panic(err)
	}
	return c
}

func (m *metrics) observeRequest(route, method string, status int, seconds float64) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status/100)+"xx").Observe(seconds)
}

func (m *metrics) observeAppend(replayed bool) {
	if replayed {
		m.replays.Inc()
	} else {
		m.appends.Inc()
	}
}

// observeRefusal counts a refused write by its status.
func (m *metrics) observeRefusal(code string, status int) {
	if code == "version_conflict" || code == string(codePreconditionFailed) {
		m.conflicts.WithLabelValues(strconv.Itoa(status)).Inc()
	}
}

var exportJobsDesc = prometheus.NewDesc("jejak_export_jobs",
	"Export jobs started by this replica, by status (queued, running, done, failed).", []string{"status"}, nil)

// exportJobsCollector counts the export jobs by status when scraped.
type exportJobsCollector struct{ s *Server }

func (c exportJobsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- exportJobsDesc }

func (c exportJobsCollector) Collect(ch chan<- prometheus.Metric) {
	counts := map[string]int{export.JobQueued: 0, export.JobRunning: 0, export.JobDone: 0, export.JobFailed: 0}
	c.s.exportsMu.RLock()
	jobs := c.s.exports
	c.s.exportsMu.RUnlock()
	if jobs != nil {
		maps.Copy(counts, jobs.Counts())
	}
	for status, n := range counts {
		ch <- prometheus.MustNewConstMetric(exportJobsDesc, prometheus.GaugeValue, float64(n), status)
	}
}
