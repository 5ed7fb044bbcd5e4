package clustertest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jejak-id/jejak/deploy/credentials"
)

// Cluster is one docker-compose project made from the repository's
// docker-compose.yml, with its own credentials, volumes and loopback ports.
type Cluster struct {
	t        testing.TB
	root     string   // repository root, where docker-compose.yml is
	compose  []string // "docker compose" or "docker-compose"
	project  string
	secrets  string
	env      []string
	httpPort map[string]int // jejak1, jejak2 -> host port
	natsPort map[string]int // nats1..3 -> host client port
	monPort  map[string]int // nats1..3 -> host monitoring port
	downOnce sync.Once
}

var (
	jejakServices = []string{"jejak1", "jejak2"}
	natsServices  = []string{"nats1", "nats2", "nats3"}
)

// MustStartCluster brings the cluster up and waits until every NATS node is
// healthy and both Jejak replicas are ready. It tears everything down (with
// volumes) when the test ends, and on SIGINT/SIGTERM.
func MustStartCluster(tb testing.TB) *Cluster {
	tb.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "docker-compose.yml")); err != nil {
		tb.Fatalf("docker-compose.yml not found at the repository root: %v", err)
	}
	c := &Cluster{
		t:        tb,
		root:     root,
		compose:  composeCommand(),
		project:  os.Getenv("JEJAK_CLUSTER_PROJECT"),
		secrets:  tb.TempDir(),
		httpPort: map[string]int{},
		natsPort: map[string]int{},
		monPort:  map[string]int{},
	}
	if c.project == "" {
		c.project = "jejakct" + strings.ToLower(rand.Text()[:8])
	}
	for _, image := range []string{envOr("JEJAK_IMAGE", "jejak:dev"), envOr("JEJAK_NATS_IMAGE", "jejak-nats:dev")} {
		if err := exec.Command("docker", "image", "inspect", image).Run(); err != nil {
			tb.Fatalf("image %s is missing: run \"make images\" (or deploy/cluster-test.sh)", image)
		}
	}
	if err := credentials.Generate(c.secrets, false); err != nil {
		tb.Fatal(err)
	}
	ports := mustFreePorts(tb, 8)
	c.env = append(os.Environ(), "JEJAK_SECRETS_DIR="+c.secrets)
	for i, s := range jejakServices {
		c.httpPort[s] = ports[i]
		c.env = append(c.env, fmt.Sprintf("JEJAK%d_HTTP_PORT=%d", i+1, ports[i]))
	}
	for i, s := range natsServices {
		c.natsPort[s], c.monPort[s] = ports[2+i], ports[5+i]
		c.env = append(c.env,
			fmt.Sprintf("JEJAK_NATS%d_CLIENT_PORT=%d", i+1, ports[2+i]),
			fmt.Sprintf("JEJAK_NATS%d_MONITOR_PORT=%d", i+1, ports[5+i]))
	}
	tb.Logf("compose project %s (%s), jejak ports %v", c.project, strings.Join(c.compose, " "), c.httpPort)

	c.teardownOnInterrupt()
	tb.Cleanup(func() {
		if tb.Failed() {
			c.dumpLogs()
		}
		c.down()
	})

	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	if out, err := c.run(ctx, "up", "-d"); err != nil {
		tb.Fatalf("compose up: %v\n%s", err, out)
	}
	for _, s := range natsServices {
		c.MustWaitNATSHealthy(ctx, s)
	}
	for _, s := range jejakServices {
		c.MustWaitReady(ctx, s)
	}
	return c
}

// composeCommand prefers Compose v2 and falls back to docker-compose v1.
func composeCommand() []string {
	if exec.Command("docker", "compose", "version").Run() == nil {
		return []string{"docker", "compose"}
	}
	return []string{"docker-compose"}
}

// command prepares one compose subcommand in the project.
func (c *Cluster) command(ctx context.Context, args ...string) *exec.Cmd {
	full := append(append([]string{}, c.compose[1:]...),
		append([]string{"-f", filepath.Join(c.root, "docker-compose.yml"), "-p", c.project}, args...)...)
	cmd := exec.CommandContext(ctx, c.compose[0], full...)
	cmd.Dir, cmd.Env = c.root, c.env
	return cmd
}

