package clustertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// LoadConfig bounds a write load by count and by time.
type LoadConfig struct {
	Name         string        // phase name, part of every Idempotency-Key
	RunID        string        // unique per test run, part of every key
	Writers      int           // concurrent writers
	MaxPerWriter int           // writes each writer starts at most
	MaxDuration  time.Duration // no write starts after this
	Pace         time.Duration // at least this long between two writes of a writer
	WriteTimeout time.Duration // give up retrying one write after this
}

// Ack is one acknowledged write.
type Ack struct {
	Key      string
	ID       string
	Position uint64
	At       time.Time     // when the successful answer arrived
	Latency  time.Duration // from the first attempt, retries included
	Attempts int
	Replayed bool // the answer was an idempotent replay of an earlier attempt
}

// Load is a running write load spread over several replicas. Every writer
// sends its writes round-robin to the replicas and retries a failed write
// with the same Idempotency-Key on the next replica until it is acknowledged.
type Load struct {
	cfg     LoadConfig
	clients []*Client
	start   time.Time
	stop    chan struct{}
	wg      sync.WaitGroup

	mu       sync.Mutex
	acks     []Ack
	failures []error // writes that ended without an acknowledgement
	retries  int
}

// StartLoad starts the writers; Stop ends them.
func StartLoad(ctx context.Context, cfg LoadConfig, clients []*Client) *Load {
	l := &Load{cfg: cfg, clients: clients, start: time.Now(), stop: make(chan struct{})}
	for w := range cfg.Writers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			l.writer(ctx, w)
		}()
	}
	return l
}

func (l *Load) writer(ctx context.Context, w int) {
	pace := time.NewTicker(l.cfg.Pace)
	defer pace.Stop()
	deadline := l.start.Add(l.cfg.MaxDuration)
	for n := range l.cfg.MaxPerWriter {
		select {
		case <-l.stop:
			return
		case <-ctx.Done():
			return
		case <-pace.C:
		}
		if time.Now().After(deadline) {
			return
		}
		key := fmt.Sprintf("%s-%s-w%d-%05d", l.cfg.RunID, l.cfg.Name, w, n)
		if !l.write(ctx, key, w+n) {
			return
		}
	}
}

// write sends one write until it is acknowledged, fails for good, or times
// out. It is not abandoned when the load is stopped: an unfinished write would
// leave the test unable to tell whether it was stored. It reports whether the
// writer should go on.
func (l *Load) write(ctx context.Context, key string, replica int) bool {
	first := time.Now()
	ctx, cancel := context.WithTimeout(ctx, l.cfg.WriteTimeout)
	defer cancel()
	backoff := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		client := l.clients[(replica+attempt-1)%len(l.clients)]
		created, err := client.Propose(ctx, key)
		if err == nil {
			l.mu.Lock()
			l.acks = append(l.acks, Ack{Key: key, ID: created.ID, Position: created.Position,
				At: time.Now(), Latency: time.Since(first), Attempts: attempt, Replayed: created.Replayed})
			l.retries += attempt - 1
			l.mu.Unlock()
			return true
		}
		if !errors.Is(err, errRetryable) || ctx.Err() != nil {
			l.mu.Lock()
			l.failures = append(l.failures, fmt.Errorf("write %s, attempt %d: %w", key, attempt, err))
			l.mu.Unlock()
			return false
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}

// Acked returns how many writes were acknowledged so far.
func (l *Load) Acked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acks)
}

// WaitAcked polls until n writes more than before are acknowledged, the load
// ends on its own, or the timeout passes; it reports whether n were reached.
func (l *Load) WaitAcked(ctx context.Context, n int, timeout time.Duration) bool {
	target := l.Acked() + n
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for l.Acked() < target {
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
	return true
}

// LoadResult is what a finished load did.
type LoadResult struct {
	Acks       []Ack
	Failures   []error
	Retries    int
	Duration   time.Duration
	Started    time.Time
	Stopped    time.Time
	MaxStall   time.Duration // longest time with no acknowledgement at all
	StallStart time.Time     // when that stall began
	MaxLatency time.Duration // longest single write, retries included
	Replays    int           // acknowledgements that were idempotent replays
}

// Stop lets in-flight writes finish, then returns the results.
func (l *Load) Stop() LoadResult {
	close(l.stop)
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	r := LoadResult{Acks: slices.Clone(l.acks), Failures: slices.Clone(l.failures), Retries: l.retries,
		Started: l.start, Stopped: time.Now(), Duration: time.Since(l.start)}
	slices.SortFunc(r.Acks, func(a, b Ack) int { return a.At.Compare(b.At) })
	prev := l.start
	for _, a := range r.Acks {
		if gap := a.At.Sub(prev); gap > r.MaxStall {
			r.MaxStall, r.StallStart = gap, prev
		}
		prev = a.At
		r.MaxLatency = max(r.MaxLatency, a.Latency)
		if a.Replayed {
			r.Replays++
		}
	}
	return r
}

// Throughput is acknowledged writes per second.
func (r LoadResult) Throughput() float64 {
	return float64(len(r.Acks)) / r.Duration.Seconds()
}
