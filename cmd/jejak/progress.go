package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progressBar draws "label [#####.....]  45% 450/1000" on a terminal,
// redrawn at most ten times a second; on anything else it prints only the
// final line. Safe for concurrent use.
type progressBar struct {
	w     io.Writer
	label string
	tty   bool
	start time.Time

	mu   sync.Mutex
	last time.Time
}

func newProgress(w io.Writer, label string) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressBar{w: w, label: label, tty: tty, start: time.Now()}
}

// Update shows done of total (total 0: unknown).
func (p *progressBar) Update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tty || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r%s", p.line(done, total))
}

// Done prints the final line.
func (p *progressBar) Done(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprint(p.w, "\r")
	}
	fmt.Fprintf(p.w, "%s (%s)\n", p.line(done, total), time.Since(p.start).Round(time.Millisecond))
}

func (p *progressBar) line(done, total int) string {
	const width = 30
	if total <= 0 {
		return fmt.Sprintf("%s %d", p.label, done)
	}
	frac := min(float64(done)/float64(total), 1)
	n := int(frac * width)
	return fmt.Sprintf("%s [%s%s] %3.0f%% %d/%d", p.label, strings.Repeat("#", n), strings.Repeat(".", width-n), frac*100, done, total)
}