// run runs one compose subcommand and returns its output, stderr included.
func (c *Cluster) run(ctx context.Context, args ...string) ([]byte, error) {
	return c.command(ctx, args...).CombinedOutput()
}

// MustRun runs a compose subcommand that must succeed within two minutes.
func (c *Cluster) MustRun(args ...string) []byte {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := c.run(ctx, args...)
	if err != nil {
		c.t.Fatalf("compose %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// Kill sends SIGKILL to a service's container: a crash, not a shutdown.
func (c *Cluster) Kill(service string) { c.MustRun("kill", "-s", "SIGKILL", service) }

// Start starts a stopped service's container again, with its volume.
func (c *Cluster) Start(service string) { c.MustRun("start", service) }

// Restart stops a service gracefully (SIGTERM, then the grace period) and
// starts it again.
func (c *Cluster) Restart(service string) { c.MustRun("restart", service) }

// JejakURL is the base URL of a Jejak replica on the host.
func (c *Cluster) JejakURL(service string) string {
	return fmt.Sprintf("http://127.0.0.1:%d", c.httpPort[service])
}

// NATSURLs lists the cluster's client ports on the host, comma separated.
func (c *Cluster) NATSURLs() string {
	var urls []string
	for _, s := range natsServices {
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", c.natsPort[s]))
	}
	return strings.Join(urls, ",")
}

// CAFile is the CA certificate that verifies the NATS nodes (TLS).
func (c *Cluster) CAFile() string {
	return filepath.Join(c.secrets, credentials.TLSDir, credentials.CAFile)
}

// JejakNATSUser returns the NATS user and password of the jejak services.
func (c *Cluster) JejakNATSUser() (user, password string) {
	env, err := credentials.ReadEnv(filepath.Join(c.secrets, credentials.JejakEnvFile))
	if err != nil {
		c.t.Fatal(err)
	}
	return env["JEJAK_NATS_USER"], env["JEJAK_NATS_PASSWORD"]
}

// MustWaitNATSHealthy polls a node's /healthz until it answers 200: the node
// knows the JetStream meta leader and its streams are current.
func (c *Cluster) MustWaitNATSHealthy(ctx context.Context, service string) time.Duration {
	c.t.Helper()
	return c.mustWaitOK(ctx, service, fmt.Sprintf("http://127.0.0.1:%d/healthz", c.monPort[service]))
}

// MustWaitReady polls a Jejak replica's /readyz until it answers 200.
func (c *Cluster) MustWaitReady(ctx context.Context, service string) time.Duration {
	c.t.Helper()
	return c.mustWaitOK(ctx, service, c.JejakURL(service)+"/readyz")
}

func (c *Cluster) mustWaitOK(ctx context.Context, service, url string) time.Duration {
	c.t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	last := "no answer"
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start)
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			c.t.Fatalf("%s not ready at %s after %v: %s", service, url, time.Since(start).Round(time.Second), last)
		case <-tick.C:
		}
	}
}

// down removes the containers, networks and volumes of the project. It is
// safe to call more than once and from a signal handler.
func (c *Cluster) down() {
	c.downOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if out, err := c.run(ctx, "down", "-v", "--remove-orphans", "-t", "5"); err != nil {
			c.t.Logf("compose down: %v\n%s", err, out)
		}
	})
}

func (c *Cluster) dumpLogs() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, _ := c.run(ctx, "logs", "--no-color", "--tail", "80")
	c.t.Logf("compose logs (last lines of each service):\n%s", out)
}

// teardownOnInterrupt removes the project when the test binary is
// interrupted, since t.Cleanup does not run then.
func (c *Cluster) teardownOnInterrupt() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	c.t.Cleanup(func() { signal.Stop(sig); close(done) })
	go func() {
		select {
		case s := <-sig:
			fmt.Fprintf(os.Stderr, "clustertest: %v: removing compose project %s\n", s, c.project)
			c.down()
			os.Exit(1)
		case <-done:
		}
	}()
}

// mustFreePorts returns n distinct free loopback TCP ports.
func mustFreePorts(tb testing.TB, n int) []int {
	tb.Helper()
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		ls = append(ls, l)
		_, p, _ := net.SplitHostPort(l.Addr().String())
		port, _ := strconv.Atoi(p)
		ports = append(ports, port)
	}
	return ports
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
