package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRestartReadiness runs jejak serve as a process on a generated store,
// kills it with SIGKILL while writers append, and starts it again, several
// times. While the process opens the store and catches up, its port
// answers: /healthz 200, /readyz 503 "starting" or "catching_up" (position
// and head), writes 503 with Retry-After, and a read with min_position
// waits for the projections. It logs how long each start took to be ready
// (JEJAK_RESTART_SCALE and JEJAK_RESTART_KILLS make it the measurement in
// docs/BENCHMARKS.md; the test asserts no timing).
func TestRestartReadiness(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills jejak several times; not in -short")
	}
	scale, kills := "0.003", 2
	if v := os.Getenv("JEJAK_RESTART_SCALE"); v != "" {
		scale = v
	}
	if v, err := strconv.Atoi(os.Getenv("JEJAK_RESTART_KILLS")); err == nil {
		kills = v
	}
	data, source := filepath.Join(t.TempDir(), "data"), "generated at scale "+scale
	if v := os.Getenv("JEJAK_RESTART_DATA"); v != "" {
		data, source = v, v // a store made before (the demo, or national scale)
	} else {
		mustJejak(t, "generate", "--data", data, "--scale", scale, "--years", "2024-2025")
	}
	initial := storeHead(t, data)
	token := strings.TrimSpace(mustJejak(t, "token", "issue", "--role", "admin", "--user", "beban", "--data", data))
	addr := freeAddr(t)
	base := "http://" + addr

	// Writers propose innovations all along; a write refused while the
	// process is down or catching up is retried, and every acknowledged one
	// must be in the store at the end.
	var acked atomic.Int64
	run := strconv.FormatInt(time.Now().UnixNano(), 36) // keys of their own on a reused store
	stop := make(chan struct{})
	var writers sync.WaitGroup
	for w := range 4 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			client := http.Client{Timeout: 10 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"region":"18.04","name":"Inovasi %d-%d","unit":"Dinas","initiator":"opd","form":"pelayanan_publik",
					"digital":true,"affair":"kesehatan","problem":"p","solution":"s","benefit":"b","proposed_on":"2025-01-02"}`, w, i)
				req, _ := http.NewRequest("POST", base+"/api/v1/innovations", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprintf("beban-%s-%d-%d", run, w, i))
				res, err := client.Do(req)
				if err != nil {
					i-- // same key again: the retry appends at most once
					time.Sleep(20 * time.Millisecond)
					continue
				}
				res.Body.Close()
				switch {
				case res.StatusCode == http.StatusCreated:
					acked.Add(1)
				case res.StatusCode == http.StatusServiceUnavailable:
					if res.Header.Get("Retry-After") == "" {
						t.Errorf("a 503 write without Retry-After")
					}
					i--
					time.Sleep(20 * time.Millisecond)
				default:
					t.Errorf("write answered %d", res.StatusCode)
					return
				}
			}
		}()
	}
	defer func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
	}()

	var times, steps []string
	seen := map[string]int{}
	for round := 0; round <= kills; round++ {
		p := startProcess(t, "serve", "--data", data, "--addr", addr, "--snapshot-every", "0", "--log-format", "json")
		for {
			status, body := get(base + "/readyz")
			if status == http.StatusOK {
				break
			}
			if status == http.StatusServiceUnavailable {
				var r struct {
					Status         string
					Position, Head uint64
				}
				if err := json.Unmarshal([]byte(body), &r); err != nil || (r.Status != "starting" && r.Status != "catching_up") || r.Position > r.Head {
					t.Fatalf("/readyz while not ready: %s", body)
				}
				seen[r.Status]++
				if h, _ := get(base + "/healthz"); h != http.StatusOK {
					t.Fatalf("/healthz answered %d while /readyz said %s", h, r.Status)
				}
				if r.Status == "catching_up" && seen["catching_up"] == 1 {
					// A read that asks for the head waits until the
					// projections have it, or answers 504 after the
					// server's bound (5 s) on a long replay.
					if s, b := get(base + "/api/v1/periods?min_position=" + itoa(r.Head)); s != http.StatusOK && s != http.StatusGatewayTimeout {
						t.Errorf("a read with min_position=%d during catch-up: %d %s", r.Head, s, b)
					}
				}
			}
			select {
			case <-p.exited:
				t.Fatalf("jejak exited:\n%s", p.output())
			case <-time.After(5 * time.Millisecond):
			}
		}
		ready := time.Since(p.started)
		times = append(times, ready.Round(time.Millisecond).String())
		steps = append(steps, readySteps(p.output()))
		if round == kills {
			close(stop)
			writers.Wait()
			p.stop()
			break
		}
		// Let the writers append for a while, then kill -9.
		time.Sleep(time.Duration(1500+500*round) * time.Millisecond)
		p.kill()
	}
	t.Logf("%s, %d commits: first start %s, then over %d kill -9 restarts under load: %s; %d writes acknowledged; /readyz states seen while not ready: %v",
		source, initial, times[0], kills, strings.Join(times[1:], ", "), acked.Load(), seen)
	for i, s := range steps {
		t.Logf("start %d: %s", i, s)
	}

	// Every acknowledged write is in the store, once (a write whose answer
	// was lost to a kill is retried with its key and appends nothing new;
	// one in flight when the writers stopped may be there unacknowledged).
	got, n := storeHead(t, data)-initial, uint64(acked.Load())
	if n == 0 || got < n || got > n+4 {
		t.Errorf("writers had %d writes acknowledged; the store grew by %d commits", n, got)
	}
	if seen["starting"]+seen["catching_up"] == 0 {
		t.Logf("every /readyz answered ready at once: the restarts were too quick to see the states")
	}
}

// readySteps is what the process said of its start-up's steps in the log
// line that says it is ready (JSON log format).
func readySteps(output string) string {
	for line := range strings.Lines(output) {
		var l struct{ Msg, Took, Steps string }
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "ready" {
			return l.Took + " in the process: " + l.Steps
		}
	}
	return "no ready line in the log"
}
