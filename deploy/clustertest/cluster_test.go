package clustertest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The event stream as documented by package eventstore: one stream, one
// subject per aggregate, <prefix>.<aggregate-type>.<id-token>.
const (
	eventStream        = "JEJAK_EVENTS"              // eventstore.DefaultStream
	innovationSubjects = "jejak.events.innovation.>" // eventstore.DefaultSubjectPrefix + domain.AggregateInnovation
)

func TestCluster(t *testing.T) {
	if os.Getenv("JEJAK_CLUSTER_TEST") != "1" {
		t.Skip("set JEJAK_CLUSTER_TEST=1 (or run deploy/cluster-test.sh): needs Docker, the images and a few minutes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Minute)
	defer cancel()

	began := time.Now()
	c := MustStartCluster(t)
	res := Results{Compose: strings.Join(c.compose, " "), Image: envOr("JEJAK_IMAGE", "jejak:dev"), Startup: time.Since(began)}
	token := c.mustIssueToken()
	clients := []*Client{NewClient(c.JejakURL("jejak1"), token), NewClient(c.JejakURL("jejak2"), token)}
	baseline := mustCountInnovations(t, ctx, c)
	runID := strings.ToLower(rand.Text()[:10])
	load := LoadConfig{RunID: runID, Writers: 4, MaxPerWriter: 1500, MaxDuration: 90 * time.Second,
		Pace: 20 * time.Millisecond, WriteTimeout: 60 * time.Second}

	t.Run("NATS speaks TLS with the cluster's CA", func(t *testing.T) {
		user, password := c.JejakNATSUser()
		// Without the CA the server's certificate cannot be verified.
		if nc, err := nats.Connect(c.NATSURLs(), nats.UserInfo(user, password), nats.Secure(), nats.MaxReconnects(0),
			nats.RetryOnFailedConnect(false)); err == nil {
			nc.Close()
			t.Error("a client that does not trust the cluster's CA connected")
		}
		nc, err := nats.Connect(c.NATSURLs(), nats.UserInfo(user, password), nats.RootCAs(c.CAFile()))
		if err != nil {
			t.Fatalf("with the CA: %v", err)
		}
		defer nc.Close()
		if st, err := nc.TLSConnectionState(); err != nil || !st.HandshakeComplete {
			t.Errorf("the connection is not TLS: %v", err)
		}
	})

	var acked []Ack
	t.Run("survives the loss of a NATS node", func(t *testing.T) {
		cfg := load
		cfg.Name = "nodeloss"
		l := StartLoad(ctx, cfg, clients)
		if !l.WaitAcked(ctx, 40, 60*time.Second) {
			r := l.Stop()
			t.Fatalf("%d writes acknowledged in a minute before any fault; failures: %v", len(r.Acks), firstErrors(r.Failures))
		}
		mustWaitSealed(t, ctx, clients[0]) // the log runs before the fault
		victim := streamLeader(t, ctx, c)
		killed, before := time.Now(), l.Acked()
		began := time.Now() // heads from here on are counted
		c.Kill(victim)
		t.Logf("killed %s (the stream leader) after %d writes", victim, before)
		uploads := StartUploader(ctx, runID, clients, 40, cfg.WriteTimeout) // evidence files, on two nodes
		keepWriting(ctx, nodeDownFor)                                       // on two nodes
		ups, upFailures := uploads.Stop()
		res.EvidenceUploaded, res.EvidenceFailed = len(ups), len(upFailures)
		if len(upFailures) > 0 {
			t.Errorf("%d evidence uploads were never acknowledged, first: %v", len(upFailures), upFailures[0])
		}
		if len(ups) == 0 {
			t.Errorf("no evidence file was acknowledged in the %v %s was down", nodeDownFor, victim)
		}
		if n := l.Acked() - before; n < 50 {
			t.Errorf("only %d writes acknowledged in the %v %s was down", n, nodeDownFor, victim)
		}
		restarted := time.Now()
		c.Start(victim)
		res.NodeRecovery = c.MustWaitNATSHealthy(ctx, victim)
		res.NodeDown = time.Since(killed)
		keepWriting(ctx, 10*time.Second) // on three nodes again
		r := l.Stop()
		res.NodeLoss = r
		res.KilledNode = victim
		acked = append(acked, r.Acks...)
		checkLoad(t, r)
		res.NodeLossConvergence = mustConverge(t, ctx, clients, r)
		mustReadBack(t, ctx, clients, acked)
		mustReadBackEvidence(t, ctx, clients, ups)   // from both replicas, byte for byte
		keepWriting(ctx, sealInterval+2*time.Second) // the last commits get their head
		res.Seals = mustCheckSeals(t, ctx, c, clients[0], began, killed, restarted)
	})
	if t.Failed() {
		res.Print(t)
		return
	}

	t.Run("rolling restart of Jejak loses no acknowledged write", func(t *testing.T) {
		cfg := load
		cfg.Name = "rolling"
		l := StartLoad(ctx, cfg, clients)
		l.WaitAcked(ctx, 40, 60*time.Second)
		for _, s := range jejakServices {
			began := time.Now()
			c.Restart(s)
			c.MustWaitReady(ctx, s)
			res.ReplicaRestart = max(res.ReplicaRestart, time.Since(began))
			keepWriting(ctx, 10*time.Second)
		}
		r := l.Stop()
		res.Rolling = r
		acked = append(acked, r.Acks...)
		checkLoad(t, r)
		res.RollingConvergence = mustConverge(t, ctx, clients, r)
		mustReadBack(t, ctx, clients, acked) // the writes of both phases
	})

	t.Run("every acknowledged write is stored exactly once", func(t *testing.T) {
		ids := make(map[string]string, len(acked))
		keys := make(map[string]bool, len(acked))
		for _, a := range acked {
			if keys[a.Key] {
				t.Errorf("key %s acknowledged twice", a.Key)
			}
			keys[a.Key] = true
			if other, ok := ids[a.ID]; ok {
				t.Errorf("keys %s and %s got the same id %s", other, a.Key, a.ID)
			}
			ids[a.ID] = a.Key
		}
		stored := mustCountInnovations(t, ctx, c) - baseline
		res.Stored = stored
		if stored != len(acked) {
			t.Errorf("the stream holds %d new innovations, %d writes were acknowledged: retried writes were stored twice or writes were lost", stored, len(acked))
		}
	})

	res.Print(t)
	if !t.Failed() {
		res.MustWrite(t, "RESULTS.md")
	}
}

// nodeDownFor is how long the killed NATS node stays down under load.
const nodeDownFor = 15 * time.Second

// keepWriting lets the load run for d (or until ctx ends) before the test
// injects the next fault.
func keepWriting(ctx context.Context, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}

// checkLoad fails the test if any write ended without an acknowledgement:
// the store may or may not hold it, so exactly-once cannot be checked.
func checkLoad(t *testing.T, r LoadResult) {
	t.Helper()
	if len(r.Failures) > 0 {
		t.Fatalf("%d writes were never acknowledged, first: %v", len(r.Failures), firstErrors(r.Failures))
	}
	if len(r.Acks) == 0 {
		t.Fatal("no write was acknowledged")
	}
	t.Logf("writes acknowledged: %s; longest stall %v (from %v into the load), longest write %v",
		writes(r), r.MaxStall.Round(time.Millisecond), r.StallStart.Sub(r.Started).Round(time.Millisecond), r.MaxLatency.Round(time.Millisecond))
}

// mustConverge polls both replicas until their projections are at the same
// position, at least that of the last acknowledged write, with the same
// hashes. It returns how long that took after the load stopped.
func mustConverge(t *testing.T, ctx context.Context, clients []*Client, r LoadResult) time.Duration {
	t.Helper()
	var want uint64
	for _, a := range r.Acks {
		want = max(want, a.Position)
	}
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last []Projections
	var lastErr error
	for {
		last, lastErr = last[:0], nil
		for _, c := range clients {
			p, err := c.Projections(ctx)
			if err != nil {
				lastErr = err
				break
			}
			last = append(last, p)
		}
		if lastErr == nil && last[0].Position >= want && last[0].Same(last[1]) {
			took := time.Since(r.Stopped)
			t.Logf("projections converged at position %d, %v after the load stopped", last[0].Position, took.Round(time.Millisecond))
			return took
		}
		select {
		case <-ctx.Done():
			t.Fatalf("projections did not converge in 90s (want position >= %d): %+v, last error %v", want, last, lastErr)
		case <-tick.C:
		}
	}
}

// mustReadBack reads every acknowledged write back by id, alternating
// replicas, with four readers.
func mustReadBack(t *testing.T, ctx context.Context, clients []*Client, acks []Ack) {
	t.Helper()
	var (
		mu      sync.Mutex
		missing []string
		wg      sync.WaitGroup
	)
	next := make(chan int)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ok, err := clients[i%len(clients)].InnovationExists(ctx, acks[i].ID)
				if !ok || err != nil {
					mu.Lock()
					missing = append(missing, fmt.Sprintf("%s (key %s): %v", acks[i].ID, acks[i].Key, err))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range acks {
		next <- i
	}
	close(next)
	wg.Wait()
	if len(missing) > 0 {
		t.Fatalf("%d of %d acknowledged writes cannot be read back, first: %v", len(missing), len(acks), missing[:min(5, len(missing))])
	}
}

// natsStream connects to the cluster as the jejak user, straight from the
// host. It returns jetstream.ErrStreamNotFound if the stream does not exist.
func natsStream(t *testing.T, ctx context.Context, c *Cluster) (jetstream.Stream, func(), error) {
	t.Helper()
	user, password := c.JejakNATSUser()
	nc, err := nats.Connect(c.NATSURLs(), nats.UserInfo(user, password), nats.Name("clustertest"), nats.RootCAs(c.CAFile()))
	if err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, eventStream)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("stream %s: %w", eventStream, err)
	}
	return s, nc.Close, nil
}

// mustCountInnovations counts the innovations in the event stream: one
// subject per innovation, however many events each has. A stream not
// created yet holds none.
func mustCountInnovations(t *testing.T, ctx context.Context, c *Cluster) int {
	t.Helper()
	s, closeConn, err := natsStream(t, ctx, c)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	defer closeConn()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(innovationSubjects))
	if err != nil {
		t.Fatalf("stream info: %v", err)
	}
	return len(info.State.Subjects)
}

// streamLeader names the NATS node leading the event stream: killing it is
// the worst single-node failure for writers.
func streamLeader(t *testing.T, ctx context.Context, c *Cluster) string {
	t.Helper()
	s, closeConn, err := natsStream(t, ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer closeConn()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	info, err := s.Info(ctx)
	if err != nil || info.Cluster == nil || info.Cluster.Leader == "" {
		t.Logf("stream leader unknown (%v); killing nats2", err)
		return "nats2"
	}
	if n := len(info.Cluster.Replicas) + 1; n != 3 {
		t.Errorf("stream %s has %d replicas, want 3", eventStream, n)
	}
	return info.Cluster.Leader // server_name, which is also the service name
}

func firstErrors(errs []error) []error { return errs[:min(3, len(errs))] }
