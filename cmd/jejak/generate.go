package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/sampledata"
)

func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("generate [flags]", `Append deterministic sample data (data contoh) shaped like the national
figures of the Indeks Inovasi Daerah: ~530 reporting regions and 25,000 to
37,000 innovations a year at --scale 1, with Bimtek sessions, answers and
verifications. The same --seed always gives the same events (but for the
attendees' subjects and ciphertexts: their names and NIPs are sealed with the
store's personal data keys, as a server seals them). The store must be empty
unless --append is given.`, stderr)
	var sf storeFlags
	sf.register(fs)
	seed := fs.Int64("seed", 1, "random seed")
	scale := fs.Float64("scale", 0.1, "share of the national figures (1 = national, about 1M events)")
	years := fs.String("years", "2021-2025", "assessment years, a range (2021-2025) or a list (2024,2025)")
	concurrency := fs.Int("concurrency", 64, "appends in flight")
	appendAnyway := fs.Bool("append", false, "append to a store that already holds events")
	personalKey := fs.String("personal-key", "", "master key of personal data; default <data>/keys/personal-master.key")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ys, err := parseYears(*years)
	if err != nil || *scale <= 0 || *scale > 2 {
		fmt.Fprintln(stderr, "jejak generate: --years must be like 2021-2025 or 2024,2025 and --scale in (0, 2]")
		return errUsage
	}
	o, err := openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer o.Close()
	people, err := app.OpenPeople(ctx, o.Conn, o.Replicas, app.PersonalKeyPath(*personalKey, sf.DataDir), nil)
	if err != nil {
		return err
	}
	bar := newProgress(stderr, "membuat data contoh")
	start := time.Now()
	var last int
	sum, err := sampledata.Generate(ctx, o.Store, sampledata.GenerateOptions{Seed: *seed, Years: ys, Scale: *scale,
		Concurrency: *concurrency, AllowNonEmpty: *appendAnyway, People: people,
		Progress: func(done, total int) { last = total; bar.Update(done, total) }})
	bar.Done(last, last)
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "%d daerah, %d inovasi, %d sesi Bimtek, %d jawaban: %d commit, %d peristiwa dalam %s (%.0f peristiwa/detik)\n",
		sum.Regions, sum.Innovations, sum.Sessions, sum.Answers, sum.Commits, sum.Events, took.Round(time.Millisecond),
		float64(sum.Events)/took.Seconds())
	return nil
}

func parseYears(s string) ([]int, error) {
	if a, b, ok := strings.Cut(s, "-"); ok {
		from, err1 := strconv.Atoi(a)
		to, err2 := strconv.Atoi(b)
		if err1 != nil || err2 != nil || from > to || to-from > 20 {
			return nil, fmt.Errorf("bad year range %q", s)
		}
		var out []int
		for y := from; y <= to; y++ {
			out = append(out, y)
		}
		return out, nil
	}
	var out []int
	for _, p := range strings.Split(s, ",") {
		y, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("bad year %q", p)
		}
		out = append(out, y)
	}
	return out, nil
}
