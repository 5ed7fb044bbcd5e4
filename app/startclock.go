package app

import (
	"log/slog"
	"strings"
	"time"
)

// startClock times the steps of a start-up, so that the line that says the
// process is ready also says where its time went (an operator whose
// restart was slow sees whether NATS recovery, the checkpoint or the
// catch-up took it).
type startClock struct {
	began, last time.Time
	steps       []string
}

func newStartClock() *startClock {
	now := time.Now()
	return &startClock{began: now, last: now}
}

// mark ends the step that ran since the previous mark.
func (c *startClock) mark(step string) {
	now := time.Now()
	c.steps = append(c.steps, step+" "+now.Sub(c.last).Round(time.Millisecond).String())
	c.last = now
}

// attrs are the log attributes of the whole start-up so far.
func (c *startClock) attrs() []any {
	return []any{slog.String("took", time.Since(c.began).Round(time.Millisecond).String()), slog.String("steps", strings.Join(c.steps, ", "))}
}
