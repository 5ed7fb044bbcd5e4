// Package storebench measures the JetStream event store against raw
// JetStream doing the same work, in one run on one embedded server, and
// reports medians and ratios. `jejak bench store` calls Run.
package storebench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/jejak-id/jejak/domain"
)

// Options sizes the run. Zero values mean the defaults.
type Options struct {
	Rounds        int    // rounds per side and scenario, median taken; default 5
	AppendOps     int    // (a) sequential appends per round; default 2000
	Writers       int    // (b) concurrent writers; default 64
	ConcurrentOps int    // (b) appends per round, all writers together; default 20000
	ReplayEvents  int    // (c) events replayed per round; default 1,000,000
	DataDir       string // where the embedded server stores; default a fresh temp dir, removed after
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Rounds, 5)
	def(&o.AppendOps, 2000)
	def(&o.Writers, 64)
	def(&o.ConcurrentOps, 20000)
	def(&o.ReplayEvents, 1_000_000)
	return o
}

// Figure is one scenario: medians of operations (or events) per second.
type Figure struct {
	Name     string
	Unit     string
	Jejak    float64
	Raw      float64
	Ratio    float64 // Jejak / Raw
	Target   float64 // minimum ratio we aim for
	Baseline string  // what the raw side does
}

// Met reports whether the ratio reaches the target.
func (f Figure) Met() bool { return f.Ratio >= f.Target }

// Report is the result of one run.
type Report struct {
	Options Options
	Figures []Figure
}

// Run starts an embedded server (file storage), runs the three scenarios
// with raw and Jejak rounds interleaved, writes a table to w and returns the
// report. It takes minutes with the defaults; ctx cancels it.
func Run(ctx context.Context, o Options, w io.Writer) (Report, error) {
	o = o.withDefaults()
	dir := o.DataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "jejak-bench-")
		if err != nil {
			return Report{}, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	env, err := newSetup(ctx, dir)
	if err != nil {
		return Report{}, err
	}
	defer env.close()

	report := Report{Options: o}
	scenarios := []func(context.Context, Options) (Figure, error){env.sequentialAppend, env.concurrentAppend, env.replay}
	for _, run := range scenarios {
		f, err := run(ctx, o)
		if err != nil {
			return report, err
		}
		report.Figures = append(report.Figures, f)
		fmt.Fprintf(w, "%-34s jejak %10.0f %s  raw %10.0f %s  ratio %.2fx (target %.2fx%s)\n",
			f.Name, f.Jejak, f.Unit, f.Raw, f.Unit, f.Ratio, f.Target, map[bool]string{true: "", false: ", MISSED"}[f.Met()])
	}
	return report, nil
}

// rounds runs raw and Jejak alternately and returns both medians of
// count/duration.
func rounds(ctx context.Context, n int, count int, raw, jejak func(ctx context.Context, round int) error) (float64, float64, error) {
	var rawRates, jejakRates []float64
	for r := range n {
		for _, side := range []struct {
			run   func(context.Context, int) error
			rates *[]float64
		}{{raw, &rawRates}, {jejak, &jejakRates}} {
			start := time.Now()
			if err := side.run(ctx, r); err != nil {
				return 0, 0, err
			}
			*side.rates = append(*side.rates, float64(count)/time.Since(start).Seconds())
		}
	}
	return median(rawRates), median(jejakRates), nil
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

func figure(name, unit, baseline string, target, raw, jejak float64) Figure {
	return Figure{Name: name, Unit: unit, Jejak: jejak, Raw: raw, Ratio: jejak / raw, Target: target, Baseline: baseline}
}

// BenchEvent is the event written by the benchmark: a small, typical fact.
type BenchEvent struct {
	Region string
	Score  float64
	Note   string
}

// EventType implements domain.Event.
func (BenchEvent) EventType() string { return "bench.scored" }

// Specs describes BenchEvent to a codec.
func Specs() []domain.EventSpec {
	return []domain.EventSpec{{Type: "bench.scored", Version: 1, New: func() domain.Event { return BenchEvent{} }}}
}

var errShort = errors.New("storebench: fewer events than expected")

// streamHead is the last sequence of a stream.
func streamHead(ctx context.Context, s jetstream.Stream) (uint64, error) {
	info, err := s.Info(ctx)
	if err != nil {
		return 0, err
	}
	return info.State.LastSeq, nil
}
