package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jejak-id/jejak/api/apitest"
)

// logBuffer collects JSON log lines; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// requests returns the access log's lines.
func (b *logBuffer) requests(t *testing.T) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	return lines
}

// TestAccessLog: every request line names who sent it (user, role, region
// or anonymous), the route pattern, the status, a readable duration, the
// request and correlation ids; refusals carry their reason code at INFO;
// no token, and nothing a body carried, reaches the log.
func TestAccessLog(t *testing.T) {
	logs := &logBuffer{}
	s := apitest.StartWith(t, apitest.Options{Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	p := tokens(s)

	const secretName = "Siti Nurhaliza Binti Rahmat" // an attendee: personal data
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2025),
		Header: map[string]string{"X-Correlation-ID": "corr-periode-2025"}})
	session := s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/bimtek", Token: p.operator, Body: bimtekBody(own)}).Map(t)["id"].(string)
	s.MustDo(apitest.Request{Method: "POST", Path: "/api/v1/bimtek/" + session + "/attendance", Token: p.operator,
		Body: map[string]string{"name": secretName, "nip": "198001012005012001", "unit": unit, "role": "peserta"}})
	id := propose(t, s, p.operator, own, "Antrean Daring", "2025-01-02")
	refused := []struct {
		req    apitest.Request
		status int
		reason string
	}{
		{apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.otherOperator, Body: innovationBody(own, "Bukan Wilayahnya", "2025-01-02")}, 403, "out_of_scope"},
		{apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: "not-a-token", Body: innovationBody(own, "x", "2025-01-02")}, 401, "unauthenticated"},
		{apitest.Request{Method: "POST", Path: "/api/v1/innovations/" + id + "/stage", Token: p.operator, Body: map[string]string{"to": "uji_coba"}, Header: map[string]string{"If-Match": `"7"`}}, 412, "precondition_failed"},
		{apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator, Body: innovationBody(own, "", "2025-01-02")}, 422, "invalid"},
		{apitest.Request{Method: "POST", Path: "/api/v1/periods", Token: p.admin, Body: periodBody(2025)}, 409, ""},
	}
	for _, r := range refused {
		if res := s.Do(r.req); res.Status != r.status {
			t.Fatalf("%s %s: %d %s, want %d", r.req.Method, r.req.Path, res.Status, res.Body, r.status)
		}
	}
	s.MustDo(apitest.Request{Method: "GET", Path: "/api/v1/regions/" + own})
	// The live stream takes its token in the query string.
	streamReq := s.NewRequest(apitest.Request{Method: "GET", Path: "/api/v1/stream?access_token=" + p.auditor})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if res, err := s.Client.Do(streamReq.WithContext(ctx)); err == nil {
		res.Body.Close()
	}
	cancel()

	var lines []map[string]any
	deadline := time.Now().Add(5 * time.Second)
	for {
		lines = logs.requests(t)
		if len(lines) >= 11 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond) // the stream's line is written when its handler returns
	}
	find := func(t *testing.T, route string, status float64) map[string]any {
		t.Helper()
		for _, l := range lines {
			if l["route"] == route && l["status"] == status {
				return l
			}
		}
		t.Fatalf("no log line for %s %v in %d lines:\n%s", route, status, len(lines), logs.String())
		return nil
	}
	t.Run("names the authenticated user, role and region", func(t *testing.T) {
		l := find(t, "POST /api/v1/innovations", 201)
		if l["user"] != "op-own" || l["role"] != "operator" || l["region"] != own {
			t.Errorf("line %v: want user op-own, role operator, region %s", l, own)
		}
		if l["level"] != "INFO" {
			t.Errorf("level %v", l["level"])
		}
		admin := find(t, "POST /api/v1/periods", 201)
		if admin["user"] != "admin-1" || admin["role"] != "admin" || admin["correlation_id"] != "corr-periode-2025" {
			t.Errorf("line %v: want admin-1/admin with correlation id corr-periode-2025", admin)
		}
		if _, ok := admin["region"]; ok {
			t.Errorf("a national actor has no region: %v", admin)
		}
		if s, _ := admin["request_id"].(string); s == "" {
			t.Errorf("no request id: %v", admin)
		}
		if l := find(t, "GET /api/v1/stream", 200); l["user"] != "aud-1" {
			t.Errorf("stream line %v: want the token's user from ?access_token=", l)
		}
	})
	t.Run("says anonymous for a request without a token", func(t *testing.T) {
		l := find(t, "GET /api/v1/regions/{code}", 200)
		if l["user"] != "anonymous" || l["role"] != "public" {
			t.Errorf("line %v", l)
		}
	})
	t.Run("logs the duration as a duration", func(t *testing.T) {
		d, _ := find(t, "GET /api/v1/regions/{code}", 200)["duration"].(string)
		if _, err := time.ParseDuration(d); err != nil {
			t.Errorf("duration %q: %v", d, err)
		}
	})
	t.Run("logs refusals at INFO with their reason", func(t *testing.T) {
		for _, r := range refused {
			route := "POST /api/v1/innovations"
			if strings.HasSuffix(r.req.Path, "/stage") {
				route = "POST /api/v1/innovations/{id}/stage"
			} else if strings.HasSuffix(r.req.Path, "/periods") {
				route = "POST /api/v1/periods"
			}
			l := find(t, route, float64(r.status))
			if l["level"] != "INFO" || l["reason"] == nil || (r.reason != "" && l["reason"] != r.reason) {
				t.Errorf("%d: line %v, want INFO with reason %q", r.status, l, r.reason)
			}
		}
		if l := find(t, "POST /api/v1/innovations", 403); l["user"] != "op-other" || l["region"] != other {
			t.Errorf("a refused caller is named: %v", l)
		}
	})
	t.Run("never logs a token or personal data", func(t *testing.T) {
		all := logs.String()
		for name, secret := range map[string]string{"admin token": p.admin, "operator token": p.operator,
			"auditor token (query)": p.auditor, "bad token": "not-a-token", "attendee": secretName} {
			if strings.Contains(all, secret) {
				t.Errorf("the log holds the %s", name)
			}
		}
		for _, l := range lines {
			if _, ok := l["path"]; ok {
				t.Errorf("raw path logged: %v", l)
				break
			}
		}
	})
}

