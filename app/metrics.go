package app

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// newRegistry is the one Prometheus registry of a running Jejak: the Go
// runtime and process collectors, the projections' position, lag and
// checkpoint age (registered here), and the API's request, append and
// conflict metrics (registered by api.New). Parts that come later (the
// evidence store's bytes, the sealer's seal age) register their collectors
// on App.Metrics the same way.
func (a *App) newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	head := func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		h, err := a.Store.Head(ctx)
		if err != nil {
			return -1
		}
		return float64(h)
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "jejak_store_head_position",
			Help: "Position of the latest commit in the store (-1 when the store does not answer).",
		}, head),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "jejak_nats_up",
			Help: "1 while the NATS connection is up, 0 otherwise.",
		}, func() float64 {
			if a.conn != nil && a.conn.IsConnected() {
				return 1
			}
			return 0
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "jejak_projection_position",
			Help: "Position of the last commit the projections have applied.",
		}, func() float64 { return float64(a.Views.Runner.Position()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "jejak_projection_lag_commits",
			Help: "Commits in the store the projections have not applied yet.",
		}, func() float64 {
			h := head()
			if p := float64(a.Views.Runner.Position()); h > p {
				return h - p
			}
			return 0
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "jejak_checkpoint_age_seconds",
			Help: "Seconds since the projections' last checkpoint was taken (-1: none yet).",
		}, func() float64 {
			at := a.Views.CheckpointSavedAt()
			if at.IsZero() {
				return -1
			}
			return a.cfg.Now().Sub(at).Seconds()
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "jejak_projection_rebuilding",
			Help: "1 while a new projection version rebuilds beside the previous one, which serves meanwhile.",
		}, func() float64 {
			if a.rebuilding.Load() {
				return 1
			}
			return 0
		}),
		// The audit pages' cache of decoded commits (projections/audit):
		// a hit is a commit a page did not read from the store.
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "jejak_audit_commit_cache_hits_total",
			Help: "Commits audit pages found in the cache of decoded commits (since the projections started).",
		}, func() float64 { h, _, _ := a.Views.Audit.CommitCacheStats(); return float64(h) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "jejak_audit_commit_cache_misses_total",
			Help: "Commits audit pages read from the store (not in the cache of decoded commits).",
		}, func() float64 { _, m, _ := a.Views.Audit.CommitCacheStats(); return float64(m) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "jejak_audit_commit_cache_bytes",
			Help: "Estimated bytes of the decoded commits the audit pages' cache keeps (bounded).",
		}, func() float64 { _, _, b := a.Views.Audit.CommitCacheStats(); return float64(b) }),
		// The index's explained scores kept between reads (bounded by
		// estimated bytes; the totals rankings read are kept apart).
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "jejak_score_cache_bytes",
			Help: "Estimated bytes of the explained region scores the index keeps between reads (bounded).",
		}, func() float64 { _, b, _ := a.Views.Index.ScoreCacheStats(); return float64(b) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "jejak_ready",
			Help: "1 once the projections have caught up with the store as it was at start-up.",
		}, func() float64 {
			if a.ready.Load() {
				return 1
			}
			return 0
		}),
	)
	return reg
}
