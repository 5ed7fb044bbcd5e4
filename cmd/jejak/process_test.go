package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jejak-id/jejak/app"
)

// process is a jejak command running as a child process (this test binary
// with JEJAK_TEST_AS_BINARY=1), so that a test can kill -9 it.
type process struct {
	t       *testing.T
	cmd     *exec.Cmd
	started time.Time
	mu      sync.Mutex
	out     strings.Builder
	exited  chan struct{}
}

// startProcess runs "jejak args..." in a child process.
func startProcess(t *testing.T, args ...string) *process {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "JEJAK_TEST_AS_BINARY=1")
	p := &process{t: t, cmd: cmd, exited: make(chan struct{})}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			p.mu.Lock()
			p.out.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
	}()
	go func() {
		_ = cmd.Wait()
		pw.Close()
		close(p.exited)
	}()
	t.Cleanup(func() { p.kill() })
	return p
}

// output is what the process printed so far.
func (p *process) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *process) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop sends SIGTERM and waits for a graceful exit.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		p.t.Errorf("jejak did not stop within 30s after SIGTERM:\n%s", p.output())
		p.kill()
	}
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// storeHead opens the data directory's store (the process must be gone)
// and returns its head.
func storeHead(t *testing.T, data string) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := app.OpenStorage(ctx, app.StorageConfig{DataDir: data}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, err := st.Store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// get answers the status and body of GET url, or status 0 when nothing
// answers.
func get(url string) (int, string) {
	c := http.Client{Timeout: 15 * time.Second} // longer than the server's min_position bound
	res, err := c.Get(url)
	if err != nil {
		return 0, ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// waitReady polls /readyz until 200 and returns how long the process took
// from its start.
func (p *process) waitReady(base string, within time.Duration) time.Duration {
	p.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if status, _ := get(base + "/readyz"); status == http.StatusOK {
			return time.Since(p.started)
		}
		select {
		case <-p.exited:
			p.t.Fatalf("jejak exited before it was ready:\n%s", p.output())
		case <-time.After(20 * time.Millisecond):
		}
	}
	p.t.Fatalf("jejak not ready within %s:\n%s", within, p.output())
	return 0
}

// waitOutput waits until the process has printed text.
func (p *process) waitOutput(text string, within time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(p.output(), text) {
		if time.Now().After(deadline) {
			p.t.Fatalf("jejak did not print %q within %s:\n%s", text, within, p.output())
		}
		select {
		case <-p.exited:
			p.t.Fatalf("jejak exited before printing %q:\n%s", text, p.output())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
