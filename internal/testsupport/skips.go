package testsupport

import (
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"testing"
)

// Skips remembers the tests a package skipped because a tool it needs
// (Chromium, LibreOffice) is missing, so that the package's TestMain can
// say at the end what did not run and why. Safe for concurrent use.
type Skips struct {
	mu    sync.Mutex
	lines []string
}

// Skip records tb's name and why, then skips it.
func (s *Skips) Skip(tb testing.TB, why string) {
	tb.Helper()
	s.mu.Lock()
	s.lines = append(s.lines, tb.Name()+": "+why)
	s.mu.Unlock()
	tb.Skip(why)
}

// Run runs the package's tests and then reports the skips: on standard
// output (seen with go test -v, or go test in the package's directory) and
// on the terminal when there is one, since go test ./... keeps the output
// of a passing package to itself. It returns m.Run's exit code.
func (s *Skips) Run(m *testing.M) int {
	code := m.Run()
	s.mu.Lock()
	lines := append([]string(nil), s.lines...)
	s.mu.Unlock()
	if len(lines) == 0 {
		return code
	}
	sort.Strings(lines)
	report := func(w io.Writer) {
		fmt.Fprintf(w, "\nSKIPPED (%d tests did not run):\n", len(lines))
		for _, l := range lines {
			fmt.Fprintln(w, "  "+l)
		}
	}
	report(os.Stdout)
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		report(tty)
		tty.Close()
	}
	return code
}
