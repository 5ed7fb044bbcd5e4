package sampledata

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/personal"
)

// nationalScale is docs/DOMAIN.md §7.3: regions reporting and innovations per year.
var nationalScale = map[int][2]int{
	2021: {519, 25124}, 2022: {510, 26900}, 2023: {527, 28539}, 2024: {529, 31719}, 2025: {531, 36742},
}

// GenerateOptions configures Generate.
type GenerateOptions struct {
	// Seed makes the history: the same seed (and options) gives the same
	// events, ids and occurred-at times; attendees' subjects and sealed
	// fields come from People (the same with one vault whose nonces are
	// derived, personal.Options.SyntheticNonces).
	Seed int64
	// Years to generate, each with its period advanced to published.
	// Default 2021..2025; only years with a catalogue and a schedule.
	Years []int
	// Scale of the national figures: 1.0 is ~530 reporting regions and
	// 25,124 (2021) to 36,742 (2025) reported innovations. Default 0.01.
	Scale float64
	// Concurrency is how many appends are in flight. Default 64.
	Concurrency int
	// Progress, if set, is called after each appended batch with the
	// number of planned actions done so far and in total.
	Progress func(done, total int)
	// AllowNonEmpty lets Generate append to a store that already holds
	// events. It is refused by default, because the generator assumes it
	// is the only writer of every aggregate it creates: on a store where a
	// generated period (or any other aggregate) exists already, it stops
	// with a version conflict.
	AllowNonEmpty bool
	// People seals the attendees' personal fields (docs/PRIVACY.md). Nil:
	// a vault of this run only (personal.Ephemeral), whose keys are gone
	// when Generate returns, so every attendee reads as erased; a server
	// passes its own vault.
	People domain.PersonalData
}

// Generate writes a deterministic national-scale history straight into
// store: periods, region profiles, innovations with their stages, Bimtek
// sessions with attendance, SPD and SID answers and their verification.
// It decides with the domain aggregates in memory (so every rule is
// checked) and appends commits concurrently, keeping each aggregate's
// order; batches follow occurred-at, and period phase changes are
// appended alone, so the stream is chronological except within a batch.
//
// It returns an error on a non-empty store unless AllowNonEmpty is set.
// It is not safe to run twice on one store with the same seed.
func Generate(ctx context.Context, store domain.EventStore, opts GenerateOptions) (Summary, error) {
	if opts.Scale <= 0 {
		opts.Scale = 0.01
	}
	if len(opts.Years) == 0 {
		opts.Years = []int{2021, 2022, 2023, 2024, 2025}
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 64
	}
	for _, y := range opts.Years {
		if _, ok := nationalScale[y]; !ok {
			return Summary{}, fmt.Errorf("sampledata: no national figures for %d", y)
		}
	}
	if !opts.AllowNonEmpty {
		head, err := store.Head(ctx)
		if err != nil {
			return Summary{}, err
		}
		if head > 0 {
			return Summary{}, fmt.Errorf("sampledata: the store is not empty (head %d); Generate writes only into an empty store unless AllowNonEmpty is set", head)
		}
	}
	p, err := planNational(opts)
	if err != nil {
		return Summary{}, err
	}
	actions := p.sorted()
	sum := summarise(actions)
	people := opts.People
	if people == nil {
		people = personal.Ephemeral()
	}
	e := newEngine(store, people, fmt.Sprintf("sampledata-generate-%d", opts.Seed), opts.Concurrency, 4096)
	err = e.run(ctx, actions, opts.Progress)
	sum.Commits, sum.Events = e.commits, e.events
	return sum, err
}

// planNational plans the generated history.
func planNational(opts GenerateOptions) (*plan, error) {
	years := slices.Sorted(slices.Values(opts.Years))
	p := newPlan(fmt.Sprintf("generate/%d", opts.Seed))
	rnd := rand.New(rand.NewPCG(uint64(opts.Seed), 0x6a656a616b))
	for _, y := range years {
		if err := p.addPeriod(y, domain.PhasePublished); err != nil {
			return nil, err
		}
	}
	assessed := domain.MustRegions().Assessed()
	rnd.Shuffle(len(assessed), func(i, j int) { assessed[i], assessed[j] = assessed[j], assessed[i] })
	maxRegions := 0
	for _, y := range years {
		maxRegions = max(maxRegions, scaled(nationalScale[y][0], opts.Scale, 2))
	}
	regions := assessed[:min(maxRegions, len(assessed))]
	weights := make([]float64, len(regions))
	for i := range weights {
		weights[i] = 0.3 + 1.4*rnd.Float64()
	}
	gens := make([]*randomRegion, len(regions))
	for i, r := range regions {
		gens[i] = &randomRegion{region: r, quality: 0.25 + 0.7*rnd.Float64(), extra: 0.08, perYear: map[int]int{}, years: years,
			rnd: rand.New(rand.NewPCG(uint64(opts.Seed), uint64(i+1)))}
	}
	for _, y := range years {
		n := min(scaled(nationalScale[y][0], opts.Scale, 2), len(regions))
		total := scaled(nationalScale[y][1], opts.Scale, n)
		var wsum float64
		for i := range n {
			wsum += weights[i]
		}
		for i := range n {
			gens[i].perYear[y] = max(1, int(float64(total)*weights[i]/wsum+0.5))
		}
	}
	for i, g := range gens {
		if i%10 == 0 {
			office := "Badan Riset dan Inovasi Daerah " + g.region.Name
			kind := domain.OfficeBrida
			if i%20 == 0 {
				office, kind = "Bappeda "+g.region.Name, domain.OfficeBappeda
			}
			p.add("profile/"+g.region.Code, &action{at: at(day(years[0], 3, 1), 1, i%60), kind: actSetOffice, actor: operator(g.region),
				region: g.region.Code, officeName: office, officeKind: kind})
		}
		if err := g.plan(p, i); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func scaled(n int, scale float64, least int) int { return max(least, int(float64(n)*scale+0.5)) }