// metricValue finds the sample named exactly line (name with its labels as
// exposed, e.g. `jejak_version_conflicts_total{status="412"}`) and returns
// its value, or -1.
func metricValue(t *testing.T, exposition, line string) float64 {
	t.Helper()
	for _, l := range strings.Split(exposition, "\n") {
		if rest, ok := strings.CutPrefix(l, line+" "); ok {
			var v float64
			if _, err := fmt.Sscan(rest, &v); err != nil {
				t.Fatalf("metric %s: %q: %v", line, rest, err)
			}
			return v
		}
	}
	return -1
}

// TestMetrics: appends count new commits once, idempotent replays apart,
// 409 and 412 conflicts each; request durations are histograms by route
// pattern and status class; the Go runtime, the process and the
// projections are there.
func TestMetrics(t *testing.T) {
	s := apitest.Start(t)
	p := tokens(s)
	scrape := func() string {
		t.Helper()
		res := s.MustDo(apitest.Request{Method: "GET", Path: "/metrics"})
		return string(res.Body)
	}
	before := metricValue(t, scrape(), "jejak_appends_total")
	retry := apitest.Request{Method: "POST", Path: "/api/v1/innovations", Token: p.operator,
		Body: innovationBody(own, "Antrean Daring", "2025-01-02"), Header: map[string]string{"Idempotency-Key": "sekali-saja"}}
	first := s.MustDo(retry)
	for range 3 {
		if res := s.MustDo(retry); res.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("a retry was not replayed: %v", res.Header)
		}
	}
	id := first.Map(t)["id"].(string)
	if res := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/innovations/" + id + "/stage", Token: p.operator,
		Body: map[string]string{"to": "uji_coba"}, Header: map[string]string{"If-Match": `"7"`}}); res.Status != 412 {
		t.Fatalf("stale If-Match: %d", res.Status)
	}
	s.WaitForProjections(first.Position())
	m := scrape()
	for _, c := range []struct {
		line string
		want float64
	}{
		{"jejak_appends_total", before + 1},
		{"jejak_idempotent_replays_total", 3},
		{`jejak_version_conflicts_total{status="412"}`, 1},
		{`jejak_version_conflicts_total{status="409"}`, 0},
		{`jejak_http_request_duration_seconds_count{method="POST",route="POST /api/v1/innovations",status_class="2xx"}`, 4},
		{`jejak_http_request_duration_seconds_count{method="POST",route="POST /api/v1/innovations/{id}/stage",status_class="4xx"}`, 1},
		{"jejak_projection_position", float64(first.Position())},
		{"jejak_projection_lag_commits", 0},
		{"jejak_nats_up", 1},
		{"jejak_sse_clients", 0},
		{`jejak_export_jobs{status="running"}`, 0},
	} {
		if got := metricValue(t, m, c.line); got != c.want {
			t.Errorf("%s = %v, want %v", c.line, got, c.want)
		}
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "jejak_checkpoint_age_seconds", "jejak_store_head_position",
		"jejak_audit_commit_cache_bytes", "jejak_audit_commit_cache_hits_total", "jejak_score_cache_bytes"} {
		if !strings.Contains(m, "\n"+name+" ") {
			t.Errorf("no %s in /metrics", name)
		}
	}
}
