package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jejak-id/jejak/app"
	"github.com/jejak-id/jejak/domain"
	"github.com/jejak-id/jejak/projections"
	"github.com/jejak-id/jejak/projections/audit"
)

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit (--entity TYPE/ID | --region KODE | --actor USER)... [flags]",
		`Replay the history of an entity, a region or an actor: who did what, when,
under which correlation id, and which fields changed (before -> after).
Give at least one of --entity, --region and --actor; several narrow each
other. The query means what the same parameters of GET /api/v1/audit mean.

Examples:
  jejak audit --region 64.03 --as-of 2024-12-31
  jejak audit --entity innovation/0193... --format json
  jejak audit --actor operator.berau --type assessment.answer_submitted`, stderr)
	var sf storeFlags
	sf.register(fs)
	entity := fs.String("entity", "", "entity as type/id: innovation/<uuid>, bimtek/<uuid>, assessment/2025-64.03, region/64.03, period/2025")
	region := fs.String("region", "", "Kemendagri code of a region: every event of its innovations, sessions and assessments")
	actor := fs.String("actor", "", "user name: every event this user recorded")
	asOf := fs.String("as-of", "", "show history up to this date (2025-08-06), RFC 3339 time or stream position")
	types := fs.String("type", "", "only these event types, comma separated (e.g. innovation.trial_started)")
	eventID := fs.String("event-id", "", "only this event (its before/after from the whole trail)")
	from := fs.String("from", "", "only events that occurred on or after this date (WIB) or RFC 3339 time")
	to := fs.String("to", "", "only events that occurred on or before this date (WIB) or RFC 3339 time")
	format := fs.String("format", "table", "output: table or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// The query is parsed and checked by the audit package, as for the API.
	q, err := audit.ParseQuery(audit.Params{Entity: *entity, Region: *region, Actor: *actor, Type: *types,
		EventID: *eventID, From: *from, To: *to})
	var problems []string
	if err != nil {
		problems = flagProblems(err)
	}
	var until projections.AsOf
	if *asOf != "" {
		if until, err = projections.ParseAsOf(*asOf); err != nil {
			problems = append(problems, fmt.Sprintf("--as-of %q: use a date (2025-08-06), an RFC 3339 time or a position", *asOf))
		}
	}
	if *format != "table" && *format != "json" {
		problems = append(problems, "--format must be table or json")
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, "jejak audit:", p)
		}
		return errUsage
	}
	o, err := openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer o.Close()

	var entries []audit.Entry
	keep := func(ev domain.RecordedEvent) bool { return until.Includes(ev) && audit.Keep(ev, q) }
	if q.EntityID != "" {
		evs, err := o.Store.Load(ctx, q.EntityType, q.EntityID, 0)
		if err != nil {
			return err
		}
		var tr audit.Trailer
		for _, ev := range evs {
			if e := tr.Entry(ev); keep(ev) {
				entries = append(entries, e)
			}
		}
		if q.EntityType == domain.AggregateInnovation && len(evs) > 0 {
			about, err := aboutInnovation(ctx, o, q, until, audit.EventRegion(evs[0].Data))
			if err != nil {
				return err
			}
			entries = append(entries, about...)
			audit.SortEntries(entries)
		}
	} else if entries, err = replayAudit(ctx, o, q, keep, stderr); err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if entries == nil {
			entries = []audit.Entry{}
		}
		return enc.Encode(entries)
	}
	printAudit(stdout, entries)
	return nil
}

// aboutInnovation adds to an innovation's trail what its region's
// assessments (one per catalogue year) recorded about it.
func aboutInnovation(ctx context.Context, o *app.Storage, q audit.Query, until projections.AsOf, region string) ([]audit.Entry, error) {
	versions, err := domain.CatalogueVersions()
	if err != nil {
		return nil, err
	}
	var out []audit.Entry
	for _, v := range versions {
		c, err := domain.CatalogueByVersion(v)
		if err != nil {
			return nil, err
		}
		evs, err := o.Store.Load(ctx, domain.AggregateAssessment, domain.AssessmentID(c.Year(), region), 0)
		if err != nil {
			return nil, err
		}
		for _, e := range audit.AboutInnovation(evs, q) {
			if until.Includes(domain.RecordedEvent{Position: e.Position, OccurredAt: e.OccurredAt}) {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// replayAudit reads the whole stream once, with a progress bar, keeping the
// entries q selects. Before/after values need every earlier event of an
// aggregate, so the trail follows all of them.
func replayAudit(ctx context.Context, o *app.Storage, q audit.Query, keep func(domain.RecordedEvent) bool, stderr io.Writer) ([]audit.Entry, error) {
	head, err := o.Store.Head(ctx)
	if err != nil {
		return nil, err
	}
	bar := newProgress(stderr, "memutar ulang riwayat")
	var tr audit.Trailer
	var out []audit.Entry
	err = o.Store.Read(ctx, 0, func(ev domain.RecordedEvent) error {
		if q.Region != "" && audit.EventRegion(ev.Data) != q.Region {
			bar.Update(int(ev.Position), int(head))
			return nil // other regions' aggregates never hold this region's events
		}
		if e := tr.Entry(ev); keep(ev) {
			out = append(out, e)
		}
		bar.Update(int(ev.Position), int(head))
		return nil
	})
	bar.Done(int(head), int(head))
	return out, err
}

// flagProblems says what is wrong with the flags, naming each flag as the
// user wrote it (the audit package names the API's parameters).
func flagProblems(err error) []string {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Problems) == 0 {
		return []string{err.Error()}
	}
	out := make([]string, 0, len(de.Problems))
	for _, p := range de.Problems {
		out = append(out, fmt.Sprintf("--%s: %s", strings.ReplaceAll(p.Field, "_", "-"), p.Message))
	}
	return out
}

func printAudit(w io.Writer, entries []audit.Entry) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "POSISI\tWAKTU (UTC)\tPELAKU\tPERISTIWA\tENTITAS\tPERUBAHAN\tKORELASI")
	for _, e := range entries {
		var changes []string
		for _, c := range e.Changes {
			if c.Before == nil {
				changes = append(changes, fmt.Sprintf("%s=%s", c.Field, short(c.After)))
			} else {
				changes = append(changes, fmt.Sprintf("%s: %s -> %s", c.Field, short(c.Before), short(c.After)))
			}
		}
		fmt.Fprintf(tw, "%d.%d\t%s\t%s (%s)\t%s\t%s/%s\t%s\t%s\n", e.Position, e.Index, e.OccurredAt.UTC().Format("2006-01-02 15:04"),
			e.Actor.User, e.Actor.Role, e.Type, e.AggregateType, e.AggregateID, strings.Join(changes, "; "), e.CorrelationID)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d peristiwa\n", len(entries))
}

// short renders a value for the table, cut to 40 characters.
func short(v any) string {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case time.Time:
		s = v.UTC().Format(time.DateOnly)
	default:
		b, _ := json.Marshal(v)
		s = string(b)
	}
	if len([]rune(s)) > 40 {
		s = string([]rune(s)[:39]) + "…"
	}
	return s
}
